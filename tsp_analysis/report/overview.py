"""Sections of the overview report (SPEC §2.4): the municipalities side by side.

Every function takes the checked :class:`~tsp_analysis.results.table.Results` of the overview
(``results.compute("overview", params)``, built from the municipal reports' published cells,
see :mod:`tsp_analysis.results.overview`) and the language, and returns
:class:`~tsp_analysis.report.display.Html`. Figures reach the page only as checked cells; charts
draw hidden figures as the mark ‡, never as a value. Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from ..results.table import Results, ResultTable
from . import charts
from .checked import cell, cells_table, interval_span, span
from .display import Cell, Html, data_links, figure, label_html, suppression_note
from .i18n import DASH, SUPPRESSED_MARK, Markup, fmt_list, label, labels, t, t_html
from .needs import index_cells, not_enough_data

#: Marker and vertical offset of each measure in the need charts.
MEASURE_MARKERS = {"need": ("o", 0.14), "unmet": ("D", -0.14)}


def _rows(tab: ResultTable, **where: str) -> list[dict[str, Any]]:
    return [r for r in tab.records() if all(r.get(k) == v for k, v in where.items())]


def _one(tab: ResultTable, **where: str) -> dict[str, Any] | None:
    hits = _rows(tab, **where)
    return hits[0] if len(hits) == 1 else None


def _shown(rec: Mapping[str, Any] | None) -> bool:
    return rec is not None and not bool(rec["suppressed"]) and not pd.isna(rec["estimate"])


def _municipalities(res: Results) -> list[str]:
    return list(res.info.get("municipalities") or reference.municipality_slugs())


def _name(slug: str, lang: str) -> str:
    return labels("municipalities", lang, column="short").get(slug) or label(
        "municipalities", slug, lang
    )


def _names(slugs: Sequence[str], lang: str) -> Markup:
    return label_html(fmt_list([_name(m, lang) for m in slugs], lang))


def _cell(tab: ResultTable, rec: dict | None, lang: str, **options: Any) -> Cell:
    return Cell(DASH) if rec is None else cell(tab, rec, lang, **options)


def _footnotes(tabs: Sequence[ResultTable], reasons: Sequence[str], lang: str) -> str:
    notes = [suppression_note(r, lang, list(tabs)) for r in dict.fromkeys(reasons)]
    return "".join(f'<p class="tsp-figure-note">{n}</p>' for n in notes)


# -- key findings ---------------------------------------------------------------------------------
def key_findings(res: Results, lang: str) -> Html:
    """Sentences with the headline figures across municipalities, each figure a checked span."""
    items = [
        _finding_index(res, lang),
        _finding_not_ranked(res, lang),
        _finding_unmet(res, lang),
        _finding_urgent(res, lang),
        _finding_differences(res, lang),
        _finding_implementation(res, lang),
        _finding_strategic(res, lang),
    ]
    items = [i for i in items if i]
    return Html('<ul class="tsp-findings">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")


def _finding_index(res: Results, lang: str) -> Markup | None:
    tab = res["service_index"]
    ranked = [r for r in tab.records() if _shown(r) and r.get("status") == "ranked"]
    if not ranked:
        return None
    top = min(ranked, key=lambda r: float(r["rank"]))
    return t_html(
        "overview.finding.index_top",
        lang,
        municipality=label_html(_name(top["municipality"], lang)),
        index=span(tab, top, lang, decimals=0),
        low=span(tab, top, lang, column="rank_min", decimals=0),
        high=span(tab, top, lang, column="rank_max", decimals=0),
    )


def _finding_not_ranked(res: Results, lang: str) -> Markup | None:
    tab = res["service_index"]
    apart = [r["municipality"] for r in tab.records() if not_enough_data(r)]
    if not apart:
        return None
    return t_html("overview.finding.not_ranked", lang, names=_names(apart, lang))


def _finding_unmet(res: Results, lang: str) -> Markup | None:
    tab = res["need_unmet"]
    shown = [r for r in _rows(tab, measure="unmet") if _shown(r)]
    if not shown:
        return None
    top = max(shown, key=lambda r: float(r["estimate"]))
    return t_html(
        "overview.finding.unmet",
        lang,
        area=label_html(label("areas", top["area"], lang)),
        municipality=label_html(_name(top["municipality"], lang)),
        value=span(tab, top, lang),
        interval=interval_span(tab, top, lang),
    )


def _finding_urgent(res: Results, lang: str) -> Markup | None:
    tab = res["priority_ranks"]
    first: dict[str, list[str]] = {}
    for r in tab.records():
        if _shown(r) and r.get("status") == "ranked" and float(r["estimate"]) == 1:
            first.setdefault(r["area"], []).append(r["municipality"])
    if not first:
        return None
    area = max(first, key=lambda a: (len(first[a]), -reference.area_ids().index(a)))
    return t_html(
        "overview.finding.urgent",
        lang,
        area=label_html(label("areas", area, lang)),
        municipalities=_names(first[area], lang),
    )


def _difference_items(res: Results, role: str, lang: str) -> list[str]:
    tab = res["learning"]
    crit = labels("criteria", lang)
    out = []
    for r in _rows(tab, role=role):
        out.append(
            f"{_name(r['municipality'], lang)} – {label('areas', r['area'], lang)} "
            f"({crit.get(r['criterion'], r['criterion'])})"
        )
    return out


def _finding_differences(res: Results, lang: str) -> Markup:
    above = _difference_items(res, "leader", lang)
    below = _difference_items(res, "learner", lang)
    if not above and not below:
        return t_html("overview.finding.no_differences", lang)
    none = t("common.none", lang)
    return t_html(
        "overview.finding.differences",
        lang,
        above=label_html("; ".join(above) or none),
        below=label_html("; ".join(below) or none),
    )


def _finding_implementation(res: Results, lang: str) -> Markup | None:
    tab = res["implementation"]
    interim = _one(tab, municipality="total", evaluation="interim", measure="completion_rate")
    final = _one(tab, municipality="total", evaluation="final", measure="completion_rate")
    if not (_shown(interim) and _shown(final)):
        return None
    return t_html(
        "overview.finding.implementation",
        lang,
        interim=span(tab, interim, lang),
        final=span(tab, final, lang),
    )


def _finding_strategic(res: Results, lang: str) -> Markup | None:
    tab = res["strategic"]
    recs = [r for r in tab.records() if r["municipality"] != "total"]
    complete = [r["municipality"] for r in recs if r.get("status") == "complete"]
    missing = [r["municipality"] for r in recs if r.get("status") == "no_separate_document"]
    if not recs:
        return None
    done = _names(complete, lang) if complete else label_html(t("common.none", lang))
    if missing:
        return t_html("overview.finding.strategic", lang, complete=done, none=_names(missing, lang))
    return t_html("overview.finding.strategic_all", lang, complete=done)


# -- need and unmet need: a dot-and-interval chart per area ---------------------------------------
def _need_figure(recs: list[dict], munis: Sequence[str], title: str, lang: str):
    with charts.style():
        fig, ax = charts.new_figure(height=0.42 * len(munis) + 1.3, width=4.6)
        colours = {"need": charts.NAVY, "unmet": "#c0392b"}
        for i, m in enumerate(munis):
            y = len(munis) - 1 - i
            for measure, (marker, offset) in MEASURE_MARKERS.items():
                rec = next(
                    (r for r in recs if r["municipality"] == m and r["measure"] == measure), None
                )
                if rec is None:
                    continue
                if _shown(rec):
                    est = float(rec["estimate"])
                    lo, hi = rec["ci_low"], rec["ci_high"]
                    if not pd.isna(lo) and not pd.isna(hi):
                        ax.plot(
                            [float(lo), float(hi)],
                            [y + offset] * 2,
                            color=colours[measure],
                            linewidth=2,
                            solid_capstyle="butt",
                        )
                    ax.plot(
                        est,
                        y + offset,
                        marker=marker,
                        color=colours[measure],
                        markersize=6.5,
                        linestyle="none",
                    )
                else:
                    ax.text(
                        0.01,
                        y + offset,
                        SUPPRESSED_MARK,
                        color="#8a4b00",
                        fontsize=10,
                        fontweight="bold",
                        va="center",
                        ha="left",
                    )
        ax.set_yticks(range(len(munis)), [_name(m, lang) for m in reversed(munis)])
        ax.set_ylim(-0.6, len(munis) - 0.4)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(charts._axis_formatter("share", lang))
        ax.set_xticks(np.linspace(0, 1, 5))
        ax.set_title(charts._wrap(title, 36), fontsize=11.5)
        ax.grid(axis="y", visible=False)
        handles = [
            ax.plot([], [], marker=MEASURE_MARKERS[m][0], color=colours[m], linestyle="none")[0]
            for m in ("need", "unmet")
        ]
        ax.legend(
            handles,
            [t("overview.needs.need", lang), t("overview.needs.unmet", lang)],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncols=2,
            frameon=False,
            fontsize=9.5,
        )
    return fig


def needs_charts(res: Results, lang: str) -> Html:
    """Need and unmet need with 95 % intervals: one small chart per area, municipalities as
    rows; a hidden figure is drawn as ‡ where its dot would be, and named below."""
    tab = res["need_unmet"]
    munis = _municipalities(res)
    names = labels("areas", lang)
    parts, reasons = [], []
    for area in reference.area_ids():
        recs = _rows(tab, area=area)
        reasons += [r["reason"] for r in recs if r["suppressed"]]
        fig = _need_figure(recs, munis, names[area], lang)
        alt = charts.alt_text(
            "dots_interval",
            t("overview.needs.alt", lang, area=names[area]),
            lang,
            hidden=any(r["suppressed"] for r in recs),
            below="file",
        )
        parts.append(figure(fig, alt, after=data_links([tab], lang)))
    grid = (
        '<div class="tsp-small-multiples" style="display:grid;'
        'grid-template-columns:repeat(auto-fill,minmax(min(100%,26em),1fr));gap:.4em 1em">'
        + "".join(parts)
        + "</div>"
    )
    return Html(grid + _footnotes([tab], reasons, lang) + data_links([tab], lang))


# -- scores heatmap ------------------------------------------------------------------------------
def scores_heatmap(res: Results, lang: str) -> Html:
    """Area scores (0–100), municipality × area; hidden cells hatched and marked ‡."""
    tab = res["area_scores"]
    recs = tab.records()
    data = pd.DataFrame(
        [
            {
                "municipality": r["municipality"],
                "area": r["area"],
                "estimate": float(r["estimate"]) if _shown(r) else np.nan,
                "n": float(r["n"]) if _shown(r) else np.nan,
                "suppressed": not _shown(r),
            }
            for r in recs
        ],
        columns=["municipality", "area", "estimate", "n", "suppressed"],
    )
    title = t("overview.scores.heatmap_title", lang)
    fig, _ = charts.heatmap_figure(
        data,
        "municipality",
        "area",
        lang,
        0,
        row_labels={m: _name(m, lang) for m in _municipalities(res)},
        col_labels=labels("areas", lang, column="short"),
        row_order=_municipalities(res),
        col_order=reference.area_ids(),
        title=title,
    )
    ax = fig.axes[0]
    short = labels("areas", lang, column="short")
    # nine columns: narrower lines than the chart's default, so that neighbours do not touch
    ax.set_xticks(ax.get_xticks(), [charts._wrap(short[a], 8) for a in reference.area_ids()])
    reasons = [r["reason"] for r in recs if r["suppressed"]]
    alt = charts.alt_text("heatmap", title, lang, hidden=bool(reasons), below="file")
    return Html(
        figure(
            fig,
            alt,
            after=_footnotes([tab], reasons, lang)
            + data_links([tab, res["criterion_scores"]], lang),
        )
    )


# -- provider capacity against need ----------------------------------------------------------------
def capacity_table(res: Results, lang: str) -> Html:
    """Per area (rows) and municipality (columns): the share who needed services and the
    providers' capacity, two scales side by side, never subtracted."""
    tab = res["need_capacity"]
    munis = _municipalities(res)
    names = labels("areas", lang)
    rows = {}
    for area in reference.area_ids():
        row = {}
        for m in munis:
            need = _one(tab, municipality=m, area=area, measure="need")
            cap = _one(tab, municipality=m, area=area, measure="capacity")
            if need is None and cap is None:
                row[_name(m, lang)] = Cell(DASH)
                continue
            body = t_html(
                "overview.capacity.cell",
                lang,
                need=span(tab, need, lang) if need else Markup(DASH),
                capacity=span(tab, cap, lang, decimals=0) if cap else Markup(DASH),
            )
            row[_name(m, lang)] = Cell("", markup=body)
        rows[names[area]] = row
    reasons = [
        r["reason"]
        for r in tab.records()
        if r["suppressed"] and r["measure"] in ("need", "capacity")
    ]
    notes = [suppression_note(r, lang, [tab]) for r in dict.fromkeys(reasons)]
    return cells_table(rows, tab, lang, "needs.col.area", notes=notes, css="tsp-overview-capacity")


# -- composite index -------------------------------------------------------------------------------
def index_table(res: Results, lang: str) -> Html:
    """The overall service index with its rank and rank range, ranked municipalities first;
    a municipality with too few areas says "not enough data" and has no rank."""
    tab = res["service_index"]
    recs = {r["municipality"]: r for r in tab.records()}

    def order(m: str) -> tuple:
        r = recs[m]
        ranked = _shown(r) and r.get("status") == "ranked"
        return (
            not ranked,
            float(r["rank"]) if ranked else 0,
            _municipalities(res).index(m) if m in _municipalities(res) else 99,
        )

    rows, reasons = {}, []
    for m in sorted(recs, key=order):
        rec = recs[m]
        if rec["suppressed"]:
            reasons.append(rec["reason"])
        rows[_name(m, lang)] = index_cells(tab, rec, lang)
    return cells_table(
        rows, tab, lang, "common.municipality", notes=[t_html("needs.index.range_note", lang)]
    )


# -- strongest and weakest areas ----------------------------------------------------------------
def _area_item(tab: ResultTable, rec: dict, lang: str) -> Markup:
    return t_html(
        "overview.strengths.item",
        lang,
        area=label_html(label("areas", rec["area"], lang)),
        rank=span(tab, rec, lang, decimals=0),
        low=span(tab, rec, lang, column="rank_min", decimals=0),
        high=span(tab, rec, lang, column="rank_max", decimals=0),
    )


def strengths_table(res: Results, lang: str) -> Html:
    """Each municipality's weakest (priority rank 1) and strongest (last rank) area, with rank
    ranges; fewer than two ranked areas: "not enough data"."""
    tab = res["priority_ranks"]
    rows = {}
    for m in _municipalities(res):
        ranked = [
            r for r in _rows(tab, municipality=m) if _shown(r) and r.get("status") == "ranked"
        ]
        head = [t(f"overview.strengths.col.{c}", lang) for c in ("weakest", "strongest")]
        if len(ranked) < 2:
            words = Cell(t("overview.strengths.none", lang))
            rows[_name(m, lang)] = {head[0]: words, head[1]: words}
            continue
        ranked.sort(key=lambda r: float(r["estimate"]))
        rows[_name(m, lang)] = {
            head[0]: Cell("", markup=_area_item(tab, ranked[0], lang)),
            head[1]: Cell("", markup=_area_item(tab, ranked[-1], lang)),
        }
    return cells_table(rows, tab, lang, "common.municipality")


# -- who could learn from whom ---------------------------------------------------------------------
def learning_table(res: Results, lang: str) -> Html:
    """Per area: the municipalities significantly above and below the others (with the
    criteria), who could learn from whom, and the catalogue's good practice for the area."""
    tab = res["learning"]
    recs = tab.records()
    if not recs:
        return Html(f"<p>{t_html('overview.learning.none', lang)}</p>" + data_links([tab], lang))
    crit = labels("criteria", lang)
    practices = _practices(lang)
    rows = {}
    for area in reference.area_ids():
        part = [r for r in recs if r["area"] == area]
        if not part:
            continue

        def who(role: str, part=part) -> str:
            out: dict[str, list[str]] = {}
            for r in part:
                if r["role"] == role:
                    out.setdefault(r["municipality"], []).append(crit.get(r["criterion"], ""))
            return "; ".join(f"{_name(m, lang)} ({', '.join(c)})" for m, c in out.items())

        leaders = list(dict.fromkeys(r["municipality"] for r in part if r["role"] == "leader"))
        learners = list(dict.fromkeys(r["municipality"] for r in part if r["role"] == "learner"))
        pid = str(part[0].get("practice_id") or "")
        practice = label_html(practices[pid]) if pid in practices else None
        if leaders and learners:
            pair = t_html(
                "overview.learning.pair",
                lang,
                learner=_names(learners, lang),
                leader=_names(leaders, lang),
                area=label_html(label("areas", area, lang)),
            )
            # A pair with no fitting practice says so rather than ending in a bare dash.
            practice = Markup(f"{pair} {practice or t_html('overview.learning.no_practice', lang)}")
        elif practice is None:
            practice = Markup(DASH)
        rows[label("areas", area, lang)] = {
            t("overview.learning.col.above", lang): Cell(
                who("leader") or DASH, markup=label_html(who("leader") or DASH)
            ),
            t("overview.learning.col.below", lang): Cell(
                who("learner") or DASH, markup=label_html(who("learner") or DASH)
            ),
            t("overview.learning.col.practice", lang): Cell("", markup=label_html(practice)),
        }
    return cells_table(rows, tab, lang, "needs.col.area", sources=[tab, res["score_differences"]])


def _practices(lang: str) -> dict[str, str]:
    from ..recommend import load_practices

    out = {}
    for rec in load_practices().to_dict("records"):
        place = str(rec.get("place") or "").strip()
        where = f" ({place})" if place and place.lower() != "nan" else ""
        out[str(rec["practice_id"])] = f"{rec[f'name_{lang}']}{where}"
    return out


# -- monitoring side by side ----------------------------------------------------------------------
def monitoring_table(res: Results, lang: str) -> Html:
    """Strategic-document completeness and the share of recommendations implemented at the
    interim and the final evaluation, per municipality and in total."""
    strat, impl = res["strategic"], res["implementation"]
    munis = [*_municipalities(res), "total"]
    rows = {}
    for m in munis:
        if _one(impl, municipality=m, evaluation="interim", measure="assessed") is None:
            continue
        s = _one(strat, municipality=m)
        if s is None:
            score = Cell(DASH)
        elif s.get("status") == "no_separate_document":
            score = Cell(t("overview.monitoring.no_document", lang))
        else:
            score = cell(strat, s, lang, decimals=0)
        row = {t("overview.monitoring.col.strategic", lang): score}
        for ev in ("interim", "final"):
            got = {
                k: _one(impl, municipality=m, evaluation=ev, measure=k)
                for k in ("implemented", "assessed", "completion_rate")
            }
            if any(v is None for v in got.values()):
                row[t(f"overview.monitoring.col.{ev}", lang)] = Cell(DASH)
                continue
            body = t_html(
                "overview.monitoring.of",
                lang,
                implemented=span(impl, got["implemented"], lang),
                assessed=span(impl, got["assessed"], lang),
                share=span(impl, got["completion_rate"], lang),
            )
            row[t(f"overview.monitoring.col.{ev}", lang)] = Cell("", markup=body)
        name = t("common.total", lang) if m == "total" else _name(m, lang)
        rows[name] = row
    return cells_table(rows, impl, lang, "common.municipality", sources=[impl, strat])


def method(res: Results, lang: str) -> Html:
    """How the overview's figures were obtained: copied, not recomputed."""
    return Html(f"<p>{t_html('overview.method.text', lang)}</p>")


__all__ = [
    "capacity_table",
    "index_table",
    "key_findings",
    "learning_table",
    "method",
    "monitoring_table",
    "needs_charts",
    "scores_heatmap",
    "strengths_table",
]
