"""core/text.py: counts written as words."""

from __future__ import annotations

import pytest

from auditor_tui.core.text import counted


@pytest.mark.parametrize(("count", "expected"), [(0, "0 items"), (1, "1 item"), (2, "2 items")])
def test_counted_says_one_item_and_two_items(count: int, expected: str) -> None:
    assert counted(count, "item") == expected
    assert counted(count, "policy", "policies").endswith("policy" if count == 1 else "policies")
