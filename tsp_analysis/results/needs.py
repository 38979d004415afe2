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
``need_unmet``           need and unmet need per area (with the interval base ``n_interval``);
                         the other municipalities; the difference (adjusted p, ``direction``,
                         ``family``; the families' sizes and method in ``info["comparisons"]``)
``criterion_scores``     area × criterion scores; the other municipalities; the difference
``provider_scores``      providers' competence, resources, capacity per area
``need_capacity``        need (share), share of all with an unmet need, and provider capacity
                         (0–100) per area: different scales, charted apart, never subtracted
``drivers``              odds ratios of the satisfaction model
``drivers_sample``       respondents in the model and left out, in all and by reason (cells of
                         the ``model_sample`` cube)
``model_checks``         Brant test of proportional odds (omnibus, then each term)
``information``          information channels and preferred languages
``priorities``           inputs, the three 0–100 components, priority score and rank per area;
                         ``status`` ``incomplete`` areas have no rank
``priority_stability``   rank range of each complete area over the sensitivity scenarios
``service_index``        overall service index, rank and rank ranges (all scenarios, methods
                         alone, sampling alone) per municipality; ``not_enough_data`` units have
                         none, only ``n_indicators``; base: respondents with any area score
``recommendations``      every rule fired on the published figures (``recommendation_id``,
                         ``tier``, ``areas``, ``languages``; words and evidence rendered)
``recommendation_count`` how many rules fired and how many are listed (the same)
``qual_sources``, ``qual_quotes``  the qualitative evidence: distinct sources per theme (cubes
                         ``qual:<unit>:<theme>``) and, with ``allow_free_text``, redacted quotes
                         (:mod:`.qualitative`)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import reference
from ..ids import ALL, TOTAL
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
from .table import (
    Cube,
    Results,
    ResultTable,
    caption,
    coord,
    counted,
    derived,
    share_of,
    text_table,
)

MISSING = cubes.MISSING
ADULTS = cubes.adults()


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


def service_index(inputs, params: dict) -> tuple[pd.DataFrame, dict[str, int]]:
    """The overall service index of every municipality with its rank ranges
    (:func:`~tsp_analysis.composite.service_index`: ranked only among municipalities with
    enough areas), and each municipality's base: the respondents with a score in any area.
    Computed once."""
    from .. import composite, scores
    from . import shared

    def run():
        survey, _ = weighted_survey(inputs, params)
        area_all = scores.area_scores(survey, by="municipality", min_base=params["min_base"])
        index = composite.service_index(
            area_all, min_indicators=composite.MIN_AREAS, seed=params["seed"]
        )
        return index, rated_any_area(survey)

    return shared("service_index", _shared_params(params, "min_base", "seed"), inputs, run)


def rated_any_area(survey: pd.DataFrame) -> dict[str, int]:
    """Per municipality, the respondents who rated at least one criterion of any area (a
    substantive answer, not "don't know" / "not applicable"): what the service index rests on."""
    from ..codebook import load_codebook

    cb = load_codebook()
    cols = [q.id for q in cb.questions("tsp_survey", group="rating") if q.id in survey]
    rated = cb.substantive(survey[cols], "tsp_survey").notna().any(axis=1)
    return {str(m): int(v) for m, v in rated.groupby(survey["municipality"]).sum().items()}


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
    for table_id in COMPARISON_TABLES:
        res.add(_comparison_table(comparison, table_id))
    res.info["comparisons"] = _families(comparison)
    res.info["alpha"] = _alpha()
    need_m = scores.need_unmet(mine, min_base=min_base)
    area_m = scores.area_scores(mine, min_base=min_base)
    provider_m = scores.provider_scores(providers, min_base=min_base)
    priorities = scores.priority(need_m, area_m, provider_m)
    res.add(_provider_scores(provider_m))
    prov_cube = respondents_cube("provider_survey", unit, prov)
    res.add_cube(prov_cube)
    res.add(_provider_types(scores.provider_overall(providers, min_base=min_base), providers, unit))
    res.add(_need_capacity(scores.need_capacity_gap(need_m, provider_m), unit))

    # -- drivers of satisfaction -----------------------------------------------------------------
    model = models.satisfaction_model(mine)
    if isinstance(model, EstimationSkipped):
        details = model.details or {}
        res.info["model"] = {"skipped": _skip_code(details.get("n")), "merged_levels": []}
        res.add(_drivers(None))
        sample, cube = _drivers_sample(details.get("n"), details.get("n_dropped"), unit)
        res.add_cube(cube)
        res.add(sample)
        res.add(_model_checks(None))
    else:
        res.info["model"] = {
            "skipped": "",
            "merged_levels": [str(v) for v in (model.merged_levels or [])],
        }
        res.add(_drivers(model))
        sample, cube = _drivers_sample(model.n, model.n_dropped, unit, model.dropped)
        res.add_cube(cube)
        res.add(sample)
        res.add(_model_checks(model))

    # -- information -----------------------------------------------------------------------------
    information = scores.information_channels(mine, min_base=min_base)
    res.add(_information(information))

    # -- qualitative evidence (field research, round tables, coded comments) ----------------------
    from . import qualitative

    qualitative.add(res, inputs, params, unit)

    # -- priorities, index, recommendations ------------------------------------------------------
    from .. import composite

    # The review of the same municipality is published with this report: computed once here,
    # so that the priorities and the rules see exactly what the publication hides.
    others = _group_raw(res, inputs, params)
    # An input the joint publication hides (its base cell must be) makes its area incomplete
    # in the report, as one the library left out would: the score uses the other components
    # and the area is not ranked against the complete ones.
    provisional = _published(res, others, params, [_priorities(priorities, unit)])
    hidden = _hidden_inputs(provisional["priorities"])
    ranking = _masked_priority(need_m, area_m, provider_m, hidden) if hidden else priorities
    stability = composite.sensitivity(
        ranking,
        unit="area",
        indicator=None,
        components=scores.COMPONENTS,
        min_indicators=len(scores.COMPONENTS),
        seed=params["seed"],
    )
    res.add(_priorities(priorities, unit, ranking))
    res.add(_priority_stability(ranking, stability))
    res.info["scenarios"] = int(stability["n_scenarios"].iloc[0])
    index, bases = service_index(inputs, params)
    res.add(_service_index(index, bases))
    res.info["min_areas"] = composite.MIN_AREAS
    res.info["n_areas"] = len(reference.area_ids())
    published = _published(res, others, params)
    advice, languages = _advice(published, unit)
    recs = res.add(_recommendations(advice, languages, recommend.load_rules()))
    res.add(_recommendation_count(len(advice), len(recs.data)))

    res.info.update(
        synthetic=bool(inputs.synthetic),
        hashes={str(k): str(v) for k, v in inputs.hashes.items()},
        params={k: v for k, v in params.items() if k != "lang"},
        year=year,
    )
    return res


# -- context ---------------------------------------------------------------------------------------
def _context_compare(
    units: pd.DataFrame, cells: Mapping[str, PopulationCells], unit: str, year: int
) -> ResultTable:
    all_cube = population_cube_id(ALL, year)
    rows = []
    for rec in units.to_dict("records"):
        m = rec["municipality"]
        c = cells[m]
        tsp = int(rec["tsp"])
        base = {"municipality": m, "role": rec["role"], "citizenship": ""}
        count = counted(tsp, all_cube, all_coord(m))
        rows.append({**base, "measure": "tsp", "kind": "count", **count})
        rows.append(
            {**base, "measure": "residents", "kind": "count", "estimate": int(rec["residents"])}
        )
        # per 100 residents rests on the TŠP count: published with it, it also publishes the
        # total of the unit's own cube to the audit
        per_100 = derived(rec["share_pct"], tsp, c.cube.id, coord(), tsp)
        rows.append({**base, "measure": "per_100", "kind": "number", **per_100})
        female = share_of(c.count(sex="female"), tsp, c.cube.id, coord(sex="female"))
        rows.append({**base, "measure": "female", "kind": "share", **female})
        top = rec.get("top_citizenship")
        if isinstance(top, str) and top and top != "<NA>":
            code = top if top in c.citizenships else OTHER
            cell = c.cell(citizenship=code)
            share = share_of(c.count(citizenship=code), tsp, c.cube.id, cell)
            top_row = {"measure": "top_citizenship", "citizenship": code, "kind": "share"}
            rows.append({**base, **top_row, **share})
    return ResultTable.make(
        "context_compare",
        pd.DataFrame(rows),
        caption=caption("needs.context.compare_caption", year=year),
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
        per_100 = derived(rec["share_pct"], tsp, population_cube_id(ALL, y), all_coord(m), tsp)
        rows.append({"municipality": m, "year": str(y), **per_100})
    return ResultTable.make(
        "context_trend",
        pd.DataFrame(rows),
        caption=caption("needs.context.trend_title"),
        kind="number",
        dims=("municipality", "year"),
        subject="population",
        labels={"municipality": "municipalities"},
    )


def _context_trend_unit(trend: pd.DataFrame, unit: str) -> ResultTable:
    rows = []
    for rec in trend.to_dict("records"):
        y, tsp = int(rec["year"]), int(rec["tsp"])
        cube, cell = population_cube_id(ALL, y), all_coord(unit)
        rows.append({"year": str(y), "measure": "tsp", "kind": "count", **counted(tsp, cube, cell)})
        for measure, col in (("per_100", "share_pct"), ("change", "change_pct")):
            figure = derived(rec[col], tsp, cube, cell, tsp)
            rows.append({"year": str(y), "measure": measure, "kind": "number", **figure})
    return ResultTable.make(
        "context_trend_unit",
        pd.DataFrame(rows),
        caption=caption("needs.context.trend_caption"),
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
            cell = coord(residence_basis=b)
            share = share_of(c.count(residence_basis=b), c.total, c.cube.id, cell)
            rows.append({"municipality": m, "residence_basis": b, **share})
    return ResultTable.make(
        "context_residence",
        pd.DataFrame(rows),
        caption=caption("needs.context.residence_title", year=year),
        kind="share",
        dims=("municipality", "residence_basis"),
        subject="population",
        labels={"municipality": "municipalities", "residence_basis": "residence_bases"},
    )


def _count_and_share(key: dict, c: PopulationCells, cell: str, count: int) -> list[dict]:
    """Two rows of a cell of the unit's population cube: its count, and its share of the
    unit's TŠP (resting on the count)."""
    return [
        {**key, "measure": "count", "kind": "count", **counted(count, c.cube.id, cell)},
        {**key, "measure": "share", "kind": "share", **share_of(count, c.total, c.cube.id, cell)},
    ]


def _context_citizenship(c: PopulationCells, unit: str, year: int) -> ResultTable:
    rows = []
    for code in c.citizenships:
        count = c.count(citizenship=code)
        if code == OTHER and count == 0:
            continue
        rows.extend(_count_and_share({"citizenship": code}, c, c.cell(citizenship=code), count))
    return ResultTable.make(
        "context_citizenship",
        pd.DataFrame(rows),
        caption=caption("needs.context.citizenship_caption", year=year),
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
            rows.extend(_count_and_share({"sex": sex, "age_group": age}, c, cell, count))
    # The total, published in the comparison table too, ties the cube to what readers know.
    total = {"sex": TOTAL, "age_group": TOTAL, "measure": "count", "kind": "count"}
    rows.append({**total, **counted(c.total, c.cube.id, coord())})
    return ResultTable.make(
        "context_sex_age",
        pd.DataFrame(rows),
        caption=caption("needs.context.sex_age_caption", year=year),
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
        caption=caption("needs.sample.weights_caption"),
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


def _members(cube: Cube, dim: str, codes: object, members: Mapping[str, list[str]]) -> str | tuple:
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
                {**base, "measure": "respondents", "kind": "count", **counted(count, cube.id, cell)}
            )
            for measure in ("sample_share", "weighted_share"):
                if measure not in rec:
                    continue
                share = derived(rec[measure], answered, cube.id, cell, count)
                rows.append(
                    {
                        **base,
                        "measure": measure,
                        "kind": "share",
                        **share,
                        "n_cube": cube.id,
                        "n_coord": answered_cell,
                    }
                )
            # Adult population shares: cells of the population cube (the adults of a
            # category), their base the adults of the unit.
            pop_where = (
                {margin: cat} if margin == "age_group" else {margin: cat, "age_group": ADULTS}
            )
            pop_cell = coord(
                **{
                    k: _members(pop.cube, k, members[v] if k == margin else v, members)
                    for k, v in pop_where.items()
                }
            )
            share = derived(
                rec["population_share"], round(adults), pop.cube.id, pop_cell, rec["population"]
            )
            rows.append(
                {
                    **base,
                    "measure": "population_share",
                    "kind": "share",
                    **share,
                    "n_cube": pop.cube.id,
                    "n_coord": coord(age_group=ADULTS),
                }
            )
    return ResultTable.make(
        "sample_profile",
        pd.DataFrame(rows),
        caption=caption("needs.sample.profile_caption", year=year),
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
                "n_interval": rec.get("n_interval", np.nan),
                "p_adjusted": np.nan,
                "significant": np.nan,
                "direction": "",
                "family": "",
            }
        )
        rows.append(
            {
                **key,
                "group": "rest",
                "kind": kind,
                "estimate": rec["rest_estimate"],
                "n": rec["rest_n"],
                "n_interval": np.nan,
                "p_adjusted": np.nan,
                "significant": np.nan,
                "direction": "",
                "family": "",
            }
        )
        # the difference reveals the municipality's figure given the rest: it rests on both
        n_both = np.nanmin([_num(rec["n"]), _num(rec["rest_n"])])
        rows.append(
            {
                **key,
                "group": "difference",
                # it rests on the municipality's base too (its n is that base when smaller):
                # hidden whenever the municipality's base cell must be
                "n_cube": respondents_cube_id(rec["municipality"]),
                "n_coord": coord(**{cubes.item_dim(question): "answered"}),
                "kind": "number",
                "estimate": rec["difference"],
                "ci_low": rec["diff_ci_low"],
                "ci_high": rec["diff_ci_high"],
                "n": n_both,
                "p_adjusted": rec["p_adjusted"],
                "significant": float(bool(rec["significant"]))
                if not pd.isna(rec["p_adjusted"])
                else np.nan,
                # which way a significant difference goes for the municipality (the marker
                # next to its figure); with the difference, hidden when it is
                "direction": str(rec.get("direction") or "none")
                if not pd.isna(rec["p_adjusted"])
                else "",
                "family": str(rec.get("family") or ""),
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


#: Published columns of the comparison tables besides the core ones.
COMPARISON_VALUES = ("n_interval", "p_adjusted", "significant", "direction", "family")


def _alpha() -> float:
    """The significance level of the comparisons (the library's default), which the report
    also applies to the Brant test of the model."""
    import inspect

    from ..compare import compare_to_rest

    return float(inspect.signature(compare_to_rest).parameters["alpha"].default)


def _families(comparison: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The multiple-testing families of the comparisons: per family, how many tests were
    adjusted together and by which method (codes and counts of tests, not of people)."""
    out: dict[str, dict[str, object]] = {}
    if "family" not in comparison:
        return out
    for family, part in comparison.groupby("family", sort=False):
        sizes = pd.to_numeric(part["family_size"], errors="coerce")
        sizes = sizes[sizes > 0]
        out[str(family)] = {
            "size": int(sizes.max()) if len(sizes) else 0,
            "method": str(part["p_method"].dropna().iloc[0])
            if part["p_method"].notna().any()
            else "",
        }
    return out


#: The tables of the comparisons with the other municipalities: id → (measures of
#: :func:`tsp_analysis.compare.compare_to_rest`, the dimension beside ``area``, kind, caption
#: key, label of that dimension).
COMPARISON_TABLES = {
    "need_unmet": (
        ("need", "unmet"),
        "measure",
        "share",
        "needs.needs.caption",
        "text:needs.needs.col",
    ),
    "criterion_scores": (("score",), "criterion", "score", "needs.scores.caption", "criteria"),
}


def _comparison_table(comparison: pd.DataFrame, table_id: str) -> ResultTable:
    """``need_unmet`` (need and unmet need per area) or ``criterion_scores`` (area ×
    criterion): the municipality, the other municipalities and the difference
    (:data:`COMPARISON_TABLES`)."""
    measures, dim, kind, key, label = COMPARISON_TABLES[table_id]
    part = comparison[comparison["measure"].isin(measures)]
    frame = pd.DataFrame(_comparison_rows(part, ("area", dim), kind))
    return ResultTable.make(
        table_id,
        _withheld(frame),
        caption=caption(key),
        kind=kind,
        dims=("area", dim, "group"),
        values=COMPARISON_VALUES,
        labels={"area": "areas", dim: label},
    )


def _provider_scores(provider: pd.DataFrame) -> ResultTable:
    cols = ["area", "measure", "estimate", "ci_low", "ci_high", "n"]
    frame = provider[cols + (["n_interval"] if "n_interval" in provider else [])].copy()
    if "n_interval" not in frame:
        frame["n_interval"] = np.nan
    return ResultTable.make(
        "provider_scores",
        _withheld(frame),
        caption=caption("needs.provider.caption"),
        kind="score",
        dims=("area", "measure"),
        values=("n_interval",),
        labels={"area": "areas", "measure": "text:needs.provider.col"},
    )


def _provider_types(overall: pd.DataFrame, providers: pd.DataFrame, unit: str) -> ResultTable:
    """Competence and resources over all areas per stakeholder type (issue 15): each row's base
    is the number of the unit's provider respondents of that type, a cell of the provider
    survey's respondents cube (the data review publishes the same cube), so the policy can hide
    a small type and whatever would give it away; the estimate is among those who rated."""
    codes = providers["org_type"].astype("str").fillna(cubes.MISSING)
    counts = codes.value_counts()
    rows = []
    for rec in overall.to_dict("records"):
        code = rec["org_type"]
        code = cubes.MISSING if code is None or pd.isna(code) else str(code)
        rows.append(
            {
                "org_type": code,
                "measure": rec["measure"],
                "estimate": rec["estimate"],
                "ci_low": rec["ci_low"],
                "ci_high": rec["ci_high"],
                "n": int(counts.get(code, 0)),
                # fewer who rated than the base needs: the library left it without a figure
                "suppressed": bool(rec["suppressed"]) or pd.isna(rec["estimate"]),
                "n_cube": cubes.respondents_id("provider_survey", unit),
                "n_coord": coord(org_type=code),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "org_type",
            "measure",
            "estimate",
            "ci_low",
            "ci_high",
            "n",
            "suppressed",
            "n_cube",
            "n_coord",
        ],
    )
    return ResultTable.make(
        "provider_types",
        frame,
        caption=caption("needs.provider_types.caption"),
        kind="score",
        dims=("org_type", "measure"),
        subject="respondents",
        labels={"org_type": "value_set:org_type", "measure": "text:needs.provider.col"},
    )


def _need_capacity(gap: pd.DataFrame, unit: str) -> ResultTable:
    """Need (share of respondents) and providers' capacity (a 0–100 rating) per area, side by
    side and never subtracted (different scales); and the share of all respondents with an
    unmet need (need × unmet), which rests on both shares' bases.

    The need share and its base are the need table's figure: the base is the same cell of the
    respondents cube (those who answered the need question), so whatever the policy hides there
    it hides here. The share with an unmet need rests on the smaller base, those asked whether
    they got the services (the unmet share's base cell)."""
    cube = respondents_cube_id(unit)
    rows = []
    for rec in gap.to_dict("records"):
        area = rec["area"]
        rows.append(
            {
                "area": area,
                "measure": "need",
                "kind": "share",
                "estimate": rec["need"] / 100,
                "n": rec["need_n"],
                "n_cube": cube,
                "n_coord": coord(
                    **{cubes.item_dim(BASE_QUESTION["need"].format(area=area)): "answered"}
                ),
            }
        )
        rows.append(
            {
                "area": area,
                "measure": "unmet_all",
                "kind": "share",
                "estimate": rec["unmet_all"] / 100,
                "n": np.nanmin([_num(rec["need_n"]), _num(rec["unmet_n"])]),
                "n_cube": cube,
                "n_coord": coord(
                    **{cubes.item_dim(BASE_QUESTION["unmet"].format(area=area)): "answered"}
                ),
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
    return ResultTable.make(
        "need_capacity",
        _withheld(pd.DataFrame(rows)),
        caption=caption("needs.provider.chart_title"),
        kind="score",
        dims=("area", "measure"),
        labels={"area": "areas", "measure": "text:needs.provider.measure"},
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
        caption=caption("needs.drivers.caption"),
        kind="ratio",
        dims=tuple(cols),
        values=("p_value",),
        labels={"variable": "text:needs.drivers.var"},
    )


def model_cube_id(unit: str) -> str:
    return f"model_sample:tsp_survey:{unit}"


def _model_variables() -> tuple[str, ...]:
    """The model's variables, in the order the model checks them (the first one a respondent
    did not answer is the reason they are left out)."""
    from ..models import CATEGORICAL, NUMERIC

    return ("satisfaction", *NUMERIC, *CATEGORICAL)


def _drivers_sample(
    n: object, dropped: object, unit: str, reasons: pd.DataFrame | None = None
) -> tuple[ResultTable, Cube]:
    """Respondents in the model and left out, in all and by reason (the first question of the
    model they did not answer). Together they are every respondent of the unit, a number the
    report publishes: a small "left out" would follow from the others, so they are cells of one
    cube and the audit sees it."""
    variables = _model_variables()
    left_out = tuple(f"dropped_{v}" for v in variables)
    cube = Cube(model_cube_id(unit), {"model": ("used", *left_out)})
    rows = [
        {"figure": "used", "estimate": n, "cube": cube.id, "coord": coord(model="used")},
        {
            "figure": "dropped",
            "estimate": dropped,
            "cube": cube.id,
            "coord": coord(model=left_out),
        },
    ]
    if reasons is not None and len(reasons):
        by_reason = dict(zip(reasons["reason"].astype(str), reasons["n"], strict=True))
        for v in variables:
            rows.append(
                {
                    "figure": f"dropped_{v}",
                    "estimate": int(by_reason.get(v, 0)),
                    "cube": cube.id,
                    "coord": coord(model=f"dropped_{v}"),
                }
            )
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
        caption=caption("needs.drivers.sample_caption"),
        kind="count",
        dims=("figure",),
        labels={"figure": "text:needs.drivers.figure"},
    )
    return table, cube


def _model_checks(model) -> ResultTable:
    """The Brant test of the proportional-odds assumption: the omnibus test, then each term
    (chi-square statistic, degrees of freedom, p-value), on the model's respondents."""
    cols = ["term", "estimate", "df", "p_value", "n"]
    po = None if model is None else getattr(model, "proportional_odds", None)
    if po is None or not len(po):
        frame = pd.DataFrame(columns=cols)
    else:
        frame = pd.DataFrame(
            {
                "term": po["term"].astype(str),
                "estimate": pd.to_numeric(po["statistic"]),
                "df": pd.to_numeric(po["df"]),
                "p_value": pd.to_numeric(po["p_value"]),
                "n": model.n,
            }
        )
    return ResultTable.make(
        "model_checks",
        frame,
        caption=caption("needs.model.checks_caption"),
        kind="number",
        dims=("term",),
        values=("df", "p_value"),
    )


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
        caption=caption("needs.information.chart_title"),
        kind="share",
        dims=("group", "category"),
        labels={},
    )


# -- priorities ------------------------------------------------------------------------------------
#: Inputs of the priority score → (column, base column(s), kind) of
#: :func:`tsp_analysis.scores.priority`. The share of all TŠP with an unmet need is need × unmet:
#: it rests on both bases (shown with a hidden unmet share, it would reveal it).
PRIORITY_INPUTS = {
    "need": ("need", ("need_n",), "share"),
    "unmet": ("unmet", ("unmet_n",), "share"),
    "unmet_all": ("unmet_all", ("need_n", "unmet_n"), "share"),
    "score": ("score", ("score_n",), "score"),
    "capacity": ("capacity", ("capacity_n",), "score"),
}
#: The components of the priority score (one 0–100 scale, higher = more urgent) and the input
#: each rests on.
PRIORITY_COMPONENTS = {
    "c_unmet_all": "unmet_all",
    "c_low_score": "score",
    "c_low_capacity": "capacity",
}


def _base(rec: Mapping, columns: tuple[str, ...]) -> float:
    """The smallest of the bases ``columns`` (0 where one is missing: no answers)."""
    bases = [_num(rec[c]) for c in columns]
    return min(0.0 if np.isnan(b) else b for b in bases)


def _component_bases(rec: Mapping) -> dict[str, float]:
    return {
        comp: _base(rec, PRIORITY_INPUTS[source][1]) for comp, source in PRIORITY_COMPONENTS.items()
    }


#: The question whose answered count is the base of a priority input or component (a cell of
#: the respondents cube: the figure is hidden whenever that count must be, as in the needs
#: table). The area score rests on several questions (no single cell).
PRIORITY_BASE_QUESTION = {
    "need": "need_{area}",
    "unmet": "got_{area}",
    "unmet_all": "got_{area}",
    "c_unmet_all": "got_{area}",
}


def _base_cell(unit: str, part: str, area: str) -> dict[str, str]:
    question = PRIORITY_BASE_QUESTION.get(part)
    if not unit or question is None:
        return {}
    return {
        "n_cube": respondents_cube_id(unit),
        "n_coord": coord(**{cubes.item_dim(question.format(area=area)): "answered"}),
    }


def _priorities(
    prio: pd.DataFrame, unit: str = "", ranking: pd.DataFrame | None = None
) -> ResultTable:
    """Per area: the inputs, the three components, the priority score and the rank. An area
    with a hidden component (``status`` ``incomplete``) keeps a score from the components it has
    (on their bases) but no rank: it is never ranked against areas with every component."""
    ranks = (ranking if ranking is not None else prio).set_index("area")
    rows = []
    for rec in prio.to_dict("records"):
        area = rec["area"]
        # the figures of every input and component; the status, score and rank of the
        # ranking (the library's, with the inputs the publication hides left out)
        final = ranks.loc[area]
        status = str(final.get("status") or "")
        base = {"area": area, "status": status}
        for part, (col, bases, kind) in PRIORITY_INPUTS.items():
            rows.append(
                {
                    **base,
                    "component": part,
                    "kind": kind,
                    "estimate": rec[col],
                    "n": _base(rec, bases),
                    **_base_cell(unit, part, area),
                }
            )
        comp_bases = _component_bases(rec)
        for comp, n in comp_bases.items():
            rows.append(
                {
                    **base,
                    "component": comp,
                    "kind": "index",
                    "estimate": rec[comp],
                    "n": n,
                    **_base_cell(unit, comp, area),
                }
            )
        available = [n for comp, n in comp_bases.items() if not pd.isna(final[comp])]
        rows.append(
            {
                **base,
                "component": "priority",
                "kind": "index",
                "estimate": final["priority"],
                "n": min(available) if available else np.nan,
            }
        )
        ranked = status == "ranked"
        rows.append(
            {
                **base,
                "component": "rank",
                "kind": "rank",
                "estimate": final["rank"] if ranked else np.nan,
                # an incomplete area has no rank: nothing is hidden, there is none
                "n": min(comp_bases.values()) if ranked else np.nan,
            }
        )
    return ResultTable.make(
        "priorities",
        _withheld(pd.DataFrame(rows)),
        caption=caption("needs.priorities.caption"),
        kind="index",
        dims=("area", "component"),
        values=("status",),
        labels={"area": "areas", "component": "text:needs.priorities.col"},
    )


def _priority_stability(prio: pd.DataFrame, stability: pd.DataFrame) -> ResultTable:
    """Rank range of each complete area over the sensitivity scenarios; an incomplete area is
    not compared (``status`` ``not_enough_data``, no range)."""
    merged = stability.merge(prio, on="area", how="left", suffixes=("", "_prio"))
    rows = []
    for rec in merged.to_dict("records"):
        ranked = rec["status"] == "ranked"
        rows.append(
            {
                "area": rec["area"],
                "estimate": rec["rank"] if ranked else np.nan,
                "rank_min": _num(rec["rank_min"]),
                "rank_max": _num(rec["rank_max"]),
                "status": str(rec["status"]),
                "n": min(_component_bases(rec).values()) if ranked else np.nan,
            }
        )
    return ResultTable.make(
        "priority_stability",
        _withheld(pd.DataFrame(rows)),
        caption=caption("needs.priorities.stability_title"),
        kind="rank",
        dims=("area",),
        values=("rank_min", "rank_max", "status"),
        labels={"area": "areas"},
    )


#: Rank-range columns of :func:`tsp_analysis.composite.service_index` the report publishes.
INDEX_RANGES = (
    "rank_min",
    "rank_max",
    "rank_min_methods",
    "rank_max_methods",
    "rank_min_sampling",
    "rank_max_sampling",
)
#: Published columns of the service index besides the core ones (the overview copies them).
INDEX_VALUES = ("status", "rank", *INDEX_RANGES, "n_indicators")


def _service_index(index: pd.DataFrame, bases: Mapping[str, int]) -> ResultTable:
    """The service index of every municipality: index, rank and rank ranges (every scenario;
    method choices alone; sampling error alone) of the ranked ones; a municipality with too
    few areas (``status`` ``not_enough_data``) has none, only the number of areas it has.
    The base is the respondents with a score in any area (what the index rests on)."""
    rows = []
    for rec in index.to_dict("records"):
        m = rec["municipality"]
        ranked = rec["status"] == "ranked"
        rows.append(
            {
                "municipality": m,
                "status": str(rec["status"]),
                "estimate": rec["index"] if ranked else np.nan,
                "rank": _num(rec["rank"]) if ranked else np.nan,
                **{c: _num(rec[c]) if ranked else np.nan for c in INDEX_RANGES},
                "n_indicators": float(rec["n_indicators"]),
                "n": bases.get(str(m), 0),
            }
        )
    return ResultTable.make(
        "service_index",
        pd.DataFrame(rows),
        caption=caption("needs.index.caption"),
        kind="index",
        dims=("municipality",),
        values=INDEX_VALUES,
        labels={"municipality": "municipalities"},
    )


# -- recommendations -------------------------------------------------------------------------------
def _group_raw(res: Results, inputs, params: dict) -> list[Results]:
    """The raw results of the other reports published together with this one
    (:func:`tsp_analysis.results.group`: the data review of the same municipality)."""
    from . import _raw_functions, group

    raw = _raw_functions()
    return [
        raw[report](inputs, params, unit=u)
        for report, u in group(res.report, res.unit)
        if report != res.report
    ]


def _published(
    res: Results, others: list[Results], params: dict, extra: list[ResultTable] = ()
) -> dict[str, pd.DataFrame]:
    """The tables of the report so far (and ``extra`` ones), exactly as the publication will
    show them (hidden figures blank). A rule that fired on a hidden figure would reveal it
    ("unmet need of at least 50 %"), so the rules see only what the report shows. The figures
    hidden depend on every table published together (the data review of the same
    municipality publishes cells of the same respondents cube), so the report so far is
    published jointly with ``others``, as :func:`tsp_analysis.results.compute` will publish
    it; the tables added after this (the recommendations and their count) are records of no
    cube and change nothing."""
    from .policy import DisclosurePolicy

    partial = Results(res.report, res.unit, cubes=dict(res.cubes))
    for tab in [*res.tables.values(), *extra]:
        partial.tables[tab.id] = tab
    checked = DisclosurePolicy.from_params(params).publish([partial, *others])[0]
    return {tab.id: tab.data for tab in checked}


#: Which input of :func:`tsp_analysis.scores.priority` each row of the priority table rests on
#: (the statistics table and measure it comes from).
PRIORITY_SOURCE = {
    "need": ("need", "need"),
    "unmet": ("need", "unmet"),
    "unmet_all": ("need", "unmet"),
    "c_unmet_all": ("need", "unmet"),
    "score": ("score", None),
    "c_low_score": ("score", None),
    "capacity": ("provider", "capacity"),
    "c_low_capacity": ("provider", "capacity"),
}


def _hidden_inputs(prio: pd.DataFrame) -> set[tuple[str, str, str | None]]:
    """The inputs (area, source, measure) whose figure the publication hides."""
    out = set()
    for rec in prio[prio["suppressed"]].to_dict("records"):
        source = PRIORITY_SOURCE.get(str(rec["component"]))
        if source is not None:
            out.add((str(rec["area"]), *source))
    return out


def _masked_priority(need, area, provider, hidden) -> pd.DataFrame:
    """:func:`tsp_analysis.scores.priority` with the hidden inputs left out, as the library
    leaves out those below its own minimum base (missing, ``suppressed``)."""
    from .. import scores

    def mask(frame: pd.DataFrame, source: str) -> pd.DataFrame:
        frame = frame.copy()
        for area_, src, measure in hidden:
            if src != source:
                continue
            rows = frame["area"] == area_
            if measure is not None and "measure" in frame:
                rows &= frame["measure"] == measure
            frame.loc[rows, "estimate"] = np.nan
            frame.loc[rows, "suppressed"] = True
        return frame

    return scores.priority(mask(need, "need"), mask(area, "score"), mask(provider, "provider"))


def _value(frame: pd.DataFrame, **where: str) -> tuple[float, float]:
    """(estimate, base) of the one published row matching ``where``; NaN where hidden."""
    mask = pd.Series(True, index=frame.index)
    for k, v in where.items():
        mask &= frame[k] == v
    hits = frame[mask]
    if len(hits) != 1 or bool(hits["suppressed"].iloc[0]):
        return np.nan, np.nan
    rec = hits.iloc[0]
    est = rec["estimate"]
    return (np.nan if pd.isna(est) else float(est)), _num(rec["n"])


def _as_input(published: pd.DataFrame, **keys: str) -> pd.DataFrame:
    """Published rows as the statistics library's input: the ``keys`` columns (new name → the
    published column) as text, ``estimate`` and ``n`` as floats, ``suppressed`` where the
    publication hides the figure or there is none."""
    return pd.DataFrame(
        {
            **{name: published[col].astype(str) for name, col in keys.items()},
            "estimate": pd.to_numeric(published["estimate"]).astype(float),
            "n": pd.to_numeric(published["n"]).astype(float),
            "suppressed": published["suppressed"].astype(bool) | published["estimate"].isna(),
        }
    )


def _advice(published: Mapping[str, pd.DataFrame], unit: str) -> tuple[pd.DataFrame, list[str]]:
    """Every rule that fires on the published figures (:func:`tsp_analysis.recommend.recommend`
    given the published priorities, criterion scores and information shares, hidden ones
    missing), and the languages (codes) a ``{languages}`` rule names."""
    from .. import recommend

    prio = published["priorities"]
    rows = []
    for area in reference.area_ids():
        row: dict[str, object] = {"area": area}
        for comp in ("need", "unmet", "unmet_all", "score", "capacity", "priority", "rank"):
            row[comp], n = _value(prio, area=area, component=comp)
            if comp in ("need", "unmet", "score", "capacity"):
                row[f"{comp}_n"] = n
        row["gap"] = np.nan  # deprecated (a rating subtracted from a share): never a trigger
        rows.append(row)
    prio_pub = pd.DataFrame(rows)
    crit = published["criterion_scores"]
    crit_pub = _as_input(crit[crit["group"] == "unit"], area="area", criterion="criterion")
    info = published["information"]
    info_pub = _as_input(
        info[info["group"].isin(["channel", "language"])], kind="group", category="category"
    )
    advice = recommend.recommend(
        prio_pub, "en", criterion_scores=crit_pub, information=info_pub, municipality=unit
    )
    _, evidence = recommend.language_list(info_pub, "en")
    return advice, [code for code, _, _ in evidence]


def _recommendations(
    advice: pd.DataFrame, languages: list[str], rules: pd.DataFrame
) -> ResultTable:
    """Every rule that fired on published figures, in the library's order (area-specific, then
    municipality-wide, then generic rules once with the areas they cover). The rows hold codes
    only: the renderer words them and cites the triggering figures from the checked tables.
    ``recommendation_id`` is the monitoring register's key."""
    from ..recommend import parse_condition

    metrics = {
        rule_id: "|".join(c.metric for c in parse_condition(condition))
        for rule_id, condition in zip(rules["rule_id"], rules["condition"], strict=True)
    }
    texts = {
        rule_id: " ".join(
            str(rules.loc[rules["rule_id"] == rule_id, c].iloc[0])
            for c in rules.columns
            if c.startswith("text_")
        )
        for rule_id in rules["rule_id"]
    }
    frame = pd.DataFrame(
        {
            "position": [f"{i:02d}" for i in range(1, len(advice) + 1)],
            "recommendation_id": advice["recommendation_id"].astype(str).tolist(),
            "rule_id": advice["rule_id"].astype(str).tolist(),
            "tier": advice["tier"].astype(str).tolist(),
            "area": advice["area"].fillna("").astype(str).tolist(),
            "areas": advice["areas"].fillna("").astype(str).tolist(),
            "priority": advice["priority"].astype(str).tolist(),
            "practice_id": advice["practice_id"].fillna("").astype(str).tolist(),
            "metrics": [metrics.get(r, "") for r in advice["rule_id"]],
            "languages": [
                ";".join(languages) if "{languages}" in texts.get(r, "") else ""
                for r in advice["rule_id"]
            ],
        }
    )
    dims = (
        "position",
        "recommendation_id",
        "rule_id",
        "tier",
        "area",
        "areas",
        "priority",
        "practice_id",
        "metrics",
        "languages",
    )
    labels = {"area": "areas"}
    return text_table("recommendations", frame, "needs.recommendations.caption", dims, labels)


def _recommendation_count(fired: int, shown: int) -> ResultTable:
    frame = pd.DataFrame({"figure": ["fired", "shown"], "estimate": [fired, shown]})
    return ResultTable.make(
        "recommendation_count",
        frame,
        caption=caption("needs.recommendations.count_caption"),
        kind="count",
        dims=("figure",),
        subject="records",
    )
