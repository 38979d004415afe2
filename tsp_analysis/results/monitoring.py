"""Raw tables of the monitoring report (see docs/architecture.md, "Results layer").

Consultations, the strategic-document assessment (Annex 1 of seed 003) and the implementation
of recommendations describe municipalities' work, not people (``subject="records"``): the
disclosure policy hides none of their figures, but every figure is still a checked cell, so the
privacy scan can find each number of the report in the data files.

Besides the counts, the report states what they mean, from the library's issue-10 outputs:

* ``evaluations`` — the evaluations with their reporting periods and dates
  (:func:`tsp_analysis.monitoring.evaluation_periods`; a date the sources do not give stays
  empty, and the renderer says so);
* ``strategic_status`` — per municipality what its assessment means
  (:func:`tsp_analysis.monitoring.strategic_status`): a municipality that prepared no separate
  document (every content component not included) gets no completeness score — its ``score``
  row is left empty rather than scoring the council adoption alone;
* ``recommendation_status`` — every recommendation of the register one by one
  (:func:`tsp_analysis.monitoring.recommendation_status`), with its id (the needs analysis's
  ``recommendation_id``, ``<municipality>-<rule_id>``) and the rule it came from, so a reader
  can trace finding → recommendation → status. The needs analyses are not recomputed for
  this: the rule is read off the id and checked against the rule table.
"""

from __future__ import annotations

import pandas as pd

from .. import monitoring, recommend
from ..ids import ALL
from . import activities
from .table import Results, ResultTable, caption, measure_rows, text_table

#: Measures of the completeness table (``score`` 0–100).
COMPLETENESS_MEASURES = ("included", "partly", "not_included", "not_assessed", "score")
#: Measures of the implementation table (the rates are shares of the assessed ones).
IMPLEMENTATION_MEASURES = (
    "recommendations",
    "assessed",
    "implemented",
    "partly_implemented",
    "not_implemented",
    "not_assessed",
    "completion_rate",
    "weighted_completion",
)
#: The implementation measures that are shares of the assessed recommendations.
SHARES = ("completion_rate", "weighted_completion")
#: A strategic-document status that has no completeness score (there is no document).
NO_DOCUMENT = "no_separate_document"
#: Shown for a recommendation an evaluation has not assessed.
NOT_ASSESSED = "not_assessed"


def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the monitoring report (``unit`` is ``all``)."""
    res = Results("monitoring", unit)
    res.info.update(synthetic=bool(inputs.synthetic), hashes=dict(inputs.hashes))
    consultations = inputs.consultations.data
    assessment = inputs.strategic_assessment.data
    _evaluations_table(res)
    summary = monitoring.consultation_summary(consultations)

    activities.event_table(res, "consultations", summary)

    over_time = monitoring.consultations_over_time(consultations)
    frame = pd.DataFrame(
        {
            "municipality": over_time.get("municipality", pd.Series(dtype=str)),
            "period": pd.to_datetime(over_time.get("period", pd.Series(dtype="datetime64[ns]")))
            .dt.strftime("%Y-%m")
            .astype(str),
            "estimate": over_time.get("held_cumulative", pd.Series(dtype=float)),
            "held": over_time.get("held", pd.Series(dtype=float)),
        }
    )
    res.add(
        ResultTable.make(
            "consultations_over_time",
            frame,
            caption=caption("monitoring.consultations.chart_title"),
            kind="count",
            dims=["municipality", "period"],
            subject="records",
            values=["held"],
            labels={"municipality": "municipalities"},
        )
    )

    matrix = monitoring.strategic_matrix(assessment)
    rows = []
    for component in matrix.index:
        for muni in matrix.columns:
            level = matrix.loc[component, muni]
            rows.append(
                {
                    "component": component,
                    "municipality": muni,
                    "level": "not_assessed" if pd.isna(level) else str(level),
                }
            )
    frame = pd.DataFrame(rows, columns=["component", "municipality", "level"])
    labels = {"component": "strategic_components", "municipality": "municipalities"}
    dims = ["component", "municipality"]
    res.add(text_table("strategic_matrix", frame, "monitoring.strategic.caption", dims, labels))

    completeness = monitoring.strategic_completeness(assessment)
    components = len(matrix.index)
    rows = []
    for rec in completeness.to_dict("records"):
        status = str(rec.get("status") or "")
        for m in COMPLETENESS_MEASURES:
            # no document, no score: 1 of 7 components (the council adoption) is not a
            # "least complete document"
            no_score = m == "score" and status == NO_DOCUMENT
            rows.append(
                {
                    "municipality": rec["municipality"],
                    "measure": m,
                    "kind": "score" if m == "score" else "count",
                    "estimate": pd.NA if no_score else rec[m],
                    "n": components if m == "score" else rec[m],
                    "status": status,
                }
            )
    complete = int((completeness["included"] == components).sum()) if components else 0
    for m, value in (("complete", complete), ("municipalities", len(completeness))):
        rows.append(
            {
                "municipality": ALL,
                "measure": m,
                "kind": "count",
                "estimate": value,
                "n": value,
                "status": "",
            }
        )
    res.add(
        ResultTable.make(
            "strategic_completeness",
            pd.DataFrame(rows),
            caption=caption("monitoring.strategic.completeness"),
            kind="count",
            dims=["municipality", "measure"],
            subject="records",
            values=["status"],
            labels={"municipality": "municipalities"},
        )
    )
    _status_table(res, assessment)

    implementation = monitoring.implementation_summary(inputs.recommendations.data)
    measures, keys = IMPLEMENTATION_MEASURES, ["municipality", "evaluation"]
    rows = measure_rows(implementation, keys, measures, shares=SHARES, base="assessed")
    res.add(
        ResultTable.make(
            "implementation",
            pd.DataFrame(rows),
            caption=caption("monitoring.implementation.caption"),
            kind="count",
            dims=["municipality", "evaluation", "measure"],
            subject="records",
            labels={"municipality": "municipalities", "evaluation": "text:monitoring.eval"},
        )
    )
    _recommendations_table(res, inputs.recommendations.data)
    # activities 4.1 and 5.1, and seed 003's facts about the documents
    activities.add_tables(res, inputs)
    return res


def _iso(value) -> str:
    """A date as ``YYYY-MM-DD``; empty when the source gives none."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _evaluations_table(res: Results) -> None:
    """The evaluations and their dates (text: dates are not figures; the renderer marks them
    as dates). An empty date is one the source documents do not give."""
    periods = monitoring.evaluation_periods()
    frame = pd.DataFrame(
        {
            "evaluation": periods["evaluation"].astype(str),
            "period_start": [_iso(v) for v in periods["period_start"]],
            "period_end": [_iso(v) for v in periods["period_end"]],
            "evaluated_on": [_iso(v) for v in periods["evaluated_on"]],
            "source": periods["source"].fillna("").astype(str),
        }
    )
    labels = {"evaluation": "text:monitoring.eval"}
    res.add(text_table("evaluations", frame, "monitoring.period.caption", ["evaluation"], labels))


def _status_table(res: Results, assessment: pd.DataFrame) -> None:
    """What each municipality's assessment means in one word (``no_separate_document``,
    ``complete``, ``partial``, ``not_assessed``) and whether the council adopted it."""
    status = monitoring.strategic_status(assessment)
    frame = pd.DataFrame(
        {
            "municipality": status["municipality"].astype(str),
            "status": status["status"].astype(str),
            "adopted": status["adopted"].map({True: "true", False: "false"}).astype(str),
        }
    )
    labels = {"municipality": "municipalities"}
    key = "monitoring.status.caption"
    res.add(text_table("strategic_status", frame, key, ["municipality"], labels))


def rule_of(recommendation_id: str, municipality: str, rules: set[str]) -> str:
    """The recommendation rule behind a register id ``<municipality>-<rule_id>`` (the needs
    analysis's ``recommendation_id``); empty when the id names no known rule.

    >>> rule_of("jonava-womens_unmet", "jonava", {"womens_unmet"})
    'womens_unmet'
    >>> rule_of("jonava-x1", "jonava", {"womens_unmet"})
    ''
    """
    prefix = f"{municipality}-"
    rule = recommendation_id[len(prefix) :] if recommendation_id.startswith(prefix) else ""
    return rule if rule in rules else ""


def _recommendations_table(res: Results, register: pd.DataFrame) -> None:
    """Every recommendation of the register, one by one: id, area, rule, the status at each
    evaluation and the change between them. The titles are the register's own text in both
    languages (the register holds no code for them)."""
    status = monitoring.recommendation_status(register)
    rules = set(recommend.load_rules()["rule_id"])
    frame = pd.DataFrame(
        {
            "municipality": status["municipality"].astype(str),
            "recommendation_id": status["recommendation_id"].astype(str),
            "area": status["area"].fillna("").astype(str),
            "rule_id": [
                rule_of(str(i), str(m), rules)
                for i, m in zip(status["recommendation_id"], status["municipality"], strict=True)
            ],
            "status_interim": status["status_interim"].fillna(NOT_ASSESSED).astype(str),
            "status_final": status["status_final"].fillna(NOT_ASSESSED).astype(str),
            "change": status["change"].astype(str),
            "title_lt": status["title_lt"].fillna("").astype(str),
            "title_en": status["title_en"].fillna("").astype(str),
        }
    )
    key, dims = "monitoring.recommendation_status.caption", ["municipality", "recommendation_id"]
    labels = {"municipality": "municipalities"}
    res.add(text_table("recommendation_status", frame, key, dims, labels))
