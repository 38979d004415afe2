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
    assert (a["n_scenarios"] == 2 * 300 + 1).all()


def _hand_ranks(m, w, agg):
    score = (m * w).sum(axis=1) if agg == "arithmetic" else np.exp((np.log(m) * w).sum(axis=1))
    return score.rank(ascending=False, method="min").astype(int)


def test_without_weight_noise_the_range_is_the_arithmetic_and_geometric_ranks(long):
    s = composite.sensitivity(long, n_draws=10, spread=0.0).set_index("municipality")
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
    s = composite.sensitivity(long, n_draws=200, spread=0.5, seed=1).set_index("municipality")
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
