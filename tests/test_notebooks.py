"""The report notebooks: stored clean, run for every municipality in both languages, render.

The session fixture :func:`rendered` builds every report, in both languages, with the batch
runner (``tsp_analysis.runner.build``: papermill in warm forked kernels, nbconvert in process),
so the HTML these tests and ``tests/test_privacy.py`` scan is exactly what a reviewer reads.
Each notebook also runs with its own defaults (Vilnius, the demo data, Lithuanian), as
JupyterLab runs it, under nbval: ``pytest --nbval-lax`` collects ``notebooks/`` (pyproject's
``testpaths`` and ``addopts``), every cell an item that fails on an error.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
REPORTS = ("needs_analysis", "data_review", "monitoring", "overview")
LANGS = ("lt", "en")
DEFAULT_MUNICIPALITY = {
    "needs_analysis": "vilnius",
    "data_review": "vilnius",
    "monitoring": "all",
    "overview": "all",
}
WORKERS = 2

pytestmark = pytest.mark.slow


def municipalities() -> list[str]:
    with open(ROOT / "data/reference/municipalities.csv", encoding="utf-8") as fh:
        return [row["slug"] for row in csv.DictReader(fh)]


def jobs() -> list[tuple[str, str, str]]:
    """(report, municipality, language) of every report the batch builds."""
    slugs = municipalities()
    units = {
        "needs_analysis": slugs,
        "data_review": [*slugs, "lithuania"],
        "monitoring": ["all"],
        "overview": ["all"],
    }
    return [(r, m, lang) for r in REPORTS for m in units[r] for lang in LANGS]


@cache
def build_output() -> tuple[Path, tuple[dict, ...]]:
    """Every report of every municipality in both languages, built by the runner once per
    test session: the output folder and the manifest records."""
    import tempfile

    from tsp_analysis.runner import build

    out = Path(tempfile.mkdtemp(prefix="tsp-reports-"))
    result = build(langs=LANGS, out=out, workers=WORKERS, force=True, progress=False)
    return out, tuple(result.records)


@cache
def build_reports() -> dict[tuple[str, str | None, str | None], dict]:
    """Every report built by the runner."""
    out, records = build_output()
    rendered: dict[tuple[str, str | None, str | None], dict] = {}
    for rec in records:
        job = (rec["report"], rec["municipality"], rec["lang"])
        html = (out / rec["html"]).read_text(encoding="utf-8") if rec.get("html") else None
        error = rec.get("error")
        rendered[job] = {
            "job": job,
            "html": html,
            "error": None if rec["status"] == "ok" else json.dumps(error),
        }
    return rendered


@pytest.fixture(scope="session")
def rendered() -> dict:
    return build_reports()


# -- the notebooks as stored ------------------------------------------------------------------
@pytest.mark.parametrize("report", REPORTS)
def test_notebook_is_stored_without_outputs(report):
    nb = json.loads((NOTEBOOKS / f"{report}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [], "outputs stored"
        assert cell["execution_count"] is None
    # Markdown would be shown untranslated in the report: all text comes from report_text.csv.
    assert all(c["cell_type"] == "code" for c in nb["cells"])


@pytest.mark.parametrize("report", REPORTS)
def test_first_cell_holds_the_parameters_with_their_defaults(report):
    from tsp_analysis.params import DEFAULTS, validate_params

    nb = json.loads((NOTEBOOKS / f"{report}.ipynb").read_text(encoding="utf-8"))
    first = nb["cells"][0]
    assert "parameters" in first["metadata"].get("tags", [])
    values: dict = {}
    exec(compile("".join(first["source"]), "parameters", "exec"), {}, values)
    values = {k: v for k, v in values.items() if not k.startswith("__")}  # __annotations__
    assert set(values) == set(DEFAULTS)
    assert values["municipality"] == DEFAULT_MUNICIPALITY[report]
    assert {k: v for k, v in values.items() if k != "municipality"} == {
        k: v for k, v in DEFAULTS.items() if k != "municipality"
    }
    validate_params(values, "parameters cell", report=report)


@pytest.mark.parametrize("report", REPORTS)
def test_cells_are_thin(report):
    """A cell calls and displays; loops and branches belong in tsp_analysis.report."""
    nb = json.loads((NOTEBOOKS / f"{report}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        tree = ast.parse("".join(cell["source"]))
        loops = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.For | ast.While | ast.If | ast.FunctionDef | ast.ClassDef)
        ]
        assert not loops, "".join(cell["source"])


# -- running them -------------------------------------------------------------------------------
@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_report_runs_and_renders(rendered, job):
    result = rendered[job]
    assert result["error"] is None, result["error"]
    assert "<h1>" in result["html"]


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_report_states_fieldwork_monitoring_period_funding_and_project_code(rendered, job):
    """Issue 15 item 6: every report, under its title (report.provenance.attribution)."""
    html = rendered[job]["html"]
    text = re.sub(r"<[^>]+>", "", html)
    assert '<span data-safe="code">PMIF-2.2.1-V-01-001</span>' in html
    assert re.search(r'data-safe="date">20\d\d-\d\d-\d\d</span> – <span data-safe="date">', html)
    if job[2] == "lt":
        assert "2020 m. viduryje iki 2021 m. gegužės" in text
        assert (
            "bendrai finansuojamas iš Prieglobsčio, migracijos ir integracijos fondo "
            "2014–2020 metų nacionalinės programos lėšų"
        ) in text
    else:
        assert "mid-2020 to May 2021" in text
        assert "Asylum, Migration and Integration Fund 2014–2020 national programme" in text


@pytest.mark.parametrize("lang", LANGS)
def test_smallest_municipality_shows_suppression_marks(rendered, lang):
    html = rendered[("needs_analysis", "akmene", lang)]["html"]
    assert html is not None
    marks = html.count('data-suppressed="true"')
    assert marks > 0
    text = re.sub(r"<[^>]+>", "", html)  # the threshold sits in a marked span
    footnote = {"lt": "mažiau nei 10 atsakymų", "en": "fewer than 10 answers"}[lang]
    assert footnote in text
    # a cell hidden to protect another says so, not "fewer than ..."
    assert 'data-reason="protects_other"' in html
    protect = {
        "lt": "kad iš jo ir sumų nebūtų galima apskaičiuoti",
        "en": "so that another hidden figure cannot be worked out",
    }[lang]
    assert protect in text


@pytest.mark.parametrize("lang", LANGS)
def test_report_language_is_the_requested_one(rendered, lang):
    html = rendered[("needs_analysis", "kaunas", lang)]["html"]
    title = {"lt": "poreikių analizė", "en": "Needs analysis"}[lang]
    assert title in html
    other = {"lt": "Needs analysis", "en": "poreikių analizė"}[lang]
    assert other not in html


# -- the monitoring report's Annex 1 -----------------------------------------------------------
class _LevelCells(HTMLParser):
    """Cells of the strategic-document table: (component, municipality) → level."""

    def __init__(self):
        super().__init__()
        self.cells: dict[tuple[str, str], str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-level" in a:
            self.cells[(a["data-component"], a["data-municipality"])] = a["data-level"]


def _annex1_expected() -> dict[tuple[str, str], str]:
    from tsp_analysis import reference
    from tsp_analysis.names import normalise_municipality

    lines = (ROOT / "tests/fixtures/seed003_annex1.txt").read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in lines if ln.strip()]
    header = lines[0].split("\t")[1:]
    slugs = [normalise_municipality(h) for h in header]
    assert None not in slugs, header
    components = reference.table("strategic_components")
    by_label = dict(zip(components["label_lt"], components["component"], strict=True))
    expected = {}
    for line in lines[1:]:
        label, *marks = line.split("\t")
        marks += [""] * (len(slugs) - len(marks))
        for slug, mark in zip(slugs, marks, strict=True):
            expected[(by_label[label.strip()], slug)] = (
                "included" if mark.strip() == "+" else "not_included"
            )
    return expected


@pytest.mark.parametrize("lang", LANGS)
def test_monitoring_strategic_table_matches_annex1_cell_by_cell(rendered, lang):
    html = rendered[("monitoring", "all", lang)]["html"]
    table = html[html.index('id="strategic-matrix"') :]
    table = table[: table.index("</table>")]
    parser = _LevelCells()
    parser.feed(table)
    expected = _annex1_expected()
    assert len(expected) == 42
    assert parser.cells == expected


def test_rendered_cells_show_their_level_label():
    """The data-level code and the visible label agree (so the test above checks what a reader
    sees)."""
    import pandas as pd

    from tsp_analysis.report import monitor
    from tsp_analysis.results import DisclosurePolicy, Results, ResultTable

    raw = Results("monitoring", "all")
    raw.add(
        ResultTable.make(
            "strategic_matrix",
            pd.DataFrame(
                {
                    "component": ["goal", "financing"],
                    "municipality": "akmene",
                    "level": ["included", "partly"],
                }
            ),
            caption={"lt": "Matrica", "en": "Matrix"},
            kind="text",
            dims=["component", "municipality"],
            subject="records",
            values=["level"],
        )
    )
    raw.add(
        ResultTable.make(
            "strategic_completeness",
            pd.DataFrame(
                {"municipality": ["akmene"], "measure": ["score"], "estimate": [75.0], "n": [2]}
            ),
            caption={"lt": "Balas", "en": "Score"},
            kind="score",
            dims=["municipality", "measure"],
            subject="records",
        )
    )
    html = monitor.strategic_table(DisclosurePolicy().publish_one(raw), "lt")
    assert re.search(r'data-level="included"[^>]*>Įtraukta<', html)
    assert re.search(r'data-level="partly"[^>]*>Įtraukta iš dalies<', html)
