"""Report text (data/reference/report_text.csv) and number formatting in lt and en."""

from __future__ import annotations

import csv
import json
import re
import string
import unicodedata
from pathlib import Path

import pytest

from tsp_analysis.report import i18n
from tsp_analysis.report.i18n import (
    NBSP,
    fmt_count,
    fmt_interval,
    fmt_list,
    fmt_number,
    fmt_p,
    fmt_percent,
    fmt_pp,
    t,
    t_html,
)

ROOT = Path(__file__).resolve().parents[1]
TEXT_CSV = ROOT / "data/reference/report_text.csv"
PREFIXES = ("common", "charts", "needs", "review", "monitoring", "findings", "provenance")
KEY_LITERAL = re.compile(
    r"""["']((?:""" + "|".join(PREFIXES) + r""")\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']"""
)
SECTION_CALL = re.compile(r"""section\(\s*["']([a-z0-9_.]+)["']""")


def _rows() -> list[dict[str, str]]:
    with open(TEXT_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sources() -> dict[str, str]:
    """Python modules of the report layer and the code cells of the notebooks."""
    package = ROOT / "tsp_analysis" / "report"
    out = {str(p): p.read_text(encoding="utf-8") for p in package.rglob("*.py")}
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        out[str(nb)] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return out


def test_every_key_has_both_languages_and_the_same_placeholders():
    rows = _rows()
    assert rows, "report_text.csv is empty"
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "duplicate keys"
    fmt = string.Formatter()
    for r in rows:
        assert r["lt"].strip() and r["en"].strip(), r["key"]
        # "{n|respondent|gen}" is the noun that agrees with {n}: the value is still n
        lt_fields = {f.split("|")[0] for _, f, _, _ in fmt.parse(r["lt"]) if f}
        en_fields = {f.split("|")[0] for _, f, _, _ in fmt.parse(r["en"]) if f}
        assert lt_fields == en_fields, (r["key"], lt_fields, en_fields)


def test_every_key_used_in_the_package_and_notebooks_exists():
    known = {r["key"] for r in _rows()}
    used: dict[str, str] = {}
    for path, source in _sources().items():
        for key in KEY_LITERAL.findall(source):
            used.setdefault(key, path)
        for key in SECTION_CALL.findall(source):
            used.setdefault(key, path)
            used.setdefault(f"{key}.note", path)  # section() shows the heading and its note
    missing = {k: p for k, p in used.items() if k not in known}
    assert not missing, f"keys used but not defined: {missing}"
    assert len(used) > 50  # the scan found the keys (a broken regex would find none)


#: Spellings that are never Lithuanian: each is a word written without its diacritics
#: (TŠP, iš, į, Šiauliai, Klaipėda, Akmenė, užimtumas, švietimas, priežiūra, įtrauktis,
#: aprėptis, genitive plurals in -ų). Case forms make a general rule impossible ("ataskaita" and
#: "ataskaitą" are both right), so the check lists the mistakes an ASCII keyboard makes.
STRIPPED = {
    "tsp",
    "is",
    "i",
    "siauliai",
    "siauliu",
    "klaipeda",
    "klaipedos",
    "akmene",
    "akmenes",
    "uzimtumas",
    "svietimas",
    "prieziura",
    "itrauktis",
    "apreptis",
    "paslaugu",
    "poreikiu",
    "atsakymu",
    "respondentu",
    "savivaldybiu",
    "sriciu",
    "kriteriju",
    "rekomendaciju",
    "duomenu",
    "zmoniu",
    "pilieciu",
    "salies",
    "salyje",
}


def test_lithuanian_text_keeps_its_diacritics():
    rows = _rows()
    prose = [r["lt"].lower().replace("tsp-analysis", "") for r in rows]  # the package's name
    lt_words = [w for text in prose for w in re.findall(r"\w+", text)]
    with_marks = {w for w in lt_words if unicodedata.normalize("NFKD", w) != w}
    assert len(with_marks) > 100  # Lithuanian prose without ą č ę ė į š ų ū ž is not Lithuanian
    stripped = sorted({w for w in lt_words if w in STRIPPED})
    assert not stripped, f"Lithuanian words written without their diacritics: {stripped}"
    bad = re.compile("[ÃÅÄ][\u0080-\u00bf]|\ufffd")
    mojibake = [r["key"] for r in rows if bad.search(r["lt"] + r["en"])]
    assert not mojibake


def test_numbers_follow_the_language():
    assert fmt_number(79145, "lt") == f"79{NBSP}145"
    assert fmt_number(79145, "en") == "79,145"
    assert fmt_number(1234.56, "lt", 1) == f"1{NBSP}234,6"
    assert fmt_number(-2.5, "lt", 1) == "−2,5"
    assert fmt_number(-0.01, "en", 1) == "0.0"
    assert fmt_count(1000000, "en") == "1,000,000"
    assert fmt_number(float("nan"), "en") == ""


def test_percentages_and_intervals_follow_the_language():
    assert fmt_percent(0.425, "lt", 1) == f"42,5{NBSP}%"
    assert fmt_percent(0.425, "en", 1) == "42.5%"
    assert fmt_interval(0.42, 0.35, 0.49, "lt") == f"42{NBSP}% (35–49{NBSP}%)"
    assert fmt_interval(0.42, 0.35, 0.49, "en") == "42% (35–49%)"
    assert fmt_interval(62.4, 55.0, 69.6, "en", kind="score") == "62 (55–70)"
    assert fmt_interval(1.254, 0.98, 1.6, "lt", kind="ratio") == "1,25 (0,98–1,60)"
    assert fmt_interval(0.5, float("nan"), float("nan"), "en") == "50%"


def test_p_values_and_differences():
    assert fmt_p(0.0004, "lt") == f"<{NBSP}0,001"
    assert fmt_p(0.0312, "en") == "0.031"
    assert fmt_pp(0.123, "lt") == "+12 proc. p."
    assert fmt_pp(-0.05, "en") == "−5 pp".replace("−", "-")


def test_lists_read_naturally():
    assert fmt_list(["A", "B", "C"], "lt") == "A, B ir C"
    assert fmt_list(["A", "B"], "en") == "A and B"
    assert fmt_list(["A"], "en") == "A"


def test_t_fills_placeholders_and_names_missing_ones():
    assert t("common.base", "lt", n="57") == "n = 57"
    with pytest.raises(KeyError, match="common.base"):
        t("common.base", "lt")
    with pytest.raises(KeyError, match="report_text.csv"):
        t("common.no_such_key", "en")
    with pytest.raises(ValueError):
        t("common.base", "ru", n="1")


def test_t_html_escapes_text_but_not_markup():
    out = t_html("common.base", "en", n="<b>")
    assert out == "n = &lt;b&gt;"
    out = t_html("common.base", "en", n=i18n.Markup("<b>5</b>"))
    assert out == "n = <b>5</b>"


def test_reference_labels_come_in_both_languages():
    assert i18n.label("areas", "health", "lt") == "Sveikatos priežiūra"
    assert i18n.label("areas", "health", "en") == "Health care"
    assert i18n.label("municipalities", "siauliai", "lt") == "Šiauliai"
    assert i18n.label("municipalities", "akmene", "lt", column="name") == (
        "Akmenės rajono savivaldybė"
    )
    assert i18n.label("countries", "UA", "lt") == "Ukraina"
    assert i18n.value_label("inclusion_level", "partly", "en") == "Partly included"


def test_category_label_joins_collapsed_codes_and_lowers_them_inside_a_sentence():
    # hand-read from data/reference/residence_bases.csv, age_groups.csv and the sample text
    assert i18n.category_label("residence_basis", "work+family", "en") == (
        "Work + Family reunification"
    )
    assert i18n.category_label("residence_basis", "work+other", "en", inline=True) == (
        "work + other"
    )
    assert i18n.category_label("age_group", "18_24+25_34", "lt") == "18–24 m. + 25–34 m."
    # countries keep their capital inside a sentence; an unknown margin shows its codes
    assert i18n.category_label("citizenship", "UA", "en", inline=True) == "Ukraine"
    assert i18n.category_label("education", "a+b", "en") == "a + b"
