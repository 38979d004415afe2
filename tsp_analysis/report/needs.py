"""Sections of the needs-analysis report (SPEC §2.1), one function per table or chart.

Each function takes the tidy output of the statistics modules (``context``, ``weights``,
``scores``, ``compare``, ``models``, ``composite``, ``recommend``) and returns
:class:`~tsp_analysis.report.display.Html`; the notebook computes, then displays. Figures whose
base is below the thresholds are shown as the suppression mark (tables) or left out with a note
(charts), never as zero.
"""

from __future__ import annotations

import pandas as pd

from .. import reference
from . import charts
from .display import (
    Cell,
    Html,
    count_cell,
    estimate_cell,
    estimates_wide,
    figure,
    join,
    message,
    table,
)
from .i18n import (
    DASH,
    SUPPRESSED_MARK,
    fmt_count,
    fmt_interval,
    fmt_number,
    fmt_p,
    fmt_p_eq,
    fmt_percent,
    label,
    labels,
    t,
    t_html,
    value_label,
)

COUNTRY = "lithuania"


def _unit(slug: str, lang: str) -> str:
    return label("municipalities", slug, lang)


def _share_cell(share: object, count: object, suppressed: bool, lang: str, min_count: int) -> Cell:
    """A population share, marked with the count it rests on (checked like a count)."""
    if suppressed or pd.isna(share) or pd.isna(count) or 0 < int(count) < min_count:
        return Cell(SUPPRESSED_MARK, kind="count", suppressed=True)
    return Cell(fmt_percent(float(share), lang), n=int(count), kind="count", css="tsp-num")


# -- 2. context ---------------------------------------------------------------------------------
def context_comparison_table(compare: pd.DataFrame, lang: str, min_count: int) -> Html:
    """TŠP in the municipality, the other municipalities and the country (one year)."""
    year = int(compare["year"].iloc[0])
    rows = {}
    for rec in compare.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        top = rec.get("top_citizenship")
        top_text = DASH
        if (
            not suppressed
            and isinstance(top, str)
            and top
            and not pd.isna(rec["top_citizenship_share"])
        ):
            top_text = (
                f"{label('countries', top, lang)} "
                f"({fmt_percent(rec['top_citizenship_share'], lang)})"
            )
        name = _unit(rec["municipality"], lang)
        if rec["role"] == "selected":
            name = f"▶ {name}"
        rows[name] = {
            t("needs.context.col.tsp", lang): count_cell(rec["tsp"], lang, min_count, suppressed),
            t("needs.context.col.residents", lang): Cell(
                fmt_count(rec["residents"], lang), css="tsp-num"
            ),
            t("needs.context.col.share_residents", lang): Cell(
                DASH
                if suppressed or pd.isna(rec["share_pct"])
                else f"{fmt_number(rec['share_pct'], lang, 1)}",
                css="tsp-num",
            ),
            t("needs.context.col.female", lang): _share_cell(
                rec["share_female"], rec["tsp"], suppressed, lang, min_count
            ),
            t("needs.context.col.top_citizenship", lang): Cell(top_text),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("needs.context.compare_caption", lang, year=year),
        index_header=t("common.municipality", lang),
        min_count=min_count,
    )


def residence_chart(compare: pd.DataFrame, lang: str) -> Html:
    """Residence bases of TŠP in each unit (100% stacked bars)."""
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    data = compare[~compare["suppressed"].astype(bool)]
    long = data.melt(
        id_vars=["municipality"],
        value_vars=[f"share_{b}" for b in bases],
        var_name="basis",
        value_name="share",
    )
    long["basis"] = long["basis"].str.removeprefix("share_")
    names = labels("municipalities", lang)
    year = int(compare["year"].iloc[0])
    fig = charts.stacked_bars_figure(
        long,
        category="municipality",
        part="basis",
        value="share",
        lang=lang,
        part_order=bases,
        part_labels=labels("residence_bases", lang),
        category_labels=names,
        order=list(data["municipality"]),
        title=t("needs.context.residence_title", lang, year=year),
    )
    return figure(fig, t("needs.context.residence_title", lang, year=year))


def trend_chart(totals: pd.DataFrame, municipality: str, lang: str) -> Html:
    """TŠP per 100 residents over the years, every municipality and the country."""
    data = totals[~totals["suppressed"].astype(bool) & totals["share_pct"].notna()]
    fig = charts.lines_figure(
        data,
        x="year",
        y="share_pct",
        hue="municipality",
        lang=lang,
        hue_labels=labels("municipalities", lang),
        highlight=municipality,
        reference=COUNTRY,
        title=t("needs.context.trend_title", lang),
        ylabel=t("needs.context.trend_y", lang),
    )
    return figure(fig, t("needs.context.trend_title", lang))


def trend_table(trend: pd.DataFrame, lang: str, min_count: int) -> Html:
    """The municipality's TŠP count, share of residents and yearly change."""
    rows = {}
    for rec in trend.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        rows[str(int(rec["year"]))] = {
            t("needs.context.col.tsp", lang): count_cell(rec["tsp"], lang, min_count, suppressed),
            t("needs.context.col.share_residents", lang): Cell(
                DASH
                if suppressed or pd.isna(rec["share_pct"])
                else fmt_number(rec["share_pct"], lang, 2),
                css="tsp-num",
            ),
            t("needs.context.col.change", lang): Cell(
                DASH
                if suppressed or pd.isna(rec["change_pct"])
                else _signed(rec["change_pct"], lang) + ("\u00a0%" if lang == "lt" else "%"),
                css="tsp-num",
            ),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("needs.context.trend_caption", lang),
        index_header=t("needs.context.col.year", lang),
        min_count=min_count,
    )


def _signed(value: float, lang: str) -> str:
    text = fmt_number(value, lang, 1)
    return f"+{text}" if value > 0 else text


def secondary_mask(
    data: pd.DataFrame, index: str | None, columns: str, min_count: int
) -> dict[tuple, bool]:
    """Which cells of a published distribution must be hidden: the ones already suppressed plus
    those :func:`tsp_analysis.disclosure.secondary_suppress` adds so that no suppressed count can
    be recovered from a total the report also shows (e.g. all TŠP of the municipality)."""
    from ..disclosure import secondary_suppress

    frame = data.assign(_row="all") if index is None else data
    row = "_row" if index is None else index
    counts = frame.pivot(index=row, columns=columns, values="count")
    primary = frame.pivot(index=row, columns=columns, values="suppressed").astype(bool)
    counts = counts.astype("Float64").fillna(0).astype("int64")
    result = secondary_suppress(counts, min_count=min_count, primary=primary,
                                suppress_zeros=False)
    mask = result.mask.loc[counts.index, counts.columns]
    return {(r, c): bool(mask.loc[r, c]) for r in counts.index for c in counts.columns}


def citizenship_table(top: pd.DataFrame, lang: str, min_count: int) -> Html:
    """The most common citizenships of TŠP in the municipality (with secondary suppression:
    the municipality's total is published in the comparison table)."""
    hidden = secondary_mask(top, None, "citizenship", min_count)
    rows = []
    for rec in top.to_dict("records"):
        suppressed = bool(rec["suppressed"]) or hidden[("all", rec["citizenship"])]
        name = (
            t("needs.context.other_citizenships", lang)
            if rec["citizenship"] == "other"
            else label("countries", rec["citizenship"], lang)
        )
        rows.append(
            {
                t("needs.context.col.citizenship", lang): name,
                t("needs.context.col.count", lang): count_cell(
                    rec["count"], lang, min_count, suppressed
                ),
                t("needs.context.col.share", lang): _share_cell(
                    rec["share"], rec["count"], suppressed, lang, min_count
                ),
            }
        )
    year = int(top["year"].iloc[0])
    return table(
        pd.DataFrame(rows),
        lang,
        index=False,
        min_count=min_count,
        caption=t("needs.context.citizenship_caption", lang, year=year),
    )


def sex_age_table(sex_age: pd.DataFrame, lang: str, min_count: int) -> Html:
    """TŠP by age group (rows) and sex (columns): counts and shares of all TŠP."""
    ages = labels("age_groups", lang)
    sexes = {"female": value_label("sex", "female", lang), "male": value_label("sex", "male", lang)}
    hidden = secondary_mask(sex_age, "age_group", "sex", min_count)
    rows: dict[str, dict[str, Cell]] = {}
    for rec in sex_age.to_dict("records"):
        row = rows.setdefault(ages.get(rec["age_group"], rec["age_group"]), {})
        sex = sexes.get(rec["sex"], rec["sex"])
        suppressed = bool(rec["suppressed"]) or hidden[(rec["age_group"], rec["sex"])]
        row[sex] = count_cell(rec["count"], lang, min_count, suppressed)
        row[f"{sex} (%)"] = _share_cell(rec["share"], rec["count"], suppressed, lang, min_count)
    year = int(sex_age["year"].iloc[0])
    return table(
        pd.DataFrame.from_dict(rows, orient="index"),
        lang,
        min_count=min_count,
        caption=t("needs.context.sex_age_caption", lang, year=year),
        index_header=t("needs.context.col.age_group", lang),
    )


__all__ = [
    "citizenship_table",
    "context_comparison_table",
    "residence_chart",
    "sex_age_table",
    "trend_chart",
    "trend_table",
]


# -- 3. the sample and its weights --------------------------------------------------------------
def _category_label(margin: str, code: str, lang: str) -> str:
    """Label of a weighting category (collapsed ones are "+"-joined codes)."""
    parts = str(code).split("+")
    out = []
    for part in parts:
        if part == "other":
            out.append(t("needs.sample.other", lang))
        elif margin == "sex":
            out.append(value_label("sex", part, lang))
        elif margin == "age_group":
            out.append(labels("age_groups", lang).get(part, part))
        elif margin == "residence_basis":
            out.append(labels("residence_bases", lang).get(part, part))
        elif margin == "citizenship":
            out.append(labels("countries", lang, column="name").get(part, part))
        else:
            out.append(part)
    return " + ".join(out)


MARGIN_KEYS = {
    "sex": "needs.sample.margin.sex",
    "age_group": "needs.sample.margin.age_group",
    "citizenship": "needs.sample.margin.citizenship",
    "residence_basis": "needs.sample.margin.residence_basis",
}


def _margin_label(margin: str, lang: str) -> str:
    return t(MARGIN_KEYS[margin], lang) if margin in MARGIN_KEYS else margin


def final_groups(collapsed: pd.DataFrame) -> dict[str, list[list[str]]]:
    """The merged weighting categories as they ended up, per margin.

    Raking merges step by step ("55–64 + 65+", then "45–54 + 55–64 + 65+"); a reader needs only
    the final groups, the largest sets of categories merged together.
    """
    out: dict[str, list[list[str]]] = {}
    for margin, part in collapsed.groupby("margin", sort=False):
        sets = [frozenset(str(c).split("+")) for c in part["categories"]]
        final = [s_ for s_ in dict.fromkeys(sets) if not any(s_ < other for other in sets)]
        order = {c: i for i, c in enumerate(_category_order(margin))}
        groups = [sorted(g, key=lambda c: (order.get(c, len(order)), c)) for g in final]
        out[str(margin)] = sorted(groups, key=lambda g: (order.get(g[0], len(order)), g[0]))
    return out


def _category_order(margin: str) -> list[str]:
    if margin == "age_group":
        return reference.table("age_groups")["age_group"].tolist()
    if margin == "residence_basis":
        return reference.table("residence_bases")["residence_basis"].tolist()
    return []


def weighting_summary(rake, lang: str, min_count: int) -> Html:
    """Key figures of the weighting: respondents, population represented, margins, convergence,
    weight range, design effect and effective sample size."""
    s = rake.summary()
    margins = [_margin_label(m, lang) for m in s["margins"]]
    yes, no = t("common.yes", lang), t("common.no", lang)
    mean_w = s["population"] / s["n"] if s["n"] else float("nan")
    rows = [
        (t("needs.sample.respondents", lang), count_cell(s["n"], lang, min_count)),
        (
            t("needs.sample.population", lang, year=s["year"]),
            Cell(fmt_count(round(s["population"]), lang), css="tsp-num"),
        ),
        (t("needs.sample.margins", lang), Cell(", ".join(margins))),
        (
            t("needs.sample.converged", lang),
            Cell(
                (yes if s["converged"] else no)
                + " · "
                + t("needs.sample.iterations", lang, iterations=s["iterations"])
            ),
        ),
        (
            t("needs.sample.max_error", lang),
            Cell(
                t("common.pp", lang, value=fmt_number(100 * s["max_error"], lang, 2)), css="tsp-num"
            ),
        ),
        (
            t("needs.sample.weight_range", lang),
            Cell(
                f"{fmt_number(s['weight_min'] / mean_w, lang, 2)}{DASH}"
                f"{fmt_number(s['weight_max'] / mean_w, lang, 2)}",
                css="tsp-num",
            ),
        ),
        (t("needs.sample.trimmed", lang), Cell(fmt_count(s["n_trimmed"], lang), css="tsp-num")),
        (t("needs.sample.deff", lang), Cell(fmt_number(s["deff"], lang, 2), css="tsp-num")),
        (t("needs.sample.n_eff", lang), Cell(fmt_number(s["n_eff"], lang, 0), css="tsp-num")),
    ]
    frame = pd.DataFrame(
        {t("needs.sample.value", lang): [c for _, c in rows]}, index=[k for k, _ in rows]
    )
    notes = []
    if s["dropped"]:
        notes.append(
            t(
                "needs.sample.dropped",
                lang,
                margins=", ".join(_margin_label(m, lang) for m in s["dropped"]),
            )
        )
    collapsed = getattr(rake, "collapsed", None)
    if collapsed is not None and len(collapsed):
        groups = [
            _margin_label(margin, lang)
            + ": "
            + "; ".join(_category_label(margin, "+".join(g), lang) for g in merged)
            for margin, merged in final_groups(collapsed).items()
        ]
        notes.append(t("needs.sample.collapsed", lang, merged="; ".join(groups)))
    trim = getattr(rake, "trim", None)
    if trim and s["n"] and (s["weight_min"] / mean_w < trim[0] - 1e-6
                            or s["weight_max"] / mean_w > trim[1] + 1e-6):
        notes.append(t("needs.sample.untrimmed", lang,
                       low=fmt_number(trim[0], lang, 0 if float(trim[0]).is_integer() else 1),
                       high=fmt_number(trim[1], lang, 0 if float(trim[1]).is_integer() else 1)))
    return table(
        frame,
        lang,
        caption=t("needs.sample.weights_caption", lang),
        index_header=t("needs.sample.figure", lang),
        notes=notes,
        min_count=min_count,
    )


def sample_table(svp: pd.DataFrame, lang: str, min_count: int) -> Html:
    """The sample against the population per category: respondents, sample share, weighted
    share, population share."""
    rows = []
    has_weighted = "weighted_share" in svp
    previous = None
    for rec in svp.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        n = rec["sample_n"]
        # The variable's name on its first row only: the rows below belong to it.
        margin = _margin_label(rec["margin"], lang) if rec["margin"] != previous else ""
        previous = rec["margin"]
        row = {
            t("needs.sample.col.margin", lang): margin,
            t("needs.sample.col.category", lang): _category_label(
                rec["margin"], rec["category"], lang
            ),
            t("needs.sample.col.respondents", lang): count_cell(n, lang, min_count, suppressed),
            t("needs.sample.col.sample_share", lang): _share_cell(
                rec["sample_share"], n, suppressed, lang, min_count
            ),
        }
        if has_weighted:
            row[t("needs.sample.col.weighted_share", lang)] = _share_cell(
                rec["weighted_share"], n, suppressed, lang, min_count
            )
        row[t("needs.sample.col.population_share", lang)] = Cell(
            fmt_percent(rec["population_share"], lang), css="tsp-num"
        )
        rows.append(row)
    year = int(svp["year"].iloc[0]) if len(svp) else ""
    return table(
        pd.DataFrame(rows),
        lang,
        index=False,
        min_count=min_count,
        caption=t("needs.sample.profile_caption", lang, year=year),
        css="tsp-grouped",
    )


# -- 4. needs by area ---------------------------------------------------------------------------
def _area_labels(lang: str) -> dict[str, str]:
    return labels("areas", lang)


def _significance_mark(rec: dict) -> str:
    if not bool(rec.get("significant")) or pd.isna(rec.get("difference")):
        return ""
    return " ▲" if rec["difference"] > 0 else " ▼"


def _rest_cell(rec: dict, kind: str, lang: str, min_base: int) -> Cell:
    """The pooled other municipalities' figure with its base and the adjusted p-value of the
    difference (▲/▼ when significant)."""
    est, n = rec.get("rest_estimate"), rec.get("rest_n")
    if pd.isna(est) or pd.isna(n) or int(n) < min_base:
        return Cell(SUPPRESSED_MARK, kind=kind, suppressed=True)
    text = fmt_percent(est, lang) if kind == "share" else fmt_number(est, lang, 0)
    lines = [text, t("common.base", lang, n=fmt_count(n, lang))]
    p = rec.get("p_adjusted")
    if not pd.isna(p):
        lines.append(t("needs.needs.p", lang, p=fmt_p_eq(p, lang)) + _significance_mark(rec))
    return Cell("\n".join(lines), n=int(n), kind=kind)


NEEDS_COLUMNS = (
    ("need", "needs.needs.col.need", "needs.needs.col.need_rest"),
    ("unmet", "needs.needs.col.unmet", "needs.needs.col.unmet_rest"),
)


def needs_table(comparison: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Need and unmet need per area with intervals and bases, against the other municipalities
    (adjusted p-values; ▲/▼ marks a significant difference)."""
    names = _area_labels(lang)
    rows = {}
    for area in reference.area_ids():
        row = {}
        for measure, key_m, key_r in NEEDS_COLUMNS:
            part = comparison[(comparison["measure"] == measure) & (comparison["area"] == area)]
            if part.empty:
                row[t(key_m, lang)] = Cell(DASH)
                row[t(key_r, lang)] = Cell(DASH)
                continue
            rec = part.iloc[0].to_dict()
            row[t(key_m, lang)] = estimate_cell(
                rec["estimate"], rec["ci_low"], rec["ci_high"], rec["n"], rec["suppressed"],
                "share", lang, min_base,
            )
            row[t(key_r, lang)] = _rest_cell(rec, "share", lang, min_base)
        rows[names[area]] = row
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("needs.needs.caption", lang),
        min_base=min_base,
        index_header=t("needs.col.area", lang),
        notes=[t("needs.needs.p_note", lang)],
    )


def needs_chart(comparison: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Need and unmet need per area with 95% intervals (suppressed ones left out)."""
    data = comparison[comparison["measure"].isin(["need", "unmet"])]
    return charts.interval_bars(
        data,
        "area",
        lang,
        min_base,
        alt=t("needs.needs.chart_title", lang),
        hue="measure",
        category_labels=_area_labels(lang),
        order=reference.area_ids(),
        hue_labels={
            "need": t("needs.needs.col.need", lang),
            "unmet": t("needs.needs.col.unmet", lang),
        },
        hue_order=["need", "unmet"],
        title=t("needs.needs.chart_title", lang),
    )


# -- 5. service assessment ----------------------------------------------------------------------
def scores_heatmap(comparison: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Area × criterion scores (0–100); suppressed cells hatched."""
    data = comparison[comparison["measure"] == "score"]
    return charts.heatmap(
        data,
        "area",
        "criterion",
        lang,
        min_base,
        alt=t("needs.scores.heatmap_title", lang),
        row_labels=labels("areas", lang, column="short"),
        col_labels=labels("criteria", lang),
        row_order=reference.area_ids(),
        col_order=reference.criterion_ids(),
        title=t("needs.scores.heatmap_title", lang),
    )


def scores_table(comparison: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Area × criterion scores with intervals and bases; ▲/▼ marks a significant difference
    from the other municipalities."""
    data = comparison[comparison["measure"] == "score"]
    wide = estimates_wide(
        data,
        "area",
        "criterion",
        "score",
        lang,
        min_base,
        index_labels=_area_labels(lang),
        column_labels=labels("criteria", lang),
        index_order=reference.area_ids(),
        column_order=reference.criterion_ids(),
    )
    marks = {(r["area"], r["criterion"]): _significance_mark(r) for r in data.to_dict("records")}
    names = _area_labels(lang)
    crit = labels("criteria", lang)
    for (area, criterion), mark in marks.items():
        if not mark:
            continue
        cell = wide.loc[names[area], crit[criterion]]
        if not cell.suppressed:
            first, _, rest = cell.text.partition("\n")
            wide.loc[names[area], crit[criterion]] = Cell(
                f"{first}{mark}\n{rest}", n=cell.n, kind=cell.kind
            )
    return table(
        wide,
        lang,
        caption=t("needs.scores.caption", lang),
        min_base=min_base,
        index_header=t("needs.col.area", lang),
        notes=[t("needs.scores.mark_note", lang)],
    )


# -- 6. provider side ---------------------------------------------------------------------------
PROVIDER_KEYS = {
    "competence": "needs.provider.col.competence",
    "resources": "needs.provider.col.resources",
    "capacity": "needs.provider.col.capacity",
}


def provider_table(provider: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Providers' competence, resources and capacity per area (0–100) with intervals."""
    wide = estimates_wide(
        provider,
        "area",
        "measure",
        "score",
        lang,
        min_base,
        index_labels=_area_labels(lang),
        column_labels={m: t(k, lang) for m, k in PROVIDER_KEYS.items()},
        index_order=reference.area_ids(),
        column_order=list(PROVIDER_KEYS),
    )
    return table(
        wide,
        lang,
        caption=t("needs.provider.caption", lang),
        min_base=min_base,
        index_header=t("needs.col.area", lang),
    )


def need_capacity_chart(gap: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Per area, the share of TŠP who needed services (%) against providers' capacity (0–100);
    a long line with need to the right of capacity is a gap."""
    data = gap.copy()
    for col, base in (("need", "need_n"), ("capacity", "capacity_n")):
        small = data[base].isna() | (data[base].astype(float) < min_base)
        data[col] = data[col].astype(float).mask(small)
    omitted = [
        labels("areas", lang, column="short")[a]
        for a, nd, cp in zip(data["area"], data["need"], data["capacity"], strict=True)
        if pd.isna(nd) or pd.isna(cp)
    ]
    fig = charts.dumbbell_figure(
        data,
        "area",
        "need",
        "capacity",
        lang,
        left_label=t("needs.provider.need_label", lang),
        right_label=t("needs.provider.capacity_label", lang),
        item_labels=labels("areas", lang, column="short"),
        order=reference.area_ids(),
        title=t("needs.provider.chart_title", lang),
        xlabel=t("needs.provider.chart_x", lang),
    )
    notes = (
        [
            t(
                "charts.omitted",
                lang,
                items=", ".join(omitted),
                threshold=min_base,
                mark=SUPPRESSED_MARK,
            )
        ]
        if omitted
        else []
    )
    return figure(fig, t("needs.provider.chart_title", lang), notes)


# -- 7. drivers of satisfaction -----------------------------------------------------------------
MODEL_VARIABLE_KEYS = {
    "lt_level": "needs.drivers.var.lt_level",
    "years_in_lt": "needs.drivers.var.years_in_lt",
    "residence_basis": "needs.drivers.var.residence_basis",
    "sex": "needs.drivers.var.sex",
    "age_group": "needs.drivers.var.age_group",
}


def _level_label(variable: str, code: str, lang: str) -> str:
    if variable == "residence_basis":
        return labels("residence_bases", lang).get(code, code)
    if variable == "age_group":
        return labels("age_groups", lang).get(code, code.replace("+", " + "))
    if variable == "sex":
        return value_label("sex", code, lang)
    return code


def _term_label(rec: dict, lang: str, reference_too: bool = True) -> str:
    variable = rec["variable"]
    name = t(MODEL_VARIABLE_KEYS[variable], lang) if variable in MODEL_VARIABLE_KEYS else variable
    if not rec.get("level"):
        return name
    level = " + ".join(_level_label(variable, c, lang) for c in str(rec["level"]).split("+"))
    if not reference_too:
        return f"{name}: {level}"
    ref = " + ".join(_level_label(variable, c, lang) for c in str(rec["reference"]).split("+"))
    return t("needs.drivers.term", lang, variable=name, level=level, reference=ref)


def drivers(result, lang: str, min_count: int) -> Html:
    """Odds ratios of the satisfaction model (table and chart), or why it was not estimated."""
    from ..errors import EstimationSkipped

    if isinstance(result, EstimationSkipped):
        n = result.details.get("n") if result.details else None
        if n is not None and int(n) < 80:
            if int(n) < min_count:
                return message("needs.drivers.skipped_tiny", lang, threshold=min_count)
            return message("needs.drivers.skipped_n", lang, n=fmt_count(n, lang))
        return message("needs.drivers.skipped", lang)
    tab = result.table
    rows = []
    term_labels = {}
    for rec in tab.to_dict("records"):
        name = _term_label(rec, lang)
        term_labels[rec["term"]] = _term_label(rec, lang, reference_too=False)
        rows.append(
            {
                t("needs.drivers.col.term", lang): name,
                t("needs.drivers.col.odds_ratio", lang): Cell(
                    fmt_interval(
                        rec["odds_ratio"], rec["ci_low"], rec["ci_high"], lang, kind="ratio"
                    ),
                    css="tsp-num",
                ),
                t("needs.drivers.col.p", lang): Cell(fmt_p(rec["p_value"], lang), css="tsp-num"),
            }
        )
    fig = charts.forest_figure(
        tab, lang, term_labels=term_labels, title=t("needs.drivers.chart_title", lang)
    )
    info = t(
        "needs.drivers.sample",
        lang,
        n=fmt_count(result.n, lang),
        dropped=fmt_count(result.n_dropped, lang),
    )
    return join(
        [
            table(
                pd.DataFrame(rows),
                lang,
                index=False,
                caption=t("needs.drivers.caption", lang),
                notes=[info],
            ),
            figure(fig, t("needs.drivers.chart_title", lang)),
        ]
    )


# -- 8. information and language ----------------------------------------------------------------
def information_chart(info: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Where TŠP look for information on services (share using each channel, 95% intervals)."""
    data = info[info["kind"] == "channel"].copy()
    names = {c: _channel_label(c, lang) for c in data["category"]}
    data = data.sort_values("estimate", ascending=False, kind="stable", na_position="last")
    return charts.interval_bars(
        data,
        "category",
        lang,
        min_base,
        alt=t("needs.information.chart_title", lang),
        category_labels=names,
        order=list(data["category"]),
        title=t("needs.information.chart_title", lang),
    )


def _channel_label(channel: str, lang: str) -> str:
    from .i18n import question_label

    try:
        return question_label("tsp_survey", f"info_{channel}", lang)
    except KeyError:
        return channel


def language_table(info: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Preferred language of information (shares with intervals)."""
    data = info[info["kind"] == "language"]
    rows = {}
    for rec in data.to_dict("records"):
        rows[value_label("language", rec["category"], lang)] = {
            t("needs.information.col.share", lang): estimate_cell(
                rec["estimate"],
                rec["ci_low"],
                rec["ci_high"],
                rec["n"],
                rec["suppressed"],
                "share",
                lang,
                min_base,
            )
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("needs.information.language_caption", lang),
        min_base=min_base,
        index_header=t("needs.information.col.language", lang),
    )


# -- 9. priorities, composite index, recommendations --------------------------------------------
def priority_table(prio: pd.DataFrame, lang: str, min_base: int) -> Html:
    """Priority score and rank per area with its components."""
    names = _area_labels(lang)
    rows = []
    for rec in prio.sort_values("rank", kind="stable").to_dict("records"):
        rows.append(
            {
                t("needs.priorities.col.rank", lang): Cell(
                    DASH if pd.isna(rec["rank"]) else str(int(rec["rank"])), css="tsp-num"
                ),
                t("needs.col.area", lang): names.get(rec["area"], rec["area"]),
                t("needs.priorities.col.need", lang): _value_cell(
                    rec["need"], rec["need_n"], "share", lang, min_base
                ),
                t("needs.priorities.col.unmet", lang): _value_cell(
                    rec["unmet"], rec["unmet_n"], "share", lang, min_base
                ),
                t("needs.priorities.col.score", lang): _value_cell(
                    rec["score"], rec["score_n"], "score", lang, min_base
                ),
                t("needs.priorities.col.capacity", lang): _value_cell(
                    rec["capacity"], rec["capacity_n"], "score", lang, min_base
                ),
                t("needs.priorities.col.priority", lang): Cell(
                    DASH
                    if pd.isna(rec["priority"])
                    else fmt_number(rec["priority"], lang, 0) + ("" if rec["complete"] else " *"),
                    css="tsp-num",
                ),
            }
        )
    notes = [t("needs.priorities.formula", lang)]
    if not prio["complete"].all():
        notes.append(t("needs.priorities.incomplete", lang))
    return table(
        pd.DataFrame(rows),
        lang,
        index=False,
        min_base=min_base,
        caption=t("needs.priorities.caption", lang),
        notes=notes,
    )


def _value_cell(value: object, n: object, kind: str, lang: str, min_base: int) -> Cell:
    if pd.isna(value) or pd.isna(n) or int(n) < min_base:
        return Cell(SUPPRESSED_MARK, kind=kind, suppressed=True)
    text = fmt_percent(float(value), lang) if kind == "share" else fmt_number(value, lang, 0)
    return Cell(text, n=int(n), kind=kind, css="tsp-num")


def priority_stability_chart(stability: pd.DataFrame, lang: str) -> Html:
    """Rank range of each area over alternative weights and aggregations."""
    fig = charts.rank_range_figure(
        stability,
        "area",
        lang,
        item_labels=labels("areas", lang, column="short"),
        title=t("needs.priorities.stability_title", lang),
    )
    return figure(
        fig,
        t("needs.priorities.stability_title", lang),
        [
            t(
                "needs.priorities.stability_note",
                lang,
                scenarios=fmt_count(int(stability["n_scenarios"].iloc[0]), lang),
            )
        ],
    )


def index_table(index: pd.DataFrame, stability: pd.DataFrame, municipality: str, lang: str) -> Html:
    """The overall service index of every municipality (0–100) with its rank and rank range."""
    merged = index.merge(
        stability[["municipality", "rank_min", "rank_max"]], on="municipality", how="left"
    ).sort_values("rank", kind="stable")
    rows = {}
    for rec in merged.to_dict("records"):
        name = _unit(rec["municipality"], lang)
        if rec["municipality"] == municipality:
            name = f"▶ {name}"
        rows[name] = {
            t("needs.index.col.index", lang): Cell(
                fmt_number(rec["index"], lang, 1) + ("" if rec["complete"] else " *"), css="tsp-num"
            ),
            t("needs.index.col.rank", lang): Cell(str(int(rec["rank"])), css="tsp-num"),
            t("needs.index.col.range", lang): Cell(
                f"{int(rec['rank_min'])}{DASH}{int(rec['rank_max'])}", css="tsp-num"
            ),
        }
    notes = [t("needs.index.note_method", lang)]
    if not merged["complete"].all():
        notes.append(t("needs.index.incomplete", lang))
    return table(
        pd.DataFrame.from_dict(rows, orient="index"),
        lang,
        caption=t("needs.index.caption", lang),
        index_header=t("common.municipality", lang),
        notes=notes,
    )


def recommendations(
    recs: pd.DataFrame, lang: str, priorities: pd.DataFrame | None = None, top: int = 3
) -> Html:
    """Recommendations fired by the rules: a table (area, recommendation, the figures that
    triggered it, a good practice), then each cited good practice described once.

    With ``priorities``, only the recommendations for the ``top`` priority areas and for the
    municipality as a whole are listed (a note says how many rules fired in all): the same rule
    firing for every area would otherwise bury the ones that matter most.
    """
    if recs is None or len(recs) == 0:
        return message("needs.recommendations.none", lang)
    fired = len(recs)
    if priorities is not None:
        keep = set(priorities.loc[priorities["rank"].notna() & (priorities["rank"] <= top),
                                  "area"])
        recs = recs[recs["area"].isin(keep) | ~recs["area"].isin(reference.area_ids())]
    names = _area_labels(lang)
    rows = []
    practices: dict[str, str] = {}
    for i, rec in enumerate(recs.to_dict("records"), start=1):
        area = rec.get("area")
        practice = rec.get("practice_name")
        practice = practice if isinstance(practice, str) and practice else ""
        if practice and isinstance(rec.get("practice_description"), str):
            practices.setdefault(practice, rec["practice_description"])
        rows.append({
            t("needs.recommendations.col.number", lang): Cell(str(i), css="tsp-num"),
            t("needs.col.area", lang): (names[area] if area in names
                                        else t("needs.recommendations.municipality_wide", lang)),
            t("needs.recommendations.col.text", lang): str(rec["text"]),
            t("needs.recommendations.col.evidence", lang): str(rec.get("evidence") or DASH),
            t("needs.recommendations.col.practice", lang): practice or DASH,
        })
    notes = []
    if priorities is not None:
        notes.append(t("needs.recommendations.selection", lang, top=top, shown=len(recs),
                       fired=fired))
    out = table(pd.DataFrame(rows), lang, index=False, css="tsp-recommendations",
                caption=t("needs.recommendations.caption", lang), notes=notes)
    if practices:
        items = "".join(f"<li><strong>{_esc(name)}</strong>: {_esc(text)}</li>"
                        for name, text in practices.items())
        out += (f'<p class="tsp-practices-title">{t_html("needs.recommendations.practices", lang)}'
                f'</p><ul class="tsp-practices">{items}</ul>')
    return Html(out)


def _esc(value: object) -> str:
    from html import escape

    return escape(str(value))


# -- 10. method ---------------------------------------------------------------------------------
METHOD_KEYS = (
    "needs.method.weights",
    "needs.method.estimates",
    "needs.method.scores",
    "needs.method.comparisons",
    "needs.method.model",
    "needs.method.priority",
    "needs.method.disclosure",
)


def method_text(lang: str, min_base: int, min_count: int) -> Html:
    """The method in plain words, one paragraph per step."""
    out = []
    for key in METHOD_KEYS:
        # Each paragraph opens with its topic ("Weights.", "Svoriai."), set in bold.
        topic, _, rest = t_html(key, lang, min_base=min_base, min_count=min_count).partition(". ")
        out.append(f"<p><strong>{topic}.</strong> {rest}</p>")
    return join(out)
