"""The monitoring report's issue-10 outputs on the results layer (SPEC §2.3): the evaluations
and their dates, Kaunas's missing strategic document stated in words, every recommendation
listed one by one with the needs analysis's id, and completion rates rounded so that a small
denominator does not mislead (1 of 8 is 12,5 %)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from tsp_analysis import results
from tsp_analysis.inputs import load_inputs
from tsp_analysis.params import validate_params
from tsp_analysis.paths import PROJECT_DIR
from tsp_analysis.report import monitor
from tsp_analysis.results import monitoring as raw_monitoring
from tsp_analysis.results import scan
from tsp_analysis.results.policy import DisclosurePolicy

LANGS = ("lt", "en")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def demo():
    return load_inputs(None)


@pytest.fixture(scope="module")
def res(demo):
    params = validate_params({"municipality": "all"}, "test", report="monitoring")
    return results.compute("monitoring", params, inputs=demo)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _all_sections(res, lang: str) -> str:
    return "".join(
        [
            monitor.summary(res, lang),
            monitor.evaluations_table(res, lang),
            monitor.consultations_table(res, lang),
            monitor.consultations_chart(res, lang),
            monitor.strategic_table(res, lang),
            monitor.implementation_table(res, lang),
            monitor.implementation_chart(res, lang),
            monitor.recommendations_table(res, lang),
            monitor.method(lang),
        ]
    )


# -- 1. the reporting period and the evaluation dates -------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_period_and_interim_dates_are_shown_as_dates(res, lang):
    html = monitor.summary(res, lang) + monitor.evaluations_table(res, lang)
    for date in ("2021-11-09", "2022-02-23"):
        assert f'<span data-safe="date">{date}</span>' in html, date
    # the final evaluation's dates are not in the sources: said so, not invented
    missing = {"lt": "šaltinio dokumentuose nenurodyt", "en": "not given in the source documents"}
    assert missing[lang] in html
    final = res["evaluations"].row(evaluation="final")
    assert final["period_end"] == "" and final["evaluated_on"] == ""


# -- 2. Kaunas prepared no separate document --------------------------------------------------
def test_kaunas_has_no_separate_document_and_no_score(res):
    status = res["strategic_status"].row(municipality="kaunas")
    assert status["status"] == "no_separate_document"
    score = res["strategic_completeness"].row(municipality="kaunas", measure="score")
    assert pd.isna(score["estimate"])  # no document, no score (not "14 out of 100")
    assert score["status"] == "no_separate_document"
    assert not pd.isna(
        res["strategic_completeness"].row(municipality="jonava", measure="score")["estimate"]
    )


@pytest.mark.parametrize("lang", LANGS)
def test_kaunas_is_stated_in_words(res, lang):
    summary = _text(monitor.summary(res, lang))
    said = {
        "lt": "Kaunas atskiro strateginio dokumento neparengė",
        "en": "Kaunas prepared no separate strategic document",
    }
    assert said[lang] in summary
    assert "14" not in summary.split(said[lang])[1][:80]
    assert "completeness score" not in summary and "išbaigtumo balas" not in summary
    table = monitor.strategic_table(res, lang)
    cell = re.search(r'<td[^>]*data-municipality="kaunas" data-status="([^"]+)"[^>]*>', table)
    assert cell and cell.group(1) == "no_separate_document"
    assert not re.search(r"strategic_completeness/measure=score\|municipality=kaunas", table)


# -- 3. every recommendation, one by one --------------------------------------------------------
def test_every_recommendation_of_the_register_is_listed(res):
    register = pd.read_csv(PROJECT_DIR / "data/demo/recommendations.csv", dtype=str)
    table = res["recommendation_status"]
    assert sorted(table.data["recommendation_id"]) == sorted(register["rec_id"])
    assert set(table.data["status_interim"]) <= {
        "implemented",
        "partly_implemented",
        "not_implemented",
        "not_assessed",
    }
    for lang in LANGS:
        html = monitor.recommendations_table(res, lang)
        for rid in register["rec_id"]:
            assert f'data-id="{rid}"' in html, rid
        # the text in the report language
        first = register.iloc[0]
        assert first[f"title_{lang}"].split(".")[0] in html


def test_recommendation_ids_are_the_needs_analysis_ids(res, demo):
    """Finding → recommendation → status: the needs analysis of Jonava publishes its
    recommendations by rule; ``<municipality>-<rule_id>`` is the register's id."""
    params = validate_params({"municipality": "jonava"}, "test", report="needs_analysis")
    needs = results.compute("needs_analysis", params, inputs=demo)
    ids = {f"jonava-{rule}" for rule in needs["recommendations"].data["rule_id"]}
    assert ids, "the needs analysis of Jonava lists no recommendation"
    table = res["recommendation_status"].data
    listed = set(table.loc[table["municipality"] == "jonava", "recommendation_id"])
    assert ids <= listed
    traced = table[table["recommendation_id"].isin(ids)]
    assert (traced["rule_id"] != "").all()


# -- 4. rates of small denominators ---------------------------------------------------------------
def _one_of_eight(demo):
    register = pd.DataFrame(
        {
            "rec_id": [f"akmene-{c}" for c in "abcdefgh"],
            "municipality": "akmene",
            "area": "employment",
            "title_lt": "Rekomendacija",
            "title_en": "Recommendation",
            "status_interim": ["implemented"] + ["not_implemented"] * 7,
            "status_final": ["implemented"] + ["partly_implemented"] * 7,
        }
    )
    inputs = SimpleNamespace(
        consultations=demo.consultations,
        strategic_assessment=demo.strategic_assessment,
        recommendations=SimpleNamespace(data=register),
        synthetic=True,
        hashes={},
    )
    raw = raw_monitoring.compute(inputs, {}, unit="all")
    return DisclosurePolicy().publish_one(raw)


@pytest.mark.parametrize(("lang", "expected"), [("lt", f"12,5{NBSP}%"), ("en", "12.5%")])
def test_one_of_eight_is_twelve_and_a_half_per_cent(demo, lang, expected):
    res = _one_of_eight(demo)
    rec = res["implementation"].row(
        municipality="akmene", evaluation="interim", measure="completion_rate"
    )
    assert float(rec["estimate"]) == 0.125
    table = monitor.implementation_table(res, lang)
    assert re.search(rf'measure=completion_rate\|municipality=akmene"[^>]*>{expected}<', table)
    assert f">{expected}<" in monitor.summary(res, lang)
    assert monitor.share_decimals({"measure": "share_held", "n": 8}) == 1
    assert monitor.share_decimals({"measure": "share_held", "n": 48}) == 0


# -- every section, both languages ----------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_every_section_renders_without_an_unmarked_number(res, lang):
    html = _all_sections(res, lang)  # display.table raises UnmarkedNumberError otherwise
    violations, cells = scan.scan_html(f"<html><body>{html}</body></html>", f"monitoring-{lang}")
    assert [str(v) for v in violations] == []
    assert cells > 100
    for tid in ("evaluations", "strategic_status", "recommendation_status", "implementation"):
        assert f'data-table="{tid}"' in html, tid


# -- measure_rows: one row per record × measure (consultations, events, implementation, coverage)
def test_measure_rows_counts_are_their_own_base_and_shares_rest_on_the_base_column():
    from tsp_analysis.results.table import measure_rows

    # interim evaluation of Jonava, worked by hand: 8 recommendations, 6 assessed, 3
    # implemented; completion 3 / 6 = 0.5 rests on the 6 assessed
    summary = pd.DataFrame(
        {
            "municipality": ["jonava"],
            "evaluation": ["interim"],
            "recommendations": [8],
            "assessed": [6],
            "implemented": [3],
            "completion_rate": [0.5],
        }
    )
    rows = measure_rows(
        summary,
        ["municipality", "evaluation"],
        ["recommendations", "completion_rate", "implemented"],
        shares=["completion_rate"],
        base="assessed",
    )
    assert [(r["measure"], r["kind"], r["estimate"], r["n"]) for r in rows] == [
        ("recommendations", "count", 8, 8),
        ("completion_rate", "share", 0.5, 6),
        ("implemented", "count", 3, 3),
    ]
    assert list(rows[0]) == ["municipality", "evaluation", "measure", "kind", "estimate", "n"]
    assert {(r["municipality"], r["evaluation"]) for r in rows} == {("jonava", "interim")}


def test_consultations_and_implementation_tables_keep_their_rows(res):
    # the demo's consultations: a share held on the planned ones, counts on themselves
    cons = res["consultations"].data.set_index(["municipality", "measure"])
    total = cons.loc[("total", "share_held")]
    assert total["kind"] == "share" and total["n"] == cons.loc[("total", "planned"), "estimate"]
    assert (
        cons.xs("held", level="measure")["n"] == cons.xs("held", level="measure")["estimate"]
    ).all()
    impl = res["implementation"].data.set_index(["municipality", "evaluation", "measure"])
    rate = impl.xs("completion_rate", level="measure")
    assessed = impl.xs("assessed", level="measure")
    assert (rate["n"] == assessed["estimate"]).all() and (rate["kind"] == "share").all()


def test_text_table_publishes_every_column_but_the_keys_in_frame_order(res):
    from tsp_analysis.results.table import text_table

    frame = pd.DataFrame(
        {"municipality": ["jonava"], "status": ["complete"], "adopted": ["true"], "remark": ["r1"]}
    )
    tab = text_table("t", frame, "monitoring.status.caption", ["municipality", "remark"])
    assert tab.values == ("status", "adopted")
    assert (tab.kind, tab.subject, tab.dims) == ("text", "records", ("municipality", "remark"))
    # the monitoring report's own text tables keep the columns they published by name
    assert res["evaluations"].values == ("period_start", "period_end", "evaluated_on", "source")
    assert res["strategic_status"].values == ("status", "adopted")
    assert res["strategic_matrix"].values == ("level",)
