"""Municipality against the pooled rest: differences, z-tests and the adjustments within
families checked against samplics standard errors and hand-coded Holm and Benjamini–Hochberg
procedures."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _stats_data import tsp_frame
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from tsp_analysis import compare
from tsp_analysis.errors import InputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


@pytest.fixture(scope="module")
def tsp():
    d = tsp_frame({"vilnius": 400, "kaunas": 300, "klaipeda": 250, "akmene": 30}, seed=21)
    d["weight"] = np.random.default_rng(3).uniform(0.5, 3.0, len(d))
    # make one real difference: Vilnius needs employment services much more often
    rng = np.random.default_rng(4)
    vil = d["municipality"] == "vilnius"
    d.loc[vil, "need_employment"] = np.where(rng.random(vil.sum()) < 0.85, "yes", "no")
    return d


def holm(p):
    """Holm's step-down adjustment written out."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    m = len(p)
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        adj[i] = min(1.0, running)
    return adj


def _se(y, w, stratum=None):
    est = TaylorEstimator(PopParam.mean)
    kw = {"stratum": stratum} if stratum is not None else {}
    est.estimate(y=y, samp_weight=w, remove_nan=True, **kw)
    return est.point_est, est.stderror


def test_need_difference_and_p_value_match_an_independent_computation(tsp):
    out = compare.compare_to_rest(tsp, "vilnius")
    row = out[(out["measure"] == "need") & (out["area"] == "employment")].iloc[0]
    base = tsp["need_employment"].isin(["yes", "no"])
    y = np.where(base, (tsp["need_employment"] == "yes").astype(float), np.nan)
    vil = (tsp["municipality"] == "vilnius").to_numpy()
    e1, s1 = _se(y[vil], tsp["weight"].to_numpy()[vil])
    e2, s2 = _se(
        y[~vil], tsp["weight"].to_numpy()[~vil], stratum=tsp["municipality"].to_numpy()[~vil]
    )
    z = (e1 - e2) / np.sqrt(s1**2 + s2**2)
    assert row["estimate"] == pytest.approx(e1)
    assert row["rest_estimate"] == pytest.approx(e2)
    assert row["difference"] == pytest.approx(e1 - e2)
    assert row["z"] == pytest.approx(z, rel=1e-8)
    assert row["p_value"] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-8)
    assert row["significant"]


def bh(p):
    """Benjamini–Hochberg step-up adjustment written out: p_(i) · m / i, made monotone from
    the largest p down."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    adj = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * m / (rank + 1))
        adj[i] = running
    return adj


def test_benjamini_hochberg_within_each_family_by_default(tsp):
    out = compare.compare_to_rest(tsp, "kaunas")
    tested = out[out["p_value"].notna()]
    assert set(tested["family"]) == {"needs", "scores"}
    assert (out.loc[out["measure"].isin(["need", "unmet"]), "family"] == "needs").all()
    for _, part in tested.groupby("family"):
        assert (part["family_size"] == len(part)).all()
        np.testing.assert_allclose(part["p_adjusted"], bh(part["p_value"]), rtol=1e-12)
        ref = multipletests(part["p_value"], alpha=0.05, method="fdr_bh")
        assert (part["significant"].to_numpy() == ref[0]).all()
    assert (tested["p_method"] == "fdr_bh").all()
    needs = tested[tested["family"] == "needs"]
    assert len(needs) <= 18 and len(tested) - len(needs) <= 45


def test_holm_is_an_option_within_the_same_families(tsp):
    out = compare.compare_to_rest(tsp, "kaunas", method="holm")
    tested = out[out["p_value"].notna()]
    for _, part in tested.groupby("family"):
        np.testing.assert_allclose(part["p_adjusted"], holm(part["p_value"]), rtol=1e-12)
    assert (tested["significant"] == (tested["p_adjusted"] < 0.05)).all()
    one = compare.compare_to_rest(tsp, "kaunas", method="holm", families=False)
    t1 = one[one["p_value"].notna()]
    np.testing.assert_allclose(t1["p_adjusted"], holm(t1["p_value"]), rtol=1e-12)
    # a family of 18 adjusts less than one of 63
    needs = tested["family"] == "needs"
    assert (tested.loc[needs, "p_adjusted"] <= t1.loc[needs, "p_adjusted"] + 1e-12).all()


def test_direction_is_relative_to_the_municipality(tsp):
    out = compare.compare_to_rest(tsp, "vilnius")
    row = out[(out["measure"] == "need") & (out["area"] == "employment")].iloc[0]
    assert row["significant"] and row["difference"] > 0 and row["direction"] == "higher"
    others = compare.compare_to_rest(tsp, "kaunas")
    row = others[(others["measure"] == "need") & (others["area"] == "employment")].iloc[0]
    assert row["significant"] and row["difference"] < 0 and row["direction"] == "lower"
    assert (out.loc[~out["significant"], "direction"] == "none").all()


def test_a_unanimous_side_gets_the_agresti_caffo_variance_not_zero():
    d = tsp_frame({"vilnius": 60, "kaunas": 60}, seed=5)
    d["weight"] = 1.0
    vil = d["municipality"] == "vilnius"
    d.loc[vil, "need_health"] = "yes"  # every Vilnius answer the same: variance 0
    d.loc[~vil, "need_health"] = np.where(np.arange((~vil).sum()) % 2 == 0, "yes", "no")
    out = compare.compare_to_rest(d, "vilnius")
    row = out[(out["measure"] == "need") & (out["area"] == "health")].iloc[0]
    assert row["test_note"] == "zero_variance_adjusted"
    n1 = 60
    p1 = (n1 + 1) / (n1 + 2)
    v1 = p1 * (1 - p1) / (n1 + 2)
    rest = d.loc[~vil, "need_health"] == "yes"
    p2 = rest.mean()
    v2 = p2 * (1 - p2) / (len(rest) - 1)
    assert row["z"] == pytest.approx((1 - p2) / np.sqrt(v1 + v2), rel=1e-9)


def test_suppressed_side_is_not_tested_and_not_in_the_family(tsp):
    out = compare.compare_to_rest(tsp, "akmene")
    small = out[out["n"] < 10]
    assert len(small) > 0
    assert small["p_value"].isna().all() and small["estimate"].isna().all()
    assert not small["significant"].any()
    assert (small["test_note"] == "suppressed").all() and (small["direction"] == "none").all()
    tested = out[out["p_value"].notna()]
    for _, part in tested.groupby("family"):
        np.testing.assert_allclose(part["p_adjusted"], bh(part["p_value"]), rtol=1e-12)


def test_every_area_and_criterion_has_a_row(tsp):
    out = compare.compare_to_rest(tsp, "vilnius")
    assert len(out) == 9 * 2 + 45
    assert set(out["measure"]) == {"need", "unmet", "score"}


def test_unknown_municipality_is_an_input_error_naming_file_column_and_value(tsp):
    # the same condition as weighting a municipality with no respondents: the same error type
    with pytest.raises(InputError, match="no respondents in 'jonava'") as info:
        compare.compare_to_rest(tsp, "jonava")
    (problem,) = info.value.problems
    assert (problem.column, problem.value) == ("municipality", "jonava")
    assert problem.file == "tsp_survey.csv"
    with pytest.raises(InputError, match="at least one other") as info:
        compare.compare_to_rest(tsp[tsp["municipality"] == "vilnius"], "vilnius")
    assert info.value.problems[0].value == ["vilnius"]


def test_error_names_the_file_the_survey_was_read_from(tsp):
    given = tsp.assign(source_file="exports/survey 2021.xlsx")
    with pytest.raises(InputError) as info:
        compare.compare_to_rest(given, "jonava")
    assert info.value.problems[0].file == "exports/survey 2021.xlsx"
    with pytest.raises(InputError) as info:  # no source_file (built in memory): the dataset's
        compare.compare_to_rest(tsp.drop(columns="source_file"), "jonava")
    assert info.value.problems[0].file == "tsp_survey.csv"


def test_rest_pools_municipalities_by_their_weights(tsp):
    out = compare.compare_to_rest(tsp, "vilnius")
    row = out[
        (out["measure"] == "score") & (out["area"] == "health") & (out["criterion"] == "quality")
    ].iloc[0]
    rest = tsp[tsp["municipality"] != "vilnius"]
    x = rest["rate_health_quality"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    x = np.where(np.isin(x, [8, 9]), np.nan, (x - 1) * 25)
    ok = ~np.isnan(x)
    expected = np.sum(x[ok] * rest["weight"].to_numpy()[ok]) / rest["weight"].to_numpy()[ok].sum()
    assert row["rest_estimate"] == pytest.approx(expected)
    assert isinstance(row["criterion"], str)
    assert pd.isna(out[out["measure"] == "need"]["criterion"]).all()


def test_a_municipality_with_one_respondent_adds_variance_to_the_pooled_rest():
    # rest = Kaunas (40 answers, all "yes") + Akmenė (1 answer, "no"), equal weights.
    # p = 40/41; z = (y − p)/41: Kaunas' z are all equal (no within-stratum spread), Akmenė's
    # lone z = −(40/41)/41 counts as z² (lonely stratum, centred at 0): v = (40/41²)².
    d = tsp_frame({"vilnius": 60, "kaunas": 40, "akmene": 1}, seed=8)
    d["weight"] = 1.0
    d.loc[d["municipality"] == "kaunas", "need_health"] = "yes"
    d.loc[d["municipality"] == "akmene", "need_health"] = "no"
    vil = d["municipality"] == "vilnius"
    d.loc[vil, "need_health"] = np.where(np.arange(vil.sum()) % 3 == 0, "yes", "no")
    row = compare.compare_to_rest(d, "vilnius")
    row = row[(row["measure"] == "need") & (row["area"] == "health")].iloc[0]
    assert row["rest_estimate"] == pytest.approx(40 / 41) and row["test_note"] == ""
    p1 = 20 / 60
    v1 = p1 * (1 - p1) / 59
    v2 = (40 / 41**2) ** 2
    assert row["z"] == pytest.approx((p1 - 40 / 41) / np.sqrt(v1 + v2), rel=1e-9)
