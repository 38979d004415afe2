"""Validation of input files (library and ``tsp-analysis validate``) and ``tsp-analysis clean``."""

from __future__ import annotations

import pandas as pd
import pytest

from tsp_analysis.clean_cli import clean_file
from tsp_analysis.cli import main
from tsp_analysis.errors import InputError
from tsp_analysis.readers import read_table
from tsp_analysis.validate import infer_dataset, validate


def write(path, text: str, encoding: str = "utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("name", "dataset"),
    [
        ("tsp_survey.csv", "tsp_survey"),
        ("tsp_survey_2021_kaunas.xlsx", "tsp_survey"),
        ("Provider Survey - Jonava.csv", "provider_survey"),
        ("population.sav", "population"),
        ("strategic_assessment_annex1.csv", "strategic_assessment"),
    ],
)
def test_dataset_is_inferred_from_the_file_name(name, dataset):
    assert infer_dataset(name) == dataset


def test_dataset_is_inferred_from_the_columns_when_the_name_does_not_tell():
    consultations = pd.DataFrame(columns=["consultation_id", "municipality", "planned_date"])
    assert infer_dataset("export.csv", consultations) == "consultations"
    residents = pd.DataFrame(columns=["Municipality", "Year", "Residents"])
    assert infer_dataset("export.csv", residents) == "residents"
    assert infer_dataset("export.csv", pd.DataFrame(columns=["x", "y"])) is None


def test_validate_reports_structural_and_row_problems_together(tmp_path):
    path = write(tmp_path / "tsp_survey.csv", "age;sex\n150;Moteris\n30;alien\n")
    problems = validate(path)
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [
        (None, "resp_id"),
        (None, "municipality"),
        (2, "age"),
        (3, "sex"),
    ]
    assert errors[2].value == "150" and "from 18 to 99" in errors[2].expected
    assert str(errors[3]).startswith(f"{path}, row 3, column 'sex': got 'alien'; expected one of")


def test_validate_several_files_and_a_folder(tmp_path):
    good = write(tmp_path / "a" / "residents.csv", "municipality;year;residents\nKaunas;2021;5\n")
    write(tmp_path / "a" / "residents_2.csv", "municipality;year;residents\nRiga;2021;5\n")
    bad = write(tmp_path / "consultations.csv", "consultation_id;municipality\n")
    problems = validate([tmp_path / "a", bad], "residents")
    assert {p.file for p in problems} == {str(tmp_path / "a" / "residents_2.csv"), str(bad)}
    assert good.exists()


def test_validate_finds_nothing_in_clean_input(tmp_path):
    path = write(
        tmp_path / "x.csv",
        "resp_id;municipality;need_health;got_health;rate_health_quality\n"
        "T1;Kauno m.;Taip;Iš dalies;Gerai\nT2;Vilniuje;Ne;;\n",
        "cp1257",
    )
    assert validate(path, "tsp_survey") == []


def test_validate_rejects_an_unknown_dataset_name(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset"):
        validate(tmp_path / "x.csv", "survey")


def test_clean_command_writes_outputs_and_prints_the_accounting(tmp_path, capsys):
    src = write(
        tmp_path / "in" / "tsp_survey.csv",
        "resp_id;municipality;age\nT1;Kauno m.;30\nT2;Trakų r.;40\nT3;Vilnius;150\n",
    )
    before = src.read_bytes()
    status = main(["clean", str(src), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert status == 0
    assert "tsp_survey: in 3 = accepted 1 + quarantined 2" in out
    clean_table = read_table(tmp_path / "out" / "tsp_survey_clean.csv")
    assert clean_table["municipality"].tolist() == ["kaunas"]
    quarantine = read_table(tmp_path / "out" / "tsp_survey_quarantine.csv")
    assert quarantine["reason"].tolist() == ["unknown_municipality", "out_of_range"]
    assert quarantine["municipality"].tolist() == ["Trakų r.", "Vilnius"]  # as received
    log = read_table(tmp_path / "out" / "tsp_survey_log.csv")
    assert set(log["action"]) >= {"normalised", "quarantined", "derived"}
    assert src.read_bytes() == before


def test_clean_command_refuses_to_overwrite_an_input(tmp_path):
    src = write(tmp_path / "tsp_survey_clean.csv", "resp_id;municipality\nT1;Kaunas\n")
    with pytest.raises(InputError, match="refusing to overwrite"):
        clean_file(src, tmp_path, "tsp_survey")
    assert src.read_text(encoding="utf-8") == "resp_id;municipality\nT1;Kaunas\n"


def test_clean_command_stops_on_structural_problems(tmp_path, capsys):
    src = write(tmp_path / "tsp_survey.csv", "age\n30\n")
    status = main(["clean", str(src), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert "required column(s) missing: resp_id, municipality" in err
    assert not (tmp_path / "out").exists()
