"""Key findings of a data review (SPEC §2.2), one set per municipality and one for the country.

The data reviews used to differ between municipalities only in their audit section. The
findings here are computed for the municipality (or, for ``lithuania``, the country) from the
public functions of :mod:`tsp_analysis.datareview` and from this run's survey, and each finding
carries the numbers it cites, so a sentence can never say more than its row:

* ``indicators_computable`` — of the integration-monitoring indicators, how many can be
  computed at this level fully (``value``) and partly (``partial``) out of ``total``, with the
  coverage score (available 1, partial ½);
* ``core_not_available`` — the Zaragoza core indicators that cannot be computed at all at this
  level (``items``);
* ``weakest_domain`` — the domain with the lowest coverage (``share``) at this level;
* ``top_gap`` — the ``k_gaps`` most important gaps at this level (core indicators first, then
  not-available before partial, in indicator order), one row each: the indicator (``items``),
  what is missing (``detail``, a gap code of ``datareview_terms.csv``) and who could fix it
  (``sources``);
* ``survey_figures`` — of the needs analysis's survey figures (need and unmet need per area; the
  area × criterion scores) how many this municipality's survey can publish (unweighted base at
  least ``min_base``): ``value`` of ``total``; per family ``needs`` / ``scores``;
* ``rows_quarantined`` — input rows of the municipality quarantined by cleaning (``value``)
  of those received (``total``);
* ``highest_nonresponse`` — the survey question with the highest item non-response among those
  asked of at least ``min_base`` respondents (``share``; ``value`` not answered of ``total``
  asked);
* ``least_representative`` — the raking variable on which the unweighted sample differs most
  from the population (``share`` = the dissimilarity index).

The frame is tidy and language-free; wording is the renderer's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import datareview
from .ids import ALL, COUNTRY
from .thresholds import DEFAULT_MIN_BASE

COLUMNS = [
    "finding_id",
    "topic",
    "level",
    "municipality",
    "value",
    "partial",
    "total",
    "share",
    "items",
    "detail",
    "sources",
]


def _share(part: float, whole: float) -> float:
    """``part / whole``, or NaN (no figure) when there is nothing to take a share of."""
    return part / whole if whole else np.nan


def _row(**values) -> dict:
    out = dict.fromkeys(COLUMNS, np.nan)
    for key in ("items", "detail", "sources", "topic", "level", "municipality", "finding_id"):
        out[key] = ""
    out.update(values)
    return out


def indicator_findings(level: str, k_gaps: int = 3) -> list[dict]:
    """The indicator findings of one level (``municipal`` or ``national``)."""
    avail = datareview.indicator_availability(level=None)
    status = avail[level]
    core = avail["zaragoza_core"].astype(bool)
    rows = [
        _row(
            finding_id="indicators_computable",
            topic="indicators",
            level=level,
            value=int((status == "available").sum()),
            partial=int((status == "partial").sum()),
            total=len(avail),
            share=float(((status == "available") + 0.5 * (status == "partial")).mean()),
        )
    ]
    missing_core = avail.loc[core & (status == "not_available"), "indicator_id"].tolist()
    rows.append(
        _row(
            finding_id="core_not_available",
            topic="indicators",
            level=level,
            value=len(missing_core),
            total=int(core.sum()),
            share=_share(len(missing_core), int(core.sum())),
            items=";".join(missing_core),
        )
    )
    cov = datareview.coverage_scores()
    cov = cov[(cov["level"] == level) & (cov["domain"] != ALL)]
    weakest = cov.sort_values(["coverage", "domain"], kind="stable").iloc[0]
    rows.append(
        _row(
            finding_id="weakest_domain",
            topic="indicators",
            level=level,
            value=int(weakest["available"]),
            partial=int(weakest["partial"]),
            total=int(weakest["indicators"]),
            share=float(weakest["coverage"]),
            items=str(weakest["domain"]),
        )
    )
    gaps = datareview.data_gap_recommendations("en", level=level)
    gaps = gaps.merge(avail[["indicator_id", "zaragoza_core"]], on="indicator_id", how="left")
    order = {i: n for n, i in enumerate(avail["indicator_id"])}
    gaps = gaps.assign(
        _core=~gaps["zaragoza_core"].astype(bool),
        _missing=gaps["availability"] != "not_available",
        _order=gaps["indicator_id"].map(order),
    ).sort_values(["_core", "_missing", "_order"], kind="stable")
    for rank, g in enumerate(gaps.head(k_gaps).itertuples(index=False), start=1):
        rows.append(
            _row(
                finding_id="top_gap",
                topic="gaps",
                level=level,
                value=rank,
                items=g.indicator_id,
                detail=f"{g.availability}:{g.gap}",
                sources=g.sources,
            )
        )
    return rows


def survey_findings(inputs, municipality: str, min_base: int = DEFAULT_MIN_BASE) -> list[dict]:
    """The survey and audit findings of one municipality (``lithuania``: every respondent)."""
    from . import scores

    rows = []
    tsp = inputs.tsp_survey.data
    mine = tsp if municipality == COUNTRY else tsp[tsp["municipality"] == municipality]
    needs = scores.need_unmet(mine, weight=None, min_base=min_base)
    needs = needs[needs["measure"] != "partly"]
    crit = scores.criterion_scores(mine, weight=None, min_base=min_base)
    total_pub = 0
    total_all = 0
    for family, frame in (("needs", needs), ("scores", crit)):
        published = int((~frame["suppressed"]).sum())
        total_pub += published
        total_all += len(frame)
        rows.append(
            _row(
                finding_id="survey_figures",
                topic="survey",
                value=published,
                total=len(frame),
                share=_share(published, len(frame)),
                items=family,
            )
        )
    rows.append(
        _row(
            finding_id="survey_figures",
            topic="survey",
            value=total_pub,
            total=total_all,
            share=_share(total_pub, total_all),
            items=ALL,
        )
    )
    audit = datareview.quality_audit(inputs, None if municipality == COUNTRY else municipality)
    acc = audit["rows"]
    survey_rows = acc[acc["dataset"] == "tsp_survey"]
    if len(survey_rows):
        r = survey_rows.iloc[0]
        received = int(r["received"])
        rows.append(
            _row(
                finding_id="rows_quarantined",
                topic="audit",
                value=int(r["quarantined"]),
                total=received,
                share=_share(int(r["quarantined"]), received),
                items="tsp_survey",
            )
        )
    nr = audit["nonresponse"]
    nr = nr[(nr["dataset"] == "tsp_survey") & (nr["asked"] >= min_base)]
    if len(nr):
        top = nr.sort_values(["nonresponse_rate", "question"], ascending=[False, True]).iloc[0]
        rows.append(
            _row(
                finding_id="highest_nonresponse",
                topic="audit",
                value=int(top["asked"] - top["answered"]),
                total=int(top["asked"]),
                share=float(top["nonresponse_rate"]),
                items=str(top["question"]),
            )
        )
    dis = audit["dissimilarity"]
    if len(dis) and dis["dissimilarity"].notna().any():
        worst = dis.sort_values("dissimilarity", ascending=False, kind="stable").iloc[0]
        rows.append(
            _row(
                finding_id="least_representative",
                topic="audit",
                share=float(worst["dissimilarity"]),
                items=str(worst["variable"]),
            )
        )
    for r in rows:
        r["municipality"] = municipality
    return rows


def review_findings(
    inputs=None,
    municipality: str = COUNTRY,
    *,
    min_base: int = DEFAULT_MIN_BASE,
    k_gaps: int = 3,
) -> pd.DataFrame:
    """The key findings of one data review, as a tidy table (see the module docstring).

    Parameters
    ----------
    inputs : Inputs, optional
        :func:`tsp_analysis.inputs.load_inputs` bundle; without it only the indicator and gap
        findings (which come from the reference tables) are returned.
    municipality : str
        A municipality slug (municipal level) or ``"lithuania"`` (national level, every
        respondent).
    min_base : int
        Publication threshold of survey figures, and the least number of respondents asked for
        a question's non-response to count.
    k_gaps : int
        How many gaps to list.

    Returns
    -------
    DataFrame
        ``finding_id``, ``topic`` (``indicators``, ``gaps``, ``survey``, ``audit``), ``level``
        (``municipal``/``national`` for indicator findings), ``municipality``, ``value``,
        ``partial``, ``total``, ``share`` (0–1), ``items`` (``;``-joined ids), ``detail``,
        ``sources``.

    Examples
    --------
    >>> f = review_findings(municipality="akmene")
    >>> f.loc[f["finding_id"] == "indicators_computable", ["level", "total"]].to_dict("records")
    [{'level': 'municipal', 'total': 21.0}]
    """
    level = "national" if municipality == COUNTRY else "municipal"
    rows = indicator_findings(level, k_gaps)
    for r in rows:
        r["municipality"] = municipality
    if inputs is not None:
        rows += survey_findings(inputs, municipality, min_base)
    out = pd.DataFrame(rows, columns=COLUMNS)
    for c in ("finding_id", "topic", "level", "municipality", "items", "detail", "sources"):
        out[c] = out[c].astype("str")
    return out
