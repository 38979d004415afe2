"""Cleaning rules, one by one, on hand-built frames whose expected results are worked out here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsp_analysis.clean import REASONS, age_group, clean, normalise_header
from tsp_analysis.codebook import Codebook, load_codebook
from tsp_analysis.errors import InputError
from tsp_analysis.readers import read_table


def tsp(**columns) -> pd.DataFrame:
    """A raw TŠP frame: ``resp_id`` and ``municipality`` filled in unless given."""
    n = len(next(iter(columns.values())))
    base = {"resp_id": [f"R{i}" for i in range(n)], "municipality": ["Kauno m."] * n}
    return pd.DataFrame({**base, **columns}, dtype="str")


def used_health(n: int) -> dict[str, list[str]]:
    return {"need_health": ["yes"] * n, "got_health": ["fully"] * n}


# -- coded answers ------------------------------------------------------------------------------
def test_likert_labels_in_lithuanian_and_english_map_to_codes():
    given = [
        "Labai gerai",
        "very good",
        "VERY GOOD",
        "labai  GERAI",
        "5",
        "Gerai",
        "Good",
        "4.0",
        "Vidutiniškai",
        "Blogai",
        "Very poor",
        "Nežinau",
        "nezinau",
        "Don't know",
        "Netaikoma",
        "Not applicable",
        " 3 ",
    ]
    codes = [5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1, 8, 8, 8, 9, 9, 3]
    result = clean(tsp(**used_health(len(given)), rate_health_quality=given), "tsp_survey")
    assert result.quarantined == 0
    col = result.data["rate_health_quality"]
    assert str(col.dtype) == "Int16"
    assert col.tolist() == codes


def test_category_answers_accept_code_spss_number_and_labels():
    given = ["female", "Moteris", "1", "MALE", "Vyras", "2", "Prefer not to say", "9", None]
    expected = ["female", "female", "female", "male", "male", "male", "refused", "refused", None]
    result = clean(tsp(sex=given), "tsp_survey")
    got = [None if pd.isna(v) else v for v in result.data["sex"]]
    assert got == expected
    assert str(result.data["sex"].dtype) == "str"


def test_recodes_are_logged_once_per_spelling_with_counts():
    given = ["Taip", "Taip", "yes", "Ne", "1", "TAIP"]
    result = clean(tsp(need_health=given), "tsp_survey")
    log = result.log[result.log["column"] == "need_health"].set_index("old")
    assert log.loc["Taip", ["new", "action", "count"]].tolist() == ["yes", "recoded", 2]
    assert log.loc["Ne", ["new", "action", "count"]].tolist() == ["no", "recoded", 1]
    assert log.loc["1", ["new", "action", "count"]].tolist() == ["yes", "recoded", 1]
    assert log.loc["TAIP", "new"] == "yes"
    assert "yes" not in log.index  # already canonical: no change, no log line
    assert log["source_row"].isna().all()  # aggregated lines carry no row


def test_log_counts_trace_back_to_the_raw_rows():
    """Every aggregated change covers exactly the accepted rows whose raw cell is ``old``."""
    raw = tsp(
        need_health=["Taip", "Taip", "Taip", "no", "Taip"],
        age=["30", "31", "150", "40", "41"],  # the third row is quarantined
        municipality=["Kauno m.", "Kaune", "Kauno m.", "Kauno m.", "kaunas"],
    )
    result = clean(raw, "tsp_survey")
    assert result.quarantine["resp_id"].tolist() == ["R2"]
    accepted = raw[raw["resp_id"].isin(result.data["resp_id"])]
    changes = result.log[result.log["action"].isin(["recoded", "normalised"])]
    for rec in changes.itertuples(index=False):
        assert rec.count == int((accepted[rec.column] == rec.old).sum())
    assert set(changes.loc[changes["column"] == "municipality", "old"]) == {"Kauno m.", "Kaune"}


def test_label_not_in_the_codebook_sets_the_cell_missing_naming_the_expected_set():
    """An invalid optional answer costs that answer, not the respondent (issue 9, finding 6)."""
    raw = tsp(**used_health(2), rate_health_quality=["Puikiai", "4"])
    result = clean(raw, "tsp_survey")
    assert result.quarantined == 0 and result.accepted == 2
    rates = result.data["rate_health_quality"]
    assert pd.isna(rates.iloc[0]) and rates.iloc[1] == 4
    (cell,) = result.invalid.itertuples(index=False)
    assert (cell.source_row, cell.column, cell.value, cell.reason) == (
        2,
        "rate_health_quality",
        "Puikiai",
        "invalid_value",
    )
    assert "5 (Labai gerai / Very good)" in cell.expected
    assert "9 (Netaikoma / Not applicable)" in cell.expected
    logged = result.log[result.log["action"] == "invalidated"]
    assert logged[["column", "old", "reason", "count"]].values.tolist() == [
        ["rate_health_quality", "Puikiai", "invalid_value", 1]
    ]
    (problem,) = result.cell_problems()
    assert (problem.row, problem.column) == (2, "rate_health_quality")
    assert "the cell is set missing, the row kept" in problem.expected


def test_only_identity_and_eligibility_problems_quarantine_the_row():
    raw = tsp(
        municipality=["Kaunas", "Kaunas", "Kaunas", "Trakų r."],
        age=["30", "7", "31", "32"],
        years_in_lt=["200", "2", "daug", "3"],
        sex=["female", "male", "alien", "female"],
    )
    result = clean(raw, "tsp_survey")
    assert (result.rows_in, result.accepted, result.quarantined) == (4, 2, 2)
    # age 7: not an adult (eligibility.csv); Trakai: not a project municipality
    assert result.quarantine["reason"].tolist() == ["out_of_range", "unknown_municipality"]
    assert result.quarantine["source_row"].tolist() == [3, 5]
    # rows 2 and 4 are kept, with the bad optional cells set missing
    assert result.data["source_row"].tolist() == [2, 4]
    assert result.data["years_in_lt"].isna().tolist() == [True, True]
    assert result.data["sex"].iloc[0] == "female" and pd.isna(result.data["sex"].iloc[1])
    assert result.invalid[["source_row", "column", "reason"]].values.tolist() == [
        [2, "years_in_lt", "out_of_range"],
        [4, "sex", "invalid_value"],  # codebook order within a row
        [4, "years_in_lt", "invalid_value"],
    ]
    assert result.invalidated == 3


def test_binary_accepts_codes_labels_and_spreadsheet_booleans():
    given = ["1", "0", "TRUE", "false", "Pažymėta", "Not selected", "1.0"]
    result = clean(tsp(info_ngo=given), "tsp_survey")
    assert result.data["info_ngo"].tolist() == [1, 0, 1, 0, 1, 0, 1]
    assert str(result.data["info_ngo"].dtype) == "Int8"


# -- numbers and dates --------------------------------------------------------------------------
def test_decimal_comma_and_digit_groups():
    result = clean(tsp(years_in_lt=["3,5", "0,25", "12", "7.5", " 2 "]), "tsp_survey")
    assert result.data["years_in_lt"].tolist() == [3.5, 0.25, 12.0, 7.5, 2.0]
    assert str(result.data["years_in_lt"].dtype) == "Float64"
    pop = pd.DataFrame(
        {
            "municipality": ["Vilniaus m. sav."] * 3,
            "year": ["2021", "2021", "2021"],
            "residents": ["556 490", "1\u00a0234", "12345"],
        }
    )
    assert clean(pop, "residents").data["residents"].tolist() == [556490, 1234, 12345]


def test_out_of_range_and_non_numbers_are_quarantined():
    result = clean(tsp(age=["18", "99", "17", "100", "34,5", "abc", "34.0"]), "tsp_survey")
    assert result.data["age"].tolist() == [18, 99, 34]
    q = result.quarantine.set_index("age")
    assert q.loc["17", "reason"] == "out_of_range"
    assert q.loc["100", "reason"] == "out_of_range"
    assert "from 18 to 99" in q.loc["100", "detail"]
    assert q.loc["34,5", "reason"] == "invalid_value"  # not a whole number
    assert q.loc["abc", "reason"] == "invalid_value"


def test_dates_in_iso_and_lithuanian_forms():
    raw = pd.DataFrame(
        {
            "consultation_id": ["c1", "c2", "c3", "c4"],
            "municipality": ["Jonavos r. sav."] * 4,
            "planned_date": ["2021-11-09", "2021.11.09", "2021 11 09", "2021-13-45"],
            "status": ["Įvyko", "held", "Planned", "1"],
        }
    )
    result = clean(raw, "consultations")
    assert result.data["planned_date"].tolist() == [pd.Timestamp("2021-11-09")] * 3
    assert str(result.data["planned_date"].dtype) == "datetime64[ns]"
    assert result.data["status"].tolist() == ["held", "held", "planned"]
    assert result.quarantine["reason"].tolist() == ["invalid_value"]
    assert "YYYY-MM-DD" in result.quarantine["detail"].iloc[0]


# -- municipalities, countries, areas -----------------------------------------------------------
def test_municipality_spellings_and_unknown_ones():
    raw = tsp(municipality=["Siauliy miesty", "VILNIAUS M. SAV.", "Trakų r.", "Kauno r."])
    result = clean(raw, "tsp_survey")
    assert result.data["municipality"].tolist() == ["siauliai", "vilnius"]
    assert result.quarantine["reason"].tolist() == ["unknown_municipality"] * 2
    assert "Kauno r." in result.quarantine["detail"].iloc[1]


def test_whole_country_only_in_population_tables():
    pop = pd.DataFrame(
        {"municipality": ["Lietuva", "Kaunas"], "year": ["2021", "2021"], "residents": ["1", "2"]}
    )
    assert clean(pop, "residents").data["municipality"].tolist() == ["lithuania", "kaunas"]
    survey = clean(tsp(municipality=["Lietuva"]), "tsp_survey")
    assert survey.quarantine["reason"].tolist() == ["unknown_municipality"]


def test_countries_by_code_and_name_and_the_third_country_rule():
    given = ["UA", "UKR", "Ukraine", "Ukraina", "by", "Stateless", "PL", "Vokietija", "NO", "Xx1"]
    result = clean(tsp(citizenship=given), "tsp_survey")
    assert result.data["citizenship"].tolist() == ["UA", "UA", "UA", "UA", "BY", "XX"]
    q = result.quarantine.set_index("citizenship")["reason"].to_dict()
    assert q == {
        "PL": "not_third_country",
        "Vokietija": "not_third_country",
        "NO": "not_third_country",  # Norway: EEA
        "Xx1": "invalid_value",
    }


def test_eu_citizens_are_fine_outside_the_tsp_survey():
    pop = pd.DataFrame(
        {
            "municipality": ["Kaunas"],
            "year": ["2021"],
            "citizenship": ["Poland"],
            "sex": ["Vyras"],
            "age_group": ["25_34"],
            "residence_basis": ["Darbas"],
            "count": ["12"],
        }
    )
    result = clean(pop, "population")
    assert result.quarantined == 0
    assert result.data.iloc[0][["citizenship", "sex", "residence_basis"]].tolist() == [
        "PL",
        "male",
        "work",
    ]


def test_areas_by_id_or_label():
    raw = pd.DataFrame(
        {
            "rec_id": ["r1", "r2", "r3"],
            "municipality": ["Akmenės r."] * 3,
            "area": ["health", "Sveikatos priežiūra", "Astrology"],
            "title_lt": ["a", "b", "c"],
            "title_en": ["a", "b", "c"],
            "status_interim": ["Įgyvendinta", "0", "partly_implemented"],
        }
    )
    result = clean(raw, "recommendations")
    assert result.data["area"].tolist() == ["health", "health"]
    assert result.data["status_interim"].tolist() == ["implemented", "not_implemented"]
    assert result.quarantine["reason"].tolist() == ["invalid_value"]


# -- required values and duplicates -------------------------------------------------------------
def test_missing_required_value():
    result = clean(tsp(municipality=["Kaunas", None, "  "]), "tsp_survey")
    assert result.quarantine["reason"].tolist() == ["missing_required"] * 2
    assert result.quarantine["source_row"].tolist() == [3, 4]


def test_exact_copy_is_a_duplicate_row_and_a_reused_id_a_duplicate_id():
    raw = pd.DataFrame(
        {
            "resp_id": ["A", "B", "A", "A", "B", " A "],
            "municipality": ["Kaunas", "Kaunas", "Kaunas", "Vilnius", "Kaunas", "Vilnius"],
            "age": ["30", "40", "30", "30", "41", "30"],
        },
        dtype="str",
    )
    result = clean(raw, "tsp_survey")
    assert result.data["source_row"].tolist() == [2, 3]  # the first of each id is kept
    q = result.quarantine
    assert q["source_row"].tolist() == [4, 5, 6, 7]
    assert q["reason"].tolist() == [
        "duplicate_row",
        "duplicate_id",
        "duplicate_id",
        "duplicate_row",
    ]
    assert "repeats row 2 with the same answers" in q["detail"].iloc[0]
    assert "row 2 already has it" in q["detail"].iloc[1]
    assert "repeats row 5" in q["detail"].iloc[3]  # a copy of the reused-id row


def test_the_same_answers_in_other_spellings_make_a_duplicate_row():
    raw = pd.DataFrame(
        {
            "resp_id": ["A", "A", "A"],
            "municipality": ["Kauno m.", "Kaunas", "Kaunas"],
            "sex": ["Moteris", "female", "Vyras"],
        },
        dtype="str",
    )
    result = clean(raw, "tsp_survey")
    assert result.quarantine["reason"].tolist() == ["duplicate_row", "duplicate_id"]


# -- skip logic -----------------------------------------------------------------------------------
def test_answers_to_questions_that_did_not_apply_are_impossible():
    raw = tsp(
        need_health=["no", "no", None, "yes", "yes", "no", "Ne", "yes"],
        got_health=[None, "fully", None, None, "no", "dont_know", None, "partly"],
        rate_health_quality=["5", "5", "5", "5", "8", None, "Netaikoma", "Labai gerai"],
    )
    result = clean(raw, "tsp_survey")
    q = result.quarantine.set_index("resp_id")
    # R0: a rating although no service was needed (got rightly blank)
    # R1: "received" although not needed, and a rating after it
    assert q["reason"].to_dict() == {"R0": "impossible_combination", "R1": "impossible_combination"}
    assert "need_health = 'no'" in q.loc["R0", "detail"]
    assert q.loc["R1", "detail"].count("impossible_combination") == 2
    # R2: need blank → routing unknown; R3: got blank after need=yes → unknown;
    # R4: don't know is not substantive; R5: "don't know" to an unasked question is not an answer;
    # R6: "not applicable" to an unasked rating; R7: a proper answer
    assert sorted(result.data["resp_id"]) == ["R2", "R3", "R4", "R5", "R6", "R7"]


def test_applies_if_is_read_from_the_codebook_not_from_code():
    """A made-up codebook with ``!=`` and ``&`` conditions: the same rules apply."""
    cb_real = load_codebook()
    questions = pd.DataFrame(
        [
            _q("tsp_survey", "resp_id", "id", required="true", unique="true"),
            _q("tsp_survey", "municipality", "municipality", required="true"),
            _q("tsp_survey", "employed", "category", value_set="yes_no"),
            _q("tsp_survey", "sex", "category", value_set="sex"),
            _q(
                "tsp_survey",
                "pregnant",
                "category",
                value_set="yes_no",
                applies_if="sex!=male & employed=yes",
            ),
        ]
    )
    cb = Codebook(questions, cb_real._values)
    raw = pd.DataFrame(
        {
            "resp_id": ["a", "b", "c", "d"],
            "municipality": ["Kaunas"] * 4,
            "employed": ["yes", "yes", "no", "yes"],
            "sex": ["female", "male", "female", None],
            "pregnant": ["yes", "no", "yes", "yes"],
        }
    )
    result = clean(raw, "tsp_survey", codebook=cb)
    assert result.quarantine["resp_id"].tolist() == ["b", "c"]
    assert set(result.quarantine["reason"]) == {"impossible_combination"}


def _q(dataset, qid, qtype, **kw):
    rec = dict.fromkeys(
        [
            "value_set",
            "required",
            "unique",
            "min",
            "max",
            "area",
            "criterion",
            "group",
            "applies_if",
            "label_lt",
            "label_en",
            "text_lt",
            "text_en",
        ],
        "",
    )
    rec.update(dataset=dataset, id=qid, type=qtype, required="false", unique="false")
    rec.update(kw)
    return rec


# -- straight-lining ------------------------------------------------------------------------------
def _rated(n_ratings: int, value: str, extra: dict | None = None, rid: str = "") -> dict:
    cb = load_codebook()
    ratings = [q for q in cb.questions("tsp_survey", group="rating")][:n_ratings]
    row = {"resp_id": rid or f"S{n_ratings}{value}", "municipality": "Kaunas"}
    for q in ratings:
        row[f"need_{q.area}"] = "yes"
        row[f"got_{q.area}"] = "fully"
        row[q.id] = value
    row.update(extra or {})
    return row


def test_straight_lining_needs_ten_equal_substantive_ratings():
    rows = [
        _rated(10, "4"),  # 10 × 4: straight-liner
        _rated(9, "4"),  # 9 × 4: too few to tell
        _rated(12, "Gerai"),  # labels count as their code
        _rated(10, "4", {"rate_education_coverage": "8"}, "dk"),  # 9 substantive + don't know
        _rated(10, "9"),  # ten "not applicable": not substantive at all
        _rated(10, "4", {"rate_education_coverage": "5"}, "varied"),
    ]
    result = clean(pd.DataFrame(rows, dtype="str"), "tsp_survey")
    assert result.quarantine["resp_id"].tolist() == ["S104", "S12Gerai"]
    assert set(result.quarantine["reason"]) == {"straight_lining"}
    assert "10 ratings, all 4" in result.quarantine["detail"].iloc[0]
    fewer = clean(pd.DataFrame(rows, dtype="str"), "tsp_survey", straight_line_min=9)
    assert "S94" in fewer.quarantine["resp_id"].tolist()


# -- the table as a whole -------------------------------------------------------------------------
def test_header_is_normalised_and_unknown_columns_are_dropped_and_logged():
    raw = pd.DataFrame(
        {"\ufeffResp ID": ["a"], " MUNICIPALITY ": ["Kaunas"], "Notes": ["x"], "Sąvivalda": ["y"]}
    )
    result = clean(raw, "tsp_survey")
    assert result.data["resp_id"].tolist() == ["a"]
    ignored = result.log[result.log["action"] == "ignored_column"]["column"].tolist()
    assert ignored == ["Notes", "Sąvivalda"]
    assert "Notes" not in result.data
    assert normalise_header(" Got-Health ") == "got_health"


def test_missing_required_columns_are_listed_together():
    raw = pd.DataFrame({"age": ["30"], "sex": ["female"]})
    with pytest.raises(InputError) as err:
        clean(raw, "tsp_survey")
    assert {p.column for p in err.value.problems} == {"resp_id", "municipality"}
    assert "required" in str(err.value)


def test_columns_equal_after_normalisation_are_a_structural_error():
    raw = pd.DataFrame(
        [["a", "Kaunas", "30", "31"]], columns=["resp_id", "municipality", "age", "AGE"]
    )
    with pytest.raises(InputError, match="repeats column 'age'"):
        clean(raw, "tsp_survey")


def test_clean_table_follows_the_contract():
    cb = load_codebook()
    result = clean(tsp(age=["34"], sex=["Moteris"]), "tsp_survey")
    data = result.data
    ids = cb.columns("tsp_survey")
    expected_cols = ids[: ids.index("age") + 1] + ["age_group"] + ids[ids.index("age") + 1 :]
    assert list(data.columns) == [*expected_cols, "source_file", "source_row"]
    kinds = {"likert": "Int16", "binary": "Int8", "integer": "Int64", "number": "Float64"}
    for q in cb.questions("tsp_survey"):
        assert str(data[q.id].dtype) == kinds.get(q.type, "str"), q.id
    assert data["age_group"].tolist() == ["25_34"]
    assert data["source_row"].tolist() == [2]


def test_first_reason_in_order_and_every_detail():
    raw = tsp(municipality=["Trakų r."], age=["150"], sex=["alien"])
    result = clean(raw, "tsp_survey")
    # the row's reason is its first row-level problem; the invalid optional cell (sex) is in
    # the detail after them
    assert result.quarantine["reason"].tolist() == ["out_of_range"]
    detail = result.quarantine["detail"].iloc[0]
    assert detail.index("out_of_range") < detail.index("unknown_municipality")
    assert detail.index("unknown_municipality") < detail.index("invalid_value")
    assert result.invalidated == 0  # the row is quarantined: its cells are not "invalidated"
    assert len(result.problems()) == 3
    assert {p.column for p in result.problems()} == {"municipality", "age", "sex"}


def test_quarantine_keeps_the_raw_values_as_received():
    raw = tsp(age=["150"], sex=["Moteris"], extra=["kept"])
    result = clean(raw, "tsp_survey")
    row = result.quarantine.iloc[0]
    assert (row["age"], row["sex"], row["extra"]) == ("150", "Moteris", "kept")


def test_raw_frame_is_not_modified():
    raw = tsp(age=["150", " 30 "], sex=["Moteris", "female"])
    before = raw.copy()
    clean(raw, "tsp_survey")
    pd.testing.assert_frame_equal(raw, before)


def test_age_groups_follow_the_reference_bounds():
    ages = pd.Series([18, 24, 25, 34, 35, 64, 65, 99, None], dtype="Int64")
    assert age_group(ages).tolist() == [
        "18_24",
        "18_24",
        "25_34",
        "25_34",
        "35_44",
        "55_64",
        "65_plus",
        "65_plus",
        np.nan,
    ]


def test_derived_age_group_is_logged():
    result = clean(tsp(age=["20", "22", "70"]), "tsp_survey")
    derived = result.log[result.log["action"] == "derived"].set_index("new")["count"].to_dict()
    assert derived == {"18_24": 2, "65_plus": 1}


def test_summary_counts_every_reason():
    result = clean(
        tsp(age=["150", "30", "abc"], municipality=["Kaunas", "Riga", "Kaunas"]), "tsp_survey"
    )
    summary = result.summary().set_index("reason")["rows"]
    assert list(summary.index) == list(REASONS)
    assert summary.to_dict() == {
        r: {"out_of_range": 1, "unknown_municipality": 1, "invalid_value": 1}.get(r, 0)
        for r in REASONS
    }
    assert result.accounting_line() == "in 3 = accepted 0 + quarantined 3"


def test_write_outputs_and_read_them_back(tmp_path):
    result = clean(tsp(age=["150", "30"], sex=["Moteris", "Vyras"]), "tsp_survey")
    paths = result.write(tmp_path / "out")
    assert {p.name for p in paths.values()} == {
        "tsp_survey_clean.csv",
        "tsp_survey_quarantine.csv",
        "tsp_survey_log.csv",
    }
    back = read_table(paths["clean"])
    assert back["sex"].tolist() == ["male"]
    assert back["original_source_row"].tolist() == ["3"]
    q = read_table(paths["quarantine"])
    assert q["reason"].tolist() == ["out_of_range"]
    # the clean output is itself clean: nothing is quarantined or recoded the second time
    again = clean(back.drop(columns=["original_source_file", "original_source_row"]), "tsp_survey")
    assert again.quarantined == 0
    assert set(again.log["action"]) <= {"derived", "ignored_column"}


def test_empty_table_gives_empty_results():
    raw = pd.DataFrame({"resp_id": pd.Series(dtype="str"), "municipality": pd.Series(dtype="str")})
    result = clean(raw, "tsp_survey")
    assert (result.rows_in, result.accepted, result.quarantined) == (0, 0, 0)


def test_categorical_input_is_cleaned_like_text():
    raw = tsp(need_health=["Taip", "no", "Taip"], sex=["Moteris", None, "2"])
    as_cat = raw.astype({"need_health": "category", "sex": "category"})
    a, b = clean(raw, "tsp_survey"), clean(as_cat, "tsp_survey")
    pd.testing.assert_frame_equal(a.data, b.data)


def test_free_text_is_not_copied_into_the_log():
    result = clean(tsp(comment=["  Mano vardas Jonas, tel. 8600  ", "ok"]), "tsp_survey")
    assert result.data["comment"].tolist() == ["Mano vardas Jonas, tel. 8600", "ok"]
    log = result.log[result.log["column"] == "comment"]
    assert log["count"].tolist() == [1]
    assert log["old"].isna().all() and log["new"].isna().all()


def test_spss_file_with_value_labels_cleans_back_to_codes(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    df = pd.DataFrame(
        {
            "resp_id": ["A1", "A2"],
            "municipality": ["Vilniaus m. sav.", "Kauno m. sav."],
            "need_health": [1.0, 1.0],
            "got_health": [1.0, 2.0],
            "rate_health_quality": [5.0, 8.0],
            "age": [34.0, 51.0],
        }
    )
    labels = {
        "need_health": {1: "Taip", 2: "Ne", 8: "Nežinau"},
        "got_health": {1: "Taip, visiškai", 2: "Iš dalies", 3: "Ne", 8: "Nežinau"},
        "rate_health_quality": {1: "Labai blogai", 5: "Labai gerai", 8: "Nežinau"},
    }
    path = tmp_path / "tsp_survey.sav"
    pyreadstat.write_sav(df, path, variable_value_labels=labels)
    result = clean(read_table(path), "tsp_survey")
    assert result.quarantined == 0
    assert result.data["got_health"].tolist() == ["fully", "partly"]
    assert result.data["rate_health_quality"].tolist() == [5, 8]
    assert result.data["age"].tolist() == [34, 51]


def test_excel_workbook_cleans_like_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["resp_id", "municipality", "age", "years_in_lt", "info_ngo"])
    book.active.append(["A1", "Klaipėdos m.", 34, 2.5, True])
    book.active.append(["A2", "Šiaulių m.", 40.0, 10, False])
    path = tmp_path / "tsp_survey.xlsx"
    book.save(path)
    result = clean(read_table(path), "tsp_survey")
    assert result.data["municipality"].tolist() == ["klaipeda", "siauliai"]
    assert result.data["age"].tolist() == [34, 40]
    assert result.data["years_in_lt"].tolist() == [2.5, 10.0]
    assert result.data["info_ngo"].tolist() == [1, 0]


def test_attrs_of_the_raw_frame_are_left_alone_and_not_carried_over():
    raw = tsp(age=["30", "150"])
    raw.attrs["dirty_rows"] = [{"row": 1, "kind": "age_out_of_range"}]
    result = clean(raw, "tsp_survey")
    assert raw.attrs == {"dirty_rows": [{"row": 1, "kind": "age_out_of_range"}]}
    assert result.data.attrs == {} and result.quarantine.attrs == {}


def test_the_audit_reports_quarantined_rows_and_invalidated_cells():
    from types import SimpleNamespace

    from tsp_analysis import datareview

    raw = tsp(
        municipality=["Kauno m.", "Kauno m.", "Vilnius", "Kauno m."],
        age=["30", "7", "40", "41"],
        sex=["alien", "female", "x", "male"],
        years_in_lt=["3", "4", "5", "99"],
    )
    result = clean(raw, "tsp_survey")
    audit = datareview.quality_audit(SimpleNamespace(tsp_survey=result), "kaunas")
    rows = audit["rows"].set_index("dataset").loc["tsp_survey"]
    # Kaunas: 4 rows in the file are 3 of Kaunas; age 7 quarantines one; the other two keep
    # their rows with one bad cell each (sex 'alien'; years 99)
    assert (rows["accepted"], rows["quarantined"], rows["cells_invalidated"]) == (2, 1, 2)
    assert audit["invalidated"].values.tolist() == [
        ["tsp_survey", "sex", "invalid_value", 1],
        ["tsp_survey", "years_in_lt", "out_of_range", 1],
    ]
    country = datareview.quality_audit(SimpleNamespace(tsp_survey=result))
    assert country["rows"].set_index("dataset").loc["tsp_survey", "cells_invalidated"] == 3
