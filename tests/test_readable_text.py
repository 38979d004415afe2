"""Reports a reader can read (issue 11, items 1–3): numbers agree with their nouns, no raw
identifiers or repository paths in the visible text, no Lithuanian-only words in English reports
and no English leftovers in Lithuanian ones.

The numeral rule is checked against a table written out by hand from the grammar (not from the
helper's own arithmetic) and against anchor phrases; the wording checks run fast over every
report text of ``report_text.csv`` and the reference tables, and slowly over every report of a
``--lang all`` build (the session build of ``tests/test_notebooks.py``, or the folder named by
``TSP_READABLE_OUT`` to check a build made by hand).
"""

from __future__ import annotations

import csv
import os
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tsp_analysis.params import DEFAULTS
from tsp_analysis.paths import reference_dir
from tsp_analysis.report import grammar, i18n

# -- the numeral rule, by hand ------------------------------------------------------------------
# Lithuanian, after a number in the nominative: ends in 1 (not 11) → nominative singular;
# ends in 2–9 (not 12–19) → nominative plural; ends in 0 or 11–19 → genitive plural.
NOM_SG = [1, 21, 31, 41, 51, 61, 71, 81, 91, 101, 121]
NOM_PL = [
    *range(2, 10),
    *range(22, 30),
    *range(32, 40),
    *range(42, 50),
    *range(52, 60),
    *range(62, 70),
    *range(72, 80),
    *range(82, 90),
    *range(92, 100),
    *range(102, 110),
    *range(122, 126),
]
GEN_PL = [
    0,
    *range(10, 21),
    30,
    40,
    50,
    60,
    70,
    80,
    90,
    100,
    *range(110, 121),
]


def test_hand_table_covers_0_to_125_once():
    assert sorted(NOM_SG + NOM_PL + GEN_PL) == list(range(126))


@pytest.mark.parametrize("n", range(126))
def test_lithuanian_form_after_every_number_0_to_125(n):
    expected = "nom_sg" if n in NOM_SG else "nom_pl" if n in NOM_PL else "gen_pl"
    assert grammar.lt_form(n) == expected
    # after "iš" (genitive): singular exactly where the nominative is singular
    assert grammar.lt_form(n, case="gen") == ("gen_sg" if n in NOM_SG else "gen_pl")
    assert grammar.en_form(n) == ("one" if n == 1 else "other")


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "rekomendacijų"),
        (1, "rekomendacija"),
        (2, "rekomendacijos"),
        (9, "rekomendacijos"),
        (10, "rekomendacijų"),
        (11, "rekomendacijų"),
        (19, "rekomendacijų"),
        (20, "rekomendacijų"),
        (21, "rekomendacija"),
        (22, "rekomendacijos"),
        (101, "rekomendacija"),
        (111, "rekomendacijų"),
        (112, "rekomendacijų"),
        (120, "rekomendacijų"),
        (122, "rekomendacijos"),
        (1001, "rekomendacija"),
        (1011, "rekomendacijų"),
    ],
)
def test_lithuanian_anchor_phrases(n, word):
    assert grammar.noun("recommendation", n, "lt") == word


def test_issue_example_five_of_fifty_one_assessed_recommendations():
    text = i18n.t(
        "monitoring.summary.implementation_final",
        "lt",
        implemented="5",
        assessed="51",
        share="9,8 %",
        weighted="12,7 %",
    )
    assert "5 iš 51 įvertintos rekomendacijos" in text
    text = i18n.t(
        "monitoring.summary.implementation_final",
        "lt",
        implemented="5",
        assessed="52",
        share="9,6 %",
        weighted="12,5 %",
    )
    assert "5 iš 52 įvertintų rekomendacijų" in text
    assert "iš 11 įvertintų rekomendacijų" in i18n.t(
        "monitoring.summary.implementation_interim",
        "lt",
        implemented="1",
        assessed="11",
        share="9,1 %",
        weighted="9,1 %",
    )


def test_english_singular_and_plural():
    assert grammar.noun("recommendation", 1, "en") == "recommendation"
    for n in (0, 2, 11, 21, 101):
        assert grammar.noun("recommendation", n, "en") == "recommendations"
    one = i18n.t("needs.recommendations.all_shown", "en", fired="1")
    assert one.startswith("1 rule fired")
    assert i18n.t("needs.recommendations.all_shown", "en", fired="21").startswith("21 rules")


def test_agreement_reads_the_number_as_shown():
    # a checked cell's span, with the Lithuanian thousands space; a withheld figure
    span = '<span data-cell="x" data-kind="count">1\u00a0001</span>'
    assert i18n.shown_number(span, "lt") == 1001
    assert i18n.shown_number("1,021", "en") == 1021
    assert i18n.shown_number("2,5", "lt") == 2.5
    assert i18n.shown_number("‡", "lt") is None
    html = i18n.t_html(
        "monitoring.summary.consultations",
        "lt",
        held=i18n.Markup("7"),
        planned=i18n.Markup(span),
        share=i18n.Markup("1 %"),
    )
    assert f"iš {span} suplanuotos konsultacijos" in html
    # no number to agree with: the genitive plural, which reads right after most numbers
    assert grammar.noun("respondent", None, "lt", case="gen") == "respondentų"
    assert grammar.noun("respondent", 2.5, "lt", case="gen") == "respondento"


def test_numeral_helper_refuses_bad_input():
    with pytest.raises(KeyError, match="counted_nouns.csv"):
        grammar.noun("no_such_noun", 3, "lt")
    with pytest.raises(ValueError, match="case"):
        grammar.lt_form(3, case="dat")
    with pytest.raises(ValueError, match="whole number"):
        grammar.lt_form(2.5)
    with pytest.raises(ValueError, match="language"):
        grammar.noun("respondent", 3, "de")


def test_counted_nouns_in_report_texts_name_a_known_noun_and_a_value():
    known = grammar.nouns()
    fmt = string.Formatter()
    seen = 0
    for row in _rows("report_text.csv"):
        for lang in i18n.LANGUAGES:
            fields = [f for _, f, _, _ in fmt.parse(row[lang]) if f]
            plain = {f for f in fields if "|" not in f}
            for f in fields:
                if "|" not in f:
                    continue
                seen += 1
                value, noun, *case = f.split("|")
                assert noun in known, (row["key"], lang, f)
                assert case in ([], ["nom"], ["gen"]), (row["key"], lang, f)
                assert value in plain, (row["key"], lang, f"{f} without {{{value}}}")
    assert seen > 20


# -- wording: fast checks over the text tables --------------------------------------------------
LT_LETTERS = re.compile(r"[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: Lithuanian words (acronyms) that are names in English text too.
#: (The link to the Lithuanian version is written in Lithuanian, marked lang="lt" in the page.)
LT_NAMES_IN_ENGLISH = {"ŠVIS", "Lietuviška", "Lietuviškai"}
#: Words that are English only: none may appear in a Lithuanian report.
ENGLISH_WORDS = {
    "the",
    "and",
    "of",
    "see",
    "note",
    "with",
    "for",
    "is",
    "are",
    "not",
    "shown",
    "respondents",
    "respondent",
    "recommendation",
    "recommendations",
    "municipality",
    "municipalities",
    "table",
    "figure",
    "from",
    "this",
    "which",
    "rows",
    "row",
    "answers",
    "area",
    "areas",
}
#: Terms of art a Lithuanian text may quote in English or Latin (software and method names).
ENGLISH_IN_LITHUANIAN = {"raking", "statsmodels", "multipletests", "OrderedModel"}


def _rows(name: str) -> list[dict[str, str]]:
    with open(Path(reference_dir()) / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _place_names() -> set[str]:
    """Words of place and country names, which English spells the Lithuanian way."""
    words: set[str] = set()
    for row in _rows("municipalities.csv"):
        for col in ("name_en", "short_en", "name_lt", "short_lt"):
            words.update(WORD.findall(row[col]))
    for row in _rows("countries.csv"):
        words.update(WORD.findall(row["name_en"]))
    return words


def lithuanian_words(text: str) -> list[str]:
    """Words with Lithuanian letters that are not names of places, countries or systems."""
    allowed = _place_names() | LT_NAMES_IN_ENGLISH
    return [w for w in WORD.findall(text) if LT_LETTERS.search(w) and w not in allowed]


def english_words(text: str) -> list[str]:
    return [
        w
        for w in WORD.findall(text)
        if w.lower() in ENGLISH_WORDS and w not in ENGLISH_IN_LITHUANIAN
    ]


def _filled(template: str, lang: str) -> str:
    """A template with every value filled by a number, as the reports fill it."""
    names = {f.split("|")[0] for _, f, _, _ in string.Formatter().parse(template) if f}
    return i18n.format_text(template, lang, **dict.fromkeys(names, "7"))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_report_texts_stay_in_their_language(lang):
    bad = []
    for row in _rows("report_text.csv"):
        text = _filled(row[lang], lang)
        found = lithuanian_words(text) if lang == "en" else english_words(text)
        if found:
            bad.append((row["key"], found))
    assert not bad, bad


#: English columns of the other reference tables a report shows.
ENGLISH_TABLES = (
    "areas.csv",
    "criteria.csv",
    "datareview_terms.csv",
    "data_sources.csv",
    "indicators.csv",
    "data_gap_rules.csv",
    "good_practices.csv",
    "recommendation_rules.csv",
    "value_sets.csv",
    "codebook.csv",
    "evaluations.csv",
    "strategic_components.csv",
    "residence_bases.csv",
    "age_groups.csv",
)


@pytest.mark.parametrize("name", ENGLISH_TABLES)
def test_english_labels_of_reference_tables_have_no_lithuanian_words(name):
    rows = _rows(name)
    # data_sources.csv keeps its English note in "note" (the Lithuanian one is a report text)
    columns = [c for c in rows[0] if c.endswith("_en") or (c, name) == ("note", "data_sources.csv")]
    assert columns, name
    bad = [
        (name, row[columns[0]], c, w)
        for row in rows
        for c in columns
        for w in lithuanian_words(row[c] or "")
    ]
    assert not bad, bad


def test_every_parameter_has_a_reader_label():
    for key in DEFAULTS:
        for lang in i18n.LANGUAGES:
            assert i18n.has(f"provenance.param.{key}"), key
            assert "_" not in i18n.t(f"provenance.param.{key}", lang)


def test_report_texts_name_no_path_or_identifier():
    for row in _rows("report_text.csv"):
        for lang in i18n.LANGUAGES:
            text = _filled(row[lang], lang)
            assert not PATH.search(text), (row["key"], lang, PATH.search(text).group(0))
            assert not set(ID_TOKEN.findall(text)) & FORBIDDEN_IDS, (row["key"], lang)


# -- every built report -------------------------------------------------------------------------
#: A word as an identifier is written: letters, digits and underscores ("resp_id").
ID_TOKEN = re.compile(r"\b\w+\b")
PATH = re.compile(r"\bdata/|[\w-]+\.(?:csv|md|py|ipynb|yaml)\b|\btsp_analysis\b")


def _codebook_ids() -> set[str]:
    """Codebook ids and parameter names a reader should never meet: those with an underscore
    (the others are ordinary words: "sex", "year", "municipality")."""
    ids = {row["id"] for row in _rows("codebook.csv") if "_" in row["id"]}
    ids |= {k for k in DEFAULTS if "_" in k} | {"lang"}
    return ids


FORBIDDEN_IDS = _codebook_ids()


class _Visible(HTMLParser):
    """The text a reader sees: no script, style or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def _built() -> dict[tuple[str, str, str], str]:
    folder = os.environ.get("TSP_READABLE_OUT")
    if folder:
        pages = sorted(Path(folder, "html").glob("*.html"))
        assert pages, f"{folder}/html holds no report"
        out = {}
        for page in pages:
            report, unit, lang = page.stem.rsplit("-", 2)
            out[(report, unit, lang)] = page.read_text(encoding="utf-8")
        return out
    from test_notebooks import build_output

    folder, records = build_output()
    return {
        (r["report"], r["municipality"], r["lang"]): (folder / r["html"]).read_text(
            encoding="utf-8"
        )
        for r in records
        if r.get("html") and r["status"] == "ok"
    }


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, str, str], str]:
    return {job: visible_text(html) for job, html in _built().items()}


@pytest.mark.slow
def test_build_has_both_languages(pages):
    assert {lang for _, _, lang in pages} == {"lt", "en"}
    if not os.environ.get("TSP_READABLE_OUT"):
        from test_notebooks import jobs

        assert len(pages) == len(jobs())  # every report of the build, both languages


@pytest.mark.slow
def test_no_codebook_id_parameter_name_or_path_in_any_report(pages):
    bad = {}
    for job, text in pages.items():
        ids = sorted(set(ID_TOKEN.findall(text)) & FORBIDDEN_IDS)
        paths = sorted({m.group(0) for m in PATH.finditer(text)})
        if ids or paths:
            bad[job] = ids + paths
    assert not bad, bad


@pytest.mark.slow
def test_english_reports_have_no_lithuanian_words(pages):
    bad = {
        job: sorted(set(lithuanian_words(text)))
        for job, text in pages.items()
        if job[2] == "en" and lithuanian_words(text)
    }
    assert not bad, bad


@pytest.mark.slow
def test_lithuanian_reports_have_no_english_leftovers(pages):
    # good practices keep their English names in brackets ("(Danish Refugee Council)")
    bad = {}
    for job, text in pages.items():
        if job[2] != "lt":
            continue
        found = sorted(set(english_words(re.sub(r"\([^()]*\)", "", text))))
        if found:
            bad[job] = found
    assert not bad, bad
