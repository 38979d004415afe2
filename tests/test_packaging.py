"""The install paths agree: pyproject (pip), environment.yml (conda), the lock file, .ci/run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from tsp_analysis.paths import PROJECT_PARTS, SHIPPED

ROOT = Path(__file__).resolve().parents[1]


#: pip name → conda-forge name, where they differ (documented in environment.yml's header):
#: conda-forge's ``matplotlib`` adds the Qt GUI toolkit; ``matplotlib-base`` is the library.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}


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


def _conda_as_pip() -> dict[str, str]:
    """environment.yml's dependencies under their pip names (:data:`CONDA_NAMES` undone)."""
    back = {conda: pip for pip, conda in CONDA_NAMES.items()}
    return {
        back.get(name, name): spec.replace(name, back.get(name, name), 1)
        for name, spec in _conda_deps().items()
    }


def test_pyproject_and_environment_yml_name_the_same_dependencies():
    pip, conda = _pyproject_deps(), _conda_as_pip()
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


# --- conda names -------------------------------------------------------------------------------
def test_conda_names_differ_only_where_documented():
    """environment.yml uses conda-forge's package names; the only differences from the pip
    names are those in CONDA_NAMES (documented in environment.yml's header)."""
    env_text = (ROOT / "environment.yml").read_text()
    for pip_name, conda_name in CONDA_NAMES.items():
        assert f"{pip_name} → {conda_name}" in env_text
        assert conda_name in _conda_deps()


# --- tasks.py installs what each task needs ------------------------------------------------
def _pip_target(task: str, monkeypatch, tmp_path) -> list[str]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks_under_test", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    calls: list[list[str]] = []
    monkeypatch.setattr(tasks, "VENV", tmp_path)
    monkeypatch.setattr(tasks, "PY", Path(sys.executable))  # exists: no venv is created
    monkeypatch.setattr(tasks, "STAMP", tmp_path / ".installed")
    monkeypatch.setattr(tasks.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    tasks.ensure_env(dev=task == "test")
    return calls[0] if calls else []


def test_reports_installs_runtime_dependencies_only(monkeypatch, tmp_path):
    cmd = _pip_target("reports", monkeypatch, tmp_path)
    assert cmd[cmd.index("-e") + 1] == "."
    # ... and a later `test` adds the dev extras, while `reports` after it installs nothing
    assert (tmp_path / ".installed").read_text().endswith(" runtime")


def test_test_installs_the_dev_extras_and_reports_reuses_them(monkeypatch, tmp_path):
    cmd = _pip_target("test", monkeypatch, tmp_path)
    assert cmd[cmd.index("-e") + 1] == ".[dev]"
    assert _pip_target("reports", monkeypatch, tmp_path) == []


def test_runtime_dependencies_hold_no_test_tool():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in meta["dependencies"]}
    assert not runtime & {"pytest", "nbval", "ruff", "samplics", "hypothesis", "pyxform"}
    assert "nbval" in {_name(r) for r in meta["optional-dependencies"]["dev"]}


# --- the wheel ---------------------------------------------------------------------------------
def test_setup_ships_every_project_part_that_paths_reads():
    import ast

    tree = ast.parse((ROOT / "setup.py").read_text())
    trees = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "TREES"
    )
    assert set(trees) == set(PROJECT_PARTS)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the committed-to-be files (the checkout stays clean)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for tree in ("tsp_analysis", "data", "notebooks", "params"):
        shutil.copytree(
            ROOT / tree,
            src / tree,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_project"),
        )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    (found,) = out.glob("tsp_analysis-*.whl")
    return found


@pytest.mark.slow
def test_wheel_contains_data_notebooks_and_parameters(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    prefix = f"tsp_analysis/{SHIPPED}/"
    for folder in PROJECT_PARTS:
        committed = {
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / folder).iterdir()
            if p.is_file() and not p.name.startswith(".")
        }
        assert committed, folder
        assert {prefix + c for c in committed} <= names, folder
    assert prefix + "data/README.md" in names
    assert "tsp_analysis/synth/data/" in " ".join(names)


@pytest.mark.slow
def test_wheel_installed_alone_builds_a_demo_report_in_an_empty_folder(wheel, tmp_path):
    """A user's install: the wheel in a fresh virtual environment, run from an empty folder,
    without the checkout on the path. The runtime dependencies come from this environment's
    site-packages (a .pth line; its own .pth files, such as the editable install of the
    checkout, are not processed), so the test needs no network."""
    import sysconfig
    import venv

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Nothing of the checkout on the path (with it, pip finds the package "already there").
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "TSP_ANALYSIS_DATA", "VIRTUAL_ENV")
    }
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "zz_shared_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    # ... and their data files (nbconvert's templates, the kernel spec), which pip puts under
    # the environment's share/jupyter: found through Jupyter's documented search path.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    where = subprocess.run(
        [str(python), "-c", "import tsp_analysis.paths as p; print(p.PROJECT_DIR, p.IN_CHECKOUT)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.split() == [str(Path(site) / "tsp_analysis" / SHIPPED), "False"]

    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run(
        [
            str(env_dir / "bin" / "tsp-analysis"),
            "run",
            "--out",
            "X",
            "-m",
            "akmene",
            "-r",
            "needs_analysis",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=empty,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    html = empty / "X" / "html" / "needs_analysis-akmene-lt.html"
    assert html.is_file()
    assert "<h1>" in html.read_text(encoding="utf-8")
    assert sorted(p.name for p in empty.iterdir()) == ["X"]


# --- the suite runs the notebooks under nbval ------------------------------------------------
def test_the_suite_runs_every_notebook_under_nbval():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in config["testpaths"]
    assert "--nbval-lax" in config["addopts"].split()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "notebooks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    assert collected == {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
