"""The questionnaire: the codebook written as an XLSForm in four languages, checked by pyxform."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from tsp_analysis import reference
from tsp_analysis.cli import main
from tsp_analysis.codebook import FORM_LANGUAGES, load_codebook
from tsp_analysis.errors import ReferenceDataError
from tsp_analysis.questionnaire import build_form, relevant, write_form
from tsp_analysis.routing import parse

pyxform = pytest.importorskip("pyxform.xls2xform")

SURVEYS = ("tsp_survey", "provider_survey")
LABELS = [
    "label::Lithuanian (lt)",
    "label::English (en)",
    "label::Russian (ru)",
    "label::Ukrainian (uk)",
]


@pytest.fixture(scope="module")
def cb():
    return load_codebook()


@pytest.fixture(scope="module", params=SURVEYS)
def written(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("form") / f"{request.param}.xlsx"
    return request.param, write_form(request.param, path)


def test_pyxform_converts_the_form_without_errors_or_warnings(written):
    dataset, path = written
    warnings: list[str] = []
    # validate=False: pyxform's own checks only (ODK Validate would need Java)
    result = pyxform.convert(str(path), warnings=warnings, validate=False)
    assert warnings == [] and result.warnings == []
    info = load_codebook().form(dataset)
    assert f'id="{info.form_id}"' in result.xform
    assert f'version="{info.version}"' in result.xform
    for lang in FORM_LANGUAGES:  # one translation block per language
        assert re.search(rf'<translation (default="true\(\)" )?lang="\w+ \({lang}\)"', result.xform)


def test_workbook_has_three_sheets_and_a_label_column_per_language(written):
    _, path = written
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey_header = [c.value for c in next(book["survey"].iter_rows(max_row=1))]
    choices_header = [c.value for c in next(book["choices"].iter_rows(max_row=1))]
    assert survey_header[:6] == ["type", "name", *LABELS]
    assert choices_header == ["list_name", "name", *LABELS]


def test_every_label_is_written_in_every_language(cb):
    for dataset in SURVEYS:
        form = build_form(dataset)
        labelled = form.survey[form.survey["type"] != "calculate"]
        for frame in (labelled, form.choices):
            for col in LABELS:
                assert (frame[col].str.strip() != "").all(), (dataset, col)


def test_every_rating_question_carries_its_skip_logic(cb, tmp_path):
    path = write_form("tsp_survey", tmp_path / "form.xlsx")
    # read back from the workbook, as a platform would
    survey = pd.read_excel(path, sheet_name="survey", dtype=str, keep_default_na=False)
    rel = survey.set_index("name")["relevant"]
    ratings = cb.questions("tsp_survey", group="rating")
    assert len(ratings) == 45
    for q in ratings:
        got = f"got_{q.area}"  # written out by hand: received fully or partly
        assert rel[q.id] == f"(${{{got}}} = 'fully' or ${{{got}}} = 'partly')"
        assert rel[got] == f"${{need_{q.area}}} = 'yes'"
        assert rel[f"need_{q.area}"] == ""
    # ... and pyxform turns each into an XPath binding on the question
    xform = pyxform.convert(str(path)).xform
    for q in ratings:
        bind = re.search(rf'<bind nodeset="/data/{q.id}"[^>]*>', xform).group(0)
        assert f"/data/got_{q.area}  = 'fully' or  /data/got_{q.area}  = 'partly'" in bind


def test_relevant_quotes_choice_codes_and_leaves_numbers_bare():
    assert relevant("lt_level=1|2") == "(${lt_level} = '1' or ${lt_level} = '2')"
    assert relevant("age!=18", numeric=frozenset({"age"})) == "${age} != 18"
    assert relevant("a=x & b!=y") == "${a} = 'x' and ${b} != 'y'"
    assert relevant(None) == ""
    with pytest.raises(ReferenceDataError, match="cannot parse"):
        relevant("need_education == yes")


def test_required_and_ranges_come_from_the_codebook(cb):
    survey = build_form("tsp_survey").survey.set_index("name")
    assert survey.loc["municipality", "required"] == "yes"
    assert survey.loc["age", "type"] == "integer"
    assert survey.loc["age", "constraint"] == ". >= 18 and . <= 99"
    assert survey.loc["years_in_lt", "type"] == "decimal"
    assert survey.loc["years_in_lt", "constraint"] == ". >= 0 and . <= 70"
    assert "18" in survey.loc["age", "constraint_message::Russian (ru)"]
    assert survey.loc["rate_health_quality", "type"] == "select_one likert5"
    assert survey.loc["residence_basis", "type"] == "select_one residence_bases"
    assert survey.loc["citizenship", "type"] == "select_one countries"


def test_form_asks_for_no_identity_and_opens_with_consent(cb):
    for dataset in SURVEYS:
        survey = build_form(dataset).survey
        assert survey.iloc[0]["type"] == "note" and survey.iloc[0]["name"] == "consent"
        ids = [q.id for q in cb.questions(dataset) if q.type == "id"]
        assert ids and not set(ids) & set(survey["name"])
        free = survey.loc[survey["type"] == "text", "name"].tolist()
        assert free == [q.id for q in cb.questions(dataset) if q.type == "text"]
        assert not survey["name"].str.contains("name|phone|email|contact|address").any()
        consent = survey.iloc[0]["label::English (en)"]
        assert "name or contact" in consent


def test_check_all_binaries_become_one_select_multiple(cb):
    form = build_form("tsp_survey")
    row = form.survey.set_index("name").loc["info_channel"]
    assert row["type"] == "select_multiple info_channel"
    assert row["label::English (en)"] == "Where do you look for information about services?"
    names = form.choices.loc[form.choices["list_name"] == "info_channel", "name"].tolist()
    members = [q.id for q in cb.questions("tsp_survey", group="info_channel")]
    assert names == [*members, "none"]  # "none of these" keeps "answered, none" apart from blank
    assert row["constraint"] == "not(selected(., 'none') and count-selected(.) > 1)"


def test_data_origin_and_version_are_calculated_not_asked(cb):
    survey = build_form("tsp_survey").survey.set_index("name")
    assert survey.loc["data_origin", "calculation"] == "'real'"
    assert survey.loc["form_version", "calculation"] == f"'{cb.form('tsp_survey').version}'"


def test_settings_carry_form_id_version_and_the_translation_notice(cb):
    settings = build_form("provider_survey").settings.iloc[0]
    info = cb.form("provider_survey")
    assert settings["form_id"] == info.form_id and settings["version"] == info.version
    assert settings["default_language"] == "Lithuanian (lt)"
    assert "not yet been reviewed by a native speaker" in settings["translation_note"]


def test_codebook_holds_russian_and_ukrainian_wording_marked_unreviewed(cb):
    for dataset in SURVEYS:
        for q in cb.questions(dataset):
            for lang in ("ru", "uk"):
                assert q.label(lang) and q.text(lang), (q.id, lang)
            assert q.text("ru") != q.text("uk") or q.type == "id"
            assert q.translation_reviewed is False
    assert cb.value_labels("likert5", "ru")["8"] == "Не знаю"
    assert cb.value_labels("received", "uk")["fully"] == "Так, повністю"
    assert cb.values("ref:residence_bases")["label_uk"].str.len().gt(0).all()
    with pytest.raises(ValueError, match="language"):
        cb.value_labels("likert5", "de")


def test_country_choices_name_every_country_in_four_languages():
    form = build_form("tsp_survey")
    countries = form.choices[form.choices["list_name"] == "countries"].set_index("name")
    assert len(countries) == len(reference.countries())
    assert countries.loc["UA", "label::Russian (ru)"] == "Украина"
    assert countries.loc["BY", "label::Ukrainian (uk)"] == "Білорусь"


def test_cli_writes_the_form(tmp_path, capsys):
    out = tmp_path / "form.xlsx"
    assert main(["questionnaire", "--dataset", "tsp_survey", "--out", str(out)]) == 0
    assert out.exists() and "version 2021.1" in capsys.readouterr().out
    codes = tmp_path / "codes.csv"
    main(
        [
            "questionnaire",
            "--dataset",
            "tsp_survey",
            "--out",
            str(out),
            "--limesurvey-map",
            str(codes),
        ]
    )
    assert codes.read_text().startswith("code,id\nmunicipality,municipality\n")
    with pytest.raises(ValueError, match="xlsx"):
        write_form("tsp_survey", tmp_path / "form.csv")


def test_form_skip_logic_is_the_routing_module_s(cb):
    """One parser for applies_if: the form's relevant expressions name exactly the columns and
    codes routing.parse reads (cleaning and the data review use the same module)."""
    for dataset in SURVEYS:
        for q in cb.questions(dataset):
            if q.applies_if:
                expr = relevant(q.applies_if)
                for cond in parse(q.applies_if):
                    for code in cond.allowed:
                        op = "!=" if cond.negate else "="
                        assert f"${{{cond.column}}} {op} '{code}'" in expr, q.id
