"""Monitoring of activities 2.1 and 3.1 (SPEC §2.3): consultations, strategic documents and
the implementation of recommendations.

Every function takes a *clean* table (see ``docs/architecture.md``: canonical codes, municipality
slugs, dates as ``datetime64``) and returns a tidy :class:`pandas.DataFrame`. The functions count
records; they never return a record, an identifier or a free-text field.

The evaluation periods and dates are data (``data/reference/evaluations.csv``, from seed 003:
the interim evaluation covers 2021-11-09 – 2022-02-23): :func:`evaluation_periods`.

Municipalities are listed in the order of Annex 1 of seed 003 (the source table of the strategic
assessment): alphabetical by Lithuanian name, with the Lithuanian alphabet (``č`` after ``c``,
``š`` after ``s``, ``y`` between ``į`` and ``j``). A municipality that is not in
``data/reference/municipalities.csv`` sorts by its slug after the known ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference
from .codebook import load_codebook
from .errors import InputError, Problem
from .ids import TOTAL
from .tables import require

#: The two evaluations of the recommendation register and their status columns.
EVALUATIONS: dict[str, str] = {"interim": "status_interim", "final": "status_final"}
#: Weight of each inclusion level in the completeness score (0–1, scaled to 0–100).
LEVEL_POINTS: dict[str, float] = {"not_included": 0.0, "partly": 0.5, "included": 1.0}
#: The component that records the council's adoption; the others are the document's content.
ADOPTION = "council_adoption"
#: ``status`` of a municipality's strategic document (see :func:`strategic_status`).
DOCUMENT_STATUSES = ("no_separate_document", "complete", "partial", "not_assessed")

_LT_ALPHABET = "aąbcčdeęėfghiįyjklmnoprsštuųūvzž"
_LT_RANK = {ch: i for i, ch in enumerate(_LT_ALPHABET)}


def lithuanian_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sort key that orders text by the Lithuanian alphabet, case-insensitively.

    Characters outside the alphabet (blanks, digits, punctuation) sort before every letter, by
    code point, so that "Kauno m." comes before "Kaunoa".

    >>> sorted(["Šiaulių", "Vilniaus", "Skuodo", "Jonavos"], key=lithuanian_sort_key)
    ['Jonavos', 'Skuodo', 'Šiaulių', 'Vilniaus']
    """
    return tuple((1, _LT_RANK[ch]) if ch in _LT_RANK else (0, ord(ch)) for ch in str(text).lower())


def municipality_order(slugs) -> list[str]:
    """Order municipality slugs as Annex 1 of seed 003 does: by Lithuanian name.

    >>> municipality_order(["vilnius", "akmene", "siauliai", "kaunas"])
    ['akmene', 'kaunas', 'siauliai', 'vilnius']
    """
    names = reference.labels("municipalities", "lt", column="name")
    unique = list(dict.fromkeys(str(s) for s in slugs))
    known = sorted((s for s in unique if s in names), key=lambda s: lithuanian_sort_key(names[s]))
    unknown = sorted(s for s in unique if s not in names)
    return known + unknown


def _where(frame: pd.DataFrame, i: int) -> tuple[str, int | None]:
    """File and spreadsheet row of row ``i`` (position) for error messages."""
    file = str(frame["source_file"].iloc[i]) if "source_file" in frame else "<table>"
    row = int(frame["source_row"].iloc[i]) if "source_row" in frame else i + 2
    return file, row


def _check_codes(frame: pd.DataFrame, column: str, allowed, dataset: str, optional=False) -> None:
    """Raise :class:`InputError` listing every value of ``column`` that is not an allowed code."""
    values = frame[column]
    bad = ~values.isin(list(allowed))
    if optional:
        bad &= values.notna()
    if bad.any():
        problems = []
        for i in np.flatnonzero(bad.to_numpy()):
            file, row = _where(frame, int(i))
            value = values.iloc[i]
            problems.append(
                Problem(
                    file,
                    row,
                    column,
                    None if pd.isna(value) else value,
                    f"one of {sorted(allowed)} ({dataset})",
                )
            )
        raise InputError(problems, f"{dataset}: {len(problems)} unexpected value(s) in {column!r}")


# -- consultations -----------------------------------------------------------------------------


def consultation_summary(consultations: pd.DataFrame) -> pd.DataFrame:
    """Consultations planned, held, cancelled and still planned per municipality.

    Parameters
    ----------
    consultations : DataFrame
        Clean ``consultations`` table: one row per consultation that was ever planned, with
        ``municipality`` and ``status`` (``held``/``planned``/``cancelled``).

    Returns
    -------
    DataFrame
        One row per municipality (Annex 1 order) and a last row ``municipality == "total"``, with
        ``planned`` (every row: all consultations ever planned), ``held``, ``cancelled``,
        ``still_planned`` (status still ``planned``) and ``share_held`` = held / planned (0–1;
        NaN when nothing was planned).

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": ["jonava", "jonava", "kaunas"],
    ...                    "status": ["held", "cancelled", "planned"]})
    >>> consultation_summary(df)[["municipality", "planned", "held", "share_held"]].round(2)
      municipality  planned  held  share_held
    0       jonava        2     1        0.50
    1       kaunas        1     0        0.00
    2        total        3     1        0.33
    """
    require(consultations, ["municipality", "status"], "consultations")
    statuses = load_codebook().codes("consultation_status")
    _check_codes(consultations, "status", statuses, "consultations")
    return status_counts(consultations, statuses)


def status_counts(records: pd.DataFrame, statuses) -> pd.DataFrame:
    """Rows planned, held, cancelled and still planned per municipality: the counts of
    :func:`consultation_summary` and of :func:`tsp_analysis.activities.event_summary`.

    Parameters
    ----------
    records : DataFrame
        One row per event ever planned, with ``municipality`` and a ``status`` already checked
        against ``statuses``.
    statuses : sequence of str
        The status codes of the register's value set (``held``, ``planned``, ``cancelled``).

    Returns
    -------
    DataFrame
        ``municipality`` (Annex 1 order, then ``total``), ``planned`` (every row), ``held``,
        ``cancelled``, ``still_planned`` (status still ``planned``) and ``share_held`` = held /
        planned (0–1; NaN when nothing was planned).

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": ["kaunas", "akmene", "kaunas", "kaunas"],
    ...                    "status": ["held", "cancelled", "planned", "held"]})
    >>> status_counts(df, ["held", "planned", "cancelled"])
      municipality  planned  held  cancelled  still_planned  share_held
    0       akmene        1     0          1              0    0.000000
    1       kaunas        3     2          0              1    0.666667
    2        total        4     2          1              1    0.500000
    """
    order = municipality_order(records["municipality"].dropna())
    counts = pd.crosstab(records["municipality"], records["status"])
    counts = counts.reindex(index=order, columns=list(statuses), fill_value=0)
    counts.loc[TOTAL] = counts.sum()
    out = pd.DataFrame(
        {
            "municipality": counts.index.astype(str),
            "planned": counts.sum(axis=1).to_numpy(),
            "held": counts["held"].to_numpy(),
            "cancelled": counts["cancelled"].to_numpy(),
            "still_planned": counts["planned"].to_numpy(),
        }
    )
    out["share_held"] = out["held"] / out["planned"].where(out["planned"] > 0)
    return out


def consultations_over_time(consultations: pd.DataFrame, freq: str = "MS") -> pd.DataFrame:
    """Consultations held per period and municipality, with running totals, for a line chart.

    Parameters
    ----------
    consultations : DataFrame
        Clean ``consultations`` table with ``municipality``, ``status``, ``held_date`` and
        ``planned_date``.
    freq : str
        A pandas offset alias that labels a period by its start: ``"MS"`` (month, default),
        ``"QS"`` (quarter), ``"YS"`` (year).

    Returns
    -------
    DataFrame
        ``municipality``, ``period`` (start of the period), ``held`` (consultations held in the
        period) and ``held_cumulative``, one row per municipality and period on a common axis
        from the first to the last period with a consultation held (zeros included, so lines do
        not jump). Every municipality of the table appears, even with nothing held. A held
        consultation without ``held_date`` is dated by its ``planned_date``: the status is the
        authority on *whether* it was held; the planned date is the best estimate of *when*.
        Empty (with those columns) when nothing was held.
    """
    require(
        consultations,
        ["municipality", "status", "held_date", "planned_date"],
        "consultations",
        not_blank=["municipality", "status"],
    )
    held = consultations[consultations["status"] == "held"]
    when = pd.to_datetime(held["held_date"]).fillna(pd.to_datetime(held["planned_date"]))
    if when.isna().any():
        i = int(np.flatnonzero(when.isna().to_numpy())[0])
        file, row = _where(held, i)
        raise InputError(
            Problem(
                file,
                row,
                "held_date",
                None,
                "a date (held_date or planned_date) for a held consultation",
            )
        )
    columns = ["municipality", "period", "held", "held_cumulative"]
    if held.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(columns, ["str", "datetime64[ns]", "int64", "int64"], strict=True)
            }
        )
    events = pd.Series(1, index=pd.DatetimeIndex(when.to_numpy()))
    axis = events.resample(freq).size().index  # every period from first to last held
    frames = []
    for slug in municipality_order(consultations["municipality"].dropna()):
        mine = held["municipality"].to_numpy() == slug
        per = pd.Series(1, index=pd.DatetimeIndex(when.to_numpy()[mine]))
        counts = per.resample(freq).size() if mine.any() else pd.Series(dtype="int64")
        counts = counts.reindex(axis, fill_value=0).astype("int64")
        frames.append(
            pd.DataFrame(
                {
                    "municipality": slug,
                    "period": axis,
                    "held": counts.to_numpy(),
                    "held_cumulative": counts.cumsum().to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -- strategic documents -----------------------------------------------------------------------


def _latest_assessment(assessment: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """One row per municipality × component: the latest assessment (on or before ``as_of``)."""
    require(assessment, ["municipality", "component", "level"], "strategic_assessment")
    components = reference.table("strategic_components")["component"].tolist()
    _check_codes(assessment, "component", components, "strategic_assessment")
    _check_codes(assessment, "level", list(LEVEL_POINTS), "strategic_assessment")
    data = assessment.reset_index(drop=True)
    if "assessed_on" in data:
        dates = pd.to_datetime(data["assessed_on"])
        if as_of is not None:
            data = data[(dates <= pd.Timestamp(as_of)).to_numpy()]
            dates = pd.to_datetime(data["assessed_on"])
        data = data.assign(_date=dates).sort_values("_date", kind="stable", na_position="first")
    else:
        data = data.assign(_date=pd.NaT)
    key = ["municipality", "component"]
    last = data.drop_duplicates(key, keep="last")
    # Two different levels for the same component on the same (latest) date cannot be resolved.
    tied = data.merge(last[key + ["_date"]], on=key + ["_date"])
    clash = tied.groupby(key)["level"].nunique()
    clash = clash[clash > 1]
    if not clash.empty:
        problems = []
        for muni, comp in clash.index:
            rows = data[(data["municipality"] == muni) & (data["component"] == comp)]
            for i in range(len(rows)):
                file, row = _where(rows, i)
                problems.append(
                    Problem(
                        file,
                        row,
                        "level",
                        rows["level"].iloc[i],
                        f"one level for {muni}/{comp} on its latest assessment date",
                    )
                )
        raise InputError(problems, "strategic_assessment: contradictory assessments")
    return last.drop(columns="_date")


def strategic_matrix(assessment: pd.DataFrame, lang: str | None = None, as_of=None) -> pd.DataFrame:
    """The strategic-document assessment: components × municipalities, as Annex 1 of seed 003.

    Parameters
    ----------
    assessment : DataFrame
        Clean ``strategic_assessment`` table (``municipality``, ``component``, ``level``,
        ``assessed_on``). When a component was assessed more than once, the latest assessment
        (on or before ``as_of``) counts.
    lang : {"lt", "en"}, optional
        ``None`` (default): cells hold level codes (``not_included``/``partly``/``included``),
        the index holds component ids and the columns municipality slugs. With a language,
        cells, index and columns hold labels in that language (for display).
    as_of : date-like, optional
        Ignore assessments made after this date.

    Returns
    -------
    DataFrame
        Rows: the 7 components in the order of ``data/reference/strategic_components.csv``.
        Columns: the municipalities of the table in Annex 1 order (alphabetical by Lithuanian
        name). A component that was not assessed for a municipality is missing (``NA``), never
        shown as "not included".
    """
    last = _latest_assessment(assessment, as_of)
    components = reference.table("strategic_components")["component"].tolist()
    matrix = last.pivot(index="component", columns="municipality", values="level")
    matrix = matrix.reindex(index=components, columns=municipality_order(last["municipality"]))
    matrix.index.name = "component"
    matrix.columns.name = "municipality"
    if lang is None:
        return matrix
    levels = load_codebook().value_labels("inclusion_level", lang)
    names = reference.labels("municipalities", lang, column="short")
    comp = reference.labels("strategic_components", lang)
    out = matrix.apply(lambda col: col.map(levels))
    out.index = [comp[c] for c in out.index]
    out.columns = [names.get(m, m) for m in out.columns]
    return out


def strategic_completeness(assessment: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """How complete each municipality's strategic document is, as a 0–100 score.

    The score is the mean over the 7 components of 1 (included), 0.5 (partly) or 0 (not
    included), times 100. A component without any assessment counts as not included (the
    document does not show it) and is counted in ``not_assessed`` so that the reader sees it.

    Returns
    -------
    DataFrame
        ``municipality`` (Annex 1 order), ``included``, ``partly``, ``not_included``,
        ``not_assessed`` (counts of components), ``score`` (0–100) and ``status`` from
        :func:`strategic_status`. A municipality whose status is ``no_separate_document`` has
        no document to score: report the status ("prepared no separate document"), not the
        score of its council adoption.

    Examples
    --------
    >>> comps = reference.table("strategic_components")["component"]
    >>> df = pd.DataFrame({"municipality": "jonava", "component": comps,
    ...                    "level": ["included"] * 6 + ["partly"]})
    >>> round(float(strategic_completeness(df)["score"].iloc[0]), 2)
    92.86
    """
    last = _latest_assessment(assessment, as_of)
    n_components = len(reference.table("strategic_components"))
    counts = pd.crosstab(last["municipality"], last["level"]).reindex(
        columns=list(LEVEL_POINTS), fill_value=0
    )
    counts = counts.reindex(municipality_order(counts.index))
    points = sum(counts[level] * p for level, p in LEVEL_POINTS.items())
    out = pd.DataFrame(
        {
            "municipality": counts.index.astype(str),
            "included": counts["included"].to_numpy(),
            "partly": counts["partly"].to_numpy(),
            "not_included": counts["not_included"].to_numpy(),
            "not_assessed": (n_components - counts.sum(axis=1)).to_numpy(),
            "score": (100 * points / n_components).to_numpy(dtype=float),
        }
    )
    status = strategic_status(assessment, as_of)
    return out.merge(status[["municipality", "status"]], on="municipality", how="left")


def strategic_status(assessment: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """What each municipality's strategic-document assessment means, in one word.

    Derived from the assessment, not from a score: ``no_separate_document`` when every content
    component (all but :data:`ADOPTION`) is assessed ``not_included`` — there is no document to
    assess, whatever the council adopted (seed 003: Kaunas declined to prepare one; only its
    council adoption is marked); ``complete`` when every component is ``included``;
    ``not_assessed`` when no content component was assessed; ``partial`` otherwise.

    Returns
    -------
    DataFrame
        ``municipality`` (Annex 1 order), ``status``, ``content_included``,
        ``content_partly``, ``content_components`` (assessed content components),
        ``adopted`` (the council adoption is ``included``).

    Examples
    --------
    >>> comps = reference.table("strategic_components")["component"]
    >>> df = pd.DataFrame({"municipality": "kaunas", "component": comps,
    ...                    "level": ["not_included"] * 6 + ["included"]})
    >>> strategic_status(df)[["municipality", "status", "adopted"]].to_dict("records")
    [{'municipality': 'kaunas', 'status': 'no_separate_document', 'adopted': True}]
    """
    last = _latest_assessment(assessment, as_of)
    rows = []
    for slug in municipality_order(last["municipality"]):
        mine = last[last["municipality"] == slug]
        content = mine[mine["component"] != ADOPTION]["level"]
        adoption = mine.loc[mine["component"] == ADOPTION, "level"]
        n_components = len(reference.table("strategic_components"))
        if content.empty:
            status = "not_assessed"
        elif (content == "not_included").all():
            status = "no_separate_document"
        elif (mine["level"] == "included").all() and len(mine) == n_components:
            status = "complete"
        else:
            status = "partial"
        rows.append(
            {
                "municipality": slug,
                "status": status,
                "content_included": int((content == "included").sum()),
                "content_partly": int((content == "partly").sum()),
                "content_components": int(len(content)),
                "adopted": bool((adoption == "included").any()),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "municipality",
            "status",
            "content_included",
            "content_partly",
            "content_components",
            "adopted",
        ],
    )
    out["status"] = out["status"].astype("str")
    return out


def evaluation_periods(lang: str | None = None) -> pd.DataFrame:
    """The monitoring's evaluations with their reporting periods and dates, from
    ``data/reference/evaluations.csv``.

    Returns
    -------
    DataFrame
        ``evaluation`` (``interim``, ``final``), ``period_start``, ``period_end``,
        ``evaluated_on`` (``datetime64``; missing where the source documents give no date),
        ``source`` (the seed document), and with ``lang`` its ``label`` and ``note``.

    Examples
    --------
    >>> p = evaluation_periods().set_index("evaluation")
    >>> str(p.loc["interim", "period_start"].date()), str(p.loc["interim", "period_end"].date())
    ('2021-11-09', '2022-02-23')
    """
    table = reference.table("evaluations")
    out = table[["evaluation"]].copy()
    for col in ("period_start", "period_end", "evaluated_on"):
        out[col] = pd.to_datetime(table[col].replace("", None))
    out["source"] = table["source"]
    if lang is not None:
        reference.check_lang(lang)
        out["label"] = table[f"label_{lang}"]
        out["note"] = table[f"note_{lang}"]
    missing = set(EVALUATIONS) - set(out["evaluation"])
    if missing:
        raise InputError(
            Problem("data/reference/evaluations.csv", None, "evaluation", None, sorted(missing))
        )
    return out


# -- implementation of recommendations ---------------------------------------------------------

#: Order of the implementation statuses, for the change between evaluations.
_STATUS_RANK = {"not_implemented": 0, "partly_implemented": 1, "implemented": 2}


def recommendation_status(
    recommendations: pd.DataFrame,
    needs: pd.DataFrame | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """The status of every recommendation, one by one, at each evaluation.

    Parameters
    ----------
    recommendations : DataFrame
        Clean ``recommendations`` register (``rec_id`` is the needs analysis's
        ``recommendation_id``).
    needs : DataFrame, optional
        The needs analyses' recommendations
        (:func:`tsp_analysis.recommend.needs_recommendations` of each municipality,
        concatenated): adds the rule and the evidence that produced each recommendation, so it
        can be traced from finding to status.
    lang : {"lt", "en"}, optional
        Adds ``title`` (the register's title in that language).

    Returns
    -------
    DataFrame
        One row per recommendation, municipalities in Annex 1 order and the register's order
        within each: ``recommendation_id``, ``municipality``, ``area``, ``title_lt``,
        ``title_en`` (``title``), ``status_interim``, ``status_final`` (missing = not assessed),
        ``change`` (``improved``, ``unchanged``, ``worse``, or ``not_assessed`` when either
        status is missing); with ``needs``: ``rule_id``, ``tier``, ``areas``, ``evidence`` and
        ``in_needs_analysis`` (False for a register entry no needs analysis produced).
    """
    require(
        recommendations,
        ["rec_id", "municipality", "area", "title_lt", "title_en", *EVALUATIONS.values()],
        "recommendations",
        not_blank=["rec_id", "municipality"],
    )
    statuses = load_codebook().codes("implementation")
    for column in EVALUATIONS.values():
        _check_codes(recommendations, column, statuses, "recommendations", optional=True)
    order = {m: i for i, m in enumerate(municipality_order(recommendations["municipality"]))}
    out = recommendations.assign(
        _m=recommendations["municipality"].map(order), _pos=range(len(recommendations))
    ).sort_values(["_m", "_pos"], kind="stable")
    out = out.rename(columns={"rec_id": "recommendation_id"})[
        [
            "recommendation_id",
            "municipality",
            "area",
            "title_lt",
            "title_en",
            "status_interim",
            "status_final",
        ]
    ].reset_index(drop=True)
    a = out["status_interim"].map(_STATUS_RANK)
    b = out["status_final"].map(_STATUS_RANK)
    out["change"] = np.select(
        [a.isna() | b.isna(), b > a, b < a], ["not_assessed", "improved", "worse"], "unchanged"
    )
    out["change"] = out["change"].astype("str")
    if lang is not None:
        reference.check_lang(lang)
        out["title"] = out[f"title_{lang}"]
    if needs is not None:
        cols = ["recommendation_id", "rule_id", "tier", "areas", "evidence"]
        found = needs[cols].drop_duplicates("recommendation_id")
        out = out.merge(found, on="recommendation_id", how="left", indicator=True)
        out["in_needs_analysis"] = out.pop("_merge") == "both"
    return out


# -- implementation of recommendations: counts ---------------------------------------------------


def implementation_summary(recommendations: pd.DataFrame) -> pd.DataFrame:
    """Implementation status of the recommendations per municipality and evaluation.

    Parameters
    ----------
    recommendations : DataFrame
        Clean ``recommendations`` register: one row per recommendation with ``municipality``,
        ``status_interim`` and ``status_final`` (``not_implemented``/``partly_implemented``/
        ``implemented``; missing when that evaluation has not assessed it yet).

    Returns
    -------
    DataFrame
        One row per municipality (Annex 1 order, then ``"total"``) × evaluation (``interim``,
        ``final``) with ``recommendations`` (rows in the register), ``assessed`` (with a status),
        ``not_assessed``, the counts ``not_implemented``, ``partly_implemented``,
        ``implemented`` and two completion rates over the assessed recommendations (0–1, NaN when
        none was assessed):

        * ``completion_rate`` = implemented / assessed (the strict measure);
        * ``weighted_completion`` = (implemented + ½ · partly implemented) / assessed (gives
          partial progress half credit, like the strategic completeness score).

        Rates are exact fractions (1 of 8 is 0.125): rounding is the renderer's job, and
        ``implemented`` and ``assessed`` are there to print "1 of 8".

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": ["akmene"] * 4,
    ...     "status_interim": ["implemented", "partly_implemented", "not_implemented", None],
    ...     "status_final": ["implemented"] * 4})
    >>> s = implementation_summary(df)
    >>> row = s.iloc[0]
    >>> row["evaluation"], int(row["assessed"]), float(row["weighted_completion"])
    ('interim', 3, 0.5)
    """
    require(
        recommendations,
        ["municipality", *EVALUATIONS.values()],
        "recommendations",
        not_blank=["municipality"],
    )
    statuses = load_codebook().codes("implementation")
    frames = []
    for evaluation, column in EVALUATIONS.items():
        _check_codes(recommendations, column, statuses, "recommendations", optional=True)
        status = recommendations[column].fillna("_none")
        counts = pd.crosstab(recommendations["municipality"], status)
        counts = counts.reindex(columns=[*statuses, "_none"], fill_value=0)
        counts = counts.reindex(municipality_order(counts.index))
        counts.loc[TOTAL] = counts.sum()
        assessed = counts[statuses].sum(axis=1)
        frame = pd.DataFrame(
            {
                "municipality": counts.index.astype(str),
                "evaluation": evaluation,
                "recommendations": counts.sum(axis=1).to_numpy(),
                "assessed": assessed.to_numpy(),
                "not_assessed": counts["_none"].to_numpy(),
                **{s: counts[s].to_numpy() for s in statuses},
            }
        )
        base = frame["assessed"].where(frame["assessed"] > 0)
        frame["completion_rate"] = frame["implemented"] / base
        frame["weighted_completion"] = (
            frame["implemented"] + 0.5 * frame["partly_implemented"]
        ) / base
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    order = {m: i for i, m in enumerate(out["municipality"].drop_duplicates())}
    out = out.sort_values(
        ["municipality", "evaluation"],
        key=lambda s: (
            s.map(order) if s.name == "municipality" else s.map({"interim": 0, "final": 1})
        ),
        kind="stable",
    )
    return out.reset_index(drop=True)
