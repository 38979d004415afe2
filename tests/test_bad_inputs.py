"""The bad-input corpus: every kind of bad input gives its own clear error.

Each case names the file and the problems :func:`tsp_analysis.validate.validate` must report:
the row, the column, the value and words of the expectation. Inputs that stop reading or
cleaning altogether must also raise :class:`InputError` from ``read_table``/``clean`` with a
message that names the file. See ``tests/bad_inputs/README.md``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tsp_analysis.clean import clean
from tsp_analysis.cli import main
from tsp_analysis.errors import InputError
from tsp_analysis.readers import read_table
from tsp_analysis.validate import validate

CORPUS = Path(__file__).parent / "bad_inputs"


@dataclass
class Expect:
    """One problem: where it is, what was found, words the expectation must contain."""

    row: int | None
    column: str | None
    value: object
    words: tuple[str, ...]
    file: str | None = None  # a file inside a folder case (default: the case's own path)


@dataclass
class Case:
    file: str
    dataset: str | None
    problems: list[Expect]
    stops: str | None = None  # "read" or "clean": raises InputError there, with these words
    message: tuple[str, ...] = ()
    encoding: str | None = None
    content: bytes | None = None  # written at test time instead of read from the corpus
    extra: dict = field(default_factory=dict)
    files: dict[str, bytes] | None = None  # a folder written at test time: name → content


def _xlsx_bytes() -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["resp_id", "municipality"])
    book.active.append(["T-001", "Kaunas"])
    buf = io.BytesIO()
    book.save(buf)
    assert zipfile.is_zipfile(io.BytesIO(buf.getvalue()))
    return buf.getvalue()


def _workbook_bytes(rows: list[list[object]], merge: str | None = None) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _xlsx_title() -> bytes:
    """A merged title row and a blank row above the header; a bad age in sheet row 5."""
    return _workbook_bytes(
        [
            ["TŠP apklausa, Kauno miestas, 2021"],
            [],
            ["resp_id", "municipality", "age", "sex"],
            ["T-001", "Kauno m.", 34, "Moteris"],
            ["T-002", "Kauno m.", 150, "Vyras"],
        ],
        merge="A1:D1",
    )


def _xlsx_wide() -> bytes:
    """A header of three names, and a row with a value in a fourth column."""
    return _workbook_bytes(
        [
            ["resp_id", "municipality", "age"],
            ["T-001", "Kauno m.", 34],
            ["T-002", "Kauno m.", 41, "pastaba"],
        ]
    )


UNREADABLE = b"unreadable"
MIXED_HEAD = "resp_id;municipality\nT-001;Kauno m.\n"
SIAULIAI = "T-002;Šiaulių m.\nT-003;Šiaulių m.\n"
KLAIPEDA = "T-004;Klaipėdos m.\nT-005;Klaipėdos m.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
LT_TEXT = "resp_id;municipality\nT-001;Šiaulių m.\nT-002;Klaipėdos m.\n"

CASES = [
    Case(
        "empty.csv",
        "tsp_survey",
        [Expect(None, None, None, ("header row",))],
        stops="read",
        message=("empty.csv", "is empty (0 bytes)"),
    ),
    Case(
        "header_only.csv",
        "tsp_survey",
        [Expect(None, None, None, ("data row",))],
        stops="read",
        message=("header_only.csv", "header but no data rows"),
    ),
    Case(
        "ragged_rows.csv",
        "tsp_survey",
        [
            Expect(3, None, "4 fields", ("3 fields, as in the header",)),
            Expect(5, None, "2 fields", ("3 fields, as in the header",)),
        ],
        stops="read",
        message=("ragged_rows.csv", "2 row(s)", "number of fields"),
    ),
    Case(
        "duplicate_column_names.csv",
        "tsp_survey",
        [Expect(1, "age", "age", ("unique column names", "also column 3"))],
        stops="read",
        message=("duplicate_column_names.csv", "repeats column names"),
    ),
    Case(
        "unnamed_column_with_values.csv",
        "tsp_survey",
        [Expect(3, "column 3", "note", ("a column name",))],
        stops="read",
        message=("unnamed_column_with_values.csv", "without a name"),
    ),
    Case(
        "missing_required_column.csv",
        "tsp_survey",
        [
            Expect(None, "resp_id", None, ("requires",)),
            Expect(None, "municipality", None, ("requires",)),
        ],
        stops="clean",
        message=("missing_required_column.csv", "resp_id, municipality"),
    ),
    Case(
        "unknown_municipality.csv",
        "tsp_survey",
        [Expect(3, "municipality", "Trakų r. sav.", ("known municipality", "Kauno miesto"))],
    ),
    Case(
        "value_out_of_range.csv",
        "tsp_survey",
        [
            Expect(2, "age", "150", ("from 18 to 99", "out_of_range")),
            Expect(3, "years_in_lt", "71", ("from 0 to 70", "out_of_range")),
        ],
    ),
    Case(
        "label_not_in_codebook.csv",
        "tsp_survey",
        [
            Expect(
                3,
                "rate_health_quality",
                "Puikiai",
                ("5 (Labai gerai / Very good)", "invalid_value"),
            )
        ],
    ),
    Case(
        "duplicate_ids.csv",
        "tsp_survey",
        [
            Expect(4, "resp_id", "T-002", ("row 3 already has it", "duplicate_id")),
            Expect(5, "resp_id", "T-001", ("repeats row 2", "duplicate_row")),
        ],
    ),
    Case(
        "impossible_combination.csv",
        "tsp_survey",
        [
            Expect(
                2,
                "rate_health_quality",
                "4",
                ("got_health=fully|partly", "need_health = 'Ne'", "impossible_combination"),
            )
        ],
    ),
    Case(
        "straight_lining.csv",
        "tsp_survey",
        [Expect(2, None, "10 ratings, all 5", ("varied ratings", "straight_lining"))],
    ),
    Case(
        "eu_citizen.csv",
        "tsp_survey",
        [Expect(3, "citizenship", "PL", ("third-country", "not_third_country"))],
    ),
    Case(
        "invalid_date.csv",
        "consultations",
        [Expect(3, "planned_date", "2022-02-30", ("YYYY-MM-DD", "invalid_value"))],
    ),
    Case(
        "not_a_number.csv",
        "residents",
        [Expect(3, "residents", "daug", ("a whole number", "invalid_value"))],
    ),
    Case(
        "missing_required_value.csv",
        "recommendations",
        [Expect(3, "title_lt", None, ("is required", "missing_required"))],
    ),
    Case(
        "unsupported_type.json",
        None,
        [Expect(None, None, ".json", (".csv, .xlsx or .sav",))],
        stops="read",
        message=("unsupported_type.json", "unsupported file type"),
    ),
    Case(
        "unknown_dataset.csv",
        None,
        [Expect(None, None, None, ("named after its dataset", "--dataset"))],
    ),
    # written at test time
    Case(
        "wrong_encoding_declared.csv",
        "tsp_survey",
        [Expect(2, None, "byte 0xD0", ("declared encoding utf-8",))],
        stops="read",
        encoding="utf-8",
        content=LT_TEXT.encode("cp1257"),
        message=("declared utf-8, but byte 0xD0 at line 2 is not valid", "looks like Windows-1257"),
    ),
    Case(
        "utf8_declared_cp1257.csv",
        "tsp_survey",
        [Expect(2, None, "T-001;Å\xa0iauliÅ³ m.", ("declared encoding cp1257",))],
        stops="read",
        encoding="cp1257",
        content=LT_TEXT.encode("utf-8"),
        message=("declared cp1257, but the file is UTF-8", "line 2"),
    ),
    Case(
        "cyrillic_cp1251.csv",
        "tsp_survey",
        [Expect(2, None, None, ("UTF-8 or Windows-1257",))],
        stops="read",
        content="resp_id;comment\nT-001;Привет, нужна помощь\n".encode("cp1251"),
        message=("not UTF-8 and does not read as Windows-1257",),
    ),
    Case(
        "xlsx_renamed.csv",
        "tsp_survey",
        [Expect(None, None, None, ("comma- or semicolon-separated text",))],
        stops="read",
        content=b"xlsx",
        message=("ZIP archive", "Excel .xlsx", "save it as CSV"),
    ),
    Case(
        "png_renamed.csv",
        "tsp_survey",
        [Expect(None, None, "a PNG image", ("separated text",))],
        stops="read",
        content=PNG,
        message=("is a PNG image, not text",),
    ),
    Case(
        "nul_bytes.csv",
        "tsp_survey",
        [Expect(None, None, None, ("separated text",))],
        stops="read",
        content=b"resp_id,municipality\nT\x00\x00\x01,\x00K\n",
        message=("binary data",),
    ),
    Case(
        "broken.xlsx",
        "tsp_survey",
        [Expect(None, None, None, ("valid .xlsx",))],
        stops="read",
        content=b"resp_id;municipality\nT-001;Kaunas\n",
        message=("broken.xlsx", "not a valid .xlsx workbook"),
    ),
    Case(
        "broken.sav",
        "tsp_survey",
        [Expect(None, None, None, ("SPSS .sav",))],
        stops="read",
        content=b"resp_id;municipality\nT-001;Kaunas\n",
        message=("broken.sav", "not a readable SPSS .sav file"),
    ),
    Case(
        "does_not_exist.csv",
        "tsp_survey",
        [Expect(None, None, None, ("existing file",))],
        stops="read",
        message=("does_not_exist.csv", "no such file"),
    ),
    # -- issue 9: files a municipality actually sends ------------------------------------
    Case(
        "invalid_optional_answer.csv",
        "tsp_survey",
        [Expect(3, "sex", "alien", ("Moteris / Female", "the cell is set missing, the row kept"))],
    ),
    Case(
        "optional_not_a_number.csv",
        "tsp_survey",
        [Expect(2, "years_in_lt", "daug", ("a number from 0 to 70", "the cell is set missing"))],
    ),
    Case(
        "rating_out_of_scale.csv",
        "tsp_survey",
        [Expect(3, "rate_health_quality", "6", ("5 (Labai gerai / Very good)", "set missing"))],
    ),
    Case(
        "binary_not_yes_no.csv",
        "tsp_survey",
        [Expect(3, "info_ngo", "gal", ("1 (Pažymėta / Selected)", "set missing"))],
    ),
    Case(
        "provider_rating_out_of_scale.csv",
        "provider_survey",
        [Expect(2, "resources_health", "7", ("Very insufficient", "set missing"))],
    ),
    Case(
        "unknown_country.csv",
        "tsp_survey",
        [Expect(3, "citizenship", "Atlantida", ("ISO 3166 country code", "invalid_value"))],
    ),
    Case(
        "missing_id.csv",
        "tsp_survey",
        [Expect(3, "resp_id", None, ("'resp_id' is required", "missing_required"))],
    ),
    Case(
        "received_without_need.csv",
        "tsp_survey",
        [
            Expect(
                2,
                "got_health",
                "Taip, visiškai",
                ("no answer unless need_health=yes", "need_health = 'Ne'"),
            )
        ],
    ),
    Case(
        "header_repeats_after_normalising.csv",
        "tsp_survey",
        [Expect(1, "age", "age", ("one column per name", "repeats column 'Age'"))],
        stops="clean",
        message=("header_repeats_after_normalising.csv", "not usable as tsp_survey"),
    ),
    Case(
        "population_negative_count.csv",
        "population",
        [Expect(3, "count", "-5", ("a whole number from 0", "out_of_range"))],
    ),
    Case(
        "population_unknown_age_group.csv",
        "population",
        [Expect(3, "age_group", "40_49", ("35_44 (35–44 m. / 35–44)", "invalid_value"))],
    ),
    Case(
        "residents_not_whole.csv",
        "residents",
        [Expect(2, "residents", "147 892,5", ("a whole number", "invalid_value"))],
    ),
    Case(
        "date_not_iso.csv",
        "consultations",
        [Expect(3, "planned_date", "09/11/2021", ("YYYY-MM-DD", "invalid_value"))],
    ),
    Case(
        "unknown_status.csv",
        "consultations",
        [Expect(2, "status", "galbūt", ("held (Įvyko / Held)", "invalid_value"))],
    ),
    Case(
        "strategic_unknown_level.csv",
        "strategic_assessment",
        [Expect(2, "level", "visiškai", ("partly (Įtraukta iš dalies", "invalid_value"))],
    ),
    Case(
        "recommendation_unknown_area.csv",
        "recommendations",
        [Expect(2, "area", "transportas", ("an area: education", "invalid_value"))],
    ),
    # activities 4.1 (training) and 5.1 (foreign experts)
    Case(
        "training_unknown_kind.csv",
        "training_events",
        [Expect(3, "kind", "nuotoliniai", ("experiential (Patyriminiai mokymai", "invalid_value"))],
    ),
    Case(
        "training_negative_participants.csv",
        "training_events",
        [Expect(2, "participants_health", "-3", ("from 0 to 500", "out_of_range", "set missing"))],
    ),
    Case(
        "training_participants_not_held.csv",
        "training_events",
        [
            Expect(
                3,
                "participants_education",
                "15",
                ("unless status=held", "'planned'", "impossible_combination"),
            )
        ],
    ),
    Case(
        "expert_unknown_kind.csv",
        "expert_engagements",
        [Expect(3, "kind", "seminaras", ("mentoring (Mentorystė / Mentoring)", "invalid_value"))],
    ),
    Case(
        "expert_participants_not_a_number.csv",
        "expert_engagements",
        [Expect(2, "participants", "dvidešimt", ("a whole number", "invalid_value"))],
    ),
    Case(
        "qual_theme_of_another_area.csv",
        "qual_evidence",
        [
            Expect(
                2,
                "theme",
                "emp_job_search",
                ("a theme of area 'health'", "belongs to 'employment'", "impossible_combination"),
            )
        ],
    ),
    Case(
        "qual_unknown_source_kind.csv",
        "qual_evidence",
        [
            Expect(2, "source_kind", "apklausa", ("interview (Interviu", "invalid_value")),
            Expect(3, "sentiment", "labai blogai", ("negative (Neigiamas", "invalid_value")),
        ],
    ),
    Case(
        "title_row_above_header.csv",
        "tsp_survey",
        [Expect(1, None, "TŠP apklausa, Kauno m. 2021", ("the header row",))],
        stops="read",
        message=("title_row_above_header.csv", "row 1 looks like a title above the header"),
    ),
    Case(
        "provider_survey_named_tsp_survey.csv",
        "tsp_survey",
        [Expect(1, None, "6 columns", ("columns of provider_survey", "only 2 of tsp_survey"))],
        stops="clean",
        message=("not usable as tsp_survey", "is this the provider_survey file?"),
    ),
    Case(
        "mojibake_municipality.csv",
        "tsp_survey",
        [
            Expect(
                3,
                "municipality",
                "Å\xa0iauliÅ³ m.",
                ("UTF-8 text read as Windows-1257", "'Šiaulių m.'", "unknown_municipality"),
            )
        ],
    ),
    Case(
        "mixed_utf8_with_cp1257_block.csv",
        "tsp_survey",
        [Expect(5, "municipality", "Klaipėdos m.", ("one encoding", "the rest is UTF-8"))],
        stops="read",
        content=(MIXED_HEAD + SIAULIAI).encode("utf-8")
        + KLAIPEDA.encode("cp1257")
        + SIAULIAI.encode("utf-8"),
        message=("mixed encodings", "line(s) 5–6 are Windows-1257"),
    ),
    Case(
        "mixed_cp1257_with_utf8_rows.csv",
        "tsp_survey",
        [Expect(5, "municipality", "Klaipėdos m.", ("the rest is Windows-1257",))],
        stops="read",
        content=(MIXED_HEAD + SIAULIAI).encode("cp1257")
        + KLAIPEDA.encode("utf-8")
        + SIAULIAI.encode("cp1257"),
        message=("mixed encodings", "line(s) 5–6 are UTF-8", "re-save"),
    ),
    Case(
        "mixed_declared_cp1257.csv",
        "tsp_survey",
        [Expect(7, "municipality", "Šiaulių m.", ("the rest is Windows-1257",))],
        stops="read",
        encoding="cp1257",
        content=(MIXED_HEAD + SIAULIAI + KLAIPEDA).encode("cp1257") + SIAULIAI.encode("utf-8"),
        message=("mixed encodings", "line(s) 7–8 are UTF-8"),
    ),
    Case(
        "xlsx_title_row.xlsx",
        "tsp_survey",
        [Expect(5, "age", "150", ("from 18 to 99", "out_of_range"))],
        content=b"xlsx-title",
    ),
    Case(
        "xlsx_values_beyond_header.xlsx",
        "tsp_survey",
        [Expect(3, "column D", "pastaba", ("no values beyond the header's 3 columns",))],
        stops="read",
        content=b"xlsx-wide",
        message=("values beyond the header's columns", "a title above the header"),
    ),
    Case(
        "folder_with_two_surveys",
        "tsp_survey",
        [
            Expect(
                1,
                None,
                "lacks age; adds org_type",
                ("the same columns as", "part1.csv"),
                file="provider.csv",
            )
        ],
        stops="read",
        files={
            "part1.csv": b"resp_id;municipality;age\nT-1;Kaunas;30\n",
            "part2.csv": b"resp_id;municipality;age\nT-2;Kaunas;31\n",
            "provider.csv": b"resp_id;municipality;org_type\nP-1;Kaunas;ngo\n",
        },
        message=("different columns", "provider.csv does not match"),
    ),
    Case(
        "folder_without_inputs",
        "tsp_survey",
        [Expect(None, None, None, ("a folder with .csv, .xlsx or .sav files",))],
        stops="read",
        files={"notes.txt": b"the survey will follow"},
        message=("folder_without_inputs", "holds no .csv, .xlsx or .sav file"),
    ),
    Case(
        "unreadable.csv",
        "tsp_survey",
        [Expect(None, None, None, ("a file this user may read",))],
        stops="read",
        content=UNREADABLE,
        message=("unreadable.csv", "cannot read the file"),
    ),
]


def _path(case: Case, tmp_path: Path) -> Path:
    if case.file == "does_not_exist.csv":
        return tmp_path / case.file
    path = tmp_path / case.file
    if case.files is not None:
        path.mkdir()
        for name, content in case.files.items():
            (path / name).write_bytes(content)
        return path
    if case.content is None:
        return CORPUS / case.file
    if case.content == UNREADABLE:
        path.symlink_to("/proc/self/mem")  # opens, but every read fails (even for root)
        return path
    builders = {b"xlsx": _xlsx_bytes, b"xlsx-title": _xlsx_title, b"xlsx-wide": _xlsx_wide}
    path.write_bytes(builders[case.content]() if case.content in builders else case.content)
    return path


def test_corpus_has_at_least_forty_five_distinct_bad_inputs():
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    covered = {c.file for c in CASES}
    assert on_disk <= covered, f"files without a case: {sorted(on_disk - covered)}"
    assert len(CASES) >= 45
    assert len(CASES) == len(covered)  # one case per file


def test_readme_lists_every_corpus_file():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    missing = [c.file for c in CASES if c.file not in readme]
    assert not missing


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_bad_input_gives_its_clear_error(case, tmp_path):
    path = _path(case, tmp_path)
    before = path.read_bytes() if path.is_file() and case.content != UNREADABLE else None
    errors = [
        p for p in validate(path, case.dataset, encoding=case.encoding) if p.severity == "error"
    ]
    assert len(errors) == len(case.problems), "\n".join(map(str, errors))
    for got, want in zip(errors, case.problems, strict=True):
        assert got.file == str(path / want.file if want.file else path)
        assert (got.row, got.column) == (want.row, want.column), str(got)
        if want.value is not None:
            assert got.value == want.value, str(got)
        for word in want.words:
            assert word in got.expected, f"{word!r} not in {got}"
    if case.stops:
        with pytest.raises(InputError) as err:
            raw = read_table(path, encoding=case.encoding)
            assert case.stops == "clean", "reading should have failed"
            clean(raw, case.dataset)
        message = str(err.value)
        assert str(path) in message
        for word in case.message:
            assert word in message, f"{word!r} not in {message}"
    if before is not None:
        assert path.read_bytes() == before  # raw files are never modified


def test_validate_cli_reports_every_problem_of_every_file_and_exits_1(capsys):
    files = [CORPUS / "value_out_of_range.csv", CORPUS / "duplicate_ids.csv", CORPUS / "empty.csv"]
    status = main(["validate", *map(str, files), "--dataset", "tsp_survey"])
    out = capsys.readouterr().out
    assert status == 1
    lines = [line for line in out.splitlines() if line and not line.startswith(("warning", "5 "))]
    assert "5 problem(s) in 3 file(s)" in out
    assert sum(str(files[0]) in line for line in lines) == 2
    assert sum(str(files[1]) in line for line in lines) == 2
    assert f"{files[2]}: got" not in out and str(files[2]) in out


def test_validate_cli_exits_0_on_a_clean_file(tmp_path, capsys):
    path = tmp_path / "tsp_survey_ok.csv"
    path.write_text("resp_id;municipality;age;notes\nT-1;Kaunas;30;x\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # the dataset comes from the file name
    out = capsys.readouterr().out
    assert "no problems" in out
    assert "warning" in out and "'notes'" in out  # an ignored column is only a warning


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_bad_input_through_the_command_line_is_no_traceback(case, tmp_path, capsys):
    path = _path(case, tmp_path)
    argv = ["validate", str(path)] + (["--dataset", case.dataset] if case.dataset else [])
    if case.encoding:
        argv += ["--encoding", case.encoding]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert str(path) in captured.out
