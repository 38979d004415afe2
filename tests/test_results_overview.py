"""The overview report's results: copies of the municipal reports' published cells.

The slow tests build the real overview from the demo data (every municipality's needs
analysis and the monitoring report, published as their own reports publish them) and compare
it cell by cell with those reports, through each overview row's ``source`` address.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tsp_analysis.params import validate_params
from tsp_analysis.results import DisclosurePolicy, Results, ResultTable, overview


# -- small, hand-made examples -------------------------------------------------------------------
def _checked(rows: list[dict]) -> ResultTable:
    raw = Results("needs_analysis", "akmene")
    raw.add(
        ResultTable.make(
            "need_unmet",
            pd.DataFrame(rows),
            caption={"lt": "x", "en": "x"},
            kind="share",
            dims=("area", "measure", "group"),
        )
    )
    return DisclosurePolicy().publish_one(raw)["need_unmet"]


def test_carry_keeps_figure_flag_reason_and_source_address():
    tab = _checked(
        [
            {
                "area": "health",
                "measure": "need",
                "group": "unit",
                "estimate": 0.4,
                "ci_low": 0.3,
                "ci_high": 0.5,
                "n": 40,
            },
            {"area": "health", "measure": "unmet", "group": "unit", "estimate": 0.5, "n": 7},
        ]
    )
    shown, hidden = tab.records()
    row = overview.carry(tab, shown, municipality="akmene", area="health", measure="need")
    assert (row["estimate"], row["ci_low"], row["ci_high"], row["n"]) == (0.4, 0.3, 0.5, 40)
    assert row["source"] == "needs_analysis-akmene/need_unmet/area=health|group=unit|measure=need"
    row = overview.carry(tab, hidden, municipality="akmene", area="health", measure="unmet")
    assert row["suppressed"] and row["reason"] == "small_base"  # 7 answers < min_base 10
    assert pd.isna(row["estimate"]) and pd.isna(row["n"])


def test_carry_refuses_an_unchecked_table():
    raw = ResultTable.make(
        "t",
        pd.DataFrame({"a": ["x"], "estimate": [1.0], "n": [50]}),
        caption={"lt": "x", "en": "x"},
        kind="share",
        dims=("a",),
    )
    with pytest.raises(TypeError, match="disclosure policy"):
        overview.carry(raw, raw.data.iloc[0].to_dict(), a="x")


def test_good_practice_fits_the_area_and_prefers_the_leading_municipality():
    from tsp_analysis.recommend import load_practices

    practices = load_practices()
    for area in ("education", "employment", "community"):
        pid = overview.practice_for(area)
        row = practices.set_index("practice_id").loc[pid]
        assert area in row["areas"].split(";")
    # SPEAK Kaunas (education, culture, community) is in Kaunas: chosen when Kaunas leads
    assert overview.practice_for("community", ["kaunas"]) == "speak_kaunas"
    assert overview.practice_for("no_such_area") == ""
    # no catalogued practice fits health care (seed 004 names none; the catalogue follows it)
    assert overview.practice_for("health") == ""


# -- the real overview ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The overview and the published sources it was built from (computed once, cached)."""
    import os

    from tsp_analysis import results
    from tsp_analysis.inputs import load_inputs

    # an existing results cache (a build's OUT/.cache/results) is reused: same key, same cells
    before = os.environ.get(results.CACHE_ENV)
    os.environ[results.CACHE_ENV] = before or str(tmp_path_factory.mktemp("results-cache"))
    try:
        params = validate_params({"municipality": "all"}, "test", report="overview")
        inputs = load_inputs()
        res = results.compute("overview", params, inputs=inputs)
        srcs = overview.sources(params, inputs)  # read back from the cache
    finally:
        if before is None:
            os.environ.pop(results.CACHE_ENV, None)
        else:
            os.environ[results.CACHE_ENV] = before
    return res, srcs


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-12)


@pytest.mark.slow
def test_every_figure_equals_the_municipal_reports_figure_cell_by_cell(built):
    res, srcs = built
    compared = 0
    for tab in res:
        assert tab.checked
        if tab.kind == "text":  # the learning table selects cells; its own test checks it
            continue
        for rec in tab.records():
            if not rec["source"]:
                continue
            src = overview.source_cell(srcs, rec["source"])
            if bool(rec["suppressed"]) and not bool(src["suppressed"]):
                # only where the same figure is hidden in another table of that report
                assert tab.id == "need_capacity", rec["source"]
                continue
            assert bool(rec["suppressed"]) == bool(src["suppressed"]), rec["source"]
            for col in ("estimate", "ci_low", "ci_high", "n"):
                assert _same(rec[col], src[col]), (rec["source"], col, rec[col], src[col])
            for col in tab.values:
                if col in src and isinstance(src[col], float | int):
                    assert _same(rec[col], src[col]), (rec["source"], col)
                elif col in src:
                    assert str(rec[col]) == str(src[col]), (rec["source"], col)
            compared += 1
    assert compared > 500  # the test compares something real


@pytest.mark.slow
def test_no_figure_hidden_in_a_municipal_report_is_shown(built):
    res, srcs = built
    hidden_at_source = 0
    for tab in res:
        for rec in tab.records():
            if rec["source"] and overview.source_cell(srcs, rec["source"])["suppressed"]:
                hidden_at_source += 1
                assert rec["suppressed"] and pd.isna(rec["estimate"]), rec["source"]
                assert pd.isna(rec["n"]), rec["source"]
    assert hidden_at_source > 50
    # the same figure in two tables of one municipal report: hidden in either, hidden here
    need = res["need_unmet"].data
    cap = res["need_capacity"].data
    merged = cap[cap["measure"] == "need"].merge(
        need[need["measure"] == "need"], on=["municipality", "area"], suffixes=("", "_nu")
    )
    assert len(merged) == 54
    assert not (merged["suppressed_nu"] & ~merged["suppressed"]).any()


@pytest.mark.slow
def test_learning_pairs_rest_on_shown_significant_differences(built):
    res, srcs = built
    for rec in res["learning"].records():
        src = overview.source_cell(srcs, rec["source"])
        assert not src["suppressed"] and src["group"] == "difference"
        assert src["direction"] == {"leader": "higher", "learner": "lower"}[rec["role"]]
        assert float(src["p_adjusted"]) < 0.05
    # and every shown significant difference of a municipal report is listed
    listed = {r["source"] for r in res["learning"].records()}
    for key, src in srcs.items():
        if not key.startswith("needs_analysis-"):
            continue
        tab = src["criterion_scores"]
        for r in tab.records():
            if (
                r["group"] == "difference"
                and not r["suppressed"]
                and r["direction"] in ("higher", "lower")
            ):
                assert tab.ref(r) in listed


@pytest.mark.slow
def test_the_policy_hides_nothing_beyond_what_was_copied_hidden(built):
    """Run over the overview, the policy hides nothing new: a subset of the published cells
    cannot narrow a hidden cell's range."""
    res, srcs = built
    raw = overview.compute(srcs, validate_params({"municipality": "all"}, "t", report="overview"))
    for tab in res:
        assert list(raw[tab.id].data["suppressed"]) == list(tab.data["suppressed"]), tab.id


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["lt", "en"])
def test_learning_table_names_a_practice_or_says_there_is_none(built, lang):
    """A learning pair is followed by the catalogue's practice for the area, or by the sentence
    that the catalogue has none, never by a bare dash; its two data links name their tables."""
    import re

    from tsp_analysis.recommend import load_practices
    from tsp_analysis.report.i18n import t
    from tsp_analysis.report.overview import learning_table

    res, _ = built
    html = str(learning_table(res, lang))
    text = re.sub(r"<[^>]+>", "", html)
    practices = set(load_practices()[f"name_{lang}"])
    none = t("overview.learning.no_practice", lang)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]  # after the header row
    assert rows
    for row in rows:
        cell = re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]).strip()
        assert not cell.endswith("–") or cell == "–", cell
        assert cell == "–" or none in cell or any(name in cell for name in practices), cell
    # the demo data has a pair whose area has no practice in the catalogue
    assert none in text
    csv = t("common.data_csv", lang)
    for table in (res["learning"], res["score_differences"]):
        assert f"{csv}: {table.caption[lang]}" in text
