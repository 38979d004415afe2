"""Reference tables shipped in ``data/reference/``: municipalities, areas, criteria, countries,
residence bases, age groups, strategic-document components.

Each loader returns a fresh :class:`pandas.DataFrame` (cached on disk reads, copied on return so
callers cannot change the cache). Labels come in Lithuanian (``label_lt``) and English
(``label_en``); :func:`labels` picks one language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from .errors import ReferenceDataError
from .ids import LANGUAGES
from .paths import reference_dir

#: Reference tables and the column that is their key.
TABLES: dict[str, str] = {
    "municipalities": "slug",
    "areas": "area",
    "criteria": "criterion",
    "countries": "iso2",
    "residence_bases": "residence_basis",
    "age_groups": "age_group",
    "strategic_components": "component",
    "activity_indicators": "indicator",
    "strategic_documents": "municipality",
    "document_remarks": "remark",
    "project": "key",
    "qual_themes": "theme",
}


@cache
def _read(name: str, folder: str) -> pd.DataFrame:
    path = Path(folder) / f"{name}.csv"
    if not path.exists():
        raise ReferenceDataError(f"reference table {path} is missing")
    # keep_default_na=False: "NA" is Namibia's ISO code, not a missing value.
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("order", "min_age", "max_age"):
        if col in frame:
            frame[col] = frame[col].astype(int)
    for col in ("eu", "third_country", "adult"):
        if col in frame:
            frame[col] = frame[col].map({"true": True, "false": False}).astype(bool)
    key = TABLES.get(name)
    if key is not None and frame[key].duplicated().any():
        dupes = frame.loc[frame[key].duplicated(), key].tolist()
        raise ReferenceDataError(f"{path}: duplicate {key} {dupes}")
    if "order" in frame:
        frame = frame.sort_values("order", kind="stable").reset_index(drop=True)
    return frame


def table(name: str) -> pd.DataFrame:
    """Return reference table ``name`` (one of :data:`TABLES`, or ``codebook``/``value_sets``)."""
    return _read(name, str(reference_dir())).copy()


def municipalities() -> pd.DataFrame:
    """The municipalities: ``slug``, ``name_lt``, ``name_en``, ``short_lt``, ``short_en``,
    ``type`` (city/district), ``stem`` (diacritic-free stem used for matching), ``aliases``."""
    return table("municipalities")


def municipality_slugs() -> list[str]:
    """Slugs of every known municipality, in reference order."""
    return municipalities()["slug"].tolist()


def areas() -> pd.DataFrame:
    """The 9 integration areas in report order, with Lithuanian and English labels."""
    return table("areas")


def area_ids() -> list[str]:
    """Identifiers of the 9 integration areas, in report order."""
    return areas()["area"].tolist()


def criteria() -> pd.DataFrame:
    """The 5 assessment criteria in report order, with Lithuanian and English labels."""
    return table("criteria")


def criterion_ids() -> list[str]:
    """Identifiers of the 5 assessment criteria, in report order."""
    return criteria()["criterion"].tolist()


def countries() -> pd.DataFrame:
    """Countries: ISO ``iso2``/``iso3``, ``name_en``, ``name_lt``, ``eu``, ``third_country``
    (True for everyone who is not an EU/EEA/Swiss citizen: the TŠP definition)."""
    return table("countries")


def labels(name: str, lang: str, column: str = "label") -> dict[str, str]:
    """Map a reference table's key to its label in ``lang``.

    Parameters
    ----------
    name : str
        A reference table in :data:`TABLES`.
    lang : {"lt", "en"}
        Label language.
    column : str
        Label stem: ``label`` (default), ``short``, ``name``.

    Examples
    --------
    >>> labels("areas", "en")["health"]
    'Health care'
    """
    check_lang(lang)
    frame = table(name)
    return dict(zip(frame[TABLES[name]], frame[f"{column}_{lang}"], strict=True))


def check_lang(lang: str) -> None:
    """Raise ``ValueError`` unless ``lang`` is a supported report language."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
