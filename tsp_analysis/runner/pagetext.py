"""The words of the page around a report (skip link, navigation, index page), lt and en.

Read from ``data/reference/report_text.csv`` (keys ``page.*`` and ``index.*``) with the
standard library only: the index page is written even when no report was rebuilt, without
importing the report code.
"""

from __future__ import annotations

import csv
from functools import cache

from ..paths import reference_dir


@cache
def _texts() -> dict[str, dict[str, str]]:
    with open(reference_dir() / "report_text.csv", encoding="utf-8", newline="") as fh:
        return {row["key"]: {"lt": row["lt"], "en": row["en"]} for row in csv.DictReader(fh)}


def has(key: str) -> bool:
    """Is ``key`` a row of ``report_text.csv``?"""
    return key in _texts()


def text(key: str, lang: str) -> str:
    """The text of ``key`` in ``lang`` (``lt`` or ``en``).

    Raises
    ------
    KeyError
        ``key`` is not in ``report_text.csv`` (naming the file and the key).
    """
    try:
        return _texts()[key][lang]
    except KeyError:
        raise KeyError(f"data/reference/report_text.csv: no text {key!r} in {lang!r}") from None


def report_name(report: str, lang: str) -> str:
    """A report kind's short name: ``index.report.<kind>`` when the table has it, else the
    report's title (``<kind>.title``, or the notebook prefix the title keys use), else the kind
    itself made readable — so a new kind of report is listed without a code change."""
    for key in (f"index.report.{report}", f"{report}.title", f"{report.split('_')[0]}.title"):
        if has(key):
            return text(key, lang)
    return report.replace("_", " ").capitalize()


def report_description(report: str, lang: str) -> str:
    """One line on what a report kind tells its reader (``index.describe.<kind>``), or
    nothing when the table has none."""
    key = f"index.describe.{report}"
    return text(key, lang) if has(key) else ""
