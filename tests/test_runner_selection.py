"""What a build selects and how a batch kernel differs from an interactive one: the units of
each report kind, ``tsp-analysis run --params DIR`` (a team's own parameter files), and
``quiet_warnings`` (silent only in a batch build)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tsp_analysis.cli import build_parser
from tsp_analysis.report import display
from tsp_analysis.runner import kernels, plan
from tsp_analysis.runner.plan import REPORT_UNITS, fixed_units

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
PROJECT = Path(__file__).resolve().parents[1]


# --- units of each report kind -----------------------------------------------------------
def test_monitoring_report_accepts_its_own_slug():
    assert [j.name for j in plan(["all"], ["monitoring"], notebooks_dir=FIXTURES)] == [
        "monitoring-all-lt"
    ]
    # Named alone with every report: only the reports built for that unit.
    assert [j.name for j in plan(["all"], None, notebooks_dir=FIXTURES)] == [
        "monitoring-all-lt",
        "overview-all-lt",
    ]


def test_fixed_units_come_from_the_table_of_report_units():
    assert fixed_units() == ["lithuania", "all"]
    assert [j.name for j in plan(["lithuania"], ["data_review"], notebooks_dir=FIXTURES)] == [
        "data_review-lithuania-lt"
    ]
    # A unit no report kind is built for is not a municipality either.
    with pytest.raises(ValueError, match="unknown municipality 'everywhere'"):
        plan(["everywhere"], ["monitoring"], notebooks_dir=FIXTURES)


def test_a_new_report_kind_with_a_fixed_unit_is_planned_from_the_table(monkeypatch):
    """The selection logic reads REPORT_UNITS: a kind added there (as the overview is, for
    ``all``) is planned for its unit, with no other change."""
    from tsp_analysis.runner.plan import slugs_for

    monkeypatch.setitem(REPORT_UNITS, "overview", ("all",))
    assert fixed_units() == ["lithuania", "all"]
    assert slugs_for("overview", ["vilnius"]) == ["all"]
    monkeypatch.setitem(REPORT_UNITS, "needs_analysis", ("*", "lithuania"))
    assert slugs_for("needs_analysis", ["vilnius"]) == ["vilnius"]
    assert slugs_for("needs_analysis", ["vilnius", "lithuania"]) == ["vilnius", "lithuania"]


# --- run --params DIR ----------------------------------------------------------------------
def _help_of_run(capsys) -> str:
    with pytest.raises(SystemExit):  # --help prints and exits
        build_parser(["run"]).parse_args(["run", "--help"])
    return capsys.readouterr().out


def test_params_option_is_listed_in_help(capsys):
    text = " ".join(_help_of_run(capsys).split())
    assert "--params DIR" in text
    assert "folder of parameter files" in text


def test_run_with_a_teams_parameter_folder_outside_the_project(tmp_path):
    """A team keeps its parameter files (pointing at its data) in a folder of its own; the
    build reads them, and relative input paths are taken from the folder's parent."""
    team = tmp_path / "team"
    (team / "params").mkdir(parents=True)
    (team / "secure").mkdir()
    (team / "secure" / "akmene.csv").write_text("value\n2\n3\n", encoding="utf-8")
    (team / "params" / "akmene.yaml").write_text(
        "municipality: akmene\ninputs:\n  tsp_survey: secure/akmene.csv\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(PROJECT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tsp_analysis.cli",
            "run",
            "--params",
            str(team / "params"),
            "--notebooks",
            str(FIXTURES),
            "-m",
            "akmene",
            "-r",
            "needs_analysis",
            "--out",
            str(out),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((out / "manifest.json").read_text())["reports"][0]
    assert record["status"] == "ok"
    # The fixture notebook shows the sum of the input's values: it read the team's file.
    html = (out / record["html"]).read_text(encoding="utf-8")
    assert "<strong>5</strong> (2)" in html


def test_run_names_a_missing_parameter_folder(tmp_path, capsys):
    from tsp_analysis.cli import main

    missing = tmp_path / "nowhere"
    code = main(
        [
            "run",
            "--params",
            str(missing),
            "-m",
            "akmene",
            "--out",
            str(tmp_path / "out"),
            "--no-progress",
        ]
    )
    assert code == 2
    assert f"{missing}: the parameter folder does not exist" in capsys.readouterr().err


# --- quiet_warnings --------------------------------------------------------------------------
def test_batch_kernels_are_told_they_run_in_a_batch():
    assert kernels.KERNEL_ENV[display.BATCH_ENV] == "1"


def test_quiet_warnings_does_nothing_in_an_interactive_session(monkeypatch):
    monkeypatch.delenv(display.BATCH_ENV, raising=False)
    import logging

    logger = logging.getLogger("py.warnings")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    assert display.quiet_warnings() is None  # nothing for a notebook cell to show
    with pytest.warns(RuntimeWarning, match="raking did not converge"):
        warnings.warn("raking did not converge", RuntimeWarning, stacklevel=1)


def test_quiet_warnings_silences_them_in_a_batch_build():
    """In a fresh interpreter (captureWarnings is process-wide): the warning reaches
    stderr without the batch variable, and nothing does with it."""
    code = (
        "import warnings; from tsp_analysis.report.display import quiet_warnings; "
        "quiet_warnings(); warnings.warn('raking did not converge', RuntimeWarning)"
    )
    base = {k: v for k, v in os.environ.items() if k != display.BATCH_ENV}
    base["PYTHONPATH"] = os.pathsep.join([str(PROJECT), *filter(None, [base.get("PYTHONPATH")])])
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base, check=True
    )
    assert "raking did not converge" in shown.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**base, display.BATCH_ENV: "1"},
        check=True,
    )
    assert "raking did not converge" not in quiet.stderr
