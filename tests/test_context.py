"""Population context (SPEC §2.1 item 2), on a hand-built population table.

Jonava 2021 TŠP: UA 300 + 50, BY 100, TJ 3 = 453 (a German citizen, 20, is not a TŠP);
Jonava 2020: UA 200, BY 50 = 250. Residents 45,300 (2021) and 46,000 (2020).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tsp_analysis import context
from tsp_analysis.errors import InputError

ROWS = [
    # municipality, year, citizenship, sex, age_group, residence_basis, count
    ("jonava", 2021, "UA", "male", "25_34", "work", 300),
    ("jonava", 2021, "UA", "female", "25_34", "family", 50),
    ("jonava", 2021, "BY", "male", "35_44", "work", 100),
    ("jonava", 2021, "TJ", "male", "18_24", "work", 3),
    ("jonava", 2021, "DE", "female", "35_44", "work", 20),
    ("jonava", 2020, "UA", "male", "25_34", "work", 200),
    ("jonava", 2020, "BY", "male", "35_44", "work", 50),
    ("vilnius", 2021, "UA", "female", "25_34", "work", 1000),
    ("vilnius", 2021, "IN", "male", "25_34", "study", 400),
    ("vilnius", 2021, "CN", "female", "45_54", "other", 4),
    ("kaunas", 2021, "UZ", "male", "25_34", "work", 2),
    ("lithuania", 2021, "UA", "male", "25_34", "work", 50000),
    ("lithuania", 2021, "BY", "female", "35_44", "family", 30000),
]


@pytest.fixture
def population() -> pd.DataFrame:
    cols = ["municipality", "year", "citizenship", "sex", "age_group", "residence_basis", "count"]
    frame = pd.DataFrame(ROWS, columns=cols)
    frame["year"] = frame["year"].astype("Int64")
    frame["count"] = frame["count"].astype("Int64")
    return frame


@pytest.fixture
def residents() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "municipality": ["jonava", "jonava", "vilnius", "kaunas", "lithuania"],
            "year": [2021, 2020, 2021, 2021, 2021],
            "residents": [45300, 46000, 560000, 300000, 2800000],
        }
    )
    return frame.astype({"year": "Int64", "residents": "Int64"})


def test_tsp_totals_count_third_country_citizens_only(population, residents):
    out = context.tsp_totals(population, residents).set_index(["municipality", "year"])
    assert out.loc[("jonava", 2021), "tsp"] == 453  # the German citizen is not a TŠP
    assert out.loc[("jonava", 2021), "share_pct"] == pytest.approx(1.0)  # 453 / 45,300
    assert out.loc[("jonava", 2020), "share_pct"] == pytest.approx(100 * 250 / 46000)
    assert out.loc[("vilnius", 2021), "tsp"] == 1404


def test_tsp_totals_country_row_is_not_the_sum_of_municipalities(population, residents):
    out = context.tsp_totals(population, residents)
    assert out["municipality"].tolist() == ["vilnius", "kaunas", "jonava", "jonava", "lithuania"]
    country = out[out["municipality"] == "lithuania"].iloc[0]
    assert country["tsp"] == 80000
    assert country["share_pct"] == pytest.approx(100 * 80000 / 2800000)


def test_tsp_totals_suppress_small_counts_but_not_zero(population, residents):
    out = context.tsp_totals(population, residents).set_index(["municipality", "year"])
    kaunas = out.loc[("kaunas", 2021)]
    assert kaunas["suppressed"] and pd.isna(kaunas["tsp"]) and math.isnan(kaunas["share_pct"])
    assert not out.loc[("jonava", 2021), "suppressed"]
    relaxed = context.tsp_totals(population, residents, min_count=2).set_index("municipality")
    assert relaxed.loc["kaunas", "tsp"] == 2


def test_tsp_totals_without_residents_figure_leave_share_missing(population, residents):
    out = context.tsp_totals(population, residents[residents["year"] == 2021])
    row = out[(out["municipality"] == "jonava") & (out["year"] == 2020)].iloc[0]
    assert row["tsp"] == 250 and pd.isna(row["residents"]) and math.isnan(row["share_pct"])


def test_top_citizenships_ranks_and_sums_the_rest_as_other(population):
    out = context.top_citizenships(population, "jonava", k=2, lang="en")
    assert out["citizenship"].tolist() == ["UA", "BY", "other"]
    assert out["rank"].tolist()[:2] == [1, 2] and pd.isna(out["rank"].iloc[2])
    assert out["count"].tolist()[:2] == [350, 100]
    assert out["share"].iloc[0] == pytest.approx(350 / 453)
    assert out["label"].tolist() == ["Ukraine", "Belarus", "Other"]
    # the remainder is the 3 Tajik citizens: below 5, suppressed, never shown as 0
    other = out.iloc[2]
    assert other["suppressed"] and pd.isna(other["count"]) and math.isnan(other["share"])
    assert (out["year"] == 2021).all()  # the latest year by default


def test_top_citizenships_in_an_earlier_year_without_other_row(population):
    out = context.top_citizenships(population, "jonava", year=2020, k=10)
    assert out["citizenship"].tolist() == ["UA", "BY"]
    assert out["share"].tolist() == pytest.approx([0.8, 0.2])


def test_top_citizenships_rejects_a_year_without_data(population):
    with pytest.raises(InputError, match="no year 2019"):
        context.top_citizenships(population, "jonava", year=2019)


def test_by_residence_basis_lists_every_basis_with_zeros(population):
    out = context.by_residence_basis(population, "jonava").set_index("residence_basis")
    assert out.index.tolist() == ["work", "family", "study", "protection", "other"]
    assert out["count"].tolist() == [403, 50, 0, 0, 0]  # work: 300 + 100 + 3
    assert out.loc["work", "share"] == pytest.approx(403 / 453)
    assert out.loc["study", "share"] == 0 and not out.loc["study", "suppressed"]


def test_by_sex_age_shares_of_all_tsp(population):
    out = context.by_sex_age(population, "jonava").set_index(["sex", "age_group"])
    assert len(out) == 2 * 7
    assert out.loc[("male", "25_34"), "count"] == 300
    assert out.loc[("male", "25_34"), "share"] == pytest.approx(300 / 453)
    assert out.loc[("female", "25_34"), "share"] == pytest.approx(50 / 453)
    small = out.loc[("male", "18_24")]
    assert small["suppressed"] and pd.isna(small["count"])
    # the visible shares plus the suppressed 3/453 make up the whole
    assert out["share"].sum() + 3 / 453 == pytest.approx(1.0)


def test_trend_changes_and_index_from_first_year(population, residents):
    out = context.trend(population, residents, "jonava")
    assert out["year"].tolist() == [2020, 2021]
    assert out["tsp"].tolist() == [250, 453]
    assert math.isnan(out["change_pct"].iloc[0])
    assert out["change_pct"].iloc[1] == pytest.approx(100 * (453 - 250) / 250)  # 81.2 %
    assert out["index"].tolist() == pytest.approx([100.0, 181.2])


def test_compare_municipalities_selected_first_then_others_then_country(population, residents):
    out = context.compare_municipalities(population, residents, "jonava").set_index("municipality")
    assert out.index.tolist() == ["jonava", "vilnius", "kaunas", "lithuania"]
    assert out["role"].tolist() == ["selected", "other", "other", "country"]
    jon = out.loc["jonava"]
    assert jon["share_female"] == pytest.approx(50 / 453)
    assert jon["share_work"] == pytest.approx(403 / 453)
    assert jon["share_family"] == pytest.approx(50 / 453)
    assert (jon["top_citizenship"], jon["top_citizenship_share"]) == (
        "UA",
        pytest.approx(350 / 453),
    )
    assert out.loc["vilnius", "share_study"] == pytest.approx(400 / 1404)
    assert out.loc["lithuania", "share_pct"] == pytest.approx(100 * 80000 / 2800000)
    kaunas = out.loc["kaunas"]  # 2 TŠP: every figure blanked
    assert kaunas["suppressed"] and pd.isna(kaunas["tsp"]) and pd.isna(kaunas["top_citizenship"])
    assert math.isnan(kaunas["share_work"])


def test_unknown_citizenship_code_is_an_input_error_naming_the_row(population, residents):
    population.loc[3, "citizenship"] = "Tadžikija"
    population["source_file"] = "population.csv"
    population["source_row"] = range(2, 2 + len(population))
    with pytest.raises(InputError, match=r"population.csv, row 5, column 'citizenship'"):
        context.tsp_totals(population, residents)


def test_unknown_municipality_is_a_clear_error(population):
    with pytest.raises(InputError, match="'siauliai' has no TŠP rows"):
        context.by_residence_basis(population, "siauliai")


def test_blank_key_in_population_is_an_error_not_a_vanished_row(population, residents):
    population["sex"] = population["sex"].astype("str")
    population.loc[2, "sex"] = None
    with pytest.raises(InputError, match=r"row 4, column 'sex'"):
        context.tsp_totals(population, residents)


def test_demo_country_total_is_the_published_2021_figure():
    # SPEC §3 / data/README.md: 79,145 TŠP lived in Lithuania on 1 January 2021
    from tsp_analysis.inputs import load_inputs

    data = load_inputs(datasets=["population", "residents"])
    totals = context.tsp_totals(data.population.data, data.residents.data)
    country = totals[(totals["municipality"] == "lithuania") & (totals["year"] == 2021)]
    assert country["tsp"].item() == 79145
