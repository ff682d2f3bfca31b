"""Make the example audit in ``sessions/``: iomart's 2018 privacy policy against gdpr-transparency.

Run from anywhere (it works in the repository's root)::

    python docs/example/make_example.py

It uses the core API the way the review screen does: start an audit, tag clauses as evidence,
set statuses and notes; then the preparer submits, the reviewer asks for one change, the preparer
makes it and resubmits, the reviewer signs off; then the four exports are written. It writes:

* ``sessions/policies/iomart-privacy-policy-2018.txt`` (a copy of the bundled sample policy)
* ``sessions/example-iomart-2018-gdpr-transparency.toml`` (the session)
* ``sessions/example-iomart-2018-gdpr-transparency.{md,html,csv,json}`` (the exports)

Evidence is found by quoting the policy, not by clause number, so it survives a change in how
the policy is split into clauses; the script stops if a quote matches no clause or several.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from auditor_tui.core.atomic import atomic_write_text  # noqa: E402
from auditor_tui.core.audit import Audit, sample_policy_path  # noqa: E402
from auditor_tui.core.export import FORMATS, export_text  # noqa: E402
from auditor_tui.core.workflow import request_changes, sign_off, submit  # noqa: E402

POLICY = Path("sessions/policies/iomart-privacy-policy-2018.txt")
SESSION = Path("sessions/example-iomart-2018-gdpr-transparency.toml")
PREPARER = "Priya Shah"
REVIEWER = "Tom Okafor"

PART = "part: "
"""A quote starting with this is tagged as just that part of its clause (a span), not the whole clause."""

# item id: (status, [quotes from the clauses given as evidence], note)
DECISIONS: dict[str, tuple[str, list[str], str]] = {
    "13-1-a": (
        "partial",
        [
            "The controller of this website is: iomart Group Plc",
            "Lister Pavilion,\nKelvin Campus,\nWest of Scotland Science Park,\nGlasgow\nG20 0SP\nUnited Kingdom",
            PART + "the terms “we”, “our”, “us” are used to refer to the relevant group company",
        ],
        "The controller of this website is named as a legal entity with its company number "
        "(iomart Group Plc, SC204560) and its registered office in Glasgow; contact is through the "
        "DPO (see 13-1-b).\n\n"
        "Partial because the policy is also the central policy for the group's other websites and "
        '"we" means "the relevant group company", which is never named: a visitor to a group '
        "company's site cannot tell which entity is the controller of their data.",
    ),
    "13-1-a-representative": (
        "not-applicable",
        ["The controller of this website is: iomart Group Plc"],
        "iomart Group Plc is a UK public limited company with its head office in Glasgow, so it is "
        "established in the UK/EU and needs no Art. 27 representative.",
    ),
    "13-1-b": (
        "satisfied",
        [
            "Please contact us at dpo@iomart.com or write to:",
            "Data Protection Officer,\niomart Group Plc,",
            "You may contact our DPO directly (whose details are below)",
        ],
        "A DPO is appointed and can be reached directly by e-mail (dpo@iomart.com) and by post at the Glasgow address.",
    ),
    "14-1-d": (
        "partial",
        [
            "The type of information you give us may include",
            "When submitting a C.V. when applying for a job with us",
            "Technical information, including the Internet protocol (IP) address",
            "Information about your visit, including the full Uniform Resource Locators",
            "If we collect other kinds of personal information about you",
        ],
        "Categories of data given by the person (identity, contact, date of birth, card details, CV "
        "data) and collected automatically (technical and browsing data) are listed.\n\n"
        "Partial: the categories of data obtained from other sources (Art. 14(1)(d)) are not given; "
        'the policy only says it will "tell you" in a privacy notice. "Any related information" is '
        "open-ended.",
    ),
    "14-2-f": (
        "satisfied",
        ["Other sources can include third party data controllers"],
        "Types of source are given, including publicly available sources: third-party controllers, "
        'public sources, data brokers and other data subjects. No source is named and "can include" '
        "leaves the list open, which is acceptable for general information but worth improving.",
    ),
    "13-1-c-purposes": (
        "satisfied",
        [
            "to carry out our obligations arising from any agreements entered into between you and us",
            "to send you a welcome email to verify your account",
            "verifying your identity when required",
            "to provide you with marketing information about other services or products",
            "in relation to your CV submitted on our site",
            "to administer our site and for internal operations",
            "to measure or understand the effectiveness of advertising",
            "We may monitor and record telephone calls",
        ],
        "Purposes are specific and linked to where the data came from (given by you, collected "
        "about you, from other sources): contracts and orders, account e-mails, identity checks, "
        "marketing, recruitment, site administration, advertising measurement, call monitoring.\n"
        'Some are broad ("internal operations ... research"), but each is tied to a kind of data.',
    ),
    "13-1-c-legal-basis": (
        "partial",
        [
            "To use your personal data, we will rely on various conditions",
            "Consent: We may provide you with marketing information",
            "Legitimate interests: We may rely on a condition known as",
        ],
        "Only two bases are named: consent (for marketing) and legitimate interests (for everything "
        "else). Contract is not named although orders and services are clearly processed to perform "
        'a contract, legal obligation is not named although call recording is done "for legal or '
        'regulatory reasons", and purposes are not matched to bases. No Art. 9 condition is needed '
        "as no special category data is listed.",
    ),
    "13-1-d": (
        "partial",
        ["Legitimate interests: We may rely on a condition known as"],
        'The interest stated is generic ("the information that we need to provide our services to '
        'you more effectively") and is not given per purpose. Interests that are plainly relied on '
        "elsewhere, such as fraud prevention, site security and call monitoring for quality and "
        "training, are not identified as legitimate interests.",
    ),
    "13-2-e": (
        "partial",
        ["if you choose to limit the personal information you provide to us"],
        "The consequence of not providing data is stated (products, services or parts of the site may "
        "not be available). The policy does not say which data is a statutory or contractual "
        "requirement, or which fields are mandatory.",
    ),
    "13-2-f": (
        "partial",
        [
            "A right to object to any automated decision making",
            "to make suggestions and recommendations to you and other users of our site",
        ],
        "Automated decision-making and profiling appear only as a right (Right 7). The policy never "
        "says whether any decision with legal or similarly significant effect is made by automated "
        "means; recommendations and advertising suggest profiling, with no explanation of the logic "
        "or consequences.",
    ),
    "13-1-e": (
        "satisfied",
        [
            "companies within the iomart Group, subject to the terms of this privacy policy",
            "business partners, suppliers and sub-contractors for the performance of any contract",
            "selected third parties so that they can contact you",
            "analytics and search engine providers that assist us",
            "law enforcement or fraud prevention agencies",
            "in the event that we are subject to a re-organisation",
            "where it has been legitimately requested for legal or regulatory purposes",
        ],
        "Meaningful categories of recipient are given with the reason for each: group companies, "
        "business partners and sub-contractors, analytics and search providers, marketing partners "
        "(opt-in only), law enforcement and fraud agencies, legal advisers, buyers on a sale.\n"
        '"Other selected third parties" in the analytics line is vague; the sentence is also '
        'truncated ("and" reads "an").',
    ),
    "13-1-f": (
        "partial",
        [
            "personal information may be transferred to, and stored at, a destination outside",
            "we will take steps to ensure that EU Model Clauses",
        ],
        "Transfers outside the EEA are disclosed (including staff of suppliers handling payments and "
        "support) with the safeguards relied on: EU Model Clauses, and Privacy Shield for the US.\n\n"
        "Partial: no country is named and the policy does not say how to get a copy of the "
        "safeguards. Privacy Shield was invalidated by the CJEU in July 2020 (Schrems II), so the US "
        "safeguard is no longer valid; the policy must be updated.",
    ),
    "13-2-a": (
        "partial",
        [
            "retained for only as long as it is necessary for the purpose for which it was collected",
            "we may retain your C.V. information for a period of up to 12 months",
        ],
        "Two concrete periods are given: up to 7 years after the contract ends for data needed for "
        "legal claims, and up to 12 months for CVs. For everything else (marketing lists, web "
        'analytics, call recordings) only "as long as necessary" and unspecified "criteria".',
    ),
    "13-2-b-access": (
        "satisfied",
        [
            "A right to access personal data held by us about you",
            "You can write to us at any time in relation to your rights",
        ],
        "Right 1 states the right of access, and the contact section says how to ask for a copy "
        "(write to the DPO, dpo@iomart.com).",
    ),
    "13-2-b-rectification": (
        "satisfied",
        ["A right to require us to rectify any inaccurate personal data"],
        "Right 2. Completion of incomplete data is not mentioned, a minor gap; requests go to the DPO "
        "(see 13-2-b-exercise).",
    ),
    "13-2-b-erasure": (
        "satisfied",
        ["A right to require us to erase personal data held by us about you"],
        "Right 3 states the right to erasure, including links and copies where data was made public, "
        "and gives examples of when it applies.",
    ),
    "13-2-b-restriction": (
        "satisfied",
        ["A right to restrict our processing of personal data held by us about you"],
        "Right 4 states the right to restriction with the Art. 18 cases (accuracy disputed, erasure "
        "refused in favour of restriction, data needed for legal claims).",
    ),
    "13-2-b-objection": (
        "partial",
        [
            "A right to object to our processing of personal data held by us about you",
            'Click "unsubscribe" on any of our marketing emails',
        ],
        "Right 6 states a general right to object, with direct marketing only as a parenthesis. "
        "Art. 21(4) requires the right to object to be brought explicitly to the person's attention, "
        "separately from other information, and the absolute right to object to direct marketing is "
        "not stated as such.",
    ),
    "13-2-b-portability": (
        "satisfied",
        ["A right to receive personal data, which you have provided to us, in a structured"],
        "Right 5 states the right to receive the data in a structured, commonly used, "
        "machine-readable format and to have it transferred to another organisation.",
    ),
    "13-2-b-exercise": (
        "partial",
        [
            "You may contact our DPO directly (whose details are below) to exercise any of these rights",
            "we will take all reasonable steps to confirm your identity",
        ],
        "How to ask (the DPO, by e-mail or post), the one-month deadline and its extension, and "
        "identity checks are all explained. The policy does not say that requests are free of charge.",
    ),
    "13-2-c": (
        "partial",
        ["A right to withdraw your consent, where we are relying on it"],
        "Right 8 says consent can be withdrawn at any time and how (e-mail "
        "marketing-preferences@iomart.com or unsubscribe). It does not say that withdrawal does not "
        "affect processing before it (Art. 7(3)).",
    ),
    "13-2-d": (
        "satisfied",
        [
            "You always have the right to make a complaint to the Information Commissioner",
            "First Contact Team\nInformation Commissioner’s Office",
        ],
        "The right to complain to the ICO is stated with its website and postal address. The policy "
        'asks people to contact the DPO first, but not as a condition ("you always have the right").',
    ),
    "32-security": (
        "satisfied",
        [
            "We maintain strict security measures in order to protect personal information",
            "All information submitted to our site via a web browser is protected using HTTPS",
        ],
        "Concrete measures are described: technical and procedural controls, SSL/TLS for card data, "
        "PCI DSS 3.2 for card storage, HTTPS for all submissions, and password confidentiality.",
    ),
    "cookies": (
        "missing",
        [
            "With regards to each of your visits to our site we may automatically collect",
            "to measure or understand the effectiveness of advertising",
        ],
        "The policy never mentions cookies or similar technologies, and links to no cookie policy. "
        "It describes automatic collection of browsing data and advertising measurement, which imply "
        "cookies or tags, but gives no list, purposes, durations or way to refuse or withdraw consent "
        "(PECR reg. 6).",
    ),
    "policy-changes": (
        "satisfied",
        [
            "Any changes to our privacy policy will be placed here",
            "We will email you to notify you of these changes where:",
            "We are making substantial changes, or",
            "Where we are doing something with your personal data, which you might not expect",
            "any updates to this privacy policy will be notified to you",
        ],
        "Substantial changes and unexpected new uses are notified by e-mail; other updates by a "
        "notice on the home page.",
    ),
    "last-updated": (
        "missing",
        ["We've updated our privacy policy in line with data protection requirements"],
        'No date or version anywhere in the policy; the banner only says it has been "updated". '
        "Readers cannot tell which version they read or whether it changed.",
    ),
}


def _clause(audit: Audit, quote: str):
    found = [c for c in audit.policy.clauses if c.text == quote] or [c for c in audit.policy.clauses if quote in c.text]
    if len(found) != 1:
        raise SystemExit(f"make_example: quote {quote!r} matches {len(found)} clauses, not 1")
    return found[0]


def main() -> int:
    os.chdir(REPO)
    POLICY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample_policy_path(), POLICY)
    for stale in [SESSION, SESSION.with_name(SESSION.name + ".bak")]:
        stale.unlink(missing_ok=True)
    os.environ["AUDITOR_TUI_AUDITOR"] = PREPARER  # the preparer at the keyboard (the reviewer acts as actor=)

    audit = Audit.start(
        str(POLICY),
        "gdpr-transparency",
        session_path=SESSION,
        auditor=PREPARER,
        title="iomart privacy policy (2018) against GDPR transparency",
    )
    session = audit.session
    missing = set(session.items) - set(DECISIONS)
    if missing:
        raise SystemExit(f"make_example: no decision for items {sorted(missing)}; update DECISIONS")
    for item_id, (status, quotes, note) in DECISIONS.items():
        if item_id not in session.items:
            raise SystemExit(f"make_example: item {item_id} is not in the checklist any more")
        for quote in quotes:
            if quote.startswith(PART):
                quote = quote.removeprefix(PART)
                clause = _clause(audit, quote)
                start = clause.text.index(quote)
                session.tag_span(item_id, clause, start, start + len(quote), who=PREPARER)
                continue
            clause = _clause(audit, quote)
            if session.items[item_id].tag_for(clause.id) is None:
                session.toggle_tag(item_id, clause, who=PREPARER)
        if item_id == "13-1-f":  # the preparer's first view, corrected after the review below
            status, note = "satisfied", note.split("\n\n")[0]
        reason = note.split("\n\n")[0] if status == "not-applicable" else None
        session.set_status(item_id, status, reason=reason, who=PREPARER)
        session.set_note(item_id, note, who=PREPARER)
        session.move_cursor(item_id)
    audit.save()

    # The review: one round of changes, then the sign-off.
    submit(session, by=PREPARER)
    audit.save()
    request_changes(
        session,
        reviewer=REVIEWER,
        actor=REVIEWER,
        comment="Good work. One point before I can sign off: the transfer safeguards.",
        item_comments={
            "13-1-f": "Privacy Shield is no longer a valid safeguard (Schrems II, July 2020), and the "
            "policy gives no countries or way to get a copy of the clauses. Should this be partial?"
        },
    )
    audit.save()
    session.set_status("13-1-f", DECISIONS["13-1-f"][0], who=PREPARER)
    session.set_note("13-1-f", DECISIONS["13-1-f"][2], who=PREPARER)
    submit(session, by=PREPARER)
    audit.save()
    counts = session.status_counts()
    sign_off(
        session,
        reviewer=REVIEWER,
        actor=REVIEWER,
        statement="I have checked every item's status, note and evidence against the policy text. "
        f"The findings stand as written: {counts['satisfied']} satisfied, {counts['partial']} partial, "
        f"{counts['missing']} missing, {counts['not-applicable']} not applicable.",
    )
    audit.save()

    SESSION.with_name(SESSION.name + ".bak").unlink(missing_ok=True)  # the saves' backup: not part of the example

    for fmt in FORMATS:
        atomic_write_text(SESSION.with_suffix(f".{fmt}"), export_text(session, audit.checklist, fmt))
    counts = {k: v for k, v in session.status_counts().items() if v}
    print(f"wrote {SESSION} and its exports ({session.progress} decided: {counts}); digest {session.signoff.digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
