"""Where the shipped data, notebooks and parameter files live.

The reference tables and the demo inputs (``data/``), the report notebooks (``notebooks/``)
and the parameter files (``params/``) are part of the source tree, not downloaded at run time.
In a checkout they are read where they are: ``PROJECT_DIR`` is the checkout. A built wheel
carries a copy of them inside the package (``tsp_analysis/_project/``, made at build time by
``setup.py``; never committed), and ``PROJECT_DIR`` is that folder, so an installed package
builds the demo reports from any folder. ``TSP_ANALYSIS_DATA`` overrides the data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Name of the folder, inside the installed package, that holds the shipped project files.
SHIPPED = "_project"
#: What the project folder holds (each copied into a wheel by ``setup.py``).
PROJECT_PARTS = ("data/reference", "data/demo", "notebooks", "params")


def _project_dir() -> tuple[Path, bool]:
    checkout = PACKAGE_DIR.parent
    if all((checkout / part).is_dir() for part in PROJECT_PARTS):
        return checkout, True
    return PACKAGE_DIR / SHIPPED, False


#: The folder with ``data/``, ``notebooks/`` and ``params/``: the checkout, or the copy inside
#: an installed package; ``IN_CHECKOUT`` says which.
PROJECT_DIR, IN_CHECKOUT = _project_dir()


def default_out_dir() -> Path:
    """Where ``tsp-analysis run`` writes by default: ``reports/`` of the checkout, or of the
    current folder when the package is installed (never inside the installed package)."""
    return PROJECT_DIR / "reports" if IN_CHECKOUT else Path.cwd() / "reports"


def data_dir() -> Path:
    """Return the folder that holds ``reference/`` and ``demo/``."""
    env = os.environ.get("TSP_ANALYSIS_DATA")
    return Path(env) if env else PROJECT_DIR / "data"


def reference_dir() -> Path:
    """Return the folder of reference tables (municipalities, areas, codebook, ...)."""
    return data_dir() / "reference"


def demo_dir() -> Path:
    """Return the folder of committed synthetic demo inputs."""
    return data_dir() / "demo"


#: Suffixes read from a folder of inputs (text files other than ``.csv`` are too often notes).
FOLDER_SUFFIXES = (".csv", ".xlsx", ".sav")


def input_files(path: str | Path) -> list[Path]:
    """The files an input path stands for, exactly those the reader reads: the file itself,
    or a folder's own ``.csv``/``.xlsx``/``.sav`` files (top level only, sorted by name; hidden
    files and Excel lock files ``~$...`` left out). Hashing uses the same list, so a run's
    provenance covers what was read and nothing else (not ``/`` walked recursively).

    Raises ``OSError`` (e.g. ``PermissionError``) when a folder cannot be listed.
    """
    p = Path(path)
    if not p.is_dir():
        return [p]
    return sorted(
        f
        for f in p.iterdir()
        if f.suffix.lower() in FOLDER_SUFFIXES
        and not f.name.startswith((".", "~$"))
        and f.is_file()
    )
