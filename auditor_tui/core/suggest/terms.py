"""Words and terms: the tokenizer, the stemmer, stop words and pattern signs.

Text is cut into words, case-folded, stop words dropped and each word reduced to a light stem
(``processing`` -> ``process``, ``cookies`` -> ``cooki``); consecutive stems also make
*bigrams* (``data protection officer`` -> ``data protect``, ``protect officer``), so phrases
weigh more than their words. Patterns add pseudo-terms: ``<email>``, ``<phone>``, ``<url>``,
``<period>`` ("30 days"), ``<date>``, and for contact details ``<company>`` (a legal form after
a name: "Example Ltd"), ``<address>`` (a postcode, street address or PO box) and ``<contact>``
(two or more of a company, an address, a phone number and an email address: a contact block).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence

__all__ = [
    "SIGNS",
    "STOP_WORDS",
    "WORD",
    "read",
    "reading",
    "signs",
    "stem",
    "stems",
    "terms_of",
    "with_bigrams",
]

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can cannot could did do does doing down during each either
    else etc even ever every few for from further get gets got had has have having he her here
    hers herself him himself his how however i if in into is it it's its itself just least less
    let like made make many may me might more most much must my myself no nor not now of off on
    once one only or other others otherwise our ours ourselves out over own per please same she
    should so some such than that that's the their theirs them themselves then there therefore
    these they this those through thus to too under until up upon us very via was we well were
    what when where whether which while who whom whose why will with within without would yet
    you your yours yourself yourselves also any including include includes e g i.e eg ie s t
    shall whereas hereby herein thereof whereby applicable certain time times way ways example
    com www http https org net co uk html php
    """.split()
) | {
    "we’re",
    "we're",
    "you’re",
    "you're",
    "it’s",
    "don't",
    "don’t",
    "we'll",
    "we’ll",
    "we've",
    "we’ve",
    "you'll",
    "you’ll",
}

_IRREGULAR = {
    "used": "use",
    "using": "use",
    "uses": "use",
    "usage": "use",
    "children": "child",
    "childrens": "child",
    "data": "data",
    "media": "media",
    "criteria": "criteria",
    "analytics": "analytic",
    "news": "news",
    "does": "do",
    "this": "this",
    "has": "has",
    "was": "was",
    "its": "its",
    "process": "process",
    "processes": "process",
    "access": "access",
    "address": "address",
    "addresses": "address",
    "business": "business",
    "businesses": "business",
    "email": "email",
    "emails": "email",
    "e-mail": "email",
    "e-mails": "email",
    "cookie": "cooki",
    "cookies": "cooki",
    "organisation": "organiz",
    "organisations": "organiz",
    "organization": "organiz",
    "organizations": "organiz",
    "authorised": "authoriz",
    "authorized": "authoriz",
    "lodge": "lodg",
    "erase": "eras",
    "erased": "eras",
    "erasure": "eras",
    "erasing": "eras",
    "delete": "delet",
    "deleted": "delet",
    "deletion": "delet",
    "deleting": "delet",
    "retain": "retain",
    "retained": "retain",
    "retention": "retain",
    "retaining": "retain",
    "retains": "retain",
    "storage": "stor",
    "stored": "stor",
    "store": "stor",
    "storing": "stor",
    "security": "secur",
    "secure": "secur",
    "secured": "secur",
    "securely": "secur",
    "officer": "officer",
    "officers": "officer",
    "dpo": "dpo",
    "dpos": "dpo",
    "objection": "object",
    "objections": "object",
    "object": "object",
    "objecting": "object",
    "portable": "portab",
    "portability": "portab",
    "ported": "portab",
    "porting": "portab",
    "rectification": "rectif",
    "rectify": "rectif",
    "rectified": "rectif",
    "rectifying": "rectif",
    "complaint": "complain",
    "complaints": "complain",
    "complain": "complain",
    "restriction": "restrict",
    "restrictions": "restrict",
    "restrict": "restrict",
    "automated": "automat",
    "automatic": "automat",
    "automatically": "automat",
    "automation": "automat",
    "legitimate": "legitim",
    "legitimately": "legitim",
    "lawful": "lawful",
    "lawfully": "lawful",
    "identity": "ident",
    "identification": "ident",
    "identify": "ident",
    "identifying": "ident",
    "identifiable": "ident",
    "identified": "ident",
    "identifier": "ident",
    "identifiers": "ident",
    "transferred": "transfer",
    "transferring": "transfer",
    "transfers": "transfer",
    "withdrawal": "withdraw",
    "withdrawn": "withdraw",
    "withdrawing": "withdraw",
    "withdraws": "withdraw",
}

_STEM_CACHE: dict[str, str] = {}
_VOWELS = frozenset("aeiouy")


def _stem_word(word: str) -> str:
    """A light English stem of a case-folded word ("" for a stop word or a number)."""
    word = word.replace("’", "'")
    word = word.removesuffix("'s")
    if word in STOP_WORDS or word.isdigit() or len(word) < 2:
        return ""
    irregular = _IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    w = word.replace("'", "")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and _VOWELS.intersection(w[: -len(suffix)]):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("ation") and len(w) > 7:
        w = w[:-5]
    elif w.endswith("tion") and len(w) > 6:
        w = w[:-3]
    elif w.endswith("ment") and len(w) > 7:
        w = w[:-4]
    if w.endswith("y") and len(w) > 3:
        w = w[:-1] + "i"
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """The stem of *word* ("" for a stop word), cached."""
    word = word.casefold()
    found = _STEM_CACHE.get(word)
    if found is None:
        found = _STEM_CACHE[word] = _stem_word(word)
    return found


def stems(text: str) -> list[str]:
    """Content stems of *text* in order."""
    cache = _STEM_CACHE
    out: list[str] = []
    append = out.append
    for word in WORD.findall(read(text)):
        s = cache.get(word)
        if s is None:
            s = cache[word] = _stem_word(word)
        if s:
            append(s)
    return out


# Things that are not words but say a lot: an email address or phone number (contact details),
# a web address, a period of time (retention), a date (last updated).
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|thirty|sixty|ninety"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_EMAIL = re.compile(r"[\w.+-]@[\w-]+\.\w|\[at\]")
_PHONE = re.compile(r"\+?\(?\d[\d ().-]{7,}\d")
_PERIOD_BEFORE = re.compile(rf"\b(?:\d+|{_NUMBER_WORDS})[ -]?(?:\(\d+\) )?(?:calendar |business |working )?$")
_DATE = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}},? \d{{4}}\b|\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b|\b\d{{4}}-\d\d-\d\d\b")
# A contact block (who the controller is and where): a company's legal form after its
# name, a postcode or street address. Matched on the text as written (case tells "Limited" the
# legal form from "limited to").
_COMPANY = re.compile(
    r"\b[^\W\d_][\w&'’.-]*,? (?:Limited|Ltd|LTD|PLC|[Pp]lc|LLC|L\.L\.C|LLP|Inc|INC|GmbH|AG|S\.A|SAS|SARL|"
    r"S\.à r\.l|B\.V|BV|N\.V|Pty|Corp|Corporation|S\.p\.A|S\.L|Oy|ApS|A/S)(?![\w-])"
)
_COMPANY_HINTS = (
    *("Limited", "Ltd", "LTD", "PLC", "plc", "Plc", "LLC", "L.L.C", "LLP", "Inc", "INC", "GmbH", "AG"),
    *("SA", "S.A", "S.à", "S.p", "S.L", "B.V", "BV", "N.V", "Pty", "Corp", "Oy", "ApS", "A/S"),
)
"""Substrings one of which every legal form of _COMPANY has: most clauses skip the expression."""
_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"  # UK
    r"|\b[A-Z]{2},? \d{5}(?:-\d{4})?\b"  # US state and ZIP
    r"|\b(?:[A-Z]-)?\d{5} [A-Z][a-zäöüéè]+"  # 10115 Berlin, 75008 Paris
    r"|\b\d{4} ?[A-Z]{2}\b"  # 1012 AB (NL)
    r"|\bP\.? ?O\.? Box \d+"
)
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,? (?:[A-Z][\w'’-]* ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Way|Drive|Dr|"
    r"Boulevard|Blvd|Square|Sq|Place|Pl|Court|Ct|Parkway|Terrace|Quay|Row|Hill|Close|Crescent|Highway)\b"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:stra(?:ß|ss)e|weg|platz|gasse)\.? \d+"
    r"|\b(?:Suite|Floor|Unit) \d+"
)
_UNITS = ("day", "week", "month", "year")
_AGE_NUMBER = rf"(?:\d+|{_NUMBER_WORDS}|thirteen|fourteen|fifteen|sixteen|seventeen)"
_AGE_CUES = ("old", "age", "under", "younger", "child", "minor", "kid")
"""Substrings one of which every match of _AGE has: most clauses skip the expression."""
_AGE = re.compile(
    rf"(\b(?:under|younger than|aged?|minors?|children|child|kids)\s+{_AGE_NUMBER}[ -]?)(?:years?|months?)\b"
    rf"|(\b{_AGE_NUMBER}[ -]?)(?:years?|months?)(?=(?: of age|[ -]old)\b)"
)
_MONTH_NAMES = tuple(_MONTHS.split("|"))
_DIGITS = "0123456789"
SIGNS = frozenset({"<email>", "<phone>", "<url>", "<period>", "<date>", "<company>", "<address>", "<contact>"})
"""Every pattern sign; a checklist keyword that is one of these weighs the sign itself."""
_CONTACT_PARTS = frozenset({"<company>", "<address>", "<phone>", "<email>"})


def _without_ages(folded: str) -> str:
    """*folded* (case-folded text) without the unit of an age ("13 years of age", "a
    16-year-old", "children under 13 years" keep their numbers): an age is not a period of
    time, and the children's clause of nearly every US policy would otherwise read as one for
    retention, by its words and its ``<period>`` sign."""
    if ("year" not in folded and "month" not in folded) or not any(cue in folded for cue in _AGE_CUES):
        return folded
    return _AGE.sub(_age_number, folded)


def _age_number(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2)


_DEVICES = r"computer|device|hard\s+drive|hard\s+disk|browser|web\s+browser|phone|mobile"
_STORED_ON_DEVICE = re.compile(
    r"\b(?:stor(?:e|ed|es|ing|age)|kept|saved?)\b(?=(?:\s+[\w'’-]+){0,4}?\s+(?:on|in|to)\s+"
    rf"(?:your\s+(?:own\s+)?(?:{_DEVICES}|system|machine)|(?:a user's|the user's|the|a)\s+(?:{_DEVICES})))"
)
"""A word of keeping followed, within a few words, by the user's device ("stored on your
computer", "saved in the browser"; "your system", but not "the system", which is as often the
firm's)."""
_LOCAL_STORAGE = re.compile(r"\blocal(?:\s+device)?\s+storage\b|\blocally\s+stored\b")


def _without_device_storage(folded: str) -> str:
    """*folded* with the words of keeping data on the user's own device ("a cookie is stored on
    your computer") dropped, and "local storage" made one word: that is where a cookie lives,
    not how long the firm keeps personal data (a retention word), while "local storage" stays a
    cookie word."""
    if "stor" not in folded and "kept" not in folded and "sav" not in folded:
        return folded
    return _LOCAL_STORAGE.sub("localstorage", _STORED_ON_DEVICE.sub(" ", folded))


_COLLECT = r"(?:collect|gather|receiv|record|log|obtain|captur)\w*"
_AUTOMATIC_COLLECTION = re.compile(
    rf"\b{_COLLECT} (?:[\w,]+ ){{0,6}}?(?:by|through|via|using) (automat\w*) means"
    r"|\b(automat\w*) (?:means (?:\w+ ){0,2}?to collect|(?:data |information )?collection|(?:\w+ )?technolog)"
    rf"|\b{_COLLECT} (?:\w+ ){{0,2}}?(automatically)\b|\b(automatically) {_COLLECT}"
)


def _without_automatic_collection(folded: str) -> str:
    """*folded* with "automated" and "automatically" read as ``autocollect`` where they say how
    data is collected ("information we collect automatically", "collected by automated
    means", "automated information collection technologies"): that is a cookie's or a server
    log's doing, not a decision taken by automated means (in the development corpora, 227
    segments say it that way and none is labelled with automated decision-making)."""
    if "automat" not in folded:
        return folded
    return _AUTOMATIC_COLLECTION.sub(_captured_as("autocollect"), folded)


def _captured_as(token: str) -> Callable[[re.Match[str]], str]:
    """A replacement for :meth:`re.Pattern.sub` that writes *token* in place of the match's one
    captured word (each alternative of the pattern captures one), keeping the words around it."""

    def replace(match: re.Match[str]) -> str:
        group = match.lastindex or 0
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        return match.group(0)[:start] + token + match.group(0)[end:]

    return replace


_OTHERS_ACCESS = re.compile(
    r"\b(?:employees|staff|personnel|contractors|agents|partners|parties|providers|vendors|affiliates|companies|they"
    r"|who|which|individuals|people|others|anyone|persons)\b(?: (?!you\b)[\w-]+){0,3}? (?:has|have|had|get|gets"
    r"|be given|are given|is given|granted|given|gain|obtain) (?:\w+ )?(access)\b"
    r"|\b(?:give|gives|giving|grant|grants|granting) (?!you\b|users?\b)(?:[\w-]+ ){1,4}?(access)\b"
)


def _without_others_access(folded: str) -> str:
    """*folded* with "access" read as ``othersaccess`` where someone other than the user has it
    ("employees who have access to your data", "partners may be given access to it"): that is
    who sees the data (a recipient, a safeguard), not the user's right to see it."""
    if "access" not in folded:
        return folded
    return _OTHERS_ACCESS.sub(_captured_as("othersaccess"), folded)


_BUSINESS_CUE = re.compile(
    r"\b(?:merger|merged?|acquisition|acquired|acquires|reorgani[sz]ation|bankruptcy|insolvency|divestiture"
    r"|change of control|sale of (?:all|substantially|some|part|a portion|any|our|its|the))"
)
_TRANSFER_WORD = re.compile(r"\btransfer(?:s|red|ring|rable)?\b")


def _without_business_transfer(folded: str) -> str:
    """*folded* with "transfer" read as ``businesstransfer`` where the text speaks of a merger,
    an acquisition, a sale of the business or an insolvency: data passed to a buyer is neither
    a transfer to a third country nor the right to have one's data transmitted, while a
    clause on business transfers still matches another (a recipients item's example, say)."""
    if "transfer" not in folded or not _BUSINESS_CUE.search(folded):
        return folded
    return _TRANSFER_WORD.sub("businesstransfer", folded)


_DATA_PROTECTION_LAW = re.compile(
    r"\bdata protection(?= (?:laws?|legislation|regulations?|rights?|acts?|directive|principles|rules|requirements"
    r"|obligations|framework|standards)\b)"
)


def _without_data_protection_law(folded: str) -> str:
    """*folded* with "data protection" read as one word where it names the law or the rights
    it gives ("data protection law", "the General Data Protection Regulation", "your data
    protection rights"): that is the law every item answers to, while "data protection" before
    "officer", "team" or "lead" names the person whose contact details an item asks for, and
    the one phrase had made every clause on the law a candidate for it."""
    if "data protection" not in folded:
        return folded
    return _DATA_PROTECTION_LAW.sub("dataprotection", folded)


_CONSUMER_INTEREST = re.compile(r"\binterest[- ]based\b|\bof (?:particular |possible |likely )?interest\b")


def _without_consumer_interest(folded: str) -> str:
    """*folded* with an interest that is a taste read as a word of its own ("interest-based
    advertising", "offers that may be of interest to you"): a legitimate interest, a ground of
    processing, is the firm's purpose, and the one word had made every clause on targeted
    advertising a candidate for it."""
    if "interest" not in folded:
        return folded
    return _CONSUMER_INTEREST.sub(_one_word, folded)


def _one_word(match: re.Match[str]) -> str:
    return re.sub(r"[- ]", "", match.group(0))


def reading(folded: str) -> str:
    """*folded* (case-folded text) as the engine reads it, for its words, its ``<period>`` sign
    and its required words alike: without the unit of an age, without the words of keeping
    data on the user's device, and with a business transfer, collecting automatically,
    someone else's access, the data protection law and an interest that is a taste each a word
    of its own. Each reading names a sense in which a word says something else than it does of
    the items that weigh it; most texts have none of their cues and come back as they are."""
    folded = _without_business_transfer(_without_device_storage(_without_ages(folded)))
    folded = _without_others_access(_without_automatic_collection(folded))
    return _without_consumer_interest(_without_data_protection_law(folded))


@functools.lru_cache(maxsize=16384)
def read(text: str) -> str:
    """*text* case-folded as the engine reads it (:func:`reading`), cached: a clause's words,
    its ``<period>`` sign, its required words and its highlighted words all read it, and it is
    read once."""
    return reading(text.casefold())


def signs(text: str, folded: str | None = None) -> set[str]:
    """Pseudo-terms for the patterns found in *text*: ``<email>``, ``<period>`` ...

    Cheap substring tests decide which (slower) regular expressions to run.
    """
    if folded is None:
        folded = text.casefold()
    found: set[str] = set()
    if ("@" in folded or "[at]" in folded) and _EMAIL.search(folded):
        found.add("<email>")
    if "www." in folded or "http" in folded:
        found.add("<url>")
    timed = read(text)
    for unit in _UNITS:
        index = timed.find(unit)
        while index > 0:
            if _PERIOD_BEFORE.search(timed, max(0, index - 32), index):
                found.add("<period>")
                break
            index = timed.find(unit, index + 1)
        if "<period>" in found:
            break
    digits = any(d in folded for d in _DIGITS)
    if digits:
        if _PHONE.search(folded):
            found.add("<phone>")
        if ("-" in folded or any(m in folded for m in _MONTH_NAMES)) and _DATE.search(folded):
            found.add("<date>")
        if _POSTCODE.search(text) or _STREET.search(text):
            found.add("<address>")
    if any(h in text for h in _COMPANY_HINTS) and _COMPANY.search(text):
        found.add("<company>")
    # Two or more of a company, an address, a phone number and an email address together are a
    # contact block: who someone is and how to reach them.
    if len(found & _CONTACT_PARTS) >= 2:
        found.add("<contact>")
    return found


def with_bigrams(words: Sequence[str]) -> list[str]:
    return [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]


def terms_of(text: str) -> set[str]:
    """The distinct terms (stems, bigrams of stems, pattern signs) of *text*."""
    return {*with_bigrams(stems(text)), *signs(text)}
