"""The review workflow: submit, request changes, sign off, reopen; the sign-off digest; verify.

States (``Session.state``)::

    in-progress --submit--> ready-for-review --signoff--> signed-off
         ^                     |       |                     |
         |                     |       +--request-changes--> changes-requested --submit--> ...
         +------reopen---------+-------------reopen----------+

* :func:`submit` (the preparer): refused while any item is ``open`` or ``re-review``.
* :func:`request_changes` (the reviewer): an overall comment and/or one per item
  (``ItemState.review_comment``); the audit goes back to the preparer.
* :func:`sign_off` (the reviewer): refused when the reviewer, or the person at the keyboard
  (:func:`~auditor_tui.core.session.identity`), is the preparer (``Session.auditor``),
  submitted the audit, or changed its content (four-eyes rule). Records a :class:`SignOff` with
  the **digest** of the audit's content and, with a key, an SSH signature. A signed-off audit is
  read-only (``Session.editable`` is False).
* :func:`reopen`: voids a sign-off (kept in the history as a ``void-signoff`` event carrying the
  reviewer, time and digest) or withdraws a submission; the audit is in-progress again.

Every transition goes into the history through :meth:`Session.record`.

The digest
----------
SHA-256 of a canonical JSON serialisation (keys sorted, no whitespace, UTF-8) of, for digest
schema 2 (``SignOff.schema``)::

    {"schema": "auditor-tui/audit-content/2",
     "audit":     {"id", "title", "auditor", "created"},
     "policy":    {"path", "sha256", "clauses"},    # sha256: the policy's fingerprint
     "checklist": {"id", "version", "sha256"},      # SHA-256 of the checklist file
     "origin":    {...} or {},                      # a re-audit's origin
     "history":   {"events", "head"},               # the chain up to the sign-off event
     "items": {ID: {"status", "note", "review_comment",
                    "tags": [{"clause", "section", "text", "sha256", "orphan", "recheck"
                              [, "start", "end"] (a span of the clause only)}]}}}

Items are keyed by id and tags sorted by clause, so neither the file's formatting nor the order
of keys or tables matters; the cursor and the sign-off record itself are not part of it. The
history is covered through its chain head (see :mod:`auditor_tui.core.history`), and verify
also requires the sign-off to be the history's last event, so a voided sign-off pasted back is
refused. Schema 1 (sign-offs of session files of version 1) covered only the audit's id, title
and auditor, the policy's fingerprint, the checklist and the items; such sign-offs still
verify, with a note. ``SignOff.parts`` keeps a short hash of each part so
:func:`verify_session` can name what changed.

Signatures
----------
``sign_off(..., sign_key=PATH)`` runs ``ssh-keygen -Y sign -f PATH -n auditor-tui`` (as git does
with SSH keys) over :func:`signed_message`: the digest, reviewer, time and statement, so none of
them can be changed without breaking the signature. :func:`verify_signature` checks it with
``ssh-keygen -Y verify`` against an ``allowed_signers`` file, whose principal must be the
reviewer's name or the address in it (``Ann Reviewer <ann@example.org>``).

The package, by job: ``transitions`` (the four transitions and the four-eyes rule), ``digest``
(the signed content and its hash), ``signing`` (SSH signatures), ``verification`` (checking a
sign-off) and ``names``. Import from the package.
"""

from __future__ import annotations

from auditor_tui.core.history import iso
from auditor_tui.core.workflow.digest import (
    DIGEST_SCHEMA,
    DIGEST_SCHEMAS,
    PART_HASH_LENGTH,
    build_content,
    canonical_json,
    content_digest,
    content_parts,
    describe_changes,
    session_content,
    session_digest,
    sha256_hex,
    signed_history,
)
from auditor_tui.core.workflow.names import (
    clean_name,
    same_person,
)
from auditor_tui.core.workflow.signing import (
    SIGN_NAMESPACE,
    key_principal,
    signed_message,
    ssh_sign,
    verify_signature,
)
from auditor_tui.core.workflow.transitions import (
    DEFAULT_STATEMENT,
    PREPARER_ACTIONS,
    last_review_request,
    reopen,
    request_changes,
    reviewer_conflict,
    sign_off,
    submit,
    undecided_items,
    void_headline,
    voided_signoff,
)
from auditor_tui.core.workflow.verification import (
    Verification,
    check_signed,
    verify_session,
)

# iso was importable from the single workflow module; kept for its callers.
__all__ = [
    "DEFAULT_STATEMENT",
    "DIGEST_SCHEMA",
    "DIGEST_SCHEMAS",
    "PART_HASH_LENGTH",
    "PREPARER_ACTIONS",
    "SIGN_NAMESPACE",
    "Verification",
    "build_content",
    "canonical_json",
    "check_signed",
    "clean_name",
    "content_digest",
    "content_parts",
    "describe_changes",
    "iso",
    "key_principal",
    "last_review_request",
    "reopen",
    "request_changes",
    "reviewer_conflict",
    "same_person",
    "session_content",
    "session_digest",
    "sha256_hex",
    "sign_off",
    "signed_history",
    "signed_message",
    "ssh_sign",
    "submit",
    "undecided_items",
    "verify_session",
    "verify_signature",
    "void_headline",
    "voided_signoff",
]
