"""Raw tables of the monitoring report (see docs/architecture.md, "Results layer").

Consultations, the strategic-document assessment (Annex 1 of seed 003) and the implementation
of recommendations describe municipalities' work, not people (``subject="records"``): the
disclosure policy hides none of their figures, but every figure is still a checked cell, so the
privacy scan can find each number of the report in the data files.
"""

from __future__ import annotations

import pandas as pd

from .. import monitoring
from ..report.i18n import t
from .table import Results, ResultTable

#: Measures of the consultation table, in column order (``share_held`` is a share).
CONSULTATION_MEASURES = ("planned", "held", "cancelled", "still_planned", "share_held")
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
SHARES = ("share_held", "completion_rate", "weighted_completion")
#: The row of the completeness table with the count of complete documents.
ALL_MUNICIPALITIES = "all"


def _caption(key: str) -> dict[str, str]:
    return {lang: t(key, lang) for lang in ("lt", "en")}


def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the monitoring report (``unit`` is ``all``)."""
    res = Results("monitoring", unit)
    res.info.update(synthetic=bool(inputs.synthetic), hashes=dict(inputs.hashes))
    consultations = inputs.consultations.data
    assessment = inputs.strategic_assessment.data
    summary = monitoring.consultation_summary(consultations)

    rows = []
    for rec in summary.to_dict("records"):
        for m in CONSULTATION_MEASURES:
            rows.append(
                {
                    "municipality": rec["municipality"],
                    "measure": m,
                    "kind": "share" if m in SHARES else "count",
                    "estimate": rec[m],
                    "n": rec["planned"] if m in SHARES else rec[m],
                }
            )
    res.add(
        ResultTable.make(
            "consultations",
            pd.DataFrame(rows),
            caption=_caption("monitoring.consultations.caption"),
            kind="count",
            dims=["municipality", "measure"],
            subject="records",
            labels={"municipality": "municipalities", "measure": "text:monitoring.col"},
        )
    )

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
            caption=_caption("monitoring.consultations.chart_title"),
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
    res.add(
        ResultTable.make(
            "strategic_matrix",
            pd.DataFrame(rows, columns=["component", "municipality", "level"]),
            caption=_caption("monitoring.strategic.caption"),
            kind="text",
            dims=["component", "municipality"],
            subject="records",
            values=["level"],
            labels={"component": "strategic_components", "municipality": "municipalities"},
        )
    )

    completeness = monitoring.strategic_completeness(assessment)
    components = len(matrix.index)
    rows = []
    for rec in completeness.to_dict("records"):
        for m in COMPLETENESS_MEASURES:
            rows.append(
                {
                    "municipality": rec["municipality"],
                    "measure": m,
                    "kind": "score" if m == "score" else "count",
                    "estimate": rec[m],
                    "n": components if m == "score" else rec[m],
                }
            )
    complete = int((completeness["included"] == components).sum()) if components else 0
    for m, value in (("complete", complete), ("municipalities", len(completeness))):
        rows.append(
            {
                "municipality": ALL_MUNICIPALITIES,
                "measure": m,
                "kind": "count",
                "estimate": value,
                "n": value,
            }
        )
    res.add(
        ResultTable.make(
            "strategic_completeness",
            pd.DataFrame(rows),
            caption=_caption("monitoring.strategic.completeness"),
            kind="count",
            dims=["municipality", "measure"],
            subject="records",
            labels={"municipality": "municipalities"},
        )
    )

    implementation = monitoring.implementation_summary(inputs.recommendations.data)
    rows = []
    for rec in implementation.to_dict("records"):
        for m in IMPLEMENTATION_MEASURES:
            rows.append(
                {
                    "municipality": rec["municipality"],
                    "evaluation": rec["evaluation"],
                    "measure": m,
                    "kind": "share" if m in SHARES else "count",
                    "estimate": rec[m],
                    "n": rec["assessed"] if m in SHARES else rec[m],
                }
            )
    res.add(
        ResultTable.make(
            "implementation",
            pd.DataFrame(rows),
            caption=_caption("monitoring.implementation.caption"),
            kind="count",
            dims=["municipality", "evaluation", "measure"],
            subject="records",
            labels={"municipality": "municipalities", "evaluation": "text:monitoring.eval"},
        )
    )
    return res
