"""Need, unmet need, 0–100 scores, provider capacity, information channels and priorities:
bases checked on hand-built frames, numbers against samplics or hand-worked examples."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from _stats_data import provider_frame, tsp_frame

from tsp_analysis import scores
from tsp_analysis.codebook import load_codebook

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

AREAS = [q.area for q in load_codebook().questions("tsp_survey", group="need")]


def _blank_frame(n: int) -> pd.DataFrame:
    """n respondents who answered nothing about services (clean dtypes)."""
    cb = load_codebook()
    d = {"municipality": pd.array(["vilnius"] * n, dtype="str")}
    for q in cb.questions("tsp_survey"):
        if q.group in ("need", "received"):
            d[q.id] = pd.array([None] * n, dtype="str")
        elif q.group == "rating":
            d[q.id] = pd.array([None] * n, dtype="Int16")
    return pd.DataFrame(d)


def test_need_excludes_dont_know_and_blank_from_the_base():
    d = _blank_frame(20)
    d["need_health"] = pd.array(
        ["yes"] * 6 + ["no"] * 9 + ["dont_know"] * 3 + [None] * 2, dtype="str"
    )
    out = scores.need_unmet(d, weight=None, min_base=0)
    row = out[(out["area"] == "health") & (out["measure"] == "need")].iloc[0]
    assert row["n"] == 15 and row["estimate"] == pytest.approx(6 / 15)


def test_unmet_need_among_those_who_needed_excludes_dont_know():
    d = _blank_frame(20)
    d["need_employment"] = pd.array(["yes"] * 14 + ["no"] * 6, dtype="str")
    got = ["fully"] * 5 + ["partly"] * 4 + ["no"] * 3 + ["dont_know"] * 2 + [None] * 6
    d["got_employment"] = pd.array(got, dtype="str")
    out = scores.need_unmet(d, weight=None, min_base=0).set_index(["area", "measure"])
    unmet = out.loc[("employment", "unmet")]
    assert unmet["n"] == 12 and unmet["estimate"] == pytest.approx(7 / 12)
    assert out.loc[("employment", "partly"), "estimate"] == pytest.approx(4 / 12)


def test_got_answer_without_need_yes_is_not_counted():
    d = _blank_frame(12)
    d["need_culture"] = pd.array(["no"] * 12, dtype="str")
    d["got_culture"] = pd.array(["no"] * 12, dtype="str")  # inconsistent rows: not in the base
    out = scores.need_unmet(d, weight=None, min_base=0).set_index(["area", "measure"])
    assert out.loc[("culture", "unmet"), "n"] == 0


def test_likert_maps_to_0_100_and_dont_know_is_missing_not_zero():
    d = _blank_frame(12)
    d["rate_health_quality"] = pd.array([1, 2, 3, 4, 5, 8, 9, 8, 5, 5, 1, 3], dtype="Int16")
    out = scores.criterion_scores(d, weight=None, min_base=0)
    row = out[(out["area"] == "health") & (out["criterion"] == "quality")].iloc[0]
    # (x − 1)/4 × 100 for 1,2,3,4,5,5,5,1,3 → 0,25,50,75,100,100,100,0,50
    assert row["n"] == 9
    assert row["estimate"] == pytest.approx(500 / 9)


def test_criterion_scores_match_samplics_on_hand_converted_scores():
    tsp = tsp_frame({"vilnius": 300, "kaunas": 200}, seed=3)
    tsp["weight"] = np.random.default_rng(0).uniform(0.5, 4, len(tsp))
    out = scores.criterion_scores(tsp, by="municipality", min_base=0)
    assert len(out) == 2 * 45
    for col, area, crit in [
        ("rate_health_quality", "health", "quality"),
        ("rate_education_coverage", "education", "coverage"),
    ]:
        x = tsp[col].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        x = np.where(np.isin(x, [8, 9]), np.nan, (x - 1) * 25)
        est = TaylorEstimator(PopParam.mean)
        est.estimate(
            y=x,
            samp_weight=tsp["weight"].to_numpy(),
            by=tsp["municipality"].to_numpy(),
            remove_nan=True,
        )
        for m in ("vilnius", "kaunas"):
            row = out[
                (out["municipality"] == m) & (out["area"] == area) & (out["criterion"] == crit)
            ].iloc[0]
            assert row["estimate"] == pytest.approx(est.point_est[m], rel=1e-10)
            assert row["se"] == pytest.approx(est.stderror[m], rel=1e-9)


def test_area_score_is_the_mean_of_each_respondents_criterion_scores():
    d = _blank_frame(10)
    d["rate_culture_coverage"] = pd.array([5, 1] + [3] * 8, dtype="Int16")
    d["rate_culture_quality"] = pd.array([3, 8] + [None] * 8, dtype="Int16")
    out = scores.area_scores(d, weight=None, min_base=0).set_index("area")
    # respondent 1: mean(100, 50) = 75; respondent 2: 0 (8 is missing); the others 50
    assert out.loc["culture", "estimate"] == pytest.approx((75 + 0 + 8 * 50) / 10)
    assert out.loc["culture", "n"] == 10
    assert out.loc["health", "n"] == 0 and np.isnan(out.loc["health", "estimate"])


def test_municipality_with_no_respondents_in_an_area_gets_a_suppressed_row():
    tsp = tsp_frame({"vilnius": 200, "akmene": 40}, seed=4)
    rating_cols = [c for c in tsp if c.startswith("rate_womens_rights_")]
    for c in rating_cols + ["got_womens_rights"]:
        tsp.loc[tsp["municipality"] == "akmene", c] = pd.NA
    tsp.loc[tsp["municipality"] == "akmene", "need_womens_rights"] = "no"
    crit = scores.criterion_scores(tsp, weight=None, by="municipality")
    rows = crit[(crit["municipality"] == "akmene") & (crit["area"] == "womens_rights")]
    assert len(rows) == 5 and rows["suppressed"].all() and (rows["n"] == 0).all()
    assert rows["estimate"].isna().all()
    needs = scores.need_unmet(tsp, weight=None, by="municipality").set_index(
        ["municipality", "area", "measure"]
    )
    assert needs.loc[("akmene", "womens_rights", "need"), "estimate"] == 0.0
    assert needs.loc[("akmene", "womens_rights", "unmet"), "suppressed"]


def test_every_answer_dont_know():
    d = _blank_frame(30)
    for a in AREAS:
        d[f"need_{a}"] = pd.array(["dont_know"] * 30, dtype="str")
    out = scores.need_unmet(d, weight=None)
    assert (out["n"] == 0).all() and out["suppressed"].all() and out["estimate"].isna().all()


def test_provider_capacity_is_each_providers_mean_of_competence_and_resources():
    p = pd.DataFrame(
        {
            "municipality": pd.array(["kaunas"] * 10, dtype="str"),
            **{f"competence_{a}": pd.array([5] * 5 + [1] * 5, dtype="Int16") for a in AREAS},
            **{f"resources_{a}": pd.array([3] * 5 + [8] * 5, dtype="Int16") for a in AREAS},
        }
    )
    out = scores.provider_scores(p, min_base=0).set_index(["area", "measure"])
    assert out.loc[("health", "competence"), "estimate"] == pytest.approx(50.0)
    assert out.loc[("health", "resources"), "estimate"] == pytest.approx(50.0)
    assert out.loc[("health", "resources"), "n"] == 5  # "don't know" is not a rating
    # providers 1–5: mean(100, 50) = 75; providers 6–10: 0 (resources unknown)
    assert out.loc[("health", "capacity"), "estimate"] == pytest.approx(37.5)
    assert out.loc[("health", "capacity"), "n"] == 10


def test_information_language_shares_sum_to_one_and_channels_use_answered_base():
    tsp = tsp_frame({"vilnius": 300}, seed=9)
    out = scores.information_channels(tsp, weight=None)
    lang = out[out["kind"] == "language"]
    assert lang["estimate"].sum() == pytest.approx(1.0)
    web = out[(out["kind"] == "channel") & (out["category"] == "municipal_website")].iloc[0]
    col = tsp["info_municipal_website"]
    assert web["n"] == col.notna().sum()
    assert web["estimate"] == pytest.approx(col.dropna().astype(float).mean())


def _frames(need, unmet, score, capacity, areas=("a", "b")):
    def tidy(values, measure=None, n=50):
        d = pd.DataFrame(
            {
                "area": list(areas),
                "estimate": values,
                "n": n,
                "suppressed": pd.isna(pd.Series(values)).tolist(),
            }
        )
        if measure is not None:
            d.insert(1, "measure", measure)
        return d

    needs = pd.concat([tidy(need, "need"), tidy(unmet, "unmet")], ignore_index=True)
    provider = pd.concat(
        [
            tidy(capacity, "capacity", 12),
            tidy(capacity, "competence", 12),
            tidy(capacity, "resources", 12),
        ],
        ignore_index=True,
    )
    return needs, tidy(score), provider


def test_priority_formula_hand_worked():
    needs, area, provider = _frames([0.6, 0.2], [0.5, 0.1], [40.0, 80.0], [30.0, 70.0])
    out = scores.priority(needs, area, provider).set_index("area")
    # area a: unmet of all = 100 × 0.6 × 0.5 = 30, low score 100 − 40 = 60, low capacity
    # 100 − 30 = 70 → (30 + 60 + 70)/3 = 53.33; every component in points of one 0–100 scale
    assert out.loc["a", "c_unmet_all"] == pytest.approx(30.0)
    assert out.loc["a", "unmet_all"] == pytest.approx(0.30)
    assert out.loc["a", "priority"] == pytest.approx((30 + 60 + 70) / 3)
    # area b: 100 × 0.2 × 0.1 = 2, 20, 30 → 17.33
    assert out.loc["b", "priority"] == pytest.approx((2 + 20 + 30) / 3)
    assert out["rank"].to_dict() == {"a": 1, "b": 2}
    assert (out["status"] == "ranked").all() and (out["missing"] == "").all()
    geo = scores.priority(needs, area, provider, aggregation="geometric").set_index("area")
    assert geo.loc["a", "priority"] == pytest.approx((30 * 60 * 70) ** (1 / 3))
    w = scores.priority(
        needs, area, provider, weights={"c_unmet_all": 3, "c_low_score": 1, "c_low_capacity": 0}
    )
    assert w.set_index("area").loc["a", "priority"] == pytest.approx((3 * 30 + 60) / 4)


def test_need_enters_the_priority_once():
    # doubling need doubles only the unmet-of-all component; no other component moves
    needs, area, provider = _frames([0.3, 0.3], [0.5, 0.5], [50.0, 50.0], [50.0, 50.0])
    needs2 = needs.copy()
    needs2.loc[(needs2["measure"] == "need") & (needs2["area"] == "a"), "estimate"] = 0.6
    one = scores.priority(needs, area, provider).set_index("area")
    two = scores.priority(needs2, area, provider).set_index("area")
    assert two.loc["a", "priority"] - one.loc["a", "priority"] == pytest.approx(15 / 3)


def test_need_and_capacity_are_not_subtracted_into_one_gap():
    needs, area, provider = _frames([0.6, 0.2], [0.5, 0.1], [40.0, 80.0], [30.0, 70.0])
    gap = scores.need_capacity_gap(needs, provider).set_index("area")
    assert gap.loc["a", "unmet_all"] == pytest.approx(30.0)  # percent of all respondents
    assert gap.loc["a", "capacity_shortfall"] == pytest.approx(70.0)
    assert gap.loc["a", "gap"] == pytest.approx(30.0)  # deprecated column, still there


def test_an_area_with_a_hidden_component_is_flagged_and_not_ranked():
    needs, area, provider = _frames([0.6, 0.2], [0.5, 0.1], [np.nan, 80.0], [30.0, 70.0])
    out = scores.priority(needs, area, provider).set_index("area")
    assert out.loc["a", "priority"] == pytest.approx((30 + 70) / 2)
    assert not out.loc["a", "complete"] and out.loc["b", "complete"]
    assert out.loc["a", "status"] == "incomplete" and out.loc["a", "missing"] == "c_low_score"
    assert pd.isna(out.loc["a", "rank"]) and out.loc["b", "rank"] == 1


def test_priority_accepts_criterion_scores():
    needs, _, provider = _frames([0.6, 0.2], [0.5, 0.1], [0, 0], [30.0, 70.0])
    crit = pd.DataFrame(
        {
            "area": ["a", "a", "b", "b"],
            "criterion": ["x", "y", "x", "y"],
            "estimate": [30.0, 50.0, 80.0, np.nan],
            "n": [20, 30, 25, 3],
            "suppressed": [False, False, False, True],
        }
    )
    out = scores.priority(needs, crit, provider).set_index("area")
    assert out.loc["a", "score"] == pytest.approx(40.0) and out.loc["a", "score_n"] == 30
    assert out.loc["b", "score"] == pytest.approx(80.0)


def test_priority_per_municipality_on_real_estimates():
    tsp = tsp_frame({"vilnius": 300, "kaunas": 250}, seed=12)
    prov = provider_frame({"vilnius": 30, "kaunas": 25})
    needs = scores.need_unmet(tsp, weight=None, by="municipality")
    area = scores.area_scores(tsp, weight=None, by="municipality")
    cap = scores.provider_scores(prov, by="municipality")
    out = scores.priority(needs, area, cap)
    assert len(out) == 18
    for _, part in out.groupby("municipality"):
        assert sorted(part["rank"].tolist()) == list(range(1, 10))
        top = part.loc[part["priority"].idxmax()]
        assert top["rank"] == 1
    gap = scores.need_capacity_gap(needs, cap)
    row = gap.iloc[0]
    assert row["unmet_all"] == pytest.approx(row["need"] * row["unmet"] / 100)
    assert row["capacity_shortfall"] == pytest.approx(100 - row["capacity"])


def test_provider_overall_means_each_respondents_ratings_over_the_areas():
    """By hand: NGO 1 rates education 5 (100) and health 3 (50) → 75; NGO 2 rates education
    1 (0) and health don't know → 0; the NGOs' competence is (75 + 0) / 2 = 37.5 with n = 2.
    Resources: NGO 1 4 (75), NGO 2 2 (25) → 50. The school rated nothing: no figure."""
    df = pd.DataFrame(
        {
            "org_type": ["ngo", "ngo", "education"],
            "competence_education": pd.array([5, 1, 8], dtype="Int16"),
            "competence_health": pd.array([3, 8, 8], dtype="Int16"),
            "resources_education": pd.array([4, 2, 8], dtype="Int16"),
        }
    )
    out = scores.provider_overall(df, min_base=1).set_index(["org_type", "measure"])
    assert out.loc[("ngo", "competence"), "estimate"] == pytest.approx(37.5)
    assert out.loc[("ngo", "competence"), "n"] == 2
    assert out.loc[("ngo", "resources"), "estimate"] == pytest.approx(50.0)
    assert pd.isna(out.loc[("education", "competence"), "estimate"])
    # below the base the figure is withheld
    small = scores.provider_overall(df, min_base=3).set_index(["org_type", "measure"])
    assert bool(small.loc[("ngo", "competence"), "suppressed"])
