"""Monitoring of activities 4.1 (training) and 5.1 (foreign experts), seed 001.

Seed 001 names the two activities and their kinds: 4.1 "mokymų programos parengimas ir
mokymų įgyvendinimas" — standard training (*mokymai*) and experiential training
(*patyriminiai mokymai*); 5.1 foreign experts' consultations, lectures and mentoring
(*užsienio ekspertų konsultacijos, paskaitos, mentorystė*). The inputs are the
``training_events`` and ``expert_engagements`` registers (one row per event ever planned, as
``consultations`` for activity 2.1). The indicators and their targets, where a source document
gives one, are reference data (``data/reference/activity_indicators.csv``,
:func:`indicators`).

Every function takes *clean* tables and returns tidy frames of counts: events are records
(municipalities' work), participants are people (the disclosure policy treats them so).
Municipalities are in Annex 1 order (:func:`tsp_analysis.monitoring.municipality_order`) with a
last ``total`` row.
"""

from __future__ import annotations

import pandas as pd

from . import reference
from .codebook import load_codebook
from .monitoring import TOTAL, _check_codes, municipality_order, status_counts
from .tables import require

#: The activity registers and the value set of their ``kind``.
KINDS = {"training_events": "training_kind", "expert_engagements": "expert_kind"}
#: Date columns of the monitoring registers (their span is the period the data cover).
DATED = {
    "consultations": ("planned_date", "held_date"),
    "training_events": ("planned_date", "held_date"),
    "expert_engagements": ("planned_date", "held_date"),
}


def event_summary(events: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Events planned, held, cancelled and still planned per municipality, and held per kind.

    Parameters
    ----------
    events : DataFrame
        Clean ``training_events`` or ``expert_engagements``: one row per event ever planned,
        with ``municipality``, ``kind`` and ``status`` (``held``/``planned``/``cancelled``).
    dataset : {"training_events", "expert_engagements"}

    Returns
    -------
    DataFrame
        ``municipality`` (Annex 1 order, then ``total``), ``planned`` (every row), ``held``,
        ``cancelled``, ``still_planned``, ``share_held`` (held / planned, 0–1), and
        ``held_<kind>`` for every kind of the dataset's value set.

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": ["jonava", "jonava", "akmene"],
    ...                    "kind": ["standard", "experiential", "standard"],
    ...                    "status": ["held", "planned", "held"]})
    >>> event_summary(df, "training_events")[["municipality", "planned", "held",
    ...                                       "held_standard", "held_experiential"]]
      municipality  planned  held  held_standard  held_experiential
    0       akmene        1     1              1                  0
    1       jonava        2     1              1                  0
    2        total        3     2              2                  0
    """
    require(events, ["municipality", "kind", "status"], dataset)
    cb = load_codebook()
    statuses = cb.codes("event_status")
    kinds = cb.codes(KINDS[dataset])
    _check_codes(events, "status", statuses, dataset)
    _check_codes(events, "kind", kinds, dataset)
    out = status_counts(events, statuses)
    held = events[events["status"] == "held"]
    by_kind = pd.crosstab(held["municipality"], held["kind"]).reindex(
        index=municipality_order(events["municipality"].dropna()), columns=kinds, fill_value=0
    )
    by_kind.loc[TOTAL] = by_kind.sum()
    for kind in kinds:
        out[f"held_{kind}"] = by_kind[kind].to_numpy()
    return out


def participant_columns(dataset: str) -> dict[str, str]:
    """Participant count columns of ``dataset`` (codebook ``group`` = ``participants``) →
    the category each counts: the institution type for ``participants_<type>``, ``all`` for a
    plain ``participants`` column."""
    cols = [q.id for q in load_codebook().questions(dataset, group="participants")]
    return {c: (c.removeprefix("participants_") if c != "participants" else "all") for c in cols}


def participants(events: pd.DataFrame, dataset: str, *, by: str) -> pd.DataFrame:
    """Participants of the events held, per municipality and category.

    Parameters
    ----------
    events : DataFrame
        Clean ``training_events`` (one count column per institution type) or
        ``expert_engagements`` (one ``participants`` column).
    by : {"institution_type", "kind"}
        The category: the institution type of the participants (training) or the kind of event.

    Returns
    -------
    DataFrame
        ``municipality`` (Annex 1 order; no total row: totals are cells of the same cube),
        ``category``, ``participants`` (sum over held events; a blank count adds nothing),
        ``events`` (held events), ``unknown`` (held events with a blank count in that category).
        Every municipality × category, zeros included. Participants are attendances: a person
        at two events counts twice.

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": ["jonava"] * 3, "kind": ["lecture"] * 3,
    ...                    "status": ["held", "held", "planned"],
    ...                    "participants": pd.array([12, None, None], dtype="Int64")})
    >>> participants(df, "expert_engagements", by="kind").query("category == 'lecture'")
      municipality category  participants  events  unknown
    1       jonava  lecture            12       2        1
    """
    columns = participant_columns(dataset)
    require(
        events, ["municipality", "status", *columns], dataset, not_blank=["municipality", "status"]
    )
    held = events[events["status"] == "held"]
    order = municipality_order(events["municipality"].dropna())
    rows = []
    if by == "institution_type":
        categories = [c for c in columns.values() if c != "all"]
        for muni in order:
            mine = held[held["municipality"] == muni]
            for col, cat in columns.items():
                values = pd.to_numeric(mine[col])
                rows.append((muni, cat, int(values.sum()), len(mine), int(values.isna().sum())))
    elif by == "kind":
        categories = load_codebook().codes(KINDS[dataset])
        (col,) = [c for c, cat in columns.items() if cat == "all"]
        for muni in order:
            for cat in categories:
                mine = held[(held["municipality"] == muni) & (held["kind"] == cat)]
                values = pd.to_numeric(mine[col])
                rows.append((muni, cat, int(values.sum()), len(mine), int(values.isna().sum())))
    else:
        raise ValueError(f"by must be 'institution_type' or 'kind', got {by!r}")
    out = pd.DataFrame(
        rows, columns=["municipality", "category", "participants", "events", "unknown"]
    )
    out["category"] = pd.Categorical(out["category"], categories=categories)
    out = out.sort_values(["municipality", "category"], key=_annex_key(order), kind="stable")
    out["category"] = out["category"].astype(str)
    return out.reset_index(drop=True)


def _annex_key(order: list[str]):
    rank = {m: i for i, m in enumerate(order)}

    def key(col: pd.Series) -> pd.Series:
        return col.map(rank) if col.name == "municipality" else col

    return key


def monitoring_period(tables: dict[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The period the monitoring registers cover: the first and last date of an activity held
    (``held_date``, else ``planned_date`` for a held row without one) over every register given
    (``consultations``, ``training_events``, ``expert_engagements``); ``None`` when nothing
    was held.

    >>> c = pd.DataFrame({"status": ["held", "planned"],
    ...                   "planned_date": pd.to_datetime(["2021-11-09", "2022-12-01"]),
    ...                   "held_date": pd.to_datetime(["2021-11-10", None])})
    >>> [d.date().isoformat() for d in monitoring_period({"consultations": c})]
    ['2021-11-10', '2021-11-10']
    """
    dates = []
    for name, frame in tables.items():
        if name not in DATED or frame is None or frame.empty:
            continue
        planned, held_col = DATED[name]
        held = frame[frame["status"] == "held"]
        when = pd.to_datetime(held[held_col]).fillna(pd.to_datetime(held[planned]))
        dates.append(when.dropna())
    if not dates:
        return None
    every = pd.concat(dates)
    if every.empty:
        return None
    return every.min(), every.max()


def indicators() -> pd.DataFrame:
    """The indicators the source documents name for activities 2.1, 4.1 and 5.1, with the
    register and measure that count each and the target where a source gives a number
    (``data/reference/activity_indicators.csv``; ``target`` empty when none does)."""
    frame = reference.table("activity_indicators")
    frame = frame.copy()
    frame["target"] = pd.to_numeric(frame["target"].replace("", pd.NA)).astype("Int64")
    return frame
