"""The audit core: plain Python, no Textual.

- ``policy``: reading a policy file into sections and clauses.
- ``checklist``: checklist files (TOML) and where they are found.
- ``session``: one audit on disk (TOML), its tags, statuses, notes and history.
- ``atomic``: crash-safe file writes.
- ``text``: making untrusted text safe to show.
- ``errors``: the one error type the tool raises for bad input.
"""
