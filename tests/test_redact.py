"""Redaction of free text (``tsp_analysis.redact``): hand-written examples in Lithuanian,
English, Russian and Ukrainian. Each sensitive part must go; the words around it must stay."""

from __future__ import annotations

import re

import pytest

from tsp_analysis.redact import PLACEHOLDER, redact, spans
from tsp_analysis.terms import find, fold_with_map, pattern

P = PLACEHOLDER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Lithuanian: a name, a phone number, an e-mail, a neighbourhood, an age
        (
            "Mano vardas Jonas Petraitis, tel. +370 612 34567, el. paštas jonas.p@gmail.com.",
            f"Mano vardas {P}, tel. {P}, el. paštas {P}.",
        ),
        ("Gyvenu Rukloje jau trejus metus.", f"Gyvenu {P} jau trejus metus."),
        (
            "Šilainiuose darželyje vietų nėra, man 34 metai.",
            f"{P} darželyje vietų nėra, man {P} metai.",
        ),
        ("Kreipiausi į Aldoną, ji padėjo.", f"Kreipiausi į {P}, ji padėjo."),
        # English: first and last name, URL, date, id
        (
            "Call Mary Johnson on 0044 20 7946 0958 or see https://example.org/help.",
            f"{P} on {P} or see {P}.",
        ),
        ("I came on 2021-05-01 with permit LT-12345.", f"I came on {P} with permit {P}."),
        ("We met at the SPEAK Kaunas club.", f"We met at the {P} club."),
        # Russian: name in Cyrillic, phone, e-mail; the city itself stays
        (
            "Меня зовут Сергей Иванов, живу в Вильнюсе, пишите sergei@mail.ru.",
            f"Меня зовут {P}, живу в Вильнюсе, пишите {P}.",
        ),
        ("Мой сосед помог с квартирой.", f"{P} помог с квартирой."),
        # Ukrainian: name, age, phone
        (
            "Мене звати Олена, мені 34 роки, тел. 8 699 12345.",
            f"Мене звати {P}, мені {P} роки, тел. {P}.",
        ),
        ("Я з України, працюю в Каунасі.", "Я з України, працюю в Каунасі."),
    ],
)
def test_redact_removes_names_numbers_addresses_and_places(text, expected):
    assert redact(text) == expected


def test_nothing_sensitive_is_left_and_no_digit_survives():
    text = (
        "Narmin Aliyeva (narmin@speak.lt, www.speak.lt) from Šeškinė, born 12/03/1990, "
        "flat 4b, id 38812120000; Тарас Шевченко +380 67 123 4567"
    )
    out = redact(text)
    for secret in (
        "Narmin",
        "Aliyeva",
        "narmin@",
        "speak.lt",
        "Šeškinė",
        "1990",
        "4b",
        "38812120000",
        "Тарас",
        "Шевченко",
        "123 4567",
    ):
        assert secret not in out, secret
    assert not re.search(r"\d", out)


def test_words_that_are_not_names_stay():
    text = "Trūksta informacijos rusų ir anglų kalbomis. Language courses are full."
    assert redact(text) == text
    assert spans(text) == []


def test_adjacent_redactions_merge_into_one_placeholder():
    assert redact("Tel.: +370 612 34567, 8 612 34567") == f"Tel.: {P}"


def test_missing_text_gives_empty_string():
    assert redact(None) == "" and redact(float("nan")) == ""


def test_terms_match_folded_text_with_word_boundaries_and_endings():
    assert bool(pattern("gydytoj*").search(fold_with_map("Pas GYDYTOJĄ")[0]))
    assert not pattern("darb*").search(fold_with_map("nedarbingas")[0])
    # Cyrillic folding: й and и, ё and е match alike on both sides
    assert [m.term for m in find("Мой сосед", ["мои сосед*"])] == ["мои сосед*"]
    # a span of the folded text is a span of the original (diacritics, ß → ss)
    (m,) = find("Straße Šeškinėje!", ["seskin*"])
    assert "Straße Šeškinėje!"[m.start : m.end] == "Šeškinėje"
