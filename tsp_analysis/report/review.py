"""Sections of the data-review report (SPEC §2.2, seed 002): the inventory of migrant-related
data sources, the indicator availability matrix with coverage scores and gap recommendations,
and the quality audit of this run's inputs.

Every function takes the checked :class:`~tsp_analysis.results.table.Results` of
``results.compute("data_review", params)`` and a language, and renders only through
:mod:`.checked` (figures) and :func:`.display.table`; labels and reference texts go through
:func:`.display.label_html`. What the tables hold and why some figures are not published is
documented in :mod:`tsp_analysis.results.review`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import datareview
from ..ids import ALL, COUNTRY
from ..results.cubes import MISSING
from ..results.review import MISSING_KINDS, NO_CODE, SCOPES, TOTAL_CATEGORY
from ..results.table import Results, ResultTable
from ..thresholds import DEFAULT_MIN_BASE
from . import charts
from .checked import cell, cells_table, share_decimals
from .display import (
    Cell,
    Html,
    bullets,
    data_links,
    figure,
    join,
    label_html,
    message,
    missing,
    safe,
    table,
)
from .i18n import (
    DASH,
    Markup,
    category_label,
    column_label,
    fmt_list,
    has,
    label,
    labels,
    lower_first,
    question_label,
    t,
    t_html,
)

AVAILABILITY_CSS = {"available": "included", "partial": "partly", "not_available": "not_included"}


def _text(value: object) -> Cell:
    """A cell of words (a label, a reference text): digits in it are marked as label digits."""
    if missing(value):
        return Cell(DASH)
    text = str(value)
    return Cell(text, markup=label_html(text))


def _dataset(code: str, lang: str) -> str:
    key = f"review.dataset.{code}"
    return t(key, lang)


def _reason(code: str, lang: str) -> str:
    return t(f"review.reason.{code}", lang)


def _col(measure: str, lang: str) -> str:
    return t(f"review.audit.col.{measure}", lang)


def _index(tbl: ResultTable, *dims: str) -> dict[tuple, dict]:
    """The checked rows of ``tbl`` by their values of ``dims``."""
    return {tuple(rec[d] for d in dims): rec for rec in tbl.records()}


def _fig(tbl: ResultTable, rec: dict | None, lang: str, **options) -> Cell:
    return Cell(DASH) if rec is None else cell(tbl, rec, lang, **options)


# -- 0. key findings ------------------------------------------------------------------------------
def findings(res: Results, lang: str) -> Html:
    """The key findings of this review (municipality or country), three to six sentences,
    every figure a checked cell: of the ``findings`` table (indicators, gaps, survey figures)
    or, for counts of respondents, the audit table's own cell (one number, published once)."""
    from .checked import span

    if "findings" not in res.tables:
        return Html("")
    tbl = res["findings"].require_checked()
    rows = _index(tbl, "finding_id", "item", "measure")

    def fig(finding: str, measure: str, item: str = ALL) -> Markup:
        rec = rows[(finding, item, measure)]
        decimals = share_decimals(rec) if _kind_of(tbl, rec) == "share" else None
        return span(tbl, rec, lang, decimals=decimals)

    def figs(finding: str, *measures: str) -> dict[str, Markup]:
        """A finding's figures by measure: the placeholders of its sentence are named so."""
        return {m: fig(finding, m) for m in measures}

    threshold = safe(int(tbl.thresholds.get("min_base", DEFAULT_MIN_BASE)), "threshold")
    names = datareview.indicator_availability(lang=lang).set_index("indicator_id")["indicator"]
    domains = datareview.terms("domain", lang)
    items: list[Markup] = []
    level = next(
        (r["level"] for r in tbl.records() if r["finding_id"] == "indicators_computable"), ""
    )
    if ("indicators_computable", ALL, "value") in rows:
        items.append(
            t_html(
                f"review.findings.indicators.{level}",
                lang,
                **figs("indicators_computable", "value", "partial", "total", "share"),
            )
        )
    if ("core_not_available", ALL, "value") in rows and (
        "weakest_domain",
        ALL,
        "share",
    ) in rows:
        core = rows[("core_not_available", ALL, "value")]
        weakest = rows[("weakest_domain", ALL, "share")]
        domain = label_html(lower_first(domains.get(weakest["items"], weakest["items"])))
        if core["estimate"] and float(core["estimate"]) > 0:
            listed = [lower_first(str(names.get(i, i))) for i in core["items"].split(";") if i]
            items.append(
                t_html(
                    "review.findings.core",
                    lang,
                    **figs("core_not_available", "value", "total"),
                    items=label_html(fmt_list(listed, lang)),
                    domain=domain,
                    share=fig("weakest_domain", "share"),
                )
            )
        else:
            items.append(
                t_html(
                    "review.findings.core_none",
                    lang,
                    domain=domain,
                    share=fig("weakest_domain", "share"),
                )
            )
    gaps = [r for r in tbl.records() if r["finding_id"] == "top_gap"]
    if gaps:
        listed = [lower_first(str(names.get(r["items"], r["items"]))) for r in gaps]
        items.append(t_html("review.findings.gaps", lang, gaps=label_html(fmt_list(listed, lang))))
    if ("survey_figures", ALL, "value") in rows:
        scope = "national" if level == "national" else "municipal"
        items.append(
            t_html(
                f"review.findings.survey.{scope}",
                lang,
                **figs("survey_figures", "value", "total", "share"),
                min_base=threshold,
            )
        )
    if ("rows_quarantined", "tsp_survey", "cite") in rows and "rows_respondents" in res.tables:
        audit = res["rows_respondents"].require_checked()
        cells = _index(audit, "dataset", "measure")
        if ("tsp_survey", "accepted") in cells and ("tsp_survey", "quarantined") in cells:
            items.append(
                t_html(
                    "review.findings.quarantined",
                    lang,
                    accepted=span(audit, cells[("tsp_survey", "accepted")], lang),
                    quarantined=span(audit, cells[("tsp_survey", "quarantined")], lang),
                )
            )
    cite = [r for r in tbl.records() if r["finding_id"] == "highest_nonresponse"]
    if cite and cite[0]["sources"] in res.tables:
        audit = res[cite[0]["sources"]].require_checked()
        cells = _index(audit, "question", "measure")
        q = cite[0]["item"]
        missing, answered = cells.get((q, "missing")), cells.get((q, "answered"))
        # naming the most unanswered question must not bound a hidden count
        if missing and answered and not (missing["suppressed"] or answered["suppressed"]):
            items.append(
                t_html(
                    "review.findings.nonresponse",
                    lang,
                    min_base=threshold,
                    question=label_html(question_label("tsp_survey", q, lang)),
                    missing=span(audit, missing, lang),
                    answered=span(audit, answered, lang),
                )
            )
    return bullets(items, css="tsp-findings") + data_links([tbl], lang)


def _kind_of(tbl: ResultTable, rec: dict) -> str:
    k = rec.get("kind")
    return str(k) if isinstance(k, str) and k else tbl.kind


# -- 1. inventory -------------------------------------------------------------------------------
def _with_notes(labelled: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The inventory with its note column in every language: the library gives the notes
    (which values are the researchers' assessment) in English only, so the Lithuanian report
    takes them from ``review.inventory.source_note.<source_id>`` (the English note where a
    translation is missing) — the Lithuanian report has every column the English one has."""
    head = datareview.terms("column", lang)["note"]
    if head in labelled.columns:
        return labelled
    english = datareview.inventory("en")
    notes = english[datareview.terms("column", "en")["note"]]
    out = labelled.copy()
    out[head] = [
        t(f"review.inventory.source_note.{sid}", lang)
        if has(f"review.inventory.source_note.{sid}")
        else notes.loc[sid]
        for sid in labelled.index
    ]
    return out


def inventory_table(res: Results, lang: str) -> Html:
    """The data-source inventory: institutions, sources, breakdowns, timeliness (reference
    text) with the time lag as a checked figure."""
    tbl = res["inventory"].require_checked()
    rows = _index(tbl, "source_id")
    labelled = _with_notes(datareview.inventory(lang), lang)
    lag_col = datareview.terms("column", lang)["lag_months"]
    frame = pd.DataFrame(index=range(len(labelled)))
    for col in labelled.columns:
        if col == lag_col:
            frame[col] = [_fig(tbl, rows.get((sid,)), lang) for sid in labelled.index]
        else:
            frame[col] = [_text(v) for v in labelled[col]]
    return table(
        frame, lang, index=False, caption=tbl.caption[lang], css="tsp-inventory", sources=[tbl]
    )


# -- 2. indicators --------------------------------------------------------------------------------
def availability_table(res: Results, lang: str) -> Html:
    """Indicator × level availability, coloured, with the sources."""
    tbl = res["indicators"].require_checked()
    rows = _index(tbl, "indicator_id", "level")
    labelled = datareview.indicator_availability(lang=lang).set_index("indicator_id")
    levels = list(dict.fromkeys(tbl.data["level"]))
    level_names = {lv: t(f"review.level.{lv}", lang) for lv in levels}
    out = []
    previous = None
    for iid in dict.fromkeys(tbl.data["indicator_id"]):
        lab = labelled.loc[iid]
        first = rows[(iid, levels[0])]
        # the domain on its first row only: the rows below belong to it
        domain = lab["domain"] if first["domain"] != previous else ""
        previous = first["domain"]
        row = {
            t("review.indicators.col.domain", lang): _text(domain),
            t("review.indicators.col.indicator", lang): _text(lab["indicator"]),
        }
        for lv in levels:
            rec = rows[(iid, lv)]
            css = f"tsp-level-{AVAILABILITY_CSS.get(rec['availability'], '')}"
            row[level_names[lv]] = Cell(
                lab[lv],
                css=css,
                markup=label_html(lab[lv]),
                data=(("availability", rec["availability"]),),
            )
            head = t("review.indicators.col.sources", lang, level=level_names[lv].lower())
            row[head] = _text(lab[f"{lv}_sources"] or DASH)
        out.append(row)
    return cells_table(out, tbl, lang, css="tsp-indicators")


# -- 2b. monitoring a strategic document with existing data -----------------------------------
def _indicator_names(codes: object, lang: str) -> list[str]:
    names = datareview.indicator_availability(lang=lang).set_index("indicator_id")["indicator"]
    return [str(names.get(c, c)) for c in str(codes or "").split(";") if c]


def _monitoring_cell(rec: dict, lang: str) -> Cell:
    """The verdict in words, then the indicators that back it (partly available ones marked
    when some are fully available: otherwise the verdict already says "partly")."""
    verdict = t(f"review.monitoring.verdict.{rec['verdict']}", lang)
    partly = f" ({t('review.monitoring.partly', lang)})" if rec["verdict"] == "existing" else ""
    found = _indicator_names(rec["available"], lang) + [
        f"{name}{partly}" for name in _indicator_names(rec["partial"], lang)
    ]
    text = f"{verdict}: {', '.join(found)}" if found else verdict
    return Cell(
        text,
        markup=label_html(text),
        css=f"tsp-level-{MONITORING_CSS[rec['verdict']]}",
        data=(("verdict", str(rec["verdict"])),),
    )


#: The availability colours of the indicator table, reused for the verdicts.
MONITORING_CSS = {"existing": "included", "partial": "partly", "own_data": "not_included"}


def area_monitoring_table(res: Results, lang: str) -> Html:
    """Per area, for each type of indicator a strategic document needs (impact, outcome,
    output), whether existing data can follow it and with which indicators."""
    tbl = res["area_monitoring"].require_checked()
    rows = _index(tbl, "area", "indicator_type")
    names = labels("areas", lang)
    types = list(dict.fromkeys(tbl.data["indicator_type"]))
    out = {}
    for area in dict.fromkeys(tbl.data["area"]):
        out[names.get(area, area)] = {
            t(f"review.monitoring.type.{k}", lang): _monitoring_cell(rows[(area, k)], lang)
            for k in types
        }
    return cells_table(
        out,
        tbl,
        lang,
        "review.monitoring.col.area",
        notes=[t_html("review.monitoring.area_note", lang)],
        css="tsp-indicators",
    )


def measure_monitoring_table(res: Results, lang: str) -> Html:
    """Each recommendation of the municipality's implementation register (a measure its
    strategic document plans): can existing data follow it?"""
    if "measure_monitoring" not in res:
        return Html("")
    tbl = res["measure_monitoring"].require_checked()
    recs = tbl.records()
    if not recs:
        return message("review.monitoring.no_measures", lang)
    names = labels("areas", lang)
    out = []
    for rec in recs:
        area = str(rec.get("area") or "")
        out.append(
            {
                t("review.monitoring.col.measure", lang): _text(rec[f"title_{lang}"] or DASH),
                t("review.monitoring.col.area", lang): _text(
                    names.get(area, area) if area else t("review.monitoring.whole", lang)
                ),
                t("review.monitoring.col.verdict", lang): _monitoring_cell(rec, lang)
                if area
                else _text(t("review.monitoring.whole_verdict", lang)),
            }
        )
    return cells_table(
        out, tbl, lang, notes=[t_html("review.monitoring.measure_note", lang)], css="tsp-indicators"
    )


def _domains(lang: str) -> dict[str, str]:
    out = dict(datareview.terms("domain", lang))
    out[ALL] = t("review.coverage.all", lang)
    return out


def coverage_table(res: Results, lang: str) -> Html:
    """Coverage score per domain and level, with the counts it is computed from."""
    tbl = res["coverage"].require_checked()
    rows = _index(tbl, "domain", "level", "measure")
    domains = _domains(lang)
    levels = list(dict.fromkeys(tbl.data["level"]))
    frame_rows = {}
    for domain in dict.fromkeys(tbl.data["domain"]):
        out = {}
        for lv in levels:
            name = t(f"review.level.{lv}", lang)
            out[f"{name}: {t('review.coverage.col.coverage', lang)}"] = _fig(
                tbl, rows.get((domain, lv, "coverage")), lang
            )
            for measure, key in (
                ("available", "review.indicators.available"),
                ("partial", "review.indicators.partial"),
                ("indicators", "review.indicators.all"),
            ):
                out[f"{name}: {t(key, lang)}"] = _fig(tbl, rows.get((domain, lv, measure)), lang)
        frame_rows[domains.get(domain, domain)] = out
    return cells_table(
        frame_rows,
        tbl,
        lang,
        "review.indicators.col.domain",
        notes=[t("review.coverage.formula", lang)],
    )


def coverage_chart(res: Results, lang: str) -> Html:
    """Coverage score per domain, national and municipal level side by side."""
    tbl = res["coverage"].require_checked()
    data = tbl.data[(tbl.data["measure"] == "coverage") & (tbl.data["domain"] != ALL)]
    data = data.assign(
        n=data["n"].astype(float).fillna(0),
        estimate=data["estimate"].astype(float),
        ci_low=float("nan"),
        ci_high=float("nan"),
    )
    levels = {lv: t(f"review.level.{lv}", lang) for lv in dict.fromkeys(data["level"])}
    fig, _ = charts.interval_bars_figure(
        data,
        "domain",
        lang,
        min_base=0,
        hue="level",
        category_labels=_domains(lang),
        hue_labels=levels,
        hue_order=list(levels),
        title=t("review.coverage.chart_title", lang),
    )
    domains = _domains(lang)
    alt = charts.alt_text(
        "bars",
        t("review.coverage.chart_title", lang),
        lang,
        orders=[
            charts.alt_order(
                {
                    domains.get(r["domain"], r["domain"]): r["estimate"]
                    for r in data.to_dict("records")
                    if r["level"] == lv and not r["suppressed"]
                },
                lang,
                name,
            )
            for lv, name in levels.items()
        ],
        table=tbl.caption[lang],
    )
    return figure(fig, alt, after=data_links([tbl], lang))


def gap_recommendations(res: Results, lang: str) -> Html:
    """The data-system recommendations, one per indicator gap (reference text)."""
    tbl = res["gaps"].require_checked()
    if tbl.data.empty:
        return Html(f"<p>{t_html('review.gaps.none', lang)}</p>")
    level = res.info.get("gap_level")
    texts = datareview.data_gap_recommendations(lang, level=level)
    sentences = {
        (r["level"], r["indicator_id"]): r["recommendation"] for r in texts.to_dict("records")
    }
    items = [label_html(sentences[(r["level"], r["indicator_id"])]) for r in tbl.records()]
    return bullets(items, css="tsp-gaps") + data_links([tbl], lang)


# -- 3. quality audit -----------------------------------------------------------------------------
def rows_table(res: Results, lang: str) -> Html:
    """Rows accepted and quarantined per survey (respondents: cells of the disclosure
    policy's cubes) and the row accounting of the other inputs (records)."""
    people = res["rows_respondents"].require_checked()
    records = res["rows_records"].require_checked()
    parts = []
    balanced = res.info.get("balanced", {})
    if not people.data.empty:
        parts.append(
            _dataset_grid(
                people,
                lang,
                ("accepted", "quarantined", "unattributed"),
                notes=[t("review.audit.rows_respondents_note", lang)],
            )
        )
    if not records.data.empty:
        parts.append(
            _dataset_grid(
                records,
                lang,
                ("rows_in", "received", "accepted", "quarantined", "unattributed"),
                notes=[t("review.audit.rows_note", lang)],
            )
        )
    if balanced:
        files = [
            lower_first(_dataset(d, lang))
            + f": {lower_first(t('common.yes' if ok else 'common.no', lang))}"
            for d, ok in balanced.items()
        ]
        text = t_html("review.audit.balanced_list", lang, files=label_html(fmt_list(files, lang)))
        parts.append(Html(f"<p>{text}</p>"))
    return join(parts)


def _dataset_grid(
    tbl: ResultTable, lang: str, measures: Sequence[str], notes: Sequence[str] = ()
) -> Html:
    rows = _index(tbl, "dataset", "measure")
    frame_rows = {}
    for dataset in dict.fromkeys(tbl.data["dataset"]):
        frame_rows[_dataset(dataset, lang)] = {
            _col(m, lang): _fig(tbl, rows.get((dataset, m)), lang) for m in measures
        }
    return cells_table(frame_rows, tbl, lang, "review.audit.col.dataset", notes=notes)


def quarantine_table(res: Results, lang: str) -> Html:
    """Quarantined rows per input and reason, for this report's unit and without a
    municipality. Reasons with no row are left out (their zeros are in the data file)."""
    parts = []
    for tid in ("quarantine_respondents", "quarantine_records"):
        tbl = res[tid].require_checked()
        rows = _index(tbl, "dataset", "cause", "scope")
        shown = {}
        for rec in tbl.records():
            value = rec["estimate"]
            if rec["suppressed"] or (not pd.isna(value) and value > 0):
                shown[(rec["dataset"], rec["cause"])] = None
        if not shown:
            continue
        out = []
        for dataset, reason in shown:
            row = {
                t("review.audit.col.dataset", lang): _text(_dataset(dataset, lang)),
                t("review.audit.col.reason", lang): _text(_reason(reason, lang)),
            }
            for scope in SCOPES:
                row[t(f"review.scope.{scope}", lang)] = _fig(
                    tbl, rows.get((dataset, reason, scope)), lang
                )
            out.append(row)
        parts.append(
            table(pd.DataFrame(out), lang, index=False, caption=tbl.caption[lang], sources=[tbl])
        )
    if not parts:
        return Html(f"<p>{t_html('review.audit.no_quarantine', lang)}</p>")
    return join(parts)


def nonresponse_table(res: Results, lang: str, dataset: str = "tsp_survey") -> Html:
    """Per question: answered, no answer, not asked (counts), and the kinds of missing answer
    as shares of those who gave none."""
    tid = f"nonresponse_{dataset}"
    if tid not in res:
        return Html("")
    tbl = res[tid].require_checked()
    rows = _index(tbl, "question", "measure")
    measures = ("answered", "missing", "not_asked", *MISSING_KINDS)
    out = {}
    for q in dict.fromkeys(tbl.data["question"]):
        out[question_label(dataset, q, lang)] = {
            _col(m, lang): _fig(tbl, rows.get((q, m)), lang) for m in measures
        }
    notes = [t("review.audit.nonresponse_note", lang)]
    if res.unit == COUNTRY and dataset == "tsp_survey":
        notes.append(t("review.audit.nonresponse_country_note", lang))
    return cells_table(out, tbl, lang, "review.audit.col.question", notes=notes)


def straightlining_table(res: Results, lang: str) -> Html:
    """Per area's rating grid: respondents who rated every criterion and the share of them who
    gave every criterion the same answer."""
    tbl = res["straightlining"].require_checked()
    rows = _index(tbl, "area", "measure")
    out = {}
    for area in dict.fromkeys(tbl.data["area"]):
        out[label("areas", area, lang)] = {
            _col("complete", lang): _fig(tbl, rows.get((area, "complete")), lang),
            _col("straightlined", lang): _fig(tbl, rows.get((area, "straightlined")), lang),
        }
    return cells_table(
        out, tbl, lang, "needs.col.area", notes=[t("review.audit.straightlining_note", lang)]
    )


def duplicates_table(res: Results, lang: str) -> Html:
    """Repeated keys and identical rows among the accepted rows, and rows quarantined as
    duplicates, per input."""
    keys = res.info.get("duplicate_keys", {})
    parts = []
    for tid in ("duplicates_respondents", "duplicates_records"):
        tbl = res[tid].require_checked()
        if tbl.data.empty:
            continue
        used = [
            f"{_dataset(d, lang)} – {_columns(d, keys[d], lang)}"
            for d in dict.fromkeys(tbl.data["dataset"])
            if d in keys
        ]
        notes = [t("review.audit.duplicates_keys", lang, keys="; ".join(used))] if used else []
        parts.append(
            _dataset_grid(
                tbl,
                lang,
                ("duplicate_keys", "identical_rows", "duplicate_row", "duplicate_id"),
                notes=notes,
            )
        )
    return join(parts)


def _columns(dataset: str, key: str, lang: str) -> str:
    """ "municipality, year" → "savivaldybė, metai": a key's columns named for readers."""
    names = [column_label(dataset, c.strip(), lang) for c in str(key).split(",") if c.strip()]
    return ", ".join(lower_first(n) for n in names)


def _category(variable: str, code: str, lang: str) -> str:
    if code == MISSING:
        return t("review.audit.profile_missing", lang)
    if code == TOTAL_CATEGORY:
        return t("review.audit.profile_total", lang)
    return category_label(variable, code, lang)


def profile_table(res: Results, lang: str) -> Html:
    """The survey sample against the adult TŠP population, per municipality and variable:
    counts and shares, each from a checked table."""
    sample = res["sample_profile"].require_checked()
    population = res["population_profile"].require_checked()
    s_rows = _index(sample, "municipality", "variable", "category", "measure")
    p_rows = _index(population, "municipality", "variable", "category", "measure")
    keys = list(
        dict.fromkeys(
            [(r["municipality"], r["variable"], r["category"]) for r in sample.records()]
            + [(r["municipality"], r["variable"], r["category"]) for r in population.records()]
        )
    )
    out = []
    previous = (None, None)
    for m, variable, category in keys:
        first_unit = m != previous[0]
        first = (m, variable) != previous
        previous = (m, variable)
        var_name = t(f"review.variable.{variable}", lang) if first else ""
        k = (m, variable, category)
        out.append(
            {
                t("common.municipality", lang): _text(
                    label("municipalities", m, lang) if first_unit else ""
                ),
                t("review.audit.col.variable", lang): _text(var_name),
                t("needs.sample.col.category", lang): _text(_category(variable, category, lang)),
                t("needs.sample.col.respondents", lang): _fig(
                    sample, s_rows.get((*k, "count")), lang
                ),
                t("needs.sample.col.sample_share", lang): _fig(
                    sample, s_rows.get((*k, "share")), lang
                ),
                t("review.audit.col.population", lang): _fig(
                    population, p_rows.get((*k, "count")), lang
                ),
                t("needs.sample.col.population_share", lang): _fig(
                    population, p_rows.get((*k, "share")), lang
                ),
            }
        )
    if not out:
        return Html("")
    html = table(
        pd.DataFrame(out),
        lang,
        index=False,
        css="tsp-grouped",
        caption=t("review.audit.representativeness_caption", lang),
        notes=[t("review.audit.profile_note", lang)],
        sources=[sample, population],
    )
    return html + Html(f"<p>{t_html('review.audit.dissimilarity_dropped', lang)}</p>")


def cleaning_log_table(res: Results, lang: str) -> Html:
    """The cleaning log summarised: entries and cells per input, column and action."""
    tbl = res["cleaning_log"].require_checked()
    if tbl.data.empty:
        return Html(f"<p>{t_html('review.audit.empty_log', lang)}</p>")
    rows = _index(tbl, "dataset", "column", "action", "cause", "measure")
    out = []
    for dataset, column, action, reason in dict.fromkeys(
        (r["dataset"], r["column"], r["action"], r["cause"]) for r in tbl.records()
    ):
        name = t(f"review.action.{action}", lang)
        if reason and reason != NO_CODE:
            name = f"{name}: {_reason(reason, lang)}"
        out.append(
            {
                t("review.audit.col.dataset", lang): _text(_dataset(dataset, lang)),
                t("review.audit.col.column", lang): _text(
                    DASH if column in ("", NO_CODE) else column_label(dataset, column, lang)
                ),
                t("review.audit.col.action", lang): _text(name),
                t("review.audit.col.entries", lang): _fig(
                    tbl, rows.get((dataset, column, action, reason, "entries")), lang
                ),
                t("review.audit.col.cells", lang): _fig(
                    tbl, rows.get((dataset, column, action, reason, "cells")), lang
                ),
            }
        )
    return cells_table(
        out,
        tbl,
        lang,
        notes=[t("review.audit.log_note", lang), t("review.audit.log_quarantine_note", lang)],
    )


def method(res: Results, lang: str) -> Html:
    """The method paragraph, its thresholds marked as such."""
    thresholds = next(iter(res)).thresholds
    text = t_html(
        "review.method.text",
        lang,
        min_base=safe(thresholds["min_base"], "threshold"),
        min_count=safe(thresholds["min_count"], "threshold"),
    )
    return Html(f"<p>{text}</p>")


__all__ = [
    "availability_table",
    "cleaning_log_table",
    "coverage_chart",
    "coverage_table",
    "duplicates_table",
    "findings",
    "gap_recommendations",
    "inventory_table",
    "method",
    "nonresponse_table",
    "profile_table",
    "quarantine_table",
    "rows_table",
    "straightlining_table",
]
