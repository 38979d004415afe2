"""Disclosure control: primary suppression and secondary suppression on hand-built tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tsp_analysis.disclosure import secondary_suppress, suppress


def test_share_with_small_base_is_blanked_and_marked_not_zero():
    t = pd.DataFrame(
        {
            "area": ["a", "b", "c"],
            "estimate": [0.4, 0.7, 0.0],
            "ci_low": [0.3, 0.5, 0.0],
            "ci_high": [0.5, 0.9, 0.1],
            "n": [25, 9, 10],
        }
    )
    out = suppress(t, "share")
    assert out["suppressed"].tolist() == [False, True, False]
    assert np.isnan(out.loc[1, "estimate"]) and np.isnan(out.loc[1, "ci_low"])
    assert out.loc[2, "estimate"] == 0.0  # a real zero with a base of 10 stays
    assert len(out) == 3  # nothing dropped


def test_base_threshold_is_a_parameter():
    t = pd.DataFrame({"estimate": [50.0, 60.0], "n": [12, 30]})
    assert suppress(t, "score", min_base=20)["suppressed"].tolist() == [True, False]
    assert suppress(t, "score", min_base=5)["suppressed"].tolist() == [False, False]


def test_missing_base_counts_as_zero_and_is_suppressed():
    t = pd.DataFrame({"estimate": [50.0], "n": [pd.NA]})
    assert suppress(t, "mean")["suppressed"].tolist() == [True]


def test_counts_below_threshold_suppressed_as_missing_never_zero():
    t = pd.DataFrame({"category": list("abcd"), "count": [0, 4, 5, 30]})
    out = suppress(t, "count", value="count")
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert out["count"].isna().tolist() == [True, True, False, False]
    assert str(out["count"].dtype) == "Int64"  # integers become nullable, not 0 or float junk


def test_structural_zeros_can_be_kept():
    t = pd.DataFrame({"count": [0, 4, 30]})
    out = suppress(t, "count", value="count", suppress_zeros=False)
    assert out["suppressed"].tolist() == [False, True, False]


def test_suppression_is_never_undone():
    t = pd.DataFrame({"estimate": [0.5], "n": [100], "suppressed": [True]})
    out = suppress(t, "share")
    assert out["suppressed"].tolist() == [True] and np.isnan(out["estimate"].iloc[0])


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match="kind"):
        suppress(pd.DataFrame({"n": [1]}), "ratio")


def test_secondary_suppression_hand_built_rectangle():
    # Worked by hand: 3 is primary; row r1 would reveal it via its total, so the smallest other
    # cell of r1 (12) goes; column A then has one hidden cell, so 8 goes; column B likewise, so
    # 9 goes; now every row and column has two hidden cells or none.
    t = pd.DataFrame(
        {"A": [12, 15, 8], "B": [3, 18, 9], "C": [20, 25, 30]}, index=["r1", "r2", "r3"]
    )
    s = secondary_suppress(t, min_count=5)
    expected = pd.DataFrame(
        False, index=["r1", "r2", "r3", "total"], columns=["A", "B", "C", "total"]
    )
    expected.loc["r1", ["A", "B"]] = True
    expected.loc["r3", ["A", "B"]] = True
    pd.testing.assert_frame_equal(s.mask, expected)
    assert s.primary.loc["r1", "B"] and not s.primary.loc["r1", "A"]
    assert s.secondary.loc["r1", "A"] and s.secondary.loc["r3", "B"]
    assert s.table.loc["total", "total"] == 140
    assert s.table.loc["r1", "A"] is pd.NA
    shown = s.display()
    assert shown.loc["r1", "B"] == ".." and shown.loc["r2", "B"] == "18"


def test_secondary_suppression_small_row_total():
    # Row r1 = (1, 2), total 3: all three are primary. Column A then has one hidden cell (1),
    # so r2's 10 goes; column B likewise 20; the column of row totals has one hidden (3), and no
    # interior cell is left in it, so the total of r2 (30) goes.
    t = pd.DataFrame({"A": [1, 10], "B": [2, 20]}, index=["r1", "r2"])
    s = secondary_suppress(t, min_count=5)
    assert s.mask.loc["r1"].tolist() == [True, True, True]
    assert s.mask.loc["r2"].tolist() == [True, True, True]
    assert s.mask.loc["total"].tolist() == [False, False, False]


def test_without_published_totals_only_primary_suppression():
    t = pd.DataFrame({"A": [12, 3], "B": [20, 30]})
    s = secondary_suppress(t, totals=False)
    assert s.mask.to_numpy().tolist() == [[False, False], [True, False]]


def test_one_way_distribution_with_total():
    t = pd.DataFrame({"female": [40], "male": [3], "other": [0]})
    s = secondary_suppress(t, min_count=5, suppress_zeros=False)
    # 3 is primary; the row (with its total) would reveal it, so the smallest other cell goes:
    # 0 is not small here, but it is the smallest cell and hiding it protects 3.
    assert s.mask.iloc[0].tolist() == [False, True, True, False]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), min_size=1, max_size=5))
def test_no_line_ever_has_a_lone_suppressed_cell(rows):
    width = min(len(r) for r in rows)
    t = pd.DataFrame([r[:width] for r in rows])
    s = secondary_suppress(t, min_count=5)
    m = s.mask.to_numpy()
    assert not (m.sum(axis=1) == 1).any()
    assert not (m.sum(axis=0) == 1).any()
    # primary cells are always hidden
    assert (m[:-1, :-1] >= (t.to_numpy() < 5)).all()
