"""Weighted shares and means against samplics (an independent survey library) and hand-worked
examples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.stats.proportion import proportion_confint

from tsp_analysis import estimate
from tsp_analysis.errors import InputError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # "samplics is archived"
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam


def _samplics(param, y, w, by=None, stratum=None):
    est = TaylorEstimator(param)
    kw = {}
    if by is not None:
        kw["by"] = by
    if stratum is not None:
        kw["stratum"] = stratum
    est.estimate(y=y, samp_weight=w, remove_nan=True, **kw)
    return est


@pytest.fixture
def survey():
    rng = np.random.default_rng(7)
    n = 400
    return pd.DataFrame(
        {
            "years": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2, 3, n)),
            "need": rng.choice(["yes", "no", "dont_know"], n, p=[0.35, 0.5, 0.15]),
            "group": rng.choice(["a", "b", "c"], n),
            "stratum": rng.choice(["s1", "s2"], n),
            "w": rng.uniform(0.2, 5.0, n),
        }
    )


def test_weighted_mean_and_standard_error_match_samplics(survey):
    out = estimate.mean(survey, "years", weight="w", by="group", min_base=0)
    for g, part in survey.groupby("group"):
        ref = _samplics(PopParam.mean, part["years"].to_numpy(), part["w"].to_numpy())
        row = out[out["group"] == g].iloc[0]
        assert row["estimate"] == pytest.approx(ref.point_est, rel=1e-12)
        assert row["se"] == pytest.approx(ref.stderror, rel=1e-10)
        assert row["n"] == part["years"].notna().sum()


def test_by_groups_equal_samplics_by_option(survey):
    out = estimate.mean(survey, "years", weight="w", by="group", min_base=0)
    ref = _samplics(
        PopParam.mean,
        survey["years"].to_numpy(),
        survey["w"].to_numpy(),
        by=survey["group"].to_numpy(),
    )
    for g in "abc":
        assert out.set_index("group").loc[g, "se"] == pytest.approx(ref.stderror[g], rel=1e-10)


def test_weighted_share_standard_error_matches_samplics(survey):
    out = estimate.share(survey, "need", "yes", weight="w", base=["no"], min_base=0)
    sub = survey[survey["need"].isin(["yes", "no"])]
    y = (sub["need"] == "yes").astype(float).to_numpy()
    ref = _samplics(PopParam.prop, y, sub["w"].to_numpy())
    assert out["estimate"].iloc[0] == pytest.approx(ref.point_est[1.0], rel=1e-12)
    assert out["se"].iloc[0] == pytest.approx(ref.stderror[1.0], rel=1e-10)
    assert out["n"].iloc[0] == len(sub)


def test_stratified_variance_matches_samplics(survey):
    out = estimate.mean(survey, "years", weight="w", strata="stratum", min_base=0)
    ref = _samplics(
        PopParam.mean,
        survey["years"].to_numpy(),
        survey["w"].to_numpy(),
        stratum=survey["stratum"].to_numpy(),
    )
    assert out["se"].iloc[0] == pytest.approx(ref.stderror, rel=1e-10)


def test_hand_worked_weighted_mean():
    # y = 1, 2, 3, 6 with weights 1, 1, 1, 3: mean = 24/6 = 4;
    # z = w(y − 4)/6 = −1/2, −1/3, −1/6, 1; Σz² = 25/18; v = 4/3 · 25/18 = 50/27.
    d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "w": [1, 1, 1, 3]})
    out = estimate.mean(d, "y", weight="w", min_base=0).iloc[0]
    assert out["estimate"] == pytest.approx(4.0)
    assert out["se"] == pytest.approx(np.sqrt(50 / 27))
    # t quantile with n − 1 = 3 degrees of freedom (tables: t(0.975, 3) = 3.182446305)
    assert out["ci_low"] == pytest.approx(4.0 - 3.182446305 * np.sqrt(50 / 27))
    assert out["n_eff"] == pytest.approx(36 / 12)  # (Σw)²/Σw² = 36/12
    assert out["n_interval"] == 4 and out["df"] == 3


def test_share_interval_is_wilson_on_the_effective_sample_size(survey):
    out = estimate.share(survey, "need", "yes", weight="w", base=["no"], min_base=0).iloc[0]
    p, v = out["estimate"], out["se"] ** 2
    n_star = min(p * (1 - p) / v, out["n"])
    # statsmodels' Wilson uses the normal quantile; ours uses t(n − 1): pass the alpha whose
    # normal quantile equals it
    alpha = 2 * norm.sf(student_t.ppf(0.975, out["n"] - 1))
    lo, hi = proportion_confint(p * n_star, n_star, alpha=alpha, method="wilson")
    assert out["ci_low"] == pytest.approx(lo, rel=1e-9)
    assert out["ci_high"] == pytest.approx(hi, rel=1e-9)
    assert out["n_interval"] == pytest.approx(n_star)  # the base the interval uses, not Kish's


def test_equal_weights_reduce_to_unweighted_estimates(survey):
    d = survey.assign(w=2.5)
    m = estimate.mean(d, "years", weight="w", min_base=0).iloc[0]
    y = d["years"].dropna()
    assert m["estimate"] == pytest.approx(y.mean())
    assert m["se"] == pytest.approx(y.std(ddof=1) / np.sqrt(len(y)))
    assert m["n_eff"] == pytest.approx(len(y))
    s = estimate.share(d, "need", "yes", weight="w", base=["no"], min_base=0).iloc[0]
    sub = d[d["need"].isin(["yes", "no"])]
    p = (sub["need"] == "yes").mean()
    assert s["estimate"] == pytest.approx(p)
    assert s["se"] == pytest.approx(np.sqrt(p * (1 - p) / (len(sub) - 1)))
    unweighted = estimate.share(d, "need", "yes", base=["no"], min_base=0).iloc[0]
    assert unweighted["ci_low"] == pytest.approx(s["ci_low"])


def test_group_with_one_respondent():
    d = pd.DataFrame(
        {
            "g": ["a"] * 20 + ["b"],
            "y": [3.0] * 10 + [4.0] * 10 + [5.0],
            "ans": ["yes"] * 10 + ["no"] * 10 + ["yes"],
        }
    )
    m = estimate.mean(d, "y", by="g").set_index("g")
    assert m.loc["b", "suppressed"] and np.isnan(m.loc["b", "estimate"])
    m1 = estimate.mean(d, "y", by="g", min_base=1).set_index("g")
    assert m1.loc["b", "estimate"] == 5.0 and m1.loc["b", "n"] == 1
    assert np.isnan(m1.loc["b", "ci_low"])  # no variance from one answer: no interval
    s1 = estimate.share(d, "ans", "yes", by="g", min_base=1).set_index("g")
    lo, hi = proportion_confint(1, 1, method="wilson")
    assert s1.loc["b", "estimate"] == 1.0
    assert (s1.loc["b", "ci_low"], s1.loc["b", "ci_high"]) == pytest.approx((lo, hi))


def test_every_answer_dont_know_gives_an_empty_suppressed_share():
    d = pd.DataFrame({"need": ["dont_know"] * 30})
    out = estimate.share(d, "need", "yes", base=["no"]).iloc[0]
    assert out["n"] == 0 and out["suppressed"] and np.isnan(out["estimate"])


def test_unanimous_answers_use_kish_base_for_the_interval():
    d = pd.DataFrame({"a": ["yes"] * 12, "w": [1.0] * 6 + [3.0] * 6})
    out = estimate.share(d, "a", "yes", weight="w").iloc[0]
    n_kish = 24**2 / 60
    alpha = 2 * norm.sf(student_t.ppf(0.975, 11))
    lo, _ = proportion_confint(n_kish, n_kish, alpha=alpha, method="wilson")
    assert out["estimate"] == 1.0 and out["ci_high"] == 1.0
    assert out["ci_low"] == pytest.approx(lo)


def test_small_bases_are_suppressed_by_the_estimator_itself():
    d = pd.DataFrame({"g": ["a"] * 9 + ["b"] * 10, "y": np.arange(19.0)})
    out = estimate.mean(d, "y", by="g").set_index("g")
    assert out["suppressed"].to_dict() == {"a": True, "b": False}
    assert np.isnan(out.loc["a", "ci_high"])


def test_missing_group_key_is_its_own_group_not_dropped():
    d = pd.DataFrame({"g": pd.array(["a", None, "a"], dtype="str"), "y": [1.0, 2.0, 3.0]})
    out = estimate.mean(d, "y", by="g", min_base=0)
    assert out["n"].sum() == 3 and len(out) == 2


def test_bad_weight_is_an_error_naming_the_row():
    d = pd.DataFrame(
        {"y": [1.0, 2.0], "w": [1.0, np.nan], "source_file": "s.csv", "source_row": [2, 3]}
    )
    with pytest.raises(InputError, match=r"s\.csv, row 3, column 'w'"):
        estimate.mean(d, "y", weight="w")


def test_likert_column_with_dont_know_codes_is_refused_without_codebook():
    d = pd.DataFrame({"satisfaction": pd.array([1, 5, 8, 4], dtype="Int16")})
    with pytest.raises(ValueError, match="don't know"):
        estimate.mean(d, "satisfaction")
    out = estimate.mean(d, "satisfaction", dataset="tsp_survey", min_base=0).iloc[0]
    assert out["estimate"] == pytest.approx(10 / 3) and out["n"] == 3


def test_method_note_in_both_languages():
    assert "Wilson" in estimate.METHOD_NOTE["lt"] and "Wilson" in estimate.METHOD_NOTE["en"]
    assert "linearisation" in estimate.METHOD_NOTE["en"]


def test_method_note_says_what_the_weights_and_intervals_cannot_do():
    en, lt = estimate.METHOD_NOTE["en"], estimate.METHOD_NOTE["lt"]
    assert "not self-selection" in en and "ne savitranką" in lt
    assert "mid-2020 to May 2021" in en and "2020 m. vidurio – 2021 m. gegužės" in lt
    assert "treated as fixed" in en and "fiksuotais" in lt
    assert "Student's t" in en and "Stjudento t" in lt
    # the wrong definition of a confidence interval is gone
    assert "95% probability" not in en and "tikimybe yra tikroji" not in lt


@pytest.mark.parametrize("with_strata", [False, True])
def test_category_sums_give_the_same_estimates_as_the_respondent_level_pass(with_strata):
    rng = np.random.default_rng(5)
    n = 3000
    k = rng.integers(-1, 5, n)  # −1: outside the base
    codes = rng.integers(0, 4, n)
    codes[:1] = 3  # group 3 also gets a lone respondent in a stratum
    w = rng.uniform(0.2, 6, n)
    strata = rng.integers(0, 3, n) if with_strata else None
    values = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    y = np.append(values, np.nan)[k]
    direct = estimate.ratio_stats(y, w, codes, 4, strata)
    fast = estimate.stats_from_sums(estimate.category_sums(k, 5, w, codes, 4, strata), values)
    for key in ("n", "sw", "sw2", "estimate", "var"):
        np.testing.assert_allclose(fast[key], direct[key], rtol=1e-10)
    # a share from the same sums: categories 3 and 4 are successes, category 0 outside
    shares = np.array([np.nan, 0.0, 0.0, 1.0, 1.0])
    y2 = np.append(shares, np.nan)[k]
    direct = estimate.ratio_stats(y2, w, codes, 4, strata)
    fast = estimate.stats_from_sums(estimate.category_sums(k, 5, w, codes, 4, strata), shares)
    np.testing.assert_allclose(fast["var"], direct["var"], rtol=1e-10)
    np.testing.assert_allclose(fast["n"], direct["n"])


def test_category_codes_on_arrow_text_and_on_objects():
    col = pd.Series(["yes", None, "no", "dont_know", "yes"], dtype="str")
    assert estimate.category_codes(col, ["yes", "no"]).tolist() == [0, -1, 1, -1, 0]
    obj = col.astype(object)
    assert estimate.category_codes(obj, ["yes", "no"]).tolist() == [0, -1, 1, -1, 0]


def test_stratum_with_one_respondent_adds_its_squared_deviation_not_nothing():
    # Hand-worked (R survey, options(survey.lonely.psu = "adjust")): y = 1, 2, 3 in stratum a,
    # y = 6 alone in stratum b, equal weights. Mean 3; z = (y − 3)/4 = −1/2, −1/4, 0 | 3/4.
    # Stratum a: 3/2 · Σ(z − z̄)² = 3/2 · (1/16 + 0 + 1/16) = 3/16; stratum b: (3/4)² = 9/16.
    d = pd.DataFrame({"y": [1.0, 2.0, 3.0, 6.0], "s": ["a", "a", "a", "b"]})
    out = estimate.mean(d, "y", strata="s", min_base=0).iloc[0]
    assert out["se"] ** 2 == pytest.approx(3 / 16 + 9 / 16)
    assert out["df"] == 2  # 4 respondents − 2 strata
    assert out["ci_high"] == pytest.approx(3 + student_t.ppf(0.975, 2) * np.sqrt(12 / 16))
    # the category-sum path (used for need, unmet and criterion scores) agrees
    k = np.array([0, 1, 2, 3])
    sums = estimate.category_sums(
        k, 4, np.ones(4), np.zeros(4, dtype=np.int64), 1, np.array([0, 0, 0, 1])
    )
    fast = estimate.stats_from_sums(sums, np.array([1.0, 2.0, 3.0, 6.0]))
    assert fast["var"][0] == pytest.approx(12 / 16) and fast["df"][0] == 2


def test_score_interval_is_wilson_on_the_0_1_scale_with_the_effective_size():
    # ratings 0, 0, 0, 25, 100 repeated: a skewed score; unweighted
    d = pd.DataFrame({"s": [0.0, 0.0, 0.0, 25.0, 100.0] * 6})
    out = estimate.mean(d, "s", kind="score", min_base=0).iloc[0]
    m = d["s"].mean() / 100
    v = d["s"].var(ddof=1) / len(d) / 100**2
    n_star = m * (1 - m) / v
    alpha = 2 * norm.sf(student_t.ppf(0.975, len(d) - 1))
    lo, hi = proportion_confint(m * n_star, n_star, alpha=alpha, method="wilson")
    assert out["ci_low"] == pytest.approx(100 * lo, rel=1e-9)
    assert out["ci_high"] == pytest.approx(100 * hi, rel=1e-9)
    assert out["n_interval"] == pytest.approx(n_star)
    assert 0 <= out["ci_low"] < out["estimate"] < out["ci_high"] <= 100
    # asymmetric: more room towards the middle of the scale than towards 0
    assert out["ci_high"] - out["estimate"] > out["estimate"] - out["ci_low"]
    # a plain mean of the same numbers keeps the symmetric t interval
    plain = estimate.mean(d, "s", min_base=0).iloc[0]
    assert plain["ci_high"] - plain["estimate"] == pytest.approx(
        plain["estimate"] - plain["ci_low"]
    )
