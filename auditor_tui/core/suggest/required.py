"""Required words: items whose evidence must name the thing itself.

Some items are about one thing that a clause cannot state without naming it: a representative
in the EU (GDPR Art. 27), a data protection officer (Art. 37-39), legitimate interests (Art.
6(1)(f)), automated decision-making and profiling (Art. 22), the right to complain to a
supervisory authority (Art. 77), whether giving the data is required and what follows if it is
not (Art. 13(2)(e)), how long the data is kept (Art. 13(2)(a), 5(1)(e); in both checklists), a
browser's Do Not Track signal, a change to the policy, a practice for a particular audience
(children, the residents of a country). A clause that shares the item's other words without
naming it ("contact us", "we track how you use the site") is close in wording and far in
meaning: the best such clause made those items look present where they were not. Such a clause
keeps :attr:`Weights.required_damp` of its raw score for the item (the clause's section heading
counts, so a clause under "Our data protection officer" names it). The words were written from
the law and the regulators' wording, not taken from a corpus (a few other phrasings of the same
idea, such as "you must provide" for 13-2-e, were added after reading the tune half's false
flags); each is matched case-insensitively at the start of a word, so ``automat`` finds
"automated" and "automatic" (a :class:`Whole` word only as itself: "representative", not
"representatives"; an :class:`Unless` word not where what it excludes follows: OPP-115's policy
change is named by "changes to this policy", not by "changes to your preferences"). Whether
giving the data is required (``13-2-e``) is named by phrases about the data subject giving it
("not provide", "is mandatory", "must provide"), not by "required" or "necessary" alone, which
policies mostly use of their own duties ("we may be required by law to disclose"), nor by
"optional" or "mandatory" alone, as often said of a feature or a message. Data portability
(Art. 20) is named by its own words: the data in a structured, commonly used, machine-readable
or electronic form, exported or downloaded, transmitted or transferred to another controller;
a clause on the rights in general ("you may have rights under applicable law") no longer
stands in for it; rectification likewise by inaccurate data corrected, incomplete data
completed or the user's own update, and restriction by the use restricted, limited, suspended
or blocked. Only items where the damping helped on both halves of the development corpus that
measures them are here (the rights of access, erasure and objection, withdrawal of consent,
transfers, recipients, the source of the data, security, cookies, the legal basis (better on
the tune half, worse held out), and OPP-115's data security, user access, user choice and
third-party sharing were tried and left out; portability, rectification and restriction were
left out too, before "ported" stemmed with the first and the law's own words were counted for
each).

A text is matched as the engine reads its words (:func:`.terms.reading`): "a cookie is stored on
your computer" names where a cookie lives, not how long the firm keeps personal data.

Words per checklist and item id, like the gap model's coefficients (:mod:`.gaps`): the
engine's knowledge of the bundled checklists, kept out of the checklist files so that their
fingerprint, which audits record, stays as it was. An item of another checklist has them when
it is a bundled item copied unchanged (:mod:`.bundled`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor_tui.core.suggest.bundled import BundledKey
from auditor_tui.core.suggest.terms import read as read_text
from auditor_tui.core.suggest.terms import reading
from auditor_tui.core.text import plain_apostrophes

__all__ = ["REQUIRED_WORDS", "RequiredWords", "Unless", "Whole"]

RETENTION = (
    "retain",
    "retention",
    "keep",
    "kept",
    "stor",
    "period",
    "delet",
    "destr",
    "eras",
    "as long as",
    "how long",
    "no longer",
    "dispos",
    "overwrit",
    "archiv",
    "purg",
    "anonym",
    "duration",
)
"""How long data is kept, or the criteria for it (GDPR Art. 13(2)(a), 5(1)(e)), in both checklists."""


class Whole(str):
    """A required word that counts only as a whole word: the EU representative is "our
    representative", while "customer service representatives" are staff."""

    __slots__ = ()


class Unless(str):
    """A required word that does not count where *after* (a regular expression) follows it: a
    change to the policy is not "a change to your details", the user's own edit."""

    __slots__ = ("after",)

    after: str

    def __new__(cls, word: str, after: str) -> Unless:
        self = super().__new__(cls, word)
        self.after = after
        return self


_YOUR = r"\w*(?: (?:or|and) \w+)? (?:to |of |in )?(?:your|their|his|her|the user's)\b"
"""After a verb of change: its object is the user's own ("changes to your information",
"modify or delete their account")."""

_Unless = tuple[int, re.Pattern[str], frozenset[int]]
"""An :class:`Unless` word's length, what it excludes after it, and its items."""

REQUIRED_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "gdpr-transparency": {
        "13-1-a-representative": (Whole("representative"),),
        # The DPO ("protection office" finds the data protection officer and office), or the
        # role a policy names in its place ("data protection lead", a "personal information
        # protection manager").
        "13-1-b": (
            "dpo",
            "privacy officer",
            "protection office",
            "protection manager",
            "protection lead",
        ),
        "13-1-d": ("legitimate",),
        # Rectification (Art. 16): inaccurate data corrected, incomplete data completed, or
        # the user's own update of it.
        "13-2-b-rectification": (
            "rectif",
            "correct",
            "inaccura",
            "incomplete",
            "accurate",
            "up to date",
            "up-to-date",
            "updat",
            "amend",
            "edit",
            "modif",
            "change",
            "wrong",
            "complete",
        ),
        # Restriction of processing (Art. 18): the data kept but its use restricted, limited,
        # suspended or blocked.
        "13-2-b-restriction": (
            "restrict",
            "limit",
            "suspend",
            "block",
            "only store",
            "freez",
            "pause",
        ),
        # The right to data portability (Art. 20): the data in a structured, commonly used,
        # machine-readable form, transmitted to another controller; "export" and "download" are
        # how a service offers it.
        "13-2-b-portability": (
            "portab",
            "ported",
            "porting",
            "machine-readable",
            "machine readable",
            "commonly used",
            "structured",
            "transmit",
            "transfer it",
            "transfer your",
            "transfer them",
            "transfer that",
            "another controller",
            "another organi",
            "another company",
            "another provider",
            "another service",
            "other controller",
            "export",
            "download your",
            "download a copy",
            "download the data",
            "download the personal",
            "electronic copy",
            "electronic form",
            "digital copy",
            "digital form",
        ),
        "13-2-a": RETENTION,
        "13-2-f": ("automat", "profil", "algorithm"),
        # The supervisory authority of Art. 77, not "law enforcement authorities".
        "13-2-d": (
            "complain",
            "supervisory",
            "protection authorit",
            "data authorit",
            "privacy authorit",
            "regulator",
            Whole("ico"),
            "lodge",
        ),
        "13-2-e": (
            # Whether the data must be given: optional or mandatory, by law or contract (said
            # of the data: "optional" and "mandatory" alone are as often a feature or a
            # message, "statutory" a duty of the firm's) ...
            "is optional",
            "are optional",
            "optional field",
            "is mandatory",
            "are mandatory",
            "mandatory field",
            "marked mandatory",
            "is voluntary",
            "are voluntary",
            "voluntary basis",
            "statutory requirement",
            "statutory or contractual",
            "contractual requirement",
            "required field",
            "not required to",
            "required to provid",
            "require you to provid",
            "we require your",
            "not obliged",
            "not obligated",
            "obliged to provid",
            "must provid",
            "must give",
            "need to give",
            "you need to provid",
            "you will need to provid",
            "you'll need to provid",
            "do not have to",
            "don't have to",
            # ... and what follows if it is not.
            "not provid",
            "don't provid",
            "not to provid",
            "fail to provid",
            "failure to provid",
            "refuse to provid",
            "unable to provid",
            "without providing",
            "decline to provid",
        ),
    },
    "opp115-data-practices": {
        "international-specific-audiences": (
            "child",
            "minor",
            "under 1",
            "under the age",
            "parent",
            "teen",
            "california",
            "europ",
            "eea",
            "international",
            "countr",
            "resident",
            "canad",
            "swiss",
            "switzerland",
            "united kingdom",
            "outside",
            "of age",
            "age of",
            "aged",
        ),
        "data-retention": RETENTION,
        "do-not-track": ("do not track", "do-not-track", "dnt", "tracking signal"),
        # A change to the policy, not "update your information" or "changes to your
        # preferences" (the user's own access).
        "policy-change": (
            Unless("chang", _YOUR),
            "updated",
            "update this",
            "update our",
            "updates to",
            "revis",
            Unless("modif", _YOUR),
            Unless("amend", _YOUR),
        ),
    },
}
"""Per checklist id and item id: the words (or word beginnings) one of which its evidence names."""


class RequiredWords:
    """The required words of a checklist's items, found in one scan of a text."""

    def __init__(self, keys: Sequence[BundledKey | None]) -> None:
        """*keys*: for each item of the checklist, the bundled item it is (or None)."""
        words = [REQUIRED_WORDS.get(key[0], {}).get(key[1], ()) if key else () for key in keys]
        self.items: tuple[int, ...] = tuple(i for i, found in enumerate(words) if found)
        """Indices (in *keys*) of the items with required words."""
        owners: dict[tuple[str, bool, str], set[int]] = {}
        for i in self.items:
            for word in words[i]:
                after = word.after if isinstance(word, Unless) else ""
                owners.setdefault((_folded(word), isinstance(word, Whole), after), set()).add(i)
        # Longest first: the pattern then matches the longest word at each place.
        self._words = [(key, frozenset(owners[key])) for key in sorted(owners, key=lambda k: len(k[0]), reverse=True)]
        alternatives = "|".join(
            re.escape(word) + (r"(?!\w)" if whole else "") for (word, whole, _after), _ in self._words
        )
        # Matched against the case-folded text: much faster than a case-insensitive pattern.
        self._pattern = re.compile(rf"\b(?:{alternatives})") if self._words else None
        # A match is always one of the words as written; it names the items of that word and
        # of every shorter word it begins with (the pattern reports only the longest), those of
        # an :class:`Unless` word only where what it excludes does not follow.
        self._owners_of_hit: dict[str, tuple[frozenset[int], tuple[_Unless, ...]]] = {}
        for (hit, _whole, _after), _owners in self._words:
            plain: set[int] = set()
            unless: list[_Unless] = []
            for (word, whole, after), named in self._words:
                if hit == word if whole else hit.startswith(word):
                    if after:
                        unless.append((len(word), re.compile(after), named))
                    else:
                        plain |= named
            self._owners_of_hit[hit] = (frozenset(plain), tuple(unless))

    def __bool__(self) -> bool:
        return bool(self.items)

    def named(self, text: str) -> frozenset[int]:
        """The items (indices) whose required words *text* names."""
        if self._pattern is None:
            return frozenset()
        owners_of_hit = self._owners_of_hit
        found: set[int] = set()
        # Matched with plain apostrophes ("don\u2019t have to"); most texts have none, and are
        # read once for their words and their required words alike.
        read = read_text(text) if "\u2019" not in text else reading(_folded(text))
        for match in self._pattern.finditer(read):
            plain, unless = owners_of_hit[match.group(0)]
            found |= plain
            for length, after, named in unless:
                if not after.match(read, match.start() + length):
                    found |= named
        return frozenset(found)


def _folded(text: str) -> str:
    """Case-folded, with plain apostrophes."""
    return plain_apostrophes(text.casefold())
