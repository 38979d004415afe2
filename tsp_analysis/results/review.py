"""Raw tables of the data-review report (see docs/architecture.md, "Results layer").

One function, :func:`compute`, turns the library's data review
(:mod:`tsp_analysis.datareview`) into language-free :class:`~.table.ResultTable` objects, in
report order. The inventory, the indicators, their coverage and the gaps describe data
sources (``records``: nothing personal, never hidden). The quality audit counts survey
respondents; each such count is a cell of a cube (:mod:`.cubes`), so the disclosure policy's
recoverability audit sees every relation between the tables — and between this report and the
needs analysis of the same municipality, which publishes cells of the same cubes.

What the audit publishes, and why not more:

* The accepted rows of a survey are the respondents cube's total; quarantined rows are cells
  of the rows cube; the received total (accepted + quarantined) and the input file's row count
  of a survey are not published, since either would give a hidden quarantine count back by
  subtraction.
* The sample profile shows each category's count and its share of *all* accepted respondents,
  with the respondents who gave no usable answer as a category of their own: a share of the
  valid answers would publish the valid total, and with it the missing count.
* Item non-response is published as counts (answered, missing, not asked) — cells of the cube —
  and the kinds of missing answer as shares of the missing count. A rate over "asked" would
  publish "asked", which is no cell of the cube.
* The index of dissimilarity is not published: it is a function of every share, hidden ones
  included.
* Dimensions never take the name of a core column: the quarantine and cleaning-log reason is
  ``cause`` (``reason`` says why a figure is hidden).
* The cleaning log's quarantine lines are left out (the quarantine table shows them per
  municipality; over the whole input they would add a relation across municipalities).

Key findings (``findings``, records; :func:`tsp_analysis.review_findings.review_findings`):
the indicator, gap and survey-figure findings are published as they are (they count
indicators and figures, not people). The findings about respondents are not copied: a row
``measure="cite"`` names the audit table whose checked cells the sentence shows
(``rows_quarantined`` → ``rows_respondents``; ``highest_nonresponse`` →
``nonresponse_<dataset>``), so the report publishes each count of people once, as the audit's
cube cell. The received total and the non-response rate over "asked" are not cited, for the
reasons above; the question with the most non-response is chosen among those whose missing and
answered counts both reach ``min_count`` (naming a question "the most unanswered" would
otherwise bound a hidden count). ``least_representative`` is left out: the index of
dissimilarity is not published.

Library output reused as it is, except that the audit is run with ``min_count=1`` so that its
sample comparison holds the raw counts (the policy, not the library, decides what is hidden).
"""

from __future__ import annotations

import pandas as pd

from .. import datareview, review_findings
from ..ids import ALL, COUNTRY, LANGUAGES, RESPONDENT_DATASETS, TOTAL, UNATTRIBUTED
from ..report.i18n import t
from . import cubes
from .cubes import (
    ITEM_STATUSES,
    MISSING,
    PROFILE,
    PROFILE_QUESTIONS,
    QUARANTINE_REASONS,
    item_dim,
)
from .table import Results, ResultTable, caption, coord, measure_rows, text_table

#: Measures of the rows tables, in column order.
ROW_MEASURES_RECORDS = ("rows_in", "received", "accepted", "quarantined", "unattributed")
#: Kinds of missing answer (codebook missing codes and blanks), as shares of the missing count.
MISSING_KINDS = ("blank", "dont_know", "not_applicable", "refused")
#: The scope of a quarantine count: this report's unit, or rows naming no known municipality.
SCOPES = ("unit", UNATTRIBUTED)
#: A dimension value for "none" (no column, no cause): a row key never holds an empty value,
#: which the data files' row keys would drop (``scan._row_key``) and the page's keep
#: (``ResultTable.key``), so the scan could not find the cell.
NO_CODE = "_none"
#: The row of a profile table holding the cube's total.
TOTAL_VARIABLE, TOTAL_CATEGORY = ALL, TOTAL


def _dataset_caption(key: str, dataset: str) -> dict[str, str]:
    return {lang: t(key, lang, dataset=t(f"review.dataset.{dataset}", lang)) for lang in LANGUAGES}


def gap_level(unit: str) -> str | None:
    """Which level's data gaps a report lists: the municipal level in a municipality's report,
    both levels in the country's."""
    return None if unit == COUNTRY else "municipal"


def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the data review for ``unit`` (a municipality or ``lithuania``)."""
    res = Results("data_review", unit)
    res.info.update(
        synthetic=bool(inputs.synthetic),
        hashes=dict(inputs.hashes),
        gap_level=gap_level(unit),
    )
    _reference_tables(res, unit)
    _monitoring_tables(res, inputs, unit)
    audit = datareview.quality_audit(inputs, unit, min_count=1)
    _audit_tables(res, audit, unit, inputs)
    _findings_table(res, inputs, unit, params, audit)
    return res


# -- key findings ----------------------------------------------------------------------------------
#: The findings published as they are (indicators, gaps, survey figures: not counts of people).
RECORD_FINDINGS = ("indicators_computable", "core_not_available", "weakest_domain", "top_gap")
#: The finding measures, in order.
FINDING_MEASURES = ("value", "partial", "total", "share")


def _threshold(params: dict, name: str) -> int:
    from ..thresholds import DEFAULT_MIN_BASE, DEFAULT_MIN_COUNT

    default = DEFAULT_MIN_BASE if name == "min_base" else DEFAULT_MIN_COUNT
    value = params.get(name) if isinstance(params, dict) else None
    return int(value) if value is not None else default


def _findings_table(res: Results, inputs, unit: str, params: dict, audit) -> None:
    """The report's key findings (see the module docstring): figures of indicators, gaps and
    survey figures, and for each finding about respondents the audit cell it cites."""
    min_base = _threshold(params, "min_base")
    min_count = _threshold(params, "min_count")
    found = review_findings.review_findings(None, unit, min_base=min_base, k_gaps=3)
    rows = []

    def add(finding, item, measure, kind, estimate=pd.NA, n=pd.NA, **text):
        rows.append(
            {
                "finding_id": finding,
                "item": item,
                "measure": measure,
                "kind": kind,
                "estimate": estimate,
                "n": n,
                "level": text.get("level", ""),
                "items": text.get("items", ""),
                "detail": text.get("detail", ""),
                "sources": text.get("sources", ""),
            }
        )

    for rec in found.to_dict("records"):
        fid = rec["finding_id"]
        if fid not in RECORD_FINDINGS:
            continue
        text = {k: rec[k] for k in ("level", "items", "detail", "sources")}
        if fid == "top_gap":
            add(fid, f"{int(rec['value']):02d}", "gap", "text", **text)
            continue
        total = rec["total"]
        for m in FINDING_MEASURES:
            value = rec[m]
            if pd.isna(value):
                continue
            if m == "share":
                add(fid, ALL, m, "share", value, total, **text)
            else:
                add(fid, ALL, m, "count", value, value, **text)
    # survey figures with a base of at least min_base (figures, not people)
    if inputs is not None:
        for rec in review_findings.survey_findings(inputs, unit, min_base):
            if rec["finding_id"] != "survey_figures":
                continue
            for m in ("value", "total", "share"):
                value = rec[m]
                if pd.isna(value):
                    continue
                kind = "share" if m == "share" else "count"
                add(
                    "survey_figures",
                    rec["items"],
                    m,
                    kind,
                    value,
                    rec["total"] if m == "share" else value,
                )
    # findings about respondents: which audit cells to cite
    if "rows_respondents" in res.tables and "tsp_survey" in set(
        res["rows_respondents"].data["dataset"]
    ):
        add("rows_quarantined", "tsp_survey", "cite", "text", sources="rows_respondents")
    question = _most_unanswered(audit["nonresponse"], "tsp_survey", min_base, min_count)
    table_id = "nonresponse_tsp_survey"
    if question is not None and table_id in res.tables:
        shown = res[table_id].data
        if {"answered", "missing"} <= set(shown.loc[shown["question"] == question, "measure"]):
            add("highest_nonresponse", question, "cite", "text", items=question, sources=table_id)
    res.add(
        ResultTable.make(
            "findings",
            pd.DataFrame(
                rows,
                columns=[
                    "finding_id",
                    "item",
                    "measure",
                    "kind",
                    "estimate",
                    "n",
                    "level",
                    "items",
                    "detail",
                    "sources",
                ],
            ),
            caption=caption("review.findings.caption"),
            kind="count",
            dims=["finding_id", "item", "measure"],
            subject="records",
            values=["level", "items", "detail", "sources"],
            labels={"finding_id": "text:review.findings.id"},
        )
    )


def _most_unanswered(nonresponse: pd.DataFrame, dataset: str, min_base: int, min_count: int):
    """The question of ``dataset`` with the highest item non-response among those asked of at
    least ``min_base`` respondents (as :func:`review_findings.survey_findings` chooses it),
    whose missing and answered counts both reach ``min_count``; profile questions are left
    out (their missing count is the profile's cell, their answered count is not published)."""
    if nonresponse.empty:
        return None
    nr = nonresponse[
        (nonresponse["dataset"] == dataset)
        & (nonresponse["asked"] >= min_base)
        & ~nonresponse["question"].isin(list(PROFILE_QUESTIONS))
    ]
    missing = nr["asked"] - nr["answered"]
    nr = nr[(missing >= min_count) & (nr["answered"] >= min_count)]
    if nr.empty:
        return None
    top = nr.sort_values(["nonresponse_rate", "question"], ascending=[False, True]).iloc[0]
    return str(top["question"])


# -- reference data: inventory, indicators, coverage, gaps --------------------------------------
def _monitoring_tables(res: Results, inputs, unit: str) -> None:
    """Which areas and planned measures existing indicators can follow (issue 15): per area and
    indicator type at the report's level, and — in a municipality's review — per recommendation
    of its implementation register. Words and indicator codes, no counts."""
    level = "national" if unit == COUNTRY else "municipal"
    by_area = datareview.area_monitoring(level)
    res.add(
        ResultTable.make(
            "area_monitoring",
            by_area.assign(
                level=level,
                available=[";".join(v) for v in by_area["available"]],
                partial=[";".join(v) for v in by_area["partial"]],
            ),
            caption=caption(f"review.monitoring.area_caption.{level}"),
            kind="text",
            dims=["area", "indicator_type"],
            subject="records",
            values=["level", "available", "partial", "verdict"],
            labels={"area": "areas", "indicator_type": "text:review.monitoring.type"},
        )
    )
    if unit == COUNTRY or "recommendations" not in inputs.results:
        return
    register = inputs.recommendations.data
    measures = datareview.measure_monitoring(register, unit, level)
    titles = register.drop_duplicates("rec_id").set_index("rec_id")
    for lang in LANGUAGES:
        col = f"title_{lang}"
        measures[col] = [
            str(titles.at[r, col]) if col in titles and not pd.isna(titles.at[r, col]) else ""
            for r in measures["rec_id"]
        ]
    res.add(
        ResultTable.make(
            "measure_monitoring",
            measures.assign(
                available=[";".join(v) for v in measures["available"]],
                partial=[";".join(v) for v in measures["partial"]],
            ),
            caption=caption("review.monitoring.measure_caption"),
            kind="text",
            dims=["rec_id"],
            subject="records",
            values=["area", "available", "partial", "verdict", "title_lt", "title_en"],
            labels={"area": "areas"},
        )
    )


def _reference_tables(res: Results, unit: str) -> None:
    src = datareview.data_sources()
    inventory = pd.DataFrame(
        {
            "source_id": src["source_id"],
            "estimate": src["lag_months"],
            "periodicity": src["periodicity"],
            "publication": src["publication"],
            "machine_readable": src["machine_readable"].map({True: "true", False: "false"}),
            "breakdowns": [
                ";".join(d for d in datareview.DIMENSIONS if rec[f"by_{d}"])
                for rec in src.to_dict("records")
            ],
        }
    )
    res.add(
        ResultTable.make(
            "inventory",
            inventory,
            caption=caption("review.inventory.caption"),
            kind="number",
            dims=["source_id"],
            subject="records",
            values=["periodicity", "publication", "machine_readable", "breakdowns"],
        )
    )
    avail = datareview.indicator_availability()
    rows = []
    for rec in avail.to_dict("records"):
        for level in datareview.LEVELS:
            rows.append(
                {
                    "indicator_id": rec["indicator_id"],
                    "level": level,
                    "domain": rec["domain"],
                    "availability": rec[level],
                    "sources": rec[f"{level}_sources"],
                }
            )
    labels = {"level": "text:review.level"}
    columns = ["indicator_id", "level", "domain", "availability", "sources"]
    frame = pd.DataFrame(rows, columns=columns)
    dims = ["indicator_id", "level"]
    res.add(text_table("indicators", frame, "review.indicators.caption", dims, labels))
    cov = datareview.coverage_scores()
    # the coverage share (of the indicators), then the counts it is made of
    measures = ("coverage", "indicators", "available", "partial", "not_available")
    keys = ["domain", "level"]
    rows = measure_rows(cov, keys, measures, shares=["coverage"], base="indicators")
    res.add(
        ResultTable.make(
            "coverage",
            pd.DataFrame(rows),
            caption=caption("review.coverage.caption"),
            kind="share",
            dims=["domain", "level", "measure"],
            subject="records",
            labels={"level": "text:review.level"},
        )
    )
    gaps = datareview.data_gap_recommendations("en", level=gap_level(unit))
    frame = pd.DataFrame(
        {
            "level": gaps.get("level", pd.Series(dtype=str)),
            "indicator_id": gaps.get("indicator_id", pd.Series(dtype=str)),
            "domain": gaps.get("domain", pd.Series(dtype=str)),
            "availability": gaps.get("availability", pd.Series(dtype=str)),
            "gap": gaps.get("gap", pd.Series(dtype=str)),
        }
    )
    res.add(text_table("gaps", frame, "review.gaps", ["level", "indicator_id"], labels))


# -- the quality audit ----------------------------------------------------------------------------
def _audit_tables(res: Results, audit: dict[str, pd.DataFrame], unit: str, inputs) -> None:
    country = unit == COUNTRY
    rows = audit["rows"]
    present = [d for d in RESPONDENT_DATASETS if d in set(rows["dataset"])]
    rep, dis, nonresponse = (
        audit["representativeness"],
        audit["dissimilarity"],
        audit["nonresponse"],
    )

    # cubes
    for dataset in present:
        res.add_cube(cubes.rows_cube(dataset, unit, country=country))
        if not country:
            res.add_cube(cubes.rows_cube(dataset, UNATTRIBUTED))
        res.add_cube(cubes.respondents_cube(dataset, unit, inputs[dataset].data))
    profile_units = list(dict.fromkeys(rep["municipality"])) if not rep.empty else []
    for m in profile_units:
        if country:
            res.add_cube(cubes.respondents_cube("tsp_survey", m, inputs.tsp_survey.data))
        year = _year(rep, m)
        if year is not None:
            res.add_cube(cubes.population_cube(inputs.population.data, m, year))
    res.info["balanced"] = dict(zip(rows["dataset"], rows["balanced"].astype(bool), strict=True))

    _rows_tables(res, rows, present, unit, country)
    _quarantine_tables(res, audit["quarantine"], present, unit, country)
    for dataset in present:
        _nonresponse_table(res, nonresponse, dis, dataset, unit, country)
    _straightlining_table(res, audit["straightlining"])
    _duplicates_tables(res, audit["duplicates"], present, unit, country)
    _profile_tables(res, rep, dis, profile_units)
    _cleaning_log_table(res, audit["cleaning_log"])


def _year(rep: pd.DataFrame, municipality: str):
    years = rep.loc[rep["municipality"] == municipality, "year"].dropna()
    return None if years.empty else int(years.iloc[0])


def _quarantined_cell(dataset: str, unit: str, country: bool, scope: str, reason=None):
    """(cube, coord) of the quarantined rows of ``scope`` (and ``reason``)."""
    if scope == UNATTRIBUTED:
        if country:
            return cubes.rows_id(dataset, unit), coord(
                status="quarantined", reason=reason, attributed="no"
            )
        return cubes.rows_id(dataset, UNATTRIBUTED), coord(status="quarantined", reason=reason)
    return cubes.rows_id(dataset, unit), coord(status="quarantined", reason=reason)


#: The columns of a row that is a count cell (``cube``, ``coord``) or a figure derived from one
#: (``of_cube``, ``of_coord``, ``of_value``: see :mod:`tsp_analysis.results.table`).
_CELL_COLUMNS = ["kind", "estimate", "n", "cube", "coord", "of_cube", "of_coord", "of_value"]


def _add_count_pair(
    res: Results,
    name: str,
    people: list[dict],
    records: list[dict],
    *,
    dims: list[str],
    labels: dict[str, str],
) -> None:
    """An audit count in two tables: ``<name>_respondents`` (datasets of people, each count a
    cell of a respondents cube: ``cube``, ``coord``) and ``<name>_records`` (the record
    datasets); captions ``review.audit.<name>_caption`` and ``..._records_caption``."""
    cols = [*dims, "estimate"]
    for subject, rows, columns, suffix in (
        ("respondents", people, [*cols, "cube", "coord"], "caption"),
        ("records", records, cols, "records_caption"),
    ):
        res.add(
            ResultTable.make(
                f"{name}_{subject}",
                pd.DataFrame(rows, columns=columns),
                caption=caption(f"review.audit.{name}_{suffix}"),
                kind="count",
                dims=dims,
                subject=subject,
                labels=labels,
            )
        )


def _rows_tables(res, rows, present, unit, country) -> None:
    people, records = [], []
    for rec in rows.to_dict("records"):
        dataset = rec["dataset"]
        if dataset in present:
            for measure, value, (cube, cell) in (
                ("accepted", rec["accepted"], (cubes.respondents_id(dataset, unit), "")),
                (
                    "quarantined",
                    rec["quarantined"],
                    _quarantined_cell(dataset, unit, country, "unit"),
                ),
                (
                    "unattributed",
                    rec["quarantined_unattributed"],
                    _quarantined_cell(dataset, unit, country, "unattributed"),
                ),
            ):
                people.append(
                    {
                        "dataset": dataset,
                        "measure": measure,
                        "estimate": value,
                        "cube": cube,
                        "coord": cell,
                    }
                )
        else:
            for measure, col in zip(
                ROW_MEASURES_RECORDS,
                ("rows_in", "received", "accepted", "quarantined", "quarantined_unattributed"),
                strict=True,
            ):
                records.append({"dataset": dataset, "measure": measure, "estimate": rec[col]})
    labels = {"dataset": "text:review.dataset", "measure": "text:review.audit.col"}
    _add_count_pair(res, "rows", people, records, dims=["dataset", "measure"], labels=labels)


def _quarantine_tables(res, quarantine, present, unit, country) -> None:
    counts = {}
    for rec in quarantine.to_dict("records"):
        counts[(rec["dataset"], rec["reason"])] = (int(rec["rows"]), int(rec["unattributed"]))
    people, records = [], []
    for dataset in present:
        for reason in QUARANTINE_REASONS:
            mine, unattributed = counts.get((dataset, reason), (0, 0))
            for scope, value in (("unit", mine), (UNATTRIBUTED, unattributed)):
                cube, cell = _quarantined_cell(dataset, unit, country, scope, reason)
                people.append(
                    {
                        "dataset": dataset,
                        "cause": reason,
                        "scope": scope,
                        "estimate": value,
                        "cube": cube,
                        "coord": cell,
                    }
                )
    for (dataset, reason), (mine, unattributed) in counts.items():
        if dataset in present:
            continue
        for scope, value in (("unit", mine), (UNATTRIBUTED, unattributed)):
            records.append({"dataset": dataset, "cause": reason, "scope": scope, "estimate": value})
    labels = {
        "dataset": "text:review.dataset",
        "cause": "text:review.reason",
        "scope": "text:review.scope",
    }
    _add_count_pair(
        res, "quarantine", people, records, dims=["dataset", "cause", "scope"], labels=labels
    )


def _profile_missing(dis: pd.DataFrame, municipality: str) -> dict[str, int]:
    part = dis[dis["municipality"] == municipality]
    return {r["variable"]: int(r["sample_missing"]) for r in part.to_dict("records")}


def _profile_total(dis: pd.DataFrame, municipality: str) -> int | None:
    part = dis[dis["municipality"] == municipality]
    if part.empty:
        return None
    rec = part.iloc[0]
    return int(rec["sample_valid"]) + int(rec["sample_missing"])


def _nonresponse_table(res, nonresponse, dis, dataset, unit, country) -> None:
    """Answered, missing and not asked per question (cube cells) and the kinds of missing
    answer as shares of the missing count.

    "Not asked" is the cube's total minus those asked: routed past the question, or routing
    unknown (the filter question was left blank). For the profile questions of the TŠP survey
    the missing count is the profile's :data:`~.cubes.MISSING` cell (the same respondents), and
    answered/not asked are not shown: they are no single cell of the cube.
    """
    cube_id = cubes.respondents_id(dataset, unit)
    accepted = _accepted(res, dataset)
    data = nonresponse[nonresponse["dataset"] == dataset] if not nonresponse.empty else nonresponse
    profile_missing = {} if country else _profile_missing(dis, unit)
    rows = []
    for rec in data.to_dict("records"):
        q = rec["question"]
        asked, answered = int(rec["asked"]), int(rec["answered"])
        missing = asked - answered
        profile_dim = PROFILE_QUESTIONS.get(q) if dataset == "tsp_survey" else None
        if profile_dim is not None:
            if profile_dim not in profile_missing:
                # the country's profile lives in each municipality's cube: a country count of
                # missing answers would tie those cubes together outside the audit's view
                continue
            base, missing_cell = profile_missing[profile_dim], coord(**{profile_dim: MISSING})
            rows.append(_count(q, "missing", base, cube_id, missing_cell))
            if base != missing or asked != accepted:
                continue  # the codebook's kinds of missing answer would not add up to it
        else:
            base, missing_cell = missing, coord(**{item_dim(q): "missing"})
            rows.append(
                _count(q, "answered", answered, cube_id, coord(**{item_dim(q): "answered"}))
            )
            rows.append(_count(q, "missing", missing, cube_id, missing_cell))
            if accepted is not None:
                rows.append(
                    _count(
                        q,
                        "not_asked",
                        accepted - asked,
                        cube_id,
                        coord(**{item_dim(q): "not_asked"}),
                    )
                )
        for kind in MISSING_KINDS:
            value = int(rec[kind])
            rows.append(
                {
                    "question": q,
                    "measure": kind,
                    "kind": "share",
                    "estimate": value / base if base else pd.NA,
                    "n": base,
                    "of_cube": cube_id,
                    "of_coord": missing_cell,
                    "of_value": base,
                }
            )
    frame = pd.DataFrame(rows, columns=["question", "measure", *_CELL_COLUMNS])
    res.add(
        ResultTable.make(
            f"nonresponse_{dataset}",
            frame,
            caption=_dataset_caption("review.audit.nonresponse_caption", dataset),
            kind="count",
            dims=["question", "measure"],
            subject="respondents",
            labels={"measure": "text:review.audit.col"},
        )
    )


def _accepted(res: Results, dataset: str) -> int | None:
    table = res.tables.get("rows_respondents")
    if table is None:
        return None
    hit = table.data[(table.data["dataset"] == dataset) & (table.data["measure"] == "accepted")]
    return None if hit.empty else int(hit["estimate"].iloc[0])


def _count(question, measure, value, cube_id, cell) -> dict:
    return {
        "question": question,
        "measure": measure,
        "kind": "count",
        "estimate": value,
        "n": value,
        "cube": cube_id,
        "coord": cell,
    }


def _straightlining_table(res, data) -> None:
    rows = []
    for rec in data.to_dict("records"):
        complete = int(rec["complete"])
        rows.append(
            {
                "area": rec["area"],
                "measure": "complete",
                "kind": "count",
                "estimate": complete,
                "n": complete,
            }
        )
        rows.append(
            {
                "area": rec["area"],
                "measure": "straightlined",
                "kind": "share",
                "estimate": rec["share"],
                "n": complete,
            }
        )
    res.add(
        ResultTable.make(
            "straightlining",
            pd.DataFrame(rows, columns=["area", "measure", "kind", "estimate", "n"]),
            caption=caption("review.audit.straightlining_caption"),
            kind="share",
            dims=["area", "measure"],
            subject="respondents",
            labels={"area": "areas"},
        )
    )


def _duplicates_tables(res, data, present, unit, country) -> None:
    people, records = [], []
    res.info["duplicate_keys"] = dict(zip(data["dataset"], data["key"], strict=True))
    for rec in data.to_dict("records"):
        dataset = rec["dataset"]
        for measure in ("duplicate_keys", "identical_rows", "duplicate_row", "duplicate_id"):
            col = measure if measure in rec else f"quarantined_{measure}"
            row = {"dataset": dataset, "measure": measure, "estimate": int(rec[col])}
            if dataset in present:
                if measure in ("duplicate_row", "duplicate_id"):
                    row["cube"], row["coord"] = _quarantined_cell(
                        dataset, unit, country, "unit", measure
                    )
                people.append(row)
            else:
                records.append(row)
    labels = {"dataset": "text:review.dataset", "measure": "text:review.audit.col"}
    _add_count_pair(res, "duplicates", people, records, dims=["dataset", "measure"], labels=labels)


def _profile_tables(res, rep, dis, units) -> None:
    """The survey sample and the adult TŠP population by sex, age group, citizenship and
    residence basis: counts (cube cells) and shares of the cube's total."""
    sample, population = [], []
    for m in units:
        part = rep[rep["municipality"] == m]
        s_total = _profile_total(dis, m)
        resp_cube = cubes.respondents_id("tsp_survey", m)
        missing = _profile_missing(dis, m)
        year = _year(rep, m)
        pop_cube = cubes.population_id(m, year) if year is not None else None
        if s_total is not None:
            sample.append(
                _profile_row(
                    m, TOTAL_VARIABLE, TOTAL_CATEGORY, "count", s_total, s_total, resp_cube, ""
                )
            )
        p_totals = {
            v: int(pd.to_numeric(g["population_n"]).sum()) for v, g in part.groupby("variable")
        }
        p_total = next(iter(p_totals.values()), None)
        if pop_cube is not None and p_total and len(set(p_totals.values())) == 1:
            population.append(
                _profile_row(
                    m,
                    TOTAL_VARIABLE,
                    TOTAL_CATEGORY,
                    "count",
                    p_total,
                    p_total,
                    pop_cube,
                    coord(age_group=cubes.adults()),  # the adults of the population
                )
            )
        else:
            p_total = None
        for variable in PROFILE:
            cats = part[part["variable"] == variable]
            if cats.empty:
                continue
            listed = {variable: [str(c) for c in cats["category"]]}
            for rec in cats.to_dict("records"):
                category = str(rec["category"])
                n = int(rec["sample_n"])
                if s_total is not None:
                    cell = cubes.cell(res.cubes[resp_cube], listed, **{variable: category})
                    sample.append(
                        _profile_row(m, variable, category, "count", n, n, resp_cube, cell)
                    )
                    sample.append(_share_row(m, variable, category, n, s_total, resp_cube, cell))
                if pop_cube is not None:
                    # the adults of the category (the population the sample is compared with)
                    where = {variable: category}
                    if variable != "age_group":
                        where["age_group"] = cubes.adults()
                    cell = cubes.cell(res.cubes[pop_cube], listed, **where)
                    p = int(rec["population_n"])
                    population.append(
                        _profile_row(m, variable, category, "count", p, p, pop_cube, cell)
                    )
                    if p_total:
                        population.append(
                            _share_row(m, variable, category, p, p_total, pop_cube, cell)
                        )
            if s_total is not None and variable in missing:
                cell = coord(**{variable: MISSING})
                n = missing[variable]
                sample.append(_profile_row(m, variable, MISSING, "count", n, n, resp_cube, cell))
                sample.append(_share_row(m, variable, MISSING, n, s_total, resp_cube, cell))
    cols = ["municipality", "variable", "category", "measure", *_CELL_COLUMNS]
    labels = {"municipality": "municipalities", "variable": "text:review.variable"}
    for name, rows, subject in (
        ("sample_profile", sample, "respondents"),
        ("population_profile", population, "population"),
    ):
        res.add(
            ResultTable.make(
                name,
                pd.DataFrame(rows, columns=cols),
                caption=caption(f"review.audit.{name}_caption"),
                kind="count",
                dims=["municipality", "variable", "category", "measure"],
                subject=subject,
                labels=labels,
            )
        )


def _profile_row(m, variable, category, kind, value, n, cube_id, cell) -> dict:
    return {
        "municipality": m,
        "variable": variable,
        "category": category,
        "measure": kind,
        "kind": kind,
        "estimate": value,
        "n": n,
        "cube": cube_id,
        "coord": cell,
    }


def _share_row(m, variable, category, value, total, cube_id, cell) -> dict:
    return {
        "municipality": m,
        "variable": variable,
        "category": category,
        "measure": "share",
        "kind": "share",
        "estimate": value / total if total else pd.NA,
        "n": total,
        "of_cube": cube_id,
        "of_coord": cell,
        "of_value": value,
    }


def _cleaning_log_table(res, log) -> None:
    """The cleaning log by input, column, action and reason (records: what was changed in the
    data, not who). Quarantine lines of the surveys are left out (see the module's
    docstring)."""
    keep = ~(log["dataset"].isin(RESPONDENT_DATASETS) & (log["action"] == "quarantined"))
    rows = []
    for rec in log[keep].to_dict("records"):
        for measure in ("entries", "cells"):
            rows.append(
                {
                    "dataset": rec["dataset"],
                    "column": rec["column"] or NO_CODE,
                    "action": rec["action"],
                    "cause": rec["reason"] or NO_CODE,
                    "measure": measure,
                    "estimate": int(rec[measure]),
                }
            )
    res.add(
        ResultTable.make(
            "cleaning_log",
            pd.DataFrame(
                rows, columns=["dataset", "column", "action", "cause", "measure", "estimate"]
            ),
            caption=caption("review.audit.log_caption"),
            kind="count",
            dims=["dataset", "column", "action", "cause", "measure"],
            subject="records",
            labels={
                "dataset": "text:review.dataset",
                "action": "text:review.action",
                "cause": "text:review.reason",
            },
        )
    )


__all__ = ["ITEM_STATUSES", "NO_CODE", "compute", "gap_level"]
