"""Data review (SPEC §2.2): inventory, indicator availability, coverage, gap recommendations
and the quality audit of a run's inputs.

The shipped reference tables are checked for integrity and against the brief's list of sources
and indicators; the computations are checked on a small hand-made indicator table and a fake
``Inputs`` bundle whose every number is worked out in the comments.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import datareview, paths, reference
from tsp_analysis.errors import ReferenceDataError

# -- the shipped reference tables ------------------------------------------------------------


def read_csv(name: str) -> list[dict[str, str]]:
    with open(paths.reference_dir() / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_inventory_covers_the_sources_named_in_the_review():
    ids = {r["source_id"] for r in read_csv("data_sources.csv")}
    needed = {
        "residents_register",
        "migris",
        "official_statistics",
        "employment_service",
        "sodra",
        "svis",
        "pupils_register",
        "students_register",
        "health_insurance",
        "spis",
        "municipal_records",
        "red_cross",
        "caritas",
        "tax_inspectorate",
    }
    assert needed <= ids


def test_every_source_says_where_its_values_are_an_assessment():
    for row in read_csv("data_sources.csv"):
        assert row["note"].strip(), row["source_id"]


def test_indicators_cover_every_domain_and_both_levels():
    table = datareview.indicators()
    assert set(table["domain"]) == {
        "employment",
        "education",
        "social_inclusion",
        "health",
        "active_citizenship",
    }
    per = table.groupby("indicator_id")["level"].apply(sorted)
    assert (per.apply(lambda lv: lv == ["municipal", "national"])).all()
    for iid in ["employment_rate", "early_leavers", "at_risk_of_poverty", "naturalisation_rate"]:
        assert iid in set(table["indicator_id"])


def test_coverage_of_shipped_table_matches_a_plain_count_of_the_csv():
    # independent of pandas: count the CSV rows by hand
    rows = read_csv("indicators.csv")
    points = {"available": 1.0, "partial": 0.5, "not_available": 0.0}
    for level in ("national", "municipal"):
        mine = [r for r in rows if r["level"] == level]
        expected = sum(points[r["availability"]] for r in mine) / len(mine)
        got = datareview.coverage_scores()
        got = got[(got["level"] == level) & (got["domain"] == "all")]["coverage"].item()
        assert got == pytest.approx(expected)


def test_inventory_labels_in_both_languages():
    en = datareview.inventory("en")
    assert en.loc["sodra", "Periodicity"] == "Monthly"
    assert en.loc["tax_inspectorate", "Publication"] == "On request"
    assert en.loc["spis", "Breakdowns"] == "sex, age, municipality"
    assert "Note" in en.columns
    lt = datareview.inventory("lt")
    assert lt.loc["sodra", "Periodiškumas"] == "Kas mėnesį"
    assert lt.loc["migris", "Mašininio skaitymo formatas"] == "Ne"
    assert len(lt) == len(read_csv("data_sources.csv"))


# -- computations on a hand-made indicator table ----------------------------------------------

HEADER = (
    "indicator_id,order,domain,zaragoza_core,label_lt,label_en,definition_lt,definition_en,"
    "level,availability,source_ids,gap,gap_source_ids,note"
)
INDICATORS = (
    "\n".join(
        [
            HEADER,
            "a_rate,1,employment,true,A lygis,A rate,d,d,national,available,sodra,,,",
            "a_rate,1,employment,true,A lygis,A rate,d,d,municipal,partial,"
            "sodra;tax_inspectorate,not_published,tax_inspectorate,",
            "b_rate,2,employment,false,B lygis,B rate,d,d,national,partial,"
            "labour_force_survey,sample_too_small,labour_force_survey,",
            "b_rate,2,employment,false,B lygis,B rate,d,d,municipal,not_available,"
            "labour_force_survey,not_collected,labour_force_survey,",
            "c_share,3,health,true,C dalis,C share,d,d,national,not_available,"
            "spis,no_citizenship_breakdown,spis,",
            "c_share,3,health,true,C dalis,C share,d,d,municipal,available,health_insurance,,,",
        ]
    )
    + "\n"
)


@pytest.fixture
def small_reference(tmp_path, monkeypatch):
    """A copy of the reference folder with the hand-made indicator table."""
    target = tmp_path / "data"
    shutil.copytree(paths.reference_dir(), target / "reference")
    (target / "reference" / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    monkeypatch.setenv("TSP_ANALYSIS_DATA", str(target))
    return target / "reference"


def test_coverage_counts_partial_as_half(small_reference):
    out = datareview.coverage_scores().set_index(["level", "domain"])
    # national: employment a=1, b=0.5 → 0.75; health c=0 → 0; all 1.5/3
    assert out.loc[("national", "employment"), "coverage"] == pytest.approx(0.75)
    assert out.loc[("national", "health"), "coverage"] == 0
    assert out.loc[("national", "all"), "coverage"] == pytest.approx(0.5)
    # municipal: a=0.5, b=0 → 0.25; c=1; all 1.5/3
    assert out.loc[("municipal", "employment"), "coverage"] == pytest.approx(0.25)
    assert out.loc[("municipal", "health"), "coverage"] == 1
    assert out.loc[
        ("municipal", "employment"), ["available", "partial", "not_available"]
    ].tolist() == [0, 1, 1]
    # a domain without indicators has no coverage rather than 0
    assert np.isnan(out.loc[("national", "education"), "coverage"])


def test_indicator_availability_matrix_in_english(small_reference):
    out = datareview.indicator_availability(lang="en").set_index("indicator_id")
    assert out.index.tolist() == ["a_rate", "b_rate", "c_share"]
    assert out.loc["a_rate", "national"] == "Available"
    assert out.loc["a_rate", "municipal"] == "Partly available"
    assert out.loc["a_rate", "municipal_sources"] == (
        "Social insurance records of insured persons, Register of Taxpayers and income declarations"
    )
    assert out.loc["c_share", "domain"] == "Health"
    codes = datareview.indicator_availability(level="municipal")
    assert codes.columns.tolist() == [
        "domain",
        "indicator_id",
        "indicator",
        "zaragoza_core",
        "municipal",
        "municipal_sources",
    ]
    assert codes["municipal"].tolist() == ["partial", "not_available", "available"]


def test_gap_recommendations_fill_the_rule_template(small_reference):
    recs = datareview.data_gap_recommendations("en")
    assert list(zip(recs["level"], recs["indicator_id"], strict=True)) == [
        ("national", "b_rate"),
        ("national", "c_share"),
        ("municipal", "b_rate"),  # not available before partly available in a domain
        ("municipal", "a_rate"),
    ]
    text = recs.set_index(["level", "indicator_id"]).loc[("municipal", "a_rate"), "recommendation"]
    assert text == (
        "A rate (municipal level): the data are held but not published (Register of Taxpayers "
        "and income declarations). Recommendation: publish regular aggregate tables by "
        "citizenship group as open data."
    )
    lt = datareview.data_gap_recommendations("lt", level="national")
    assert (
        lt["recommendation"]
        .iloc[1]
        .startswith(
            "C dalis (nacionalinis lygmuo): duomenys neišskaidomi pagal pilietybę "
            "(Socialinės paramos šeimai informacinė sistema (SPIS))."
        )
    )


def test_indicator_with_unknown_source_is_a_reference_error(small_reference):
    path = small_reference / "indicators.csv"
    path.write_text(INDICATORS.replace("sodra,,,", "sodraa,,,"), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="'sodraa' is not in data_sources.csv"):
        datareview.indicators()


def test_available_indicator_with_a_gap_is_a_reference_error(small_reference):
    path = small_reference / "indicators.csv"
    path.write_text(
        INDICATORS.replace(
            "national,available,sodra,,,", "national,available,sodra,infrequent,sodra,"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="an available indicator has a gap"):
        datareview.indicators()


# -- quality audit ----------------------------------------------------------------------------

RATES = [
    f"rate_education_{c}"
    for c in ["coverage", "relevance", "accessibility", "quality", "inclusion"]
]
NA = None
SURVEY = [
    # resp_id, municipality, sex, age_group, citizenship, basis, need, got, 5 ratings
    ("v1", "vilnius", "female", "25_34", "UA", "work", "yes", "fully", [4, 4, 4, 4, 4]),
    ("v2", "vilnius", "female", "25_34", "UA", "work", "yes", "partly", [5, 3, 8, 2, 1]),
    ("v3", "vilnius", "female", "35_44", "BY", "family", "yes", NA, [NA] * 5),
    ("v4", "vilnius", "female", "18_24", "IN", "study", "no", NA, [NA] * 5),
    ("v5", "vilnius", "refused", NA, NA, "work", "dont_know", NA, [NA] * 5),
    ("v6", "vilnius", "male", "25_34", "KZ", NA, NA, NA, [NA] * 5),
    ("k1", "kaunas", "male", "25_34", "UA", "work", "yes", "no", [NA] * 5),
    ("k2", "kaunas", "male", "25_34", "UA", "work", "yes", "fully", [3, 3, 3, 3, 3]),
    ("k3", "kaunas", "male", "25_34", "UA", "work", "yes", "fully", [5, 4, 5, 4, 5]),
    ("k4", "kaunas", "male", "25_34", "UA", "work", "yes", "fully", [3, 3, 3, 3, 3]),  # = k2
]
POPULATION = [
    # municipality, year, citizenship, sex, age_group, residence_basis, count
    ("vilnius", 2021, "UA", "female", "25_34", "work", 300),
    ("vilnius", 2021, "UA", "male", "25_34", "family", 200),
    ("vilnius", 2021, "BY", "female", "35_44", "work", 300),
    ("vilnius", 2021, "IN", "male", "25_34", "study", 150),
    ("vilnius", 2021, "KZ", "male", "45_54", "other", 50),
    ("vilnius", 2021, "UA", "female", "0_17", "family", 1000),  # children: not in the frame
    ("vilnius", 2021, "DE", "female", "25_34", "work", 500),  # EU citizens: not TŠP
    ("vilnius", 2020, "UA", "female", "25_34", "work", 999),  # an earlier year
    ("kaunas", 2021, "UA", "male", "25_34", "work", 400),
]
SECRET = "my landlord at Gedimino 1"


def clean_result(data, quarantine=None, log=None, rows_in=None):
    quarantine = (
        quarantine if quarantine is not None else pd.DataFrame({"reason": pd.Series(dtype="str")})
    )
    log = log if log is not None else pd.DataFrame(columns=["column", "action", "reason", "count"])
    rows_in = len(data) + len(quarantine) if rows_in is None else rows_in
    return SimpleNamespace(data=data, quarantine=quarantine, log=log, rows_in=rows_in)


def fake_inputs() -> SimpleNamespace:
    recs = []
    for i, (rid, muni, sex, age, cit, basis, need, got, rates) in enumerate(SURVEY):
        rec = {
            "resp_id": rid,
            "municipality": muni,
            "sex": sex,
            "citizenship": cit,
            "residence_basis": basis,
            "need_education": need,
            "got_education": got,
            **dict(zip(RATES, rates, strict=True)),
            "comment": SECRET,
            "age_group": age,
            "source_file": "tsp.csv",
            "source_row": i + 2,
        }
        recs.append(rec)
    data = pd.DataFrame(recs)
    for col in RATES:
        data[col] = data[col].astype("Int16")
    for col in [
        "sex",
        "age_group",
        "citizenship",
        "residence_basis",
        "need_education",
        "got_education",
    ]:
        data[col] = data[col].astype("str")
    quarantine = pd.DataFrame(
        {
            "resp_id": ["v1", "k9", "t1", "v8"],
            "municipality": ["Vilniaus m.", "Kauno miesto", "Trakų r.", "vilnius"],
            "comment": [SECRET] * 4,
            "source_file": "tsp.csv",
            "source_row": [12, 13, 14, 15],
            "reason": ["duplicate_id", "straight_lining", "unknown_municipality", "out_of_range"],
            "detail": [
                "duplicate_id: ...",
                "straight_lining: ...",
                "unknown: 'Trakų r.'",
                "age 151",
            ],
        }
    )
    log = pd.DataFrame(
        {
            "source_file": "tsp.csv",
            "source_row": pd.array([pd.NA, pd.NA, 12, 15], dtype="Int64"),
            "column": ["sex", "need_education", "resp_id", "age"],
            "old": ["Moteris", "Taip", "v1", "151"],
            "new": ["female", "yes", pd.NA, pd.NA],
            "action": ["recoded", "recoded", "quarantined", "quarantined"],
            "reason": [pd.NA, pd.NA, "duplicate_id", "out_of_range"],
            "count": [4, 6, 1, 1],
            "detail": ["", "", "", "age 151 > 99"],
        }
    )
    population = pd.DataFrame(
        POPULATION,
        columns=[
            "municipality",
            "year",
            "citizenship",
            "sex",
            "age_group",
            "residence_basis",
            "count",
        ],
    ).astype({"year": "Int64", "count": "Int64"})
    residents = pd.DataFrame(
        {"municipality": ["vilnius", "vilnius"], "year": [2021, 2021], "residents": [1, 2]}
    ).astype({"year": "Int64", "residents": "Int64"})
    return SimpleNamespace(
        tsp_survey=clean_result(data, quarantine, log),
        population=clean_result(population),
        residents=clean_result(residents, rows_in=5),  # accounting broken on purpose
    )


def test_audit_rows_per_municipality_with_unattributed_quarantine():
    audit = datareview.quality_audit(fake_inputs(), "vilnius")
    rows = audit["rows"].set_index("dataset")
    tsp = rows.loc["tsp_survey"]
    # Vilnius: 6 accepted; quarantined "Vilniaus m." and "vilnius"; "Trakų r." is no one's
    assert (tsp["accepted"], tsp["quarantined"], tsp["received"]) == (6, 2, 8)
    assert tsp["quarantined_unattributed"] == 1
    assert (tsp["rows_in"], tsp["balanced"]) == (14, True)
    assert not rows.loc["residents", "balanced"]  # 5 ≠ 2 + 0
    reasons = audit["quarantine"]
    reasons = reasons[reasons["dataset"] == "tsp_survey"].set_index("reason")
    assert reasons["rows"].to_dict() == {
        "duplicate_id": 1,
        "out_of_range": 1,
        "unknown_municipality": 0,
    }
    assert reasons.loc["unknown_municipality", "unattributed"] == 1


def test_audit_whole_country_counts_every_row():
    rows = datareview.quality_audit(fake_inputs(), "lithuania")["rows"].set_index("dataset")
    assert rows.loc["tsp_survey", ["received", "accepted", "quarantined"]].tolist() == [14, 10, 4]


def test_nonresponse_follows_the_routing_and_separates_dont_know():
    nr = datareview.quality_audit(fake_inputs(), "vilnius")["nonresponse"].set_index("question")
    need = nr.loc["need_education"]
    # asked of all 6; v5 don't know, v6 blank; 4 answered
    assert need[["asked", "answered", "blank", "dont_know"]].tolist() == [6, 4, 1, 1]
    assert need["nonresponse_rate"] == pytest.approx(2 / 6)
    got = nr.loc["got_education"]
    # asked of need = yes (v1, v2, v3); v3 blank; v6 left need blank: routing unknown
    assert got[["asked", "answered", "blank", "routing_unknown"]].tolist() == [3, 2, 1, 1]
    acc = nr.loc["rate_education_accessibility"]
    # asked of got = fully|partly (v1, v2); v2 answered 8 = don't know; v3 and v6 unknown
    assert acc[["asked", "answered", "dont_know", "routing_unknown"]].tolist() == [2, 1, 1, 2]
    sex = nr.loc["sex"]
    assert sex[["asked", "answered", "refused"]].tolist() == [6, 5, 1]
    assert "comment" not in nr.index and "resp_id" not in nr.index


def test_straightlining_per_area_grid():
    country = datareview.quality_audit(fake_inputs())["straightlining"].set_index("area")
    # complete education grids: v1 (4s), k2 (3s), k3 (mixed), k4 (3s); v2 has a don't know
    assert country.loc["education", ["items", "complete", "straightlined"]].tolist() == [5, 4, 3]
    assert country.loc["education", "share"] == pytest.approx(3 / 4)
    vilnius = datareview.quality_audit(fake_inputs(), "vilnius")["straightlining"].set_index("area")
    assert vilnius.loc["education", ["complete", "straightlined"]].tolist() == [1, 1]


def test_duplicates_report_identical_answers_and_key_collisions():
    dup = datareview.quality_audit(fake_inputs())["duplicates"].set_index("dataset")
    assert dup.loc["tsp_survey", "key"] == "resp_id"
    assert dup.loc["tsp_survey", "duplicate_keys"] == 0
    assert dup.loc["tsp_survey", "identical_rows"] == 1  # k4 repeats k2 under another id
    assert dup.loc["tsp_survey", "quarantined_duplicate_id"] == 1
    assert dup.loc["residents", "key"] == "municipality, year"
    assert dup.loc["residents", "duplicate_keys"] == 1


def test_cleaning_log_is_counted_without_values_or_rows():
    log = datareview.quality_audit(fake_inputs())["cleaning_log"]
    assert log.columns.tolist() == ["dataset", "column", "action", "reason", "entries", "cells"]
    sex = log[(log["column"] == "sex")].iloc[0]
    assert (sex["action"], sex["entries"], sex["cells"]) == ("recoded", 1, 4)
    q = log[log["action"] == "quarantined"].set_index("reason")
    assert q["cells"].to_dict() == {"duplicate_id": 1, "out_of_range": 1}


def test_sample_profile_against_adult_tsp_population():
    audit = datareview.quality_audit(
        fake_inputs(), "vilnius", min_count=1, k_citizenships=2, min_group_n=1
    )
    dis = audit["dissimilarity"].set_index("variable")
    assert (dis["year"] == 2021).all()
    # sex: sample 4 female / 1 male (1 refused); population adults 600 / 400 → ½(.2 + .2)
    assert dis.loc["sex", ["sample_valid", "sample_missing"]].tolist() == [5, 1]
    assert dis.loc["sex", "dissimilarity"] == pytest.approx(0.2)
    # citizenship, top 2 = UA 500, BY 300, other 200; sample UA 2, BY 1, other (IN, KZ) 2
    assert dis.loc["citizenship", "dissimilarity"] == pytest.approx(0.5 * (0.1 + 0.1 + 0.2))
    # age: sample 25_34 .6, 35_44 .2, 18_24 .2; population 25_34 .65, 35_44 .3, 45_54 .05
    assert dis.loc["age_group", "dissimilarity"] == pytest.approx(0.5 * (0.05 + 0.1 + 0.05 + 0.2))
    # residence: sample work 3, family 1, study 1 (of 5); population work .6, family .2,
    # study .15, other .05 → ½(0 + 0 + .05 + .05)
    assert dis.loc["residence_basis", "dissimilarity"] == pytest.approx(0.05)
    rep = audit["representativeness"].set_index(["variable", "category"])
    assert rep.loc[("citizenship", "other"), ["sample_n", "population_n"]].tolist() == [2, 200]
    assert rep.loc[("sex", "female"), "difference"] == pytest.approx(0.8 - 0.6)


def test_sample_profile_suppresses_small_counts():
    rep = datareview.quality_audit(fake_inputs(), "vilnius")["representativeness"]
    female = rep[(rep["variable"] == "sex") & (rep["category"] == "female")].iloc[0]
    assert female["suppressed"] and pd.isna(female["sample_n"]) and np.isnan(female["difference"])
    protection = rep[(rep["variable"] == "residence_basis") & (rep["category"] == "protection")]
    assert not protection["suppressed"].item()  # zeros are not suppressed
    strict = datareview.quality_audit(fake_inputs(), "vilnius", min_count=60)["representativeness"]
    other = strict[(strict["variable"] == "residence_basis") & (strict["category"] == "other")]
    other = other.iloc[0]  # 50 KZ citizens in the population, no respondent
    assert other["suppressed"] and pd.isna(other["population_n"]) and other["sample_n"] == 0
    assert np.isnan(other["population_share"]) and np.isnan(other["difference"])


def test_audit_never_returns_ids_values_or_free_text():
    audit = datareview.quality_audit(fake_inputs(), lang="en")
    forbidden = {SECRET, "v1", "k9", "Moteris", "Taip", "Trakų r.", "151", "age 151 > 99"}
    for name, frame in audit.items():
        assert "source_row" not in frame.columns, name
        cells = {str(v) for v in frame.to_numpy().ravel()}
        assert not (cells & forbidden), (name, cells & forbidden)


def test_audit_rejects_an_unknown_municipality():
    with pytest.raises(ValueError, match="unknown municipality 'trakai'"):
        datareview.quality_audit(fake_inputs(), "trakai")


def test_terms_reject_an_unknown_kind():
    with pytest.raises(ReferenceDataError):
        datareview.terms("colour", "en")


def test_reference_folder_is_the_shipped_one():
    # guards the fixtures above: they copy this folder
    assert (Path(paths.reference_dir()) / "codebook.csv").exists()


def test_audit_of_a_real_cleaning_result():
    from tsp_analysis.clean import clean

    raw = pd.DataFrame(
        {
            "resp_id": ["a1", "a2", "a2", "a3", "a4", "a5"],
            "municipality": [
                "Vilniaus m.",
                "Vilnius",
                "Vilnius",
                "Trakų r.",
                "Šiaulių m.",
                "Vilnius",
            ],
            "age": ["30", "41", "41", "35", "150", "28"],
            "sex": ["Moteris", "Vyras", "Vyras", "Moteris", "female", "Nenoriu atsakyti"],
            "need_education": ["Taip", "Ne", "Ne", "Taip", "Taip", ""],
            "got_education": ["Iš dalies", "", "", "Taip, visiškai", "Ne", ""],
        },
        dtype="str",
    )
    raw["source_file"] = "tsp.csv"
    raw["source_row"] = range(2, 2 + len(raw))
    result = clean(raw, "tsp_survey")
    audit = datareview.quality_audit(SimpleNamespace(tsp_survey=result), "vilnius")
    rows = audit["rows"].set_index("dataset").loc["tsp_survey"]
    # Vilnius: a1, a2 and a5 accepted, the copy of a2 quarantined; Trakai is no municipality
    # of the project, Šiauliai's age is out of range
    assert rows["rows_in"] == 6
    assert (rows["accepted"], rows["quarantined"], rows["quarantined_unattributed"]) == (3, 1, 1)
    dup = audit["duplicates"].set_index("dataset").loc["tsp_survey"]
    assert dup["quarantined_duplicate_row"] == 1
    nr = audit["nonresponse"].set_index("question")
    # need asked of 3, a5 blank; got asked of a1 only (need = yes); a5's routing unknown
    assert nr.loc["need_education", ["asked", "answered", "blank"]].tolist() == [3, 2, 1]
    assert nr.loc["got_education", ["asked", "answered", "routing_unknown"]].tolist() == [1, 1, 1]
    assert nr.loc["sex", ["asked", "answered", "refused"]].tolist() == [3, 2, 1]
    country = datareview.quality_audit(SimpleNamespace(tsp_survey=result))["quarantine"]
    assert country.set_index("reason")["rows"].to_dict() == {
        "duplicate_row": 1,
        "out_of_range": 1,
        "unknown_municipality": 1,
    }


def test_audit_of_the_demo_inputs_shows_no_respondent():
    from tsp_analysis.inputs import load_inputs

    data = load_inputs()
    ids = set(data.tsp_survey.data["resp_id"]) | set(data.provider_survey.data["resp_id"])
    comments = set(data.tsp_survey.data["comment"].dropna())
    for municipality in [None, "akmene"]:
        audit = datareview.quality_audit(data, municipality, lang="lt")
        rates = audit["nonresponse"]["nonresponse_rate"].dropna()
        assert rates.between(0, 1).all()
        assert audit["dissimilarity"]["dissimilarity"].between(0, 1).all()
        for name, frame in audit.items():
            cells = {str(v) for v in frame.to_numpy().ravel()}
            assert not (cells & (ids | comments)), name


# -- indicators for a strategic document's areas and measures (issue 15) -----------------------
def test_every_indicator_is_mapped_to_areas_and_a_type():
    mapped = datareview.indicator_areas()
    catalogue = set(datareview.indicators()["indicator_id"])
    assert set(mapped["indicator_id"]) == catalogue
    assert set(mapped["indicator_type"]) <= {"impact", "outcome"}
    assert set(mapped["area"]) <= set(reference.area_ids())
    # by hand from indicator_areas.csv: employment is followed by four indicators
    emp = mapped[mapped["area"] == "employment"]
    assert sorted(emp["indicator_id"]) == [
        "activity_rate",
        "employment_rate",
        "over_qualification",
        "self_employment",
        "unemployment_rate",
    ]


def test_area_monitoring_follows_availability_at_the_level(small_reference):
    """The hand-made table: a_rate (employment) available nationally, partly in
    municipalities; b_rate (employment) partial / not available; c_share (health) not
    available nationally, available in municipalities."""
    (small_reference / "indicator_areas.csv").write_text(
        "indicator_id,areas,indicator_type,note\n"
        "a_rate,employment,impact,\nb_rate,employment;community,outcome,\n"
        "c_share,health,impact,\n",
        encoding="utf-8",
    )
    national = datareview.area_monitoring("national").set_index(["area", "indicator_type"])
    assert national.loc[("employment", "impact"), "available"] == ["a_rate"]
    assert national.loc[("employment", "impact"), "verdict"] == "existing"
    assert national.loc[("employment", "outcome"), "partial"] == ["b_rate"]
    assert national.loc[("employment", "outcome"), "verdict"] == "partial"
    assert national.loc[("health", "impact"), "verdict"] == "own_data"
    assert national.loc[("community", "outcome"), "verdict"] == "partial"
    municipal = datareview.area_monitoring("municipal").set_index(["area", "indicator_type"])
    assert municipal.loc[("employment", "impact"), "partial"] == ["a_rate"]
    assert municipal.loc[("community", "outcome"), "verdict"] == "own_data"  # b: not available
    assert municipal.loc[("health", "impact"), "available"] == ["c_share"]
    # no statistic is an output indicator: every area's output needs the measure's own data
    assert set(municipal.xs("output", level="indicator_type")["verdict"]) == {"own_data"}

    register = pd.DataFrame(
        {
            "rec_id": ["k-1", "k-2", "k-3", "v-1"],
            "municipality": ["kaunas", "kaunas", "kaunas", "vilnius"],
            "area": ["health", "culture", None, "health"],
        }
    )
    measures = datareview.measure_monitoring(register, "kaunas").set_index("rec_id")
    assert list(measures.index) == ["k-1", "k-2", "k-3"]
    assert measures.loc["k-1", "verdict"] == "existing"
    assert measures.loc["k-2", "verdict"] == "own_data"
    # a measure for the whole municipality counts every area's indicators
    assert measures.loc["k-3", "available"] == ["c_share"]
    assert measures.loc["k-3", "partial"] == ["a_rate"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("zz_rate,employment,impact,", "column indicator_id: 'zz_rate' is not in indicators.csv"),
        ("a_rate,jobs,impact,", "row 2, column areas: 'jobs'"),
        ("a_rate,employment,output,", "row 2, column indicator_type: 'output'"),
    ],
)
def test_a_bad_indicator_mapping_is_refused_with_row_and_column(small_reference, row, message):
    (small_reference / "indicator_areas.csv").write_text(
        f"indicator_id,areas,indicator_type,note\n{row}\n"
        "b_rate,employment,outcome,\nc_share,health,impact,\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        datareview.indicator_areas()
