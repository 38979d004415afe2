"""The satisfaction model against direct statsmodels fits, and its refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _stats_data import tsp_frame
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime

from tsp_analysis import models
from tsp_analysis.errors import EstimationSkipped


@pytest.fixture(scope="module")
def tsp():
    return tsp_frame({"vilnius": 700, "kaunas": 500}, seed=31)


def _complete(tsp):
    d = tsp[["satisfaction", "lt_level", "years_in_lt", "residence_basis", "sex", "age_group"]]
    d = d[(d["satisfaction"] != 8) & (d["sex"] != "refused")].dropna().copy()
    d["satisfaction"] = pd.Categorical(d["satisfaction"].astype(int), ordered=True)
    d["lt_level"] = d["lt_level"].astype(float)
    d["years_in_lt"] = d["years_in_lt"].astype(float)
    for c in ("residence_basis", "sex", "age_group"):
        d[c] = d[c].astype(object)
    return d


def _direct_fit(d, ref, **fit_kw):
    formula = (
        "satisfaction ~ lt_level + years_in_lt"
        f" + C(residence_basis, Treatment('{ref['residence_basis']}'))"
        f" + C(sex, Treatment('{ref['sex']}'))"
        f" + C(age_group, Treatment('{ref['age_group']}'))"
    )
    model = OrderedModel.from_formula(formula, d, distr="logit")
    return model.fit(method="bfgs", maxiter=2000, disp=False, **fit_kw)


def test_odds_ratios_match_a_direct_statsmodels_fit(tsp):
    res = models.satisfaction_model(tsp)
    assert res, getattr(res, "reason", "")
    d = _complete(tsp)
    assert res.n == len(d) and res.n + res.n_dropped == len(tsp)
    ref = {c: d[c].value_counts().idxmax() for c in ("residence_basis", "sex", "age_group")}
    assert res.reference == ref
    direct = _direct_fit(d, ref)
    params, bse = direct.params, direct.bse
    t = res.table.set_index("term")
    assert t.loc["lt_level", "odds_ratio"] == pytest.approx(np.exp(params["lt_level"]), rel=1e-4)
    assert t.loc["years_in_lt", "odds_ratio"] == pytest.approx(
        np.exp(params["years_in_lt"]), rel=1e-4
    )
    name = f"C(sex, Treatment('{ref['sex']}'))[T.female]"
    assert t.loc["sex[female]", "odds_ratio"] == pytest.approx(np.exp(params[name]), rel=1e-4)
    assert t.loc["sex[female]", "ci_low"] == pytest.approx(
        np.exp(params[name] - 1.959963985 * bse[name]), rel=1e-3
    )
    assert t.loc["sex[female]", "p_value"] == pytest.approx(
        direct.pvalues[name], rel=1e-3, abs=1e-6
    )
    # language level drives satisfaction in the fixture
    assert t.loc["lt_level", "ci_low"] > 1


def test_integer_weights_equal_duplicated_respondents(tsp):
    d = tsp[tsp["municipality"] == "vilnius"].copy()
    d["w"] = np.where(np.arange(len(d)) % 3 == 0, 2.0, 1.0)
    weighted = models.satisfaction_model(d, weight="w")
    duplicated = pd.concat([d, d[d["w"] == 2.0]], ignore_index=True)
    plain = models.satisfaction_model(duplicated)
    assert weighted and plain and weighted.weighted
    np.testing.assert_allclose(weighted.table["odds_ratio"], plain.table["odds_ratio"], rtol=1e-3)


def test_equal_weights_give_statsmodels_sandwich_standard_errors(tsp):
    d = tsp.assign(w=1.0)
    res = models.satisfaction_model(d, weight="w")
    cd = _complete(tsp)
    direct = _direct_fit(cd, res.reference, cov_type="HC0")
    name = f"C(sex, Treatment('{res.reference['sex']}'))[T.female]"
    t = res.table.set_index("term")
    se_ours = np.log(t.loc["sex[female]", "ci_high"] / t.loc["sex[female]", "odds_ratio"]) / 1.96
    assert se_ours == pytest.approx(direct.bse[name], rel=2e-3)


def test_too_few_respondents_gives_a_reason_not_numbers(tsp):
    res = models.satisfaction_model(tsp.iloc[:60])
    assert isinstance(res, EstimationSkipped) and not res
    assert "at least 80" in res.reason


def test_sparse_outcome_level_is_merged_with_its_neighbour_not_skipped(tsp):
    d = tsp.copy()
    d["satisfaction"] = d["satisfaction"].where(d["satisfaction"] != 1, 2)
    d.loc[d.index[:3], "satisfaction"] = 1
    res = models.satisfaction_model(d)
    assert res, getattr(res, "reason", "")
    assert res.merged_levels == ["1+2"] and any("1+2" in n for n in res.notes)
    assert list(res.outcome_counts.index) == ["1+2", "3", "4", "5"]
    # the same as statsmodels on the recoded outcome
    cd = _complete(d)
    cd["satisfaction"] = pd.Categorical(cd["satisfaction"].astype(int).clip(lower=2), ordered=True)
    direct = _direct_fit(cd, res.reference)
    t = res.table.set_index("term")
    assert t.loc["lt_level", "odds_ratio"] == pytest.approx(
        np.exp(direct.params["lt_level"]), rel=1e-4
    )


def test_the_fit_reaches_a_gradient_below_1e_6(tsp):
    res = models.satisfaction_model(tsp)
    assert res.gradient_max < 1e-6
    # independently: statsmodels' own OrderedModel log-likelihood, central differences
    m = res.fit.model
    plain = OrderedModel(m.endog, m.exog, distr="logit")
    grad = approx_fprime(np.asarray(res.fit.params), plain.loglike, centered=True)
    assert np.max(np.abs(grad)) < 1e-4  # numerical noise of the difference quotient
    # and the analytic score equals central differences away from the optimum too
    p = np.asarray(res.fit.params) + np.random.default_rng(0).normal(0, 0.1, len(grad))
    np.testing.assert_allclose(
        models.ordered_logit_score_obs(plain, p).sum(axis=0),
        approx_fprime(p, plain.loglike, centered=True),
        rtol=1e-5,
        atol=1e-4,
    )


def test_dropped_respondents_are_counted_by_reason(tsp):
    res = models.satisfaction_model(tsp)
    assert int(res.dropped["n"].sum()) == res.n_dropped
    by = res.dropped.set_index("reason")["n"]
    sat = tsp["satisfaction"]
    assert by["satisfaction"] == int((sat.isna() | (sat == 8)).sum())


def _ordinal_sample(n, betas, seed):
    """Outcome 0..3 from split-specific logits P(y ≥ j) = expit(a_j + b_j x)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    a = np.array([1.5, 0.0, -1.5])
    p = 1 / (1 + np.exp(-(a[None, :] + x @ np.asarray(betas).T)))
    p = np.minimum.accumulate(p, axis=1)  # keep P(y ≥ j) decreasing in j
    y = (rng.random(n)[:, None] < p).sum(axis=1)
    return y, pd.DataFrame(x, columns=["x1", "x2"])


def _sandwich_wald(y, x):
    """The Brant statistic with the cross-covariances estimated empirically (stacked
    M-estimator sandwich) instead of from the model: an independent computation."""
    from statsmodels.discrete.discrete_model import Logit

    X = np.column_stack([np.ones(len(y)), x.to_numpy()])
    m = int(y.max())
    fits = [Logit((y >= j).astype(float), X).fit(disp=False) for j in range(1, m + 1)]
    k = X.shape[1]
    a_inv = [np.asarray(f.cov_params()) for f in fits]
    s = [X * ((y >= j) - f.predict(X))[:, None] for j, f in zip(range(1, m + 1), fits, strict=True)]
    cov = np.block([[a_inv[i] @ (s[i].T @ s[j]) @ a_inv[j] for j in range(m)] for i in range(m)])
    slopes = np.concatenate([np.arange(i * k + 1, (i + 1) * k) for i in range(m)])
    beta = np.concatenate([np.asarray(f.params) for f in fits])[slopes]
    v = cov[np.ix_(slopes, slopes)]
    kk = k - 1
    d = np.zeros(((m - 1) * kk, m * kk))
    for j in range(1, m):
        d[(j - 1) * kk : j * kk, :kk] = np.eye(kk)
        d[(j - 1) * kk : j * kk, j * kk : (j + 1) * kk] = -np.eye(kk)
    diff = d @ beta
    return float(diff @ np.linalg.solve(d @ v @ d.T, diff))


def test_brant_test_agrees_with_an_empirical_sandwich_and_detects_non_proportional_odds():
    y, x = _ordinal_sample(4000, [[0.8, -0.5]] * 3, seed=1)  # proportional odds hold
    po = models.brant_test(y, x).set_index("term")
    assert po.loc["omnibus", "df"] == 4 and po.loc["x1", "df"] == 2
    assert po.loc["omnibus", "statistic"] == pytest.approx(_sandwich_wald(y, x), rel=0.15)
    assert po.loc["omnibus", "p_value"] > 0.01
    y2, x2 = _ordinal_sample(4000, [[0.0, -0.5], [0.8, -0.5], [1.6, -0.5]], seed=2)
    po2 = models.brant_test(y2, x2).set_index("term")
    assert po2.loc["omnibus", "p_value"] < 1e-6 and po2.loc["x1", "p_value"] < 1e-6
    assert po2.loc["x2", "p_value"] > 0.001  # x2 does satisfy the assumption
    assert po2.loc["omnibus", "statistic"] == pytest.approx(_sandwich_wald(y2, x2), rel=0.15)


def test_model_reports_its_proportional_odds_test(tsp):
    res = models.satisfaction_model(tsp)
    po = res.proportional_odds
    assert po["term"].iloc[0] == "omnibus"
    assert set(po["term"].iloc[1:]) == set(res.table["term"])
    levels = len(res.outcome_counts)
    assert po["df"].iloc[0] == (levels - 2) * len(res.table)
    assert "Proportional odds (Brant)" in res.summary()


def test_separation_is_detected(tsp):
    d = tsp.copy()
    # every respondent with study as residence basis is very satisfied, nobody else is
    study = d["residence_basis"] == "study"
    d["satisfaction"] = d["satisfaction"].where(d["satisfaction"] != 5, 4)
    d.loc[study, "satisfaction"] = 5
    res = models.satisfaction_model(d)
    assert isinstance(res, EstimationSkipped)
    assert any(k in res.reason for k in ("separation", "singular", "converge"))


def test_rare_categories_are_merged_and_reported(tsp):
    d = tsp.copy()
    prot = d.index[d["residence_basis"] == "protection"]
    d.loc[prot[5:], "residence_basis"] = "work"  # 5 protection cases left
    res = models.satisfaction_model(d)
    assert res
    assert any("protection" in n and "other" in n for n in res.notes)
    assert "residence_basis[protection]" not in set(res.table["term"])
    assert "lt_level" in res.summary()
