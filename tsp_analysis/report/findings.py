"""Key findings: three to six generated sentences with numbers, first in the report.

Sentences are built from the checked tables of the needs analysis (:mod:`tsp_analysis.results`):
``need_unmet`` and ``criterion_scores`` (the municipality, the pooled other municipalities and
the difference) and ``priorities``. A hidden figure is never chosen for a sentence: a finding is
about what the data can show. Every number in a sentence is a span of a checked cell
(:func:`~tsp_analysis.report.checked.span`), so it carries the cell's address and base.
"""

from __future__ import annotations

from typing import Any

from ..results.table import Results, ResultTable
from .checked import interval_span, span
from .display import Html, bullets, missing, safe
from .i18n import Markup, fmt_list, fmt_number, fmt_p_eq, fmt_pp, label, t_html

#: Templates of the sentences about a significant difference, per measure and direction.
DIFFERENCE_KEYS = {
    ("need", True): "findings.diff_need_higher",
    ("need", False): "findings.diff_need_lower",
    ("unmet", True): "findings.diff_unmet_higher",
    ("unmet", False): "findings.diff_unmet_lower",
    ("score", True): "findings.diff_score_higher",
    ("score", False): "findings.diff_score_lower",
}


def shown(table: ResultTable, **where: str) -> list[dict[str, Any]]:
    """Checked rows matching ``where`` whose figure is published."""
    out = []
    for rec in table.records():
        if any(rec.get(k) != v for k, v in where.items()):
            continue
        if rec["suppressed"] or missing(rec["estimate"]):
            continue
        out.append(rec)
    return out


def _largest(table: ResultTable, measure: str, key: str, lang: str) -> Markup | None:
    rows = shown(table, measure=measure, group="unit")
    if not rows:
        return None
    rec = sorted(rows, key=lambda r: (-float(r["estimate"]), r["area"]))[0]
    return t_html(
        key,
        lang,
        area=label("areas", rec["area"], lang),
        share=span(table, rec, lang),
        ci=interval_span(table, rec, lang),
        n=span(table, rec, lang, column="n", formatter=lambda v: fmt_number(v, lang, 0)),
    )


def largest_unmet(res: Results, lang: str) -> Markup | None:
    """The area where need most often went unmet."""
    return _largest(res["need_unmet"], "unmet", "findings.largest_unmet", lang)


def largest_need(res: Results, lang: str) -> Markup | None:
    """The area where services were most often needed."""
    return _largest(res["need_unmet"], "need", "findings.largest_need", lang)


def weakest_criteria(res: Results, lang: str, k: int = 2) -> Markup | None:
    """The lowest-scoring area × criterion cells (up to ``k``)."""
    table = res["criterion_scores"]
    rows = shown(table, group="unit")
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (float(r["estimate"]), r["area"], r["criterion"]))[:k]
    parts = [
        t_html(
            "findings.criterion_item",
            lang,
            criterion=label("criteria", r["criterion"], lang),
            area=label("areas", r["area"], lang),
            score=span(table, r, lang),
            ci=interval_span(table, r, lang),
        )
        for r in rows
    ]
    return t_html("findings.weakest", lang, items=Markup(fmt_list(parts, lang)))


def _row(table: ResultTable, rec: dict, group: str) -> dict | None:
    where = {d: rec[d] for d in table.dims if d != "group"}
    hits = shown(table, group=group, **where)
    return hits[0] if hits else None


def differences(res: Results, lang: str, k: int = 2) -> list[Markup]:
    """Up to ``k`` significant differences from the other municipalities (smallest adjusted p
    first), or one sentence saying there are none. A difference is cited only when the
    municipality's figure, the others' and the difference itself are all published."""
    candidates = []
    tested = 0
    for name in ("need_unmet", "criterion_scores"):
        table = res[name]
        for diff in shown(table, group="difference"):
            mine, rest = _row(table, diff, "unit"), _row(table, diff, "rest")
            if mine is None or rest is None or missing(diff["p_adjusted"]):
                continue
            tested += 1
            if not missing(diff["significant"]) and float(diff["significant"]) >= 1:
                candidates.append((float(diff["p_adjusted"]), name, diff, mine, rest))
    if not candidates:
        if not tested:
            return []
        return [t_html("findings.no_differences", lang, tests=safe(tested, "param"))]
    out = []
    candidates.sort(key=lambda c: (c[0], c[2].get("measure", "score"), c[2]["area"]))
    for _p, name, diff, mine, rest in candidates[:k]:
        table = res[name]
        measure = diff.get("measure", "score") if name == "need_unmet" else "score"
        # the municipality relative to the rest, as the comparison states it
        direction = str(diff.get("direction") or "")
        higher = (
            direction == "higher"
            if direction in ("higher", "lower")
            else (float(diff["estimate"]) > 0)
        )
        if measure == "score":
            size = span(table, diff, lang, formatter=lambda v: fmt_number(abs(float(v)), lang, 0))
        else:
            size = span(table, diff, lang, formatter=lambda v: fmt_pp(abs(float(v)), lang))
        criterion = diff.get("criterion")
        out.append(
            t_html(
                DIFFERENCE_KEYS[(measure, higher)],
                lang,
                area=label("areas", diff["area"], lang),
                criterion=label("criteria", criterion, lang) if criterion else "",
                value=span(table, mine, lang),
                rest=span(table, rest, lang),
                diff=size,
                p=span(
                    table,
                    diff,
                    lang,
                    column="p_adjusted",
                    formatter=lambda v: fmt_p_eq(float(v), lang),
                ),
            )
        )
    return out


def top_priorities(res: Results, lang: str, k: int = 3) -> Markup | None:
    """The ``k`` areas ranked most urgent by the priority score (ranks that are published)."""
    table = res["priorities"]
    rows = shown(table, component="rank")
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (float(r["estimate"]), r["area"]))[:k]
    names = [
        f"„{label('areas', r['area'], lang)}“" if lang == "lt" else label("areas", r["area"], lang)
        for r in rows
    ]
    return t_html("findings.priorities", lang, areas=fmt_list(names, lang))


def key_findings(res: Results, lang: str, max_items: int = 6) -> Html:
    """The key-findings list: largest unmet need, most needed area, weakest criteria, significant
    differences from the other municipalities, top priority areas (at most ``max_items``)."""
    items = [
        largest_unmet(res, lang),
        largest_need(res, lang),
        weakest_criteria(res, lang),
        *differences(res, lang),
        top_priorities(res, lang),
    ]
    items = [Markup(i) for i in items if i]
    if not items:
        items = [Markup(t_html("findings.none", lang))]
    return bullets(items[:max_items], css="tsp-findings")
