"""Sections of the monitoring report (SPEC §2.3): consultations, the strategic-document
assessment (Annex 1 of seed 003) and the implementation of recommendations.

Each function takes the checked :class:`~tsp_analysis.results.table.Results` of
``results.compute("monitoring", params)`` and renders only through :mod:`.checked` and
:func:`.display.table`: every number of the report is a checked cell, though none is hidden
(these tables describe municipalities' work, not people).
"""

from __future__ import annotations

import pandas as pd

from ..results.monitoring import ALL_MUNICIPALITIES
from ..results.table import Results, ResultTable
from . import charts
from .checked import cell, span
from .display import Cell, Html, bullets, data_links, figure, join, label_html, table
from .i18n import Markup, fmt_list, label, labels, t, t_html, value_label

TOTAL = "total"
LEVELS = ("included", "partly", "not_included")
STATUSES = ("implemented", "partly_implemented", "not_implemented")
EVALUATIONS = ("interim", "final")
EVALUATION_KEYS = {"interim": "monitoring.eval.interim", "final": "monitoring.eval.final"}
SUMMARY_KEYS = {
    "interim": "monitoring.summary.implementation_interim",
    "final": "monitoring.summary.implementation_final",
}


def _muni(slug: str, lang: str) -> str:
    return t("common.total", lang) if slug == TOTAL else label("municipalities", slug, lang)


def _rows(tbl: ResultTable, *dims: str) -> dict[tuple, dict]:
    return {tuple(rec[d] for d in dims): rec for rec in tbl.records()}


def _row_label(municipality: str, evaluation: str, lang: str) -> str:
    return f"{_muni(municipality, lang)} · {t(EVALUATION_KEYS[evaluation], lang)}"


def summary(res: Results, lang: str) -> Html:
    """Three to four sentences with the headline figures of the monitoring, each figure a
    checked cell."""
    items: list[str] = []
    cons = res["consultations"].require_checked()
    c = _rows(cons, "municipality", "measure")
    if (TOTAL, "held") in c:
        items.append(
            t_html(
                "monitoring.summary.consultations",
                lang,
                held=span(cons, c[(TOTAL, "held")], lang),
                planned=span(cons, c[(TOTAL, "planned")], lang),
                share=span(cons, c[(TOTAL, "share_held")], lang),
            )
        )
    comp = res["strategic_completeness"].require_checked()
    k = _rows(comp, "municipality", "measure")
    munis = [m for m in dict.fromkeys(comp.data["municipality"]) if m != ALL_MUNICIPALITIES]
    full = [
        m
        for m in munis
        if k[(m, "included")]["estimate"]
        == sum(
            k[(m, x)]["estimate"] for x in ("included", "partly", "not_included", "not_assessed")
        )
    ]
    names = [label("municipalities", m, lang) for m in full]
    items.append(
        t_html(
            "monitoring.summary.strategic",
            lang,
            complete=span(comp, k[(ALL_MUNICIPALITIES, "complete")], lang),
            municipalities=span(comp, k[(ALL_MUNICIPALITIES, "municipalities")], lang),
            names=label_html(fmt_list(names, lang) if names else t("common.none", lang)),
        )
    )
    if munis:
        weakest = min(munis, key=lambda m: float(k[(m, "score")]["estimate"]))
        if float(k[(weakest, "score")]["estimate"]) < 100:
            items.append(
                t_html(
                    "monitoring.summary.weakest",
                    lang,
                    municipality=label_html(label("municipalities", weakest, lang)),
                    score=span(comp, k[(weakest, "score")], lang),
                )
            )
    impl = res["implementation"].require_checked()
    r = _rows(impl, "municipality", "evaluation", "measure")
    for evaluation in EVALUATIONS:
        assessed = r.get((TOTAL, evaluation, "assessed"))
        if assessed is None or not assessed["estimate"]:
            continue
        items.append(
            t_html(
                SUMMARY_KEYS[evaluation],
                lang,
                implemented=span(impl, r[(TOTAL, evaluation, "implemented")], lang),
                assessed=span(impl, assessed, lang),
                share=span(impl, r[(TOTAL, evaluation, "completion_rate")], lang),
                weighted=span(impl, r[(TOTAL, evaluation, "weighted_completion")], lang),
            )
        )
    return bullets([Markup(i) for i in items], css="tsp-findings")


# -- consultations ------------------------------------------------------------------------------
def consultations_table(res: Results, lang: str) -> Html:
    """Planned, held, cancelled and still-planned consultations per municipality, with a total."""
    tbl = res["consultations"].require_checked()
    rows = _rows(tbl, "municipality", "measure")
    measures = ("planned", "held", "cancelled", "still_planned", "share_held")
    out = {}
    for muni in dict.fromkeys(tbl.data["municipality"]):
        out[_muni(muni, lang)] = {
            t(f"monitoring.col.{m}", lang): cell(tbl, rows[(muni, m)], lang) for m in measures
        }
    return table(
        pd.DataFrame.from_dict(out, orient="index"),
        lang,
        caption=tbl.caption[lang],
        index_header=t("common.municipality", lang),
        sources=[tbl],
    )


def consultations_chart(res: Results, lang: str) -> Html:
    """Running total of consultations held per municipality, by month."""
    tbl = res["consultations_over_time"].require_checked()
    data = tbl.data[~tbl.data["suppressed"]]
    if data.empty:
        return Html(f"<p>{t_html('monitoring.consultations.none_held', lang)}</p>")
    frame = data.assign(
        period=pd.to_datetime(data["period"]), estimate=data["estimate"].astype(float)
    )
    fig = charts.lines_figure(
        frame,
        x="period",
        y="estimate",
        hue="municipality",
        lang=lang,
        hue_labels=labels("municipalities", lang),
        drawstyle="steps-post",
        title=t("monitoring.consultations.chart_title", lang),
        ylabel=t("monitoring.consultations.chart_y", lang),
    )
    ax = fig.axes[0]
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    return figure(fig, t("monitoring.consultations.chart_title", lang)) + data_links([tbl], lang)


# -- strategic documents ---------------------------------------------------------------------
def strategic_table(res: Results, lang: str) -> Html:
    """Annex 1 of seed 003: components (rows) × municipalities (columns), one of three levels per
    cell, and the completeness score as a last row.

    Every cell carries ``data-level``, ``data-component`` and ``data-municipality`` so a test
    can compare the rendered table with the source, cell by cell.
    """
    tbl = res["strategic_matrix"].require_checked()
    comp = res["strategic_completeness"].require_checked()
    cells = _rows(tbl, "component", "municipality")
    scores = _rows(comp, "municipality", "measure")
    comp_labels = labels("strategic_components", lang)
    munis = list(dict.fromkeys(tbl.data["municipality"]))
    rows = {}
    for component in dict.fromkeys(tbl.data["component"]):
        row = {}
        for muni in munis:
            rec = cells[(component, muni)]
            level = rec["level"]
            data = (("component", component), ("municipality", muni), ("level", level))
            if level == "not_assessed":
                text = t("monitoring.strategic.not_assessed", lang)
                row[muni] = Cell(
                    text, data=data, ref=tbl.ref(rec), kind="text", markup=label_html(text)
                )
            else:
                text = value_label("inclusion_level", level, lang)
                row[muni] = Cell(
                    text,
                    css=f"tsp-level-{level}",
                    data=data,
                    ref=tbl.ref(rec),
                    kind="text",
                    markup=label_html(text),
                )
        rows[comp_labels.get(component, component)] = row
    rows[t("monitoring.strategic.completeness", lang)] = {
        m: cell(comp, scores[(m, "score")], lang, css="tsp-num tsp-completeness")
        if (m, "score") in scores
        else Cell("—")
        for m in munis
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=munis)
    frame.columns = [label("municipalities", m, lang) for m in munis]
    html = table(
        frame,
        lang,
        caption=tbl.caption[lang],
        index_header=t("monitoring.strategic.component", lang),
        notes=[t("monitoring.strategic.legend", lang)],
        css="tsp-strategic",
        sources=[tbl, comp],
    )
    return Html(
        html.replace(
            '<table class="tsp-table tsp-strategic">',
            '<table class="tsp-table tsp-strategic" id="strategic-matrix">',
            1,
        )
    )


# -- implementation of recommendations ---------------------------------------------------------
def implementation_table(res: Results, lang: str) -> Html:
    """Recommendations per municipality at each evaluation: counts per status, completion."""
    tbl = res["implementation"].require_checked()
    rows = _rows(tbl, "municipality", "evaluation", "measure")
    heads = {
        "recommendations": t("monitoring.col.recommendations", lang),
        **{s: value_label("implementation", s, lang) for s in STATUSES},
        "not_assessed": t("monitoring.col.not_assessed", lang),
        "completion_rate": t("monitoring.col.completion", lang),
        "weighted_completion": t("monitoring.col.weighted_completion", lang),
    }
    out = {}
    for muni, evaluation in dict.fromkeys(
        (r["municipality"], r["evaluation"]) for r in tbl.records()
    ):
        out[_row_label(muni, evaluation, lang)] = {
            head: cell(tbl, rows[(muni, evaluation, m)], lang) for m, head in heads.items()
        }
    return table(
        pd.DataFrame.from_dict(out, orient="index"),
        lang,
        caption=tbl.caption[lang],
        index_header=t("monitoring.implementation.row", lang),
        notes=[t("monitoring.implementation.rates_note", lang)],
        sources=[tbl],
    )


def implementation_chart(res: Results, lang: str) -> Html:
    """Share of recommendations per status, per municipality and evaluation (stacked bars)."""
    tbl = res["implementation"].require_checked()
    data = tbl.data[
        (tbl.data["municipality"] != TOTAL)
        & tbl.data["measure"].isin(STATUSES)
        & ~tbl.data["suppressed"]
    ]
    long = pd.DataFrame(
        {
            "row": [
                _row_label(m, e, lang)
                for m, e in zip(data["municipality"], data["evaluation"], strict=True)
            ],
            "status": data["measure"].to_numpy(),
            "count": data["estimate"].astype(float).to_numpy(),
        }
    )
    order = list(dict.fromkeys(long["row"]))
    fig = charts.stacked_bars_figure(
        long,
        category="row",
        part="status",
        value="count",
        lang=lang,
        part_order=STATUSES,
        part_labels={s: value_label("implementation", s, lang) for s in STATUSES},
        order=order,
        colours=["#2e7d32", "#f2c14e", "#c0392b"],
        title=t("monitoring.implementation.chart_title", lang),
    )
    return figure(fig, t("monitoring.implementation.chart_title", lang)) + data_links([tbl], lang)


def method(lang: str) -> Html:
    """The method paragraph."""
    return Html(f"<p>{t_html('monitoring.method.text', lang)}</p>")


__all__ = [
    "consultations_chart",
    "consultations_table",
    "implementation_chart",
    "implementation_table",
    "method",
    "strategic_table",
    "summary",
    "join",
]
