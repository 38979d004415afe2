"""The satisfaction model against direct statsmodels fits, and its refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _stats_data import tsp_frame
from statsmodels.miscmodels.ordinal_model import OrderedModel

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


def test_sparse_outcome_level_gives_a_reason(tsp):
    d = tsp.copy()
    d["satisfaction"] = d["satisfaction"].where(d["satisfaction"] != 1, 2)
    d.loc[d.index[:3], "satisfaction"] = 1
    res = models.satisfaction_model(d)
    assert isinstance(res, EstimationSkipped)
    assert "satisfaction level" in res.reason and "n = " in res.reason


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
