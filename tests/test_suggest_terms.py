"""Stems: the Snowball English stemmer behind a table of words that mean one thing here."""

from __future__ import annotations

import subprocess
import sys

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
def test_the_irregular_table_joins_words_snowball_leaves_apart(words):
    assert len({stem(word) for word in words}) == 1, {word: stem(word) for word in words}


def test_snowball_joins_inflections_the_table_does_not_name():
    # "stores" and "organisation's" are in no table: Snowball's stem is mapped to the table's.
    assert stem("stores") == stem("storage")
    assert stem("organisation's") == stem("organization")
    assert stem("legitimately") == stem("legitimate")
    assert stem("portability") == stem("portable")
    assert stem("personalised") == stem("personalise") != ""


def test_stop_words_numbers_and_single_letters_have_no_stem():
    assert stem("the") == stem("2018") == stem("x") == ""
    assert stem("We’re") == "" and stem("don't") == ""


def test_phrases_make_bigrams_of_stems():
    assert {"data protect", "protect officer"} <= terms_of("our Data Protection Officer")


@given(st.sampled_from(sorted(STOP_WORDS - {"", "s", "t"})))
def test_a_stop_word_is_never_a_term(word):
    assert stem(word) == "" and not stems(f"{word} {word}")


def test_the_stemmer_loads_only_when_a_word_is_stemmed():
    code = (
        "import sys\n"
        "import auditor_tui.core.suggest.terms as terms\n"
        "before = 'snowballstemmer' in sys.modules\n"
        "terms.stem('processing')\n"
        "print(before, 'snowballstemmer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
