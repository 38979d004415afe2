"""The README's examples run as written.

Its ``python`` blocks are executed (in a temporary folder, as a fresh script); its ``bash``
blocks' ``tsp-analysis`` commands are run from a temporary folder that sees the project's
``data/`` as the project folder does, with this environment's ``tsp-analysis`` (what
``source .venv/bin/activate`` gives). Commands that build reports (``tsp-analysis run``) or
refer to a team's own folders are left to the runner's tests; the lists below say which
commands ran, so a README that lost its examples fails here.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [body for lang, body in BLOCK.findall(text) if lang == language]


def commands() -> list[str]:
    """The README's ``tsp-analysis`` commands that need no report build and no outside folder."""
    found = []
    for body in blocks("bash"):
        for line in body.splitlines():
            line = line.split("  #", 1)[0].strip()
            words = shlex.split(line) if line else []
            if not words or Path(words[0]).name != "tsp-analysis":
                continue
            if words[1] == "run" or any(w.startswith("/secure") for w in words):
                continue
            found.append(line)
    return found


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return env


def test_readme_tells_to_activate_the_environment_before_the_commands():
    body = next(b for b in blocks("bash") if "tsp-analysis validate" in b)
    assert body.splitlines()[0] == "source .venv/bin/activate"


def test_readme_lists_the_commands_it_is_tested_on():
    assert [shlex.split(c)[1] for c in commands()] == ["validate", "clean", "synth"]


@pytest.mark.slow
@pytest.mark.parametrize("command", commands(), ids=lambda c: shlex.split(c)[1])
def test_readme_command_runs_as_written(command, tmp_path):
    (tmp_path / "data").symlink_to(ROOT / "data")
    words = shlex.split(command)
    words[0] = str(BIN / "tsp-analysis")
    done = subprocess.run(
        words, cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=600
    )
    # validate exits 1 when it finds problems (the demo data has its dirty rows): it must
    # report them, not crash.
    assert done.returncode in (0, 1) if words[1] == "validate" else done.returncode == 0, (
        done.stdout[-2000:] + done.stderr[-2000:]
    )
    assert "Traceback" not in done.stderr
    if words[1] == "validate":
        assert "problem(s) in 1 file(s)" in done.stdout
    if words[1] == "clean":
        assert (tmp_path / "cleaned" / "tsp_survey_clean.csv").is_file()
    if words[1] == "synth":
        assert (tmp_path / "synthetic" / "MANIFEST.json").is_file()


@pytest.mark.slow
def test_readme_python_example_runs_as_written(tmp_path):
    (code,) = blocks("python")
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
