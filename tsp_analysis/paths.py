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
