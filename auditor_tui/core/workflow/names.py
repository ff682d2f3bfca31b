"""People's names as the workflow compares them: spaces tidied, case ignored."""

from __future__ import annotations


def clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


def same_person(a: str, b: str) -> bool:
    return clean_name(a).casefold() == clean_name(b).casefold()
