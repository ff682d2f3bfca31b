"""``crosswalks --show ID --sessions A B``: two audits side by side through a crosswalk."""

from __future__ import annotations

from pathlib import Path

from auditor_tui.cli._output import print_json, safe
from auditor_tui.core.crosswalk import Crosswalk
from auditor_tui.core.linked import crosswalk_rows
from auditor_tui.core.session import load_session


def show_sessions(crosswalk: Crosswalk, path_a: Path, path_b: Path, *, fmt: str = "text") -> int:
    a, b = load_session(path_a), load_session(path_b)
    rows = crosswalk_rows(crosswalk, a, b)
    same = a.policy.sha256 == b.policy.sha256
    if fmt == "json":
        print_json(
            {
                "crosswalk": crosswalk.id,
                "a": {"session": str(path_a), "audit_id": a.audit_id, "checklist": a.checklist.id},
                "b": {"session": str(path_b), "audit_id": b.audit_id, "checklist": b.checklist.id},
                "same_policy": same,
                "rows": [row.__dict__ for row in rows],
            }
        )
        return 0
    print(f"{crosswalk.id}: {safe(str(path_a))} ({a.checklist.id}) -> {safe(str(path_b))} ({b.checklist.id})")
    if not same:
        print("note: the two audits are of different policy texts (fingerprints differ)")
    width_a = max([len(a.checklist.id), *(len(r.a_item) + len(r.a_status) + 8 for r in rows)])
    width_r = max(len("relation"), *(len(r.relation) for r in rows))
    print(f"{a.checklist.id:<{width_a}}  {'relation':<{width_r}}  {b.checklist.id}")
    print(f"{'-' * width_a}  {'-' * width_r}  {'-' * len(b.checklist.id)}")
    for row in rows:
        left = f"{row.a_item} {row.a_status} [{row.a_tags}]"
        right = f"{row.b_item} {row.b_status} [{row.b_tags}]" if row.b_item else "(no counterpart)"
        print(f"{safe(left):<{width_a}}  {row.relation:<{width_r}}  {safe(right)}")
    return 0
