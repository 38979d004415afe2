"""The qualitative evidence through the results layer (``results/qualitative.py``): distinct
sources per theme and kind of source, checked against a hand-worked register, published by the
disclosure policy; quotes only with ``allow_free_text``, redacted, and only for themes raised
by at least ``min_count`` distinct sources."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from tsp_analysis.clean import clean
from tsp_analysis.results import qualitative
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.table import Results

#: (statement, kind, source, area, theme, paraphrase). Hand count, jonava:
#: eq_information_languages — interviews i1 (twice), i2, i3 = 3; focus group f1 = 1; round
#:   table r1 = 1; respondents T-1, T-2 = 2; distinct sources 7.
#: edu_kindergarten_places — interviews i1..i5 = 5.
#: health_insurance — interviews i1, i2 = 2.
STATEMENTS = [
    (
        "s01",
        "interview",
        "i1",
        "equal_opportunities",
        "eq_information_languages",
        "Jonas Petraitis: informacijos rusų kalba nėra, tel. 861234567.",
    ),
    ("s02", "interview", "i1", "equal_opportunities", "eq_information_languages", ""),
    ("s03", "interview", "i2", "equal_opportunities", "eq_information_languages", ""),
    ("s04", "interview", "i3", "equal_opportunities", "eq_information_languages", ""),
    ("s05", "focus_group", "f1", "equal_opportunities", "eq_information_languages", ""),
    ("s06", "round_table", "r1", "equal_opportunities", "eq_information_languages", ""),
    ("s07", "survey_comment", "T-1", "equal_opportunities", "eq_information_languages", ""),
    ("s08", "survey_comment", "T-2", "equal_opportunities", "eq_information_languages", ""),
    (
        "s09",
        "interview",
        "i1",
        "education",
        "edu_kindergarten_places",
        "Darželyje Šilainiuose vietų nėra.",
    ),
    ("s10", "interview", "i2", "education", "edu_kindergarten_places", ""),
    ("s11", "interview", "i3", "education", "edu_kindergarten_places", ""),
    ("s12", "interview", "i4", "education", "edu_kindergarten_places", ""),
    ("s13", "interview", "i5", "education", "edu_kindergarten_places", ""),
    ("s14", "interview", "i1", "health", "health_insurance", "Draudimas brangus ir neaiškus."),
    ("s15", "interview", "i2", "health", "health_insurance", ""),
    # another municipality's statement: not counted
    ("s16", "interview", "k1", "health", "health_insurance", "Kaune kitaip."),
]
COMMENTS = {
    "T-1": "Trūksta informacijos anglų kalba, rašykite ona.k@pastas.lt",
    "T-2": "Информации на русском нет, звоните +370 612 34567",
}


def _inputs() -> SimpleNamespace:
    frame = pd.DataFrame(
        STATEMENTS,
        columns=["statement_id", "source_kind", "source_id", "area", "theme", "paraphrase"],
    )
    frame["municipality"] = [
        "Kauno m." if s == "s16" else "Jonavos r." for s in frame["statement_id"]
    ]
    frame["sentiment"] = "negative"
    frame["paraphrase"] = frame["paraphrase"].replace("", pd.NA)
    register = clean(frame.astype("str"), "qual_evidence")
    assert register.accounting_line() == "in 16 = accepted 16 + quarantined 0"
    survey = pd.DataFrame(
        {"resp_id": list(COMMENTS), "municipality": "jonava", "comment": list(COMMENTS.values())}
    )
    return SimpleNamespace(
        results={"qual_evidence": register, "tsp_survey": SimpleNamespace(data=survey)}
    )


def _publish(allow_free_text: bool, min_count: int = 5) -> Results:
    res = Results("needs_analysis", "jonava")
    params = {"allow_free_text": allow_free_text, "min_count": min_count}
    qualitative.add(res, _inputs(), params, "jonava")
    return DisclosurePolicy(min_count=min_count).publish_one(res)


def _cell(tab, theme: str, kind: str) -> dict:
    return tab.row(
        area=tab.data.loc[tab.data["theme"] == theme, "area"].iloc[0], theme=theme, source_kind=kind
    )


def test_distinct_sources_per_theme_and_kind_match_the_hand_count():
    counts = qualitative.source_counts(qualitative.register(_inputs(), "jonava"))
    got = {(r["theme"], r["source_kind"]): r["count"] for r in counts.to_dict("records")}
    assert got[("eq_information_languages", "all")] == 7
    assert [got[("eq_information_languages", k)] for k in qualitative.SOURCE_KINDS] == [3, 1, 1, 2]
    assert got[("edu_kindergarten_places", "all")] == 5
    assert got[("edu_kindergarten_places", "interview")] == 5
    assert got[("health_insurance", "all")] == 2  # Kaunas's statement is not Jonava's
    # themes in reference order, each with its total first
    assert list(dict.fromkeys(counts["theme"])) == [
        "edu_kindergarten_places",
        "health_insurance",
        "eq_information_languages",
    ]


def test_a_theme_raised_by_fewer_than_min_count_sources_is_hidden():
    tab = _publish(False)["qual_sources"]
    shown = _cell(tab, "eq_information_languages", "all")
    assert not shown["suppressed"] and shown["estimate"] == 7
    for kind in qualitative.SOURCE_KINDS:  # 3, 1, 1, 2: each a count of 1..4
        rec = _cell(tab, "eq_information_languages", kind)
        assert rec["suppressed"] and rec["reason"] == "small_count" and pd.isna(rec["estimate"])
    hidden = _cell(tab, "health_insurance", "all")
    assert hidden["suppressed"] and hidden["reason"] == "small_count"
    assert _cell(tab, "edu_kindergarten_places", "interview")["estimate"] == 5
    assert _cell(tab, "edu_kindergarten_places", "focus_group")["estimate"] == 0


def test_no_quotes_without_allow_free_text():
    res = _publish(False)
    assert "qual_quotes" not in res
    assert res.info["allow_free_text"] is False


def test_quotes_are_redacted_and_only_for_themes_with_enough_sources():
    tab = _publish(True)["qual_quotes"]
    quotes = {(r["theme"], r["quote"]): r["text"] for r in tab.records() if not r["suppressed"]}
    assert quotes == {
        ("edu_kindergarten_places", "q1"): "Darželyje […] vietų nėra.",
        ("eq_information_languages", "q1"): "[…]: informacijos rusų kalba nėra, tel. […].",
        ("eq_information_languages", "q2"): "Trūksta informacijos anglų kalba, rašykite […]",
        ("eq_information_languages", "q3"): "Информации на русском нет, звоните […]",
    }
    assert "health_insurance" not in set(tab.data["theme"])  # 2 sources


def test_a_quote_whose_theme_count_is_hidden_is_hidden_with_it():
    # quotes chosen with a lower threshold than the policy applies: the policy still hides
    # the quote of a theme whose count it hides (the quote rests on that count)
    res = Results("needs_analysis", "jonava")
    inputs = _inputs()
    statements = qualitative.register(inputs, "jonava")
    counts = qualitative.source_counts(statements)
    for theme in counts["theme"].unique():
        res.add_cube(
            qualitative.Cube(
                qualitative.cube_id("jonava", theme), {"source_kind": qualitative.SOURCE_KINDS}
            )
        )
    res.add(qualitative.sources_table(counts, "jonava"))
    quotes = qualitative.quote_texts(statements, inputs.results["tsp_survey"].data)
    res.add(qualitative.quotes_table(counts, quotes, "jonava", min_count=1))
    tab = DisclosurePolicy(min_count=5).publish_one(res)["qual_quotes"]
    rec = tab.row(area="health", theme="health_insurance", quote="q1")
    assert rec["suppressed"] and rec["reason"] == "small_count" and pd.isna(rec["text"])


@pytest.mark.parametrize("allow", [False, True])
def test_a_run_without_a_register_has_an_empty_section(allow):
    res = Results("needs_analysis", "jonava")
    qualitative.add(
        res, SimpleNamespace(results={}), {"allow_free_text": allow, "min_count": 5}, "jonava"
    )
    published = DisclosurePolicy().publish_one(res)
    assert published["qual_sources"].data.empty
    from tsp_analysis.report.qualitative import section

    html = section(published, "en")
    assert "no statements for this municipality" in html
