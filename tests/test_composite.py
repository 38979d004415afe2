"""Composite index and rank-range sensitivity, checked by hand and by brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import composite


@pytest.fixture
def long():
    values = {
        "vilnius": [70.0, 40.0, 55.0],
        "kaunas": [60.0, 60.0, 50.0],
        "akmene": [90.0, 10.0, 60.0],
        "jonava": [50.0, 45.0, 40.0],
    }
    rows = [(m, a, v) for m, vs in values.items() for a, v in zip("xyz", vs, strict=True)]
    return pd.DataFrame(rows, columns=["municipality", "area", "estimate"])


def test_arithmetic_and_geometric_index_hand_worked(long):
    ar = composite.composite_index(long).set_index("municipality")
    assert ar.loc["kaunas", "index"] == pytest.approx((60 + 60 + 50) / 3)
    assert ar.loc["akmene", "index"] == pytest.approx((90 + 10 + 60) / 3)
    geo = composite.composite_index(long, aggregation="geometric").set_index("municipality")
    assert geo.loc["akmene", "index"] == pytest.approx((90 * 10 * 60) ** (1 / 3))
    # kaunas 56.7 > vilnius 55 > akmene 53.3 > jonava 45
    assert ar["rank"].to_dict() == {"vilnius": 2, "kaunas": 1, "akmene": 3, "jonava": 4}


def test_weights_are_renormalised(long):
    out = composite.composite_index(long, weights={"x": 2, "y": 1, "z": 1})
    v = out.set_index("municipality").loc["vilnius", "index"]
    assert v == pytest.approx((2 * 70 + 40 + 55) / 4)


def test_minmax_normalisation_hand_worked(long):
    m = long.pivot(index="municipality", columns="area", values="estimate")
    n = composite.normalise(m, "minmax")
    assert n.loc["akmene", "x"] == 100.0 and n.loc["jonava", "x"] == 0.0
    assert n.loc["vilnius", "x"] == pytest.approx((70 - 50) / (90 - 50) * 100)


def test_missing_indicator_is_left_out_with_weights_renormalised(long):
    d = long.copy()
    d.loc[(d["municipality"] == "jonava") & (d["area"] == "y"), "estimate"] = np.nan
    out = composite.composite_index(d).set_index("municipality")
    assert out.loc["jonava", "index"] == pytest.approx(45.0)
    assert out.loc["jonava", "n_indicators"] == 2 and not out.loc["jonava", "complete"]


def test_units_with_too_few_indicators_get_no_index(long):
    d = long[~((long["municipality"] == "jonava") & (long["area"] != "x"))]
    out = composite.composite_index(d, min_indicators=2).set_index("municipality")
    assert np.isnan(out.loc["jonava", "index"]) and pd.isna(out.loc["jonava", "rank"])
    assert out["rank"].dropna().to_dict() == {"akmene": 3, "kaunas": 1, "vilnius": 2}


def test_geometric_aggregation_floors_zero():
    m = pd.DataFrame({"a": [0.0], "b": [100.0]})
    assert composite.aggregate(m, method="geometric").iloc[0] == pytest.approx(10.0)


def test_sensitivity_is_reproducible_and_ranges_contain_the_nominal_rank(long):
    a = composite.sensitivity(long, n_draws=300, seed=5)
    b = composite.sensitivity(long, n_draws=300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert (a["rank_min"] <= a["rank"]).all() and (a["rank"] <= a["rank_max"]).all()
    # 300 weight draws × (all in + 3 left out) × 3 normalisations × 2 aggregations + nominal
    assert (a["n_scenarios"] == 300 * 4 * 3 * 2 + 1).all()


def _hand_ranks(m, w, agg):
    score = (m * w).sum(axis=1) if agg == "arithmetic" else np.exp((np.log(m) * w).sum(axis=1))
    return score.rank(ascending=False, method="min").astype(int)


def test_without_weight_noise_the_range_is_the_arithmetic_and_geometric_ranks(long):
    s = composite.sensitivity(
        long, n_draws=10, spread=0.0, normalisations=("goalposts",), exclude_each=False
    ).set_index("municipality")
    m = long.pivot(index="municipality", columns="area", values="estimate")
    w = np.ones(3) / 3
    ar, geo = _hand_ranks(m, w, "arithmetic"), _hand_ranks(m, w, "geometric")
    for k in m.index:
        assert s.loc[k, "rank_min"] == min(ar[k], geo[k])
        assert s.loc[k, "rank_max"] == max(ar[k], geo[k])
        assert s.loc[k, "rank"] == ar[k]
    # akmene is 3rd arithmetically but last geometrically (its 10 is hard to compensate)
    assert (s.loc["akmene", "rank_min"], s.loc["akmene", "rank_max"]) == (3, 4)


def test_rank_ranges_equal_a_loop_over_the_same_weight_draws(long):
    s = composite.sensitivity(
        long, n_draws=200, spread=0.5, seed=1, normalisations=("goalposts",), exclude_each=False
    ).set_index("municipality")
    m = long.pivot(index="municipality", columns="area", values="estimate")
    rng = np.random.default_rng(1)  # the documented draw: nominal × U[1 − spread, 1 + spread]
    draws = rng.uniform(0.5, 1.5, size=(200, 3)) / 3
    seen = {k: [] for k in m.index}
    for w in draws:
        for agg in ("arithmetic", "geometric"):
            for k, r in _hand_ranks(m, w / w.sum(), agg).items():
                seen[k].append(r)
    for k, ranks in seen.items():
        assert (s.loc[k, "rank_min"], s.loc[k, "rank_max"]) == (
            min(ranks + [s.loc[k, "rank"]]),
            max(ranks + [s.loc[k, "rank"]]),
        )


def test_a_dominant_unit_is_always_first(long):
    d = long.copy()
    d.loc[d["municipality"] == "kaunas", "estimate"] = 95.0
    s = composite.sensitivity(d, n_draws=200).set_index("municipality")
    assert (s.loc["kaunas", "rank_min"], s.loc["kaunas", "rank_max"]) == (1, 1)
    assert s.loc["kaunas", "share_same_rank"] == 1.0


def test_sensitivity_of_wide_components_by_group():
    prio = pd.DataFrame(
        {
            "municipality": ["a"] * 3 + ["b"] * 3,
            "area": ["x", "y", "z"] * 2,
            "c_need": [80, 20, 50, 10, 90, 40.0],
            "c_unmet": [70, 30, 50, 20, 80, 40.0],
        }
    )
    s = composite.sensitivity(
        prio,
        unit="area",
        indicator=None,
        components=["c_need", "c_unmet"],
        by="municipality",
        n_draws=100,
    )
    assert len(s) == 6
    top = s[s["rank"] == 1].set_index("municipality")["area"].to_dict()
    assert top == {"a": "x", "b": "y"}


def test_long_data_with_duplicates_is_refused(long):
    with pytest.raises(ValueError, match="more than one"):
        composite.composite_index(pd.concat([long, long]))


def test_leaving_each_indicator_out_and_other_normalisations_hand_checked():
    # 3 units × 2 indicators, no weight noise. Hand-worked scenarios (arithmetic):
    #   both in, goalposts: a (80+20)/2 = 50, b (40+50)/2 = 45, c (30+70)/2 = 50 → a 1, c 1, b 3
    #   x only: a 80, b 40, c 30 → a 1, b 2, c 3;   y only: c 70, b 50, a 20 → c 1, b 2, a 3
    #   min–max, both in: x → a 100, b 20, c 0; y → a 0, b 60, c 100;
    #                     means a 50, b 40, c 50 → a 1, c 1, b 3
    d = pd.DataFrame(
        {
            "municipality": list("aabbcc"),
            "area": list("xyxyxy"),
            "estimate": [80.0, 20.0, 40.0, 50.0, 30.0, 70.0],
        }
    )
    s = composite.sensitivity(
        d,
        n_draws=3,
        spread=0.0,
        aggregations=("arithmetic",),
        normalisations=("goalposts", "minmax"),
    ).set_index("municipality")
    assert s.loc["a", ["rank_min", "rank_max"]].tolist() == [1, 3]
    assert s.loc["b", ["rank_min", "rank_max"]].tolist() == [2, 3]
    assert s.loc["c", ["rank_min", "rank_max"]].tolist() == [1, 3]
    assert s["rank_min_sampling"].isna().all()  # no standard errors: no sampling scenarios
    kept = composite.sensitivity(
        d, n_draws=3, spread=0.0, aggregations=("arithmetic",), exclude_each=False
    ).set_index("municipality")
    # z-score, both in: x (80, 40, 30) has mean 50, sd 21.60; y (20, 50, 70) mean 46.67, sd
    # 20.55; mean z: a (1.389 − 1.298)/2 = 0.045, b (−0.463 + 0.162)/2 = −0.150,
    # c (−0.926 + 1.135)/2 = 0.105 → c 1, a 2, b 3 (goalposts: a 1, c 1, b 3; min–max the same)
    assert kept.loc["a", ["rank_min", "rank_max"]].tolist() == [1, 2]
    assert kept.loc["c", ["rank_min", "rank_max"]].tolist() == [1, 1]
    assert kept.loc["b", ["rank_min", "rank_max"]].tolist() == [3, 3]


def test_sampling_error_swaps_close_units_as_often_as_the_normal_law_says():
    # two units 50 vs 52 with se 1 each: a draws above b with P = Φ(−2/√2) = 0.0786
    from scipy.stats import norm

    d = pd.DataFrame(
        {"municipality": ["a", "b"], "area": ["x", "x"], "estimate": [50.0, 52.0], "se": [1.0, 1.0]}
    )
    s = composite.sensitivity(
        d, n_draws=5, spread=0.0, n_sampling=20000, seed=3, exclude_each=False
    ).set_index("municipality")
    p = norm.cdf(-2 / np.sqrt(2))
    assert 1 - s.loc["b", "share_same_rank_sampling"] == pytest.approx(p, abs=0.006)
    assert s.loc["b", ["rank_min_methods", "rank_max_methods"]].tolist() == [1, 1]
    assert s.loc["b", ["rank_min_sampling", "rank_max_sampling"]].tolist() == [1, 2]
    assert s.loc["b", ["rank_min", "rank_max"]].tolist() == [1, 2]
    # zero standard errors: sampling changes nothing
    z = composite.sensitivity(d.assign(se=0.0), n_draws=5, n_sampling=200)
    assert (z["rank_min_sampling"] == z["rank_max_sampling"]).all()


def test_a_unit_with_too_few_areas_is_not_ranked_and_the_others_rank_among_themselves():
    rng = np.random.default_rng(0)
    areas = [f"a{i}" for i in range(9)]
    rows = []
    for m, level in (("vilnius", 60), ("kaunas", 55), ("jonava", 50), ("akmene", 10)):
        for a in areas:
            rows.append((m, a, level + rng.normal(0, 2), 3.0))
    d = pd.DataFrame(rows, columns=["municipality", "area", "estimate", "se"])
    # akmene keeps only 2 of 9 areas (its two worst), the rest suppressed
    thin = (d["municipality"] == "akmene") & ~d["area"].isin(["a0", "a1"])
    d.loc[thin, ["estimate", "se"]] = np.nan
    out = composite.service_index(d, n_draws=50, n_sampling=100).set_index("municipality")
    assert out.loc["akmene", "status"] == "not_enough_data"
    assert pd.isna(out.loc["akmene", "rank"]) and np.isnan(out.loc["akmene", "index"])
    assert pd.isna(out.loc["akmene", "rank_min"]) and pd.isna(out.loc["akmene", "rank_max"])
    assert out["rank"].dropna().astype(int).to_dict() == {"vilnius": 1, "kaunas": 2, "jonava": 3}
    assert (out.drop(index="akmene")["rank_max"] <= 3).all()
    assert (out.drop(index="akmene")["status"] == "ranked").all()
