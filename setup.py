"""Build hook: copy the project's data, notebooks and parameter files into the wheel.

``data/``, ``notebooks/`` and ``params/`` stay the one source of truth in the repository; a
built wheel (``pip wheel .``, ``python -m build``) carries a copy of them as
``tsp_analysis/_project/`` so that ``pip install tsp_analysis-*.whl`` followed by
``tsp-analysis run --out X`` builds the demo reports from any folder (``tsp_analysis.paths``
finds them in either place). An editable install needs no copy: it reads the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: What is shipped: every file of these folders (tsp_analysis.paths.PROJECT_PARTS), and the
#: data folder's description.
TREES = ("data/reference", "data/demo", "notebooks", "params")
FILES = ("data/README.md",)
IGNORE = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", ".ipynb_checkpoints")


class BuildWithProjectFiles(build_py):
    """``build_py`` that also copies :data:`TREES` and :data:`FILES` into the package's
    ``_project`` folder."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "tsp_analysis" / "_project"
        if target.exists():
            shutil.rmtree(target)
        for tree in TREES:
            shutil.copytree(ROOT / tree, target / tree, ignore=IGNORE)
        for name in FILES:
            shutil.copyfile(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildWithProjectFiles})
