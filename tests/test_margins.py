"""One set of population-margin rules for weighting, context and the data review (issue 9,
finding 1, finding 7 and the 45–54 deviation)."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import context, datareview, margins, weights
from tsp_analysis.inputs import load_inputs


@pytest.fixture(scope="module")
def demo():
    inputs = load_inputs(datasets=["tsp_survey", "population", "residents"])
    return inputs.tsp_survey.data, inputs.population.data, inputs.residents.data


def _with_eu_citizens(population: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """Every row of ``municipality`` again, as Polish and German citizens."""
    mine = population[population["municipality"] == municipality]
    eu = [mine.assign(citizenship=code) for code in ("PL", "DE")]
    return pd.concat([population, *eu], ignore_index=True)


def test_eu_citizens_in_the_population_change_neither_weights_nor_context(demo):
    tsp, population, residents = demo
    vilnius_tsp = population[population["municipality"] == "vilnius"]
    with_eu = _with_eu_citizens(population, "vilnius")
    assert len(with_eu) == len(population) + 2 * len(vilnius_tsp)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        before = weights.weight_survey(tsp, population, "vilnius")
        after = weights.weight_survey(tsp, with_eu, "vilnius")
    # independent total: the adult third-country rows of Vilnius in the latest year
    adults = margins.adult_age_groups()
    latest = vilnius_tsp["year"].max()
    expected = vilnius_tsp.loc[
        (vilnius_tsp["year"] == latest) & vilnius_tsp["age_group"].isin(adults), "count"
    ].sum()
    assert before.weights.sum() == pytest.approx(expected)
    assert after.weights.sum() == pytest.approx(expected)
    np.testing.assert_allclose(after.weights.to_numpy(), before.weights.to_numpy())
    pd.testing.assert_frame_equal(
        context.tsp_totals(with_eu, residents), context.tsp_totals(population, residents)
    )
    for section in (context.top_citizenships, context.by_residence_basis, context.by_sex_age):
        pd.testing.assert_frame_equal(
            section(with_eu, "vilnius"), section(population, "vilnius"), obj=section.__name__
        )
    pd.testing.assert_frame_equal(
        weights.sample_vs_population(tsp, with_eu, "vilnius"),
        weights.sample_vs_population(tsp, population, "vilnius"),
    )


def test_audit_says_how_many_population_rows_were_excluded_and_why(demo):
    tsp, population, _ = demo
    with_eu = _with_eu_citizens(population, "vilnius")
    fake = SimpleNamespace(
        tsp_survey=SimpleNamespace(
            data=tsp, quarantine=pd.DataFrame({"reason": []}), log=None, rows_in=len(tsp)
        ),
        population=SimpleNamespace(
            data=with_eu,
            quarantine=pd.DataFrame({"reason": []}),
            log=None,
            rows_in=len(with_eu),
        ),
    )
    audit = datareview.quality_audit(fake, "vilnius")
    excluded = audit["population_excluded"].set_index("reason")
    mine = population[population["municipality"] == "vilnius"]
    assert excluded.loc["not_third_country", "rows"] == 2 * len(mine)
    assert excluded.loc["not_third_country", "people"] == 2 * mine["count"].sum()
    assert excluded.loc["not_third_country", "citizenships"] == "DE;PL"
    assert "not third-country" in excluded.loc["not_third_country", "explanation"]
    children = mine[~mine["age_group"].isin(margins.adult_age_groups())]
    assert excluded.loc["not_adult", "rows"] == len(children)
    # the sample comparison is the same with and without the EU rows
    fake.population.data = population
    plain = datareview.quality_audit(fake, "vilnius")
    pd.testing.assert_frame_equal(audit["representativeness"], plain["representativeness"])
    assert plain["population_excluded"].set_index("reason").loc["not_third_country", "rows"] == 0


def test_excluded_rows_hand_worked():
    pop = pd.DataFrame(
        {
            "citizenship": ["UA", "PL", "UA", "CH", "BY"],
            "age_group": ["25_34", "25_34", "0_17", "45_54", "0_17"],
            "count": [10, 7, 3, 2, 4],
        }
    )
    out = margins.excluded_rows(pop).set_index("reason")
    assert out.loc["not_third_country", ["rows", "people", "citizenships"]].tolist() == [
        2,
        9,
        "CH;PL",
    ]
    assert out.loc["not_adult", ["rows", "people"]].tolist() == [2, 7]


def _akmene_like():
    """Ten respondents, one of them 45–54: the raking merges 45–54 with 55–64 and 65+."""
    ages = ["18_24"] * 3 + ["25_34"] * 3 + ["35_44"] * 3 + ["45_54"]
    tsp = pd.DataFrame(
        {
            "municipality": "jonava",
            "sex": ["female", "male"] * 5,
            "age_group": pd.array(ages, dtype="str"),
        }
    )
    tsp["sex"] = tsp["sex"].astype("str")
    rows = [
        ("18_24", 200),
        ("25_34", 300),
        ("35_44", 300),
        ("45_54", 170),
        ("55_64", 30),
    ]
    pop = pd.DataFrame(
        [
            {
                "municipality": "jonava",
                "year": 2021,
                "citizenship": "UA",
                "sex": sex,
                "age_group": age,
                "residence_basis": "work",
                "count": count // 2,
            }
            for age, count in rows
            for sex in ("female", "male")
        ]
    )
    return tsp, pop


def test_sample_table_shows_the_categories_the_raking_met():
    tsp, pop = _akmene_like()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        weighted, rakes = weights.add_weights(tsp, pop, min_cell=1)
    rake = rakes["jonava"]
    table = weights.sample_vs_population(weighted, pop, "jonava", weight="weight", min_cell=1)
    ages = table[table["margin"] == "age_group"].set_index("category")
    # the one 45–54 respondent stands for 45–54 and 55–64 together: the row says so
    assert ages.index.tolist() == ["18_24", "25_34", "35_44", "45_54+55_64"]
    assert ages.loc["45_54+55_64", "population_share"] == pytest.approx(200 / 1000)
    # the weighted share matches the population on every row shown, so the summary's
    # remaining deviation (the largest weighted difference) is true of this table
    assert table["weighted_difference"].abs().max() == pytest.approx(rake.max_error, abs=1e-9)
    assert table["weighted_difference"].abs().max() < 1e-6
    # the same table from the rake result itself
    same = weights.sample_vs_population(weighted, pop, "jonava", weight="weight", rake=rake)
    pd.testing.assert_frame_equal(same, table)


def test_inconsistent_margins_warn_and_are_noted_in_the_summary():
    sample = pd.DataFrame(
        {"sex": ["female", "male"] * 10, "age": ["young"] * 10 + ["old"] * 10},
    )
    targets = {
        "sex": {"female": 400, "male": 600},
        "age": {"young": 700, "old": 500},  # 1,200 people, against 1,000 by sex
    }
    with pytest.warns(RuntimeWarning, match="sex totals 1,000 but age 1,200"):
        result = weights.rake(sample, targets)
    assert any("disagree" in note for note in result.summary()["notes"])
    assert result.summary()["inconsistent_margins"].startswith(
        "the population margins disagree: sex totals 1,000 but age 1,200"
    )
    assert result.weights.sum() == pytest.approx(1000)
    # consistent margins: no note, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = weights.rake(sample, {"sex": targets["sex"], "age": {"young": 600, "old": 400}})
    assert ok.notes == [] and ok.summary()["inconsistent_margins"] is None


def test_citizenship_grouping_is_one_rule():
    pop = pd.DataFrame({"citizenship": ["UA", "BY", "IN", "KZ"], "count": [500, 300, 200, 100]})
    sample = pd.Series(["UA"] * 12 + ["BY"] * 3 + ["IN"] * 10 + ["KZ"] * 11)
    assert margins.citizenship_groups(sample, pop) == ["UA", "IN", "KZ"]
    assert margins.citizenship_groups(sample, pop, max_groups=2) == ["UA", "IN"]
    assert margins.citizenship_groups(sample, pop, min_group_n=1, max_groups=2) == ["UA", "BY"]
