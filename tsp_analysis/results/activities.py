"""Raw tables of the monitoring report for activities 4.1 (training) and 5.1 (foreign experts),
the seed-003 facts about each municipality's strategic document, and the period the
monitoring data cover.

Events are records (``subject="records"``, like consultations): none is hidden. Participants
are people (``subject="participants"``): every participant count is a cell of a cube
``participants:<dataset>:all`` (municipality × institution type for training, municipality ×
kind for the experts), so the disclosure policy hides counts of 1 to ``min_count − 1`` and
whatever would let a reader recover them from a total.

Tables
------
``trainings``, ``expert_engagements``
    municipality (Annex 1 order, then ``total``) × ``measure``: ``planned``, ``held``,
    ``cancelled``, ``still_planned``, ``share_held`` and ``held_<kind>``.
``activities_over_time``
    ``activity`` (``consultations``, ``trainings``, ``expert_engagements``) × municipality ×
    month: events held so far (``estimate``) and in the month (``held``).
``training_participants``, ``expert_participants``
    municipality (and ``total``) × ``category`` (institution type or kind, and ``all``):
    participants of the events held.
``activity_indicators``
    each indicator of ``activity_indicators.csv`` × ``measure``: ``target`` (where a source
    gives one), ``planned``, ``held`` (events; participant indicators point to their tables).
``provider_training``
    per municipality the share of providers who answered the provider survey's ``training``
    question "yes" (trained on working with TŠP in the last two years): the baseline of
    activity 4.1; a figure about respondents, hidden below ``min_base``.
``strategic_documents``, ``document_remarks``
    seed 003 per municipality: stage, adoption date, plan length, yearly review and the
    consultations' topics; the reviewers' remarks one by one (text, both languages).
"""

from __future__ import annotations

import pandas as pd

from .. import activities, monitoring, reference
from ..ids import ALL
from .table import Cube, Results, ResultTable, caption, coord, measure_rows, text_table

#: Measures of the event tables before the per-kind counts.
EVENT_MEASURES = ("planned", "held", "cancelled", "still_planned", "share_held")
#: Result table id of each activity register.
EVENT_TABLES = {"training_events": "trainings", "expert_engagements": "expert_engagements"}
#: Participant tables: register → (table id, category dimension of the cube, ``by``).
PARTICIPANT_TABLES = {
    "training_events": ("training_participants", "institution_type", "institution_type"),
    "expert_engagements": ("expert_participants", "kind", "kind"),
}
TOTAL = monitoring.TOTAL


def participants_cube_id(dataset: str) -> str:
    return f"participants:{dataset}:all"


def _data(inputs, name: str) -> pd.DataFrame | None:
    """The clean table of ``name`` in ``inputs`` (an ``Inputs`` or any object with the
    datasets as attributes), or ``None`` when the bundle does not hold it."""
    result = getattr(inputs, name, None)
    return None if result is None else result.data


def add_tables(res: Results, inputs) -> None:
    """Add every table of this module to the monitoring report's raw results. A register the
    inputs do not hold adds no table (the seed facts always come from the reference data)."""
    for dataset in EVENT_TABLES:
        data = _data(inputs, dataset)
        if data is not None:
            _event_table(res, data, dataset)
            _participant_table(res, data, dataset)
    _over_time(res, inputs)
    if all(_data(inputs, d) is not None for d in ("consultations", *EVENT_TABLES)):
        _indicator_table(res, inputs)
    provider = _data(inputs, "provider_survey")
    if provider is not None:
        _provider_training(res, provider)
    _documents(res)


def _event_table(res: Results, events: pd.DataFrame, dataset: str) -> None:
    event_table(res, EVENT_TABLES[dataset], activities.event_summary(events, dataset))


def event_table(res: Results, table_id: str, summary: pd.DataFrame) -> None:
    """Add an event table, municipality × measure (:data:`EVENT_MEASURES` and ``held_<kind>``),
    from a summary of :func:`tsp_analysis.monitoring.status_counts`: the consultations of the
    monitoring report and the activity registers' trainings and expert engagements."""
    measures = [*EVENT_MEASURES, *[c for c in summary.columns if c.startswith("held_")]]
    rows = measure_rows(summary, ["municipality"], measures, shares=["share_held"], base="planned")
    _by_municipality(res, table_id, rows, "measure", "records", "text:monitoring.col")


def _by_municipality(
    res: Results, table_id: str, rows: list[dict], dim: str, subject: str, label: str
) -> None:
    """Add a count table municipality × ``dim`` (labelled by ``label``), captioned
    ``monitoring.<table_id>.caption``: the event and participant tables."""
    res.add(
        ResultTable.make(
            table_id,
            pd.DataFrame(rows),
            caption=caption(f"monitoring.{table_id}.caption"),
            kind="count",
            dims=["municipality", dim],
            subject=subject,
            labels={"municipality": "municipalities", dim: label},
        )
    )


def _over_time(res: Results, inputs) -> None:
    frames = []
    for activity, dataset in (
        ("consultations", "consultations"),
        ("trainings", "training_events"),
        ("expert_engagements", "expert_engagements"),
    ):
        data = _data(inputs, dataset)
        out = None if data is None else monitoring.consultations_over_time(data)
        if out is None or out.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    "activity": activity,
                    "municipality": out["municipality"].astype(str),
                    "period": pd.to_datetime(out["period"]).dt.strftime("%Y-%m").astype(str),
                    "estimate": out["held_cumulative"],
                    "held": out["held"],
                }
            )
        )
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["activity", "municipality", "period", "estimate", "held"])
    )
    res.add(
        ResultTable.make(
            "activities_over_time",
            frame,
            caption=caption("monitoring.activities.chart_title"),
            kind="count",
            dims=["activity", "municipality", "period"],
            subject="records",
            values=["held"],
            labels={"municipality": "municipalities", "activity": "text:monitoring.activity"},
        )
    )


def _participant_table(res: Results, events: pd.DataFrame, dataset: str) -> None:
    table_id, dim, by = PARTICIPANT_TABLES[dataset]
    long = activities.participants(events, dataset, by=by)
    munis = list(dict.fromkeys(long["municipality"]))
    categories = list(dict.fromkeys(long["category"]))
    cube = res.add_cube(
        Cube(participants_cube_id(dataset), {"municipality": tuple(munis), dim: tuple(categories)})
    )
    rows = []

    def add(muni: str, category: str, value: int, cell: str) -> None:
        rows.append(
            {
                "municipality": muni,
                "category": category,
                "estimate": value,
                "cube": cube.id,
                "coord": cell,
            }
        )

    for muni in munis:
        mine = long[long["municipality"] == muni]
        for rec in mine.to_dict("records"):
            add(
                muni,
                rec["category"],
                rec["participants"],
                coord(municipality=muni, **{dim: rec["category"]}),
            )
        add(muni, ALL, int(mine["participants"].sum()), coord(municipality=muni))
    for category in categories:
        value = int(long.loc[long["category"] == category, "participants"].sum())
        add(TOTAL, category, value, coord(**{dim: category}))
    add(TOTAL, ALL, int(long["participants"].sum()), coord())
    value_set = "participant_institution" if by == "institution_type" else activities.KINDS[dataset]
    _by_municipality(res, table_id, rows, "category", "participants", f"value_set:{value_set}")


def _indicator_table(res: Results, inputs) -> None:
    ind = activities.indicators()
    rows = []
    for rec in ind.to_dict("records"):
        dataset, measure = rec["dataset"], rec["measure"]
        if measure == "participants":
            planned = held = pd.NA  # participants have their own tables
        else:
            data = _data(inputs, dataset)
            if measure.startswith("held_"):
                data = data[data["kind"] == measure.removeprefix("held_")]
            planned = len(data)
            held = int((data["status"] == "held").sum())
        for m, value in (("target", rec["target"]), ("planned", planned), ("held", held)):
            rows.append(
                {
                    "indicator": rec["indicator"],
                    "measure": m,
                    "estimate": value,
                    "activity": rec["activity"],
                    "dataset": dataset,
                    "source": rec["source"],
                }
            )
    res.add(
        ResultTable.make(
            "activity_indicators",
            pd.DataFrame(rows),
            caption=caption("monitoring.indicators.caption"),
            kind="count",
            dims=["indicator", "measure"],
            subject="records",
            values=["activity", "dataset", "source"],
            labels={"indicator": "activity_indicators", "measure": "text:monitoring.col"},
        )
    )


def _provider_training(res: Results, provider: pd.DataFrame) -> None:
    answered = provider[provider["training"].isin(["yes", "no"])]
    rows = []
    for muni in monitoring.municipality_order(provider["municipality"].dropna()):
        mine = answered[answered["municipality"] == muni]
        n = len(mine)
        rows.append(
            {
                "municipality": muni,
                "estimate": (mine["training"] == "yes").mean() if n else pd.NA,
                "n": n,
            }
        )
    res.add(
        ResultTable.make(
            "provider_training",
            pd.DataFrame(rows, columns=["municipality", "estimate", "n"]),
            caption=caption("monitoring.provider_training.caption"),
            kind="share",
            dims=["municipality"],
            subject="respondents",
            labels={"municipality": "municipalities"},
        )
    )


def _documents(res: Results) -> None:
    docs = reference.table("strategic_documents")
    frame = pd.DataFrame(
        {
            "municipality": docs["municipality"].astype(str),
            **{
                c: docs[c].astype(str)
                for c in (
                    "stage",
                    "adopted_on",
                    "plan_years",
                    "stage_lt",
                    "stage_en",
                    "review_lt",
                    "review_en",
                    "topics_lt",
                    "topics_en",
                    "note_lt",
                    "note_en",
                    "source",
                )
            },
        }
    )
    frame = (
        frame.set_index("municipality")
        .loc[monitoring.municipality_order(frame["municipality"])]
        .reset_index()
    )
    labels = {"municipality": "municipalities"}
    key = "monitoring.documents.caption"
    res.add(text_table("strategic_documents", frame, key, ["municipality"], labels))
    remarks = reference.table("document_remarks")
    remarks = remarks[["municipality", "remark", "topic", "text_lt", "text_en", "source"]]
    key, dims = "monitoring.remarks.caption", ["municipality", "remark"]
    res.add(text_table("document_remarks", remarks.astype(str), key, dims, labels))


def monitoring_period(inputs) -> tuple[str, str] | None:
    """First and last date (ISO) of an activity held in the monitoring registers of
    ``inputs`` (:func:`tsp_analysis.activities.monitoring_period`); ``None`` if none."""
    tables = {name: _data(inputs, name) for name in activities.DATED}
    span = activities.monitoring_period(tables)
    if span is None:
        return None
    return tuple(d.strftime("%Y-%m-%d") for d in span)


__all__ = ["add_tables", "event_table", "monitoring_period", "participants_cube_id"]
