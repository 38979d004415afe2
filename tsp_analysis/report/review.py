"""Sections of the data-review report (SPEC §2.2, seed 002): the inventory of migrant-related
data sources, the indicator availability matrix with coverage scores and gap recommendations,
and the quality audit of this run's inputs.

The inventory and the indicators are reference data (no respondents). The audit counts
respondents, so every count of survey respondents (TŠP and provider surveys) below
``min_count`` is suppressed, with a second cell suppressed where a total would give it away
(received = accepted + quarantined); shares of respondents are shown only on a base of at least
``min_base``. Counts about the other inputs (population, registers) describe tables, not people,
and are shown as they are.
"""

from __future__ import annotations

import pandas as pd

from . import charts
from .display import Cell, Html, bullets, count_cell, estimate_cell, figure, join, table
from .i18n import DASH, SUPPRESSED_MARK, fmt_count, fmt_number, fmt_percent, label, t, t_html

#: Datasets whose rows are people who answered a survey.
RESPONDENT_DATASETS = ("tsp_survey", "provider_survey")

DATASET_KEYS = {
    "tsp_survey": "review.dataset.tsp_survey",
    "provider_survey": "review.dataset.provider_survey",
    "population": "review.dataset.population",
    "residents": "review.dataset.residents",
    "consultations": "review.dataset.consultations",
    "strategic_assessment": "review.dataset.strategic_assessment",
    "recommendations": "review.dataset.recommendations",
}
REASON_KEYS = {
    "missing_required": "review.reason.missing_required",
    "invalid_value": "review.reason.invalid_value",
    "out_of_range": "review.reason.out_of_range",
    "unknown_municipality": "review.reason.unknown_municipality",
    "not_third_country": "review.reason.not_third_country",
    "duplicate_row": "review.reason.duplicate_row",
    "duplicate_id": "review.reason.duplicate_id",
    "impossible_combination": "review.reason.impossible_combination",
    "straight_lining": "review.reason.straight_lining",
}
ACTION_KEYS = {
    "recoded": "review.action.recoded",
    "normalised": "review.action.normalised",
    "set_missing": "review.action.set_missing",
    "derived": "review.action.derived",
    "ignored_column": "review.action.ignored_column",
    "quarantined": "review.action.quarantined",
}
AVAILABILITY_CSS = {"available": "included", "partial": "partly", "not_available": "not_included"}
VARIABLE_KEYS = {
    "sex": "needs.sample.margin.sex",
    "age_group": "needs.sample.margin.age_group",
    "citizenship": "needs.sample.margin.citizenship",
    "residence_basis": "needs.sample.margin.residence_basis",
}


def _dataset(code: str, lang: str) -> str:
    return t(DATASET_KEYS[code], lang) if code in DATASET_KEYS else code


def _reason(code: str, lang: str) -> str:
    return t(REASON_KEYS[code], lang) if code in REASON_KEYS else str(code)


def _people_count(value: object, lang: str, min_count: int, suppressed: bool = False) -> Cell:
    return count_cell(value, lang, min_count, suppressed)


def _plain_count(value: object, lang: str) -> Cell:
    if pd.isna(value):
        return Cell(DASH)
    return Cell(fmt_count(value, lang), css="tsp-num")


def _small(value: object, min_count: int) -> bool:
    return not pd.isna(value) and 0 < int(value) < min_count


# -- 1. inventory -------------------------------------------------------------------------------
def inventory_table(inventory: pd.DataFrame, lang: str) -> Html:
    """The data-source inventory (:func:`tsp_analysis.datareview.inventory`, labelled)."""
    return table(inventory.reset_index(drop=True), lang, index=False,
                 caption=t("review.inventory.caption", lang), css="tsp-inventory")


# -- 2. indicators --------------------------------------------------------------------------------
def availability_table(codes: pd.DataFrame, labelled: pd.DataFrame, lang: str) -> Html:
    """Indicator × level availability, coloured, with the sources.

    ``codes`` is :func:`~tsp_analysis.datareview.indicator_availability` without a language
    (availability codes, for the colours), ``labelled`` the same with ``lang``.
    """
    levels = [lv for lv in ("national", "municipal") if lv in codes]
    level_names = {"national": t("review.level.national", lang),
                   "municipal": t("review.level.municipal", lang)}
    rows = []
    previous = None
    for code_rec, lab_rec in zip(codes.to_dict("records"), labelled.to_dict("records"),
                                 strict=True):
        # The domain on its first row only: the rows below belong to it.
        domain = lab_rec["domain"] if code_rec["domain"] != previous else ""
        previous = code_rec["domain"]
        row = {
            t("review.indicators.col.domain", lang): domain,
            t("review.indicators.col.indicator", lang): lab_rec["indicator"],
        }
        for lv in levels:
            row[level_names[lv]] = Cell(lab_rec[lv],
                                        css=f"tsp-level-{AVAILABILITY_CSS.get(code_rec[lv], '')}")
            row[t("review.indicators.col.sources", lang, level=level_names[lv].lower())] = (
                lab_rec[f"{lv}_sources"] or DASH)
        rows.append(row)
    return table(pd.DataFrame(rows), lang, index=False, css="tsp-indicators",
                 caption=t("review.indicators.caption", lang))


def coverage_table(coverage: pd.DataFrame, lang: str, domains: dict[str, str]) -> Html:
    """Coverage score per domain and level (share of indicators computable, partial = ½)."""
    level_names = {"national": t("review.level.national", lang),
                   "municipal": t("review.level.municipal", lang)}
    rows: dict[str, dict[str, Cell]] = {}
    for rec in coverage.to_dict("records"):
        name = t("review.coverage.all", lang) if rec["domain"] == "all" else domains.get(
            rec["domain"], rec["domain"])
        text = (f"{fmt_percent(rec['coverage'], lang)} "
                f"({fmt_count(rec['available'], lang)} + {fmt_count(rec['partial'], lang)}"
                f" / {fmt_count(rec['indicators'], lang)})")
        rows.setdefault(name, {})[level_names[rec["level"]]] = Cell(text, css="tsp-num")
    return table(pd.DataFrame.from_dict(rows, orient="index"), lang,
                 caption=t("review.coverage.caption", lang),
                 index_header=t("review.indicators.col.domain", lang),
                 notes=[t("review.coverage.formula", lang)])


def coverage_chart(coverage: pd.DataFrame, lang: str, domains: dict[str, str]) -> Html:
    """Coverage score per domain, national and municipal level side by side."""
    data = coverage[coverage["domain"] != "all"].assign(
        estimate=coverage["coverage"], ci_low=float("nan"), ci_high=float("nan"),
        n=coverage["indicators"], suppressed=False)
    levels = {"national": t("review.level.national", lang),
              "municipal": t("review.level.municipal", lang)}
    fig, _ = charts.interval_bars_figure(
        data, "domain", lang, min_base=0, hue="level", category_labels=domains,
        hue_labels=levels, hue_order=list(levels), title=t("review.coverage.chart_title", lang))
    return figure(fig, t("review.coverage.chart_title", lang))


def gap_recommendations(gaps: pd.DataFrame, lang: str) -> Html:
    """The data-system recommendations, one per indicator gap."""
    if gaps.empty:
        return Html(f"<p>{t_html('review.gaps.none', lang)}</p>")
    return bullets(list(gaps["recommendation"]), css="tsp-gaps")


# -- 3. quality audit -----------------------------------------------------------------------------
def rows_table(audit: dict, lang: str, min_count: int) -> Html:
    """Rows received, accepted and quarantined per input (of this report's municipality)."""
    rows = []
    for rec in audit["rows"].to_dict("records"):
        people = rec["dataset"] in RESPONDENT_DATASETS
        received, accepted, quarantined = rec["received"], rec["accepted"], rec["quarantined"]
        unattributed = rec.get("quarantined_unattributed", 0)
        if people:
            hide_q = _small(quarantined, min_count)
            # received = accepted + quarantined: a hidden quarantine count is hidden in accepted
            # too, or the subtraction would give it back.
            cells = [
                _people_count(received, lang, min_count, _small(received, min_count)),
                _people_count(accepted, lang, min_count, hide_q or _small(accepted, min_count)),
                _people_count(quarantined, lang, min_count, hide_q),
                _people_count(unattributed, lang, min_count, _small(unattributed, min_count)),
            ]
        else:
            cells = [_plain_count(v, lang) for v in (received, accepted, quarantined,
                                                     unattributed)]
        balanced = t("common.yes", lang) if rec["balanced"] else t("common.no", lang)
        rows.append({
            t("review.audit.col.dataset", lang): _dataset(rec["dataset"], lang),
            t("review.audit.col.rows_in", lang): _plain_count(rec["rows_in"], lang),
            t("review.audit.col.received", lang): cells[0],
            t("review.audit.col.accepted", lang): cells[1],
            t("review.audit.col.quarantined", lang): cells[2],
            t("review.audit.col.unattributed", lang): cells[3],
            t("review.audit.col.balanced", lang): balanced,
        })
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count,
                 caption=t("review.audit.rows_caption", lang),
                 notes=[t("review.audit.rows_note", lang)])


def quarantine_table(audit: dict, lang: str, min_count: int) -> Html:
    """Quarantined rows per input and reason."""
    data = audit["quarantine"]
    if data.empty:
        return Html(f"<p>{t_html('review.audit.no_quarantine', lang)}</p>")
    rows = []
    for rec in data.to_dict("records"):
        people = rec["dataset"] in RESPONDENT_DATASETS
        count = (lambda v: _people_count(v, lang, min_count, _small(v, min_count))) if people \
            else (lambda v: _plain_count(v, lang))
        rows.append({
            t("review.audit.col.dataset", lang): _dataset(rec["dataset"], lang),
            t("review.audit.col.reason", lang): _reason(rec["reason"], lang),
            t("review.audit.col.rows", lang): count(rec["rows"]),
            t("review.audit.col.unattributed", lang): count(rec.get("unattributed", 0)),
        })
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count,
                 caption=t("review.audit.quarantine_caption", lang))


def nonresponse_table(audit: dict, lang: str, min_base: int, dataset: str = "tsp_survey",
                      min_count: int = 5) -> Html:
    """Item non-response per question: how many were asked and the shares left blank,
    "don't know", "not applicable" or refused (shares of those asked)."""
    data = audit["nonresponse"]
    data = data[data["dataset"] == dataset]
    rows = []
    for rec in data.to_dict("records"):
        asked = rec["asked"]
        row = {
            t("review.audit.col.question", lang): rec.get("label") or rec["question"],
            t("review.audit.col.asked", lang): _people_count(asked, lang, min_count,
                                                             _small(asked, min_count)),
        }
        for col, key in (("nonresponse_rate", "review.audit.col.nonresponse"),
                         ("blank", "review.audit.col.blank"),
                         ("dont_know", "review.audit.col.dont_know"),
                         ("not_applicable", "review.audit.col.not_applicable")):
            value = rec[col] if col == "nonresponse_rate" else (
                rec[col] / asked if asked else float("nan"))
            row[t(key, lang)] = estimate_cell(value, None, None, asked, False, "share", lang,
                                              min_base, show_n=False)
        rows.append(row)
    return table(pd.DataFrame(rows), lang, index=False, min_base=min_base, min_count=min_count,
                 caption=t("review.audit.nonresponse_caption", lang,
                           dataset=_dataset(dataset, lang)))


def straightlining_table(audit: dict, lang: str, min_base: int, min_count: int) -> Html:
    """Per area's rating grid: respondents who rated every criterion and the share of them who
    gave every criterion the same answer."""
    rows = []
    for rec in audit["straightlining"].to_dict("records"):
        complete = rec["complete"]
        rows.append({
            t("needs.col.area", lang): label("areas", rec["area"], lang),
            t("review.audit.col.complete", lang): _people_count(complete, lang, min_count,
                                                                _small(complete, min_count)),
            t("review.audit.col.straightlined", lang): estimate_cell(
                rec["share"], None, None, complete, False, "share", lang, min_base,
                show_n=False),
        })
    return table(pd.DataFrame(rows), lang, index=False, min_base=min_base, min_count=min_count,
                 caption=t("review.audit.straightlining_caption", lang),
                 notes=[t("review.audit.straightlining_note", lang)])


def duplicates_table(audit: dict, lang: str, min_count: int) -> Html:
    """Duplicate keys and rows per input (accepted and quarantined)."""
    rows = []
    for rec in audit["duplicates"].to_dict("records"):
        people = rec["dataset"] in RESPONDENT_DATASETS

        def cell(v, people=people):
            if people:
                return _people_count(v, lang, min_count, _small(v, min_count))
            return _plain_count(v, lang)

        rows.append({
            t("review.audit.col.dataset", lang): _dataset(rec["dataset"], lang),
            t("review.audit.col.key", lang): rec["key"],
            t("review.audit.col.duplicate_keys", lang): cell(rec["duplicate_keys"]),
            t("review.audit.col.identical_rows", lang): cell(rec["identical_rows"]),
            t("review.reason.duplicate_row", lang): cell(rec["quarantined_duplicate_row"]),
            t("review.reason.duplicate_id", lang): cell(rec["quarantined_duplicate_id"]),
        })
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count,
                 caption=t("review.audit.duplicates_caption", lang))


def cleaning_log_table(audit: dict, lang: str, min_count: int) -> Html:
    """The cleaning log summarised: entries and cells per input, column and action.

    Counts of quarantined survey rows per reason say something about respondents (e.g. an EU
    citizen) and are suppressed when small; recodings of a spelling are not about a person.
    """
    rows = []
    for rec in audit["cleaning_log"].to_dict("records"):
        sensitive = rec["dataset"] in RESPONDENT_DATASETS and rec["action"] == "quarantined"

        def cell(v, sensitive=sensitive):
            if sensitive:
                return _people_count(v, lang, min_count, _small(v, min_count))
            return _plain_count(v, lang)

        action = t(ACTION_KEYS[rec["action"]], lang) if rec["action"] in ACTION_KEYS \
            else rec["action"]
        if rec.get("reason"):
            action = f"{action}: {_reason(rec['reason'], lang)}"
        rows.append({
            t("review.audit.col.dataset", lang): _dataset(rec["dataset"], lang),
            t("review.audit.col.column", lang): rec["column"] or DASH,
            t("review.audit.col.action", lang): action,
            t("review.audit.col.entries", lang): cell(rec["entries"]),
            t("review.audit.col.cells", lang): cell(rec["cells"]),
        })
    if not rows:
        return Html(f"<p>{t_html('review.audit.empty_log', lang)}</p>")
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count,
                 caption=t("review.audit.log_caption", lang),
                 notes=[t("review.audit.log_note", lang)])


def _category(variable: str, code: str, lang: str) -> str:
    from .needs import _category_label

    return _category_label(variable, code, lang)


def representativeness_table(audit: dict, lang: str, min_count: int) -> Html:
    """The survey sample against the adult TŠP population, per municipality and variable."""
    rows = []
    previous = (None, None)
    for rec in audit["representativeness"].to_dict("records"):
        suppressed = bool(rec["suppressed"])
        first_unit = rec["municipality"] != previous[0]
        first = (rec["municipality"], rec["variable"]) != previous
        previous = (rec["municipality"], rec["variable"])
        n = rec["sample_n"]
        rows.append({
            t("common.municipality", lang): label("municipalities", rec["municipality"], lang)
            if first_unit else "",
            t("review.audit.col.variable", lang): t(VARIABLE_KEYS[rec["variable"]], lang)
            if first and rec["variable"] in VARIABLE_KEYS else ("" if not first else
                                                                rec["variable"]),
            t("needs.sample.col.category", lang): _category(rec["variable"], rec["category"],
                                                            lang),
            t("needs.sample.col.respondents", lang): count_cell(n, lang, min_count, suppressed),
            t("needs.sample.col.sample_share", lang): (
                Cell(SUPPRESSED_MARK, kind="count", suppressed=True) if suppressed or pd.isna(n)
                else Cell(fmt_percent(rec["sample_share"], lang), n=int(n), kind="count",
                          css="tsp-num")),
            t("needs.sample.col.population_share", lang): (
                Cell(SUPPRESSED_MARK, kind="count", suppressed=True) if suppressed
                else Cell(fmt_percent(rec["population_share"], lang), css="tsp-num")),
        })
    return table(pd.DataFrame(rows), lang, index=False, min_count=min_count, css="tsp-grouped",
                 caption=t("review.audit.representativeness_caption", lang))


def dissimilarity_table(audit: dict, lang: str) -> Html:
    """Index of dissimilarity between sample and population per municipality and variable."""
    data = audit["dissimilarity"]
    rows: dict[str, dict[str, Cell]] = {}
    for rec in data.to_dict("records"):
        name = label("municipalities", rec["municipality"], lang)
        var = t(VARIABLE_KEYS[rec["variable"]], lang) if rec["variable"] in VARIABLE_KEYS \
            else rec["variable"]
        value = rec["dissimilarity"]
        rows.setdefault(name, {})[var] = Cell(DASH if pd.isna(value)
                                              else fmt_number(value, lang, 2), css="tsp-num")
    return table(pd.DataFrame.from_dict(rows, orient="index"), lang,
                 caption=t("review.audit.dissimilarity_caption", lang),
                 index_header=t("common.municipality", lang),
                 notes=[t("review.audit.dissimilarity_note", lang)])


__all__ = [
    "availability_table",
    "cleaning_log_table",
    "coverage_chart",
    "coverage_table",
    "dissimilarity_table",
    "duplicates_table",
    "gap_recommendations",
    "inventory_table",
    "nonresponse_table",
    "quarantine_table",
    "representativeness_table",
    "rows_table",
    "straightlining_table",
    "join",
]


def gap_level(municipality: str) -> str | None:
    """Which level's data gaps a report lists: the municipal level in a municipality's report,
    both levels in the country's."""
    return None if municipality == "lithuania" else "municipal"
