"""The needs analysis on the results layer, on the demo data: every table checked, the hidden
cells with their true reasons, every section rendered in both languages from one Results with no
number outside a checked cell, and a figure checked against an independent computation."""

from __future__ import annotations

import html as htmlmod
import re

import pandas as pd
import pytest

from tsp_analysis import results
from tsp_analysis.codebook import load_codebook
from tsp_analysis.inputs import load_inputs
from tsp_analysis.params import validate_params
from tsp_analysis.report import findings, needs
from tsp_analysis.results import needs as rneeds
from tsp_analysis.results.table import Results

TABLE_IDS = [
    "context_compare",
    "context_trend",
    "context_trend_unit",
    "context_residence",
    "context_citizenship",
    "context_sex_age",
    "sample_weighting",
    "sample_profile",
    "need_unmet",
    "criterion_scores",
    "provider_scores",
    "need_capacity",
    "drivers",
    "drivers_sample",
    "information",
    "priorities",
    "priority_stability",
    "service_index",
    "recommendations",
    "recommendation_count",
]
UNITS = ("akmene", "vilnius")


def _params(unit: str) -> dict:
    return validate_params({"municipality": unit, "lang": "lt"}, "test", report="needs_analysis")


@pytest.fixture(scope="module")
def demo():
    return load_inputs(None)


@pytest.fixture(scope="module")
def published(demo):
    """The checked results of each unit, published as the notebook gets them (jointly with the
    data review of the same municipality)."""
    return {u: results.compute("needs_analysis", _params(u), inputs=demo) for u in UNITS}


def test_every_table_is_checked_and_has_its_stable_id(published):
    for unit, res in published.items():
        assert list(res.tables) == TABLE_IDS, unit
        assert res.checked
        for tab in res:
            assert tab.home == f"needs_analysis-{unit}"
            assert tab.thresholds == {"min_count": 5, "min_base": 10}
            assert set(tab.caption) == {"lt", "en"}


def test_cubes_are_declared_with_every_category(published):
    res = published["akmene"]
    pop = res.cubes["population:akmene:2021"]
    assert set(pop.dims) == {"citizenship", "sex", "age_group", "residence_basis"}
    # the finest categories: every third-country citizenship (the report's "other" is a set of
    # them), children too (the survey's adults are a set of age groups)
    from tsp_analysis.results import cubes

    assert set(cubes.third_countries()) <= set(pop.dims["citizenship"])
    assert "other" not in pop.dims["citizenship"] and "0_17" in pop.dims["age_group"]
    resp = res.cubes["respondents:tsp_survey:akmene"]
    profile = {"sex", "age_group", "citizenship", "residence_basis"}
    assert profile <= set(resp.dims)
    assert {d for d in resp.dims if d not in profile} == {
        f"item:{q}" for q in load_codebook().columns("tsp_survey")
    }
    assert all(resp.dims[d][-1] == "_missing" for d in profile)
    assert res.cubes["population:all:2021"].dims["municipality"][-1] == "rest"
    # the context table's country row is the cube's total
    row = res["context_compare"].row(municipality="lithuania", measure="tsp", citizenship="")
    assert row["cube"] == "population:all:2021" and row["coord"] == ""


def test_sex_age_footnotes_give_the_true_reason(published, demo):
    """A cell hidden as a small count is one; one hidden to protect another is not (the old
    table hid rows of 21 and 13 people under "fewer than 5")."""
    from tsp_analysis import context

    res = published["akmene"]
    tab = res["context_sex_age"]
    truth = context.by_sex_age(demo.population.data, "akmene", min_count=1)
    true = {(r["sex"], r["age_group"]): int(r["count"]) for r in truth.to_dict("records")}
    hidden = [r for r in tab.records() if r["suppressed"] and r["measure"] == "count"]
    assert hidden, "the demo Akmenė has small cells"
    reasons = set()
    for r in hidden:
        value = true[(r["sex"], r["age_group"])]
        reasons.add(r["reason"])
        if r["reason"] == "small_count":
            assert 0 < value < 5
        else:
            assert r["reason"] == "protects_other" and value >= 5
    assert reasons == {"small_count", "protects_other"}
    for r in tab.records():
        if r["measure"] == "count" and not r["suppressed"] and r["sex"] != "total":
            assert int(r["estimate"]) == true[(r["sex"], r["age_group"])]
    html = needs.sex_age_table(res, "en")
    assert 'data-reason="protects_other"' in html and 'data-reason="small_count"' in html
    assert "another hidden figure cannot be worked out" in html
    mark = re.search(r'<td class="tsp-suppressed"[^>]*>([^<]*)</td>', html)
    assert mark and mark.group(1) == "‡"


def test_no_age_group_share_reveals_what_the_sex_age_table_hides(published):
    """The sample table's population share of an age group and the sex × age table publish
    cells of one cube: the policy hid enough that no hidden count can be narrowed below 5."""
    from tsp_analysis.results import audit

    res = published["akmene"]
    cube = res.cubes["population:akmene:2021"]
    shown, hidden = {}, set()
    for tab in res:
        for r in tab.records():
            for c_col, k_col, v_col in (
                ("cube", "coord", "estimate"),
                ("of_cube", "of_coord", "of_value"),
            ):
                if r[c_col] != cube.id:
                    continue
                if r["suppressed"]:
                    hidden.add(r[k_col])
                elif not pd.isna(r[v_col]):
                    shown[r[k_col]] = float(r[v_col])
    assert hidden
    exposures = audit.exposures(cube, shown, sorted(hidden - set(shown)))
    assert all(e.width >= 5 for e in exposures)


def test_need_share_matches_an_independent_weighted_computation(published, demo):
    from tsp_analysis.weights import add_weights

    survey, _ = add_weights(demo.tsp_survey.data, demo.population.data)
    mine = survey[survey["municipality"] == "vilnius"]
    answered = mine["need_health"].isin(["yes", "no"])
    w = mine["weight"]
    expected = w[mine["need_health"] == "yes"].sum() / w[answered].sum()
    row = published["vilnius"]["need_unmet"].row(area="health", measure="need", group="unit")
    assert not row["suppressed"]
    assert float(row["estimate"]) == pytest.approx(expected, abs=1e-9)
    assert int(row["n"]) == int(answered.sum())


SECTIONS = [findings.key_findings] + [
    getattr(needs, name) for name in needs.__all__ if name != "final_groups"
]
_MARKED = re.compile(r'<(span|td|th)[^>]*data-(?:cell|safe)="[^"]*"[^>]*>.*?</\1>', re.S)


def unmarked_digits(page: str) -> list[str]:
    """Digits in the visible text once every checked cell and safe span is removed."""
    text = re.sub(r"<img[^>]*>|<style.*?</style>", "", page, flags=re.S)
    previous = None
    while previous != text:
        previous, text = text, _MARKED.sub("", text)
    text = htmlmod.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.findall(r".{0,30}\d.{0,10}", text)


@pytest.mark.parametrize("unit", UNITS)
def test_every_section_renders_in_both_languages_with_only_marked_numbers(published, unit):
    res = published[unit]
    for lang in ("lt", "en"):
        page = "".join(str(section(res, lang)) for section in SECTIONS)
        assert unmarked_digits(page) == [], (unit, lang)
        assert "data-cell" in page and 'class="tsp-data-link"' in page
    if unit == "akmene":
        assert 'data-suppressed="true"' in page and 'data-reason="small_base"' in page


def test_weights_are_computed_once_for_every_municipality(demo, monkeypatch):
    from tsp_analysis import weights

    calls = []
    real = weights.add_weights

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(weights, "add_weights", counting)
    monkeypatch.setattr(results, "_MEMORY", {})  # nothing remembered from other tests
    monkeypatch.delenv(results.CACHE_ENV, raising=False)
    first = rneeds.weighted_survey(demo, _params("akmene"))
    second = rneeds.weighted_survey(demo, {**_params("jonava"), "lang": "en"})
    assert first is second and len(calls) == 1


def test_recommendations_rest_on_published_ranks_and_figures(published):
    """A recommendation for an area whose rank the report hides would say what the table
    hides ("among the three priority areas"): only areas with a published top rank are
    listed, and every figure a recommendation cites is published."""
    for res in published.values():
        prio = res["priorities"]
        recs = res["recommendations"].records()
        assert recs
        for rec in recs:
            if not rec["area"]:
                continue
            rank = prio.row(area=rec["area"], component="rank")
            assert not rank["suppressed"] and float(rank["estimate"]) <= 3
            for metric in filter(None, rec["metrics"].split("|")):
                if metric in ("need", "unmet", "score", "capacity", "gap", "priority", "rank"):
                    assert not prio.row(area=rec["area"], component=metric)["suppressed"]
        count = {r["figure"]: int(r["estimate"]) for r in res["recommendation_count"].records()}
        assert count["shown"] == len(recs) <= count["fired"]


def test_a_small_number_left_out_of_the_model_cannot_be_worked_out():
    from tsp_analysis.results.policy import DisclosurePolicy

    table, cube = rneeds._drivers_sample(30, 3, "akmene")
    res = Results("needs_analysis", "akmene")
    res.add_cube(cube)
    res.add(table)
    tab = DisclosurePolicy(min_count=5, min_base=10).publish_one(res)["drivers_sample"]
    reasons = {r["figure"]: r["reason"] for r in tab.records() if r["suppressed"]}
    assert reasons["dropped"] == "small_count"
    assert len(reasons) == 2 and "protects_other" in reasons.values()


def test_the_sample_table_gets_raw_counts_and_the_policy_hides_them(published, demo):
    """sample_vs_population(suppress=False): the small counts reach the policy, which hides
    them with their reason (the library's own suppression also hid zeros)."""
    tab = published["akmene"]["sample_profile"]
    counts = [r for r in tab.records() if r["measure"] == "respondents"]
    # every shown count is the library's raw count for the category (counted by hand from
    # the clean survey), and a hidden one is hidden by the policy, with its reason
    survey = demo.tsp_survey.data
    mine = survey[survey["municipality"] == "akmene"]
    sex = mine["sex"].value_counts()
    for r in counts:
        if r["margin"] == "sex" and not r["suppressed"]:
            assert int(r["estimate"]) == int(sex.get(r["category"], 0)), r["category"]
        if r["suppressed"]:
            assert r["reason"] in ("small_count", "protects_other")
