"""Stems: a light English stemmer behind a table of words that mean one thing here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor_tui.core.suggest import stem, terms_of
from auditor_tui.core.suggest.terms import STOP_WORDS, stems


@pytest.mark.parametrize(
    "words",
    [
        ("erasure", "erase", "erased", "erasing"),
        ("retention", "retain", "retained", "retains"),
        ("organisation", "organization", "organisations"),
        ("storage", "store", "stored", "stores"),
        ("rectification", "rectify", "rectified"),
        ("automated", "automatic", "automatically"),
        ("withdrawal", "withdraw", "withdrawing"),
    ],
)
def test_the_irregular_table_joins_words_a_suffix_stemmer_leaves_apart(words):
    assert len({stem(word) for word in words}) == 1, {word: stem(word) for word in words}


def test_inflections_the_table_does_not_name_join_the_table_stem():
    # "stores" and "organisation's" are in no table.
    assert stem("stores") == stem("storage")
    assert stem("organisation's") == stem("organization")
    assert stem("legitimately") == stem("legitimate")
    assert stem("portability") == stem("portable")
    assert stem("personalised") == stem("personalise") != ""


def test_stop_words_numbers_and_single_letters_have_no_stem():
    assert stem("the") == stem("2018") == stem("x") == ""
    # Contractions are stop words with either apostrophe (a straight one was stemmed "were").
    assert stem("We’re") == stem("we're") == stem("you're") == stem("don't") == ""


def test_phrases_make_bigrams_of_stems():
    assert {"data protect", "protect officer"} <= terms_of("our Data Protection Officer")


@given(st.sampled_from(sorted(STOP_WORDS - {"", "s", "t"})))
def test_a_stop_word_is_never_a_term(word):
    assert stem(word) == "" and not stems(f"{word} {word}")
