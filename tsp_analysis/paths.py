"""Where the shipped data live.

The reference tables and the demo inputs are part of the source tree (``data/``), not
downloaded at run time. ``TSP_ANALYSIS_DATA`` overrides the location, for example when the
package is installed without its source tree.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


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
