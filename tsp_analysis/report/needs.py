"""Sections of the needs-analysis report (SPEC §2.1), one function per table or chart.

Every function takes the checked :class:`~tsp_analysis.results.table.Results` of the report
(``results.compute("needs_analysis", params)``) and the language, and returns
:class:`~tsp_analysis.report.display.Html`. Figures reach the page only as checked cells
(:mod:`.checked`): a hidden one shows the mark with its reason in a footnote; charts leave hidden
figures out and say which. Each table and chart links to its data. Both languages render the
same results: nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from .. import reference
from ..composite import NOT_ENOUGH_DATA
from ..ids import COUNTRY, OTHER, TOTAL
from ..results.table import Results, ResultTable
from . import charts
from .checked import cell, cells_table, grid, range_cell, span
from .display import (
    Cell,
    Html,
    chart_data,
    data_links,
    figure,
    join,
    label_html,
    message,
    missing,
    safe,
    suppression_note,
    table,
)
from .i18n import (
    DASH,
    SUPPRESSED_MARK,
    Markup,
    category_label,
    fmt_count,
    fmt_list,
    fmt_number,
    fmt_p,
    label,
    labels,
    lower_first,
    question_label,
    sentence_list,
    t,
    t_html,
    value_label,
)
from .i18n import (
    has as has_text,
)


# -- helpers ------------------------------------------------------------------------------------
def _rows(tab: ResultTable, **where: str) -> list[dict[str, Any]]:
    """Checked rows of ``tab`` whose dimensions equal ``where``."""
    return [r for r in tab.records() if all(r.get(k) == v for k, v in where.items())]


def _one(tab: ResultTable, **where: str) -> dict[str, Any] | None:
    hits = _rows(tab, **where)
    return hits[0] if len(hits) == 1 else None


def _cell(tab: ResultTable, rec: dict | None, lang: str, **options: Any) -> Cell:
    """The checked cell of ``rec``, or a dash where the table has no such row."""
    return Cell(DASH) if rec is None else cell(tab, rec, lang, **options)


def _shown(rec: Mapping[str, Any]) -> bool:
    return not bool(rec["suppressed"]) and not pd.isna(rec["estimate"])


def _year(res: Results) -> Markup:
    return safe(res.info["year"], "year")


def _unit_name(slug: str, lang: str) -> str:
    return label("municipalities", slug, lang)


def _area_labels(lang: str) -> dict[str, str]:
    return labels("areas", lang)


def _chart(
    fig,
    tab: ResultTable,
    lang: str,
    alt: str,
    hidden: Sequence[tuple[str, str]] = (),
    notes: Sequence[str | Markup] = (),
    list_hidden: bool = True,
    data_table: str = "",
) -> Html:
    """An embedded chart with its text alternative ``alt`` (:func:`charts.alt_text`), the
    figures it leaves out (hidden by the policy) and why, the chart's figures as a table when
    no other table of the report shows them (``data_table``, folded in a ``<details>``), and
    the link to its data — all inside the chart's ``<figure>``. ``list_hidden=False`` when the
    chart marks them itself (the heatmap)."""
    foot: list[Markup] = [n if isinstance(n, Markup) else label_html(n) for n in notes]
    if hidden and list_hidden:
        items = fmt_list(list(dict.fromkeys(name for name, _ in hidden)), lang)
        foot.append(t_html("needs.chart_hidden", lang, mark=SUPPRESSED_MARK, items=items))
        for reason in dict.fromkeys(r for _, r in hidden):
            foot.append(suppression_note(reason, lang, [tab]))
    notes_html = "".join(f'<p class="tsp-figure-note">{f}</p>' for f in foot)
    return figure(
        fig, alt, after=notes_html + chart_data(data_table, lang) + data_links([tab], lang)
    )


def _label_cell(text: object) -> Cell:
    """A label in a table column (digits in it, "25–34", are part of the label)."""
    return Cell(str(text), markup=label_html(str(text)))


def _caption(tab: ResultTable, lang: str, key: str, **values: object) -> Markup:
    return t_html(key, lang, **values) if values else label_html(tab.caption[lang])


# -- 2. context ---------------------------------------------------------------------------------
def context_comparison_table(res: Results, lang: str) -> Html:
    """TŠP in the municipality, the other municipalities and the country (one year)."""
    tab = res["context_compare"]
    order = list(dict.fromkeys(tab.data["municipality"]))
    rows = {}
    for m in order:
        recs = {r["measure"]: r for r in _rows(tab, municipality=m)}
        top = recs.get("top_citizenship")
        if top is None:
            top_cell = Cell(DASH)
        else:
            country = label_html(label("countries", top["citizenship"], lang))
            figure_span = span(tab, top, lang)
            top_cell = Cell("", markup=Markup(f"{country} ({figure_span})"))
        name = _unit_name(m, lang)
        if recs.get("tsp", {}).get("role") == "selected":
            name = f"▶ {name}"
        rows[name] = {
            t("needs.context.col.tsp", lang): _cell(tab, recs.get("tsp"), lang),
            t("needs.context.col.residents", lang): _cell(tab, recs.get("residents"), lang),
            t("needs.context.col.share_residents", lang): _cell(
                tab, recs.get("per_100"), lang, decimals=1, css="tsp-num"
            ),
            t("needs.context.col.female", lang): _cell(tab, recs.get("female"), lang),
            t("needs.context.col.top_citizenship", lang): top_cell,
        }
    return cells_table(
        rows,
        tab,
        lang,
        "common.municipality",
        caption=t_html("needs.context.compare_caption", lang, year=_year(res)),
    )


def residence_chart(res: Results, lang: str) -> Html:
    """Residence bases of TŠP in each unit (100 % stacked bars); a hidden share is drawn as a
    grey "not shown" part, so the bars keep their true proportions."""
    tab = res["context_residence"]
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    names = labels("municipalities", lang)
    base_labels = labels("residence_bases", lang)
    rows, hidden = [], []
    for rec in tab.records():
        if _shown(rec):
            rows.append(
                {
                    "municipality": rec["municipality"],
                    "basis": rec["residence_basis"],
                    "share": float(rec["estimate"]),
                }
            )
        elif rec["suppressed"]:
            hidden.append(
                (
                    f"{names.get(rec['municipality'], rec['municipality'])} "
                    f"({base_labels.get(rec['residence_basis'])})",
                    rec["reason"],
                )
            )
    long = pd.DataFrame(rows, columns=["municipality", "basis", "share"])
    order = list(dict.fromkeys(tab.data["municipality"]))
    parts = list(bases)
    part_labels = dict(base_labels)
    if hidden:
        rest = 1 - long.groupby("municipality")["share"].sum().reindex(order, fill_value=0)
        extra = pd.DataFrame(
            {"municipality": order, "basis": "_hidden", "share": rest.clip(lower=0).to_numpy()}
        )
        long = pd.concat([long, extra], ignore_index=True)
        parts.append("_hidden")
        part_labels["_hidden"] = SUPPRESSED_MARK
    title = t("needs.context.residence_title", lang, year=res.info["year"])
    unit_shares = {
        base_labels.get(r["basis"], r["basis"]): r["share"]
        for r in rows
        if r["municipality"] == res.unit
    }
    alt = charts.alt_text(
        "stacked",
        title,
        lang,
        orders=[charts.alt_order(unit_shares, lang, _unit_name(res.unit, lang))],
        hidden=bool(hidden),
    )
    data_table = grid(
        tab,
        lang,
        rows="municipality",
        columns="residence_basis",
        row_order=order,
        column_order=bases,
        row_labels=names,
        column_labels=base_labels,
        index_header=t("common.municipality", lang),
        caption=title,
    )
    fig = charts.stacked_bars_figure(
        long,
        category="municipality",
        part="basis",
        value="share",
        lang=lang,
        part_order=parts,
        part_labels=part_labels,
        category_labels=names,
        order=order,
        title=title,
    )
    return _chart(fig, tab, lang, alt, hidden, data_table=data_table)


def trend_chart(res: Results, lang: str) -> Html:
    """TŠP per 100 residents over the years, every municipality and the country."""
    tab = res["context_trend"]
    names = labels("municipalities", lang)
    shown = [r for r in tab.records() if _shown(r)]
    hidden = [
        (f"{names.get(r['municipality'], r['municipality'])} {r['year']}", r["reason"])
        for r in tab.records()
        if r["suppressed"]
    ]
    data = pd.DataFrame(
        {
            "municipality": [r["municipality"] for r in shown],
            "year": [int(r["year"]) for r in shown],
            "share_pct": [float(r["estimate"]) for r in shown],
        }
    )
    title = t("needs.context.trend_title", lang)
    orders = []
    if shown:
        last = max(int(r["year"]) for r in shown)
        orders.append(
            charts.alt_order(
                {
                    names.get(r["municipality"], r["municipality"]): float(r["estimate"])
                    for r in shown
                    if int(r["year"]) == last
                },
                lang,
                str(last),
            )
        )
    alt = charts.alt_text("lines", title, lang, orders=orders, hidden=bool(hidden))
    units = list(dict.fromkeys(tab.data["municipality"]))
    data_table = grid(
        tab,
        lang,
        rows="year",
        columns="municipality",
        column_order=units,
        column_labels=names,
        index_header=t("charts.col.year", lang),
        caption=title,
    )
    fig = charts.lines_figure(
        data,
        x="year",
        y="share_pct",
        hue="municipality",
        lang=lang,
        hue_labels=names,
        highlight=res.unit,
        reference=COUNTRY,
        title=title,
        ylabel=t("needs.context.trend_y", lang),
    )
    return _chart(fig, tab, lang, alt, hidden, data_table=data_table)


def _signed(rec: Mapping[str, Any], lang: str) -> Callable[[str], str]:
    positive = not pd.isna(rec["estimate"]) and float(rec["estimate"]) > 0
    percent = "\u00a0%" if lang == "lt" else "%"
    return lambda body: f"{'+' if positive else ''}{body}{percent}"


def trend_table(res: Results, lang: str) -> Html:
    """The municipality's TŠP count, TŠP per 100 residents and the yearly change."""
    tab = res["context_trend_unit"]
    rows: dict[str, dict[str, Cell]] = {}
    for year in dict.fromkeys(tab.data["year"]):
        recs = {r["measure"]: r for r in _rows(tab, year=year)}
        change = recs.get("change")
        rows[str(year)] = {
            t("needs.context.col.tsp", lang): _cell(tab, recs.get("tsp"), lang),
            t("needs.context.col.share_residents", lang): _cell(
                tab, recs.get("per_100"), lang, decimals=2, css="tsp-num"
            ),
            t("needs.context.col.change", lang): _cell(
                tab,
                change,
                lang,
                decimals=1,
                css="tsp-num",
                text=_signed(change, lang) if change else None,
            ),
        }
    return cells_table(
        rows,
        tab,
        lang,
        "needs.context.col.year",
        caption=_caption(tab, lang, "needs.context.trend_caption"),
    )


def citizenship_table(res: Results, lang: str) -> Html:
    """The most common citizenships of TŠP in the municipality."""
    tab = res["context_citizenship"]
    rows = []
    for code in dict.fromkeys(tab.data["citizenship"]):
        name = (
            t("needs.context.other_citizenships", lang)
            if code == OTHER
            else label("countries", code, lang)
        )
        rows.append(
            {
                t("needs.context.col.citizenship", lang): _label_cell(name),
                t("needs.context.col.count", lang): _cell(
                    tab, _one(tab, citizenship=code, measure="count"), lang
                ),
                t("needs.context.col.share", lang): _cell(
                    tab, _one(tab, citizenship=code, measure="share"), lang, css="tsp-num"
                ),
            }
        )
    return cells_table(
        rows, tab, lang, caption=t_html("needs.context.citizenship_caption", lang, year=_year(res))
    )


def sex_age_table(res: Results, lang: str) -> Html:
    """TŠP by age group (rows) and sex (columns): counts and shares of all TŠP; the total in a
    note."""
    tab = res["context_sex_age"]
    ages = labels("age_groups", lang)
    data = tab.data[tab.data["age_group"] != TOTAL]
    rows: dict[str, dict[str, Cell]] = {}
    for age in dict.fromkeys(data["age_group"]):
        row: dict[str, Cell] = {}
        for sex in dict.fromkeys(data["sex"]):
            # a column counts people: "Moterys", not the answer label "Moteris"
            key = f"needs.context.sex.{sex}"
            name = t(key, lang) if has_text(key) else value_label("sex", sex, lang)
            row[name] = _cell(tab, _one(tab, sex=sex, age_group=age, measure="count"), lang)
            row[f"{name} (%)"] = _cell(
                tab, _one(tab, sex=sex, age_group=age, measure="share"), lang, css="tsp-num"
            )
        rows[ages.get(age, age)] = row
    total = _one(tab, sex=TOTAL, age_group=TOTAL, measure="count")
    notes = []
    if total is not None:
        notes.append(Markup(f"{label_html(t('common.total', lang))}: {span(tab, total, lang)}"))
    return cells_table(
        rows,
        tab,
        lang,
        "needs.context.col.age_group",
        caption=t_html("needs.context.sex_age_caption", lang, year=_year(res)),
        notes=notes,
    )


# -- 3. the sample and its weights --------------------------------------------------------------


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


def _param(value: float) -> Markup:
    text = f"{value:g}"
    return safe(text.replace(".", ","), "param")


def weighting_summary(res: Results, lang: str) -> Html:
    """Key figures of the weighting: respondents, population represented, margins, convergence,
    weight range, design effect and effective sample size."""
    tab = res["sample_weighting"]
    info = res.info["weighting"]
    recs = {r["figure"]: r for r in tab.records()}

    def figure_cell(name: str, **options: Any) -> Cell:
        return _cell(tab, recs.get(name), lang, **options)

    converged = recs.get("converged")
    if converged is not None and _shown(converged):
        yes = t("common.yes" if float(converged["estimate"]) >= 1 else "common.no", lang)
        converged_cell = cell(tab, converged, lang, formatter=lambda _v: yes)
    else:
        converged_cell = figure_cell("converged")
    low, high = recs.get("weight_min"), recs.get("weight_max")
    if low is not None and high is not None:
        range_cell = Cell(
            "",
            css="tsp-num",
            markup=Markup(
                f"{span(tab, low, lang, decimals=2)}{DASH}{span(tab, high, lang, decimals=2)}"
            ),
        )
    else:
        range_cell = Cell(DASH)
    rows = [
        (t("needs.sample.respondents", lang), figure_cell("respondents")),
        (
            t("needs.sample.population", lang, year=info["year"]),
            figure_cell("population", formatter=lambda v: fmt_number(v, lang, 0), css="tsp-num"),
        ),
        (
            t("needs.sample.margins", lang),
            Cell(
                ", ".join(
                    lower_first(_margin_label(m, lang)) if i else _margin_label(m, lang)
                    for i, m in enumerate(info["margins"])
                )
            ),
        ),
        (t("needs.sample.converged", lang), converged_cell),
        (t("needs.sample.figures.iterations", lang), figure_cell("iterations", css="tsp-num")),
        (
            t("needs.sample.max_error", lang),
            figure_cell(
                "max_error",
                css="tsp-num",
                formatter=lambda v: t("common.pp", lang, value=fmt_number(v, lang, 2)),
            ),
        ),
        (t("needs.sample.weight_range", lang), range_cell),
        (t("needs.sample.trimmed", lang), figure_cell("trimmed")),
        (t("needs.sample.deff", lang), figure_cell("deff", decimals=2, css="tsp-num")),
        (t("needs.sample.n_eff", lang), figure_cell("n_eff", decimals=0, css="tsp-num")),
    ]
    frame = pd.DataFrame(
        {t("needs.sample.value", lang): [c for _, c in rows]}, index=[k for k, _ in rows]
    )
    notes: list[Markup] = []
    if info["dropped"]:
        notes.append(
            t_html(
                "needs.sample.dropped",
                lang,
                margins=", ".join(lower_first(_margin_label(m, lang)) for m in info["dropped"]),
            )
        )
    if info["collapsed"]:
        groups = [
            lower_first(_margin_label(margin, lang))
            + ": "
            + "; ".join(category_label(margin, "+".join(g), lang, inline=True) for g in merged)
            for margin, merged in info["collapsed"].items()
        ]
        notes.append(label_html(t("needs.sample.collapsed", lang, merged="; ".join(groups))))
    if info["untrimmed"] and info["trim"]:
        low_t, high_t = info["trim"]
        notes.append(t_html("needs.sample.untrimmed", lang, low=_param(low_t), high=_param(high_t)))
    return table(
        frame,
        lang,
        caption=_caption(tab, lang, "needs.sample.weights_caption"),
        index_header=t("needs.sample.figure", lang),
        notes=notes,
        sources=[tab],
    )


SAMPLE_COLUMNS = (
    ("respondents", "needs.sample.col.respondents"),
    ("sample_share", "needs.sample.col.sample_share"),
    ("weighted_share", "needs.sample.col.weighted_share"),
    ("population_share", "needs.sample.col.population_share"),
)


def sample_table(res: Results, lang: str) -> Html:
    """The sample against the adult population per category: respondents, sample share,
    weighted share, population share."""
    tab = res["sample_profile"]
    measures = set(tab.data["measure"])
    rows = []
    for margin in dict.fromkeys(tab.data["margin"]):
        first = True
        part = tab.data[tab.data["margin"] == margin]
        for cat in dict.fromkeys(part["category"]):
            row: dict[str, Any] = {
                t("needs.sample.col.margin", lang): _margin_label(margin, lang) if first else "",
                t("needs.sample.col.category", lang): _label_cell(
                    category_label(margin, cat, lang)
                ),
            }
            first = False
            for measure, key in SAMPLE_COLUMNS:
                if measure in measures:
                    row[t(key, lang)] = _cell(
                        tab,
                        _one(tab, margin=margin, category=cat, measure=measure),
                        lang,
                        css="tsp-num",
                    )
            rows.append(row)
    return cells_table(
        rows,
        tab,
        lang,
        caption=t_html(
            "needs.sample.profile_caption", lang, year=safe(res.info["weighting"]["year"], "year")
        ),
        css="tsp-grouped",
    )


# -- 4. needs by area ---------------------------------------------------------------------------
def _mark(diff: dict | None) -> str:
    """▲/▼ next to the municipality's figure when its difference from the other municipalities
    is significant (and shown): ▲ higher in the municipality, ▼ lower (``direction``)."""
    if diff is None or not _shown(diff) or pd.isna(diff["significant"]):
        return ""
    if float(diff["significant"]) < 1:
        return ""
    return {"higher": " ▲", "lower": " ▼"}.get(str(diff.get("direction") or ""), "")


def _unit_cell(tab: ResultTable, rec: dict | None, diff: dict | None, lang: str) -> Cell:
    """The municipality's figure with its interval, the ▲/▼ of a significant difference next to
    it, and under it the base n and the interval base (the effective size the interval uses)."""
    if rec is None:
        return Cell(DASH)
    mark = _mark(diff)
    n, ni = rec.get("n"), rec.get("n_interval")
    base = "" if missing(n) else t("common.base", lang, n=fmt_count(n, lang))
    if base and not missing(ni):
        base += "; " + t("needs.interval_n", lang, n=fmt_number(float(ni), lang, 0))

    def text(body: str) -> str:
        return f"{body}{mark}\n{base}" if base else f"{body}{mark}"

    return cell(tab, rec, lang, text=text)


def _p_cell(tab: ResultTable, diff: dict | None, lang: str) -> Cell:
    if diff is None:
        return Cell(DASH)
    return cell(
        tab,
        diff,
        lang,
        column="p_adjusted",
        css="tsp-num",
        formatter=lambda v: fmt_p(float(v), lang) if not pd.isna(v) else DASH,
    )


def _comparison_notes(res: Results, family: str, lang: str) -> list[Markup]:
    """The family and method of the multiple-testing adjustment, what ▲/▼ mean, and that "not
    significant" is not "no difference"."""
    info = res.info.get("comparisons", {}).get(family)
    notes: list[Markup] = []
    if info and info.get("size"):
        method = str(info.get("method") or "")
        key = f"needs.comparisons.method.{method}"
        notes.append(
            t_html(
                "needs.comparisons.family_note",
                lang,
                family=t(f"needs.comparisons.family.{family}", lang),
                tests=safe(info["size"], "param"),
                method=t(key, lang) if has_text(key) else method,
            )
        )
    notes.append(t_html("needs.comparisons.not_significant", lang))
    notes.append(t_html("needs.interval_n_note", lang))
    return notes


NEEDS_COLUMNS = (
    ("need", "needs.needs.col.need", "needs.needs.col.need_rest", "needs.needs.col.p_need"),
    ("unmet", "needs.needs.col.unmet", "needs.needs.col.unmet_rest", "needs.needs.col.p_unmet"),
)


def needs_table(res: Results, lang: str) -> Html:
    """Need and unmet need per area with intervals, bases and interval bases, against the other
    municipalities (adjusted p-values; ▲/▼ next to the municipality's figure marks a significant
    difference and its direction)."""
    tab = res["need_unmet"]
    names = _area_labels(lang)
    rows = {}
    for area in reference.area_ids():
        row = {}
        for measure, key_m, key_r, key_p in NEEDS_COLUMNS:
            diff = _one(tab, area=area, measure=measure, group="difference")
            row[t(key_m, lang)] = _unit_cell(
                tab, _one(tab, area=area, measure=measure, group="unit"), diff, lang
            )
            row[t(key_r, lang)] = _cell(
                tab, _one(tab, area=area, measure=measure, group="rest"), lang, show_n=True
            )
            row[t(key_p, lang)] = _p_cell(tab, diff, lang)
        rows[names[area]] = row
    return cells_table(
        rows,
        tab,
        lang,
        "needs.col.area",
        caption=_caption(tab, lang, "needs.needs.caption"),
        notes=_comparison_notes(res, "needs", lang),
    )


def _interval_data(recs: Iterable[dict], cols: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(recs))
    if frame.empty:
        return pd.DataFrame(columns=[*cols, "estimate", "ci_low", "ci_high", "n", "suppressed"])
    for c in ("estimate", "ci_low", "ci_high"):
        frame[c] = pd.to_numeric(frame[c]).astype(float)
    frame["n"] = pd.to_numeric(frame["n"]).astype(float)
    return frame


def _bars(
    tab: ResultTable,
    recs: list[dict],
    category: str,
    lang: str,
    title: str,
    category_labels: Mapping[str, str],
    order: Sequence[str],
    hue: str | None = None,
    hue_labels: Mapping[str, str] | None = None,
    hue_order: Sequence[str] | None = None,
    table_name: str | None = None,
    data_table: str = "",
    scope: str | None = None,
) -> Html:
    """Interval bars of the shown rows; hidden ones are listed under the chart. The text
    alternative names the highest and lowest shown bar (of each ``hue`` group, else under
    ``scope``) and where the figures are: the table ``table_name`` of the report, or
    ``data_table`` shown under the chart."""
    shown = [r for r in recs if _shown(r)]
    hidden = []
    for r in recs:
        if not r["suppressed"]:
            continue
        name = category_labels.get(r[category], r[category])
        if hue:
            name = f"{name} ({(hue_labels or {}).get(r[hue], r[hue])})"
        hidden.append((name, r["reason"]))
    data = _interval_data(shown, [category, *([hue] if hue else [])])
    groups = list(hue_order or dict.fromkeys(r[hue] for r in shown)) if hue else [None]
    orders = [
        charts.alt_order(
            {
                category_labels.get(r[category], r[category]): float(r["estimate"])
                for r in shown
                if g is None or r[hue] == g
            },
            lang,
            (hue_labels or {}).get(g, g) if g is not None else (scope or title),
        )
        for g in groups
    ]
    alt = charts.alt_text(
        "bars_interval", title, lang, orders=orders, hidden=bool(hidden), table=table_name
    )
    fig, _ = charts.interval_bars_figure(
        data,
        category,
        lang,
        0,
        hue=hue,
        category_labels=dict(category_labels),
        hue_labels=dict(hue_labels or {}),
        order=list(order),
        hue_order=list(hue_order) if hue_order else None,
        title=title,
    )
    return _chart(
        fig, tab, lang, alt, hidden, [t("charts.interval_note", lang)], data_table=data_table
    )


def needs_chart(res: Results, lang: str) -> Html:
    """Need and unmet need per area with 95 % intervals (hidden ones left out)."""
    tab = res["need_unmet"]
    return _bars(
        tab,
        _rows(tab, group="unit"),
        "area",
        lang,
        t("needs.needs.chart_title", lang),
        _area_labels(lang),
        reference.area_ids(),
        hue="measure",
        hue_labels={
            "need": t("needs.needs.col.need", lang),
            "unmet": t("needs.needs.col.unmet", lang),
        },
        hue_order=["need", "unmet"],
        table_name=t("needs.needs.caption", lang),
    )


# -- 5. service assessment ----------------------------------------------------------------------
def scores_heatmap(res: Results, lang: str) -> Html:
    """Area × criterion scores (0–100); hidden cells hatched and marked."""
    tab = res["criterion_scores"]
    recs = _rows(tab, group="unit")
    short = labels("areas", lang, column="short")
    crit = labels("criteria", lang)
    data = _interval_data(recs, ["area", "criterion"])
    data["suppressed"] = [not _shown(r) for r in recs] if len(recs) else []
    fig, _ = charts.heatmap_figure(
        data,
        "area",
        "criterion",
        lang,
        0,
        row_labels=short,
        col_labels=crit,
        row_order=reference.area_ids(),
        col_order=reference.criterion_ids(),
        title=t("needs.scores.heatmap_title", lang),
    )
    hidden = [
        (f"{short.get(r['area'], r['area'])} ({crit.get(r['criterion'])})", r["reason"])
        for r in recs
        if r["suppressed"]
    ]
    alt = charts.alt_text(
        "heatmap",
        t("needs.scores.heatmap_title", lang),
        lang,
        orders=[
            charts.alt_order(
                {
                    f"{short.get(r['area'], r['area'])} ({crit.get(r['criterion'])})": float(
                        r["estimate"]
                    )
                    for r in recs
                    if _shown(r)
                },
                lang,
                t("charts.score_axis", lang),
            )
        ],
        hidden=bool(hidden),
        table=t("needs.scores.caption", lang),
    )
    return _chart(fig, tab, lang, alt, hidden, list_hidden=False)


def scores_table(res: Results, lang: str) -> Html:
    """Area × criterion scores with intervals and bases; ▲/▼ marks a significant difference
    from the other municipalities."""
    tab = res["criterion_scores"]
    names = _area_labels(lang)
    crit = labels("criteria", lang)
    rows = {}
    for area in reference.area_ids():
        row = {}
        for c in reference.criterion_ids():
            row[crit[c]] = _unit_cell(
                tab,
                _one(tab, area=area, criterion=c, group="unit"),
                _one(tab, area=area, criterion=c, group="difference"),
                lang,
            )
        rows[names[area]] = row
    return cells_table(
        rows,
        tab,
        lang,
        "needs.col.area",
        caption=_caption(tab, lang, "needs.scores.caption"),
        notes=_comparison_notes(res, "scores", lang),
    )


# -- 6. provider side ---------------------------------------------------------------------------
PROVIDER_KEYS = {
    "competence": "needs.provider.col.competence",
    "resources": "needs.provider.col.resources",
    "capacity": "needs.provider.col.capacity",
}


def provider_table(res: Results, lang: str) -> Html:
    """Providers' competence, resources and capacity per area (0–100) with intervals."""
    tab = res["provider_scores"]
    names = _area_labels(lang)
    rows = {}
    for area in reference.area_ids():
        rows[names[area]] = {
            t(key, lang): _unit_cell(tab, _one(tab, area=area, measure=m), None, lang)
            for m, key in PROVIDER_KEYS.items()
        }
    return cells_table(
        rows,
        tab,
        lang,
        "needs.col.area",
        caption=_caption(tab, lang, "needs.provider.caption"),
        notes=[t_html("needs.interval_n_note", lang)],
    )


def provider_types_table(res: Results, lang: str) -> Html:
    """Competence and resources over all areas by type of organisation (the stakeholder types
    seed 000 names), each with its interval and base; a type with too few respondents hidden."""
    from ..codebook import load_codebook

    tab = res["provider_types"]
    order = list(load_codebook().codes("org_type", substantive=True))
    present = list(dict.fromkeys(str(r["org_type"]) for r in tab.records()))
    rows = {}
    for code in sorted(present, key=lambda c: order.index(c) if c in order else len(order)):
        name = (
            value_label("org_type", code, lang)
            if code in order
            else t("needs.provider_types.missing", lang)
        )
        rows[name] = {
            t(PROVIDER_KEYS[m], lang): _cell_or_dash(tab, _one(tab, org_type=code, measure=m), lang)
            for m in ("competence", "resources")
        }
    if not rows:
        return message("needs.provider_types.none", lang)
    return cells_table(
        rows,
        tab,
        lang,
        "needs.provider_types.col.type",
        caption=_caption(tab, lang, "needs.provider_types.caption"),
        notes=[t_html("needs.provider_types.note", lang)],
    )


def _cell_or_dash(tab: ResultTable, rec: dict | None, lang: str) -> Cell:
    return Cell(DASH) if rec is None else cell(tab, rec, lang, show_n=True)


def need_capacity_chart(res: Results, lang: str) -> Html:
    """Per area, the share of TŠP who needed services (%) and providers' capacity (0–100), each
    on its own axis (two panels): different scales, never subtracted."""
    tab = res["need_capacity"]
    short = labels("areas", lang, column="short")
    rows, hidden = {}, []
    for rec in tab.records():
        if rec["measure"] not in ("need", "capacity"):
            continue
        row = rows.setdefault(
            rec["area"], {"area": rec["area"], "need": float("nan"), "capacity": float("nan")}
        )
        if _shown(rec):
            scale = 100.0 if rec["measure"] == "need" else 1.0
            row[rec["measure"]] = float(rec["estimate"]) * scale
        elif rec["suppressed"]:
            what = t(f"needs.provider.measure.{rec['measure']}", lang)
            hidden.append((f"{short.get(rec['area'], rec['area'])} ({what})", rec["reason"]))
    data = pd.DataFrame(list(rows.values()), columns=["area", "need", "capacity"])
    fig = charts.two_scales_figure(
        data,
        "area",
        "need",
        "capacity",
        lang,
        left_label=t("needs.provider.chart_need_axis", lang),
        right_label=t("needs.provider.chart_capacity_axis", lang),
        item_labels=short,
        order=reference.area_ids(),
        title=t("needs.provider.chart_title", lang),
    )
    alt = charts.alt_text(
        "panels",
        t("needs.provider.chart_title", lang),
        lang,
        orders=[
            charts.alt_order({short.get(a, a): r[m] for a, r in rows.items()}, lang, t(key, lang))
            for m, key in (
                ("need", "needs.provider.chart_need_axis"),
                ("capacity", "needs.provider.chart_capacity_axis"),
            )
        ],
        hidden=bool(hidden),
        table=t("needs.provider.caption", lang),
    )
    return _chart(fig, tab, lang, alt, hidden, [t_html("needs.provider.chart_scales", lang)])


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


def _term_label(rec: Mapping[str, Any], lang: str, reference_too: bool = True) -> str:
    variable = rec["variable"]
    name = t(MODEL_VARIABLE_KEYS[variable], lang) if variable in MODEL_VARIABLE_KEYS else variable
    if not rec.get("level"):
        return name
    level = " + ".join(_level_label(variable, c, lang) for c in str(rec["level"]).split("+"))
    if not reference_too:
        return f"{name}: {level}"
    ref = " + ".join(_level_label(variable, c, lang) for c in str(rec["reference"]).split("+"))
    return t("needs.drivers.term", lang, variable=name, level=level, reference=ref)


def drivers(res: Results, lang: str) -> Html:
    """Odds ratios of the satisfaction model (table and chart), or why it was not estimated."""
    tab, sample = res["drivers"], res["drivers_sample"]
    used = _one(sample, figure="used")
    skipped = res.info["model"]["skipped"]
    if skipped:
        why = (
            message("needs.drivers.skipped_n", lang, n=span(sample, used, lang))
            if skipped == "too_few" and used is not None
            else message("needs.drivers.skipped", lang)
        )
        # who was left out is known without a model; the Brant test needs one
        notes = _model_notes(res, lang)[:1] if used is not None else []
        return join([why, *(f'<p class="tsp-note">{n}</p>' for n in notes)])
    rows, term_labels, plotted, hidden = [], {}, [], []
    for rec in tab.records():
        term_labels[rec["term"]] = _term_label(rec, lang, reference_too=False)
        rows.append(
            {
                t("needs.drivers.col.term", lang): _label_cell(_term_label(rec, lang)),
                t("needs.drivers.col.odds_ratio", lang): cell(tab, rec, lang, css="tsp-num"),
                t("needs.drivers.col.p", lang): cell(
                    tab,
                    rec,
                    lang,
                    column="p_value",
                    css="tsp-num",
                    formatter=lambda v: fmt_p(float(v), lang),
                ),
            }
        )
        if _shown(rec):
            plotted.append(
                {
                    "term": rec["term"],
                    "odds_ratio": float(rec["estimate"]),
                    "ci_low": float(rec["ci_low"]),
                    "ci_high": float(rec["ci_high"]),
                }
            )
        elif rec["suppressed"]:
            hidden.append((term_labels[rec["term"]], rec["reason"]))
    notes = _model_notes(res, lang)
    fig = charts.forest_figure(
        pd.DataFrame(plotted, columns=["term", "odds_ratio", "ci_low", "ci_high"]),
        lang,
        term_labels=term_labels,
        title=t("needs.drivers.chart_title", lang),
    )
    return join(
        [
            table(
                pd.DataFrame(rows),
                lang,
                index=False,
                caption=_caption(tab, lang, "needs.drivers.caption"),
                notes=notes,
                sources=[tab, sample, res["model_checks"]],
            ),
            _chart(
                fig,
                tab,
                lang,
                charts.alt_text(
                    "forest",
                    t("needs.drivers.chart_title", lang),
                    lang,
                    orders=[
                        charts.alt_order(
                            {term_labels[r["term"]]: r["odds_ratio"] for r in plotted},
                            lang,
                            t("needs.drivers.col.odds_ratio", lang),
                        )
                    ],
                    hidden=bool(hidden),
                    table=t("needs.drivers.caption", lang),
                ),
                hidden,
            ),
        ]
    )


def _model_notes(res: Results, lang: str) -> list[Markup]:
    """The model's sample (respondents used; left out, in all and by the first question they
    did not answer, as checked counts), the merged satisfaction levels, and the Brant test of
    the proportional-odds assumption in words."""
    sample, checks = res["drivers_sample"], res["model_checks"]
    used, dropped = _one(sample, figure="used"), _one(sample, figure="dropped")
    notes: list[Markup] = []
    if used is not None and dropped is not None:
        reasons = []
        for rec in sample.records():
            figure_ = str(rec["figure"])
            if not figure_.startswith("dropped_"):
                continue
            if not rec["suppressed"] and not missing(rec["estimate"]) and rec["estimate"] == 0:
                continue
            name = t(f"needs.drivers.figure.{figure_}", lang)
            reasons.append(Markup(f"{label_html(lower_first(name))}: {span(sample, rec, lang)}"))
        if reasons:
            notes.append(
                t_html(
                    "needs.model.dropped",
                    lang,
                    n=span(sample, used, lang),
                    n_dropped=span(sample, dropped, lang),
                    reasons=Markup("; ".join(reasons)),
                )
            )
        else:
            notes.append(
                t_html(
                    "needs.drivers.sample",
                    lang,
                    n=span(sample, used, lang),
                    dropped=span(sample, dropped, lang),
                )
            )
    merged = res.info["model"].get("merged_levels") or []
    if merged:
        notes.append(
            t_html(
                "needs.model.merged_levels",
                lang,
                levels=Markup(", ".join(label_html(m.replace("+", " + ")) for m in merged)),
            )
        )
    omnibus = _one(checks, term="omnibus")
    if omnibus is None or not _shown(omnibus) or missing(omnibus["p_value"]):
        notes.append(t_html("needs.model.po_not_tested", lang))
        return notes
    alpha = float(res.info["alpha"])
    values = {
        "statistic": span(checks, omnibus, lang, decimals=1),
        "df": span(checks, omnibus, lang, column="df", formatter=lambda v: fmt_number(v, lang, 0)),
        "p": span(checks, omnibus, lang, column="p_value", formatter=lambda v: fmt_p(v, lang)),
    }
    if float(omnibus["p_value"]) >= alpha:
        notes.append(t_html("needs.model.po_holds", lang, **values))
    else:
        terms = [
            _model_term_label(str(r["term"]), lang)
            for r in checks.records()
            if r["term"] != "omnibus"
            and _shown(r)
            and not missing(r["p_value"])
            and float(r["p_value"]) < alpha
        ]
        notes.append(
            t_html(
                "needs.model.po_violated",
                lang,
                terms=label_html(fmt_list(terms, lang)) if terms else DASH,
                **values,
            )
        )
    return notes


def _model_term_label(term: str, lang: str) -> str:
    """A model term ("sex[female]", "lt_level") in words."""
    variable, _, level = term.partition("[")
    return _term_label(
        {"variable": variable, "level": level.rstrip("]"), "reference": ""},
        lang,
        reference_too=False,
    )


# -- 8. information and language ----------------------------------------------------------------
def _channel_label(channel: str, lang: str) -> str:
    try:
        return question_label("tsp_survey", f"info_{channel}", lang)
    except KeyError:
        return channel


def information_chart(res: Results, lang: str) -> Html:
    """Where TŠP look for information on services (share using each channel, 95 % intervals),
    most used first."""
    tab = res["information"]
    recs = _rows(tab, group="channel")
    names = {r["category"]: _channel_label(r["category"], lang) for r in recs}
    shown_order = sorted((r for r in recs if _shown(r)), key=lambda r: -float(r["estimate"]))
    order = [r["category"] for r in shown_order] + [r["category"] for r in recs if not _shown(r)]
    title = t("needs.information.chart_title", lang)
    rows = {
        names[r["category"]]: {
            t("needs.information.col.share", lang): cell(tab, r, lang, show_n=True)
        }
        for r in (next(x for x in recs if x["category"] == c) for c in order)
    }
    data_table = table(
        pd.DataFrame.from_dict(rows, orient="index"),
        lang,
        caption=title,
        index_header=t("charts.col.channel", lang),
        sources=[tab],
    )
    return _bars(
        tab,
        recs,
        "category",
        lang,
        title,
        names,
        order,
        data_table=data_table,
        scope=t("needs.information.col.share", lang),
    )


def language_table(res: Results, lang: str) -> Html:
    """Preferred language of information (shares with intervals)."""
    tab = res["information"]
    rows = {}
    for rec in _rows(tab, group="language"):
        rows[value_label("language", rec["category"], lang)] = {
            t("needs.information.col.share", lang): cell(tab, rec, lang, show_n=True)
        }
    return cells_table(
        rows,
        tab,
        lang,
        "needs.information.col.language",
        caption=t_html("needs.information.language_caption", lang),
    )


# -- 9. priorities, composite index, recommendations --------------------------------------------
PRIORITY_COLUMNS = (
    ("need", "needs.priorities.col.need"),
    ("unmet", "needs.priorities.col.unmet"),
    ("c_unmet_all", "needs.priorities.col.c_unmet_all"),
    ("c_low_score", "needs.priorities.col.c_low_score"),
    ("c_low_capacity", "needs.priorities.col.c_low_capacity"),
    ("priority", "needs.priorities.col.priority"),
)


def _ranked(
    tab: ResultTable, key: str, rank_of: Callable[[str], dict | None], order: Sequence[str]
) -> list[str]:
    """Units with a published rank in rank order, then the others in reference order (a hidden
    rank must not show through the order of the rows)."""
    ranked, rest = [], []
    for u in order:
        rec = rank_of(u)
        if rec is not None and not rec["suppressed"] and not missing(rec[key]):
            ranked.append((float(rec[key]), u))
        else:
            rest.append(u)
    return [u for _, u in sorted(ranked)] + rest


def _not_ranked(rec: dict | None) -> bool:
    """An area with a hidden component: it has no rank (there is none to hide)."""
    return rec is not None and not rec["suppressed"] and str(rec.get("status")) == "incomplete"


def priority_table(res: Results, lang: str) -> Html:
    """Priority score and rank per area with its components (one 0–100 scale); an area with a
    hidden component is marked and "not ranked", never ranked against the complete ones."""
    tab = res["priorities"]
    names = _area_labels(lang)
    order = _ranked(
        tab, "estimate", lambda a: _one(tab, area=a, component="rank"), reference.area_ids()
    )
    rows, incomplete = [], False
    for area in order:
        rank = _one(tab, area=area, component="rank")
        unranked = _not_ranked(rank)
        incomplete |= unranked
        row: dict[str, Any] = {
            t("needs.priorities.col.rank", lang): (
                Cell(t("needs.priorities.not_ranked", lang))
                if unranked
                else _cell(tab, rank, lang, css="tsp-num")
            ),
            t("needs.col.area", lang): _label_cell(names.get(area, area)),
        }
        for comp, key in PRIORITY_COLUMNS:
            star = unranked and comp == "priority"
            row[t(key, lang)] = _cell(
                tab,
                _one(tab, area=area, component=comp),
                lang,
                interval=False,
                css="tsp-num",
                decimals=0,
                text=(lambda body: f"{body} *") if star else None,
            )
        rows.append(row)
    notes = [t_html("needs.priorities.formula", lang)]
    if incomplete:
        notes.append(t_html("needs.priorities.incomplete", lang))
    return cells_table(
        rows, tab, lang, caption=_caption(tab, lang, "needs.priorities.caption"), notes=notes
    )


def priority_stability_chart(res: Results, lang: str) -> Html:
    """Rank range of each complete area over the sensitivity scenarios (weights, aggregation,
    normalisation, each component left out); areas with a hidden component are not compared."""
    tab = res["priority_stability"]
    short = labels("areas", lang, column="short")
    recs = tab.records()
    apart = [short.get(r["area"], r["area"]) for r in recs if not_enough_data(r)]
    shown = [r for r in recs if _shown(r) and not not_enough_data(r) and not missing(r["estimate"])]
    hidden = [(short.get(r["area"], r["area"]), r["reason"]) for r in recs if r["suppressed"]]
    if not shown:  # no area has every component (Jonava): nothing to compare, say so
        areas = label_html(sentence_list(apart, lang))
        text = t_html("needs.priorities.not_compared", lang, areas=areas)
        return Html(f'<div class="tsp-message tsp-info">{text}</div>')
    data = pd.DataFrame(
        {
            "area": [r["area"] for r in shown],
            "rank": [float(r["estimate"]) for r in shown],
            "rank_min": [float(r["rank_min"]) for r in shown],
            "rank_max": [float(r["rank_max"]) for r in shown],
        }
    )
    title = t("needs.priorities.stability_title", lang)
    fig = charts.rank_range_figure(data, "area", lang, item_labels=short, title=title)
    by_rank = sorted(shown, key=lambda r: float(r["estimate"]))
    orders = []
    if len(by_rank) >= 2:
        orders.append(
            t(
                "charts.alt.first_last",
                lang,
                first=short.get(by_rank[0]["area"], by_rank[0]["area"]),
                last=short.get(by_rank[-1]["area"], by_rank[-1]["area"]),
            )
        )
    alt = charts.alt_text("ranges", title, lang, orders=orders, hidden=bool(hidden))
    cols = (
        ("estimate", "needs.index.col.rank"),
        ("rank_min", "charts.col.rank_min"),
        ("rank_max", "charts.col.rank_max"),
    )
    rows = {
        short.get(r["area"], r["area"]): {
            t(key, lang): cell(tab, r, lang, column=col, decimals=0, interval=False, css="tsp-num")
            for col, key in cols
        }
        for r in by_rank + [r for r in recs if r not in by_rank]
    }
    data_table = table(
        pd.DataFrame.from_dict(rows, orient="index"),
        lang,
        caption=title,
        index_header=t("needs.col.area", lang),
        sources=[tab],
    )
    notes = [
        t_html(
            "needs.priorities.stability_note", lang, scenarios=safe(res.info["scenarios"], "param")
        )
    ]
    if apart:
        notes.append(
            t_html(
                "needs.priorities.not_compared", lang, areas=label_html(sentence_list(apart, lang))
            )
        )
    return _chart(fig, tab, lang, alt, hidden, notes, data_table=data_table)


#: Report-text keys of the columns of the service index table (the overview's too).
INDEX_COLUMNS = (
    "needs.index.col.index",
    "needs.index.col.rank",
    "needs.index.col.range",
    "needs.index.col.methods",
    "needs.index.col.sampling",
)


def not_enough_data(rec: Mapping[str, Any] | None) -> bool:
    """Is ``rec`` a published row left unranked because too few of its components have data
    (status ``not_enough_data``)? One rule for the service index and the priorities, in every
    report."""
    return rec is not None and not rec["suppressed"] and str(rec.get("status")) == NOT_ENOUGH_DATA


def index_cells(tab: ResultTable, rec: dict | None, lang: str) -> dict[str, Cell]:
    """A municipality's row of the service index table (:data:`INDEX_COLUMNS`): the index, its
    rank and the rank ranges over every scenario, method choices alone and sampling error
    alone. Dashes where the table has no row; "not enough data" in the first column and dashes
    after it for a municipality with too few areas (:func:`not_enough_data`); the mark in every
    column of a hidden row."""
    heads = [t(c, lang) for c in INDEX_COLUMNS]
    if rec is None:
        return dict.fromkeys(heads, Cell(DASH))
    if not_enough_data(rec):
        words = Cell(t("needs.index.not_enough_data", lang), css="tsp-not-enough")
        return {h: words if i == 0 else Cell(DASH) for i, h in enumerate(heads)}
    if rec["suppressed"]:
        return {h: cell(tab, rec, lang) for h in heads}
    ranges = (
        range_cell(tab, rec, lang, low=f"rank_min{kind}", high=f"rank_max{kind}")
        for kind in ("", "_methods", "_sampling")
    )
    return dict(
        zip(
            heads,
            (
                cell(tab, rec, lang, decimals=1, css="tsp-num"),
                cell(tab, rec, lang, column="rank", decimals=0, css="tsp-num"),
                *ranges,
            ),
            strict=True,
        )
    )


def index_table(res: Results, lang: str) -> Html:
    """The overall service index of every municipality (0–100), its rank among the comparable
    municipalities and its rank range (every scenario; method choices alone; sampling error
    alone). A municipality with too few areas shows "not enough data" and no rank."""
    tab = res["service_index"]
    order = _ranked(
        tab,
        "rank",
        lambda m: _one(tab, municipality=m),
        list(dict.fromkeys(tab.data["municipality"])),
    )
    rows, apart = {}, []
    for m in order:
        rec = _one(tab, municipality=m)
        name = _unit_name(m, lang)
        if m == res.unit:
            name = f"▶ {name}"
        if not_enough_data(rec):
            apart.append((m, rec))
        rows[name] = index_cells(tab, rec, lang)
    notes = [t_html("needs.index.note_method", lang)]
    for m, rec in apart:
        note = t_html(
            "needs.index.not_enough_data_note",
            lang,
            min_areas=safe(res.info["min_areas"], "param"),
            n_areas=span(
                tab, rec, lang, column="n_indicators", formatter=lambda v: fmt_number(v, lang, 0)
            ),
        )
        notes.append(Markup(f"{label_html(_unit_name(m, lang))}: {note}"))
    return cells_table(
        rows,
        tab,
        lang,
        "common.municipality",
        caption=_caption(tab, lang, "needs.index.caption"),
        notes=notes,
    )


def _words(text: object) -> Markup:
    """Reference text (a rule, a good practice): digits in it are words, not data."""
    from .i18n import _mark_digits

    return Markup(_mark_digits(escape(str(text), quote=False)))


#: Metrics of a rule read from the priority table.
PRIORITY_METRICS = ("need", "unmet", "unmet_all", "score", "capacity", "priority", "rank")


def _evidence(res: Results, area: str, metric: str, lang: str) -> Markup | None:
    """One triggering figure of a recommendation, from the checked table that holds it."""
    prio, crit, info = res["priorities"], res["criterion_scores"], res["information"]
    if metric in PRIORITY_METRICS:
        tab, rec = prio, _one(prio, area=area, component=metric)
        name = t(f"needs.priorities.col.{metric}", lang)
    elif metric in reference.criterion_ids():
        tab, rec = crit, _one(crit, area=area, criterion=metric, group="unit")
        name = label("criteria", metric, lang)
    elif metric == "info_non_lt":
        tab, rec = info, _one(info, group="language_summary", category="non_lt")
        name = t("needs.recommendations.metric.info_non_lt", lang)
    elif metric.startswith("language_"):
        code = metric.removeprefix("language_")
        tab, rec = info, _one(info, group="language", category=code)
        name = value_label("language", code, lang)
    elif metric.startswith("info_"):
        code = metric.removeprefix("info_")
        tab, rec = info, _one(info, group="channel", category=code)
        name = _channel_label(code, lang)
    else:
        return None
    if rec is None:
        return None
    return Markup(f"{label_html(name)}: {span(tab, rec, lang)}")


def _language_names(codes: Sequence[str], lang: str) -> list[str]:
    names = [value_label("language", c, lang) for c in codes]
    return [n.lower() for n in names] if lang == "lt" else names


def _recommendation_text(rec: Mapping[str, Any], rules: pd.DataFrame, lang: str) -> str:
    """The words of one fired rule, as :func:`tsp_analysis.recommend.recommend` words it: a
    generic rule covering several areas in its area-free text (or with the areas listed), the
    ``{languages}`` the published figures show."""
    rule = rules.loc[rec["rule_id"]]
    names = _area_labels(lang)
    areas = [a for a in str(rec["areas"]).split(";") if a]
    area_names = [names.get(a, a) for a in areas]
    text = str(rule[f"text_{lang}"])
    text_all = rule.get(f"text_all_{lang}")
    text_all = "" if text_all is None or pd.isna(text_all) else str(text_all)
    if rec["tier"] == "generic" and (len(areas) > 1 or text_all):
        text = text_all or text.replace("{area}", fmt_list(area_names, lang))
    else:
        text = text.replace("{area}", area_names[0] if area_names else "")
    if "{languages}" in text:
        codes = [c for c in str(rec.get("languages") or "").split(";") if c]
        text = text.replace("{languages}", fmt_list(_language_names(codes, lang), lang))
    return text


def recommendations(res: Results, lang: str) -> Html:
    """Every recommendation the rules give on the published figures: area-specific ones, then
    those for the whole municipality, then general ones once with the areas they cover. A table
    (recommendation ID, areas, recommendation, the figures that triggered it — cited from the
    checked tables —, a good practice), the count, then each cited good practice once."""
    from ..recommend import load_practices, load_rules

    tab, count = res["recommendations"], res["recommendation_count"]
    recs = tab.records()
    if not recs:
        return message("needs.recommendations.none", lang)
    rules = load_rules().set_index("rule_id")
    practices = load_practices().set_index("practice_id")
    names = _area_labels(lang)
    rows, cited = [], {}
    for i, rec in enumerate(recs, start=1):
        areas = [a for a in str(rec["areas"]).split(";") if a]
        metrics = [m for m in str(rec["metrics"]).split("|") if m]
        evidence: list[str] = []
        for area in areas or ["-"]:
            found = [e for m in metrics for e in [_evidence(res, area, m, lang)] if e is not None]
            if found and len(areas) > 1:
                evidence.append(f"{label_html(names.get(area, area))}: {'; '.join(found)}")
            else:
                evidence.extend(found)
        for code in [c for c in str(rec.get("languages") or "").split(";") if c]:
            e = _evidence(res, "-", f"language_{code}", lang)
            if e is not None:
                evidence.append(e)
        pid = rec["practice_id"]
        practice = ""
        if pid and pid in practices.index:
            practice = str(practices.at[pid, f"name_{lang}"])
            cited.setdefault(pid, practice)
        where = (
            sentence_list([names.get(a, a) for a in areas], lang, capitalise=True)
            if areas
            else t("needs.recommendations.municipality_wide", lang)
        )
        rows.append(
            {
                t("needs.recommendations.col.number", lang): _label_cell(i),
                t("needs.recommendations.col.id", lang): Cell(
                    "", markup=_words(rec["recommendation_id"])
                ),
                t("needs.col.area", lang): _label_cell(where),
                t("needs.recommendations.col.text", lang): Cell(
                    "", markup=_words(_recommendation_text(rec, rules, lang))
                ),
                t("needs.recommendations.col.evidence", lang): Cell(
                    DASH, markup=Markup(" | ".join(evidence)) if evidence else None
                ),
                t("needs.recommendations.col.practice", lang): Cell(
                    DASH, markup=_words(practice) if practice else None
                ),
            }
        )
    fired = _one(count, figure="fired")
    notes = []
    if fired is not None:
        notes.append(
            t_html("needs.recommendations.all_shown", lang, fired=span(count, fired, lang))
        )
    out = table(
        pd.DataFrame(rows),
        lang,
        index=False,
        css="tsp-recommendations",
        caption=_caption(tab, lang, "needs.recommendations.caption"),
        notes=notes,
        sources=[tab, count],
    )
    if cited:
        items = "".join(
            _practice_item(practices.loc[pid].to_dict() | {"practice_id": pid}, lang)
            for pid in cited
        )
        out += (
            f'<p class="tsp-practices-title">{t_html("needs.recommendations.practices", lang)}'
            f'</p><ul class="tsp-practices">{items}</ul>'
        )
    return Html(out)


#: Areas ranked this high or higher are the municipality's priority areas (the three the
#: recommendation rule ``top_priority`` names).
PRIORITY_TOP = 3


def priority_areas(res: Results) -> list[str]:
    """The areas whose published rank is at most :data:`PRIORITY_TOP`, in rank order (an area
    whose rank is hidden or not ranked is not among them)."""
    tab = res["priorities"]
    ranked = [
        (float(r["estimate"]), str(r["area"]))
        for r in tab.records()
        if r["component"] == "rank" and _shown(r) and not missing(r["estimate"])
    ]
    return [area for rank, area in sorted(ranked) if rank <= PRIORITY_TOP]


def practices(res: Results, lang: str) -> Html:
    """For each priority area, the good practices of the catalogue that fit it: what it is,
    where, and how the project knows of it (presented at one of its events, or only planned
    content of a study visit's programme). Then, in one line, the catalogue's other practices
    with the areas they fit, so that every practice reaches the reader."""
    from ..recommend import load_practices, practices_for_areas

    areas = priority_areas(res)
    fits = practices_for_areas(areas)
    names = _area_labels(lang)
    out = [] if not fits.empty else [str(message("needs.practices.none", lang))]
    for area in areas:
        mine = fits[fits["area"] == area]
        if mine.empty:
            continue
        items = "".join(_practice_item(rec, lang) for rec in mine.to_dict("records"))
        out.append(
            f'<p class="tsp-practices-title">{label_html(names.get(area, area))}</p>'
            f'<ul class="tsp-practices">{items}</ul>'
        )
    others = [
        rec
        for rec in load_practices().to_dict("records")
        if rec["practice_id"] not in set(fits["practice_id"])
    ]
    if others:
        listed = "; ".join(
            f"{rec[f'name_{lang}']} "
            f"({fmt_list([names.get(a, a) for a in rec['areas'].split(';')], lang)})"
            for rec in others
        )
        out.append(
            f'<p class="tsp-practices-other">{t_html("needs.practices.others", lang)} '
            f"{_words(listed)}.</p>"
        )
    return Html("".join(out))


def _practice_item(rec: Mapping[str, Any], lang: str) -> str:
    evidence = t_html(f"needs.practices.evidence.{rec['evidence']}", lang)
    return (
        f"<li><strong>{_words(rec[f'name_{lang}'])}</strong>"
        f"{_words(_practice_place(rec, lang))}: {_words(rec[f'description_{lang}'])} "
        f'<span class="tsp-evidence">({evidence})</span></li>'
    )


def _practice_place(rec: Mapping[str, Any], lang: str) -> str:
    place = "; ".join(p.strip() for p in str(rec.get("place") or "").split(";") if p.strip())
    country = t(f"needs.practices.country.{rec['country']}", lang) if rec.get("country") else ""
    where = ", ".join(p for p in (place, country) if p)
    return f" ({where})" if where else ""


# -- 10. method ---------------------------------------------------------------------------------
METHOD_KEYS = (
    "needs.method.weights",
    "needs.method.estimates",
    "needs.method.interval_base",
    "needs.method.scores",
    "needs.method.comparisons",
    "needs.method.model",
    "needs.method.priority",
    "needs.method.disclosure",
)


def _thresholds(res: Results) -> dict[str, int]:
    """The thresholds the disclosure policy applied to the report."""
    for tab in res:
        if tab.thresholds:
            return dict(tab.thresholds)
    raise ValueError("the results hold no checked table")


def method_text(res: Results, lang: str) -> Html:
    """The method in plain words, one paragraph per step; the thresholds as the policy applied
    them."""
    limits = _thresholds(res)
    out = []
    for key in METHOD_KEYS:
        # Each paragraph opens with its topic ("Weights.", "Svoriai."), set in bold.
        body = t_html(
            key,
            lang,
            min_base=safe(limits["min_base"], "threshold"),
            min_count=safe(limits["min_count"], "threshold"),
        )
        topic, _, rest = body.partition(". ")
        out.append(f"<p><strong>{topic}.</strong> {rest}</p>" if rest else f"<p>{body}</p>")
    return join(out)


__all__ = [
    "citizenship_table",
    "context_comparison_table",
    "drivers",
    "final_groups",
    "index_table",
    "information_chart",
    "language_table",
    "method_text",
    "need_capacity_chart",
    "needs_chart",
    "needs_table",
    "practices",
    "priority_stability_chart",
    "priority_table",
    "provider_table",
    "provider_types_table",
    "recommendations",
    "residence_chart",
    "sample_table",
    "scores_heatmap",
    "scores_table",
    "sex_age_table",
    "trend_chart",
    "trend_table",
    "weighting_summary",
]
