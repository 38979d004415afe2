"""Monitoring report sections for activities 4.1 (training) and 5.1 (foreign experts), and the
seed-003 facts about each municipality's strategic document (stage, adoption, plan length,
reviewers' remarks).

Every function takes the checked results of ``results.compute("monitoring", params)``
(tables of :mod:`tsp_analysis.results.activities`) and renders only checked cells. Events are
records and never hidden; participant counts are people and may be hidden (‡) by the
disclosure policy. Dates are marked as dates; the reference text of seed 003 is shown as
labels, in the report's language.
"""

from __future__ import annotations

from html import escape

from ..ids import ALL
from ..results.table import Results, ResultTable
from . import charts
from .checked import cell, cells_table
from .display import (
    Cell,
    Html,
    bullets,
    data_links,
    figure,
    join,
    label_html,
    missing,
    safe,
)
from .i18n import Markup, fmt_list, label, labels, t, t_html, value_label
from .monitor import TOTAL, _muni, _rows, municipality_measure_table, running_totals_figure

#: Kind codes of each activity register, in column order.
KIND_MEASURES = {
    "trainings": ("held_standard", "held_experiential"),
    "expert_engagements": ("held_consultation", "held_lecture", "held_mentoring"),
}
EVENT_MEASURES = ("planned", "held", "cancelled", "still_planned", "share_held")
#: Value set that labels the categories of each participant table.
CATEGORY_SETS = {
    "training_participants": "participant_institution",
    "expert_participants": "expert_kind",
}


def events_table(res: Results, table_id: str, lang: str) -> Html:
    """Planned, held, cancelled and still-planned events per municipality, held per kind."""
    measures = (*EVENT_MEASURES, *KIND_MEASURES[table_id])
    return municipality_measure_table(res[table_id], measures, lang)


def trainings_table(res: Results, lang: str) -> Html:
    """Activity 4.1: trainings per municipality (standard and experiential)."""
    return events_table(res, "trainings", lang)


def experts_table(res: Results, lang: str) -> Html:
    """Activity 5.1: foreign experts' consultations, lectures and mentoring per municipality."""
    return events_table(res, "expert_engagements", lang)


def participants_table(res: Results, table_id: str, lang: str) -> Html:
    """Participants of the events held: municipality × institution type (or kind), totals."""
    tbl = res[table_id].require_checked()
    rows = _rows(tbl, "municipality", "category")
    value_set = CATEGORY_SETS[table_id]
    categories = [c for c in dict.fromkeys(tbl.data["category"]) if c != ALL]
    heads = {c: value_label(value_set, c, lang) for c in categories}
    heads[ALL] = t("common.total", lang)
    out = {}
    for muni in dict.fromkeys(tbl.data["municipality"]):
        out[_muni(muni, lang)] = {
            head: cell(tbl, rows[(muni, c)], lang) for c, head in heads.items()
        }
    return cells_table(
        out, tbl, lang, "common.municipality", notes=[t("monitoring.participants.note", lang)]
    )


def training_participants_table(res: Results, lang: str) -> Html:
    return participants_table(res, "training_participants", lang)


def expert_participants_table(res: Results, lang: str) -> Html:
    return participants_table(res, "expert_participants", lang)


def provider_training_table(res: Results, lang: str) -> Html:
    """The provider survey's ``training`` question per municipality: the share trained on
    working with TŠP in the last two years (the baseline of activity 4.1)."""
    tbl = res["provider_training"].require_checked()
    out = {
        _muni(rec["municipality"], lang): {
            t("monitoring.provider_training.col", lang): cell(tbl, rec, lang, show_n=True)
        }
        for rec in tbl.records()
    }
    return cells_table(
        out, tbl, lang, "common.municipality", notes=[t("monitoring.provider_training.note", lang)]
    )


def indicators_table(res: Results, lang: str) -> Html:
    """The indicators the source documents name for activities 2.1, 4.1 and 5.1: target
    (where a source gives a number), planned and held events, and the source."""
    tbl = res["activity_indicators"].require_checked()
    rows = _rows(tbl, "indicator", "measure")
    names = labels("activity_indicators", lang)
    out = []
    for indicator in dict.fromkeys(tbl.data["indicator"]):
        target, planned, held = (rows[(indicator, m)] for m in ("target", "planned", "held"))
        participants = indicator.endswith("participants")  # counted in their own tables
        out.append(
            {
                t("monitoring.indicators.col.activity", lang): Cell(
                    "", markup=label_html(target["activity"])
                ),
                t("monitoring.indicators.col.indicator", lang): Cell(
                    "", markup=label_html(names.get(indicator, indicator))
                ),
                t("monitoring.col.target", lang): _figure_or(tbl, target, lang, "not_given"),
                t("monitoring.col.planned", lang): _figure_or(
                    tbl, planned, lang, "participants" if participants else "not_given"
                ),
                t("monitoring.col.held", lang): _figure_or(
                    tbl, held, lang, "participants" if participants else "not_given"
                ),
                t("monitoring.indicators.col.source", lang): Cell(
                    "", markup=label_html(_seed(target["source"]))
                ),
            }
        )
    return cells_table(out, tbl, lang, notes=[t("monitoring.indicators.note", lang)])


def _seed(source: str) -> str:
    """``003_24b813bd4cc612a9`` → ``003`` (the seed's number; the guide names the files)."""
    return ", ".join(s.split("_")[0] for s in str(source).split(";") if s)


def _figure_or(tbl: ResultTable, rec: dict, lang: str, why: str) -> Cell:
    """The record's figure, or the words ``monitoring.indicators.<why>`` where it has none."""
    if missing(rec.get("estimate")):
        text = t(f"monitoring.indicators.{why}", lang)
        return Cell(text, ref=tbl.ref(rec), kind="text", markup=label_html(text))
    return cell(tbl, rec, lang)


def activities_chart(res: Results, activity: str, lang: str) -> Html:
    """Running total of events held per municipality, by month, for one activity."""
    tbl = res["activities_over_time"].require_checked()
    data = tbl.data[(tbl.data["activity"] == activity) & ~tbl.data["suppressed"]]
    if data.empty:
        return Html(f"<p>{t_html('monitoring.activities.none_held', lang)}</p>")
    title = t(f"monitoring.activity.{activity}", lang)
    fig, frame = running_totals_figure(
        data,
        lang,
        title=t("monitoring.activities.chart_title_of", lang, activity=title),
        ylabel=t("monitoring.activities.chart_y", lang),
        tick_months=2,
    )
    last = frame.sort_values("period").groupby("municipality")["estimate"].last()
    names = labels("municipalities", lang)
    alt = charts.alt_text(
        "lines",
        t("monitoring.activities.chart_title_of", lang, activity=title),
        lang,
        orders=[charts.alt_order({names.get(m, m): v for m, v in last.items()}, lang, title)],
        below="file",
    )
    return figure(fig, alt, after=data_links([tbl], lang))


def trainings_chart(res: Results, lang: str) -> Html:
    return activities_chart(res, "trainings", lang)


def experts_chart(res: Results, lang: str) -> Html:
    return activities_chart(res, "expert_engagements", lang)


# -- seed 003: the documents ---------------------------------------------------------------------
def documents_table(res: Results, lang: str) -> Html:
    """Per municipality: the stage its strategic document has reached (seed 003), the adoption
    date and plan length where the source gives them, the planned review and the topics of
    the consultations."""
    tbl = res["strategic_documents"].require_checked()
    col = {
        k: t(f"monitoring.documents.col.{k}", lang)
        for k in ("stage", "adopted_on", "plan_years", "review", "topics")
    }
    out = {}
    notes = []
    for rec in tbl.records():
        muni = rec["municipality"]
        adopted = rec["adopted_on"]
        years = rec["plan_years"]
        out[_muni(muni, lang)] = {
            col["stage"]: _text(tbl, rec, rec[f"stage_{lang}"], (("stage", rec["stage"]),)),
            col["adopted_on"]: Cell(
                "",
                ref=tbl.ref(rec),
                kind="text",
                markup=safe(adopted, "date")
                if adopted
                else label_html(t("monitoring.period.not_given_short", lang)),
            ),
            col["plan_years"]: Cell(
                "",
                ref=tbl.ref(rec),
                kind="text",
                markup=t_html("monitoring.documents.years", lang, years=safe(years, "label"))
                if years
                else label_html("—"),
            ),
            col["review"]: _text(tbl, rec, rec[f"review_{lang}"]),
            col["topics"]: _text(tbl, rec, rec[f"topics_{lang}"]),
        }
        if rec[f"note_{lang}"]:
            notes.append(f"{label('municipalities', muni, lang)}: {rec[f'note_{lang}']}")
    return cells_table(
        out,
        tbl,
        lang,
        "common.municipality",
        notes=[*notes, t("monitoring.documents.source_note", lang)],
        css="tsp-documents",
    )


def _text(tbl: ResultTable, rec: dict, text: str, data=()) -> Cell:
    """A sentence from the reference text: no ``data-kind``, so it wraps and aligns left."""
    return Cell(text or "—", data=data, ref=tbl.ref(rec), markup=label_html(text or "—"))


def _remark(tbl: ResultTable, rec: dict, lang: str) -> Markup:
    topic = label_html(t(f"monitoring.remarks.topic.{rec['topic']}", lang))
    return Markup(
        f'<span class="tsp-remark" data-cell="{escape(tbl.ref(rec))}" '
        f'data-topic="{escape(rec["topic"])}"><strong>{topic}:</strong> '
        f"{label_html(rec[f'text_{lang}'])}</span>"
    )


def remarks(res: Results, lang: str) -> Html:
    """The reviewers' remarks on each document (seed 003), one by one; a municipality whose
    document got none in the interim report is said so. Shown beside the completeness table:
    that table says a component is present, not that it is good."""
    tbl = res["document_remarks"].require_checked()
    docs = res["strategic_documents"].require_checked()
    by_muni: dict[str, list[dict]] = {}
    for rec in tbl.records():
        by_muni.setdefault(rec["municipality"], []).append(rec)
    parts = [f"<p>{t_html('monitoring.remarks.intro', lang)}</p>"]
    none = []
    for rec in docs.records():
        muni = rec["municipality"]
        mine = by_muni.get(muni, [])
        if not mine:
            none.append(label("municipalities", muni, lang))
            continue
        items = [_remark(tbl, r, lang) for r in mine]
        parts.append(f"<h4>{label_html(label('municipalities', muni, lang))}</h4>")
        parts.append(bullets(items, css="tsp-remarks"))
    if none:
        names = label_html(fmt_list(none, lang))
        parts.append(f"<p>{t_html('monitoring.remarks.none', lang, municipalities=names)}</p>")
    return join([*parts, data_links([tbl], lang)])


__all__ = [
    "activities_chart",
    "documents_table",
    "expert_participants_table",
    "experts_chart",
    "experts_table",
    "indicators_table",
    "provider_training_table",
    "remarks",
    "training_participants_table",
    "trainings_chart",
    "trainings_table",
]


def summary_items(res: Results, lang: str) -> list[Markup]:
    """Key-result sentences for activities 4.1 and 5.1 and the documents adopted with a date,
    each figure a checked cell (participants may be hidden: ‡)."""
    from .checked import span
    from .monitor import share_decimals

    items: list[Markup] = []
    for table_id, key, parts in (
        ("trainings", "monitoring.summary.trainings", ("standard", "experiential")),
        (
            "expert_engagements",
            "monitoring.summary.experts",
            ("consultation", "lecture", "mentoring"),
        ),
    ):
        if table_id not in res.tables:
            continue
        tbl = res[table_id].require_checked()
        r = _rows(tbl, "municipality", "measure")
        if (TOTAL, "held") not in r:
            continue
        ptbl = res[PARTICIPANT_OF[table_id]].require_checked()
        p = _rows(ptbl, "municipality", "category")
        share = r[(TOTAL, "share_held")]
        items.append(
            t_html(
                key,
                lang,
                held=span(tbl, r[(TOTAL, "held")], lang),
                planned=span(tbl, r[(TOTAL, "planned")], lang),
                share=span(tbl, share, lang, decimals=share_decimals(share)),
                participants=span(ptbl, p[(TOTAL, ALL)], lang),
                **{k: span(tbl, r[(TOTAL, f"held_{k}")], lang) for k in parts},
            )
        )
    if "strategic_documents" in res.tables:
        docs = res["strategic_documents"].require_checked()
        for rec in docs.records():
            if rec["adopted_on"] and rec["plan_years"]:
                items.append(
                    t_html(
                        "monitoring.summary.adopted",
                        lang,
                        municipality=label_html(label("municipalities", rec["municipality"], lang)),
                        date=safe(rec["adopted_on"], "date"),
                        years=safe(rec["plan_years"], "label"),
                    )
                )
    return items


#: The participant table of each activity table.
PARTICIPANT_OF = {
    "trainings": "training_participants",
    "expert_engagements": "expert_participants",
}
