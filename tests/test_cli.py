"""The command line: every command is listed, and a command imports only its own module."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tsp_analysis.cli import COMMAND_MODULES, build_parser, main


def test_full_parser_lists_every_command():
    help_text = build_parser().format_help()
    for name in COMMAND_MODULES:
        assert name in help_text


def test_unknown_command_names_the_choices(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["valdate", "x.csv"])
    assert exc.value.code == 2
    assert "choose from" in capsys.readouterr().err


def test_run_does_not_import_the_other_commands():
    # A fresh interpreter: building the parser for `run` must not pull in pandas via synth,
    # validate or clean, so an unchanged rerun stays fast.
    code = (
        "import sys; from tsp_analysis.cli import build_parser; build_parser(['run']); "
        "print(sorted(m for m in ('pandas', 'tsp_analysis.synth', 'tsp_analysis.validate') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
