"""The synthetic-data generator and the committed demo data (``tsp_analysis/synth``, ``data/demo``).

Realism is checked with computations independent of the generator: files are read back with the
``csv`` module or pandas, correlations come from scipy, the ordinal model from statsmodels, and
expectations are the published figures or the facts of seed 003 typed in by hand.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tsp_analysis import paths, reference
from tsp_analysis.cli import main
from tsp_analysis.codebook import DATASETS, load_codebook
from tsp_analysis.synth import (
    DEMO_SEED,
    generate,
    provider_survey_frame,
    tsp_survey_frame,
)

ORDER = ["vilnius", "kaunas", "klaipeda", "siauliai", "jonava", "akmene"]
FILES = [f"{d}.csv" for d in DATASETS] + ["MANIFEST.json"]
DIRTY_KINDS = {
    "duplicate_respondent",
    "reused_id",
    "age_out_of_range",
    "rating_without_use",
    "straight_liner",
    "unknown_municipality",
    "eu_citizen",
    "municipality_spelling",
    "likert_label",
    "decimal_comma",
    "country_name",
}


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A fresh generation with the demo seed."""
    out = tmp_path_factory.mktemp("demo")
    generate(out, DEMO_SEED)
    return out


def read(folder: Path, dataset: str) -> pd.DataFrame:
    """A generated CSV as text, as a user would open it (empty cell = missing)."""
    return pd.read_csv(folder / f"{dataset}.csv", dtype=str, keep_default_na=False, na_values=[""])


def manifest(folder: Path) -> dict:
    return json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))


def dirty_rows(folder: Path) -> list[dict]:
    return manifest(folder)["dirty_rows"]["tsp_survey.csv"]


@pytest.fixture(scope="module")
def survey(demo) -> pd.DataFrame:
    return read(demo, "tsp_survey")


@pytest.fixture(scope="module")
def clean_survey(demo, survey) -> pd.DataFrame:
    """The demo survey without the rows the manifest lists as dirty (or their partners)."""
    drop = {e["row"] for e in dirty_rows(demo)}
    return survey.drop(index=sorted(drop))


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    """A larger clean sample for statistical checks."""
    sizes = {"vilnius": 8000, "kaunas": 5000, "klaipeda": 4000, "siauliai": 2000,
             "jonava": 1500, "akmene": 800}  # fmt: skip
    return tsp_survey_frame(sizes, seed=11, dirty=False)


def num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def substantive(series: pd.Series) -> pd.Series:
    """Likert answers 1–5 as numbers; don't know (8) and not applicable (9) missing."""
    x = num(series)
    return x.where(x <= 5)


# -- reproducibility ---------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate(tmp_path / "a", 5)
    generate(tmp_path / "b", 5)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_different_seed_gives_different_synthetic_files(tmp_path):
    generate(tmp_path / "a", 5)
    generate(tmp_path / "b", 6)
    for name in ("tsp_survey", "provider_survey", "population", "consultations"):
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        b = (tmp_path / "b" / f"{name}.csv").read_bytes()
        assert a != b, name
    # the transcription of a real table does not depend on the seed
    a = (tmp_path / "a" / "strategic_assessment.csv").read_bytes()
    assert a == (tmp_path / "b" / "strategic_assessment.csv").read_bytes()


def test_committed_demo_equals_a_fresh_generation_with_the_demo_seed(demo):
    committed = paths.demo_dir()
    assert sorted(p.name for p in committed.iterdir() if p.is_file()) == sorted(FILES)
    for name in FILES:
        assert (committed / name).read_bytes() == (demo / name).read_bytes(), (
            f"data/demo/{name} is not what `tsp-analysis synth --seed {DEMO_SEED}` writes; "
            "regenerate the demo data"
        )


def test_demo_data_stay_small():
    total = sum(p.stat().st_size for p in paths.demo_dir().iterdir())
    assert total < 5_000_000


def test_files_are_utf8_comma_separated_with_unix_line_endings(demo):
    for name in FILES[:-1]:
        raw = (demo / name).read_bytes()
        raw.decode("utf-8")  # raises if not UTF-8
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw, name
        header = raw.split(b"\n", 1)[0].decode()
        assert header.split(",")[0] in {
            "resp_id",
            "municipality",
            "consultation_id",
            "rec_id",
            "event_id",
            "engagement_id",
            "statement_id",
        }


def test_changing_one_municipality_size_leaves_the_others_unchanged():
    a = tsp_survey_frame({"vilnius": 40, "akmene": 10}, seed=3, dirty=False)
    b = tsp_survey_frame({"vilnius": 40, "akmene": 25}, seed=3, dirty=False)
    pd.testing.assert_frame_equal(a.iloc[:40], b.iloc[:40])
    assert len(b) == 65


def test_seed_must_be_a_non_negative_integer(tmp_path):
    with pytest.raises(ValueError, match="seed"):
        generate(tmp_path, -1)
    with pytest.raises(ValueError, match="unknown|no synthetic profile"):
        tsp_survey_frame({"riga": 10}, seed=1)


def test_activity_means_must_name_exactly_the_codes_of_their_value_set():
    from tsp_analysis.errors import ReferenceDataError
    from tsp_analysis.synth import activities

    types, means = activities._means("training", "participant_institution")
    assert sorted(means) == sorted(types)
    # the expert means are keyed by expert kinds, not by institution types
    with pytest.raises(ReferenceDataError, match=r"activity_participants\.csv: expert means .*"):
        activities._means("expert", "participant_institution")


# -- the codebook ------------------------------------------------------------------------------


def test_every_file_has_exactly_the_codebook_columns(demo):
    cb = load_codebook()
    for dataset in DATASETS:
        with open(demo / f"{dataset}.csv", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == cb.columns(dataset), dataset


def _violations(frame: pd.DataFrame, dataset: str) -> list[str]:
    """Every value not allowed by the codebook, checked from the codebook's declarations."""
    cb = load_codebook()
    countries = reference.countries().set_index("iso2")
    slugs = set(reference.municipality_slugs())
    out = []
    for q in cb.questions(dataset):
        col = frame[q.id]
        present = col.dropna()
        if q.required and col.isna().any():
            out.append(f"{q.id}: empty in a required column")
        if q.type in {"category", "likert", "binary"}:
            bad = present[~present.isin(cb.codes(q.value_set))]
        elif q.type == "municipality":
            bad = present[~present.isin(slugs)]
        elif q.type == "municipality_or_country":
            bad = present[~present.isin(slugs | {"lithuania"})]
        elif q.type == "country":
            ok = present.isin(countries.index[countries["third_country"]])
            bad = present[~ok]
        elif q.type == "area":
            bad = present[~present.isin(reference.area_ids())]
        elif q.type in {"integer", "number"}:
            pattern = r"-?\d+" if q.type == "integer" else r"-?\d+(\.\d+)?"
            well_formed = present.str.fullmatch(pattern)
            x = num(present)
            bad = present[~well_formed | (x < q.min) | (x > q.max)]
        elif q.type == "date":
            bad = present[~present.map(_is_iso_date)]
        elif q.type == "id":
            bad = present[present.duplicated()] if q.unique else present[present == ""]
        else:  # text
            bad = present[present.str.strip() == ""]
        out += [f"{q.id}: {v!r}" for v in bad.unique()[:5]]
    return out


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


def test_every_value_outside_the_dirty_rows_is_allowed_by_the_codebook(demo, clean_survey):
    assert _violations(clean_survey, "tsp_survey") == []
    for dataset in DATASETS[1:]:
        assert _violations(read(demo, dataset), dataset) == [], dataset


def test_a_survey_without_dirty_rows_is_entirely_valid(big):
    assert _violations(big, "tsp_survey") == []
    assert big.attrs["dirty_rows"] == []


def test_data_origin_is_synthetic_except_the_real_annex(demo):
    for dataset in DATASETS:
        origin = set(read(demo, dataset)["data_origin"])
        assert origin == ({"real"} if dataset == "strategic_assessment" else {"synthetic"})
    assert manifest(demo)["synthetic"] is True and manifest(demo)["seed"] == DEMO_SEED


def _condition(applies_if: str):
    """Parse ``need_education=yes`` / ``got_x=fully|partly`` from the codebook."""
    column, values = applies_if.split("=")
    return column, values.split("|")


def test_skip_logic_holds_in_clean_rows(clean_survey, big):
    cb = load_codebook()
    conditional = [q for q in cb.questions("tsp_survey") if q.applies_if]
    assert len(conditional) == 9 * 6  # got and 5 ratings per area
    for frame in (clean_survey, big):
        for q in conditional:
            column, values = _condition(q.applies_if)
            asked = frame[column].isin(values)
            assert frame.loc[~asked, q.id].isna().all(), q.id
            # and the question is really asked: most of those it applies to answer it
            if asked.sum() >= 50:
                assert frame.loc[asked, q.id].notna().mean() > 0.85, q.id


def test_dont_know_and_not_applicable_occur_at_realistic_rates(big):
    ratings = [c for c in big.columns if c.startswith("rate_")]
    answers = big[ratings].stack().dropna()
    assert 0.02 < (answers == "8").mean() < 0.07
    assert 0.005 < (answers == "9").mean() < 0.04
    needs = big[[c for c in big.columns if c.startswith("need_")]].stack().dropna()
    assert 0.01 < (needs == "dont_know").mean() < 0.06


def test_item_nonresponse_is_between_two_and_eight_percent_per_item(big):
    cb = load_codebook()
    always_asked = [
        q.id
        for q in cb.questions("tsp_survey")
        if not q.applies_if and q.group not in {"admin", "free_text"} and q.id != "municipality"
    ]
    rates = big[always_asked].isna().mean()
    assert rates.between(0.015, 0.09).all(), rates[~rates.between(0.015, 0.09)]
    assert big[["resp_id", "municipality", "data_origin"]].notna().all().all()


def test_about_one_respondent_in_ten_writes_a_comment(big):
    assert 0.07 < big["comment"].notna().mean() < 0.13


# -- realism of the survey ---------------------------------------------------------------------


def test_sample_sizes_are_ordered_vilnius_to_akmene(clean_survey):
    counts = clean_survey["municipality"].value_counts()
    sizes = [int(counts[s]) for s in ORDER]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 6
    assert 380 <= sizes[0] <= 440 and sizes[-1] <= 40  # Akmenė small: suppression gets used


def test_years_in_lithuania_and_lithuanian_level_are_positively_correlated(clean_survey, big):
    for frame in (clean_survey, big):
        years, level = num(frame["years_in_lt"]), num(frame["lt_level"])
        ok = years.notna() & level.notna()
        rho = stats.spearmanr(years[ok], level[ok]).statistic
        assert 0.4 < rho < 0.9


def test_satisfaction_is_higher_with_good_lithuanian(clean_survey):
    level = num(clean_survey["lt_level"])
    sat = substantive(clean_survey["satisfaction"])
    assert sat[level >= 4].mean() - sat[level <= 2].mean() > 0.5


def test_unmet_need_falls_and_ratings_rise_with_lithuanian_level(big):
    level = num(big["lt_level"])
    needs = [c[5:] for c in big.columns if c.startswith("need_")]
    needed = pd.concat([big[f"need_{a}"] == "yes" for a in needs], axis=1).to_numpy()
    unmet = pd.concat([big[f"got_{a}"].isin(["partly", "no"]) for a in needs], axis=1).to_numpy()
    low, high = (level <= 2).to_numpy(), (level >= 4).to_numpy()
    share = lambda rows: unmet[rows].sum() / needed[rows].sum()  # noqa: E731
    assert share(high) < share(low) - 0.15
    access = big[[c for c in big.columns if c.endswith("_accessibility")]].apply(substantive)
    assert access[high].stack().mean() > access[low].stack().mean() + 0.5


def test_residence_basis_drives_which_areas_are_needed(big):
    basis = big["residence_basis"]

    def need(area, group):
        answered = big[f"need_{area}"].isin(["yes", "no"]) & (basis == group)
        return (big.loc[answered, f"need_{area}"] == "yes").mean()

    assert need("education", "family") > need("education", "work") + 0.2
    assert need("social_housing", "protection") > need("social_housing", "work") + 0.3
    assert need("employment", "work") > need("employment", "study") + 0.1
    assert need("culture", "study") > need("culture", "work") + 0.1


def test_bigger_cities_score_higher_on_coverage(big):
    cov = big[[c for c in big.columns if c.endswith("_coverage")]].apply(substantive)
    municipality = big["municipality"]
    by_muni = cov.sum(axis=1).groupby(municipality).sum() / (
        cov.notna().sum(axis=1).groupby(municipality).sum()
    )
    assert by_muni["vilnius"] > by_muni["siauliai"] > by_muni["akmene"]


def test_satisfaction_model_recovers_a_positive_effect_of_lithuanian(big):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    y = substantive(big["satisfaction"])
    x = pd.DataFrame(
        {
            "lt_level": num(big["lt_level"]),
            "years_in_lt": num(big["years_in_lt"]),
            "female": (big["sex"] == "female").astype(float).where(big["sex"].notna()),
            "age": num(big["age"]),
        }
    )
    x = x.join(pd.get_dummies(big["residence_basis"], prefix="basis", drop_first=True, dtype=float))
    ok = y.notna() & x.notna().all(axis=1)
    fit = OrderedModel(y[ok].astype(int), x[ok], distr="logit").fit(method="bfgs", disp=False)
    low, high = fit.conf_int().loc["lt_level"]
    assert low > 0.3 and high < 1.5


def test_sample_over_represents_women_and_students_so_weighting_matters(demo, clean_survey):
    pop = pd.read_csv(demo / "population.csv")
    adult = pop[(pop["year"] == 2021) & pop["municipality"].isin(ORDER)
                & (pop["age_group"] != "0_17")]  # fmt: skip

    def share(col, value):
        return adult.loc[adult[col] == value, "count"].sum() / adult["count"].sum()

    answered = clean_survey["sex"].isin(["female", "male"])
    assert (clean_survey.loc[answered, "sex"] == "female").mean() > share("sex", "female") + 0.05
    basis = clean_survey["residence_basis"].dropna()
    assert (basis == "study").mean() > 1.5 * share("residence_basis", "study")


def test_jonava_has_the_largest_share_under_international_protection(demo, big):
    pop = pd.read_csv(demo / "population.csv")
    p = pop[(pop["year"] == 2021) & pop["municipality"].isin(ORDER)]
    shares = p[p["residence_basis"] == "protection"].groupby("municipality")["count"].sum() / (
        p.groupby("municipality")["count"].sum()
    )
    assert shares.idxmax() == "jonava" and shares["jonava"] > 0.15
    in_sample = (big["residence_basis"] == "protection").groupby(big["municipality"]).mean()
    assert in_sample.idxmax() == "jonava"


def test_resp_ids_have_the_municipality_prefix(clean_survey):
    assert clean_survey["resp_id"].str.fullmatch(r"(VLN|KNS|KLP|SIA|JON|AKM)-\d{4}").all()
    assert (
        clean_survey.loc[clean_survey["municipality"] == "vilnius", "resp_id"]
        .str.startswith("VLN-")
        .all()
    )


# -- dirty rows ---------------------------------------------------------------------------------


def test_dirty_rows_are_a_documented_handful(demo, survey):
    log = dirty_rows(demo)
    assert {e["kind"] for e in log} == DIRTY_KINDS
    rows = {e["row"] for e in log}
    assert 0.01 <= len(rows) / len(survey) <= 0.03
    readme = (Path(paths.data_dir()) / "README.md").read_text(encoding="utf-8")
    for kind in DIRTY_KINDS:
        assert f"`{kind}`" in readme, f"data/README.md does not document {kind}"


def test_each_dirty_value_is_in_the_csv_where_the_manifest_says(demo):
    with open(demo / "tsp_survey.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))  # table[0] is spreadsheet row 1 (the header)
    header = table[0]
    for e in dirty_rows(demo):
        row = table[e["source_row"] - 1]
        assert row[header.index("resp_id")] == e["resp_id"]
        if e["column"] is not None:
            assert row[header.index(e["column"])] == e["value"], e


def test_the_documented_messy_values_are_present(survey):
    municipalities = set(survey["municipality"])
    for spelling in ("Vilniaus m. sav.", "KAUNO MIESTO", "Siauliy m.", "Klaipedos",
                     "Jonavos r.", "Akmenės rajono savivaldybė", "Trakų r. sav."):  # fmt: skip
        assert spelling in municipalities
    ratings = set(survey[[c for c in survey.columns if c.startswith("rate_")]].stack())
    assert {"Gerai", "Very good", "Nežinau"} <= ratings
    assert {"Ukraina", "Belarus", "PL"} <= set(survey["citizenship"].dropna())
    assert survey["years_in_lt"].str.contains(",").sum() == 1
    assert {"7", "150"} <= set(survey["age"].dropna())


def test_duplicates_and_reused_ids_are_what_they_claim(demo, survey):
    log = dirty_rows(demo)
    for e in (e for e in log if e["kind"] == "duplicate_respondent"):
        original = int(e["detail"].split()[-1]) - 2
        a, b = survey.iloc[e["row"]], survey.iloc[original]
        assert a.equals(b)
    reused = [e for e in log if e["kind"] == "reused_id"]
    assert len(reused) == 2 and reused[0]["resp_id"] == reused[1]["resp_id"]
    a, b = survey.iloc[reused[0]["row"]], survey.iloc[reused[1]["row"]]
    assert not a.drop("resp_id").equals(b.drop("resp_id"))
    # apart from those, ids are unique
    doubled = [e["row"] for e in log if e["kind"] in {"duplicate_respondent", "reused_id"}]
    others = survey.drop(index=doubled)
    assert not others["resp_id"].duplicated().any()


def test_the_only_straight_liner_is_the_documented_one(demo, survey):
    ratings = survey[[c for c in survey.columns if c.startswith("rate_")]]
    answered = ratings.notna().sum(axis=1)
    straight = (ratings.nunique(axis=1) == 1) & (answered >= 10)
    documented = [e["row"] for e in dirty_rows(demo) if e["kind"] == "straight_liner"]
    assert sorted(np.flatnonzero(straight.to_numpy())) == documented


def test_rating_without_use_breaks_the_skip_logic_once(demo, survey):
    (e,) = [e for e in dirty_rows(demo) if e["kind"] == "rating_without_use"]
    area = re.match(r"rate_(.+)_[a-z]+$", e["column"]).group(1)
    assert survey.iloc[e["row"]][f"need_{area}"] == "no"
    assert survey.iloc[e["row"]][e["column"]] in {"1", "2", "3", "4", "5"}


def test_a_large_survey_frame_is_generated(big):
    sizes = {"vilnius": 80_000, "kaunas": 45_000, "klaipeda": 35_000, "siauliai": 20_000,
             "jonava": 12_000, "akmene": 8_000}  # fmt: skip
    frame = tsp_survey_frame(sizes, seed=2)
    log = frame.attrs["dirty_rows"]
    assert len(frame) == 200_000 + sum(e["kind"] == "duplicate_respondent" for e in log)
    assert list(frame.columns) == load_codebook().columns("tsp_survey")
    assert all(str(frame[c].dtype) == "str" for c in frame.columns)
    assert 0.01 < len({e["row"] for e in log}) / len(frame) < 0.03


# -- population and residents -------------------------------------------------------------------


def test_country_total_in_2021_is_the_published_79145(demo):
    with open(demo / "population.csv", encoding="utf-8", newline="") as fh:
        total = sum(
            int(r["count"]) for r in csv.DictReader(fh)
            if r["municipality"] == "lithuania" and r["year"] == "2021"
        )  # fmt: skip
    assert total == 79_145


def test_country_is_never_smaller_than_the_sum_of_the_six_in_any_cell(demo):
    pop = pd.read_csv(demo / "population.csv")
    keys = ["year", "citizenship", "sex", "age_group", "residence_basis"]
    country = pop[pop["municipality"] == "lithuania"].set_index(keys)["count"]
    six = pop[pop["municipality"].isin(ORDER)].groupby(keys)["count"].sum()
    country = country.reindex(six.index.union(country.index), fill_value=0)
    six = six.reindex(country.index, fill_value=0)
    assert (country >= six).all()
    totals = pop.groupby(["municipality", "year"])["count"].sum().unstack()
    assert (totals.loc["lithuania"] >= totals.loc[ORDER].sum()).all()


def test_population_has_plausible_scale_and_mix(demo):
    pop = pd.read_csv(demo / "population.csv")
    assert sorted(pop["year"].unique()) == [2017, 2018, 2019, 2020, 2021]
    assert set(pop["municipality"]) == set(ORDER) | {"lithuania"}
    assert (pop["count"] > 0).all()
    assert "0_17" in set(pop["age_group"])
    totals = pop.groupby(["municipality", "year"])["count"].sum()
    assert 40_000 <= totals[("lithuania", 2017)] <= 45_000
    assert 0.40 <= totals[("vilnius", 2021)] / 79_145 <= 0.50
    assert totals[("vilnius", 2021)] > totals[("kaunas", 2021)] > totals[("klaipeda", 2021)]
    assert 1_000 <= totals[("siauliai", 2021)] < 10_000
    assert 700 <= totals[("jonava", 2021)] <= 1_500
    assert 100 <= totals[("akmene", 2021)] < 1_000
    mix = pop[(pop["municipality"] == "lithuania") & (pop["year"] == 2021)]
    top3 = mix.groupby("citizenship")["count"].sum().nlargest(3).index
    assert set(top3) == {"UA", "BY", "RU"}
    refugees = mix[mix["residence_basis"] == "protection"]
    assert {"SY", "AF", "IQ", "TJ"} <= set(refugees["citizenship"])


def test_residents_match_statistics_lithuania_orders_of_magnitude(demo):
    res = pd.read_csv(demo / "residents.csv").set_index(["municipality", "year"])["residents"]
    assert res[("lithuania", 2021)] == 2_795_680
    expected = {"vilnius": 556_000, "kaunas": 298_000, "klaipeda": 148_000,
                "siauliai": 100_000, "jonava": 41_000, "akmene": 20_000}  # fmt: skip
    for slug, value in expected.items():
        assert abs(res[(slug, 2021)] - value) / value < 0.05, slug
    for year in range(2017, 2022):
        assert res[("lithuania", year)] >= sum(res[(s, year)] for s in ORDER)


# -- provider survey ----------------------------------------------------------------------------


def test_provider_sample_sizes_and_training_effect(demo):
    prov = read(demo, "provider_survey")
    counts = prov["municipality"].value_counts()
    assert [int(counts[s]) for s in ORDER] == [45, 30, 28, 22, 15, 10]
    big = provider_survey_frame({"vilnius": 3000}, seed=4)
    comp = big[[c for c in big.columns if c.startswith("competence_")]].apply(substantive)
    res = big[[c for c in big.columns if c.startswith("resources_")]].apply(substantive)
    trained = big["training"] == "yes"
    untrained = big["training"] == "no"
    assert comp[trained].stack().mean() > comp[untrained].stack().mean() + 0.2
    assert res.stack().mean() < comp.stack().mean()
    # housing resources are scarce: the lowest-resourced area
    assert res.mean().idxmin() in {"resources_social_housing", "resources_womens_rights"}


# -- monitoring inputs --------------------------------------------------------------------------


def test_consultations_match_the_interim_report(demo):
    c = read(demo, "consultations")
    held = c[c["status"] == "held"]
    assert len(c) == 48 and len(held) == 24
    assert (held["municipality"] == "jonava").sum() == 6
    assert held["held_date"].between("2021-11-09", "2022-02-23").all()
    kaunas = c[c["municipality"] == "kaunas"]
    assert (kaunas["status"] == "held").sum() <= 1
    assert set(kaunas.loc[kaunas["status"] != "held", "status"]) == {"cancelled"}
    rest = c[(c["municipality"] != "kaunas") & (c["status"] != "held")]
    assert set(rest["status"]) == {"planned"} and (rest["planned_date"] > "2022-02-23").all()
    assert c.loc[c["status"] != "held", "held_date"].isna().all()
    assert c["topic"].notna().all()


def test_strategic_assessment_is_annex1_of_seed_003(demo):
    sa = read(demo, "strategic_assessment")
    components = reference.table("strategic_components")["component"].tolist()
    assert len(sa) == 7 * 6 and set(sa["component"]) == set(components)
    assert (sa["assessed_on"] == "2022-02-23").all()
    for rec in sa.itertuples():
        marked = rec.municipality != "kaunas" or rec.component == "council_adoption"
        assert rec.level == ("included" if marked else "not_included"), rec
        assert (rec.source_mark == "+") if marked else pd.isna(rec.source_mark)


def test_recommendations_never_go_backwards_and_kaunas_lags(demo):
    r = read(demo, "recommendations")
    rank = {"not_implemented": 0, "partly_implemented": 1, "implemented": 2}
    interim, final = r["status_interim"].map(rank), r["status_final"].map(rank)
    assert (final >= interim).all()
    # the register lists every recommendation of each municipality's needs analysis, keyed by
    # its recommendation_id (test_monitoring checks it against the needs analysis itself)
    assert r.groupby("municipality").size().ge(6).all()
    assert (r["rec_id"].str.split("-").str[0] == r["municipality"]).all()
    assert set(r["municipality"]) == set(ORDER)
    by_muni = final.groupby(r["municipality"]).mean()
    assert by_muni["kaunas"] < by_muni.drop("kaunas").min()
    assert r["title_lt"].notna().all() and r["title_en"].notna().all()
    assert not r["rec_id"].duplicated().any()


# -- command line --------------------------------------------------------------------------------


def test_cli_writes_every_file(tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    assert manifest(tmp_path)["seed"] == 3
    assert "tsp_survey" in capsys.readouterr().out


def test_cli_rejects_a_negative_seed(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["synth", "--out", str(tmp_path), "--seed", "-4"])
    assert exc.value.code == 2
    assert "seed" in capsys.readouterr().err
