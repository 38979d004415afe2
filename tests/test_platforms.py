"""Platform exports read back unchanged: KoboToolbox, ODK Central, LimeSurvey.

The round trip: a synthetic survey is written as a platform would export it (group prefixes,
metadata columns, headers and answers as Russian labels, a check-all list as one column) and
must clean to the same table as the synthetic file itself.
"""

from __future__ import annotations

import uuid

import pandas as pd
import pytest

from tsp_analysis import reference, synth
from tsp_analysis.clean import clean
from tsp_analysis.codebook import load_codebook
from tsp_analysis.errors import InputError
from tsp_analysis.inputs import load_inputs
from tsp_analysis.platforms import (
    detect_platform,
    import_export,
    is_metadata,
    limesurvey_codes,
)
from tsp_analysis.questionnaire import build_form
from tsp_analysis.readers import read_table
from tsp_analysis.validate import validate

SIZES = {"vilnius": 40, "jonava": 25, "akmene": 15}
VERSION = "2021.1"


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture(scope="module")
def survey():
    """A synthetic TŠP survey without dirty rows, as read from a CSV."""
    return synth.tsp_survey_frame(SIZES, seed=11, dirty=False)


@pytest.fixture(scope="module")
def expected(survey, tmp_path_factory):
    path = tmp_path_factory.mktemp("orig") / "tsp_survey.csv"
    survey.to_csv(path, index=False)
    return clean(read_table(path), "tsp_survey")


def _uuid(resp_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, resp_id))


def _russian(cb, column: str, values: pd.Series) -> pd.Series:
    """Answers as a KoboToolbox 'labels' export in Russian shows them."""
    q = cb.question("tsp_survey", column)
    if q.type in {"category", "likert"}:
        labels = cb.value_labels(q.value_set, "ru")
    elif q.type == "municipality":
        ref = reference.municipalities()
        labels = dict(zip(ref["slug"], ref["name_ru"], strict=True))
    elif q.type == "country":
        ref = reference.countries()
        labels = dict(zip(ref["iso2"], ref["name_ru"], strict=True))
    else:
        return values
    return values.map(labels, na_action="ignore")


def _info_names(survey: pd.DataFrame, members: list[str]) -> pd.Series:
    """The check-all list as one select_multiple cell: chosen names, 'none', or blank."""

    def cell(row):
        if row.isna().all():
            return pd.NA
        chosen = [m for m in members if row[m] == "1"]
        return " ".join(chosen) if chosen else "none"

    return survey[members].apply(cell, axis=1)


def kobo_export(cb, survey: pd.DataFrame) -> pd.DataFrame:
    """KoboToolbox 'labels' export (Russian): grouped names, Russian headers and answers."""
    n = len(survey)
    members = [q.id for q in cb.questions("tsp_survey", group="info_channel")]
    out = {
        "start": ["2026-03-01T10:00:00.000+02:00"] * n,
        "end": ["2026-03-01T10:12:00.000+02:00"] * n,
        "deviceid": ["ee.kobotoolbox.org:abc"] * n,
    }
    for col in survey.columns:
        q = cb.question("tsp_survey", col)
        if q.type == "id":
            continue
        values = _russian(cb, col, survey[col])
        if q.group in {"need", "received", "rating"}:
            out[f"area_{q.area}/{col}"] = values
        elif q.group == "demographics":
            out[q.text("ru")] = values  # the header is the question as the form shows it
        elif q.group == "info_channel":
            if col == members[0]:
                out["info_channel"] = _info_names(survey, members)
            out[f"info_channel/{col}"] = values  # Kobo's separate 0/1 columns
        else:
            out[col] = values
    out |= {
        "form_version": [VERSION] * n,
        "_id": [str(100 + i) for i in range(n)],
        "_uuid": [_uuid(r) for r in survey["resp_id"]],
        "_submission_time": ["2026-03-01T08:12:03"] * n,
        "_validation_status": [pd.NA] * n,
        "_notes": [pd.NA] * n,
        "_status": ["submitted_via_web"] * n,
        "_submitted_by": ["enumerator1"] * n,
        "__version__": ["vGtP9bQx2kLmN4sR7tUw"] * n,
        "_tags": [pd.NA] * n,
        "_index": [str(i + 1) for i in range(n)],
        "_geolocation": ["[54.68, 25.28]"] * n,
        "_location_latitude": ["54.68"] * n,
    }
    return pd.DataFrame(out)


def odk_export(cb, survey: pd.DataFrame) -> pd.DataFrame:
    """ODK Central CSV export: names as codes, groups joined with '-', one select_multiple."""
    n = len(survey)
    members = [q.id for q in cb.questions("tsp_survey", group="info_channel")]
    out = {"SubmissionDate": ["2026-03-01T08:12:03.000Z"] * n, "start": ["x"] * n}
    for col in survey.columns:
        q = cb.question("tsp_survey", col)
        if q.type == "id" or q.group == "info_channel":
            if col == members[0]:
                out["info_channel"] = _info_names(survey, members)
            continue
        key = f"area_{q.area}-{col}" if q.area else col
        out[key] = survey[col]
    ids = [f"uuid:{_uuid(r)}" for r in survey["resp_id"]]
    out |= {
        "form_version": [VERSION] * n,
        "meta-instanceID": ids,
        "KEY": ids,
        "SubmitterID": ["5"] * n,
        "SubmitterName": ["collector"] * n,
        "AttachmentsPresent": ["0"] * n,
        "AttachmentsExpected": ["0"] * n,
        "Status": [pd.NA] * n,
        "ReviewState": [pd.NA] * n,
        "DeviceID": ["collect:abc"] * n,
        "Edits": ["0"] * n,
        "FormVersion": [VERSION] * n,
    }
    return pd.DataFrame(out)


def _same_clean_table(got, expected) -> None:
    drop = ["resp_id", "source_file"]
    pd.testing.assert_frame_equal(
        got.data.drop(columns=drop), expected.data.drop(columns=drop), check_dtype=True
    )
    assert got.accounting_line() == expected.accounting_line()


def _no_trace_of(result, values) -> None:
    text = pd.concat([result.data, result.quarantine, result.log], axis=1).to_csv()
    for value in values:
        assert value not in text


def test_kobo_xlsx_export_in_russian_cleans_to_the_original(cb, survey, expected, tmp_path):
    export = kobo_export(cb, survey)
    path = tmp_path / "Опрос_-_all_versions_-_labels.xlsx"
    export.to_excel(path, index=False)
    got = clean(read_table(path), "tsp_survey")
    _same_clean_table(got, expected)
    # resp_id is derived from the instance id, unique, and not the raw uuid
    assert got.data["resp_id"].is_unique and got.data["resp_id"].str.startswith("kobo-").all()
    _no_trace_of(got, [*export["_uuid"][:5], "enumerator1", "vGtP9bQx2kLmN4sR7tUw", "54.68"])
    dropped = got.log[got.log["action"] == "dropped_metadata"]
    assert {"_uuid", "_submission_time", "_submitted_by", "deviceid", "start", "end"} <= set(
        dropped["column"]
    )
    assert {"_geolocation", "_location_latitude", "__version__", "form_version"} <= set(
        dropped["column"]
    )
    assert (dropped["count"] == len(survey)).all()
    recoded = got.log[(got.log["action"] == "recoded") & (got.log["column"] == "sex")]
    assert "Женщина" in set(recoded["old"])


def test_kobo_semicolon_csv_export_cleans_to_the_original(cb, survey, expected, tmp_path):
    path = tmp_path / "kobo.csv"
    kobo_export(cb, survey).to_csv(path, index=False, sep=";")
    _same_clean_table(clean(read_table(path), "tsp_survey"), expected)


def test_odk_central_export_cleans_to_the_original(cb, survey, expected, tmp_path):
    path = tmp_path / "tsp_survey_odk.csv"
    export = odk_export(cb, survey)
    export.to_csv(path, index=False)
    got = clean(read_table(path), "tsp_survey")
    _same_clean_table(got, expected)
    assert got.data["resp_id"].str.startswith("odk-").all()
    _no_trace_of(got, [i.removeprefix("uuid:") for i in export["KEY"][:5]])
    # the select_multiple column became the eight 0/1 columns, "none" all zeros
    assert (export["info_channel"] == "none").any()


def test_a_run_reads_the_export_a_parameter_file_points_at(cb, survey, expected, tmp_path):
    """``inputs: {tsp_survey: export.xlsx}`` in a params file ends in load_inputs."""
    path = tmp_path / "kobo_export.xlsx"
    kobo_export(cb, survey).to_excel(path, index=False)
    inputs = load_inputs({"tsp_survey": path}, datasets=["tsp_survey"])
    _same_clean_table(inputs.tsp_survey, expected)
    assert inputs.synthetic  # the synthetic rows said so in data_origin


def test_validate_infers_the_dataset_of_a_grouped_export(cb, survey, tmp_path):
    path = tmp_path / "export.csv"  # a name that does not tell
    odk_export(cb, survey).to_csv(path, index=False)
    assert validate(path) == []


def test_form_and_export_agree_on_every_question(cb, survey):
    """Every answer column of the export is a question of the generated form."""
    names = set(build_form("tsp_survey").survey["name"])
    imported = import_export(odk_export(cb, survey), "tsp_survey")
    answers = set(imported.data.columns) - {"resp_id", "source_file", "source_row"}
    members = {q.id for q in cb.questions("tsp_survey", group="info_channel")}
    assert answers - members <= names


def test_kobo_label_headers_of_a_check_all_list_in_ukrainian(cb):
    stem = "Де Ви шукаєте інформацію про послуги?"
    raw = pd.DataFrame(
        {
            "_uuid": ["a", "b", "c"],
            "Якою мовою Вам найзручніше отримувати інформацію?": ["Українська", "Литовська", pd.NA],
            stem: ["Соціальні мережі Неурядові організації", "Нічого з переліченого", pd.NA],
            "municipality": ["Вільнюське міське самоврядування"] * 3,
        }
    )
    data = import_export(raw, "tsp_survey").data
    assert data["info_language"].tolist()[:2] == ["uk", "lt"]
    assert data["info_social_media"].tolist()[:2] == ["1", "0"]
    assert data["info_ngo"].tolist()[:2] == ["1", "0"]
    assert data["info_employer"].tolist()[:2] == ["0", "0"]
    assert data[["info_ngo", "info_other"]].iloc[2].isna().all()  # skipped: blank, not 0
    assert (data["municipality"] == "vilnius").all()


def test_a_plain_table_passes_through_untouched(survey):
    imported = import_export(survey, "tsp_survey")
    assert imported.data is survey and imported.platform is None and not imported.log


def test_a_codebook_column_is_never_dropped_as_metadata():
    raw = pd.DataFrame(
        {
            "KEY": ["uuid:1"],
            "consultation_id": ["K1"],
            "municipality": ["vilnius"],
            "planned_date": ["2022-01-10"],
            "status": ["planned"],
        }
    )
    imported = import_export(raw, "consultations")
    assert imported.platform == "odk"
    assert list(imported.data.columns) == [
        "consultation_id",
        "municipality",
        "planned_date",
        "status",
    ]


def test_kobo_export_without_metadata_is_known_by_its_group_paths(cb):
    raw = pd.DataFrame({"demo/municipality": ["Kaunas"], "area_health/need_health": ["Да"]})
    imported = import_export(raw, "tsp_survey")
    assert imported.platform == "kobo"
    assert imported.data.to_dict("list") == {"municipality": ["Kaunas"], "need_health": ["yes"]}


def test_detects_platforms_and_metadata():
    assert detect_platform(["_uuid", "x"]) == "kobo"
    assert detect_platform(["meta-instanceID", "x"]) == "odk"
    assert detect_platform(["id", "submitdate", "lastpage", "needEducation"]) == "limesurvey"
    assert detect_platform(["id", "municipality"]) is None
    assert is_metadata("SubmissionDate") and is_metadata("loc-Latitude")
    assert not is_metadata("need_education") and not is_metadata("satisfaction")


# -- LimeSurvey ---------------------------------------------------------------------------------
def _limesurvey_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["1", "2"],
            "submitdate": ["2026-03-01 10:00:00", "2026-03-02 11:00:00"],
            "lastpage": ["5", "5"],
            "startlanguage": ["ru", "uk"],
            "seed": ["123", "456"],
            "ipaddr": ["10.0.0.1", "10.0.0.2"],
            "municipality": ["Вильнюсское городское самоуправление", "vilnius"],
            "needEducation": ["1", "Так"],
            "gotEducation": ["2", "Частково"],
            "rateEduCov": ["4", "Добре"],
            "infoNgo": ["Y", "N"],
        }
    )


def test_limesurvey_codes_are_short_alphanumeric_and_unique():
    for dataset in ("tsp_survey", "provider_survey"):
        codes = limesurvey_codes(dataset)["code"]
        assert codes.str.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,19}").all()
        assert codes.is_unique


def test_limesurvey_export_reads_through_the_default_codes(tmp_path):
    path = tmp_path / "results-survey123.csv"
    _limesurvey_rows().to_csv(path, index=False)
    got = clean(read_table(path), "tsp_survey")
    row = got.data.iloc[0]
    assert got.accepted == 2
    assert (row["municipality"], row["need_education"], row["got_education"]) == (
        "vilnius",
        "yes",
        "partly",
    )
    assert got.data["rate_education_coverage"].tolist() == [4, 4]
    assert got.data["info_ngo"].tolist() == [1, 0]
    assert got.data["resp_id"].str.startswith("limesurvey-").all()
    _no_trace_of(got, ["10.0.0.1", "2026-03-01 10:00:00"])
    assert "id" in set(got.log.loc[got.log["action"] == "dropped_metadata", "column"])


def test_limesurvey_mapping_file_beside_the_export_wins(tmp_path):
    rows = _limesurvey_rows().rename(columns={"needEducation": "Q1", "gotEducation": "Q2"})
    rows.to_csv(tmp_path / "results.csv", index=False)
    pd.DataFrame(
        {
            "code": ["Q1", "Q2", "rateEduCov", "infoNgo", "municipality"],
            "id": [
                "need_education",
                "got_education",
                "rate_education_coverage",
                "info_ngo",
                "municipality",
            ],
        }
    ).to_csv(tmp_path / "limesurvey_map.csv", index=False)
    got = clean(read_table(tmp_path / "results.csv"), "tsp_survey")
    assert got.data["need_education"].tolist() == ["yes", "yes"]


# -- bad platform files -------------------------------------------------------------------------
def test_export_of_another_form_version_is_refused(cb, survey, tmp_path):
    export = odk_export(cb, survey)
    export.loc[3:, "form_version"] = "2020.2"
    export.loc[3:, "FormVersion"] = "2020.2"
    path = tmp_path / "tsp_survey_old.csv"
    export.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        clean(read_table(path), "tsp_survey")
    text = str(exc.value)
    assert str(path) in text and "'2020.2'" in text and "form version 2021.1" in text
    assert "row 5" in text  # the first row of the old version (header = row 1)
    assert [p.column for p in exc.value.problems] == ["form_version"]


def test_export_missing_a_required_question_names_it(cb, survey, tmp_path):
    export = kobo_export(cb, survey)
    export = export.drop(columns=[cb.question("tsp_survey", "municipality").text("ru")])
    path = tmp_path / "kobo_no_municipality.xlsx"
    export.to_excel(path, index=False)
    with pytest.raises(InputError) as exc:
        clean(read_table(path), "tsp_survey")
    assert str(path) in str(exc.value) and "municipality" in str(exc.value)
    problems = validate(path, "tsp_survey")
    assert any(p.column == "municipality" and p.severity == "error" for p in problems)


def test_metadata_only_export_is_an_error(tmp_path):
    path = tmp_path / "tsp_survey_export.csv"
    path.write_text(
        "_id;_uuid;_submission_time;__version__;_submitted_by\n"
        "1;2b1c1f1e-0000-4000-8000-000000000001;2026-03-01T08:00:00;vAbc;someone\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as exc:
        clean(read_table(path), "tsp_survey")
    assert str(path) in str(exc.value)
    assert "only platform metadata" in str(exc.value)
    assert "someone" not in str(exc.value) and "2b1c1f1e" not in str(exc.value)
    assert any("only platform metadata" in p.expected for p in validate(path))


def test_export_of_the_other_survey_is_refused(tmp_path):
    survey = synth.provider_survey_frame({"kaunas": 5}, seed=5).drop(columns="resp_id")
    survey["KEY"] = [f"uuid:{i}" for i in range(len(survey))]
    path = tmp_path / "export.csv"
    survey.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        clean(read_table(path), "tsp_survey")
    assert str(path) in str(exc.value)
    assert "questions are those of provider_survey (form tsp_provider_survey)" in str(exc.value)


def test_unreadable_select_multiple_names_row_and_value(cb, survey, tmp_path):
    export = odk_export(cb, survey)
    first = export["info_channel"].first_valid_index()
    export.loc[first, "info_channel"] = "info_ngo telegram"
    path = tmp_path / "tsp_survey_odk.csv"
    export.to_csv(path, index=False)
    with pytest.raises(InputError) as exc:
        clean(read_table(path), "tsp_survey")
    assert f"row {first + 2}" in str(exc.value) and "telegram" in str(exc.value)


def test_provider_survey_kobo_export_in_ukrainian_cleans_to_the_original(cb, tmp_path):
    survey = synth.provider_survey_frame({"kaunas": 20, "akmene": 10}, seed=5)
    path = tmp_path / "providers.csv"
    survey.to_csv(path, index=False)
    want = clean(read_table(path), "provider_survey")
    export = {}
    for col in survey.columns:
        q = cb.question("provider_survey", col)
        if q.type == "id":
            continue
        values = survey[col]
        if q.type in {"category", "likert"}:
            values = values.map(cb.value_labels(q.value_set, "uk"), na_action="ignore")
        elif q.type == "municipality":
            ref = reference.municipalities()
            values = values.map(dict(zip(ref["slug"], ref["name_uk"], strict=True)))
        header = q.label("uk") if q.group in {"competence", "resources"} else col
        export[f"capacity/{header}" if q.area else header] = values
    export |= {"_uuid": [_uuid(r) for r in survey["resp_id"]], "form_version": VERSION}
    pd.DataFrame(export).to_csv(tmp_path / "kobo.csv", index=False, sep=";")
    got = clean(read_table(tmp_path / "kobo.csv"), "provider_survey")
    _same_clean_table(got, want)
