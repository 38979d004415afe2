"""Population margins: who the survey's population is, and how the sample is compared with it.

One module for the rules that weighting (:mod:`tsp_analysis.weights`), the population context
(:mod:`tsp_analysis.context`) and the data review (:mod:`tsp_analysis.datareview`) all need, so
that they cannot drift apart (an EU citizen in the population table once doubled the weights
while the context section left it out):

* **Third-country nationals.** TŠP are the citizens of a country whose ``third_country`` is true
  in ``data/reference/countries.csv`` (not EU/EEA/Swiss; stateless included). A population
  table may hold other citizenships (a municipality's export of every foreigner); those rows
  are not TŠP and are left out of every figure. :func:`third_country` returns the rows kept and
  an account of the rows left out; :func:`excluded_rows` is that account for a whole table.
* **Adults.** The survey asks adults, so the weighting population is the adult age groups
  (``adult`` in ``age_groups.csv``).
* **Citizenship groups.** :func:`citizenship_groups`: the citizenships with at least
  ``min_group_n`` respondents (default 5% of the municipality's respondents, at least 10),
  present in the population, largest population first, at most ``max_groups`` (default 8);
  every other citizenship is ``other``. The weighting rakes to these groups and the tables
  that compare the sample with the population show the same groups.
* **Consistent margins.** The margins of one municipality describe one population, so their
  totals should agree. :func:`inconsistent_totals` says when they do not (female 400 + male 600
  against age groups totalling 1,200): raking then rescales every margin to the first one's
  total, and the weighting summary says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference
from .codebook import load_codebook
from .errors import InputError, Problem, source_of
from .ids import OTHER

#: Margins the survey is compared with and weighted to, in raking order.
MARGINS = ("sex", "age_group", "citizenship", "residence_basis")
#: Default most citizenships kept as their own group.
MAX_CITIZENSHIPS = 8
#: Relative difference between two margins' totals above which they are called inconsistent.
TOTAL_TOLERANCE = 0.005

_POPULATION = ("municipality", "year", "citizenship", "age_group", "count")


def adult_age_groups() -> list[str]:
    """Age groups of adults (the survey's population), in order."""
    ag = reference.table("age_groups")
    return ag.loc[ag["adult"], "age_group"].tolist()


def _third_country_flags(population: pd.DataFrame, source: str) -> np.ndarray:
    """True for rows whose citizenship is a third country; InputError for an unknown code."""
    countries = reference.countries()
    third = dict(zip(countries["iso2"], countries["third_country"], strict=True))
    flag = population["citizenship"].astype("str").map(third)
    unknown = flag.isna().to_numpy(dtype=bool)
    if unknown.any():
        problems = []
        for i in np.flatnonzero(unknown)[:50]:
            rec = population.iloc[int(i)]
            problems.append(
                Problem(
                    str(rec.get("source_file", source)),
                    int(rec["source_row"]) if "source_row" in population else int(i) + 2,
                    "citizenship",
                    rec["citizenship"],
                    "an ISO 3166-1 alpha-2 code of data/reference/countries.csv",
                )
            )
        raise InputError(problems, f"{source}: unknown citizenship codes")
    return flag.astype(bool).to_numpy()


def third_country(population: pd.DataFrame, source: str = "population") -> pd.DataFrame:
    """The rows of third-country citizens (a new frame; the others are not TŠP).

    >>> pop = pd.DataFrame({"citizenship": ["UA", "PL", "BY"], "count": [10, 99, 5]})
    >>> third_country(pop)["citizenship"].tolist()
    ['UA', 'BY']
    """
    for col in ("citizenship", "count"):
        if col not in population:
            raise InputError(
                Problem(source, None, col, None, "the population table's columns"),
                message=f"population table has no column {col!r}",
            )
    return population.loc[_third_country_flags(population, source)].copy()


def excluded_rows(population: pd.DataFrame, source: str = "population") -> pd.DataFrame:
    """Population rows that no figure about TŠP adults uses, and why.

    Columns ``reason`` (``not_third_country``: an EU/EEA/Swiss citizenship;
    ``not_adult``: an age group the survey does not ask), ``rows``, ``people`` (sum of
    ``count``), ``citizenships`` (the codes, ``;``-joined) and ``explanation``. Every reason is
    listed, zeros included. A row counts under the first reason only.
    """
    third = _third_country_flags(population, source)
    adult = population["age_group"].astype("str").isin(adult_age_groups()).to_numpy(dtype=bool)
    counts = pd.to_numeric(population["count"]).fillna(0).to_numpy(dtype=float)
    cit = population["citizenship"].astype("str").to_numpy(dtype=object)
    rows = []
    for reason, mask, why in (
        (
            "not_third_country",
            ~third,
            "citizens of EU/EEA countries or Switzerland are not third-country nationals",
        ),
        ("not_adult", third & ~adult, "the survey asks adults (18 and over) only"),
    ):
        rows.append(
            {
                "reason": reason,
                "rows": int(mask.sum()),
                "people": int(counts[mask].sum()),
                # the EU citizenships say what was in the file; minors' would say nothing
                "citizenships": ";".join(sorted(set(cit[mask])))
                if reason == "not_third_country"
                else "",
                "explanation": why,
            }
        )
    return pd.DataFrame(rows)


def population_slice(
    population: pd.DataFrame, municipality: str, year: int | None = None
) -> tuple[pd.DataFrame, int]:
    """The adult TŠP rows of one municipality in one year (default: its latest year).

    Returns ``(rows, year)``. Raises :class:`InputError` when a column is missing, the
    municipality has no rows, or the year is not in the table.
    """
    file = source_of(population, "population")
    for col in _POPULATION:
        if col not in population:
            raise InputError(
                Problem(file, None, col, None, "the population table's columns"),
                message=f"population table has no column {col!r}",
            )
    pop = population[(population["municipality"] == municipality).to_numpy(dtype=bool)]
    if pop.empty:
        raise InputError(
            Problem(file, None, "municipality", municipality, "rows for this municipality"),
            message=f"the population table has no rows for {municipality!r}",
        )
    pop = third_country(pop)
    years = sorted(pd.to_numeric(pop["year"]).dropna().astype(int).unique())
    if not years:
        raise InputError(
            Problem(file, None, "citizenship", municipality, "third-country citizens"),
            message=f"the population table has no third-country citizens in {municipality!r}",
        )
    if year is None:
        year = years[-1]
    elif year not in years:
        raise InputError(
            Problem(file, None, "year", year, f"one of {years}"),
            message=f"the population table has no year {year} for {municipality!r}",
        )
    keep = (pd.to_numeric(pop["year"]) == year) & pop["age_group"].isin(adult_age_groups())
    return pop[keep.to_numpy(dtype=bool)], int(year)


def survey_values(tsp: pd.DataFrame, column: str) -> pd.Series:
    """Survey answers with the codebook's "refused"/"don't know" codes set to missing."""
    col = tsp[column]
    if not pd.api.types.is_string_dtype(col):
        col = col.astype("str")
    cb = load_codebook()
    try:
        q = cb.question("tsp_survey", column)
    except KeyError:
        return col
    miss = cb.missing_codes(q.value_set) if q.value_set else []
    if miss:
        col = col.mask(col.isin(miss))
    return col


def default_min_group_n(n_respondents: int) -> int:
    """Respondents a citizenship needs to be its own group: 5% of the sample, at least 10."""
    return max(10, n_respondents // 20)


def citizenship_groups(
    sample: pd.Series,
    population: pd.DataFrame,
    *,
    min_group_n: int | None = None,
    max_groups: int = MAX_CITIZENSHIPS,
) -> list[str]:
    """Citizenships kept as their own category: at least ``min_group_n`` respondents (default
    :func:`default_min_group_n`), present in the population, largest population first, at
    most ``max_groups``. Every other citizenship is :data:`OTHER`.

    >>> pop = pd.DataFrame({"citizenship": ["UA", "BY", "IN"], "count": [500, 300, 200]})
    >>> citizenship_groups(pd.Series(["UA"] * 12 + ["BY"] * 3 + ["IN"] * 10), pop)
    ['UA', 'IN']
    """
    if min_group_n is None:
        min_group_n = default_min_group_n(int(sample.notna().sum()))
    pop = population.groupby("citizenship")["count"].sum()
    pop = pop[pop > 0].sort_values(ascending=False, kind="stable")
    counts = sample.value_counts()
    keep = [c for c in pop.index if counts.get(c, 0) >= min_group_n and c != OTHER]
    return keep[:max_groups]


def group_citizenship(values: pd.Series, keep: list[str]) -> pd.Series:
    """Citizenship codes with every code not in ``keep`` replaced by :data:`OTHER` (missing
    stays missing)."""
    return values.where(values.isna() | values.isin(keep), OTHER)


def category_order(margin: str, categories) -> list[str]:
    """The display order of a margin's categories: age groups and residence bases in their
    reference order, citizenship groups as given with ``other`` last, else sorted."""
    cats = list(dict.fromkeys(c for c in categories if pd.notna(c)))
    if margin == "age_group":
        ref = adult_age_groups()
    elif margin == "residence_basis":
        ref = reference.table("residence_bases")["residence_basis"].tolist()
    elif margin == "citizenship":
        return [c for c in cats if c != OTHER] + ([OTHER] if OTHER in cats else [])
    else:
        return sorted(cats)
    return [c for c in ref if c in cats] + sorted(c for c in cats if c not in ref)


def inconsistent_totals(targets: dict[str, pd.Series], tol: float = TOTAL_TOLERANCE) -> str | None:
    """A sentence naming the margins whose totals disagree, or ``None`` when they agree within
    ``tol`` (relative to the first margin's total).

    >>> inconsistent_totals({"sex": pd.Series({"female": 400, "male": 600}),
    ...                      "age_group": pd.Series({"18_24": 700, "25_34": 500})})[:69]
    'the population margins disagree: sex totals 1,000 but age_group 1,200'
    """
    if not targets:
        return None
    totals = {m: float(pd.Series(t, dtype=float).sum()) for m, t in targets.items()}
    first, base = next(iter(totals.items()))
    off = {m: v for m, v in totals.items() if base and abs(v - base) > tol * base}
    if not off:
        return None
    others = ", ".join(f"{m} {v:,.0f}" for m, v in off.items())
    return (
        f"the population margins disagree: {first} totals {base:,.0f} but {others}; every "
        f"margin was rescaled to {base:,.0f} (the first), so its shares are kept but not its "
        f"counts"
    )
