"""Raw tables of the needs report (see docs/architecture.md, "Results layer").

:func:`compute` calls the statistics modules as the needs-analysis notebook used to, and
reshapes their output into tidy :class:`~.table.ResultTable` s: codes, never labels; one figure
per row (a table mixing counts and shares carries a per-row ``kind``); every count of people a
cell of a cube. Nothing here formats, translates or suppresses: the disclosure policy
(:mod:`.policy`) decides what is shown, the renderers (:mod:`tsp_analysis.report.needs`) how.

Tables, in report order (ids are stable: they name the CSV files and workbook sheets):

``context_compare``      TŠP, residents, TŠP per 100 residents, share of women and most common
                         citizenship per municipality and the country (population)
``context_trend``        TŠP per 100 residents by year, every municipality and the country
``context_trend_unit``   the municipality's TŠP count, per 100 residents and yearly change
``context_residence``    residence bases of TŠP per municipality and the country (shares)
``context_citizenship``  the most common citizenships of TŠP in the municipality
``context_sex_age``      TŠP by sex and age group (counts, shares, the total)
``sample_weighting``     the weighting in figures (respondents, design effect ...)
``sample_profile``       the sample against the adult population per weighting variable
``need_unmet``           need and unmet need per area; the other municipalities; the difference
``criterion_scores``     area × criterion scores; the other municipalities; the difference
``provider_scores``      providers' competence, resources, capacity per area
``need_capacity``        need against provider capacity per area (the gap chart)
``drivers``              odds ratios of the satisfaction model
``drivers_sample``       respondents in the model and left out
``information``          information channels and preferred languages
``priorities``           priority components, score and rank per area
``priority_stability``   rank range of each area over the sensitivity scenarios
``service_index``        overall service index, rank and rank range per municipality
``recommendations``      rules fired (text rows; their evidence is rendered from the tables)
``recommendation_count`` how many rules fired and how many are listed
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import reference
from ..report.i18n import t
from . import cubes
from .cubes import (
    NO_LIBRARY_SUPPRESSION,
    OTHER,
    PopulationCells,
    all_coord,
    all_cube,
    population_cells,
    population_cube_id,
    respondents_cube,
    respondents_cube_id,
)
from .table import Cube, Results, ResultTable, coord

MISSING = cubes.MISSING
ADULTS = cubes.adults()
#: Recommendations are listed for this many top priority areas (and the municipality).
TOP_AREAS = 3
#: At most this many recommendations per area (the most urgent rules first).
MAX_PER_AREA = 2


def _caption(key: str, **values: object) -> dict[str, str]:
    return {lang: t(key, lang, **values) for lang in ("lt", "en")}


# -- shared work -------------------------------------------------------------------------------
def _shared_params(params: dict, *keys: str) -> dict:
    """The parameters a shared computation depends on: never the municipality (the cache key
    of :func:`~tsp_analysis.results.shared` holds every parameter it is given)."""
    return {"inputs": params.get("inputs", {}), **{k: params[k] for k in keys}}


def weighted_survey(inputs, params: dict):
    """The survey with weights for every municipality, and each municipality's raking result;
    computed once per inputs and parameters (every needs analysis needs all of them: the
    comparisons pool the other municipalities)."""
    from ..weights import add_weights
    from . import shared

    return shared(
        "weights",
        _shared_params(params),
        inputs,
        lambda: add_weights(inputs.tsp_survey.data, inputs.population.data),
    )


def comparisons(inputs, params: dict) -> pd.DataFrame:
    """:func:`~tsp_analysis.compare.compare_to_rest` for every municipality, once."""
    from ..compare import compare_to_rest
    from . import shared

    def run() -> pd.DataFrame:
        survey, _ = weighted_survey(inputs, params)
        units = [m for m in reference.municipality_slugs() if (survey["municipality"] == m).any()]
        return pd.concat(
            [compare_to_rest(survey, m, min_base=params["min_base"]) for m in units],
            ignore_index=True,
        )

    return shared("comparisons", _shared_params(params, "min_base"), inputs, run)


def service_index(inputs, params: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Area scores of every municipality, the composite index and its sensitivity, once."""
    from .. import composite, scores
    from . import shared

    def run():
        survey, _ = weighted_survey(inputs, params)
        area_all = scores.area_scores(survey, by="municipality", min_base=params["min_base"])
        index = composite.composite_index(area_all)
        stability = composite.sensitivity(area_all, seed=params["seed"])
        return area_all, index, stability

    return shared("service_index", _shared_params(params, "min_base", "seed"), inputs, run)


# -- the report ----------------------------------------------------------------------------------
def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the report for ``unit``, in report order."""
    from .. import context, models, recommend, scores
    from ..errors import EstimationSkipped

    res = Results("needs_analysis", unit)
    survey, rakes = weighted_survey(inputs, params)
    mine = survey[survey["municipality"] == unit]
    prov = inputs.provider_survey.data
    providers = prov[prov["municipality"] == unit]
    min_base = params["min_base"]
    population, residents = inputs.population.data, inputs.residents.data
    comparison = comparisons(inputs, params)
    comparison = comparison[comparison["municipality"] == unit].reset_index(drop=True)

    # -- context (population statistics) ---------------------------------------------------------
    units = context.compare_municipalities(
        population, residents, unit, min_count=NO_LIBRARY_SUPPRESSION
    )
    year = int(units["year"].iloc[0])
    totals = context.tsp_totals(population, residents, min_count=NO_LIBRARY_SUPPRESSION)
    trend = context.trend(population, residents, unit, min_count=NO_LIBRARY_SUPPRESSION)
    cells = population_cells(population, list(units["municipality"]), year)
    for cube in cells.values():
        res.add_cube(cube.cube)
    years = sorted(int(y) for y in totals["year"].unique())
    for y in years:
        res.add_cube(all_cube(y))
    res.add(_context_compare(units, cells, unit, year))
    res.add(_context_trend(totals))
    res.add(_context_trend_unit(trend, unit))
    res.add(_context_residence(units, cells, year))
    res.add(_context_citizenship(cells[unit], unit, year))
    res.add(_context_sex_age(cells[unit], year))

    # -- the sample ------------------------------------------------------------------------------
    from ..weights import sample_vs_population

    rake = rakes[unit]
    profile = sample_vs_population(survey, population, unit, weight="weight", suppress=False)
    resp_cube = respondents_cube("tsp_survey", unit, inputs.tsp_survey.data)
    res.add_cube(resp_cube)
    res.add(_sample_weighting(rake, unit))
    res.add(_sample_profile(profile, mine, unit, cells[unit], resp_cube, rake.groups))
    res.info["weighting"] = _weighting_info(rake)

    # -- needs, scores, providers ----------------------------------------------------------------
    res.add(_need_unmet(comparison))
    res.add(_criterion_scores(comparison))
    need_m = scores.need_unmet(mine, min_base=min_base)
    area_m = scores.area_scores(mine, min_base=min_base)
    provider_m = scores.provider_scores(providers, min_base=min_base)
    priorities = scores.priority(need_m, area_m, provider_m)
    res.add(_provider_scores(provider_m))
    res.add(_need_capacity(scores.need_capacity_gap(need_m, provider_m)))

    # -- drivers of satisfaction -----------------------------------------------------------------
    model = models.satisfaction_model(mine)
    if isinstance(model, EstimationSkipped):
        details = model.details or {}
        res.info["model"] = {"skipped": _skip_code(details.get("n"))}
        res.add(_drivers(None))
        sample, cube = _drivers_sample(details.get("n"), details.get("n_dropped"), unit)
        res.add_cube(cube)
        res.add(sample)
    else:
        res.info["model"] = {"skipped": ""}
        res.add(_drivers(model))
        sample, cube = _drivers_sample(model.n, model.n_dropped, unit)
        res.add_cube(cube)
        res.add(sample)

    # -- information -----------------------------------------------------------------------------
    information = scores.information_channels(mine, min_base=min_base)
    res.add(_information(information))

    # -- priorities, index, recommendations ------------------------------------------------------
    from .. import composite

    stability = composite.sensitivity(
        priorities, unit="area", indicator=None, components=scores.COMPONENTS, seed=params["seed"]
    )
    prio_table = res.add(_priorities(priorities))
    res.add(_priority_stability(priorities, stability))
    res.info["scenarios"] = int(stability["n_scenarios"].iloc[0])
    area_all, index, index_stability = service_index(inputs, params)
    res.add(_service_index(area_all, index, index_stability))
    criteria_m = scores.criterion_scores(mine, min_base=min_base)
    advice = recommend.recommend(
        priorities, "en", criterion_scores=criteria_m, information=information
    )
    rules = recommend.load_rules()
    recs, fired = _recommendations(advice, _published_priorities(prio_table, params), rules)
    res.add(recs)
    res.add(_recommendation_count(fired, len(recs.data)))

    res.info.update(
        synthetic=bool(inputs.synthetic),
        hashes={str(k): str(v) for k, v in inputs.hashes.items()},
        params={k: v for k, v in params.items() if k != "lang"},
        year=year,
        top_areas=TOP_AREAS,
    )
    return res


# -- context ---------------------------------------------------------------------------------------
def _context_compare(
    units: pd.DataFrame, cells: Mapping[str, PopulationCells], unit: str, year: int
) -> ResultTable:
    all_cube = population_cube_id("all", year)
    rows = []
    for rec in units.to_dict("records"):
        m = rec["municipality"]
        c = cells[m]
        tsp = int(rec["tsp"])
        base = {"municipality": m, "role": rec["role"], "citizenship": ""}
        rows.append(
            {
                **base,
                "measure": "tsp",
                "kind": "count",
                "estimate": tsp,
                "cube": all_cube,
                "coord": all_coord(m),
            }
        )
        rows.append(
            {**base, "measure": "residents", "kind": "count", "estimate": int(rec["residents"])}
        )
        # per 100 residents rests on the TŠP count: published with it, it also publishes the
        # total of the unit's own cube to the audit
        rows.append(
            {
                **base,
                "measure": "per_100",
                "kind": "number",
                "estimate": rec["share_pct"],
                "n": tsp,
                "of_cube": c.cube.id,
                "of_coord": coord(),
                "of_value": tsp,
            }
        )
        female = c.count(sex="female")
        rows.append(
            {
                **base,
                "measure": "female",
                "kind": "share",
                "estimate": female / tsp if tsp else np.nan,
                "n": tsp,
                "of_cube": c.cube.id,
                "of_coord": coord(sex="female"),
                "of_value": female,
            }
        )
        top = rec.get("top_citizenship")
        if isinstance(top, str) and top and top != "<NA>":
            code = top if top in c.citizenships else OTHER
            count = c.count(citizenship=code)
            rows.append(
                {
                    **base,
                    "measure": "top_citizenship",
                    "citizenship": code,
                    "kind": "share",
                    "estimate": count / tsp if tsp else np.nan,
                    "n": tsp,
                    "of_cube": c.cube.id,
                    "of_coord": c.cell(citizenship=code),
                    "of_value": count,
                }
            )
    return ResultTable.make(
        "context_compare",
        pd.DataFrame(rows),
        caption=_caption("needs.context.compare_caption", year=year),
        kind="count",
        dims=("municipality", "measure", "citizenship"),
        values=(),
        subject="population",
        labels={
            "municipality": "municipalities",
            "citizenship": "countries",
            "measure": "text:needs.context.measure",
        },
    )


def _context_trend(totals: pd.DataFrame) -> ResultTable:
    rows = []
    for rec in totals.to_dict("records"):
        m, y, tsp = rec["municipality"], int(rec["year"]), rec["tsp"]
        rows.append(
            {
                "municipality": m,
                "year": str(y),
                "estimate": rec["share_pct"],
                "n": tsp,
                "of_cube": population_cube_id("all", y),
                "of_coord": all_coord(m),
                "of_value": tsp,
            }
        )
    return ResultTable.make(
        "context_trend",
        pd.DataFrame(rows),
        caption=_caption("needs.context.trend_title"),
        kind="number",
        dims=("municipality", "year"),
        subject="population",
        labels={"municipality": "municipalities"},
    )


def _context_trend_unit(trend: pd.DataFrame, unit: str) -> ResultTable:
    rows = []
    for rec in trend.to_dict("records"):
        y, tsp = int(rec["year"]), int(rec["tsp"])
        cube, cell = population_cube_id("all", y), all_coord(unit)
        rows.append(
            {
                "year": str(y),
                "measure": "tsp",
                "kind": "count",
                "estimate": tsp,
                "cube": cube,
                "coord": cell,
            }
        )
        for measure, col in (("per_100", "share_pct"), ("change", "change_pct")):
            rows.append(
                {
                    "year": str(y),
                    "measure": measure,
                    "kind": "number",
                    "estimate": rec[col],
                    "n": tsp,
                    "of_cube": cube,
                    "of_coord": cell,
                    "of_value": tsp,
                }
            )
    return ResultTable.make(
        "context_trend_unit",
        pd.DataFrame(rows),
        caption=_caption("needs.context.trend_caption"),
        kind="number",
        dims=("year", "measure"),
        subject="population",
        labels={"measure": "text:needs.context.measure"},
    )


def _context_residence(units: pd.DataFrame, cells: Mapping[str, PopulationCells], year: int):
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    rows = []
    for m in units["municipality"]:
        c = cells[m]
        for b in bases:
            count = c.count(residence_basis=b)
            rows.append(
                {
                    "municipality": m,
                    "residence_basis": b,
                    "estimate": count / c.total if c.total else np.nan,
                    "n": c.total,
                    "of_cube": c.cube.id,
                    "of_coord": coord(residence_basis=b),
                    "of_value": count,
                }
            )
    return ResultTable.make(
        "context_residence",
        pd.DataFrame(rows),
        caption=_caption("needs.context.residence_title", year=year),
        kind="share",
        dims=("municipality", "residence_basis"),
        subject="population",
        labels={"municipality": "municipalities", "residence_basis": "residence_bases"},
    )


def _context_citizenship(c: PopulationCells, unit: str, year: int) -> ResultTable:
    rows = []
    for code in c.citizenships:
        count = c.count(citizenship=code)
        if code == OTHER and count == 0:
            continue
        cell = c.cell(citizenship=code)
        rows.append(
            {
                "citizenship": code,
                "measure": "count",
                "kind": "count",
                "estimate": count,
                "cube": c.cube.id,
                "coord": cell,
            }
        )
        rows.append(
            {
                "citizenship": code,
                "measure": "share",
                "kind": "share",
                "estimate": count / c.total if c.total else np.nan,
                "n": c.total,
                "of_cube": c.cube.id,
                "of_coord": cell,
                "of_value": count,
            }
        )
    return ResultTable.make(
        "context_citizenship",
        pd.DataFrame(rows),
        caption=_caption("needs.context.citizenship_caption", year=year),
        kind="count",
        dims=("citizenship", "measure"),
        subject="population",
        labels={"citizenship": "countries", "measure": "text:needs.context.measure"},
    )


def _context_sex_age(c: PopulationCells, year: int) -> ResultTable:
    rows = []
    for sex in c.cube.dims["sex"]:
        for age in c.cube.dims["age_group"]:
            count = c.count(sex=sex, age_group=age)
            cell = coord(sex=sex, age_group=age)
            rows.append(
                {
                    "sex": sex,
                    "age_group": age,
                    "measure": "count",
                    "kind": "count",
                    "estimate": count,
                    "cube": c.cube.id,
                    "coord": cell,
                }
            )
            rows.append(
                {
                    "sex": sex,
                    "age_group": age,
                    "measure": "share",
                    "kind": "share",
                    "estimate": count / c.total if c.total else np.nan,
                    "n": c.total,
                    "of_cube": c.cube.id,
                    "of_coord": cell,
                    "of_value": count,
                }
            )
    # The total, published in the comparison table too, ties the cube to what readers know.
    rows.append(
        {
            "sex": "total",
            "age_group": "total",
            "measure": "count",
            "kind": "count",
            "estimate": c.total,
            "cube": c.cube.id,
            "coord": coord(),
        }
    )
    return ResultTable.make(
        "context_sex_age",
        pd.DataFrame(rows),
        caption=_caption("needs.context.sex_age_caption", year=year),
        kind="count",
        dims=("sex", "age_group", "measure"),
        subject="population",
        labels={
            "sex": "value_set:sex",
            "age_group": "age_groups",
            "measure": "text:needs.context.measure",
        },
    )


# -- the sample ------------------------------------------------------------------------------------
def _sample_weighting(rake, unit: str) -> ResultTable:
    s = rake.summary()
    n = int(s["n"])
    mean_w = s["population"] / n if n else np.nan
    rows = [
        {
            "figure": "respondents",
            "kind": "count",
            "estimate": n,
            "cube": respondents_cube_id(unit),
            "coord": coord(),
        },
        # the adult TŠP population the weights add up to (official statistics)
        {"figure": "population", "kind": "number", "estimate": round(s["population"]), "n": n},
        {
            "figure": "converged",
            "kind": "number",
            "estimate": 1.0 if s["converged"] else 0.0,
            "n": n,
        },
        {"figure": "iterations", "kind": "number", "estimate": s["iterations"], "n": n},
        {"figure": "max_error", "kind": "number", "estimate": 100 * s["max_error"], "n": n},
        {"figure": "weight_min", "kind": "number", "estimate": s["weight_min"] / mean_w, "n": n},
        {"figure": "weight_max", "kind": "number", "estimate": s["weight_max"] / mean_w, "n": n},
        {"figure": "trimmed", "kind": "count", "estimate": s["n_trimmed"]},
        {"figure": "deff", "kind": "number", "estimate": s["deff"], "n": n},
        {"figure": "n_eff", "kind": "number", "estimate": s["n_eff"], "n": n},
    ]
    return ResultTable.make(
        "sample_weighting",
        pd.DataFrame(rows),
        caption=_caption("needs.sample.weights_caption"),
        kind="number",
        dims=("figure",),
        subject="respondents",
        labels={"figure": "text:needs.sample.figures"},
    )


def _weighting_info(rake) -> dict:
    """What the weighting table's notes say, as codes (no figure about people)."""
    from ..report.needs import final_groups

    s = rake.summary()
    n = s["n"]
    mean_w = s["population"] / n if n else float("nan")
    collapsed = getattr(rake, "collapsed", None)
    trim = getattr(rake, "trim", None)
    untrimmed = bool(
        trim
        and n
        and (s["weight_min"] / mean_w < trim[0] - 1e-6 or s["weight_max"] / mean_w > trim[1] + 1e-6)
    )
    return {
        "year": int(s["year"]),
        "margins": list(s["margins"]),
        "dropped": list(s["dropped"]),
        "collapsed": final_groups(collapsed) if collapsed is not None and len(collapsed) else {},
        "trim": [float(trim[0]), float(trim[1])] if trim else None,
        "untrimmed": untrimmed,
    }


def _members(
    cube: Cube, dim: str, codes: object, members: Mapping[str, list[str]]
) -> str | tuple:
    """The cube categories a table category stands for: each of its codes mapped by
    :func:`cubes.value` (``other`` citizenships: every one not listed), joined."""
    if isinstance(codes, tuple):  # already categories of the cube (the adults)
        return codes
    listed = [c for codes_ in members.values() for c in codes_ if c != OTHER]
    parts: list[str] = []
    for code in codes:
        v = cubes.value(cube, dim, str(code), listed)
        parts.extend(v if isinstance(v, tuple) else [v])
    unique = tuple(dict.fromkeys(parts))
    return unique if len(unique) > 1 else unique[0]


def _sample_profile(
    profile: pd.DataFrame,
    mine: pd.DataFrame,
    unit: str,
    pop: PopulationCells,
    cube: Cube,
    groups: Mapping[str, Mapping[str, list[str]]] | None = None,
) -> ResultTable:
    """Per margin and category: respondents (a cell of the respondents cube), their share among
    those who answered, the weighted share, and the share in the adult population."""
    rows = []
    year = int(profile["year"].iloc[0]) if len(profile) else pop.year
    for margin, part in profile.groupby("margin", sort=False):
        answered = int(part["sample_n"].fillna(0).sum())
        adults = float(part["population"].sum())
        # the codes each category of the table stands for (the weighting may have merged some)
        members = {
            str(c): list((groups or {}).get(margin, {}).get(str(c), [str(c)]))
            for c in part["category"]
        }
        answered_cell = coord(**{margin: tuple(c for c in cube.dims[margin] if c != MISSING)})
        for rec in part.to_dict("records"):
            cat = str(rec["category"])
            base = {"margin": margin, "category": cat}
            cell = coord(**{margin: _members(cube, margin, members[cat], members)})
            count = int(rec["sample_n"]) if not pd.isna(rec["sample_n"]) else 0
            rows.append(
                {
                    **base,
                    "measure": "respondents",
                    "kind": "count",
                    "estimate": count,
                    "cube": cube.id,
                    "coord": cell,
                }
            )
            for measure in ("sample_share", "weighted_share"):
                if measure not in rec:
                    continue
                rows.append(
                    {
                        **base,
                        "measure": measure,
                        "kind": "share",
                        "estimate": rec[measure],
                        "n": answered,
                        "of_cube": cube.id,
                        "of_coord": cell,
                        "of_value": count,
                        "n_cube": cube.id,
                        "n_coord": answered_cell,
                    }
                )
            # Adult population shares: cells of the population cube (the adults of a
            # category), their base the adults of the unit.
            pop_where = {margin: cat} if margin == "age_group" else {margin: cat,
                                                                     "age_group": ADULTS}
            share = {
                **base,
                "measure": "population_share",
                "kind": "share",
                "estimate": rec["population_share"],
                "n": round(adults),
                "of_cube": pop.cube.id,
                "of_coord": coord(
                    **{k: _members(pop.cube, k, members[v] if k == margin else v, members)
                       for k, v in pop_where.items()}
                ),
                "of_value": rec["population"],
                "n_cube": pop.cube.id,
                "n_coord": coord(age_group=ADULTS),
            }
            rows.append(share)
    return ResultTable.make(
        "sample_profile",
        pd.DataFrame(rows),
        caption=_caption("needs.sample.profile_caption", year=year),
        kind="share",
        dims=("margin", "category", "measure"),
        subject="respondents",
        labels={"margin": "text:needs.sample.margin", "measure": "text:needs.sample.col"},
    )


# -- needs and scores ------------------------------------------------------------------------------
#: The question whose answers are the base of a comparison measure.
BASE_QUESTION = {"need": "need_{area}", "unmet": "got_{area}", "score": "rate_{area}_{criterion}"}


def _comparison_rows(part: pd.DataFrame, dims: tuple[str, ...], kind: str) -> list[dict]:
    rows = []
    for rec in part.to_dict("records"):
        key = {d: rec[d] for d in dims}
        # the base is those who answered the question: a cell of the respondents cube, which
        # the data review's non-response table publishes too
        question = BASE_QUESTION[rec["measure"]].format(**rec)
        rows.append(
            {
                **key,
                "group": "unit",
                "kind": kind,
                "estimate": rec["estimate"],
                "ci_low": rec["ci_low"],
                "ci_high": rec["ci_high"],
                "n": rec["n"],
                "n_cube": respondents_cube_id(rec["municipality"]),
                "n_coord": coord(**{cubes.item_dim(question): "answered"}),
                "p_adjusted": np.nan,
                "significant": np.nan,
            }
        )
        rows.append(
            {
                **key,
                "group": "rest",
                "kind": kind,
                "estimate": rec["rest_estimate"],
                "n": rec["rest_n"],
                "p_adjusted": np.nan,
                "significant": np.nan,
            }
        )
        # the difference reveals the municipality's figure given the rest: it rests on both
        n_both = np.nanmin([_num(rec["n"]), _num(rec["rest_n"])])
        rows.append(
            {
                **key,
                "group": "difference",
                "kind": "number",
                "estimate": rec["difference"],
                "ci_low": rec["diff_ci_low"],
                "ci_high": rec["diff_ci_high"],
                "n": n_both,
                "p_adjusted": rec["p_adjusted"],
                "significant": float(bool(rec["significant"]))
                if not pd.isna(rec["p_adjusted"])
                else np.nan,
            }
        )
    return rows


def _withheld(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark the rows the statistics functions left without a figure although they have a base
    (a base below ``min_base``: they blank such estimates themselves), so that the policy
    publishes them as hidden with the reason, not as an empty cell."""
    est = pd.to_numeric(frame["estimate"], errors="coerce")
    n = pd.to_numeric(frame["n"], errors="coerce")
    return frame.assign(suppressed=est.isna() & n.notna())


def _num(value: object) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return np.nan


def _need_unmet(comparison: pd.DataFrame) -> ResultTable:
    part = comparison[comparison["measure"].isin(["need", "unmet"])]
    frame = pd.DataFrame(_comparison_rows(part, ("area", "measure"), "share"))
    return ResultTable.make(
        "need_unmet",
        _withheld(frame),
        caption=_caption("needs.needs.caption"),
        kind="share",
        dims=("area", "measure", "group"),
        values=("p_adjusted", "significant"),
        labels={"area": "areas", "measure": "text:needs.needs.col"},
    )


def _criterion_scores(comparison: pd.DataFrame) -> ResultTable:
    part = comparison[comparison["measure"] == "score"]
    frame = pd.DataFrame(_comparison_rows(part, ("area", "criterion"), "score"))
    return ResultTable.make(
        "criterion_scores",
        _withheld(frame),
        caption=_caption("needs.scores.caption"),
        kind="score",
        dims=("area", "criterion", "group"),
        values=("p_adjusted", "significant"),
        labels={"area": "areas", "criterion": "criteria"},
    )


def _provider_scores(provider: pd.DataFrame) -> ResultTable:
    frame = provider[["area", "measure", "estimate", "ci_low", "ci_high", "n"]]
    return ResultTable.make(
        "provider_scores",
        _withheld(frame),
        caption=_caption("needs.provider.caption"),
        kind="score",
        dims=("area", "measure"),
        labels={"area": "areas", "measure": "text:needs.provider.col"},
    )


def _need_capacity(gap: pd.DataFrame) -> ResultTable:
    rows = []
    for rec in gap.to_dict("records"):
        rows.append(
            {
                "area": rec["area"],
                "measure": "need",
                "kind": "share",
                "estimate": rec["need"] / 100,
                "n": rec["need_n"],
            }
        )
        rows.append(
            {
                "area": rec["area"],
                "measure": "capacity",
                "kind": "score",
                "estimate": rec["capacity"],
                "n": rec["capacity_n"],
            }
        )
        rows.append(
            {
                "area": rec["area"],
                "measure": "gap",
                "kind": "number",
                "estimate": rec["gap"],
                "n": np.nanmin([_num(rec["need_n"]), _num(rec["capacity_n"])]),
            }
        )
    return ResultTable.make(
        "need_capacity",
        _withheld(pd.DataFrame(rows)),
        caption=_caption("needs.provider.chart_title"),
        kind="score",
        dims=("area", "measure"),
        labels={"area": "areas"},
    )


# -- drivers ---------------------------------------------------------------------------------------
def _skip_code(n: object) -> str:
    """Why the model was not estimated, as a code the renderer words: ``too_few`` complete
    cases for the model's minimum, else ``other`` (it could not be fitted)."""
    import inspect

    from ..models import satisfaction_model

    min_n = inspect.signature(satisfaction_model).parameters["min_n"].default
    if n is None or pd.isna(n):
        return "other"
    return "too_few" if int(n) < min_n else "other"


def _drivers(model) -> ResultTable:
    cols = ["term", "variable", "level", "reference"]
    if model is None:
        frame = pd.DataFrame(columns=[*cols, "estimate", "ci_low", "ci_high", "n", "p_value"])
    else:
        tab = model.table
        frame = pd.DataFrame(
            {
                **{c: tab[c].fillna("").astype(str) for c in cols},
                "estimate": tab["odds_ratio"],
                "ci_low": tab["ci_low"],
                "ci_high": tab["ci_high"],
                "n": model.n,
                "p_value": tab["p_value"],
            }
        )
    return ResultTable.make(
        "drivers",
        frame,
        caption=_caption("needs.drivers.caption"),
        kind="ratio",
        dims=tuple(cols),
        values=("p_value",),
        labels={"variable": "text:needs.drivers.var"},
    )


def model_cube_id(unit: str) -> str:
    return f"model_sample:tsp_survey:{unit}"


def _drivers_sample(n: object, dropped: object, unit: str) -> tuple[ResultTable, Cube]:
    """Respondents in the model and left out. Together they are every respondent of the unit,
    a number the report publishes: a small "left out" would follow from the other two, so
    the three are cells of one cube and the audit sees it."""
    cube = Cube(model_cube_id(unit), {"model": ("used", "dropped")})
    rows = [
        {"figure": "used", "estimate": n, "cube": cube.id, "coord": coord(model="used")},
        {
            "figure": "dropped",
            "estimate": dropped,
            "cube": cube.id,
            "coord": coord(model="dropped"),
        },
    ]
    if n is not None and dropped is not None and not pd.isna(n) and not pd.isna(dropped):
        rows.append(
            {
                "figure": "total",
                "estimate": int(n) + int(dropped),
                "cube": cube.id,
                "coord": coord(),
            }
        )
    frame = pd.DataFrame(rows)
    frame["estimate"] = pd.to_numeric(frame["estimate"])
    table = ResultTable.make(
        "drivers_sample",
        frame,
        caption=_caption("needs.drivers.sample_caption"),
        kind="count",
        dims=("figure",),
        labels={"figure": "text:needs.drivers.figure"},
    )
    return table, cube


# -- information -----------------------------------------------------------------------------------
def _information(info: pd.DataFrame) -> ResultTable:
    frame = info.rename(columns={"kind": "group"})[
        ["group", "category", "estimate", "ci_low", "ci_high", "n"]
    ].copy()
    lt = frame[(frame["group"] == "language") & (frame["category"] == "lt")]
    if len(lt):
        # "prefer a language other than Lithuanian": cited by a recommendation rule
        rec = lt.iloc[0]
        frame = pd.concat(
            [
                frame,
                pd.DataFrame(
                    [
                        {
                            "group": "language_summary",
                            "category": "non_lt",
                            "estimate": 1 - rec["estimate"]
                            if not pd.isna(rec["estimate"])
                            else np.nan,
                            "ci_low": 1 - rec["ci_high"] if not pd.isna(rec["ci_high"]) else np.nan,
                            "ci_high": 1 - rec["ci_low"] if not pd.isna(rec["ci_low"]) else np.nan,
                            "n": rec["n"],
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    return ResultTable.make(
        "information",
        _withheld(frame),
        caption=_caption("needs.information.chart_title"),
        kind="share",
        dims=("group", "category"),
        labels={},
    )


# -- priorities ------------------------------------------------------------------------------------
#: Component → (column, base column, kind) of :func:`tsp_analysis.scores.priority`.
PRIORITY_PARTS = {
    "need": ("need", "need_n", "share"),
    "unmet": ("unmet", "unmet_n", "share"),
    "score": ("score", "score_n", "score"),
    "capacity": ("capacity", "capacity_n", "score"),
}


def _smallest_base(rec: Mapping) -> float:
    """The smallest base among an area's inputs: a priority computed without one of them (too
    few answers) rests on fewer answers than the policy allows and is not ranked."""
    bases = [_num(rec[b]) for _, b, _ in PRIORITY_PARTS.values()]
    bases = [0.0 if np.isnan(b) else b for b in bases]
    return min(bases) if bases else np.nan


def _priorities(prio: pd.DataFrame) -> ResultTable:
    rows = []
    for rec in prio.to_dict("records"):
        area = rec["area"]
        for part, (col, base, kind) in PRIORITY_PARTS.items():
            rows.append(
                {
                    "area": area,
                    "component": part,
                    "kind": kind,
                    "estimate": rec[col],
                    "n": rec[base],
                }
            )
        rows.append(
            {
                "area": area,
                "component": "gap",
                "kind": "number",
                "estimate": rec["gap"],
                "n": np.nanmin([_num(rec["need_n"]), _num(rec["capacity_n"])]),
            }
        )
        least = _smallest_base(rec)
        rows.append(
            {
                "area": area,
                "component": "priority",
                "kind": "index",
                "estimate": rec["priority"],
                "n": least,
            }
        )
        rows.append(
            {"area": area, "component": "rank", "kind": "rank", "estimate": rec["rank"], "n": least}
        )
    return ResultTable.make(
        "priorities",
        _withheld(pd.DataFrame(rows)),
        caption=_caption("needs.priorities.caption"),
        kind="index",
        dims=("area", "component"),
        labels={"area": "areas", "component": "text:needs.priorities.col"},
    )


def _priority_stability(prio: pd.DataFrame, stability: pd.DataFrame) -> ResultTable:
    merged = stability.merge(
        prio[["area", *(b for _, b, _ in PRIORITY_PARTS.values())]], on="area", how="left"
    )
    frame = pd.DataFrame(
        {
            "area": merged["area"],
            "estimate": merged["rank"],
            "rank_min": merged["rank_min"].astype(float),
            "rank_max": merged["rank_max"].astype(float),
            "n": [_smallest_base(r) for r in merged.to_dict("records")],
        }
    )
    return ResultTable.make(
        "priority_stability",
        _withheld(frame),
        caption=_caption("needs.priorities.stability_title"),
        kind="rank",
        dims=("area",),
        values=("rank_min", "rank_max"),
        labels={"area": "areas"},
    )


def _service_index(
    area_all: pd.DataFrame, index: pd.DataFrame, stability: pd.DataFrame
) -> ResultTable:
    merged = index.merge(
        stability[["municipality", "rank_min", "rank_max"]], on="municipality", how="left"
    )
    n_areas = len(reference.area_ids())
    rows = []
    for rec in merged.to_dict("records"):
        part = area_all[area_all["municipality"] == rec["municipality"]]
        bases = pd.to_numeric(part["n"], errors="coerce").fillna(0).tolist()
        bases += [0.0] * (n_areas - len(bases))  # an area nobody rated rests on no answers
        rows.append(
            {
                "municipality": rec["municipality"],
                "estimate": rec["index"],
                "rank": float(rec["rank"]),
                "rank_min": float(rec["rank_min"]),
                "rank_max": float(rec["rank_max"]),
                "n": min(bases),
            }
        )
    return ResultTable.make(
        "service_index",
        _withheld(pd.DataFrame(rows)),
        caption=_caption("needs.index.caption"),
        kind="index",
        dims=("municipality",),
        values=("rank", "rank_min", "rank_max"),
        labels={"municipality": "municipalities"},
    )


# -- recommendations -------------------------------------------------------------------------------
def _published_priorities(table: ResultTable, params: dict) -> ResultTable:
    """The priority table as the disclosure policy will publish it. Which recommendations a
    report lists depends on it: a rank or priority the report hides must not show through
    the list ("among the three priority areas") or be cited as evidence. Ranks are not counts
    of people, so publishing the table alone hides exactly what the joint publication hides."""
    from .policy import DisclosurePolicy

    alone = Results("needs_analysis", "priorities")
    alone.add(table)
    return DisclosurePolicy.from_params(params).publish_one(alone)["priorities"]


def _recommendations(
    advice: pd.DataFrame, prio: ResultTable, rules: pd.DataFrame
) -> tuple[ResultTable, int]:
    """The rules that fired on published figures, at most :data:`MAX_PER_AREA` per area (the
    most urgent rules first), for the top priority areas (by published rank) and the
    municipality as a whole. The rows hold codes only: the renderer words them and cites the
    figures that triggered each from the checked tables."""
    from ..recommend import parse_condition

    metrics = {
        rule_id: [c.metric for c in parse_condition(condition)]
        for rule_id, condition in zip(rules["rule_id"], rules["condition"], strict=True)
    }
    data = prio.data
    hidden = set(
        zip(
            data.loc[data["suppressed"], "area"],
            data.loc[data["suppressed"], "component"],
            strict=True,
        )
    )
    cites_hidden = [
        any((area, m) in hidden for m in metrics.get(rule_id, []))
        for rule_id, area in zip(advice["rule_id"], advice["area"], strict=True)
    ]
    advice = advice[~pd.Series(cites_hidden, index=advice.index, dtype=bool)]
    advice = advice[advice.groupby("area", sort=False).cumcount() < MAX_PER_AREA]
    fired = len(advice)
    ranks = data[(data["component"] == "rank") & ~data["suppressed"]]
    keep = set(ranks.loc[ranks["estimate"].astype(float) <= TOP_AREAS, "area"])
    areas = set(reference.area_ids())
    shown = advice[advice["area"].isin(keep) | ~advice["area"].isin(areas)]
    metrics = {k: "|".join(v) for k, v in metrics.items()}
    frame = pd.DataFrame(
        {
            "position": [f"{i:02d}" for i in range(1, len(shown) + 1)],
            "rule_id": shown["rule_id"].astype(str).tolist(),
            "area": shown["area"].fillna("").astype(str).tolist(),
            "priority": shown["priority"].astype(str).tolist(),
            "practice_id": shown["practice_id"].fillna("").astype(str).tolist(),
            "metrics": [metrics.get(r, "") for r in shown["rule_id"]],
        }
    )
    table = ResultTable.make(
        "recommendations",
        frame,
        caption=_caption("needs.recommendations.caption"),
        kind="text",
        dims=("position", "rule_id", "area", "priority", "practice_id", "metrics"),
        subject="records",
        labels={"area": "areas"},
    )
    return table, fired


def _recommendation_count(fired: int, shown: int) -> ResultTable:
    frame = pd.DataFrame({"figure": ["fired", "shown"], "estimate": [fired, shown]})
    return ResultTable.make(
        "recommendation_count",
        frame,
        caption=_caption("needs.recommendations.count_caption"),
        kind="count",
        dims=("figure",),
        subject="records",
    )
