"""Checked results written as CSV and Excel (``tsp_analysis.results.export``) and read back."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tsp_analysis.results import export
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.table import Cube, Results, ResultTable, UncheckedTableError, coord

CAP = {"lt": "Poreikis pagal sritį", "en": "Need by area"}


@pytest.fixture
def published() -> Results:
    r = Results("needs_analysis", "akmene")
    r.add(
        ResultTable.make(
            "need",
            pd.DataFrame(
                {
                    "area": ["health", "employment", "education"],
                    "estimate": [0.42, 0.61, 0.3],
                    "ci_low": [0.35, 0.5, 0.1],
                    "ci_high": [0.49, 0.7, 0.5],
                    "n": [57, 31, 7],
                }
            ),
            caption=CAP,
            kind="share",
            dims=["area"],
            labels={"area": "areas"},
        )
    )
    cube = r.add_cube(
        Cube("respondents:tsp_survey:akmene", {"sex": ("female", "male", "_missing")})
    )
    r.add(
        ResultTable.make(
            "sample_sex",
            pd.DataFrame(
                {
                    "sex": ["female", "male", "total"],
                    "estimate": [40, 2, 42],
                    "cube": cube.id,
                    "coord": [coord(sex="female"), coord(sex="male"), coord()],
                }
            ),
            caption={"lt": "Respondentai pagal lytį", "en": "Respondents by sex"},
            kind="count",
            dims=["sex"],
            labels={"sex": "value_set:sex"},
        )
    )
    r.add(
        ResultTable.make(
            "notes",
            pd.DataFrame({"note": ["a", "b"], "text": ["=cmd|' /C calc'!A0", "@SUM(1)"]}),
            caption={"lt": "Pastabos", "en": "Notes"},
            kind="text",
            dims=["note"],
            subject="records",
            values=["text"],
        )
    )
    return DisclosurePolicy().publish_one(r)


def test_unchecked_tables_cannot_be_exported():
    t = ResultTable.make(
        "x",
        pd.DataFrame({"a": ["1"], "estimate": [1.0], "n": [20]}),
        caption=CAP,
        kind="share",
        dims=["a"],
    )
    with pytest.raises(UncheckedTableError):
        export.tidy(t)


def test_csv_read_back_equals_the_results(published, tmp_path):
    paths = export.write_csv(published, tmp_path)
    assert {p.name for p in paths} == {
        "need.csv",
        "sample_sex.csv",
        "notes.csv",
        "tables.json",
        "cubes.json",
    }
    for table in published:
        back = export.read_csv(tmp_path / f"{table.id}.csv")
        want = table.published()
        for col in ("estimate", "ci_low", "ci_high"):
            pd.testing.assert_series_equal(
                back[col], want[col].astype("Float64"), check_names=False
            )
        pd.testing.assert_series_equal(back["n"], want["n"], check_names=False)
        assert back["suppressed"].tolist() == want["suppressed"].tolist()
        assert back["reason"].tolist() == want["reason"].tolist()
    need = export.read_csv(tmp_path / "need.csv")
    assert need.loc[need["area"] == "health", "area_label_en"].item() == "Health care"
    assert need.loc[need["area"] == "health", "area_label_lt"].item() == "Sveikatos priežiūra"
    # the base of 7 is hidden, empty rather than zero, with its reason
    row = need[need["area"] == "education"].iloc[0]
    assert row["suppressed"] and pd.isna(row["estimate"]) and row["reason"] == "small_base"
    meta = json.loads((tmp_path / "tables.json").read_text("utf-8"))
    assert [t["id"] for t in meta["tables"]] == ["need", "sample_sex", "notes"]
    assert meta["tables"][0]["caption"] == CAP


def test_hidden_counts_and_their_complement_are_empty_in_the_csv(published, tmp_path):
    export.write_csv(published, tmp_path)
    sex = export.read_csv(tmp_path / "sample_sex.csv").set_index("sex")
    # male = 2 is small; female = total − male, so one more cell is hidden with it
    assert sex.loc["male", "reason"] == "small_count"
    assert sex["suppressed"].sum() == 2
    assert sex.loc[sex["suppressed"], "estimate"].isna().all()
    assert set(sex["cube"]) == {"respondents:tsp_survey:akmene"}


def test_spreadsheet_formulas_are_neutralised(published, tmp_path):
    export.write_csv(published, tmp_path)
    text = (tmp_path / "notes.csv").read_text("utf-8")
    assert "'=cmd" in text and "'@SUM" in text
    book = export.write_xlsx(published, tmp_path / "r-lt.xlsx", "lt")
    from openpyxl import load_workbook

    wb = load_workbook(book)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)
    assert wb.sheetnames[0] == "README"


def test_workbook_read_back_equals_the_results(published, tmp_path):
    for lang in ("lt", "en"):
        path = export.write_xlsx(published, tmp_path / f"r-{lang}.xlsx", lang)
        sheets = export.read_xlsx(path)
        assert list(sheets) == ["need", "sample_sex", "notes"]
        need = sheets["need"]
        head = "Estimate" if lang == "en" else "Įvertis"
        shown = published["need"].data
        # hidden figures are the mark, never blank and never zero
        assert need[head].tolist()[2] == export.MARK
        assert need[head].tolist()[:2] == shown["estimate"].tolist()[:2]
        base = "Base (n)" if lang == "en" else "Imtis (n)"
        assert need[base].tolist()[:2] == [57, 31] and pd.isna(need[base].tolist()[2])
