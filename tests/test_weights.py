"""Raking against samplics and a plain-loop implementation; collapsing, trimming, missing
values, the Kish figures and the TŠP wrapper."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _stats_data import population_frame, tsp_frame

from tsp_analysis import weights
from tsp_analysis.errors import InputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.weighting import SampleWeight

MARGINS = {
    "sex": {"female": 400.0, "male": 600.0},
    "age": {"18_24": 100.0, "25_34": 400.0, "35_44": 300.0, "45_54": 200.0},
    "basis": {"work": 500.0, "family": 300.0, "study": 100.0, "other": 100.0},
}
ORDER = {"age": ["18_24", "25_34", "35_44", "45_54"]}


@pytest.fixture
def sample():
    rng = np.random.default_rng(11)
    n = 600
    return pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], n, p=[0.3, 0.7]),
            "age": rng.choice(ORDER["age"], n, p=[0.2, 0.3, 0.3, 0.2]),
            "basis": rng.choice(["work", "family", "study", "other"], n, p=[0.6, 0.2, 0.15, 0.05]),
        }
    )


def plain_loop_rake(rows, margins, iterations=500):
    """Textbook IPF with Python loops and dicts: the independent implementation."""
    w = [1.0] * len(rows)
    for _ in range(iterations):
        for var, targets in margins.items():
            totals = {}
            for i, r in enumerate(rows):
                totals[r[var]] = totals.get(r[var], 0.0) + w[i]
            for i, r in enumerate(rows):
                w[i] *= targets[r[var]] / totals[r[var]]
    return np.array(w)


def test_rake_matches_samplics(sample):
    res = weights.rake(sample, MARGINS, tol=1e-12, max_iter=1000)
    ref = SampleWeight().rake(
        samp_weight=np.ones(len(sample)),
        control=MARGINS,
        margins={k: sample[k].to_numpy() for k in MARGINS},
        tol=1e-10,
        max_iter=1000,
    )
    assert res.converged
    np.testing.assert_allclose(res.weights.to_numpy(), ref, rtol=1e-6)


def test_rake_matches_plain_loop_ipf(sample):
    res = weights.rake(sample, MARGINS, tol=1e-12, max_iter=1000)
    ref = plain_loop_rake(sample.to_dict("records"), MARGINS)
    np.testing.assert_allclose(res.weights.to_numpy(), ref, rtol=1e-8)


def test_raked_weighted_margins_hit_the_targets(sample):
    res = weights.rake(sample, MARGINS)
    for var, targets in MARGINS.items():
        got = res.weights.groupby(sample[var]).sum()
        for cat, t in targets.items():
            assert got[cat] == pytest.approx(t, rel=1e-5)
    assert res.weights.sum() == pytest.approx(1000.0)
    rep = res.report()
    assert set(rep["margin"]) == set(MARGINS)
    assert rep["error"].abs().max() < 1e-5
    assert res.max_error < 1e-5


def test_sample_already_matching_population_gets_equal_weights():
    s = pd.DataFrame({"sex": ["female"] * 4 + ["male"] * 6})
    res = weights.rake(s, {"sex": {"female": 40, "male": 60}})
    np.testing.assert_allclose(res.weights, 10.0)
    assert res.deff == pytest.approx(1.0) and res.n_eff == pytest.approx(10.0)


def test_kish_design_effect_and_effective_n_hand_worked():
    w = [1.0, 1.0, 2.0, 4.0]
    # Σw = 8, Σw² = 22: n_eff = 64/22, deff = 4·22/64
    assert weights.effective_n(w) == pytest.approx(64 / 22)
    assert weights.kish_deff(w) == pytest.approx(88 / 64)


def test_empty_age_group_merges_with_its_smaller_neighbour(sample):
    s = sample.copy()
    s.loc[s["age"] == "45_54", "age"] = "35_44"  # nobody aged 45–54 in the sample
    res = weights.rake(s, MARGINS, ordered=ORDER)
    assert res.collapsed[["margin", "into"]].to_dict("records") == [
        {"margin": "age", "into": "35_44+45_54"}
    ]
    assert "no respondents" in res.collapsed["reason"].iloc[0]
    merged = res.weights[s["age"] == "35_44"].sum()
    assert merged == pytest.approx(500.0, rel=1e-5)  # 300 + 200 from the population


def test_empty_unordered_category_goes_into_other(sample):
    s = sample.copy()
    s.loc[s["basis"] == "study", "basis"] = "work"
    res = weights.rake(s, MARGINS, ordered=ORDER)
    row = res.collapsed.iloc[0]
    assert (row["margin"], row["into"]) == ("basis", "other")
    assert res.margins["basis"]["other"] == pytest.approx(200.0)
    assert res.converged


def test_respondents_in_a_category_without_population_are_collapsed(sample):
    s = sample.copy()
    s.loc[:9, "basis"] = "protection"  # not in the population table
    res = weights.rake(s, MARGINS)
    assert "no population" in res.collapsed["reason"].iloc[0]
    assert res.weights.notna().all() and (res.weights > 0).all()


def test_collapse_disabled_gives_a_clear_error(sample):
    s = sample.copy()
    s.loc[s["age"] == "45_54", "age"] = "35_44"
    with pytest.raises(InputError, match="cannot be met.*45_54") as info:
        weights.rake(s, MARGINS, ordered=ORDER, collapse=False)
    # the problem names a file that exists (the survey's), not an invented "survey"
    assert info.value.problems[0].file == "tsp_survey.csv"
    assert (info.value.problems[0].column, info.value.problems[0].value) == ("age", "45_54")
    with pytest.raises(InputError) as info:
        weights.rake(
            s.assign(source_file="in/tsp 2021.csv"), MARGINS, ordered=ORDER, collapse=False
        )
    assert info.value.problems[0].file == "in/tsp 2021.csv"


def test_population_problems_name_the_population_file(sample):
    with pytest.raises(InputError) as info:
        weights.rake(sample, {"sex": {"female": -1.0, "male": 600.0}})
    assert (info.value.problems[0].file, info.value.problems[0].column) == ("population.csv", "sex")
    with pytest.raises(InputError, match="empty sample") as info:
        weights.rake(sample.iloc[:0], MARGINS)
    assert info.value.problems[0].file == "tsp_survey.csv"


def test_missing_margin_value_keeps_the_respondent_and_matches_shares_among_answers(sample):
    s = sample.copy()
    s.loc[:29, "sex"] = None
    res = weights.rake(s, MARGINS)
    assert res.n_missing["sex"] == 30 and res.weights.notna().all()
    answered = s["sex"].notna()
    shares = res.weights[answered].groupby(s.loc[answered, "sex"]).sum()
    shares = shares / shares.sum()
    assert shares["female"] == pytest.approx(0.4, abs=1e-6)
    assert res.weights.sum() == pytest.approx(1000.0)  # total still the population
    age = res.weights.groupby(s["age"]).sum()
    assert age["25_34"] == pytest.approx(400.0, rel=1e-5)


def test_trimming_keeps_weights_within_bounds_and_margins_met(sample):
    res = weights.rake(sample, MARGINS, trim=(0.4, 2.5))
    mean = 1000.0 / len(sample)
    assert res.weights.min() >= 0.4 * mean - 1e-9 and res.weights.max() <= 2.5 * mean + 1e-9
    assert res.converged and res.max_error < 1e-5
    assert res.n_trimmed > 0


def test_trimmed_weights_are_the_bounded_raking_optimum(sample):
    # KKT of bounded raking: for every weight strictly inside the bounds, log(w) is additive in
    # the margin categories (the raking form); check by least squares on the free weights.
    res = weights.rake(sample, MARGINS, trim=(0.4, 2.5))
    mean = 1000.0 / len(sample)
    w = res.weights.to_numpy()
    free = (w > 0.4 * mean * (1 + 1e-9)) & (w < 2.5 * mean * (1 - 1e-9))
    design = pd.get_dummies(sample[list(MARGINS)], drop_first=True, dtype=float)
    design.insert(0, "const", 1.0)
    x = design.to_numpy()[free]
    coef, *_ = np.linalg.lstsq(x, np.log(w[free]), rcond=None)
    assert np.max(np.abs(x @ coef - np.log(w[free]))) < 1e-8
    assert free.sum() < len(w)  # the bounds did bind


def test_margins_take_precedence_over_impossible_trimming(sample):
    with pytest.warns(RuntimeWarning, match="cannot be met"):
        res = weights.rake(sample, MARGINS, trim=(0.9, 1.1))
    assert res.converged and res.max_error < 1e-5
    assert res.notes and "not trimmed" in res.notes[0]
    assert res.n_trimmed == 0
    untrimmed = weights.rake(sample, MARGINS)
    np.testing.assert_allclose(res.weights, untrimmed.weights)


def test_categories_with_too_few_respondents_are_merged(sample):
    s = sample.copy()
    idx = s.index[s["age"] == "18_24"]
    s.loc[idx[3:], "age"] = "25_34"  # 3 respondents aged 18–24 left
    res = weights.rake(s, MARGINS, ordered=ORDER, min_cell=5)
    row = res.collapsed.iloc[0]
    assert (row["margin"], row["category"], row["into"]) == ("age", "18_24", "18_24+25_34")
    assert "only 3" in row["reason"]


def test_raking_that_cannot_converge_says_so(sample):
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = weights.rake(sample, MARGINS, max_iter=1)
    assert not res.converged and res.summary()["converged"] is False


@pytest.fixture
def tsp_and_population():
    muni = ["vilnius", "kaunas"]
    tsp = tsp_frame({"vilnius": 500, "kaunas": 300}, seed=5)
    pop = population_frame(muni, year=2020, seed=6)
    pop2 = population_frame(muni, year=2021, seed=7)
    return tsp, pd.concat([pop, pop2], ignore_index=True)


def test_weight_survey_sums_to_the_adult_population_of_the_latest_year(tsp_and_population):
    tsp, pop = tsp_and_population
    res = weights.weight_survey(tsp, pop, "kaunas", trim=None)
    adult = pop[
        (pop["municipality"] == "kaunas") & (pop["year"] == 2021) & (pop["age_group"] != "0_17")
    ]["count"].sum()
    assert res.year == 2021
    assert res.weights.sum() == pytest.approx(adult)
    assert res.weights.index.equals(tsp.index[tsp["municipality"] == "kaunas"])
    assert set(res.margins) == {"sex", "age_group", "citizenship", "residence_basis"}
    # among respondents who gave their sex, the weighted shares are the population's
    k = tsp[tsp["municipality"] == "kaunas"]
    known = k["sex"].isin(["female", "male"])
    got = res.weights[known].groupby(k.loc[known, "sex"]).sum()
    pop_k = pop[
        (pop["municipality"] == "kaunas") & (pop["year"] == 2021) & (pop["age_group"] != "0_17")
    ]
    want = pop_k.groupby("sex")["count"].sum()
    assert got["female"] / got.sum() == pytest.approx(want["female"] / want.sum(), abs=1e-5)
    assert res.n_missing["sex"] == int((k["sex"] == "refused").sum())


def test_weight_survey_year_and_municipality_errors(tsp_and_population):
    tsp, pop = tsp_and_population
    with pytest.raises(InputError, match="no year 1999"):
        weights.weight_survey(tsp, pop, "kaunas", year=1999)
    with pytest.raises(InputError, match="no respondents in 'akmene'") as info:
        weights.weight_survey(tsp.assign(source_file="data/real/tsp.xlsx"), pop, "akmene")
    problem = info.value.problems[0]
    assert (problem.file, problem.column, problem.value) == (
        "data/real/tsp.xlsx",
        "municipality",
        "akmene",
    )


def test_margin_without_breakdown_in_the_population_is_dropped_with_reason(tsp_and_population):
    tsp, pop = tsp_and_population
    pop = pop.copy()
    pop["residence_basis"] = "other"  # the table gives no breakdown by residence basis
    res = weights.weight_survey(tsp, pop, "vilnius", trim=None)
    assert "no breakdown" in res.dropped["residence_basis"]
    assert "residence_basis" not in res.margins


def test_add_weights_weights_every_municipality(tsp_and_population):
    tsp, pop = tsp_and_population
    out, results = weights.add_weights(tsp, pop, trim=None)
    assert set(results) == {"vilnius", "kaunas"}
    assert out["weight"].notna().all()
    for m, r in results.items():
        assert out.loc[out["municipality"] == m, "weight"].sum() == pytest.approx(r.weights.sum())


def test_sample_vs_population_table(tsp_and_population):
    tsp, pop = tsp_and_population
    tab = weights.sample_vs_population(tsp, pop, "kaunas")
    sex = tab[tab["margin"] == "sex"].set_index("category")
    k = tsp[tsp["municipality"] == "kaunas"]
    n_f = int((k["sex"] == "female").sum())
    n_answered = int(k["sex"].isin(["female", "male"]).sum())
    assert sex.loc["female", "sample_n"] == n_f
    assert sex.loc["female", "sample_share"] == pytest.approx(n_f / n_answered)
    assert sex["population_share"].sum() == pytest.approx(1.0)
    # every small count is hidden, and never as zero
    small = tab["suppressed"]
    assert tab.loc[small, "sample_n"].isna().all()
    assert not (tab.loc[~small, "sample_n"] < 5).any()


def test_weight_survey_warnings_name_the_municipality(tsp_and_population):
    tsp, pop = tsp_and_population
    with pytest.warns(RuntimeWarning, match="^kaunas: the trimming bounds"):
        res = weights.weight_survey(tsp, pop, "kaunas", trim=(0.99, 1.01))
    assert res.notes and res.converged
