"""Write checked results as data: one tidy CSV per table, ``tables.json``, one Excel workbook
per report and language (SPEC §2.6; formats in ``docs/outputs.md``).

* ``<folder>/<table_id>.csv`` — language-free: the dimension codes, their Lithuanian and
  English labels (``<dim>_label_lt``, ``<dim>_label_en``), then ``estimate``, ``ci_low``,
  ``ci_high``, ``n``, ``suppressed``, ``reason`` and any further value columns. A hidden figure
  is an empty cell with ``suppressed`` true and its reason — never a zero.
* ``<folder>/tables.json`` — every table's id, captions, kind, subject, dimensions and columns;
  ``cubes.json`` — the categories of every cube whose counts the tables publish (rows that are
  counts of people name their ``cube`` and ``cell``).
* ``<path>.xlsx`` — one sheet per table with headers in the report's language, hidden figures
  shown as the suppression mark, and a README sheet that explains the columns and the marks.

Every text cell that starts with ``=``, ``+``, ``-`` or ``@`` is prefixed with an apostrophe so
that a spreadsheet never evaluates it as a formula (CSV/formula injection).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..ids import ALL, LANGUAGES, TOTAL
from .table import CORE, Results, ResultTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARK = "‡"
SHEET_NAME_MAX = 31


def neutralise(value: object) -> object:
    """A text cell made safe for spreadsheets: a leading ``= + - @`` (or tab/CR) gets an
    apostrophe in front. Numbers are returned as they are.

    >>> neutralise("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> neutralise(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def label_of(source: str, code: str, lang: str) -> str:
    """The label of ``code`` from a table's label ``source`` (see ``ResultTable.labels``)."""
    from ..report import i18n

    if code in ("", TOTAL, ALL):
        return i18n.t("common.total", lang) if code == TOTAL else code
    if source.startswith("value_set:"):
        return i18n.value_label(source.split(":", 1)[1], code, lang)
    if source.startswith("text:"):
        key = f"{source.split(':', 1)[1]}.{code}"
        return i18n.t(key, lang) if i18n.has(key) else code
    try:
        return i18n.label(source, code, lang)
    except KeyError:
        return code


def tidy(table: ResultTable) -> pd.DataFrame:
    """The language-free frame of a checked table, as the CSV holds it."""
    table.require_checked()
    out = pd.DataFrame(index=table.data.index)
    for dim in table.dims:
        out[dim] = table.data[dim].astype(str)
        source = table.labels.get(dim)
        if source:
            for lang in LANGUAGES:
                out[f"{dim}_label_{lang}"] = [label_of(source, c, lang) for c in out[dim]]
    if "kind" in table.data:
        out["kind"] = table.kinds()
    for col in (*CORE, *table.values):
        out[col] = table.data[col]
    if (table.data["cube"] != "").any():
        # which count of people a row is (the same cube and cell is the same number in every
        # table), so that anyone can re-run the recoverability audit from these files
        out["cube"] = table.data["cube"]
        out["cell"] = table.data["coord"]
    if (table.data["n_cube"] != "").any():
        # which count of people a row's base is (those who answered its question)
        out["base_cube"] = table.data["n_cube"]
        out["base_cell"] = table.data["n_coord"]
    if (table.data["source"] != "").any():
        # the published cell of another report the row copies (the overview's rows)
        out["source"] = table.data["source"]
    return out.reset_index(drop=True)


def write_csv(results: Results, folder: str | Path) -> list[Path]:
    """One CSV per table plus ``tables.json`` in ``folder``; returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    catalogue = []
    for table in results:
        frame = tidy(table)
        path = folder / f"{table.id}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(frame.columns)
            for rec in frame.itertuples(index=False):
                writer.writerow([_csv_value(v) for v in rec])
        written.append(path)
        catalogue.append(
            {
                "id": table.id,
                "file": path.name,
                "caption": dict(table.caption),
                "kind": table.kind,
                "subject": table.subject,
                "dimensions": list(table.dims),
                "columns": list(frame.columns),
            }
        )
    cubes = folder / "cubes.json"
    cubes.write_text(
        json.dumps(
            {c.id: {d: list(v) for d, v in c.dims.items()} for c in results.cubes.values()},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(cubes)
    meta = folder / "tables.json"
    meta.write_text(
        json.dumps(
            {"report": results.report, "unit": results.unit, "tables": catalogue},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    written.append(meta)
    return written


def _csv_value(value: object) -> object:
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def read_csv(path: str | Path) -> pd.DataFrame:
    """Read a table CSV back with the types it was written with (for tests and researchers)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("estimate", "ci_low", "ci_high"):
        frame[col] = pd.to_numeric(frame[col].replace("", pd.NA)).astype("Float64")
    frame["n"] = pd.to_numeric(frame["n"].replace("", pd.NA)).astype("Int64")
    frame["suppressed"] = frame["suppressed"].map({"true": True, "false": False}).astype(bool)
    return frame


def write_xlsx(results: Results, path: str | Path, lang: str) -> Path:
    """One workbook: a README sheet, then a sheet per table with headers in ``lang``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..report import i18n

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    readme = wb.active
    readme.title = "README"
    readme.append([i18n.t("data.readme.title", lang)])
    readme["A1"].font = Font(bold=True)
    for key in (
        "data.readme.columns",
        "data.readme.hidden",
        "data.readme.reasons",
        "data.readme.csv",
    ):
        readme.append([i18n.t(key, lang, mark=MARK)])
    readme.append([])
    readme.append([i18n.t("data.readme.sheet", lang), i18n.t("data.readme.caption", lang)])
    used: set[str] = {"README"}
    sheets = []
    for table in results:
        name = _sheet_name(table.id, used)
        sheets.append((name, table))
        readme.append([name, table.caption[lang]])
    readme.column_dimensions["A"].width = 34
    readme.column_dimensions["B"].width = 90
    for name, table in sheets:
        ws = wb.create_sheet(name)
        ws.append([table.caption[lang]])
        ws["A1"].font = Font(bold=True)
        frame = _localised(table, lang)
        ws.append(list(frame.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for rec in frame.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in rec])
        ws.freeze_panes = "A3"
    wb.save(path)
    return path


def _localised(table: ResultTable, lang: str) -> pd.DataFrame:
    """The sheet of a table: labels in ``lang``, hidden figures as the mark."""
    from ..report import i18n

    frame = tidy(table)
    out = pd.DataFrame(index=frame.index)
    for dim in table.dims:
        head = i18n.t(f"data.col.{dim}", lang) if i18n.has(f"data.col.{dim}") else dim
        col = f"{dim}_label_{lang}"
        out[head] = frame[col] if col in frame else frame[dim]
    hidden = frame["suppressed"].astype(bool)
    for col in ("estimate", "ci_low", "ci_high", "n", *table.values):
        head = i18n.t(f"data.col.{col}", lang) if i18n.has(f"data.col.{col}") else col
        values = frame[col].astype(object).where(~frame[col].isna(), None)
        out[head] = values.where(~hidden, MARK if col == "estimate" else None)
    out[i18n.t("data.col.suppressed", lang)] = [
        i18n.t("common.yes" if h else "common.no", lang) for h in hidden
    ]
    out[i18n.t("data.col.reason", lang)] = [
        i18n.t(f"data.reason.{r}", lang) if r else "" for r in frame["reason"]
    ]
    return out


def _xlsx_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return neutralise(value)


def _sheet_name(table_id: str, used: set[str]) -> str:
    base = table_id[:SHEET_NAME_MAX]
    name, i = base, 2
    while name in used:
        suffix = f"~{i}"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        i += 1
    used.add(name)
    return name


def read_xlsx(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every table sheet of a workbook (caption row skipped), for tests and researchers."""
    sheets = pd.read_excel(path, sheet_name=None, header=1)
    sheets.pop("README", None)
    return sheets


def write_all(results: Results, data_dir: str | Path, langs: Iterable[str]) -> list[Path]:
    """CSV folder ``<data_dir>/<report>-<unit>/`` and a workbook per language
    ``<data_dir>/<report>-<unit>-<lang>.xlsx``."""
    data_dir = Path(data_dir)
    stem = f"{results.report}-{results.unit}"
    paths = write_csv(results, data_dir / stem)
    for lang in langs:
        paths.append(write_xlsx(results, data_dir / f"{stem}-{lang}.xlsx", lang))
    return paths
