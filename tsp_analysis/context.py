"""Population context of a needs-analysis report (SPEC §2.1 item 2).

How many TŠP live in a municipality, what share of its residents they are, how that changed over
the years, their citizenships, residence bases, sex and age, compared with the other
municipalities and the whole country.

Inputs are the clean ``population`` table (``municipality`` slug or ``lithuania``, ``year``,
``citizenship`` ISO code, ``sex``, ``age_group``, ``residence_basis``, ``count``) and the clean
``residents`` table (``municipality``, ``year``, ``residents``). TŠP are the citizens of a third
country (``third_country`` in ``data/reference/countries.csv``: not EU/EEA/Swiss, stateless
included); rows of other citizenships, if a population table has them, are not TŠP and are left
out of every figure here.

Disclosure control: population statistics are published aggregates, but a cell of 1–4 people in
a small municipality can still point at a person. Every count below ``min_count`` (default 5)
and above zero is suppressed: ``count`` (or ``tsp``) becomes missing, its share NaN and
``suppressed`` True. Zeros are shown (an empty cell discloses nothing about a person). Shares are
always computed from the unsuppressed numbers. Secondary suppression (a suppressed cell that
could be recovered from a total) is not done here; a display that publishes a distribution with
its total should pass the counts through :func:`tsp_analysis.disclosure.secondary_suppress`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference
from .disclosure import suppress
from .errors import InputError, Problem, source_of
from .ids import COUNTRY, OTHER
from .margins import third_country
from .tables import require
from .thresholds import DEFAULT_MIN_COUNT

_POPULATION = [
    "municipality",
    "year",
    "citizenship",
    "sex",
    "age_group",
    "residence_basis",
    "count",
]
_RESIDENTS = ["municipality", "year", "residents"]


def _tsp(population: pd.DataFrame) -> pd.DataFrame:
    """Rows of third-country citizens (:func:`tsp_analysis.margins.third_country`, the filter
    the weighting uses too), with ``count`` as int64 and ``year`` as int."""
    require(population, _POPULATION, "population")
    out = third_country(population)
    out["count"] = out["count"].astype("int64")
    out["year"] = out["year"].astype("int64")
    return out


def _not_in_population(tsp: pd.DataFrame, column: str, value: object, known: list, what: str):
    """The error for a ``value`` of ``column`` the population table does not have."""
    return InputError(
        Problem(source_of(tsp, "population"), None, column, value, f"one of {known}"),
        message=f"{what}; it has {known}",
    )


def _check_unit(tsp: pd.DataFrame, municipality: str) -> None:
    known = sorted(set(tsp["municipality"].unique()))
    if municipality not in known:
        raise _not_in_population(
            tsp,
            "municipality",
            municipality,
            known,
            f"municipality {municipality!r} has no TŠP rows in the population table",
        )


def _year(tsp: pd.DataFrame, municipality: str, year: int | None) -> int:
    """The year asked for, or the latest year with data for ``municipality``."""
    years = tsp.loc[tsp["municipality"] == municipality, "year"]
    if year is None:
        return int(years.max())
    if int(year) not in set(years):
        raise _not_in_population(
            tsp,
            "year",
            year,
            sorted(set(years.tolist())),
            f"the population table has no year {year} for {municipality!r}",
        )
    return int(year)


def _suppress(frame: pd.DataFrame, column: str, shares: list[str], min_count: int) -> pd.DataFrame:
    """Flag 0 < count < min_count; blank the count and the figures derived from it."""
    return suppress(
        frame,
        "count",
        value=column,
        columns=[column, *shares],
        min_count=min_count,
        suppress_zeros=False,  # an empty cell discloses nothing about a person
    )


def _unit_order(units) -> list[str]:
    slugs = reference.municipality_slugs()
    units = list(dict.fromkeys(units))
    known = [s for s in slugs if s in units]
    rest = sorted(u for u in units if u not in slugs and u != COUNTRY)
    return known + rest + ([COUNTRY] if COUNTRY in units else [])


def tsp_totals(
    population: pd.DataFrame, residents: pd.DataFrame, min_count: int = DEFAULT_MIN_COUNT
) -> pd.DataFrame:
    """TŠP living in each municipality (and the country) per year, and their share of residents.

    Returns
    -------
    DataFrame
        ``municipality`` (reference order, ``lithuania`` last), ``year``, ``tsp`` (count),
        ``residents``, ``share_pct`` (TŠP per 100 residents; NaN without a residents figure) and
        ``suppressed``. The country row comes from the population table's own ``lithuania``
        rows, never from adding up the municipalities (they are not the whole country).

    Examples
    --------
    >>> pop = pd.DataFrame({"municipality": "jonava", "year": 2021, "citizenship": ["UA", "BY"],
    ...     "sex": "male", "age_group": "25_34", "residence_basis": "work", "count": [300, 100]})
    >>> res = pd.DataFrame({"municipality": ["jonava"], "year": [2021], "residents": [40000]})
    >>> tsp_totals(pop, res)[["municipality", "tsp", "share_pct"]]
      municipality  tsp  share_pct
    0       jonava  400        1.0
    """
    tsp = _tsp(population)
    require(residents, _RESIDENTS, "residents")
    totals = tsp.groupby(["municipality", "year"], as_index=False)["count"].sum()
    totals = totals.rename(columns={"count": "tsp"})
    res = residents[_RESIDENTS].copy()
    res["year"] = res["year"].astype("int64")
    dup = res.duplicated(["municipality", "year"], keep=False)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            Problem(
                "residents",
                i + 2,
                "municipality",
                res["municipality"].iloc[i],
                "one residents figure per municipality and year",
            )
        )
    out = totals.merge(res, on=["municipality", "year"], how="left")
    out["residents"] = out["residents"].astype("Int64")
    out["share_pct"] = (100 * out["tsp"] / out["residents"].astype(float)).astype(float)
    order = {u: i for i, u in enumerate(_unit_order(out["municipality"]))}
    out = out.sort_values(
        ["municipality", "year"],
        key=lambda s: s.map(order) if s.name == "municipality" else s,
        kind="stable",
    ).reset_index(drop=True)
    return _suppress(out, "tsp", ["share_pct"], min_count)


def _distribution(
    tsp: pd.DataFrame, municipality: str, year: int | None, by: list[str], min_count: int
) -> tuple[pd.DataFrame, int]:
    _check_unit(tsp, municipality)
    year = _year(tsp, municipality, year)
    mine = tsp[(tsp["municipality"] == municipality) & (tsp["year"] == year)]
    counts = mine.groupby(by, as_index=False)["count"].sum()
    counts.insert(0, "year", year)
    counts.insert(0, "municipality", municipality)
    total = int(mine["count"].sum())
    counts["share"] = counts["count"] / total if total else np.nan
    return counts, total


def _every_category(
    counts: pd.DataFrame, categories: pd.DataFrame, municipality: str, min_count: int
) -> pd.DataFrame:
    """``counts`` (of :func:`_distribution`) on every row of ``categories`` in that order, a
    category nobody is in counted 0 (not left out), then suppressed."""
    keys = list(categories.columns)
    out = categories.merge(counts, on=keys, how="left")
    out["municipality"] = municipality
    out["year"] = int(counts["year"].iloc[0])
    out["count"] = out["count"].fillna(0).astype("int64")
    out["share"] = out["share"].fillna(0.0)
    out = out[["municipality", "year", *keys, "count", "share"]]
    return _suppress(out, "count", ["share"], min_count)


def top_citizenships(
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    k: int = 10,
    min_count: int = DEFAULT_MIN_COUNT,
    lang: str | None = None,
) -> pd.DataFrame:
    """The ``k`` most common citizenships of TŠP in a municipality, and the rest as ``other``.

    Parameters
    ----------
    population : DataFrame
        Clean ``population`` table.
    municipality : str
        A slug, or ``lithuania``.
    year : int, optional
        Default: the latest year with data for the municipality.
    k : int
        How many citizenships to list; the remaining ones are summed into one ``other`` row
        (left out when there are none).
    min_count : int
        Counts above zero and below this are suppressed.
    lang : {"lt", "en"}, optional
        Adds a ``label`` column with the country name in that language.

    Returns
    -------
    DataFrame
        ``municipality``, ``year``, ``rank`` (1..k; NA for ``other``), ``citizenship`` (ISO code
        or ``other``), ``count``, ``share`` (of all TŠP in the municipality, 0–1),
        ``suppressed`` (and ``label``). Ties are broken by ISO code.
    """
    counts, _ = _distribution(_tsp(population), municipality, year, ["citizenship"], min_count)
    counts = counts.sort_values(["count", "citizenship"], ascending=[False, True], kind="stable")
    counts = counts.reset_index(drop=True)
    top = counts.head(k).copy()
    top.insert(2, "rank", pd.array(range(1, len(top) + 1), dtype="Int64"))
    rest = counts.iloc[k:]
    if not rest.empty:
        other = pd.DataFrame(
            {
                "municipality": [municipality],
                "year": [int(counts["year"].iloc[0])],
                "rank": pd.array([pd.NA], dtype="Int64"),
                "citizenship": [OTHER],
                "count": [int(rest["count"].sum())],
                "share": [float(rest["share"].sum())],
            }
        )
        top = pd.concat([top, other], ignore_index=True)
    top = _suppress(top, "count", ["share"], min_count)
    if lang is not None:
        names = reference.labels("countries", lang, column="name")
        other_label = {"lt": "Kitos", "en": "Other"}[lang]
        top["label"] = top["citizenship"].map(lambda c: other_label if c == OTHER else names[c])
    return top


def by_residence_basis(
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
) -> pd.DataFrame:
    """TŠP of a municipality by residence basis (work, family, study, protection, other).

    Returns
    -------
    DataFrame
        One row per residence basis in reference order (zeros included): ``municipality``,
        ``year``, ``residence_basis``, ``count``, ``share`` (0–1) and ``suppressed``.
    """
    counts, _ = _distribution(_tsp(population), municipality, year, ["residence_basis"], min_count)
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    extra = sorted(set(counts["residence_basis"]) - set(bases))  # shown, never dropped
    full = pd.DataFrame({"residence_basis": bases + extra})
    return _every_category(counts, full, municipality, min_count)


def by_sex_age(
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
) -> pd.DataFrame:
    """TŠP of a municipality by sex and age group (a population pyramid).

    Returns
    -------
    DataFrame
        One row per sex (female, male) × age group (reference order, zeros included):
        ``municipality``, ``year``, ``sex``, ``age_group``, ``count``, ``share`` (of all TŠP in
        the municipality, 0–1; the shares add up to 1) and ``suppressed``.
    """
    counts, _ = _distribution(_tsp(population), municipality, year, ["sex", "age_group"], min_count)
    sexes = ["female", "male"] + sorted(set(counts["sex"]) - {"female", "male"})
    ages = reference.table("age_groups")["age_group"].tolist()
    ages += sorted(set(counts["age_group"]) - set(ages))
    full = pd.MultiIndex.from_product([sexes, ages], names=["sex", "age_group"]).to_frame(
        index=False
    )
    return _every_category(counts, full, municipality, min_count)


def trend(
    population: pd.DataFrame,
    residents: pd.DataFrame,
    municipality: str,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
) -> pd.DataFrame:
    """TŠP in a municipality over the available years.

    Returns
    -------
    DataFrame
        One row per year: ``municipality``, ``year``, ``tsp``, ``residents``, ``share_pct``,
        ``change_pct`` (change of ``tsp`` from the previous available year, %), ``index``
        (``tsp`` as a percentage of the first year) and ``suppressed``.
    """
    tsp = _tsp(population)
    _check_unit(tsp, municipality)
    totals = tsp_totals(population, residents, min_count=0)
    out = totals[totals["municipality"] == municipality].drop(columns="suppressed")
    out = out.sort_values("year").reset_index(drop=True)
    counts = out["tsp"].astype(float)
    out["change_pct"] = 100 * counts.pct_change()
    out["index"] = 100 * counts / counts.iloc[0] if counts.iloc[0] > 0 else np.nan
    return _suppress(out, "tsp", ["share_pct", "change_pct", "index"], min_count)


def compare_municipalities(
    population: pd.DataFrame,
    residents: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
) -> pd.DataFrame:
    """The municipality against the other municipalities and the country in one year.

    Parameters
    ----------
    municipality : str
        The municipality of the report.
    year : int, optional
        Default: the latest year with data for ``municipality``. Units without data for that
        year are listed with missing figures.

    Returns
    -------
    DataFrame
        One row per unit: first ``municipality``, then the other municipalities (reference
        order), then ``lithuania`` when the table has it. Columns ``municipality``, ``role``
        (``selected``/``other``/``country``), ``year``, ``tsp``, ``residents``, ``share_pct``,
        ``share_female`` (0–1), ``share_<basis>`` for each residence basis (0–1),
        ``top_citizenship`` and ``top_citizenship_share`` (0–1), ``suppressed`` (the TŠP count is
        below ``min_count``: every figure of the row is blanked).
    """
    tsp = _tsp(population)
    _check_unit(tsp, municipality)
    year = _year(tsp, municipality, year)
    totals = tsp_totals(population, residents, min_count=0)
    totals = totals[totals["year"] == year].set_index("municipality")
    units = [municipality] + [
        u for u in _unit_order(tsp["municipality"]) if u not in (municipality, COUNTRY)
    ]
    if COUNTRY in set(tsp["municipality"]) and municipality != COUNTRY:
        units.append(COUNTRY)
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    this_year = tsp[tsp["year"] == year]
    rows = []
    for unit in units:
        mine = this_year[this_year["municipality"] == unit]
        total = int(mine["count"].sum())
        role = "selected" if unit == municipality else "country" if unit == COUNTRY else "other"
        row = {"municipality": unit, "role": role, "year": year}
        row["tsp"] = total if unit in totals.index else pd.NA
        row["residents"] = totals["residents"].get(unit, pd.NA)
        row["share_pct"] = totals["share_pct"].get(unit, np.nan)
        row["share_female"] = (
            mine.loc[mine["sex"] == "female", "count"].sum() / total if total else np.nan
        )
        for basis in bases:
            n = mine.loc[mine["residence_basis"] == basis, "count"].sum()
            row[f"share_{basis}"] = n / total if total else np.nan
        if total:
            by_cit = mine.groupby("citizenship")["count"].sum()
            by_cit = by_cit.sort_index().sort_values(ascending=False, kind="stable")
            row["top_citizenship"] = by_cit.index[0]
            row["top_citizenship_share"] = by_cit.iloc[0] / total
        else:
            row["top_citizenship"] = pd.NA
            row["top_citizenship_share"] = np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    out["tsp"] = out["tsp"].astype("Int64")
    out["residents"] = out["residents"].astype("Int64")
    out["top_citizenship"] = out["top_citizenship"].astype("str")
    shares = ["share_pct", "share_female", *(f"share_{b}" for b in bases)]
    shares += ["top_citizenship", "top_citizenship_share"]
    return _suppress(out, "tsp", shares, min_count)
