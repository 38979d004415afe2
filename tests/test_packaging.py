"""The install paths agree: pyproject (pip), environment.yml (conda), the lock file, .ci/run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    return {_name(r): r.replace(" ", "") for r in reqs}


def _conda_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or _name(item) in {"python", "pip"}:
                continue
            out[_name(item)] = item.replace(" ", "")
    return out


def test_pyproject_and_environment_yml_name_the_same_dependencies():
    pip, conda = _pyproject_deps(), _conda_deps()
    assert set(pip) == set(conda)
    # ... with the same version bounds
    assert pip == conda


def test_every_dependency_is_pinned_in_the_lock_file():
    lock = {
        _name(line): line.split("==", 1)[1]
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    missing = set(_pyproject_deps()) - set(lock)
    assert not missing, f"not pinned in requirements.lock: {sorted(missing)}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme.split("\n## ", 1)[0]
    assert "python3 tasks.py test" in ci
