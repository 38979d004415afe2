"""The codebook drives every input; these tests pin its structure and helpers."""

from __future__ import annotations

import pandas as pd
import pytest

from tsp_analysis import reference
from tsp_analysis.codebook import DATASETS, fold, load_codebook


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


def test_every_area_has_need_received_and_five_ratings(cb):
    for area in reference.area_ids():
        assert cb.question("tsp_survey", f"need_{area}").value_set == "yes_no_dk"
        assert cb.question("tsp_survey", f"got_{area}").applies_if == f"need_{area}=yes"
        ratings = cb.questions("tsp_survey", group="rating", area=area)
        assert [q.criterion for q in ratings] == reference.criterion_ids()
        assert all(q.applies_if == f"got_{area}=fully|partly" for q in ratings)


def test_provider_survey_rates_competence_and_resources_per_area(cb):
    for area in reference.area_ids():
        assert cb.question("provider_survey", f"competence_{area}").type == "likert"
        assert cb.question("provider_survey", f"resources_{area}").type == "likert"


def test_every_dataset_has_columns_and_a_data_origin_marker(cb):
    for dataset in DATASETS:
        cols = cb.columns(dataset)
        assert len(cols) == len(set(cols)) >= 3
        assert "data_origin" in cols


def test_likert_dont_know_and_not_applicable_are_missing(cb):
    assert cb.codes("likert5", substantive=True) == ["1", "2", "3", "4", "5"]
    assert cb.missing_codes("likert5", "dont_know") == ["8"]
    assert cb.missing_codes("likert5", "not_applicable") == ["9"]
    s = pd.Series([1, 5, 8, 9, pd.NA], dtype="Int16", name="rate_health_quality")
    out = cb.substantive(s, "tsp_survey")
    assert out.tolist()[:2] == [1.0, 5.0]
    assert out.isna().tolist() == [False, False, True, True, True]


def test_parse_map_accepts_codes_numbers_and_labels_in_both_languages(cb):
    m = cb.parse_map("likert5")
    assert m[fold("Gerai")] == "4"
    assert m[fold("Very good")] == "5"
    assert m[fold("NEŽINAU")] == "8"
    assert m[fold("Netaikoma")] == "9"
    assert m["3"] == "3"
    r = cb.parse_map("ref:residence_bases")
    assert r[fold("Tarptautinė apsauga")] == "protection"
    assert r[fold("Work")] == "work"


def test_labels_in_both_languages_for_every_question(cb):
    frame = cb.frame()
    for col in ("label_lt", "label_en", "text_lt", "text_en"):
        assert (frame[col].str.strip().str.len() > 0).all(), col


def test_fold_strips_case_diacritics_and_blanks():
    assert fold("  Šiaulių   MIESTO ") == "siauliu miesto"


def test_unknown_dataset_is_a_clear_error(cb):
    with pytest.raises(KeyError, match="unknown dataset"):
        cb.questions("census")
