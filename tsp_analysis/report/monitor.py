"""Sections of the monitoring report (SPEC §2.3): the evaluations and their periods,
consultations, the strategic-document assessment (Annex 1 of seed 003) and the implementation
of recommendations — counted per municipality and listed one by one.

Dates are not figures: they are shown through :func:`.display.safe` (``"date"``); a date the
source documents do not give is said to be missing, never filled in. A municipality that
prepared no separate strategic document is said so in words and gets no completeness score.
Completion rates are shown with one decimal (1 of 8 is 12,5 %, not 12 %).

Each function takes the checked :class:`~tsp_analysis.results.table.Results` of
``results.compute("monitoring", params)`` and renders only through :mod:`.checked` and
:func:`.display.table`: every number of the report is a checked cell, though none is hidden
(these tables describe municipalities' work, not people).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..ids import ALL, TOTAL
from ..results.monitoring import NO_DOCUMENT, NOT_ASSESSED
from ..results.table import Results, ResultTable
from . import charts, checked
from .checked import cell, cells_table, span
from .display import (
    Cell,
    Html,
    bullets,
    chart_data,
    data_links,
    figure,
    join,
    label_html,
    missing,
    safe,
    table,
)
from .i18n import Markup, fmt_list, label, labels, t, t_html, value_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LEVELS = ("included", "partly", "not_included")
STATUSES = ("implemented", "partly_implemented", "not_implemented")
EVALUATIONS = ("interim", "final")
EVALUATION_KEYS = {"interim": "monitoring.eval.interim", "final": "monitoring.eval.final"}
SUMMARY_KEYS = {
    "interim": "monitoring.summary.implementation_interim",
    "final": "monitoring.summary.implementation_final",
}
#: An evaluation's name at the start of a sentence or as a column heading.
EVALUATION_TITLES = {
    "interim": "monitoring.recommendations.col.interim",
    "final": "monitoring.recommendations.col.final",
}
#: Shares always shown with one decimal (small denominators: 1 of 8 is 12,5 %, not 12 %).
RATES = ("completion_rate", "weighted_completion")


def share_decimals(rec: dict) -> int:
    """Decimals of a share: one when its base is small (:func:`checked.share_decimals`) or it
    is a completion rate, where whole per cent would mislead (1 of 8 is 12,5 %, rounded 12 %)."""
    return 1 if rec.get("measure") in RATES else checked.share_decimals(rec)


def _decimals(rec: dict) -> int | None:
    kind = rec.get("kind")
    return share_decimals(rec) if kind == "share" else None


def _muni(slug: str, lang: str) -> str:
    return t("common.total", lang) if slug == TOTAL else label("municipalities", slug, lang)


def _rows(tbl: ResultTable, *dims: str) -> dict[tuple, dict]:
    return {tuple(rec[d] for d in dims): rec for rec in tbl.records()}


def _row_label(municipality: str, evaluation: str, lang: str) -> str:
    return f"{_muni(municipality, lang)} · {t(EVALUATION_KEYS[evaluation], lang)}"


def summary(res: Results, lang: str) -> Html:
    """Three to four sentences with the headline figures of the monitoring, each figure a
    checked cell."""
    items: list[str] = list(period_items(res, lang))
    cons = res["consultations"].require_checked()
    c = _rows(cons, "municipality", "measure")
    if (TOTAL, "held") in c:
        share = c[(TOTAL, "share_held")]
        items.append(
            t_html(
                "monitoring.summary.consultations",
                lang,
                held=span(cons, c[(TOTAL, "held")], lang),
                planned=span(cons, c[(TOTAL, "planned")], lang),
                share=span(cons, share, lang, decimals=share_decimals(share)),
            )
        )
    from .activities import summary_items  # activities 4.1, 5.1 and adopted documents

    items.extend(summary_items(res, lang))
    comp = res["strategic_completeness"].require_checked()
    k = _rows(comp, "municipality", "measure")
    munis = [m for m in dict.fromkeys(comp.data["municipality"]) if m != ALL]
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
            complete=span(comp, k[(ALL, "complete")], lang),
            municipalities=span(comp, k[(ALL, "municipalities")], lang),
            names=label_html(fmt_list(names, lang) if names else t("common.none", lang)),
        )
    )
    status = _statuses(res)
    items.extend(_no_document_notes(munis, status, lang))
    # the least complete of the documents there are (no document has no score)
    scored = [m for m in munis if status.get(m) != NO_DOCUMENT and _has(k[(m, "score")])]
    if scored:
        weakest = min(scored, key=lambda m: float(k[(m, "score")]["estimate"]))
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
                share=span(impl, r[(TOTAL, evaluation, "completion_rate")], lang, decimals=1),
                weighted=span(
                    impl, r[(TOTAL, evaluation, "weighted_completion")], lang, decimals=1
                ),
            )
        )
    return bullets([Markup(i) for i in items], css="tsp-findings")


def _has(rec: dict) -> bool:
    return not missing(rec.get("estimate"))


def _statuses(res: Results) -> dict[str, str]:
    """Municipality → status of its strategic document (``strategic_status``)."""
    if "strategic_status" not in res.tables:
        return {}
    tbl = res["strategic_status"].require_checked()
    return {rec["municipality"]: rec["status"] for rec in tbl.records()}


def _no_document_notes(munis: Sequence[str], status: dict[str, str], lang: str) -> list[Markup]:
    """ "… has no separate strategic document" for each of ``munis`` whose status says so, in
    the summary and under the strategic matrix."""
    return [
        t_html(
            "monitoring.no_separate_document",
            lang,
            municipality=label_html(label("municipalities", m, lang)),
        )
        for m in munis
        if status.get(m) == NO_DOCUMENT
    ]


# -- evaluations and their periods ------------------------------------------------------------
def _date(value: object, lang: str) -> Markup:
    """A date of the evaluations table, marked as a date; "not given in the source
    documents" when the sources give none."""
    text = "" if missing(value) else str(value)
    return safe(text, "date") if text else Markup(t_html("monitoring.period.not_given", lang))


def period_items(res: Results, lang: str) -> list[Markup]:
    """One sentence per evaluation: its reporting period and date (dates marked as dates; a
    date the sources do not give is said to be missing)."""
    if "evaluations" not in res.tables:
        return []
    tbl = res["evaluations"].require_checked()
    out = []
    for rec in tbl.records():
        name = (
            t(EVALUATION_TITLES.get(rec["evaluation"], ""), lang)
            if rec["evaluation"] in EVALUATION_TITLES
            else rec["evaluation"]
        )
        start, end, on = rec["period_start"], rec["period_end"], rec["evaluated_on"]
        if start and end:
            out.append(
                t_html(
                    "monitoring.period.item",
                    lang,
                    evaluation=label_html(name),
                    start=_date(start, lang),
                    end=_date(end, lang),
                    date=_date(on, lang),
                )
            )
        elif start:
            out.append(
                t_html(
                    "monitoring.period.item_open",
                    lang,
                    evaluation=label_html(name),
                    start=_date(start, lang),
                )
            )
        else:
            out.append(t_html("monitoring.period.item_unknown", lang, evaluation=label_html(name)))
    return out


def evaluations_table(res: Results, lang: str) -> Html:
    """The evaluations: reporting period and evaluation date, each a date or "not given in the
    source documents"."""
    tbl = res["evaluations"].require_checked()
    out = {}
    for rec in tbl.records():
        ev = rec["evaluation"]
        name = t(EVALUATION_TITLES[ev], lang) if ev in EVALUATION_TITLES else ev
        start, end = rec["period_start"], rec["period_end"]
        if start or end:
            period = Markup(f"{_date(start, lang)} – {_date(end, lang)}")
        else:
            period = Markup(t_html("monitoring.period.not_given", lang))
        on = _date(rec["evaluated_on"], lang)
        out[name] = {
            t("monitoring.period.col.period", lang): Cell(
                "", markup=period, ref=tbl.ref(rec), kind="text"
            ),
            t("monitoring.period.col.evaluated_on", lang): Cell(
                "", markup=on, ref=tbl.ref(rec), kind="text"
            ),
        }
    return cells_table(out, tbl, lang, "monitoring.period.col.evaluation")


# -- consultations ------------------------------------------------------------------------------
def consultations_table(res: Results, lang: str) -> Html:
    """Planned, held, cancelled and still-planned consultations per municipality, with a total."""
    measures = ("planned", "held", "cancelled", "still_planned", "share_held")
    return municipality_measure_table(res["consultations"], measures, lang)


def municipality_measure_table(tbl: ResultTable, measures: Sequence[str], lang: str) -> Html:
    """A municipality × measure table of checked cells (a row per municipality, a column per
    measure headed ``monitoring.col.<measure>``): the consultations and the activity events."""
    tbl.require_checked()
    rows = _rows(tbl, "municipality", "measure")
    out = {}
    for muni in dict.fromkeys(tbl.data["municipality"]):
        out[_muni(muni, lang)] = {
            t(f"monitoring.col.{m}", lang): cell(
                tbl, rows[(muni, m)], lang, decimals=_decimals(rows[(muni, m)])
            )
            for m in measures
        }
    return cells_table(out, tbl, lang, "common.municipality")


def running_totals_figure(
    data: pd.DataFrame, lang: str, *, title: str, ylabel: str, tick_months: int | None = None
) -> tuple[Figure, pd.DataFrame]:
    """A line per municipality of a running total by month (``period``, ``estimate``: the
    shown rows of a checked over-time table), drawn as steps; the x axis labelled every
    ``tick_months`` months, or (``None``) at most about six times. Returns the figure and the
    data it draws (periods as dates, totals as floats)."""
    import matplotlib.dates as mdates

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
        title=title,
        ylabel=ylabel,
    )
    ax = fig.axes[0]
    # a label per month would overlap on a phone
    ax.xaxis.set_major_locator(
        mdates.AutoDateLocator(minticks=3, maxticks=6)
        if tick_months is None
        else mdates.MonthLocator(interval=tick_months)
    )
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    return fig, frame


def consultations_chart(res: Results, lang: str) -> Html:
    """Running total of consultations held per municipality, by month."""
    tbl = res["consultations_over_time"].require_checked()
    data = tbl.data[~tbl.data["suppressed"]]
    if data.empty:
        return Html(f"<p>{t_html('monitoring.consultations.none_held', lang)}</p>")
    title = t("monitoring.consultations.chart_title", lang)
    names = labels("municipalities", lang)
    fig, frame = running_totals_figure(
        data, lang, title=title, ylabel=t("monitoring.consultations.chart_y", lang)
    )
    last = frame[frame["period"] == frame["period"].max()]
    alt = charts.alt_text(
        "lines",
        title,
        lang,
        orders=[
            charts.alt_order(
                dict(
                    zip(
                        last["municipality"].map(lambda m: names.get(m, m)),
                        last["estimate"],
                        strict=True,
                    )
                ),
                lang,
                t("monitoring.consultations.chart_y", lang),
            )
        ],
        hidden=bool(tbl.data["suppressed"].any()),
    )
    return figure(
        fig,
        alt,
        after=chart_data(_over_time_table(tbl, lang, title), lang) + data_links([tbl], lang),
    )


def _over_time_table(tbl: ResultTable, lang: str, caption: str) -> Html:
    """The running totals of the consultations chart: one row per month, one column per
    municipality (the chart's figures, for a reader who cannot see it)."""
    munis = list(dict.fromkeys(tbl.data["municipality"]))
    rows = _rows(tbl, "municipality", "period")
    out = []
    for period in sorted(dict.fromkeys(tbl.data["period"])):
        row = {t("charts.col.period", lang): Cell(str(period), markup=safe(period, "date"))}
        for m in munis:
            rec = rows.get((m, period))
            row[_muni(m, lang)] = cell(tbl, rec, lang) if rec is not None else Cell("–")
        out.append(row)
    return cells_table(out, tbl, lang, caption=caption)


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
    status = _statuses(res)
    status_tbl = res["strategic_status"].require_checked() if status else None
    status_rows = _rows(status_tbl, "municipality") if status_tbl is not None else {}
    completeness = {}
    for m in munis:
        if status.get(m) == NO_DOCUMENT:
            # no document, no score: the status says what the row of marks means
            text = t(f"monitoring.status.{NO_DOCUMENT}", lang)
            completeness[m] = Cell(
                text,
                css="tsp-completeness tsp-no-document",
                data=(("municipality", m), ("status", NO_DOCUMENT)),
                ref=status_tbl.ref(status_rows[(m,)]),
                kind="text",
                markup=label_html(text),
            )
        elif (m, "score") in scores:
            completeness[m] = cell(comp, scores[(m, "score")], lang, css="tsp-num tsp-completeness")
        else:
            completeness[m] = Cell("—")
    rows[t("monitoring.strategic.completeness", lang)] = completeness
    notes = [t("monitoring.strategic.legend", lang), *_no_document_notes(munis, status, lang)]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=munis)
    frame.columns = [label("municipalities", m, lang) for m in munis]
    return table(
        frame,
        lang,
        caption=tbl.caption[lang],
        index_header=t("monitoring.strategic.component", lang),
        notes=notes,
        css="tsp-strategic",
        sources=[tbl, comp, *([status_tbl] if status_tbl is not None else [])],
        html_id="strategic-matrix",
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
            head: cell(
                tbl,
                rows[(muni, evaluation, m)],
                lang,
                decimals=_decimals(rows[(muni, evaluation, m)]),
            )
            for m, head in heads.items()
        }
    return cells_table(
        out,
        tbl,
        lang,
        "monitoring.implementation.row",
        notes=[
            t("monitoring.implementation.rates_note", lang),
            t_html("monitoring.implementation.rounding_note", lang),
        ],
    )


def _status_cell(tbl: ResultTable, rec: dict, column: str, lang: str) -> Cell:
    code = rec[column]
    text = (
        t("monitoring.col.not_assessed", lang)
        if code == NOT_ASSESSED
        else value_label("implementation", code, lang)
    )
    css = f"tsp-status-{code}"
    return Cell(
        text,
        css=css,
        data=(("status", code),),
        ref=tbl.ref(rec),
        kind="text",
        markup=label_html(text),
    )


def _text_cell(tbl: ResultTable, rec: dict, text: str, data=()) -> Cell:
    return Cell(
        text or "—", data=data, ref=tbl.ref(rec), kind="text", markup=label_html(text or "—")
    )


def recommendations_table(res: Results, lang: str) -> Html:
    """Every recommendation of the register, one by one, grouped by municipality (Annex 1
    order): its id (the needs analysis's recommendation id), area, text in the report
    language, status at the interim and the final evaluation, and the change between them."""
    tbl = res["recommendation_status"].require_checked()
    if tbl.data.empty:
        return Html(f"<p>{t_html('monitoring.recommendations.none', lang)}</p>")
    col = {
        k: t(f"monitoring.recommendations.col.{k}", lang)
        for k in ("id", "area", "text", "interim", "final", "change")
    }
    whole = t("needs.recommendations.municipality_wide", lang)
    out = []
    previous = None
    for rec in tbl.records():
        muni = rec["municipality"]
        area = rec["area"]
        out.append(
            {
                t("common.municipality", lang): Cell(
                    "", markup=label_html(_muni(muni, lang) if muni != previous else "")
                ),
                col["id"]: _text_cell(
                    tbl, rec, rec["recommendation_id"], (("id", rec["recommendation_id"]),)
                ),
                col["area"]: _text_cell(
                    tbl, rec, label("areas", area, lang) if area else whole, (("area", area),)
                ),
                col["text"]: _text_cell(tbl, rec, rec[f"title_{lang}"]),
                col["interim"]: _status_cell(tbl, rec, "status_interim", lang),
                col["final"]: _status_cell(tbl, rec, "status_final", lang),
                col["change"]: _text_cell(
                    tbl,
                    rec,
                    t(f"monitoring.change.{rec['change']}", lang),
                    (("change", rec["change"]),),
                ),
            }
        )
        previous = muni
    return cells_table(
        out,
        tbl,
        lang,
        notes=[t("monitoring.recommendations.note", lang)],
        css="tsp-recommendation-status",
        html_id="recommendation-status",
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
        colours=charts.STATUS_COLOURS,
        hatches=charts.STATUS_HATCHES,
        title=t("monitoring.implementation.chart_title", lang),
    )
    totals = long.groupby("row", sort=False)["count"].sum()
    done = long[long["status"] == STATUSES[0]].groupby("row", sort=False)["count"].sum()
    alt = charts.alt_text(
        "stacked",
        t("monitoring.implementation.chart_title", lang),
        lang,
        orders=[
            charts.alt_order(
                (
                    done.reindex(totals.index, fill_value=0) / totals.replace(0, float("nan"))
                ).to_dict(),
                lang,
                value_label("implementation", STATUSES[0], lang),
            )
        ],
        hidden=bool(tbl.data["suppressed"].any()),
        table=tbl.caption[lang],
    )
    return figure(fig, alt, after=data_links([tbl], lang))


def method(lang: str) -> Html:
    """The method paragraph."""
    return Html(
        f"<p>{t_html('monitoring.method.text', lang)}</p>"
        f"<p>{t_html('monitoring.method.activities', lang)}</p>"
    )


__all__ = [
    "evaluations_table",
    "period_items",
    "recommendations_table",
    "share_decimals",
    "consultations_chart",
    "consultations_table",
    "implementation_chart",
    "implementation_table",
    "method",
    "strategic_table",
    "summary",
    "join",
]
