"""The data files of a report: its checked tables as CSV and as a workbook per language.

A report's notebook computes its results through :func:`tsp_analysis.results.compute`, which
stores them in the build's results cache; after the notebook has run, :func:`write` reads the
same results from the cache and writes
``OUT/data/<report>-<unit>/`` (one CSV per table, ``tables.json``, ``cubes.json``) and
``OUT/data/<report>-<unit>-<lang>.xlsx``. The HTML links to these files, so both are the same
numbers. Layout and formats: ``docs/outputs.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Where, under the output folder, results are cached between the reports of a build.
CACHE = Path(".cache") / "results"


def paths(report: str, slug: str, lang: str) -> dict[str, str]:
    """The data files of one report, relative to the output folder."""
    return {"csv": f"data/{report}-{slug}/", "xlsx": f"data/{report}-{slug}-{lang}.xlsx"}


def write(out: Path, report: str, parameters: dict[str, Any], lang: str) -> dict[str, str] | None:
    """Write the data files of one report; returns :func:`paths`, or ``None`` when its
    notebook did not compute results through :func:`tsp_analysis.results.compute`."""
    from .. import results
    from ..results import export

    res = results.stored(report, parameters, out / CACHE)
    if res is None:
        return None
    where = paths(report, parameters["municipality"], lang)
    export.write_csv(res, out / where["csv"])
    export.write_xlsx(res, out / where["xlsx"], lang)
    return where


def present(out: Path, record: dict[str, Any]) -> bool:
    """Are a record's data files (if it has any) still there?"""
    data = record.get("data") or {}
    return all((out / p).exists() for p in data.values())
