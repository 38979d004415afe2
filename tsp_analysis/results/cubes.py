"""The cubes the reports on a municipality publish counts from (see ``results/table.py``,
:class:`~.table.Cube`), defined once.

A count of people is a cell of a cube; the same cell published by two reports (the needs
analysis and the data review of a municipality) is the same number, and the disclosure policy
hides it in both. Both reports must declare each cube with the same dimensions and categories:
build them here.

``population:<unit>:<year>``   TŠP residents (official statistics): ``citizenship`` (the most
                               common :data:`TOP_CITIZENSHIPS` and ``other``), ``sex``,
                               ``age_group`` (every age group, children too),
                               ``residence_basis``
``population:all:<year>``      TŠP of the country by ``municipality``: the project's six and
                               ``rest`` (the rest of the country); the country is the total
``respondents:tsp_survey:<unit>``  accepted respondents: ``sex``, ``age_group`` (adults),
                               ``citizenship`` (as the sample table groups them: the largest in
                               the adult population and ``other``), ``residence_basis``, each
                               with :data:`MISSING`
"""

from __future__ import annotations

import pandas as pd

from .. import reference
from .table import Cube, coord

#: The library's own suppression is switched off (the smallest threshold keeps every count):
#: the disclosure policy is the one place that hides figures.
NO_LIBRARY_SUPPRESSION = 1
#: The country row of the context tables.
COUNTRY = "lithuania"
#: Category of everything not listed (citizenships), and of a question left unanswered.
OTHER = "other"
MISSING = "_missing"
#: Margins of the sample table and of the respondents cube, in report order.
MARGINS = ("sex", "age_group", "citizenship", "residence_basis")
#: Top citizenships listed in the context section.
TOP_CITIZENSHIPS = 10


def population_cube_id(unit: str, year: int) -> str:
    return f"population:{unit}:{year}"


def respondents_cube_id(unit: str) -> str:
    return f"respondents:tsp_survey:{unit}"


class PopulationCells:
    """One unit's population cube and the counts the report publishes from it."""

    def __init__(self, unit: str, year: int, frame: pd.DataFrame, citizenships: list[str]):
        self.unit = unit
        self.year = year
        self.frame = frame  # TŠP of the unit and year, citizenship grouped to the cube's
        self.citizenships = citizenships
        self.total = int(frame["count"].sum())
        ages = reference.table("age_groups")["age_group"].tolist()
        ages += sorted(set(frame["age_group"]) - set(ages))
        bases = reference.table("residence_bases")["residence_basis"].tolist()
        bases += sorted(set(frame["residence_basis"]) - set(bases))
        sexes = ["female", "male"] + sorted(set(frame["sex"]) - {"female", "male"})
        self.cube = Cube(
            population_cube_id(unit, year),
            {
                "citizenship": tuple(citizenships),
                "sex": tuple(sexes),
                "age_group": tuple(ages),
                "residence_basis": tuple(bases),
            },
        )

    def count(self, **where: str) -> int:
        mask = pd.Series(True, index=self.frame.index)
        for k, v in where.items():
            mask &= self.frame[k] == v
        return int(self.frame.loc[mask, "count"].sum())


def population_cells(population: pd.DataFrame, units: list[str], year: int) -> dict:
    """Each unit's cube: citizenships as the report groups them (the most common ones and
    ``other``), sex, age group, residence basis."""
    from .. import context

    out = {}
    for u in units:
        top = context.top_citizenships(
            population, u, year=year, k=TOP_CITIZENSHIPS, min_count=NO_LIBRARY_SUPPRESSION
        )
        listed = [c for c in top["citizenship"] if c != OTHER]
        frame = context._tsp(population)
        frame = frame[(frame["municipality"] == u) & (frame["year"] == year)].copy()
        frame["citizenship"] = frame["citizenship"].where(frame["citizenship"].isin(listed), OTHER)
        out[u] = PopulationCells(u, year, frame, [*listed, OTHER])
    return out


def all_cube(year: int) -> Cube:
    """TŠP of the whole country by municipality: the project's six and the rest of the country
    (never published: a reader cannot work out a project municipality from it)."""
    return Cube(
        population_cube_id("all", year),
        {"municipality": (*reference.municipality_slugs(), "rest")},
    )


def all_coord(municipality: str) -> str:
    return coord() if municipality == COUNTRY else coord(municipality=municipality)


def respondents_cube(unit: str, profile: pd.DataFrame) -> Cube:
    """Accepted respondents of the unit by the weighting variables, as the sample table groups
    them, each with a category for "not answered".

    ``profile`` is :func:`tsp_analysis.weights.sample_vs_population` for the unit (its
    categories: the citizenships it lists, every adult age group, the residence bases).
    """
    from ..weights import adult_age_groups

    adult_ages = adult_age_groups()
    dims: dict[str, tuple[str, ...]] = {}
    for m in MARGINS:
        listed = profile.loc[profile["margin"] == m, "category"].astype(str).tolist()
        if m == "sex":
            order = ["female", "male"]
        elif m == "age_group":
            order = list(adult_ages)
        elif m == "residence_basis":
            order = reference.table("residence_bases")["residence_basis"].tolist()
        else:
            order = []
        cats = list(dict.fromkeys([*order, *listed]))
        if m == "citizenship" and OTHER not in cats:
            cats.append(OTHER)
        dims[m] = (*cats, MISSING)
    return Cube(respondents_cube_id(unit), dims)
