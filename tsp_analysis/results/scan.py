"""The fail-closed privacy scan of everything a run writes (SPEC §5).

:func:`scan` reads an output folder the way a reader (or an attacker) would, and reports every
number that did not come through the disclosure policy:

* **HTML pages and executed notebooks**: every digit of the visible text, and of ``alt``,
  ``title`` and ``aria-label`` attributes, must sit in an element with ``data-cell`` — a cell
  that exists in the report's data files, is shown only if the data say it is shown, with the
  base the data give — or in an element with ``data-safe`` whose content fits its kind (a year
  is a year between 1990 and 2100, a threshold is one of the run's thresholds, a template digit
  occurs in the report texts ...). Anything else is a violation, whatever the code meant.
  Notebook outputs other than HTML (plain text, streams) may hold no digits at all.
* **Data files** (CSV, workbooks): a hidden row carries no figure, interval, base or value; a
  shown count of people is 0 or at least ``min_count``; a shown figure about respondents rests
  on at least ``min_base`` answers; no text cell starts a spreadsheet formula.
* **The manifest**: numbers only under keys that hold timings, counts of reports, sizes or
  the thresholds.
* **Completeness**: every report the manifest lists as built has its page, its notebook and
  its data; a report missing from the folder is a violation, not a skip.
* **PDFs** (``run --pdf``): a PDF is the page laid out for print, nothing added (see
  ``tsp_analysis.runner.pdf``), so it is covered by the scan of its page: the manifest must
  record that it was made from exactly the page scanned (``pdf.html_sha256``), and a PDF the
  manifest does not list is a violation.

:func:`reaudit` re-runs the recoverability audit from the data files alone: for every cube,
the range of every hidden cell given every published cell of every report on that unit.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..ids import ALL
from ..thresholds import DEFAULT_MIN_BASE, DEFAULT_MIN_COUNT
from .export import FORMULA_START, MARK

DIGIT = re.compile(r"[0-9]")
DIGIT_RUN = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
VOID = {"br", "img", "meta", "link", "input", "hr", "source", "col", "area", "base", "wbr"}
SKIP = {"script", "style"}
TEXT_ATTRS = ("alt", "title", "aria-label")
#: Manifest keys whose numbers are timings, sizes, counts of reports or thresholds.
MANIFEST_NUMBERS = {
    "format",
    "seconds",
    "exit_code",
    "workers",
    "ok",
    "failed",
    "up-to-date",
    "stale",
    "min_count",
    "min_base",
    "seed",
    "bytes",
    "cell",
    "tables",
}
#: Manifest keys whose values are hashes, versions, paths, timestamps (digits allowed).
MANIFEST_TEXT = {
    "hashes",
    "environment",
    "inputs",
    "key",
    "notebook",
    "package",
    "parameters",
    "html_sha256",
    "html",
    "started",
    "finished",
    "generator",
    "data",
    "files",
    "message",
    "name",
    "path",
    "sha256",
    "pdf",
}


@dataclass(frozen=True)
class Violation:
    """One number (or file) the scan could not account for."""

    file: str
    where: str
    problem: str
    snippet: str = ""

    def __str__(self) -> str:
        tail = f": {self.snippet!r}" if self.snippet else ""
        return f"{self.file} [{self.where}] {self.problem}{tail}"


# -- knowledge the checks use ----------------------------------------------------------------
@cache
def _corpus() -> tuple[str, str]:
    """All report-text templates, and all labels of the reference tables and the codebook."""
    from ..paths import reference_dir

    texts, labels = [], []
    folder = reference_dir()
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        flat = " ".join(" ".join(r) for r in rows)
        (texts if path.name == "report_text.csv" else labels).append(flat)
    return "\n".join(texts), "\n".join(labels)


def _year(run: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", run)) and 1990 <= int(run) <= 2100


def _attribute_fits(text: str) -> bool:
    """An attribute (alt text, a tooltip) cannot hold marked spans: each of its numbers must be
    a year or written in a report-text template (a caption's "per 100 residents")."""
    texts, _ = _corpus()
    return all(_year(r) or r in texts for r in DIGIT_RUN.findall(text))


def _fits(kind: str, content: str, thresholds: set[int]) -> bool:
    runs = DIGIT_RUN.findall(content)
    if not runs:
        return True
    texts, labels = _corpus()
    if kind == "text":
        return all(r in texts for r in runs)
    if kind == "label":  # a category label ("25–34"), or a year heading a row
        return all(r in labels or r in texts or _year(r) for r in runs)
    if kind == "year":
        return all(_year(r) for r in runs)
    if kind == "threshold":
        return all(r.isdigit() and int(r) in thresholds for r in runs)
    if kind in ("date", "time"):
        # 2021-11-09, 2026-11-29T00:15:47+00:00, "2026-11-29 00:15:47 UTC", "12.3", "12,3 s"
        return bool(
            re.fullmatch(r"[\d\-:.T+ Z,/–]+(?:\s?(?:UTC|GMT|s|sek\.|min\.?))?", content.strip())
        )
    if kind == "code":
        # an official identifier (the project code): letters first, in a reference table
        code = content.strip()
        whole = rf"(?<![\w.\-]){re.escape(code)}(?![\w\-]|\.\w)"
        return bool(re.fullmatch(r"[A-Z]{2,}(?:[-.][A-Z0-9]+)+", code)) and bool(
            re.search(whole, labels)
        )
    if kind == "hash":
        return bool(re.fullmatch(r"[0-9a-f]{7,64}", content.strip()))
    if kind == "version":
        return bool(re.fullmatch(r"[0-9A-Za-z.+\-_ ]{1,40}", content.strip()))
    if kind == "param":
        return all(len(r) <= 12 for r in runs)
    if kind == "error":
        return True  # row and line numbers of an error message; identifiers checked apart
    return False


# -- data files --------------------------------------------------------------------------------
class DataIndex:
    """The published tables of an output folder, for looking up a cell by its address."""

    def __init__(self, out: Path):
        self.out = out
        self._tables: dict[tuple[str, str], dict[str, dict[str, str]] | None] = {}
        self._meta: dict[str, dict[str, Any] | None] = {}

    def meta(self, home: str) -> dict[str, Any] | None:
        if home not in self._meta:
            path = self.out / "data" / home / "tables.json"
            self._meta[home] = json.loads(path.read_text("utf-8")) if path.exists() else None
        return self._meta[home]

    def table(self, home: str, table_id: str) -> dict[str, dict[str, str]] | None:
        key = (home, table_id)
        if key not in self._tables:
            meta = self.meta(home)
            path = self.out / "data" / home / f"{table_id}.csv"
            if meta is None or not path.exists():
                self._tables[key] = None
            else:
                spec = next((t for t in meta["tables"] if t["id"] == table_id), None)
                dims = spec["dimensions"] if spec else []
                with open(path, encoding="utf-8", newline="") as fh:
                    rows = list(csv.DictReader(fh))
                self._tables[key] = {_row_key(r, dims): r for r in rows}
        return self._tables[key]

    def cell(self, ref: str) -> dict[str, str] | None:
        parts = ref.split("/", 2)
        if len(parts) != 3:
            return None
        home, table_id, key = parts
        rows = self.table(home, table_id)
        return None if rows is None else rows.get(key)


def _row_key(row: Mapping[str, str], dims: Iterable[str]) -> str:
    """The row's address, exactly as ``ResultTable.key`` writes it (an empty code included)."""
    from .table import coord

    return coord(**{d: row.get(d, "") for d in dims}) or ALL


def _check_table_csv(
    path: Path, spec: Mapping[str, Any], thresholds: Mapping[str, int], rel: str
) -> list[Violation]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    figures = ["estimate", "ci_low", "ci_high", "n"]
    extra = [
        c
        for c in spec.get("columns", [])
        if c not in figures
        and c
        not in ("suppressed", "reason", "kind", "cube", "cell", "base_cube", "base_cell", "source")
        and c not in spec.get("dimensions", [])
        and not c.endswith(("_label_lt", "_label_en"))
    ]
    subject = spec.get("subject", "respondents")
    for i, row in enumerate(rows, start=2):
        where = f"{spec['id']} row {i}"
        for col, value in row.items():
            if value and not _is_number(value) and value.startswith(FORMULA_START):
                out.append(Violation(rel, where, f"text cell in {col!r} starts a formula", value))
        hidden = row.get("suppressed") == "true"
        if hidden:
            leaked = [c for c in figures + extra if row.get(c, "") not in ("", None)]
            if leaked:
                out.append(Violation(rel, where, f"hidden row shows {leaked}"))
            if not row.get("reason"):
                out.append(Violation(rel, where, "hidden row without a reason"))
            continue
        if subject == "records":
            continue
        kind = row.get("kind") or spec.get("kind")
        n = _number(row.get("n", ""))
        est = _number(row.get("estimate", ""))
        if kind == "count":
            if est is not None and 0 < est < thresholds["min_count"]:
                out.append(Violation(rel, where, "count below min_count shown", row["estimate"]))
        elif kind != "text" and est is not None:
            floor = thresholds["min_base"] if subject == "respondents" else thresholds["min_count"]
            if n is None or n < floor:
                out.append(
                    Violation(rel, where, f"figure on a base below {floor} shown", row.get("n", ""))
                )
    return out


def _is_number(text: str) -> bool:
    return _number(text) is not None


def _number(text: str | None) -> float | None:
    if text in (None, ""):
        return None
    try:
        return float(text)
    except ValueError:
        return None


# -- HTML ----------------------------------------------------------------------------------------
class _Page(HTMLParser):
    """Walks a page; collects digits outside marked elements and checks marked cells."""

    def __init__(self, rel: str, index: DataIndex | None, thresholds: Mapping[str, int]):
        super().__init__(convert_charrefs=True)
        self.rel = rel
        self.index = index
        self.thresholds = thresholds
        self.stack: list[dict[str, Any]] = []
        self.violations: list[Violation] = []
        self.cells = 0

    # marked context of the innermost element that has one
    def _context(self) -> dict[str, Any] | None:
        for entry in reversed(self.stack):
            if entry.get("mark"):
                return entry
        return None

    def _skipping(self) -> bool:
        return any(e["tag"] in SKIP for e in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if not self._skipping() and self._context() is None:
            for name in TEXT_ATTRS:
                value = a.get(name, "")
                if DIGIT.search(value) and "data-cell" not in a and not _attribute_fits(value):
                    self.violations.append(
                        Violation(
                            self.rel, f"<{tag} {name}>", "number in an attribute", a[name][:80]
                        )
                    )
        entry: dict[str, Any] = {"tag": tag, "mark": None, "text": ""}
        if "data-cell" in a:
            entry["mark"] = "cell"
            entry["attrs"] = a
            self.cells += 1
        elif "data-safe" in a:
            entry["mark"] = "safe"
            entry["attrs"] = a
        if tag in VOID:
            return
        self.stack.append(entry)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack:
            self._close(self.stack.pop())

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            entry = self.stack.pop()
            self._close(entry)
            if entry["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        ctx = self._context()
        if ctx is not None:
            ctx["text"] += data
            return
        for m in DIGIT_RUN.finditer(data):
            start = max(0, m.start() - 30)
            self.violations.append(
                Violation(
                    self.rel,
                    self._path(),
                    "number outside a checked cell",
                    data[start : m.end() + 30].strip(),
                )
            )

    def _path(self) -> str:
        return "/".join(e["tag"] for e in self.stack[-4:])

    def _close(self, entry: dict[str, Any]) -> None:
        if entry.get("mark") == "safe":
            kind = entry["attrs"].get("data-safe", "")
            allowed = {self.thresholds["min_count"], self.thresholds["min_base"]}
            if not _fits(kind, entry["text"], allowed):
                self.violations.append(
                    Violation(
                        self.rel,
                        f"data-safe={kind}",
                        "content does not fit its kind",
                        entry["text"][:80],
                    )
                )
        elif entry.get("mark") == "cell":
            self._check_cell(entry)

    def _check_cell(self, entry: dict[str, Any]) -> None:
        a = entry["attrs"]
        ref = a["data-cell"]
        shown = entry["text"].strip()
        hidden = a.get("data-suppressed") == "true"
        if hidden and (shown != MARK or "data-n" in a):
            self.violations.append(Violation(self.rel, ref, "hidden cell shows something", shown))
        if self.index is None:
            return
        row = self.index.cell(ref)
        if row is None:
            self.violations.append(Violation(self.rel, ref, "cell not found in the data files"))
            return
        if (row.get("suppressed") == "true") != hidden:
            self.violations.append(
                Violation(
                    self.rel, ref, "page and data disagree on whether the cell is hidden", shown
                )
            )
        if not hidden and "data-n" in a and row.get("n", "") not in ("", a["data-n"]):
            self.violations.append(
                Violation(
                    self.rel, ref, f"base {a['data-n']} differs from the data's {row.get('n')}"
                )
            )


def scan_html(
    text: str, rel: str, index: DataIndex | None = None, thresholds: Mapping[str, int] | None = None
) -> tuple[list[Violation], int]:
    """Violations in one page (or fragment) and the number of checked cells it holds."""
    page = _Page(
        rel, index, thresholds or {"min_count": DEFAULT_MIN_COUNT, "min_base": DEFAULT_MIN_BASE}
    )
    page.feed(text)
    page.close()
    while page.stack:
        page._close(page.stack.pop())
    return page.violations, page.cells


def _scan_notebook(
    path: Path, rel: str, index: DataIndex, thresholds: Mapping[str, int], failed: bool
) -> list[Violation]:
    out: list[Violation] = []
    nb = json.loads(path.read_text("utf-8"))
    for i, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            where = f"cell {i} {kind}"
            if kind == "error":
                if not failed:
                    out.append(Violation(rel, where, "an error output in a built report"))
                continue
            if kind == "stream":
                text = "".join(output.get("text", ""))
                if DIGIT.search(text):
                    out.append(Violation(rel, where, "number in a stream output", text[:80]))
                continue
            data = output.get("data", {})
            for mime, value in data.items():
                text = "".join(value) if isinstance(value, list) else str(value)
                if mime == "text/html":
                    v, _ = scan_html(text, f"{rel}#{i}", index, thresholds)
                    out += v
                elif mime.startswith("image/"):
                    continue
                elif DIGIT.search(text):
                    out.append(Violation(rel, f"{where} {mime}", "number in an output", text[:80]))
    return out


def _scan_manifest(data: Any, rel: str, path: str = "") -> list[Violation]:
    out: list[Violation] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k in MANIFEST_TEXT:
                continue
            out += _scan_manifest(v, rel, f"{path}.{k}" if path else k)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _scan_manifest(v, rel, f"{path}[{i}]")
    elif isinstance(data, bool) or data is None:
        pass
    elif isinstance(data, int | float):
        leaf = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
        if leaf not in MANIFEST_NUMBERS:
            out.append(Violation(rel, path, "number under an unexpected key", str(data)))
    elif isinstance(data, str) and DIGIT.search(data):
        leaf = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
        if leaf not in MANIFEST_TEXT and leaf not in ("status", "lang", "municipality", "report"):
            out.append(Violation(rel, path, "number in a text under an unexpected key", data[:80]))
    return out


def _check_workbook(path: Path, rel: str) -> list[Violation]:
    from openpyxl import load_workbook

    out = []
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    out.append(
                        Violation(rel, f"{ws.title}!{c.coordinate}", "a formula", str(c.value)[:80])
                    )
    return out


# -- the whole folder ------------------------------------------------------------------------------
def scan(out: str | Path, *, expected: Iterable[str] = ()) -> list[Violation]:
    """Every violation in output folder ``out``.

    Parameters
    ----------
    out : path
        A ``tsp-analysis run`` output folder.
    expected : iterable of str
        Report names (``needs_analysis-akmene-lt``) that must be there; the manifest's
        reports are always expected.
    """
    out = Path(out)
    violations: list[Violation] = []
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        return [Violation("manifest.json", "-", "missing")]
    manifest = json.loads(manifest_path.read_text("utf-8"))
    violations += _scan_manifest(manifest, "manifest.json")
    index = DataIndex(out)
    names = set(expected)
    records = {f"{r['report']}-{r['municipality']}-{r['lang']}": r for r in manifest["reports"]}
    for name in sorted(names - set(records)):
        violations.append(Violation(name, "-", "expected report is not in the manifest"))
    homes: dict[str, Mapping[str, int]] = {}
    for name, rec in sorted(records.items()):
        params = rec.get("parameters", {})
        thresholds = {
            "min_count": params.get("min_count", DEFAULT_MIN_COUNT),
            "min_base": params.get("min_base", DEFAULT_MIN_BASE),
        }
        failed = rec.get("status") == "failed"
        html = out / (rec.get("html") or f"html/{name}.html")
        nb = out / (rec.get("notebook") or f"notebooks/{name}.ipynb")
        if not failed:
            if not html.exists():
                violations.append(Violation(name, "-", "report page is missing"))
            else:
                v, cells = scan_html(
                    html.read_text("utf-8"), f"html/{html.name}", index, thresholds
                )
                violations += v
                if cells == 0:
                    violations.append(
                        Violation(
                            f"html/{html.name}", "-", "no checked cell at all (nothing was scanned)"
                        )
                    )
            home = f"{rec['report']}-{rec['municipality']}"
            homes[home] = thresholds
            if index.meta(home) is None:
                violations.append(Violation(name, "-", "the report's data files are missing"))
        if nb.exists():
            violations += _scan_notebook(nb, f"notebooks/{nb.name}", index, thresholds, failed)
        elif not failed:
            violations.append(Violation(name, "-", "executed notebook is missing"))
    violations += _check_pdfs(out, records)
    index_page = out / "index.html"
    if index_page.exists():
        v, _ = scan_html(index_page.read_text("utf-8"), "index.html", None)
        violations += v
    else:
        violations.append(Violation("index.html", "-", "missing"))
    for other in sorted(out.glob("index.*.html")):  # the index in the other language
        v, _ = scan_html(other.read_text("utf-8"), other.name, None)
        violations += v
    for home, thresholds in sorted(homes.items()):
        meta = index.meta(home)
        if meta is None:
            continue
        for spec in meta["tables"]:
            path = out / "data" / home / spec["file"]
            if not path.exists():
                violations.append(Violation(f"data/{home}", spec["id"], "table file missing"))
                continue
            violations += _check_table_csv(path, spec, thresholds, f"data/{home}/{spec['file']}")
    for book in sorted((out / "data").glob("*.xlsx")) if (out / "data").exists() else []:
        violations += _check_workbook(book, f"data/{book.name}")
    return violations


def _check_pdfs(out: Path, records: Mapping[str, Mapping[str, Any]]) -> list[Violation]:
    """Every PDF in ``out/pdf`` is listed and was made from the page the scan read."""
    import hashlib

    out_list: list[Violation] = []
    listed = set()
    for name, rec in sorted(records.items()):
        pdf = rec.get("pdf") or {}
        if not pdf.get("path"):
            continue
        listed.add(pdf["path"])
        page = out / (rec.get("html") or f"html/{name}.html")
        if not (out / pdf["path"]).is_file():
            out_list.append(Violation(pdf["path"], "-", "listed PDF is missing"))
        elif not page.is_file() or (
            hashlib.sha256(page.read_bytes()).hexdigest() != pdf.get("html_sha256")
        ):
            out_list.append(Violation(pdf["path"], "-", "PDF not made from the page scanned"))
    for path in sorted((out / "pdf").glob("*.pdf")) if (out / "pdf").is_dir() else []:
        rel = f"pdf/{path.name}"
        if rel not in listed:
            out_list.append(Violation(rel, "-", "PDF not listed in the manifest (unscanned)"))
    return out_list


def reaudit(out: str | Path) -> list[Any]:
    """The recoverability audit re-run from the data files alone.

    Returns the :class:`~tsp_analysis.results.audit.Exposure` of every hidden cube cell, over
    every published cell of the same cube in every report of the folder.
    """
    from .audit import exposures
    from .table import Cube

    out = Path(out)
    cubes: dict[str, Cube] = {}
    published: dict[str, dict[str, float]] = {}
    hidden: dict[str, set[str]] = {}
    for cubes_file in sorted((out / "data").glob("*/cubes.json")):
        for cid, dims in json.loads(cubes_file.read_text("utf-8")).items():
            cubes[cid] = Cube(cid, {d: tuple(c) for d, c in dims.items()})
        for table_csv in sorted(cubes_file.parent.glob("*.csv")):
            with open(table_csv, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    shown = row.get("suppressed") != "true"
                    cid, cell = row.get("cube", ""), row.get("cell", "")
                    if cid and not shown:
                        hidden.setdefault(cid, set()).add(cell)
                    elif cid and row.get("estimate", "") != "":
                        published.setdefault(cid, {})[cell] = float(row["estimate"])
                    bid, bcell = row.get("base_cube", ""), row.get("base_cell", "")
                    if bid and shown and row.get("n", "") != "":
                        published.setdefault(bid, {})[bcell] = float(row["n"])
    result = []
    for cid, cells in sorted(hidden.items()):
        shown = {c: v for c, v in published.get(cid, {}).items() if c not in cells}
        result += exposures(cubes[cid], shown, sorted(cells))
    return result
