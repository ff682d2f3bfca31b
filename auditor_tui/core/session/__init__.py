"""A session: one audit of one policy against one checklist, saved as a TOML file.

The file is the audit's record, meant to be read, diffed and committed::

    schema_version = 1

    [audit]           id, title, auditor, created, updated, state
    [policy]          path (as given), sha256 (fingerprint), clauses (count); where it came from:
                      source (path or URL), format, raw_sha256, and for a URL retrieved,
                      http_status, content_type, final_url (path is then the snapshot);
                      whole_page when a web page was read whole
    [checklist]       id, version, sha256 (of the checklist file), path
    [cursor]          item, clause: where the auditor was
    [signoff]         reviewer, at, statement, schema, digest[, signature]   (once signed off)
    [origin]          session, audit_id, policy_path, policy_sha256  (only for a re-audit)
    [[items]]         id, status, note, rejected, review_comment, previous_status, assignee
    [items.conflict]  ours_by, theirs_by, fields and THEIRS's values of them: a merge's open conflict
    [[items.tags]]    clause, section, sha256, text: the clause quoted, so the audit stands alone;
                      start, end (a span only): the quote is text[start:end] of the clause
    [reuse]           session, audit_id, checklist_id, policy_sha256, crosswalk  (only for a reuse)
    [[items.proposed]] clause, section, sha256, source_audit, source_item, relation, recheck, text:
                      evidence proposed from that audit, until accepted (a tag) or rejected
    [[history]]       at, who, action, item, detail, data, hash: append-only and hash-chained
                      (see :mod:`auditor_tui.core.history`)

It is written with ``tomli_w`` in a fixed order (items in checklist order, tags in policy
order) so a ``git diff`` of two saves shows only what changed, and read back with ``tomllib``
through :func:`session_from_dict`, which checks every field and raises one clear
:class:`SessionError` naming the file, the field and the problem.

Every change goes through a method of :class:`Session` (``toggle_tag``, ``set_status``, ...)
that also appends to the history; the UI and the CLI never edit the fields directly.

The package, by job: ``tag`` (evidence: tags, spans of clauses, proposals), ``model`` (the dataclasses and :class:`Session` with its changing
methods, creating a session), ``toml_io`` (the TOML written and read back, checked field by
field) and ``files`` (saving, loading, restoring the backup, finding the sessions in a folder).
Import from the package.
"""

from __future__ import annotations

from auditor_tui.core.config import identity
from auditor_tui.core.errors import SessionError
from auditor_tui.core.history import Event
from auditor_tui.core.session.files import (
    backup_if_readable,
    find_sessions,
    load_session,
    restorable_backup,
    restore_backup,
    save_session,
)
from auditor_tui.core.session.model import (
    EDITABLE_STATES,
    SCHEMA_VERSION,
    STATUSES,
    UNDECIDED,
    WORKFLOW_STATES,
    ChecklistRef,
    Cursor,
    ItemConflict,
    ItemState,
    Origin,
    PolicyRef,
    Reuse,
    Session,
    SignOff,
    check_against,
    default_session_path,
    iter_tags,
    new_session,
    now_utc,
)
from auditor_tui.core.session.tag import Proposal, Tag, clause_order, span_label, strip_span, tag_order
from auditor_tui.core.session.toml_io import (
    SessionDamaged,
    dumps_session,
    loads_session,
    session_from_dict,
    session_to_dict,
)

# identity, SessionError and Event were importable from the single session module; kept for its callers.
__all__ = [
    "EDITABLE_STATES",
    "SCHEMA_VERSION",
    "STATUSES",
    "UNDECIDED",
    "WORKFLOW_STATES",
    "ChecklistRef",
    "Cursor",
    "Event",
    "ItemConflict",
    "ItemState",
    "Origin",
    "PolicyRef",
    "Proposal",
    "Reuse",
    "Session",
    "SessionDamaged",
    "SessionError",
    "SignOff",
    "Tag",
    "backup_if_readable",
    "check_against",
    "clause_order",
    "default_session_path",
    "dumps_session",
    "find_sessions",
    "identity",
    "iter_tags",
    "load_session",
    "loads_session",
    "new_session",
    "now_utc",
    "restorable_backup",
    "restore_backup",
    "save_session",
    "session_from_dict",
    "session_to_dict",
    "span_label",
    "strip_span",
    "tag_order",
]
