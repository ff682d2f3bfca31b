"""The suggestion engine: scores, likely gaps, exemplars, clause ranking, live search."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.core.checklist import find_checklist, parse_checklist
from auditor_tui.core.policy import load_policy, parse_policy
from auditor_tui.core.session import new_session, save_session
from auditor_tui.core.suggest import (
    Exemplar,
    Hit,
    SearchIndex,
    Suggester,
    Suggestion,
    load_exemplars,
    matched_spans,
    stem,
    terms_of,
)
from auditor_tui.core.suggest.terms import signs
from tests.conftest import POLICY_2007, POLICY_2018, TINY_CHECKLIST

READINGS = [
    "Employees who have access to your data",
    "Under EU Data Protection Laws",
    "Interest-based ads",
    "We collect it automatically",
    "A cookie is stored on your computer for 13 years of age",
]
DPO = "13-1-b"


@pytest.fixture(scope="module")
def gdpr():
    return find_checklist("gdpr-transparency")


@pytest.fixture(scope="module")
def suggester(gdpr):
    return Suggester(gdpr)


@pytest.fixture(scope="module")
def policy_2018():
    return load_policy(POLICY_2018)


@pytest.fixture(scope="module")
def scores_2018(suggester, policy_2018):
    return suggester.score(policy_2018)


def _rank(scores, item_id: str, clause_id: str) -> int:
    ranked = [s.clause_id for s in scores.for_item(item_id, top=len(scores.clause_ids))]
    return ranked.index(clause_id) + 1


# --------------------------------------------------------------------------- words


def test_stems_join_word_forms():
    assert stem("processing") == stem("processed") == stem("process")
    assert stem("rights") == stem("right")
    assert stem("cookies") == stem("cookie")
    assert stem("transferred") == stem("transfers") == stem("transfer")
    assert stem("the") == "" and stem("2018") == ""


def test_the_right_to_portability_is_named_by_its_verb():
    assert stem("ported") == stem("porting") == stem("portability") == stem("portable")


@pytest.mark.parametrize(
    "text",
    [
        "The Services are not intended for persons under 13 years of age.",
        "You must be at least 16 years old to register.",
        "We do not knowingly collect data from a 12-year-old.",
        "Our services are not directed to children under thirteen years.",
        "Aged 16 years or more.",
    ],
)
def test_an_age_is_not_a_period(text):
    """The children's clause of nearly every US policy names an age in years: neither its words
    nor its signs read it as a period of time (a retention period)."""
    assert "<period>" not in signs(text)
    assert stem("years") not in terms_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "A cookie is a small text file that is stored on your computer.",
        "Some of your data will be saved in your browser.",
        "The cookie is kept on the hard drive of your device.",
    ],
)
def test_keeping_data_on_the_users_device_is_not_retention(text):
    """Where a cookie lives is not how long the firm keeps personal data: neither the words
    nor the retention items' required words read it as keeping."""
    from auditor_tui.core.suggest.required import RequiredWords

    terms = terms_of(text)
    assert not {stem("stored"), stem("saved"), stem("kept")} & terms
    retention = RequiredWords([("gdpr-transparency", "13-2-a"), ("opp115-data-practices", "data-retention")])
    assert not retention.named(text)
    assert retention.named("We store your data for five years.") == {0, 1}


def test_local_storage_stays_a_cookie_word(gdpr):
    """ "Local storage" is one word, on both sides: the cookies item still finds it, and the
    retention items' "stor" does not."""
    from auditor_tui.core.suggest.required import RequiredWords

    assert terms_of("We use local storage and cookies.") >= terms_of("local storage")
    assert not RequiredWords([("gdpr-transparency", "13-2-a")]).named("We use Flash local storage objects.")
    scores = Suggester(gdpr).score(parse_policy("We use local storage objects to remember your choices.", "text"))
    assert scores.best("cookies") > 0


def test_the_words_shown_as_matched_are_the_words_that_weighed():
    """The highlight reads a clause as the score does: an age's "years" and a cookie's
    "stored on your computer" weigh nothing for retention, so neither is shown as matched."""
    suggester = Suggester(find_checklist("opp115-data-practices"))
    text = "Our services are not for persons under 13 years of age; we delete any data a child gave us.\n\n"
    policy = parse_policy(text + "A cookie is stored on your computer for 30 days.", "text")
    child, cookie = policy.clauses
    assert suggester.matched_words("data-retention", child) == ("delete", "data")
    assert suggester.matched_words("data-retention", cookie) == ("days",)


def test_a_business_transfer_is_not_a_transfer_abroad(gdpr):
    """Data passed to a buyer in a merger is neither a transfer to a third country nor data
    portability: "transfer" there is a word of its own, which a clause on business transfers
    still shares with another."""
    merger = "If we are acquired or merge with another company, your information may be transferred to the buyer."
    assert stem("transferred") not in terms_of(merger)
    assert terms_of(merger) & terms_of("In a merger or acquisition we may transfer your data.")
    assert stem("transferred") in terms_of("We transfer your data to the United States.")
    policy = parse_policy(
        f"{merger}\n\nWe transfer your data to the United States under standard contractual clauses.", "text"
    )
    scores = Suggester(gdpr).score(policy)
    sale, abroad = (clause.id for clause in policy.clauses)
    assert scores.score("13-1-f", abroad) > scores.score("13-1-f", sale)


@pytest.mark.parametrize(
    "text",
    [
        "Under EU data protection laws you have the following rights.",
        "If you are located in the EEA, you have certain data protection rights.",
        "We process your personal data in line with the General Data Protection Regulation.",
    ],
)
def test_the_data_protection_law_is_not_the_data_protection_officer(gdpr, text):
    """ "Data protection" before "law", "rights" or "regulation" names the law, one word of its
    own: it no longer shares the officer's "data protection", which still finds the officer."""
    assert "data protect" not in terms_of(text)
    assert "data protect" in terms_of("Contact our data protection officer.")
    policy = parse_policy(f"{text}\n\nYou can write to our data protection officer at the address below.", "text")
    law, officer = (clause.id for clause in policy.clauses)
    scores = Suggester(gdpr).score(policy)
    assert scores.score("13-1-b", officer) > 2 * scores.score("13-1-b", law)


@pytest.mark.parametrize(
    "text",
    [
        "Our partners show you interest-based advertising across the sites you visit.",
        "We may send you offers on products that may be of interest to you.",
    ],
)
def test_a_taste_is_not_a_legitimate_interest(gdpr, text):
    """An interest that is a taste ("interest-based ads", "of interest to you") is a word of its
    own: it no longer makes a clause a candidate for the legitimate interests pursued."""
    assert stem("interest") not in terms_of(text)
    assert stem("interests") in terms_of("We rely on our legitimate interests in preventing fraud.")
    policy = parse_policy(f"{text}\n\nWe rely on our legitimate interests in preventing fraud on our site.", "text")
    taste, ground = (clause.id for clause in policy.clauses)
    scores = Suggester(gdpr).score(policy)
    assert scores.score("13-1-d", taste) < scores.score("13-1-d", ground) / 2


@pytest.mark.parametrize(
    "text",
    [
        "When you visit our site we collect some information automatically, such as your IP address.",
        "Information Collected by Automated Means: we use cookies and server logs.",
        "We use automated information collection technologies to see how you use our site.",
    ],
)
def test_collecting_automatically_is_not_an_automated_decision(gdpr, text):
    """How data is collected ("automatically", "by automated means") is a cookie's or a server
    log's doing: it no longer names automated decision-making, which "a decision taken by
    automated means" still does."""
    from auditor_tui.core.suggest.required import RequiredWords

    decisions = RequiredWords([("gdpr-transparency", "13-2-f")])
    assert not decisions.named(text)
    assert decisions.named("We never make decisions about you by automated means alone.")
    assert not {stem("automatically"), stem("automated")} & terms_of(text)


@pytest.mark.parametrize(
    ("text", "others"),
    [
        ("Only employees who need it have access to your personal information.", True),
        ("We may give our consultants temporary access to donor records.", True),
        ("Our hosting partners may be given access to the data they store for us.", True),
        ("You have access to your account information at any time.", False),
        ("We give you access to the personal information we hold about you.", False),
    ],
)
def test_someone_elses_access_is_not_the_users(text, others):
    """Access that staff or partners have is who sees the data, not the user's right to see it:
    "access" there is a word of its own; the user's access keeps the word."""
    assert (stem("access") not in terms_of(text)) is others


@given(st.text(alphabet=st.sampled_from(list("abc Ae\u2019'-.0123 ")), max_size=60) | st.sampled_from(READINGS))
def test_a_text_is_read_once_the_same_way_everywhere(text):
    """The cached reading is the reading of the case-folded text, whichever part of the engine
    asks for it first."""
    from auditor_tui.core.suggest import terms

    first = terms.read(text)
    assert first == terms.reading(text.casefold()) == terms.read(text)


@pytest.mark.parametrize(
    "text", ["We keep logs for 30 days.", "We delete data older than 2 years.", "kept for up to 24 months"]
)
def test_a_period_stays_a_period(text):
    assert "<period>" in signs(text)
    assert {stem("days"), stem("years"), stem("months")} & terms_of(text)


def test_terms_include_bigrams_and_signs():
    terms = terms_of("Contact our Data Protection Officer at dpo@example.org within 30 days.")
    assert {"data protect", "protect officer", "dpo", "<email>", "<period>"} <= terms
    assert "our" not in terms


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        ("Example Limited, 1 High Street, London EC1A 1BB. Tel: +44 20 7946 0000", {"<company>", "<address>"}, set()),
        ("Example GmbH, Musterstraße 1, 10115 Berlin", {"<company>", "<address>", "<contact>"}, set()),
        ("Acme, Inc., 123 Main Street, Palo Alto, CA 94301", {"<company>", "<address>", "<contact>"}, set()),
        ("Write to PO Box 123 or email privacy@example.com", {"<address>", "<email>", "<contact>"}, {"<company>"}),
        ("Access is limited to staff who need it.", set(), {"<company>", "<contact>"}),
        ("In 2018 The policy changed; we keep logs for 30 days.", {"<period>"}, {"<address>", "<contact>"}),
        ("We use Google Analytics, a service of Google LLC.", {"<company>"}, {"<contact>"}),
    ],
)
def test_contact_signs(text, wanted, unwanted):
    found = signs(text)
    assert wanted <= found and not (unwanted & found), found


def test_a_sign_named_as_a_keyword_weighs_in_the_profile():
    checklist = find_checklist("gdpr-transparency")
    profile = Suggester(checklist)._profiles[[i.id for i in checklist.items].index("13-1-a")]
    assert profile.weights.get("<contact>", 0.0) > 0.0 and "contact" in profile.weights


def test_a_short_form_weighs_as_the_keyword_it_spells():
    """The short form "DPO" spells "data protection officer" (both keywords of the item): it
    weighs as the phrase does, so a clause that says only "our DPO" is not a likely gap. A
    capitalised keyword that spells no other keyword of the item ("CNIL", "SSL" in a checklist
    without "secure socket layer") is left as it was."""
    from dataclasses import replace

    from auditor_tui.core.suggest.profiles import short_forms

    checklist = find_checklist("gdpr-transparency")
    items = {item.id: item for item in checklist.items}
    assert short_forms(items[DPO]) == {"dpo": "data protection officer"}
    assert short_forms(items["13-2-d"]) == {"ico": "Information Commissioner's Office"}
    assert short_forms(items["32-security"]) == {}  # SSL and TLS, but not spelled out there
    assert short_forms(replace(items[DPO], keywords=("DPO", "privacy officer"))) == {}
    suggester = Suggester(checklist)
    weights = suggester._profiles[suggester.item_index(DPO)].weights
    spelled = sum(weights.get(t, 0.0) for t in ("data", "protect", "officer", "data protect", "protect officer"))
    assert weights["dpo"] == pytest.approx(spelled)
    filler = "We collect your name when you register.\n\nWe keep your data for two years.\n\n"
    for clause in ("Questions? Email our DPO: privacy@example.com.", "Our DPO is Jane, dpo@example.com."):
        scores = suggester.score(parse_policy(filler + clause, "text"))
        assert not scores.likely_missing(DPO), clause
    assert suggester.score(parse_policy(filler + "Email us at privacy@example.com.", "text")).likely_missing(DPO)


# --------------------------------------------------------------------------- scoring


def test_dpo_clause_ranks_first_on_2018_policy(scores_2018, policy_2018):
    top = scores_2018.for_item(DPO, top=3)
    assert top and isinstance(top[0], Suggestion)
    first = policy_2018.clause(top[0].clause_id)
    assert "data protection officer" in first.text.lower()
    assert top[0].clause_id in {"c41", "c42"}  # the DPO's email, and the DPO's postal address
    assert {"data", "protection", "officer"} <= set(top[0].matched)
    assert not scores_2018.likely_missing(DPO)


def test_scores_are_0_to_100_and_sorted(scores_2018, suggester):
    for item_id in suggester.item_ids:
        top = scores_2018.for_item(item_id, top=5)
        values = [s.score for s in top]
        assert values == sorted(values, reverse=True)
        assert all(0 < v <= 100 for v in values)


def test_dpo_likely_missing_on_2007_policy(suggester):
    scores = suggester.score(load_policy(POLICY_2007))
    assert scores.likely_missing(DPO)
    # The policy does say how it protects data and that it transfers data abroad.
    assert not scores.likely_missing("32-security")
    assert not scores.likely_missing("13-1-f")


def test_exclude_skips_clauses(scores_2018):
    top = scores_2018.for_item(DPO, top=2)
    again = scores_2018.for_item(DPO, top=2, exclude={top[0].clause_id})
    assert top[0].clause_id not in [s.clause_id for s in again]
    assert again[0].clause_id == top[1].clause_id


def test_unknown_item_raises(scores_2018):
    with pytest.raises(KeyError):
        scores_2018.for_item("no-such-item")


def test_for_clause_ranks_items(scores_2018, policy_2018):
    def clause_starting(prefix: str) -> str:
        return next(c.id for c in policy_2018.clauses if c.text.startswith(prefix))

    # "Right 1 A right to access personal data held by us about you ..."
    ranked = scores_2018.for_clause(clause_starting("Right 1"), top=3)
    assert ranked[0][0] == "13-2-b-access"
    assert len(ranked) == 3 and ranked[0][1] >= ranked[1][1] >= ranked[2][1]
    assert scores_2018.for_clause(clause_starting("Right 5"), top=1)[0][0] == "13-2-b-portability"
    dpo_clause = scores_2018.for_item(DPO, top=1)[0].clause_id
    assert DPO in [item for item, _ in scores_2018.for_clause(dpo_clause, top=3)]
    with pytest.raises(KeyError):
        scores_2018.for_clause("c9999")


def test_for_clause_on_free_text(suggester):
    policy = parse_policy("You may lodge a complaint with the Information Commissioner's Office.", "text")
    assert suggester.score(policy).for_clause(policy.clauses[0].id)[0][0] == "13-2-d"


def test_tiny_checklist_works():
    checklist = parse_checklist(TINY_CHECKLIST.encode(), Path("tiny.toml"))
    policy = parse_policy("Who we are\n\nWe are Acme Ltd, the controller.\n\nWe keep data for two years.", "text")
    by_text = {c.text: c.id for c in policy.clauses}
    scores = Suggester(checklist).score(policy)
    assert scores.for_item("controller", top=1)[0].clause_id == by_text["We are Acme Ltd, the controller."]
    assert scores.for_item("retention", top=1)[0].clause_id == by_text["We keep data for two years."]


def test_empty_policy_scores_nothing(suggester):
    policy = parse_policy("Only A Heading", "text")
    scores = suggester.score(policy)
    assert scores.for_item(DPO) == [] and scores.likely_missing(DPO)


# --------------------------------------------------------------------------- exemplars


def test_exemplars_from_sessions_change_the_ranking(gdpr, tmp_path, policy_2018, scores_2018):
    # In an earlier audit an auditor tagged, as evidence for "how to exercise rights", a clause
    # that the engine alone ranks only 10th for that item.
    item = "13-2-b-exercise"
    cold = scores_2018.for_item(item, top=10)
    clause = policy_2018.clause(cold[9].clause_id)
    session = new_session(policy_2018, gdpr, policy_path=str(POLICY_2018), auditor="ann")
    session.toggle_tag(item, clause, who="ann")
    sessions = tmp_path / "sessions"
    save_session(session, sessions / "earlier.toml")
    (sessions / "broken.toml").write_text("this is [not a session", encoding="utf-8")

    warnings: list[str] = []
    exemplars = load_exemplars(sessions, gdpr.id, warnings=warnings)
    assert exemplars == {item: [Exemplar(clause.text, clause.section_label, session.audit_id, policy_2018.sha256)]}
    assert len(warnings) == 1 and "broken.toml" in warnings[0]
    assert load_exemplars(sessions, "other-checklist") == {}
    assert load_exemplars(sessions, gdpr.id, exclude_audit_id=session.audit_id) == {}
    assert load_exemplars(tmp_path / "missing", gdpr.id) == {}

    warm = Suggester(gdpr, exemplars).score(policy_2018)
    assert _rank(warm, item, clause.id) <= 3
    # Other items keep their best clause.
    assert warm.for_item(DPO, top=1)[0].clause_id == scores_2018.for_item(DPO, top=1)[0].clause_id


def test_a_copy_of_a_bundled_checklist_learns_from_the_audits_made_with_it(gdpr, tmp_path, policy_2018):
    """A firm's copy of the bundled checklist keeps what the team's audits with the bundled one
    taught, item by item: an item whose title was edited asks something else and learns
    nothing from them, and nor does a checklist that only shares item ids."""
    from dataclasses import replace

    clause = policy_2018.clauses[0]
    session = new_session(policy_2018, gdpr, policy_path=str(POLICY_2018), auditor="ann")
    for item in (DPO, ERASURE):
        session.toggle_tag(item, clause, who="ann")
    save_session(session, tmp_path / "earlier.toml")
    edited = tuple(replace(i, title=i.title + " (as the firm reads it)") if i.id == ERASURE else i for i in gdpr.items)
    copy = replace(gdpr, id="acme-transparency", items=edited)
    taught = load_exemplars(tmp_path, copy)
    assert list(taught) == [DPO] and taught[DPO][0].audit == session.audit_id
    assert load_exemplars(tmp_path, copy.id) == {}  # by id alone: no other checklist's audits
    assert load_exemplars(tmp_path, replace(copy, items=tuple(replace(i, title="?") for i in gdpr.items))) == {}
    assert load_exemplars(tmp_path, gdpr) == load_exemplars(tmp_path, gdpr.id)
    assert Suggester(copy, taught).audit_counts == {DPO: 1}


@pytest.mark.parametrize("status", ["missing", "not-applicable"])
def test_tags_of_an_item_decided_missing_or_not_applicable_teach_nothing(gdpr, tmp_path, policy_2018, status):
    """The example audit cites the controller's UK address for "no EU representative needed"
    (not applicable): that clause is the reason for the decision, not evidence of a
    representative, so it must not teach the item; tags of open, satisfied or partial items do."""
    item = "13-1-a-representative"
    clause = policy_2018.clauses[0]
    session = new_session(policy_2018, gdpr, policy_path=str(POLICY_2018), auditor="ann")
    session.toggle_tag(item, clause, who="ann")
    session.toggle_tag(DPO, clause, who="ann")
    session.set_status(item, status, who="ann", reason="established in the UK")
    save_session(session, tmp_path / "earlier.toml")
    exemplars = load_exemplars(tmp_path, gdpr.id)
    assert item not in exemplars and list(exemplars) == [DPO]
    assert item not in Suggester(gdpr, exemplars).audit_counts


ERASURE = "13-2-b-erasure"
TWO_SECTIONS = """# Privacy notice

## Newsletters

You can ask us to delete the information we hold about you.

## Your choices

You can ask us to delete the information we hold about you.
"""


def test_exemplar_sections_teach_where_evidence_sits(gdpr):
    # The same sentence stands under two headings, neither of which the checklist knows.
    # Exemplars tagged under headings like the second one make the second clause the first
    # suggestion, although it comes later.
    policy = parse_policy(TWO_SECTIONS, "markdown")
    first, second = policy.clauses
    quotes = ["Ask us to erase the personal data we hold about you.", "You may request deletion of your data."]
    plain = Suggester(gdpr, {ERASURE: quotes}).score(policy)
    assert plain.for_item(ERASURE, 1)[0].clause_id == first.id
    sections = ["Your choices › Your data", "Choices you have"]
    placed = Suggester(
        gdpr, {ERASURE: [Exemplar(q, section) for q, section in zip(quotes, sections, strict=False)]}
    ).score(policy)
    assert placed.for_item(ERASURE, 1)[0].clause_id == second.id
    assert placed.score(ERASURE, second.id) > placed.score(ERASURE, first.id)
    # Plain strings are exemplars without a section: the same as no headings learnt.
    same = Suggester(gdpr, {ERASURE: [Exemplar(q) for q in quotes]}).score(policy)
    assert same.score(ERASURE, first.id) == plain.score(ERASURE, first.id)


# --------------------------------------------------------------------------- highlighting


def test_matched_spans():
    text = "Contact our Data Protection Officer (the DPO) about your rights."
    spans = matched_spans(text, ["data", "protection", "officer", "right"])
    assert [text[a:b] for a, b in spans] == ["Data Protection Officer", "rights"]
    assert matched_spans(text, []) == []


# --------------------------------------------------------------------------- live search


@pytest.fixture(scope="module")
def index(policy_2018):
    return SearchIndex(policy_2018)


def test_search_finds_words_and_spans(index, policy_2018):
    hits = index.search("data protection officer")
    assert hits and isinstance(hits[0], Hit)
    text = policy_2018.clause(hits[0].clause_id).text
    highlighted = [text[a:b].lower() for a, b in hits[0].spans]
    assert "data protection officer" in highlighted
    assert all(0 <= a < b <= len(text) for h in hits for a, b in (s for s in h.spans))


def test_search_prefix_while_typing(index, policy_2018):
    hits = index.search("retai")
    assert hits
    for hit in hits[:3]:
        text = policy_2018.clause(hit.clause_id).text
        assert any(text[a:b].lower().startswith("retai") for a, b in hit.spans)


def test_search_tolerates_typos(index, policy_2018):
    hits = index.search("complant")
    assert hits
    assert any("complaint" in policy_2018.clause(h.clause_id).text.lower() for h in hits[:3])


def test_search_no_match_and_empty(index):
    assert index.search("zzzzqqqq") == []
    assert index.search("") == [] and index.search("   ") == []


def test_search_limit(index):
    assert len(index.search("data", limit=5)) == 5
