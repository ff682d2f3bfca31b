"""Big synthetic privacy policies for benchmarks (deterministic, any size).

    from benchmarks._generate import generate_policy_text, generate_policy
    text = generate_policy_text(10_000)            # ~100-character clauses under headings
    policy = generate_policy(10_000)               # parsed with parse_policy(text, "text")

    python benchmarks/_generate.py 10000 > big.txt

Clauses are assembled from short phrases written for this file (not taken from any corpus), so
they read like policy text: they share the vocabulary of real policies (data, rights, cookies,
retention, transfers ...) with realistic repetition, plus made-up names, numbers, emails and
rarer words so that the vocabulary keeps growing with the size, as in a real long document.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor_tui.core.policy import Policy, parse_policy

HEADINGS = [
    "Who we are",
    "Information we collect",
    "How we use your information",
    "Legal basis",
    "Sharing your information",
    "International transfers",
    "How long we keep your data",
    "Your rights",
    "Cookies",
    "Security",
    "Children",
    "Changes to this policy",
    "Contact us",
    "Marketing",
    "Analytics",
    "Payments",
    "Support requests",
    "Accounts",
    "Advertising partners",
]

SUBJECTS = [
    "We",
    "Our company",
    "The service",
    "Our support team",
    "Our partners",
    "The website",
    "Our mobile app",
    "The controller",
    "Our processors",
    "Our group companies",
]
VERBS = [
    "collect",
    "store",
    "process",
    "share",
    "keep",
    "use",
    "transfer",
    "delete",
    "protect",
    "analyse",
    "disclose",
    "receive",
    "combine",
    "update",
    "review",
]
OBJECTS = [
    "your name and email address",
    "information about your device",
    "your payment details",
    "records of your purchases",
    "your account settings",
    "the messages you send us",
    "your location when you allow it",
    "usage statistics",
    "your marketing preferences",
    "cookies and similar identifiers",
    "your IP address",
    "copies of your identity documents",
    "details of your support requests",
    "the content you upload",
    "your contact history",
]
TAILS = [
    "to provide the service you asked for",
    "for as long as your account is open",
    "with your consent, which you can withdraw at any time",
    "to comply with our legal obligations",
    "where it is necessary for our legitimate interests",
    "using encryption and access controls",
    "with service providers who act on our instructions",
    "outside the European Economic Area",
    "under standard contractual clauses",
    "for up to {n} months after you close your account",
    "unless you object to this use",
    "so that we can detect and prevent fraud",
    "and you can ask us for a copy of it",
    "and you may ask us to correct or erase it",
    "and you can complain to the supervisory authority",
    "as described in our cookie notice",
    "by writing to {name} at {email}",
    "in line with applicable data protection law",
]
NAMES = ["Alder", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Heath", "Isle", "Juniper"]


def _word(rng: random.Random) -> str:
    """A made-up word: product names, places, rarer terms."""
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def _clause(rng: random.Random, number: int) -> str:
    tail = rng.choice(TAILS).format(
        n=rng.choice((3, 6, 12, 24, 36)),
        name=f"{rng.choice(NAMES)} {_word(rng).title()}",
        email=f"privacy{number % 97}@{_word(rng)}.example",
    )
    text = f"{rng.choice(SUBJECTS)} may {rng.choice(VERBS)} {rng.choice(OBJECTS)} {tail}."
    if rng.random() < 0.5:
        text += f" This applies to the {_word(rng).title()} {rng.choice(('service', 'app', 'programme', 'site'))}."
    return text


def generate_policy_text(clauses: int, *, seed: int = 7, clauses_per_section: int = 12) -> str:
    """A policy of exactly *clauses* clauses (plus headings), as plain text."""
    rng = random.Random(seed)
    lines: list[str] = []
    for number in range(clauses):
        if number % clauses_per_section == 0:
            title = HEADINGS[(number // clauses_per_section) % len(HEADINGS)]
            lines.append(f"{title} ({number // clauses_per_section + 1})")
        lines.append(_clause(rng, number))
    return "\n\n".join(lines) + "\n"


def generate_policy(clauses: int, *, seed: int = 7) -> Policy:
    """The generated policy, parsed."""
    policy = parse_policy(generate_policy_text(clauses, seed=seed), "text")
    assert len(policy.clauses) == clauses, (len(policy.clauses), clauses)
    return policy


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    sys.stdout.write(generate_policy_text(count))
