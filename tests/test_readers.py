"""Reading CSV (encodings, separators, decimal comma), .xlsx, .sav and folders as text tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tsp_analysis.errors import InputError
from tsp_analysis.readers import read_table, sniff_separator

HEADER = ["resp_id", "municipality", "years_in_lt", "rate_health_quality"]
ROWS = [
    ["A1", "Šiaulių m.", "3,5", "Labai gerai"],
    ["A2", "Klaipėdos m.", "", "4"],
    ["A3", "Kaunas", "12", ""],
]


def _csv_text(sep: str) -> str:
    return "\n".join(sep.join(r) for r in [HEADER, *ROWS]) + "\n"


def _expected_rows() -> list[dict]:
    return [{h: (v if v != "" else None) for h, v in zip(HEADER, row, strict=True)} for row in ROWS]


def _as_records(frame: pd.DataFrame) -> list[dict]:
    cols = [c for c in frame.columns if c not in ("source_file", "source_row")]
    return [
        {c: (None if pd.isna(v) else v) for c, v in zip(cols, rec, strict=True)}
        for rec in frame[cols].itertuples(index=False)
    ]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1257", b""), ("utf-16", b"")],
)
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_encodings_and_separators_are_detected(tmp_path, encoding, bom, sep):
    if sep == "," and encoding:  # "3,5" needs quoting when the separator is a comma
        text = _csv_text(sep).replace("3,5", '"3,5"')
    else:
        text = _csv_text(sep)
    path = tmp_path / "survey.csv"
    path.write_bytes(bom + text.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == [*HEADER, "source_file", "source_row"]
    assert _as_records(frame) == _expected_rows()
    assert frame["source_row"].tolist() == [2, 3, 4]
    assert frame["source_file"].unique().tolist() == [str(path)]
    assert all(str(frame[c].dtype) == "str" for c in HEADER)


def test_decimal_comma_is_kept_as_written(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("resp_id;years_in_lt\nA1;3,5\nA2;0,25\n", encoding="utf-8")
    assert read_table(path)["years_in_lt"].tolist() == ["3,5", "0,25"]


def test_namibia_and_na_like_strings_are_not_missing(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("resp_id,citizenship\nA1,NA\nA2,N/A\nA3,\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["citizenship"].iloc[:2].tolist() == ["NA", "N/A"]
    assert pd.isna(frame["citizenship"].iloc[2])


def test_declared_encoding_is_used(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("resp_id;municipality\nA1;Šiaulių m.\n".encode("cp1257"))
    assert read_table(path, encoding="cp1257")["municipality"].tolist() == ["Šiaulių m."]
    assert read_table(path, encoding="windows-1257")["municipality"].tolist() == ["Šiaulių m."]


def test_declared_separator_is_used(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a|b\n1|2\n", encoding="utf-8")
    frame = read_table(path, sep="|")
    assert frame[["a", "b"]].values.tolist() == [["1", "2"]]


def test_quoted_fields_with_separators_and_newlines(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        'resp_id,comment\nA1,"Gerai, bet\nper mažai"\nA2,"Sakė ""labai"" gerai"\n',
        encoding="utf-8",
    )
    frame = read_table(path)
    assert frame["comment"].tolist() == ["Gerai, bet\nper mažai", 'Sakė "labai" gerai']
    assert frame["source_row"].tolist() == [2, 3]  # records, as a spreadsheet shows them


def test_blank_lines_keep_row_numbers(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("resp_id;age\nA1;30\n\nA2;40\n   \nA3;50\n\n\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["resp_id"].tolist() == ["A1", "A2", "A3"]
    assert frame["source_row"].tolist() == [2, 4, 6]


def test_fast_and_exact_parsers_agree(tmp_path):
    """The pyarrow path (no blank lines) and the csv-module path (a blank line) read the same
    cells; only the row numbers after the blank line differ."""
    body = ['"A1";"Vilnius";"3,5";""', "A2;;7;x y", 'A3;"a;b";"";"q""uote"']
    fast = tmp_path / "fast.csv"
    fast.write_text("\n".join(["id;m;y;c", *body]) + "\n", encoding="utf-8")
    exact = tmp_path / "exact.csv"
    exact.write_text("\n".join(["id;m;y;c", body[0], "", *body[1:]]) + "\n", encoding="utf-8")
    a, b = read_table(fast), read_table(exact)
    cols = ["id", "m", "y", "c"]
    assert _as_records(a[cols]) == _as_records(b[cols])
    assert a["source_row"].tolist() == [2, 3, 4]
    assert b["source_row"].tolist() == [2, 4, 5]


def test_header_names_are_kept_as_written_but_stripped(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeff Resp_ID ; Municipality\nA1;Kaunas\n".encode())
    assert list(read_table(path).columns)[:2] == ["Resp_ID", "Municipality"]


def test_empty_trailing_column_from_excel_is_dropped(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("resp_id;age;\nA1;30;\nA2;40;\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["resp_id", "age", "source_file", "source_row"]


def test_provenance_columns_in_the_input_are_renamed(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("resp_id,source_file,source_row\nA1,old.csv,7\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["original_source_row"].tolist() == ["7"]
    assert frame["source_row"].tolist() == [2]


def test_sniff_separator_ignores_quoted_separators():
    assert sniff_separator('"a;b",c,d') == ","
    assert sniff_separator("a;b;c") == ";"
    assert sniff_separator("a\tb") == "\t"
    assert sniff_separator("single") == ","


# -- Excel ------------------------------------------------------------------------------------
def test_xlsx_first_sheet_numbers_dates_and_row_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["resp_id", "age", "years_in_lt", "planned_date", "info_ngo", "municipality"])
    sheet.append(["A1", 34, 3.5, dt.datetime(2021, 11, 9), True, "Šiaulių m."])
    sheet.append([None, None, None, None, None, None])  # an empty row keeps its number
    sheet.append(["A2", 40.0, None, dt.date(2022, 2, 23), False, "Kauno m."])
    other = book.create_sheet("notes")
    other.append(["ignored"])
    path = tmp_path / "survey.xlsx"
    book.save(path)

    frame = read_table(path)
    assert frame["source_row"].tolist() == [2, 4]
    assert frame["age"].tolist() == ["34", "40"]  # 40.0 is the integer Excel stores
    assert frame["years_in_lt"].iloc[0] == "3.5"
    assert frame["planned_date"].tolist() == ["2021-11-09", "2022-02-23"]
    assert frame["info_ngo"].tolist() == ["TRUE", "FALSE"]
    assert frame["municipality"].tolist() == ["Šiaulių m.", "Kauno m."]
    assert pd.isna(frame["years_in_lt"].iloc[1])
    assert all(str(frame[c].dtype) == "str" for c in frame.columns if c != "source_row")


def test_xlsx_values_beyond_the_header_are_an_error(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["resp_id", "age"])
    book.active.append(["A1", 30, "stray"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "row 2" in str(err.value) and "column C" in str(err.value)


# -- SPSS -------------------------------------------------------------------------------------
def test_sav_value_labels_are_applied_and_user_missing_kept(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    df = pd.DataFrame(
        {
            "resp_id": ["A1", "A2", "A3"],
            "rate_health_quality": [5.0, 8.0, np.nan],
            "age": [34.0, 51.0, 29.0],
            "sex": [1.0, 2.0, 9.0],
        }
    )
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        df,
        path,
        variable_value_labels={
            "rate_health_quality": {1: "Labai blogai", 5: "Labai gerai", 8: "Nežinau"},
            "sex": {1: "Moteris", 2: "Vyras", 9: "Nenoriu atsakyti"},
        },
        missing_ranges={"rate_health_quality": [8], "sex": [9]},
    )
    frame = read_table(path)
    assert frame["rate_health_quality"].tolist()[:2] == ["Labai gerai", "Nežinau"]
    assert pd.isna(frame["rate_health_quality"].iloc[2])
    assert frame["sex"].tolist() == ["Moteris", "Vyras", "Nenoriu atsakyti"]
    assert frame["age"].tolist() == ["34", "51", "29"]  # no spurious ".0"
    assert frame["source_row"].tolist() == [2, 3, 4]


# -- folders ----------------------------------------------------------------------------------
def test_folder_reads_every_supported_file_sorted_with_columns_in_any_order(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    (tmp_path / "b_second.csv").write_text(
        "age;resp_id;municipality\n30;B1;\n31;B2;\n", encoding="utf-8"
    )
    (tmp_path / "a_first.csv").write_bytes(
        "resp_id;municipality;age\nA1;Šiauliai;\n".encode("cp1257")
    )
    book = openpyxl.Workbook()
    book.active.append(["resp_id", "age", "municipality"])
    book.active.append(["C1", 44, None])
    book.save(tmp_path / "c_third.xlsx")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    (tmp_path / "~$c_third.xlsx").write_bytes(b"lock file")

    frame = read_table(tmp_path)
    assert frame["resp_id"].tolist() == ["A1", "B1", "B2", "C1"]
    assert list(frame.columns) == ["resp_id", "municipality", "age", "source_file", "source_row"]
    assert frame["source_file"].tolist() == [
        str(tmp_path / "a_first.csv"),
        str(tmp_path / "b_second.csv"),
        str(tmp_path / "b_second.csv"),
        str(tmp_path / "c_third.xlsx"),
    ]
    assert frame["source_row"].tolist() == [2, 2, 3, 2]
    assert frame["municipality"].iloc[0] == "Šiauliai"
    assert frame["municipality"].iloc[1:].isna().all()
    assert frame["age"].tolist()[1:] == ["30", "31", "44"]


def test_folder_whose_files_have_different_columns_names_the_odd_file(tmp_path):
    for name in ("part1.csv", "part2.csv"):
        (tmp_path / name).write_text("resp_id;age\nA1;30\n", encoding="utf-8")
    (tmp_path / "provider.csv").write_text("resp_id;org_type\nP1;ngo\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(tmp_path)
    (problem,) = err.value.problems
    assert problem.file == str(tmp_path / "provider.csv")
    assert (problem.row, problem.column) == (1, None)
    assert problem.value == "lacks age; adds org_type"
    assert str(tmp_path / "part1.csv") in problem.expected
    assert "provider.csv does not match" in str(err.value)


def test_folder_reports_problems_of_every_file(tmp_path):
    (tmp_path / "a.csv").write_text("", encoding="utf-8")
    (tmp_path / "b.csv").write_text("resp_id,age\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(tmp_path)
    files = {p.file for p in err.value.problems}
    assert files == {str(tmp_path / "a.csv"), str(tmp_path / "b.csv")}


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(InputError, match="no .csv, .xlsx or .sav"):
        read_table(tmp_path)


def test_raw_file_is_not_modified(tmp_path):
    path = tmp_path / "x.csv"
    data = "\ufeffresp_id;age\nA1;30\n\nA2; 40 \n".encode()
    path.write_bytes(data)
    read_table(path)
    assert path.read_bytes() == data


def test_excel_lithuanian_export_crlf_cp1257_semicolon(tmp_path):
    """What Excel writes in Lithuania: Windows-1257, semicolons, CRLF, decimal commas."""
    text = "resp_id;municipality;years_in_lt\r\nA1;Šiaulių m.;3,5\r\nA2;Kėdainių r.;0,5\r\n\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1257"))
    frame = read_table(path)
    assert frame["municipality"].tolist() == ["Šiaulių m.", "Kėdainių r."]
    assert frame["years_in_lt"].tolist() == ["3,5", "0,5"]
    assert frame["source_row"].tolist() == [2, 3]
