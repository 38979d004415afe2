"""Synthetic population statistics: ``population.csv`` and ``residents.csv``.

TŠP per municipality × year × citizenship × sex × age group × residence basis are drawn so that
every total equals its calibration figure in ``data/calibration_totals.csv`` exactly (the
country's 79,145 TŠP on 1 January 2021 is the published anchor). The country is the sum of the
six municipalities and an unpublished "rest of the country", cell by cell, so ``lithuania`` is
never smaller than the sum of the six in any cell or total.

Within a region and year the cell counts are one multinomial draw over the cell probabilities

    P(citizenship) · P(basis | citizenship, region) · P(sex | basis) · P(age group | basis)

where the citizenship mix moves linearly from its 2017 to its 2021 shares and is tilted per
region (``citizenship_tilts.csv``), and the basis mix is tilted per municipality (more
international protection in Jonava, home of the Rukla refugee reception centre; more students in
Kaunas and Vilnius).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ReferenceDataError
from ..ids import COUNTRY
from .params import Params, load
from .streams import stream

#: The unpublished remainder of the country; never written, only summed into ``lithuania``.
REST = "rest"
SEXES = ("female", "male")


def regions(params: Params | None = None) -> list[str]:
    """The municipalities with a population model, in profile order."""
    params = params or load()
    return params.municipalities.index.tolist()


def years(params: Params | None = None) -> list[int]:
    """Years covered by the country's calibration totals, ascending."""
    params = params or load()
    t = params.totals
    return sorted(t.loc[t["municipality"] == COUNTRY, "year"].tolist())


def region_totals(params: Params | None = None) -> pd.DataFrame:
    """TŠP total per region (the municipalities and ``rest``) and year.

    ``rest`` = country − sum of the municipalities; an error if that is negative or a figure is
    missing, since the population table could not then be consistent.
    """
    params = params or load()
    t = params.totals.set_index(["municipality", "year"])["tsp"]
    rows = []
    for year in years(params):
        country = int(t.loc[(COUNTRY, year)])
        total = 0
        for slug in regions(params):
            if (slug, year) not in t.index:
                raise ReferenceDataError(
                    f"synth/data/calibration_totals.csv has no TŠP total for {slug} {year}"
                )
            n = int(t.loc[(slug, year)])
            rows.append((slug, year, n))
            total += n
        if total > country:
            raise ReferenceDataError(
                f"synth/data/calibration_totals.csv: the municipalities sum to {total} TŠP in "
                f"{year}, more than the country's {country}"
            )
        rows.append((REST, year, country - total))
    return pd.DataFrame(rows, columns=["region", "year", "tsp"])


def cell_probabilities(region: str, year: int, params: Params | None = None) -> np.ndarray:
    """Cell probabilities with axes (citizenship, sex, age group, residence basis).

    The axes follow ``params.citizenships``, :data:`SEXES`, ``params.age_ids`` and
    ``params.basis_ids``; the array sums to 1.
    """
    params = params or load()
    cits = params.citizenships
    first, last = years(params)[0], years(params)[-1]
    # the mix moves linearly from its 2017 to its 2021 shares (clipped outside that span)
    frac = min(max((year - first) / max(last - first, 1), 0.0), 1.0)
    share = cits["share_2017"].to_numpy() * (1 - frac) + cits["share_2021"].to_numpy() * frac
    tilt = params.tilts[params.tilts["region"] == region].set_index("citizenship")["factor"]
    share = share * tilt.reindex(cits.index, fill_value=1.0).to_numpy()
    share /= share.sum()

    basis = cits[[f"basis_{b}" for b in params.basis_ids]].to_numpy(copy=True)
    if region in params.municipalities.index:
        prof = params.municipalities.loc[region]
        basis_tilt = np.ones(len(params.basis_ids))
        basis_tilt[params.basis_ids.index("protection")] = prof["protection_tilt"]
        basis_tilt[params.basis_ids.index("study")] = prof["study_tilt"]
        basis = basis * basis_tilt
    basis /= basis.sum(axis=1, keepdims=True)  # P(basis | citizenship)

    female = params.bases["female_share"].to_numpy()
    sex = np.stack([female, 1 - female])  # (sex, basis)
    age = params.ages[params.basis_ids].to_numpy()
    age = age / age.sum(axis=0, keepdims=True)  # (age, basis): P(age | basis)

    p = share[:, None, None, None] * basis[:, None, None, :] * sex[None, :, None, :]
    p = p * age[None, None, :, :]
    return p / p.sum()


def population_frame(seed: int) -> pd.DataFrame:
    """TŠP population counts per municipality × year × citizenship × sex × age group × basis.

    Parameters
    ----------
    seed : int
        Seed of the draw; the same seed gives the same table.

    Returns
    -------
    DataFrame
        Columns of the codebook's ``population`` dataset: ``municipality`` (the municipalities,
        then ``lithuania``), ``year``, ``citizenship`` (ISO code), ``sex``, ``age_group``,
        ``residence_basis``, ``count`` (int, cells with 0 left out), ``data_origin``
        (``synthetic``). Counts are residents with a valid residence permit on 1 January.

    Examples
    --------
    >>> pop = population_frame(1)
    >>> int(pop.loc[(pop.municipality == "lithuania") & (pop.year == 2021), "count"].sum())
    79145
    """
    params = load()
    cits = params.citizenships.index.to_numpy()
    ages = np.array(params.age_ids)
    bases = np.array(params.basis_ids)
    shape = (len(cits), len(SEXES), len(ages), len(bases))
    grid = np.indices(shape).reshape(len(shape), -1)
    totals = region_totals(params)

    counts: dict[tuple[str, int], np.ndarray] = {}
    for rec in totals.itertuples(index=False):
        p = cell_probabilities(rec.region, rec.year, params).ravel()
        rng = stream(seed, "population", rec.region, str(rec.year))
        counts[(rec.region, rec.year)] = rng.multinomial(rec.tsp, p)

    frames = []
    yrs = years(params)
    for slug in [*regions(params), COUNTRY]:
        for year in yrs:
            if slug == COUNTRY:
                n = sum(counts[(r, year)] for r in [*regions(params), REST])
            else:
                n = counts[(slug, year)]
            keep = n > 0
            frames.append(
                pd.DataFrame(
                    {
                        "municipality": slug,
                        "year": year,
                        "citizenship": cits[grid[0][keep]],
                        "sex": np.array(SEXES)[grid[1][keep]],
                        "age_group": ages[grid[2][keep]],
                        "residence_basis": bases[grid[3][keep]],
                        "count": n[keep].astype(np.int64),
                        "data_origin": "synthetic",
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def residents_frame() -> pd.DataFrame:
    """All residents per municipality (and ``lithuania``) and year, from the calibration table.

    No randomness: these are published figures (Lithuania 2021), rounded published orders of
    magnitude (municipalities 2021) and approximations (earlier years); ``data/README.md``
    says which is which.
    """
    params = load()
    t = params.totals
    order = {slug: i for i, slug in enumerate([*regions(params), COUNTRY])}
    t = t[t["municipality"].isin(order)].copy()
    t["_order"] = t["municipality"].map(order)
    t = t.sort_values(["_order", "year"])
    return pd.DataFrame(
        {
            "municipality": t["municipality"].to_numpy(),
            "year": t["year"].to_numpy(dtype=np.int64),
            "residents": t["residents"].to_numpy(dtype=np.int64),
            "data_origin": "synthetic",
        }
    )
