"""The one disclosure policy (``tsp_analysis.results.policy``) and the recoverability audit,
on hand-worked tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tsp_analysis.results import audit
from tsp_analysis.results.policy import DisclosurePolicy, PolicyError, check_thresholds
from tsp_analysis.results.table import (
    Cube,
    Results,
    ResultTable,
    UncheckedTableError,
    coord,
)

CAP = {"lt": "Lentelė", "en": "Table"}
CITIZENSHIP = Cube("resp:jonava", {"citizenship": ("UA", "BY", "RU", "other", "_missing")})


def _counts(table_id: str, cells: dict[str, int], cube: Cube = CITIZENSHIP) -> ResultTable:
    rows = [
        {
            "citizenship": k or "total",
            "estimate": v,
            "cube": cube.id,
            "coord": coord(citizenship=k or None),
        }
        for k, v in cells.items()
    ]
    return ResultTable.make(
        table_id, pd.DataFrame(rows), caption=CAP, kind="count", dims=["citizenship"]
    )


def _report(name: str, *tables: ResultTable, cubes=(CITIZENSHIP,)) -> Results:
    r = Results(name, "jonava")
    for c in cubes:
        r.add_cube(c)
    for t in tables:
        r.add(t)
    return r


def _shown(table: ResultTable) -> dict[str, object]:
    return {
        r["citizenship"]: (None if r["suppressed"] else int(r["estimate"]))
        for r in table.data.to_dict("records")
    }


def test_thresholds_below_the_floor_are_refused():
    assert check_thresholds(5, 10) == []
    assert check_thresholds(3, 5) == []
    assert any("min_count = 2" in p for p in check_thresholds(2, 10))
    assert any("min_base = 4" in p for p in check_thresholds(5, 4))
    assert check_thresholds(True, 10)  # a boolean is not a threshold
    with pytest.raises(PolicyError, match="below the floor"):
        DisclosurePolicy(min_count=0)
    with pytest.raises(PolicyError, match="min_base = 0"):
        DisclosurePolicy(min_base=0)


def test_a_count_recoverable_from_the_total_and_the_nonresponse_is_protected():
    # The Jonava case: RU = 4 is hidden, but total − UA − BY − other − missing = 4.
    sample = _counts("sample", {"": 50, "UA": 30, "BY": 11, "RU": 4, "other": 0})
    nonresponse = _counts("nonresponse", {"_missing": 5})
    (out,) = DisclosurePolicy().publish([_report("data_review", sample, nonresponse)])
    shown = _shown(out["sample"]) | _shown(out["nonresponse"])
    assert shown["RU"] is None
    # the smallest non-zero sibling goes too: missing = 5 (not the structural zero "other")
    assert shown["_missing"] is None
    assert shown["UA"] == 30 and shown["BY"] == 11 and shown["other"] == 0
    reasons = dict(
        zip(out["nonresponse"].data["citizenship"], out["nonresponse"].data["reason"], strict=True)
    )
    assert reasons["_missing"] == "protects_other"
    # and the audit agrees: RU now lies anywhere in 0–9
    (exp,) = audit.exposures(
        CITIZENSHIP,
        {"": 50, "citizenship=UA": 30, "citizenship=BY": 11, "citizenship=other": 0},
        ["citizenship=RU"],
    )
    assert (exp.low, exp.high) == (0, 9)


def test_the_same_cell_is_hidden_in_every_report_on_the_municipality():
    needs = _report("needs_analysis", _counts("citizenship", {"": 50, "UA": 30, "RU": 4}))
    review = _report(
        "data_review",
        _counts("sample", {"": 50, "UA": 30, "BY": 11, "RU": 4, "other": 0, "_missing": 5}),
    )
    a, b = DisclosurePolicy().publish([needs, review])
    assert _shown(a["citizenship"])["RU"] is None
    assert _shown(b["sample"])["RU"] is None
    # whatever the review hides to protect RU is hidden in the needs analysis as well
    hidden_b = {k for k, v in _shown(b["sample"]).items() if v is None}
    hidden_a = {k for k, v in _shown(a["citizenship"]).items() if v is None}
    assert hidden_a == hidden_b & set(_shown(a["citizenship"]))


def test_audit_bounds_match_a_hand_worked_two_way_table():
    cube = Cube("pop", {"sex": ("female", "male"), "age": ("young", "old")})
    published = {
        "": 40,
        coord(sex="female"): 22,
        coord(sex="male"): 18,
        coord(age="young"): 25,
        coord(age="old"): 15,
        coord(sex="female", age="old"): 9,
        coord(sex="male", age="old"): 6,
    }
    hidden = [coord(sex="female", age="young")]
    (exp,) = audit.exposures(cube, published, hidden)
    # female young = female − female old = 22 − 9 = 13, exactly
    assert math.isclose(exp.low, 13) and math.isclose(exp.high, 13)
    # the male margin gives the female one through the total: still exact
    del published[coord(sex="female")]
    (exp,) = audit.exposures(cube, published, hidden)
    assert math.isclose(exp.low, 13) and math.isclose(exp.high, 13)
    # without either sex margin, female young is anything from 0 to all 25 young
    del published[coord(sex="male")]
    (exp,) = audit.exposures(cube, published, hidden)
    assert math.isclose(exp.low, 0) and math.isclose(exp.high, 25)


def test_contradictory_published_counts_are_an_error():
    cube = Cube("pop", {"sex": ("female", "male")})
    with pytest.raises(ValueError, match="contradict"):
        audit.exposures(cube, {"": 10, "sex=female": 7, "sex=male": 7}, ["sex=female"])


def test_a_share_of_a_hidden_count_is_hidden_too():
    counts = _counts("counts", {"": 50, "UA": 30, "BY": 11, "RU": 4, "other": 5})
    shares = ResultTable.make(
        "shares",
        pd.DataFrame(
            {
                "citizenship": ["UA", "RU"],
                "estimate": [0.6, 0.08],
                "n": [50, 50],
                "of_cube": CITIZENSHIP.id,
                "of_coord": ["citizenship=UA", "citizenship=RU"],
                "of_value": [30, 4],
            }
        ),
        caption=CAP,
        kind="share",
        dims=["citizenship"],
        subject="population",
    )
    (out,) = DisclosurePolicy().publish([_report("needs_analysis", counts, shares)])
    got = out["shares"].data.set_index("citizenship")
    assert bool(got.loc["RU", "suppressed"]) and pd.isna(got.loc["RU", "estimate"])
    assert not bool(got.loc["UA", "suppressed"])


def test_estimates_on_a_small_or_unknown_base_are_hidden_and_never_zero():
    t = ResultTable.make(
        "needs",
        pd.DataFrame(
            {
                "area": ["a", "b", "c"],
                "estimate": [0.4, 0.5, 0.6],
                "ci_low": [0.3, 0.2, 0.5],
                "ci_high": [0.5, 0.8, 0.7],
                "n": [25, 9, None],
            }
        ),
        caption=CAP,
        kind="share",
        dims=["area"],
    )
    (out,) = DisclosurePolicy().publish([_report("needs_analysis", t, cubes=())])
    data = out["needs"].data.set_index("area")
    assert data["suppressed"].tolist() == [False, True, True]
    assert data.loc["b", "reason"] == "small_base"
    assert data.loc[["b", "c"], ["estimate", "ci_low", "ci_high", "n"]].isna().all().all()
    assert data.loc["a", "estimate"] == 0.4


def test_records_are_not_suppressed_and_renderers_refuse_raw_tables():
    t = ResultTable.make(
        "consultations",
        pd.DataFrame({"municipality": ["jonava"], "estimate": [2]}),
        caption=CAP,
        kind="count",
        dims=["municipality"],
        subject="records",
    )
    with pytest.raises(UncheckedTableError):
        t.require_checked()
    (out,) = DisclosurePolicy().publish([_report("monitoring", t, cubes=())])
    assert out["consultations"].require_checked().data["estimate"].tolist() == [2]


def test_a_share_hidden_for_its_base_publishes_nothing_of_its_count():
    # UA's count is published only through its population share; with that share hidden
    # (a base of 4 residents), RU = total − UA − BY − other − missing cannot be worked out.
    counts = _counts("counts", {"": 60, "BY": 11, "RU": 4, "other": 5, "_missing": 10})
    shares = ResultTable.make(
        "shares",
        pd.DataFrame(
            {
                "citizenship": ["UA"],
                "estimate": [0.5],
                "n": [4],
                "of_cube": CITIZENSHIP.id,
                "of_coord": ["citizenship=UA"],
                "of_value": [30],
            }
        ),
        caption=CAP,
        kind="share",
        dims=["citizenship"],
        subject="population",
    )
    (out,) = DisclosurePolicy().publish([_report("needs_analysis", counts, shares)])
    shown = _shown(out["counts"])
    assert shown["RU"] is None
    assert [k for k, v in shown.items() if v is None] == ["RU"]  # nothing else had to go
    assert bool(out["shares"].data["suppressed"].item())


def test_a_base_that_gives_away_item_nonresponse_is_protected():
    # 40 respondents; 37 answered the age question (a share's base), 3 did not: the
    # nonresponse count is hidden, and the published base would give it back (40 − 37).
    cube = Cube("resp", {"item:age": ("answered", "missing", "not_asked")})
    total = ResultTable.make(
        "total",
        pd.DataFrame({"x": ["all"], "estimate": [40], "cube": cube.id, "coord": [""]}),
        caption=CAP,
        kind="count",
        dims=["x"],
    )
    nonresponse = ResultTable.make(
        "nonresponse",
        pd.DataFrame(
            {
                "status": ["missing", "not_asked"],
                "estimate": [3, 0],
                "cube": cube.id,
                "coord": ["item:age=missing", "item:age=not_asked"],
            }
        ),
        caption=CAP,
        kind="count",
        dims=["status"],
    )
    share = ResultTable.make(
        "share",
        pd.DataFrame(
            {
                "group": ["18_24"],
                "estimate": [0.3],
                "n": [37],
                "n_cube": cube.id,
                "n_coord": ["item:age=answered"],
            }
        ),
        caption=CAP,
        kind="share",
        dims=["group"],
    )
    (out,) = DisclosurePolicy().publish(
        [_report("needs_analysis", total, nonresponse, share, cubes=(cube,))]
    )
    hidden = [(t.id, r["reason"]) for t in out for r in t.records() if r["suppressed"]]
    assert ("nonresponse", "small_count") in hidden
    # the base is the closest relation of the hidden cell, so the share goes (or the total)
    assert ("share", "protects_other") in hidden or ("total", "protects_other") in hidden


def test_a_cell_can_sum_over_a_subset_of_categories():
    # adults = the three adult age groups: a cell of the cube, not a new dimension
    cube = Cube("pop", {"age": ("child", "young", "old")})
    published = {"": 50, coord(age=("young", "old")): 46, coord(age="young"): 30}
    (exp,) = audit.exposures(cube, published, [coord(age="child")])
    assert (exp.low, exp.high) == (4, 4)
    (exp,) = audit.exposures(cube, published, [coord(age="old")])
    assert (exp.low, exp.high) == (16, 16)


def test_one_small_cell_of_a_two_way_table_hides_a_rectangle_not_the_table():
    # Akmenė's TŠP by sex × age (the demo population), with every row and column total
    # published (the data review publishes the age and sex totals of the same cube): male 65+
    # is 2. The least a reader must not see is a rectangle of four cells.
    ages = ("0_17", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")
    female = (21, 17, 32, 26, 15, 8, 7)
    male = (13, 29, 74, 45, 37, 14, 2)
    cube = Cube("pop", {"sex": ("female", "male"), "age_group": ages})
    rows = [
        {
            "sex": s,
            "age_group": a,
            "estimate": v,
            "cube": cube.id,
            "coord": coord(sex=s, age_group=a),
        }
        for s, values in (("female", female), ("male", male))
        for a, v in zip(ages, values, strict=True)
    ]
    rows += [
        {
            "sex": "total",
            "age_group": a,
            "estimate": f + m,
            "cube": cube.id,
            "coord": coord(age_group=a),
        }
        for a, f, m in zip(ages, female, male, strict=True)
    ]
    rows += [
        {"sex": s, "age_group": "total", "estimate": sum(v), "cube": cube.id, "coord": coord(sex=s)}
        for s, v in (("female", female), ("male", male))
    ]
    table = ResultTable.make(
        "sex_age",
        pd.DataFrame(rows),
        caption=CAP,
        kind="count",
        dims=["sex", "age_group"],
        subject="population",
    )
    (out,) = DisclosurePolicy().publish([_report("needs_analysis", table, cubes=(cube,))])
    hidden = {
        (r["sex"], r["age_group"]): r["reason"] for r in out["sex_age"].records() if r["suppressed"]
    }
    assert hidden[("male", "65_plus")] == "small_count"
    assert len(hidden) == 4, hidden
    assert {a for _, a in hidden} == {"65_plus", "55_64"}  # the two smallest rows
    assert {s for s, _ in hidden} == {"female", "male"}
    # and the audit agrees that male 65+ now lies anywhere in a range of at least 5
    shown = {
        r["coord"]: float(r["estimate"]) for r in out["sex_age"].records() if not r["suppressed"]
    }
    (exp,) = audit.exposures(cube, shown, [coord(sex="male", age_group="65_plus")])
    assert exp.width >= 5
