"""The needs analysis's qualitative evidence section: per area, which themes how many distinct
sources raised (by kind of source), beside the survey's need and unmet need for that area, and
— only when ``allow_free_text`` is set — redacted quotes for themes raised by at least
``min_count`` sources.

Everything comes from the checked tables ``qual_sources``, ``qual_quotes`` and ``need_unmet``
(:mod:`tsp_analysis.results.qualitative`); a count the policy hides shows its mark, a quote it
hides is left out.
"""

from __future__ import annotations

from html import escape

from ..results.qualitative import ALL, SOURCE_KINDS
from ..results.table import Results
from .checked import cell, cells_table, span
from .display import Cell, Html, bullets, join, paragraph, safe
from .display import section as section_heading
from .i18n import DASH, label, labels, t, t_html, value_label


def _survey_line(res: Results, area: str, lang: str) -> Html | None:
    """The survey's need and unmet need for ``area`` (the municipality's figures)."""
    if "need_unmet" not in res:
        return None
    tab = res["need_unmet"]
    found = {}
    for rec in tab.records():
        if rec["area"] == area and rec["group"] == "unit":
            found[rec["measure"]] = rec
    if set(found) != {"need", "unmet"}:
        return None
    need = span(tab, found["need"], lang)
    unmet = span(tab, found["unmet"], lang)
    return Html(
        f'<p class="tsp-qual-survey">{t_html("qual.survey", lang, need=need, unmet=unmet)}</p>'
    )


def _area_table(res: Results, area: str, lang: str) -> Html:
    tab = res["qual_sources"]
    recs = [r for r in tab.records() if r["area"] == area]
    themes = list(dict.fromkeys(r["theme"] for r in recs))
    names = labels("qual_themes", lang)
    heads = {ALL: t("qual.col.all", lang)}
    heads.update({k: value_label("qual_source_kind", k, lang) for k in SOURCE_KINDS})
    by = {(r["theme"], r["source_kind"]): r for r in recs}
    rows = {}
    for theme in themes:
        rows[names.get(theme, theme)] = {
            heads[k]: (cell(tab, by[(theme, k)], lang) if (theme, k) in by else Cell(DASH))
            for k in (ALL, *SOURCE_KINDS)
        }
    return cells_table(rows, tab, lang, "qual.col.theme")


def _quotes(res: Results, area: str, lang: str) -> Html | None:
    if "qual_quotes" not in res:
        return None
    tab = res["qual_quotes"]
    names = labels("qual_themes", lang)
    items = []
    for rec in tab.records():
        if rec["area"] != area or bool(rec["suppressed"]):
            continue
        quote = cell(tab, rec, lang, column="text", formatter=str)
        items.append(
            Html(
                f"{escape(names.get(rec['theme'], rec['theme']))}: "
                f'<q class="tsp-quote" data-cell="{escape(quote.ref or "")}" data-kind="text">'
                f"{escape(quote.text)}</q>"
            )
        )
    if not items:
        return None
    return Html(
        f'<div class="tsp-quotes"><p><strong>{escape(tab.caption[lang])}</strong></p>'
        + bullets(items)
        + "</div>"
    )


def section(res: Results, lang: str) -> Html:
    """The whole section: heading and its note (what the counts mean), then per area (in
    reference order; areas with no theme raised left out) the survey line, the themes table
    and the quotes."""
    parts = [section_heading("qual.section", lang)]
    if "qual_sources" not in res or res["qual_sources"].data.empty:
        parts.append(paragraph("qual.none", lang))
        return join(parts)
    raised = set(res["qual_sources"].data["area"])
    for area in labels("areas", lang):
        if area not in raised:
            continue
        parts.append(Html(f'<h4 class="tsp-qual-area">{escape(label("areas", area, lang))}</h4>'))
        line = _survey_line(res, area, lang)
        if line is not None:
            parts.append(line)
        parts.append(_area_table(res, area, lang))
        quotes = _quotes(res, area, lang)
        if quotes is not None:
            parts.append(quotes)
    min_count = safe(res["qual_sources"].thresholds.get("min_count", ""), "threshold")
    if "qual_quotes" in res:
        parts.append(Html(f"<p>{t_html('qual.quotes.rule', lang, min_count=min_count)}</p>"))
        shown = [r for r in res["qual_quotes"].records() if not bool(r["suppressed"])]
        if not shown:
            parts.append(paragraph("qual.quotes.none", lang))
    else:
        parts.append(paragraph("qual.quotes.off", lang))
    return join(parts)
