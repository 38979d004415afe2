"""The cubes whose counts the reports publish, declared once for every report.

A cube is one population (:class:`~tsp_analysis.results.table.Cube`). The needs analysis and
the data review of a municipality are published together and publish cells of the same cubes,
so both must declare each cube identically: the functions here are the only place that builds
them, from the inputs alone (never from what a report chose to show), with the *finest*
categories. A report's grouping is then a set of those categories: "other citizenships" is the
set of every citizenship not listed, "adults" the set of adult age groups, a merged weighting
category ("55_64+65_plus") the set of its parts (:func:`value`, :func:`cell`). Two reports that
group differently still publish cells of one cube, and the recoverability audit sees how they
relate.

``population:<unit>:<year>``
    Third-country nationals living in the unit at the start of ``year`` (official statistics):
    ``citizenship`` (every third-country citizenship), ``sex``, ``age_group`` (children too),
    ``residence_basis``. The adults the survey is compared with are ``age_group`` =
    :data:`ADULTS` (a set).
``population:all:<year>``
    Third-country nationals of the country by ``municipality``: the project's municipalities
    and ``rest`` (the rest of the country); the country is the total.
``respondents:<dataset>:<unit>``
    The accepted respondents of a survey in the unit. For the TŠP survey ``sex``,
    ``age_group`` (adult groups), ``citizenship``, ``residence_basis``, each with
    :data:`MISSING`; for both surveys one dimension ``item:<question>`` per codebook question
    with :data:`ITEM_STATUSES`. The total, ``coord()``, is the number of accepted respondents.
``rows:<dataset>:<unit>``
    The rows of a survey received for the unit: ``status`` (``accepted``, ``quarantined``) ×
    ``reason`` (:data:`NO_REASON` for accepted rows, else the cleaning's quarantine reason); the
    country's has a third dimension ``attributed`` (``yes``, ``no``: rows naming no known
    municipality).
``model_sample:tsp_survey:<unit>`` (declared by the needs analysis)
    Respondents used by and left out of the satisfaction model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import pandas as pd

from .. import reference
from ..clean import REASONS as QUARANTINE_REASONS
from ..ids import ALL, COUNTRY, OTHER
from .table import SUBSET, Cube, coord

#: The library's own suppression is switched off (the smallest threshold keeps every count):
#: the disclosure policy is the one place that hides figures.
NO_LIBRARY_SUPPRESSION = 1
#: The category of a respondent who gave no usable answer to a profile question.
MISSING = "_missing"
#: Categories of an ``item:<question>`` dimension.
ITEM_STATUSES = ("answered", "missing", "not_asked")
#: The ``reason`` of accepted rows.
NO_REASON = "none"
#: The respondent profile variables (dimensions of the TŠP respondents cube), in report order.
PROFILE = ("sex", "age_group", "citizenship", "residence_basis")
#: Margins of the needs analysis's sample table (the same variables).
MARGINS = PROFILE
#: Survey question → the profile dimension whose :data:`MISSING` cell counts its non-response.
PROFILE_QUESTIONS = {
    "sex": "sex",
    "age": "age_group",
    "citizenship": "citizenship",
    "residence_basis": "residence_basis",
}
#: Top citizenships listed in the needs analysis's context section.
TOP_CITIZENSHIPS = 10


# -- ids -----------------------------------------------------------------------------------------
def population_id(unit: str, year: object) -> str:
    return f"population:{unit}:{year}"


def respondents_id(dataset: str, unit: str) -> str:
    return f"respondents:{dataset}:{unit}"


def rows_id(dataset: str, unit: str) -> str:
    return f"rows:{dataset}:{unit}"


def item_dim(question: str) -> str:
    return f"item:{question}"


population_cube_id = population_id


def respondents_cube_id(unit: str) -> str:
    return respondents_id("tsp_survey", unit)


# -- categories ------------------------------------------------------------------------------------
@cache
def third_countries() -> tuple[str, ...]:
    """Every third-country citizenship code (the reference table's order)."""
    countries = reference.countries()
    return tuple(countries.loc[countries["third_country"], "iso2"].astype(str))


@cache
def _ordered(table: str, key: str) -> tuple[str, ...]:
    return tuple(reference.table(table)[key].astype(str))


@cache
def adults() -> tuple[str, ...]:
    """Age groups of adults, in order."""
    ag = reference.table("age_groups")
    return tuple(ag.loc[ag["adult"], "age_group"].astype(str))


def _with(observed: Iterable[object], order: Iterable[str]) -> tuple[str, ...]:
    """``order`` followed by any other observed code (codes the reference does not know)."""
    order = list(order)
    extra = sorted({str(v) for v in observed if not pd.isna(v)} - set(order))
    return (*order, *extra)


def value(cube: Cube, dim: str, category: str, listed: Iterable[str] = ()) -> str | tuple:
    """The cell value of a report's ``category`` of ``dim``: itself when it is a category of
    the cube; the set of its parts when it is a merged category ("55_64+65_plus"); for
    :data:`OTHER`, every category not in ``listed`` (and not :data:`MISSING`)."""
    cats = cube.dims[dim]
    if category in cats:
        return category
    if "+" in category:
        return tuple(category.split("+"))
    if category == OTHER:
        named: set[str] = set()
        for c in listed:
            named |= set(str(c).split("+"))
        rest = tuple(c for c in cats if c not in named and c != MISSING)
        if not rest:
            raise ValueError(f"cube {cube.id!r}: {dim} {OTHER!r} holds no category")
        return rest if len(rest) > 1 else rest[0]
    raise ValueError(f"cube {cube.id!r}: {category!r} is not a category of {dim!r}")


def cell(cube: Cube, listed: Mapping[str, Iterable[str]] | None = None, **where: object) -> str:
    """The coord of a report's cell: ``cell(cube, {"citizenship": shown}, citizenship="other",
    age_group=adults())``. Values that are already sets are taken as they are."""
    out: dict[str, object] = {}
    for dim, category in where.items():
        if category is None:
            continue
        if isinstance(category, tuple | list | set | frozenset):
            out[dim] = tuple(category)
        else:
            out[dim] = value(cube, dim, str(category), (listed or {}).get(dim, ()))
    return coord(**out)


# -- cubes -----------------------------------------------------------------------------------------
def tsp_population(population: pd.DataFrame) -> pd.DataFrame:
    """The third-country rows of the population table (``count`` int, ``year`` int)."""
    from .. import context

    return context._tsp(population)


def population_cube(population: pd.DataFrame, unit: str, year: int) -> Cube:
    """Third-country nationals of ``unit`` in ``year``, with the finest categories."""
    frame = tsp_population(population)
    frame = frame[(frame["municipality"] == unit) & (frame["year"] == int(year))]
    return Cube(
        population_id(unit, int(year)),
        {
            "citizenship": _with(frame["citizenship"], third_countries()),
            "sex": _with(frame["sex"], ("female", "male")),
            "age_group": _with(frame["age_group"], _ordered("age_groups", "age_group")),
            "residence_basis": _with(
                frame["residence_basis"], _ordered("residence_bases", "residence_basis")
            ),
        },
    )


def all_cube(year: int) -> Cube:
    """TŠP of the whole country by municipality: the project's and the rest of the country
    (never published: a reader cannot work out a project municipality from it)."""
    return Cube(
        population_id(ALL, year),
        {"municipality": (*reference.municipality_slugs(), "rest")},
    )


def all_coord(municipality: str) -> str:
    return coord() if municipality == COUNTRY else coord(municipality=municipality)


@cache
def _questions(dataset: str) -> tuple[str, ...]:
    from ..codebook import load_codebook

    return tuple(load_codebook().columns(dataset))


def respondents_cube(dataset: str, unit: str, accepted: pd.DataFrame | None = None) -> Cube:
    """The accepted respondents of ``dataset`` in ``unit`` (``accepted``: the clean rows, any
    municipality; the unit's are taken, or all for the country)."""
    dims: dict[str, tuple[str, ...]] = {}
    if dataset == "tsp_survey":
        rows = accepted if accepted is not None else pd.DataFrame()
        if unit != COUNTRY and "municipality" in rows:
            rows = rows[rows["municipality"] == unit]

        def seen(col: str) -> pd.Series:
            return rows[col] if col in rows else pd.Series(dtype=object)

        dims["sex"] = (*_with(seen("sex"), ("female", "male")), MISSING)
        dims["age_group"] = (*_with(seen("age_group"), adults()), MISSING)
        dims["citizenship"] = (*_with(seen("citizenship"), third_countries()), MISSING)
        dims["residence_basis"] = (
            *_with(seen("residence_basis"), _ordered("residence_bases", "residence_basis")),
            MISSING,
        )
    if dataset == "provider_survey":
        rows = accepted if accepted is not None else pd.DataFrame()
        if unit != COUNTRY and "municipality" in rows:
            rows = rows[rows["municipality"] == unit]
        seen = rows["org_type"] if "org_type" in rows else pd.Series(dtype=object)
        dims["org_type"] = (*_with(seen, _value_codes("org_type")), MISSING)
    for q in _questions(dataset):
        dims[item_dim(q)] = ITEM_STATUSES
    return Cube(respondents_id(dataset, unit), dims)


@cache
def _value_codes(value_set: str) -> tuple[str, ...]:
    from ..codebook import load_codebook

    return tuple(load_codebook().codes(value_set, substantive=True))


def rows_cube(dataset: str, unit: str, *, country: bool = False) -> Cube:
    """The rows of ``dataset`` received for ``unit`` (see the module's docstring)."""
    dims: dict[str, tuple[str, ...]] = {
        "status": ("accepted", "quarantined"),
        "reason": (NO_REASON, *QUARANTINE_REASONS),
    }
    if country:
        dims["attributed"] = ("yes", "no")
    return Cube(rows_id(dataset, unit), dims)


# -- the needs analysis's population counts ------------------------------------------------------
class PopulationCells:
    """One unit's population cube and the counts the report publishes from it, with the
    citizenships grouped as the report lists them (``citizenships``: the listed ones and
    :data:`OTHER`)."""

    def __init__(self, cube: Cube, frame: pd.DataFrame, citizenships: list[str], year: int):
        self.cube = cube
        self.year = year
        self.frame = frame
        self.citizenships = citizenships
        self.unit = cube.id.split(":")[1]
        self.total = int(frame["count"].sum())

    def _mask(self, where: Mapping[str, object]) -> pd.Series:
        mask = pd.Series(True, index=self.frame.index)
        for k, v in where.items():
            col = "group" if k == "citizenship" else k
            if isinstance(v, tuple | list | set | frozenset):
                mask &= self.frame[col].isin(list(v))
            else:
                mask &= self.frame[col] == v
        return mask

    def count(self, **where: object) -> int:
        return int(self.frame.loc[self._mask(where), "count"].sum())

    def cell(self, **where: object) -> str:
        listed = {"citizenship": [c for c in self.citizenships if c != OTHER]}
        return cell(self.cube, listed, **where)


def population_cells(population: pd.DataFrame, units: list[str], year: int) -> dict:
    """Each unit's cube, with citizenships grouped as the report lists them (the most common
    :data:`TOP_CITIZENSHIPS` and :data:`OTHER`)."""
    from .. import context

    out = {}
    for u in units:
        top = context.top_citizenships(
            population, u, year=year, k=TOP_CITIZENSHIPS, min_count=NO_LIBRARY_SUPPRESSION
        )
        listed = [c for c in top["citizenship"] if c != OTHER]
        frame = tsp_population(population)
        frame = frame[(frame["municipality"] == u) & (frame["year"] == year)].copy()
        frame["group"] = frame["citizenship"].where(frame["citizenship"].isin(listed), OTHER)
        out[u] = PopulationCells(
            population_cube(population, u, year), frame, [*listed, OTHER], year
        )
    return out


__all__ = [
    "COUNTRY",
    "ITEM_STATUSES",
    "MISSING",
    "OTHER",
    "PROFILE",
    "SUBSET",
    "PopulationCells",
    "adults",
    "all_coord",
    "all_cube",
    "cell",
    "item_dim",
    "population_cells",
    "population_cube",
    "population_id",
    "respondents_cube",
    "respondents_cube_id",
    "respondents_id",
    "rows_cube",
    "rows_id",
    "third_countries",
    "tsp_population",
    "value",
]
