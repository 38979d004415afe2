"""Sections of the needs-analysis report (SPEC §2.1), one function per table or chart.

Each function takes the tidy output of the statistics modules (``context``, ``weights``,
``scores``, ``compare``, ``models``, ``composite``, ``recommend``) and returns
:class:`~tsp_analysis.report.display.Html`; the notebook computes, then displays. Figures whose
base is below the thresholds are shown as the suppression mark (tables) or left out with a note
(charts), never as zero.
"""

from __future__ import annotations

import pandas as pd

from .. import reference
from . import charts
from .display import (
    Cell,
    Html,
    count_cell,
    figure,
    table,
)
from .i18n import (
    DASH,
    SUPPRESSED_MARK,
    fmt_count,
    fmt_number,
    fmt_percent,
    label,
    labels,
    t,
    value_label,
)

COUNTRY = "lithuania"


def _unit(slug: str, lang: str) -> str:
    return label("municipalities", slug, lang)


def _share_cell(share: object, count: object, suppressed: bool, lang: str, min_count: int) -> Cell:
    """A population share, marked with the count it rests on (checked like a count)."""
    if suppressed or pd.isna(share) or pd.isna(count) or 0 < int(count) < min_count:
        return Cell(SUPPRESSED_MARK, kind="count", suppressed=True)
    return Cell(fmt_percent(float(share), lang), n=int(count), kind="count", css="tsp-num")


# -- 2. context --------------------------------------------------------------------------------
def context_comparison_table(compare: pd.DataFrame, lang: str, min_count: int) -> Html:
    """TŠP in the municipality, the other municipalities and the country (one year)."""
    year = int(compare["year"].iloc[0])
    rows = {}
    for rec in compare.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        top = rec.get("top_citizenship")
        top_text = DASH
        if not suppressed and isinstance(top, str) and top and not pd.isna(
                rec["top_citizenship_share"]):
            top_text = (f"{label('countries', top, lang)} "
                        f"({fmt_percent(rec['top_citizenship_share'], lang)})")
        name = _unit(rec["municipality"], lang)
        if rec["role"] == "selected":
            name = f"▶ {name}"
        rows[name] = {
            t("needs.context.col.tsp", lang): count_cell(rec["tsp"], lang, min_count, suppressed),
            t("needs.context.col.residents", lang): Cell(fmt_count(rec["residents"], lang),
                                                         css="tsp-num"),
            t("needs.context.col.share_residents", lang): Cell(
                DASH if suppressed or pd.isna(rec["share_pct"])
                else f"{fmt_number(rec['share_pct'], lang, 1)}", css="tsp-num"),
            t("needs.context.col.female", lang): _share_cell(rec["share_female"], rec["tsp"],
                                                             suppressed, lang, min_count),
            t("needs.context.col.top_citizenship", lang): Cell(top_text),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(frame, lang, caption=t("needs.context.compare_caption", lang, year=year),
                 index_header=t("common.municipality", lang), min_count=min_count)


def residence_chart(compare: pd.DataFrame, lang: str) -> Html:
    """Residence bases of TŠP in each unit (100% stacked bars)."""
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    data = compare[~compare["suppressed"].astype(bool)]
    long = data.melt(id_vars=["municipality"], value_vars=[f"share_{b}" for b in bases],
                     var_name="basis", value_name="share")
    long["basis"] = long["basis"].str.removeprefix("share_")
    names = labels("municipalities", lang)
    year = int(compare["year"].iloc[0])
    fig = charts.stacked_bars_figure(
        long, category="municipality", part="basis", value="share", lang=lang, part_order=bases,
        part_labels=labels("residence_bases", lang), category_labels=names,
        order=list(data["municipality"]),
        title=t("needs.context.residence_title", lang, year=year),
    )
    return figure(fig, t("needs.context.residence_title", lang, year=year))


def trend_chart(totals: pd.DataFrame, municipality: str, lang: str) -> Html:
    """TŠP per 100 residents over the years, every municipality and the country."""
    data = totals[~totals["suppressed"].astype(bool) & totals["share_pct"].notna()]
    fig = charts.lines_figure(
        data, x="year", y="share_pct", hue="municipality", lang=lang,
        hue_labels=labels("municipalities", lang), highlight=municipality,
        title=t("needs.context.trend_title", lang),
        ylabel=t("needs.context.trend_y", lang),
    )
    return figure(fig, t("needs.context.trend_title", lang))


def trend_table(trend: pd.DataFrame, lang: str, min_count: int) -> Html:
    """The municipality's TŠP count, share of residents and yearly change."""
    rows = {}
    for rec in trend.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        rows[str(int(rec["year"]))] = {
            t("needs.context.col.tsp", lang): count_cell(rec["tsp"], lang, min_count, suppressed),
            t("needs.context.col.share_residents", lang): Cell(
                DASH if suppressed or pd.isna(rec["share_pct"])
                else fmt_number(rec["share_pct"], lang, 2), css="tsp-num"),
            t("needs.context.col.change", lang): Cell(
                DASH if suppressed or pd.isna(rec["change_pct"])
                else _signed(rec["change_pct"], lang) + ("\u00a0%" if lang == "lt" else "%"),
                css="tsp-num"),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return table(frame, lang, caption=t("needs.context.trend_caption", lang),
                 index_header=t("needs.context.col.year", lang), min_count=min_count)


def _signed(value: float, lang: str) -> str:
    text = fmt_number(value, lang, 1)
    return f"+{text}" if value > 0 else text


def citizenship_table(top: pd.DataFrame, lang: str, min_count: int) -> Html:
    """The most common citizenships of TŠP in the municipality."""
    rows = []
    for rec in top.to_dict("records"):
        suppressed = bool(rec["suppressed"])
        name = (t("needs.context.other_citizenships", lang) if rec["citizenship"] == "other"
                else label("countries", rec["citizenship"], lang))
        rows.append({
            t("needs.context.col.citizenship", lang): name,
            t("needs.context.col.count", lang): count_cell(rec["count"], lang, min_count,
                                                           suppressed),
            t("needs.context.col.share", lang): _share_cell(rec["share"], rec["count"], suppressed,
                                                            lang, min_count),
        })
    year = int(top["year"].iloc[0])
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count,
                 caption=t("needs.context.citizenship_caption", lang, year=year))


def sex_age_table(sex_age: pd.DataFrame, lang: str, min_count: int) -> Html:
    """TŠP by age group (rows) and sex (columns): counts and shares of all TŠP."""
    ages = labels("age_groups", lang)
    sexes = {"female": value_label("sex", "female", lang), "male": value_label("sex", "male", lang)}
    rows: dict[str, dict[str, Cell]] = {}
    for rec in sex_age.to_dict("records"):
        row = rows.setdefault(ages.get(rec["age_group"], rec["age_group"]), {})
        sex = sexes.get(rec["sex"], rec["sex"])
        row[sex] = count_cell(rec["count"], lang, min_count, bool(rec["suppressed"]))
        row[f"{sex} (%)"] = _share_cell(rec["share"], rec["count"], bool(rec["suppressed"]),
                                        lang, min_count)
    year = int(sex_age["year"].iloc[0])
    return table(pd.DataFrame.from_dict(rows, orient="index"), lang, min_count=min_count,
                 caption=t("needs.context.sex_age_caption", lang, year=year),
                 index_header=t("needs.context.col.age_group", lang))


__all__ = [
    "citizenship_table",
    "context_comparison_table",
    "residence_chart",
    "sex_age_table",
    "trend_chart",
    "trend_table",
]

