"""Key findings of the data reviews: each number checked against a direct count of the
reference tables and of the survey."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import datareview, reference, review_findings
from tsp_analysis.inputs import load_inputs


@pytest.fixture(scope="module")
def demo():
    return load_inputs(datasets=["tsp_survey", "provider_survey", "population", "residents"])


def _by_id(frame: pd.DataFrame, finding: str, items: str | None = None) -> pd.Series:
    rows = frame[frame["finding_id"] == finding]
    if items is not None:
        rows = rows[rows["items"] == items]
    assert len(rows) == 1, (finding, items)
    return rows.iloc[0]


@pytest.mark.parametrize("level", ["municipal", "national"])
def test_indicator_counts_equal_a_direct_count_of_the_reference_table(level):
    slug = "akmene" if level == "municipal" else "lithuania"
    out = review_findings.review_findings(municipality=slug)
    raw = datareview.indicators()
    raw = raw[raw["level"] == level]
    row = _by_id(out, "indicators_computable")
    assert row["level"] == level and row["total"] == len(raw)
    assert row["value"] == (raw["availability"] == "available").sum()
    assert row["partial"] == (raw["availability"] == "partial").sum()
    core = raw[raw["zaragoza_core"].astype(str).str.lower() == "true"]
    missing = core.loc[core["availability"] == "not_available", "indicator_id"]
    got = _by_id(out, "core_not_available")
    assert set(filter(None, got["items"].split(";"))) == set(missing)
    assert got["total"] == len(core)
    assert got["share"] == pytest.approx(len(missing) / len(core))


def test_a_share_of_nothing_is_no_figure_rather_than_zero():
    # Every finding's share follows one rule: with nothing to take a share of there is no
    # figure (core_not_available once divided by max(total, 1) and said 0 %).
    assert review_findings._share(1, 4) == 0.25
    assert math.isnan(review_findings._share(0, 0))


def test_top_gaps_put_missing_core_indicators_first():
    out = review_findings.review_findings(municipality="vilnius", k_gaps=4)
    gaps = out[out["finding_id"] == "top_gap"]
    assert gaps["value"].tolist() == [1, 2, 3, 4]
    core_missing = set(
        _by_id(out, "core_not_available")["items"].split(";")
    )  # every one of these comes before any other gap
    first = gaps["items"].head(min(len(core_missing), 4)).tolist()
    assert set(first) <= core_missing
    assert gaps["detail"].str.startswith("not_available").head(len(first)).all()


def test_weakest_domain_has_the_lowest_coverage():
    out = review_findings.review_findings(municipality="kaunas")
    cov = datareview.coverage_scores()
    cov = cov[(cov["level"] == "municipal") & (cov["domain"] != "all")]
    row = _by_id(out, "weakest_domain")
    assert row["share"] == pytest.approx(cov["coverage"].min())
    assert row["items"] in set(cov.loc[cov["coverage"] == cov["coverage"].min(), "domain"])


def test_survey_figures_count_the_bases_directly(demo):
    tsp = demo.tsp_survey.data
    out = review_findings.review_findings(demo, "akmene", min_base=10)
    mine = tsp[tsp["municipality"] == "akmene"]
    published = 0
    for area in reference.area_ids():
        need = mine[f"need_{area}"].isin(["yes", "no"])
        published += need.sum() >= 10
        got = mine[f"got_{area}"].isin(["fully", "partly", "no"]) & (mine[f"need_{area}"] == "yes")
        published += got.sum() >= 10
    assert _by_id(out, "survey_figures", "needs")["value"] == published
    scores = 0
    for area in reference.area_ids():
        for crit in reference.criterion_ids():
            x = pd.to_numeric(mine[f"rate_{area}_{crit}"], errors="coerce")
            scores += x.between(1, 5).sum() >= 10
    assert _by_id(out, "survey_figures", "scores")["value"] == scores
    assert _by_id(out, "survey_figures", "all")["total"] == 63
    # a small municipality can publish fewer figures than the largest one
    big = review_findings.review_findings(demo, "vilnius", min_base=10)
    assert (
        _by_id(big, "survey_figures", "all")["value"]
        > _by_id(out, "survey_figures", "all")["value"]
    )


def test_audit_findings_cite_the_audit_numbers(demo):
    out = review_findings.review_findings(demo, "vilnius")
    audit = datareview.quality_audit(demo, "vilnius")
    rows = audit["rows"].set_index("dataset").loc["tsp_survey"]
    q = _by_id(out, "rows_quarantined")
    assert (q["value"], q["total"]) == (rows["quarantined"], rows["received"])
    nr = audit["nonresponse"]
    nr = nr[(nr["dataset"] == "tsp_survey") & (nr["asked"] >= 10)]
    top = _by_id(out, "highest_nonresponse")
    assert top["share"] == pytest.approx(nr["nonresponse_rate"].max())
    assert top["value"] / top["total"] == pytest.approx(top["share"])
    dis = _by_id(out, "least_representative")
    assert dis["share"] == pytest.approx(audit["dissimilarity"]["dissimilarity"].max())


def test_each_municipality_gets_its_own_findings(demo):
    a = review_findings.review_findings(demo, "akmene")
    v = review_findings.review_findings(demo, "vilnius")
    cols = ["value", "total", "share"]
    survey_a = a[a["topic"].isin(["survey", "audit"])][cols].to_numpy(dtype=float)
    survey_v = v[v["topic"].isin(["survey", "audit"])][cols].to_numpy(dtype=float)
    assert not np.allclose(np.nan_to_num(survey_a), np.nan_to_num(survey_v))
    assert (a["municipality"] == "akmene").all()
