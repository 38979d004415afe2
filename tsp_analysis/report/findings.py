"""Key findings: three to six generated sentences with numbers, first in the report.

Sentences are built from the municipality's rows of
:func:`tsp_analysis.compare.compare_to_rest` (need, unmet need and criterion scores with the
pooled other municipalities) and from :func:`tsp_analysis.scores.priority`. A suppressed figure
(flagged, or with a base below ``min_base``) is never used: a finding is about what the data can
show. Each number in a sentence carries its base (``data-n``) for the disclosure scan.
"""

from __future__ import annotations

import pandas as pd

from .display import Html, bullets, figure_span
from .i18n import (
    Markup,
    fmt_count,
    fmt_list,
    fmt_number,
    fmt_p_eq,
    fmt_percent,
    fmt_pp,
    label,
    t_html,
)

#: Templates of the sentences about a significant difference, per measure and direction.
DIFFERENCE_KEYS = {
    ("need", True): "findings.diff_need_higher",
    ("need", False): "findings.diff_need_lower",
    ("unmet", True): "findings.diff_unmet_higher",
    ("unmet", False): "findings.diff_unmet_lower",
    ("score", True): "findings.diff_score_higher",
    ("score", False): "findings.diff_score_lower",
}


def usable(frame: pd.DataFrame, min_base: int) -> pd.DataFrame:
    """Rows whose estimate may be published: not suppressed, base at least ``min_base``."""
    if frame.empty:
        return frame
    ok = (~frame["suppressed"].astype(bool)) & frame["estimate"].notna() & frame["n"].notna()
    ok &= frame["n"].astype(float) >= min_base
    return frame[ok]


def _share(value: float, n: int, lang: str) -> Markup:
    return figure_span(fmt_percent(value, lang), n, "share")


def _score(value: float, n: int, lang: str) -> Markup:
    return figure_span(fmt_number(value, lang, 0), n, "score")


def _interval(rec: dict, lang: str, kind: str) -> str:
    # Within the scale, as in the tables (see i18n.fmt_interval).
    if kind == "share":
        low, high = max(rec["ci_low"], 0.0), min(rec["ci_high"], 1.0)
        lo, hi = fmt_number(low * 100, lang, 0), fmt_percent(high, lang)
    else:
        low, high = max(rec["ci_low"], 0.0), min(rec["ci_high"], 100.0)
        lo, hi = fmt_number(low, lang, 0), fmt_number(high, lang, 0)
    return f"{lo}–{hi}"


def largest_unmet(comparison: pd.DataFrame, lang: str, min_base: int) -> str | None:
    """The area where need most often went unmet."""
    rows = usable(comparison[comparison["measure"] == "unmet"], min_base)
    if rows.empty:
        return None
    rec = rows.sort_values(["estimate", "area"], ascending=[False, True]).iloc[0].to_dict()
    return t_html(
        "findings.largest_unmet",
        lang,
        area=label("areas", rec["area"], lang),
        share=_share(rec["estimate"], rec["n"], lang),
        ci=_interval(rec, lang, "share"),
        n=fmt_count(rec["n"], lang),
    )


def largest_need(comparison: pd.DataFrame, lang: str, min_base: int) -> str | None:
    """The area where services were most often needed."""
    rows = usable(comparison[comparison["measure"] == "need"], min_base)
    if rows.empty:
        return None
    rec = rows.sort_values(["estimate", "area"], ascending=[False, True]).iloc[0].to_dict()
    return t_html(
        "findings.largest_need",
        lang,
        area=label("areas", rec["area"], lang),
        share=_share(rec["estimate"], rec["n"], lang),
        ci=_interval(rec, lang, "share"),
        n=fmt_count(rec["n"], lang),
    )


def weakest_criteria(comparison: pd.DataFrame, lang: str, min_base: int, k: int = 2) -> str | None:
    """The lowest-scoring area × criterion cells (up to ``k``)."""
    rows = usable(comparison[comparison["measure"] == "score"], min_base)
    if rows.empty:
        return None
    rows = rows.sort_values(["estimate", "area", "criterion"]).head(k)
    parts = [
        t_html(
            "findings.criterion_item",
            lang,
            criterion=label("criteria", r["criterion"], lang),
            area=label("areas", r["area"], lang),
            score=_score(r["estimate"], r["n"], lang),
            ci=_interval(r, lang, "score"),
        )
        for r in rows.to_dict("records")
    ]
    return t_html("findings.weakest", lang, items=Markup(fmt_list(parts, lang)))


def differences(comparison: pd.DataFrame, lang: str, min_base: int, k: int = 2) -> list[str]:
    """Up to ``k`` significant differences from the other municipalities (smallest adjusted p
    first), or one sentence saying there are none."""
    rows = usable(comparison, min_base)
    if rows.empty:
        return []
    rest_ok = rows["rest_n"].notna() & (rows["rest_n"].astype(float) >= min_base)
    sig = rows[rows["significant"].astype(bool) & rest_ok & rows["rest_estimate"].notna()]
    tested = rows["p_adjusted"].notna().sum()
    if sig.empty:
        return (
            [t_html("findings.no_differences", lang, tests=fmt_count(tested, lang))]
            if tested
            else []
        )
    out = []
    for rec in sig.sort_values(["p_adjusted", "measure", "area"]).head(k).to_dict("records"):
        higher = rec["difference"] > 0
        key = DIFFERENCE_KEYS[(rec["measure"], bool(higher))]
        if rec["measure"] == "score":
            value = _score(rec["estimate"], rec["n"], lang)
            rest = _score(rec["rest_estimate"], rec["rest_n"], lang)
            diff = fmt_number(abs(rec["difference"]), lang, 0)
        else:
            value = _share(rec["estimate"], rec["n"], lang)
            rest = _share(rec["rest_estimate"], rec["rest_n"], lang)
            diff = fmt_pp(abs(rec["difference"]), lang)
        criterion = rec.get("criterion")
        out.append(
            t_html(
                key,
                lang,
                area=label("areas", rec["area"], lang),
                criterion=label("criteria", criterion, lang) if isinstance(criterion, str) else "",
                value=value,
                rest=rest,
                diff=diff,
                p=fmt_p_eq(rec["p_adjusted"], lang),
            )
        )
    return out


def top_priorities(priorities: pd.DataFrame, lang: str, k: int = 3) -> str | None:
    """The ``k`` areas ranked most urgent by the priority score."""
    if priorities is None or priorities.empty:
        return None
    rows = priorities[priorities["rank"].notna()].sort_values(["rank", "area"]).head(k)
    if rows.empty:
        return None
    names = [
        f"„{label('areas', a, lang)}“" if lang == "lt" else label("areas", a, lang)
        for a in rows["area"]
    ]
    return t_html("findings.priorities", lang, areas=fmt_list(names, lang))


def key_findings(
    comparison: pd.DataFrame,
    priorities: pd.DataFrame | None,
    lang: str,
    min_base: int,
    max_items: int = 6,
) -> Html:
    """The key-findings list: largest unmet need, most needed area, weakest criteria, significant
    differences from the other municipalities, top priority areas (at most ``max_items``)."""
    items = [
        largest_unmet(comparison, lang, min_base),
        largest_need(comparison, lang, min_base),
        weakest_criteria(comparison, lang, min_base),
        *differences(comparison, lang, min_base),
        top_priorities(priorities, lang),
    ]
    items = [Markup(i) for i in items if i]
    if not items:
        items = [Markup(t_html("findings.none", lang))]
    return bullets(items[:max_items], css="tsp-findings")
