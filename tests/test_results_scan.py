"""The fail-closed privacy scan (``tsp_analysis.results.scan``) on a hand-made output folder:
clean, then with each kind of leak injected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tsp_analysis.report import checked
from tsp_analysis.report.display import Html, safe
from tsp_analysis.report.i18n import t_html
from tsp_analysis.results import export, scan
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.table import Cube, Results, ResultTable, coord
from tsp_analysis.runner import index

NAME = "needs_analysis-akmene-lt"


def _results() -> Results:
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
            caption={"lt": "Poreikis", "en": "Need"},
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
            caption={"lt": "Lytis", "en": "Sex"},
            kind="count",
            dims=["sex"],
        )
    )
    return DisclosurePolicy().publish_one(r)


def _page(res: Results, extra: str = "") -> str:
    body = checked.grid(res["need"], "lt", rows="area", show_n=True)
    body += checked.grid(res["sample_sex"], "lt", rows="sex")
    rec = checked.lookup(res["need"], area="health")
    body += Html(
        f"<p>{t_html('common.base', 'lt', n=checked.span(res['need'], rec, 'lt'))}"
        f" {safe(2024, 'year')}</p>"
    )
    return f"<html><head><title>T</title></head><body>{body}{extra}</body></html>"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    res = _results()
    export.write_all(res, tmp_path / "data", ["lt"])
    html = _page(res)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / f"{NAME}.html").write_text(html, "utf-8")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "display(x)",
                "metadata": {},
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"text/html": html, "text/plain": "<HTML>"},
                    }
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / f"{NAME}.ipynb").write_text(json.dumps(nb), "utf-8")
    record = {
        "report": "needs_analysis",
        "municipality": "akmene",
        "lang": "lt",
        "status": "ok",
        "html": f"html/{NAME}.html",
        "notebook": f"notebooks/{NAME}.ipynb",
        "seconds": 3.2,
        "error": None,
        "parameters": {"min_count": 5, "min_base": 10, "seed": 0, "inputs": {}},
        "hashes": {"key": "ab12"},
        "html_sha256": "cd34",
    }
    run = {
        "started": "2026-11-28T10:00:00+00:00",
        "finished": "2026-11-28T10:01:00+00:00",
        "seconds": 60.0,
        "workers": 2,
        "exit_code": 0,
        "counts": {"ok": 1, "failed": 0, "up-to-date": 0},
    }
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {"format": 1, "generator": "tsp-analysis 0.1.0", "run": run, "reports": [record]}
        ),
        "utf-8",
    )
    (tmp_path / "index.html").write_text(index.render([record], run), "utf-8")
    return tmp_path


def _problems(out: Path) -> list[str]:
    return [v.problem for v in scan.scan(out)]


def test_a_clean_output_passes(out):
    assert scan.scan(out) == []


def test_an_injected_unmarked_number_fails(out):
    page = out / "html" / f"{NAME}.html"
    page.write_text(
        page.read_text("utf-8").replace("</body>", "<p>Ukraina (52 %)</p></body>"), "utf-8"
    )
    found = scan.scan(out)
    assert [v.problem for v in found] == ["number outside a checked cell"]
    assert "52" in found[0].snippet


def test_a_number_in_alt_text_or_a_fake_safe_span_fails(out):
    page = out / "html" / f"{NAME}.html"
    text = page.read_text("utf-8")
    page.write_text(
        text.replace(
            "</body>",
            '<img alt="42 of 57 answered" src="x.png"><span data-safe="year">57</span></body>',
        ),
        "utf-8",
    )
    assert sorted(_problems(out)) == ["content does not fit its kind", "number in an attribute"]


def test_a_hidden_cell_that_shows_a_number_fails(out):
    page = out / "html" / f"{NAME}.html"
    text = page.read_text("utf-8")
    assert 'data-suppressed="true"' in text
    leaked = text.replace(">‡</td>", ">30 %</td>", 1)
    assert leaked != text
    page.write_text(leaked, "utf-8")
    assert "hidden cell shows something" in _problems(out)


def test_a_cell_the_data_files_do_not_have_fails(out):
    page = out / "html" / f"{NAME}.html"
    text = page.read_text("utf-8").replace("/need/area=health", "/need/area=culture", 1)
    page.write_text(text, "utf-8")
    assert "cell not found in the data files" in _problems(out)


def test_a_data_file_that_shows_a_hidden_figure_fails(out):
    csv_path = out / "data" / "needs_analysis-akmene" / "need.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame.loc[frame["area"] == "education", "estimate"] = "0.3"
    frame.to_csv(csv_path, index=False)
    assert "hidden row shows ['estimate']" in _problems(out)


def test_a_data_file_with_a_small_count_shown_fails(out):
    csv_path = out / "data" / "needs_analysis-akmene" / "sample_sex.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame.loc[frame["sex"] == "male", ["estimate", "suppressed", "reason"]] = ["2", "false", ""]
    frame.to_csv(csv_path, index=False)
    problems = _problems(out)
    assert "count below min_count shown" in problems


def test_a_missing_report_or_data_fails(out):
    shutil.rmtree(out / "data")
    assert "the report's data files are missing" in _problems(out)
    (out / "html" / f"{NAME}.html").unlink()
    assert "report page is missing" in _problems(out)
    assert scan.scan(out, expected=["monitoring-all-lt"])[0].problem == (
        "expected report is not in the manifest"
    )


def test_numbers_in_notebook_text_outputs_and_the_manifest_fail(out):
    nb_path = out / "notebooks" / f"{NAME}.ipynb"
    nb = json.loads(nb_path.read_text("utf-8"))
    nb["cells"][0]["outputs"].append(
        {"output_type": "stream", "name": "stderr", "text": "warning: 3 rows dropped"}
    )
    nb_path.write_text(json.dumps(nb), "utf-8")
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    manifest["reports"][0]["respondents"] = 41
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert sorted(_problems(out)) == ["number in a stream output", "number under an unexpected key"]


def test_reaudit_from_the_data_files_finds_every_hidden_count_protected(out):
    exposures = scan.reaudit(out)
    assert {e.coord for e in exposures} == {"sex=male", "sex=female"}
    assert all(e.width >= 5 for e in exposures)
