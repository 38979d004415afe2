"""Sections of the monitoring report (SPEC §2.3): consultations, the strategic-document
assessment (Annex 1 of seed 003) and the implementation of recommendations.

Each function takes the tidy output of :mod:`tsp_analysis.monitoring` and returns
:class:`~tsp_analysis.report.display.Html`. These tables describe municipalities' work, not
respondents, so their counts are not subject to small-count suppression.
"""

from __future__ import annotations

import pandas as pd

from . import charts
from .display import Cell, Html, bullets, figure, join, table
from .i18n import (
    Markup,
    fmt_count,
    fmt_percent,
    fmt_score,
    label,
    labels,
    t,
    t_html,
    value_label,
)

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


def summary(
    consultations: pd.DataFrame,
    completeness: pd.DataFrame,
    implementation: pd.DataFrame,
    lang: str,
) -> Html:
    """Three to four sentences with the headline figures of the monitoring."""
    items: list[str] = []
    total = consultations[consultations["municipality"] == TOTAL].iloc[0]
    items.append(
        Markup(
            t_html(
                "monitoring.summary.consultations",
                lang,
                held=fmt_count(total["held"], lang),
                planned=fmt_count(total["planned"], lang),
                share=fmt_percent(total["share_held"], lang),
            )
        )
    )
    full = completeness[
        completeness["included"]
        == completeness[["included", "partly", "not_included", "not_assessed"]].sum(axis=1)
    ]
    names = [label("municipalities", m, lang) for m in full["municipality"]]
    weakest = completeness.sort_values("score", kind="stable").iloc[0]
    items.append(
        Markup(
            t_html(
                "monitoring.summary.strategic",
                lang,
                complete=fmt_count(len(full), lang),
                municipalities=fmt_count(len(completeness), lang),
                names=_join(names, lang) if names else t("common.none", lang),
            )
        )
    )
    if float(weakest["score"]) < 100:
        items.append(
            Markup(
                t_html(
                    "monitoring.summary.weakest",
                    lang,
                    municipality=label("municipalities", weakest["municipality"], lang),
                    score=fmt_score(weakest["score"], lang),
                )
            )
        )
    totals = implementation[implementation["municipality"] == TOTAL].set_index("evaluation")
    for evaluation in EVALUATIONS:
        if evaluation not in totals.index or int(totals.loc[evaluation, "assessed"]) == 0:
            continue
        row = totals.loc[evaluation]
        items.append(
            Markup(
                t_html(
                    SUMMARY_KEYS[evaluation],
                    lang,
                    implemented=fmt_count(row["implemented"], lang),
                    assessed=fmt_count(row["assessed"], lang),
                    share=fmt_percent(row["completion_rate"], lang),
                    weighted=fmt_percent(row["weighted_completion"], lang),
                )
            )
        )
    return bullets(items, css="tsp-findings")


def _row_label(municipality: str, evaluation: str, lang: str) -> str:
    return f"{_muni(municipality, lang)} · {t(EVALUATION_KEYS[evaluation], lang)}"


def _join(items: list[str], lang: str) -> str:
    from .i18n import fmt_list

    return fmt_list(items, lang)


# -- consultations ------------------------------------------------------------------------------
def consultations_table(summary_table: pd.DataFrame, lang: str) -> Html:
    """Planned, held, cancelled and still-planned consultations per municipality, with a total."""
    rows = {}
    for rec in summary_table.to_dict("records"):
        rows[_muni(rec["municipality"], lang)] = {
            t("monitoring.col.planned", lang): Cell(fmt_count(rec["planned"], lang), css="tsp-num"),
            t("monitoring.col.held", lang): Cell(fmt_count(rec["held"], lang), css="tsp-num"),
            t("monitoring.col.cancelled", lang): Cell(
                fmt_count(rec["cancelled"], lang), css="tsp-num"
            ),
            t("monitoring.col.still_planned", lang): Cell(
                fmt_count(rec["still_planned"], lang), css="tsp-num"
            ),
            t("monitoring.col.share_held", lang): Cell(
                fmt_percent(rec["share_held"], lang), css="tsp-num"
            ),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("monitoring.consultations.caption", lang),
        index_header=t("common.municipality", lang),
    )


def consultations_chart(over_time: pd.DataFrame, lang: str) -> Html:
    """Running total of consultations held per municipality, by month."""
    if over_time.empty:
        return Html(f"<p>{t_html('monitoring.consultations.none_held', lang)}</p>")
    frame = over_time.assign(period=pd.to_datetime(over_time["period"]))
    fig = charts.lines_figure(
        frame,
        x="period",
        y="held_cumulative",
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
    return figure(fig, t("monitoring.consultations.chart_title", lang))


# -- strategic documents ---------------------------------------------------------------------
def strategic_table(matrix: pd.DataFrame, completeness: pd.DataFrame, lang: str) -> Html:
    """Annex 1 of seed 003: components (rows) × municipalities (columns), one of three levels per
    cell, and the completeness score as a last row.

    ``matrix`` is :func:`tsp_analysis.monitoring.strategic_matrix` with codes (``lang=None``).
    Every cell carries ``data-level``, ``data-component`` and ``data-municipality`` so a test
    can compare the rendered table with the source, cell by cell.
    """
    comp_labels = labels("strategic_components", lang)
    rows = {}
    for component in matrix.index:
        row = {}
        for muni in matrix.columns:
            level = matrix.loc[component, muni]
            if pd.isna(level):
                row[muni] = Cell(
                    t("monitoring.strategic.not_assessed", lang),
                    data=(
                        ("component", component),
                        ("municipality", muni),
                        ("level", "not_assessed"),
                    ),
                )
            else:
                row[muni] = Cell(
                    value_label("inclusion_level", level, lang),
                    css=f"tsp-level-{level}",
                    data=(("component", component), ("municipality", muni), ("level", level)),
                )
        rows[comp_labels.get(component, component)] = row
    scores = completeness.set_index("municipality")["score"]
    rows[t("monitoring.strategic.completeness", lang)] = {
        m: Cell(fmt_score(scores.get(m), lang), css="tsp-num tsp-completeness")
        for m in matrix.columns
    }
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(matrix.columns))
    frame.columns = [label("municipalities", m, lang) for m in matrix.columns]
    html = table(
        frame,
        lang,
        caption=t("monitoring.strategic.caption", lang),
        index_header=t("monitoring.strategic.component", lang),
        notes=[t("monitoring.strategic.legend", lang)],
        css="tsp-strategic",
    )
    return Html(
        html.replace(
            '<table class="tsp-table tsp-strategic">',
            '<table class="tsp-table tsp-strategic" id="strategic-matrix">',
            1,
        )
    )


# -- implementation of recommendations ---------------------------------------------------------
def implementation_table(summary_table: pd.DataFrame, lang: str) -> Html:
    """Recommendations per municipality at each evaluation: counts per status, completion."""
    rows = {}
    for rec in summary_table.to_dict("records"):
        rows[_row_label(rec["municipality"], rec["evaluation"], lang)] = {
            t("monitoring.col.recommendations", lang): Cell(
                fmt_count(rec["recommendations"], lang), css="tsp-num"
            ),
            **{
                value_label("implementation", s, lang): Cell(fmt_count(rec[s], lang), css="tsp-num")
                for s in STATUSES
            },
            t("monitoring.col.not_assessed", lang): Cell(
                fmt_count(rec["not_assessed"], lang), css="tsp-num"
            ),
            t("monitoring.col.completion", lang): Cell(
                fmt_percent(rec["completion_rate"], lang), css="tsp-num"
            ),
            t("monitoring.col.weighted_completion", lang): Cell(
                fmt_percent(rec["weighted_completion"], lang), css="tsp-num"
            ),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(
        frame,
        lang,
        caption=t("monitoring.implementation.caption", lang),
        index_header=t("monitoring.implementation.row", lang),
        notes=[t("monitoring.implementation.rates_note", lang)],
    )


def implementation_chart(summary_table: pd.DataFrame, lang: str) -> Html:
    """Share of recommendations per status, per municipality and evaluation (stacked bars)."""
    data = summary_table[summary_table["municipality"] != TOTAL]
    long = data.melt(
        id_vars=["municipality", "evaluation"],
        value_vars=list(STATUSES),
        var_name="status",
        value_name="count",
    )
    long["row"] = [
        _row_label(m, e, lang)
        for m, e in zip(long["municipality"], long["evaluation"], strict=True)
    ]
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
    return figure(fig, t("monitoring.implementation.chart_title", lang))


__all__ = [
    "consultations_chart",
    "consultations_table",
    "implementation_chart",
    "implementation_table",
    "strategic_table",
    "summary",
    "join",
]
