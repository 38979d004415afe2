"""Counted nouns: the form of a noun that agrees with the number before it.

Lithuanian chooses the noun's form from the last two digits of the number. After a number in
the nominative (the subject of a sentence, "5 rekomendacijos"):

* ends in 1 but not 11 (1, 21, 31, 101, 121 …): nominative singular — "21 rekomendacija";
* ends in 2–9 but not 12–19 (2, 9, 22, 105 …): nominative plural — "2 rekomendacijos";
* ends in 0 or 11–19 (0, 10, 11, 19, 20, 100, 111, 120 …): genitive plural —
  "10 rekomendacijų".

After a preposition or word that takes the genitive ("iš 51", "ne mažiau kaip 21") the noun is
genitive: singular when the number ends in 1 but not 11 ("iš 51 įvertintos rekomendacijos"),
plural otherwise ("iš 52 įvertintų rekomendacijų", "iš 11 … rekomendacijų").

English has one form for 1 and another for every other number ("1 recommendation",
"0 recommendations", "21 recommendations").

The forms of each noun (or noun phrase, with its adjective: "įvertinta rekomendacija") are data,
in ``data/reference/counted_nouns.csv`` (``key``, ``lt_nom_sg``, ``lt_nom_pl``, ``lt_gen_sg``,
``lt_gen_pl``, ``en_one``, ``en_other``); a report-text template places the number and the noun
side by side ("Įvyko {held} iš {planned} {planned_noun}.") and the code fills the noun with
:func:`noun`.
"""

from __future__ import annotations

import csv
from functools import cache

from .. import reference
from ..paths import reference_dir

#: Lithuanian grammatical case of a counted noun: nominative or genitive.
CASES = ("nom", "gen")
#: Lithuanian form names, in the order of :func:`lt_form`'s return values.
LT_FORMS = ("nom_sg", "nom_pl", "gen_sg", "gen_pl")


def lt_form(n: int, *, case: str = "nom") -> str:
    """Which Lithuanian form a noun takes after the whole number ``n``.

    Parameters
    ----------
    n
        The number (its absolute value counts; only whole numbers are counted nouns).
    case
        ``"nom"`` after a number in the nominative, ``"gen"`` after one in the genitive
        ("iš 51 …", "ne mažiau kaip 21 …").

    Returns
    -------
    str
        One of :data:`LT_FORMS`.

    Examples
    --------
    >>> [lt_form(n) for n in (1, 2, 10, 21, 111, 122)]
    ['nom_sg', 'nom_pl', 'gen_pl', 'nom_sg', 'gen_pl', 'nom_pl']
    >>> lt_form(51, case="gen"), lt_form(52, case="gen")
    ('gen_sg', 'gen_pl')
    """
    if case not in CASES:
        raise ValueError(f"case must be one of {CASES}, not {case!r}")
    if isinstance(n, bool) or int(n) != n:
        raise ValueError(f"a counted noun needs a whole number, not {n!r}")
    n = abs(int(n))
    last, last_two = n % 10, n % 100
    ends_in_one = last == 1 and last_two != 11
    if case == "gen":
        return "gen_sg" if ends_in_one else "gen_pl"
    if ends_in_one:
        return "nom_sg"
    if 2 <= last <= 9 and not 12 <= last_two <= 19:
        return "nom_pl"
    return "gen_pl"


def en_form(n: int) -> str:
    """``"one"`` for 1 (and −1), ``"other"`` for every other number."""
    if isinstance(n, bool) or int(n) != n:
        raise ValueError(f"a counted noun needs a whole number, not {n!r}")
    return "one" if abs(int(n)) == 1 else "other"


def choose(
    n: int,
    *,
    nom_sg: str,
    nom_pl: str,
    gen_pl: str,
    gen_sg: str | None = None,
    case: str = "nom",
) -> str:
    """The Lithuanian form of a noun after ``n``, given its forms.

    ``gen_sg`` is needed only with ``case="gen"``.

    >>> choose(5, nom_sg="rekomendacija", nom_pl="rekomendacijos", gen_pl="rekomendacijų")
    'rekomendacijos'
    """
    form = lt_form(n, case=case)
    forms = {"nom_sg": nom_sg, "nom_pl": nom_pl, "gen_sg": gen_sg, "gen_pl": gen_pl}
    if forms[form] is None:
        raise ValueError(f"the genitive singular is needed after {n} ({case})")
    return forms[form]


def noun(key: str, n: int | float | None, lang: str, *, case: str = "nom") -> str:
    """The form of counted noun ``key`` (a row of ``counted_nouns.csv``) after the number ``n``.

    Parameters
    ----------
    key
        The noun's key ("recommendation", "assessed_recommendation", "respondent" …).
    n
        The number the noun follows. A fraction ("2,5") takes the genitive singular in
        Lithuanian; ``None`` (no number shown, e.g. a withheld "‡") the genitive plural,
        the form that reads right beside most numbers.
    lang
        ``"lt"`` or ``"en"``.
    case
        Lithuanian case of the phrase (``"nom"`` or ``"gen"``); English ignores it.

    Examples
    --------
    >>> noun("assessed_recommendation", 51, "lt", case="gen")
    'įvertintos rekomendacijos'
    >>> noun("recommendation", 1, "en"), noun("recommendation", 0, "en")
    ('recommendation', 'recommendations')
    """
    reference.check_lang(lang)
    table = nouns()
    if key not in table:
        raise KeyError(f"counted noun {key!r} is not in data/reference/counted_nouns.csv")
    forms = table[key]
    if n is None:
        return forms["en_other" if lang == "en" else "lt_gen_pl"]
    if int(n) != n:
        return forms["en_other" if lang == "en" else "lt_gen_sg"]
    if lang == "en":
        return forms[f"en_{en_form(n)}"]
    return forms[f"lt_{lt_form(n, case=case)}"]


def nouns() -> dict[str, dict[str, str]]:
    """Every counted noun: key → {form column → text}."""
    return _load(str(reference_dir()))


@cache
def _load(folder: str) -> dict[str, dict[str, str]]:
    path = f"{folder}/counted_nouns.csv"
    columns = ["key", *(f"lt_{f}" for f in LT_FORMS), "en_one", "en_other"]
    out: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise ValueError(f"{path}: columns {reader.fieldnames}, expected {columns}")
        for line, row in enumerate(reader, start=2):
            key = row["key"]
            if key in out:
                raise ValueError(f"{path}, row {line}: duplicate key {key!r}")
            empty = [c for c in columns if not (row[c] or "").strip()]
            if empty:
                raise ValueError(f"{path}, row {line} ({key}): empty {empty}")
            out[key] = {c: row[c] for c in columns[1:]}
    return out
