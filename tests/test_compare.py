"""Municipality against the pooled rest: differences, z-tests and the Holm adjustment checked
against samplics standard errors and a hand-coded Holm procedure."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _stats_data import tsp_frame
from scipy.stats import norm

from tsp_analysis import compare

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


def test_holm_adjustment_over_the_family_of_one_municipality(tsp):
    out = compare.compare_to_rest(tsp, "kaunas")
    tested = out[out["p_value"].notna()]
    assert len(tested) > 40  # need, unmet and the 45 scores, where bases allow
    np.testing.assert_allclose(tested["p_adjusted"], holm(tested["p_value"]), rtol=1e-12)
    assert (tested["significant"] == (tested["p_adjusted"] < 0.05)).all()
    bh = compare.compare_to_rest(tsp, "kaunas", method="fdr_bh")
    assert (bh["p_adjusted"].dropna() <= out["p_adjusted"].dropna() + 1e-12).all()


def test_suppressed_side_is_not_tested_and_not_in_the_family(tsp):
    out = compare.compare_to_rest(tsp, "akmene")
    small = out[out["n"] < 10]
    assert len(small) > 0
    assert small["p_value"].isna().all() and small["estimate"].isna().all()
    assert not small["significant"].any()
    tested = out[out["p_value"].notna()]
    np.testing.assert_allclose(tested["p_adjusted"], holm(tested["p_value"]), rtol=1e-12)


def test_every_area_and_criterion_has_a_row(tsp):
    out = compare.compare_to_rest(tsp, "vilnius")
    assert len(out) == 9 * 2 + 45
    assert set(out["measure"]) == {"need", "unmet", "score"}


def test_unknown_municipality_is_an_error(tsp):
    with pytest.raises(ValueError, match="no respondents"):
        compare.compare_to_rest(tsp, "jonava")
    with pytest.raises(ValueError, match="at least one other"):
        compare.compare_to_rest(tsp[tsp["municipality"] == "vilnius"], "vilnius")


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
