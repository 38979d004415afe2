"""Data review (SPEC §2.2, seed 002): what migrant-related data exist in Lithuania, which
integration indicators they can feed, where the gaps are, and how good this run's inputs are.

Reference tables (``data/reference/``, checked on load, :class:`ReferenceDataError` on any flaw):

* ``data_sources.csv`` — the inventory: one row per source (``source_id``, institution, name
  and content in Lithuanian and English, the breakdowns ``by_citizenship``, ``by_sex``,
  ``by_age``, ``by_residence_basis``, ``by_municipality``, ``periodicity``, ``lag_months``,
  ``publication``, ``machine_readable``, ``url``, and a ``note`` that says which values are an
  assessment rather than an official fact);
* ``indicators.csv`` — integration-monitoring indicators in the spirit of the EU "Zaragoza"
  indicators, long format: one row per indicator × ``level`` (``national``, ``municipal``) with
  ``availability`` (``available``/``partial``/``not_available``), ``source_ids`` (``;``-separated:
  the sources that provide it, or for ``not_available`` the natural holder of related data) and,
  unless available, the ``gap`` that explains why and ``gap_source_ids``, the sources the gap
  concerns (a subset of ``source_ids``);
* ``data_gap_rules.csv`` — one sentence template per ``gap`` (Lithuanian and English) from which
  :func:`data_gap_recommendations` writes the recommendations;
* ``datareview_terms.csv`` — labels of the codes used above (domains, levels, periodicity, ...)
  and of the display columns.

:func:`quality_audit` summarises the cleaning of this run's inputs: counts only, never a
respondent's row, id or free text.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from . import margins, reference, routing
from .codebook import DATASETS, Codebook, load_codebook
from .disclosure import suppress
from .errors import ReferenceDataError
from .ids import ALL, COUNTRY, OTHER, PROVENANCE
from .names import normalise_municipality
from .thresholds import DEFAULT_MIN_COUNT

LEVELS = ("national", "municipal")
AVAILABILITY_POINTS = {"available": 1.0, "partial": 0.5, "not_available": 0.0}
DIMENSIONS = ("citizenship", "sex", "age", "residence_basis", "municipality")
PERIODICITIES = ("continuous", "monthly", "quarterly", "annual", "ad_hoc")
PUBLICATIONS = ("open_data", "on_request", "not_published")
#: Quarantine reasons of :mod:`tsp_analysis.clean` that the audit reports separately.
DUPLICATE_REASONS = ("duplicate_row", "duplicate_id")
#: Record keys of the datasets without an id column: two accepted rows with the same key are a
#: double count (for example a population cell given twice).
RECORD_KEYS = {
    "population": ["municipality", "year", "citizenship", "sex", "age_group", "residence_basis"],
    "residents": ["municipality", "year"],
    "strategic_assessment": ["municipality", "component", "assessed_on"],
}


# -- reference tables --------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [s.strip() for s in value.split(";") if s.strip()]


def _bool_column(frame: pd.DataFrame, column: str, where: str, problems: list[str]) -> pd.Series:
    bad = ~frame[column].isin(["true", "false"])
    for i in np.flatnonzero(bad.to_numpy()):
        problems.append(
            f"{where} row {i + 2}, {column}: {frame[column].iloc[i]!r} is not true/false"
        )
    return frame[column].eq("true")


def _check_codes(frame, column, allowed, where, problems) -> None:
    for i in np.flatnonzero(~frame[column].isin(list(allowed)).to_numpy()):
        problems.append(
            f"{where} row {i + 2}, {column}: {frame[column].iloc[i]!r} not in {sorted(allowed)}"
        )


@cache
def _terms_cached(folder: str) -> pd.DataFrame:
    del folder  # cache key only
    return reference.table("datareview_terms")


def terms(kind: str, lang: str) -> dict[str, str]:
    """Labels in ``lang`` of the codes of one ``kind`` of ``datareview_terms.csv``.

    >>> terms("availability", "en")["partial"]
    'Partly available'
    """
    reference.check_lang(lang)
    t = _terms_cached(str(reference.reference_dir()))
    t = t[t["kind"] == kind]
    if t.empty:
        raise ReferenceDataError(f"datareview_terms.csv has no kind {kind!r}")
    t = t.assign(order=t["order"].astype(int)).sort_values("order")
    return dict(zip(t["code"], t[f"label_{lang}"], strict=True))


def data_sources() -> pd.DataFrame:
    """The inventory of data sources as codes (booleans as ``bool``, ``lag_months`` as int).

    Raises :class:`ReferenceDataError` listing every flaw of ``data_sources.csv``.
    """
    frame = reference.table("data_sources")
    where = "data_sources.csv"
    problems: list[str] = []
    dupes = frame.loc[frame["source_id"].duplicated(), "source_id"].tolist()
    if dupes:
        problems.append(f"{where}: duplicate source_id {dupes}")
    for col in [f"by_{d}" for d in DIMENSIONS] + ["machine_readable"]:
        frame[col] = _bool_column(frame, col, where, problems)
    _check_codes(frame, "periodicity", PERIODICITIES, where, problems)
    _check_codes(frame, "publication", PUBLICATIONS, where, problems)
    lag = pd.to_numeric(frame["lag_months"], errors="coerce")
    for i in np.flatnonzero((lag.isna() | (lag < 0)).to_numpy()):
        problems.append(f"{where} row {i + 2}, lag_months: {frame['lag_months'].iloc[i]!r}")
    for col in ("institution_lt", "institution_en", "name_lt", "name_en"):
        for i in np.flatnonzero((frame[col].str.strip() == "").to_numpy()):
            problems.append(f"{where} row {i + 2}, {col}: empty")
    if problems:
        raise ReferenceDataError("\n".join(problems))
    frame["lag_months"] = lag.astype("int64")
    return frame.reset_index(drop=True)


def indicators() -> pd.DataFrame:
    """The indicator table (long: indicator × level) as codes, checked against the sources.

    Adds ``sources`` (a list of source ids) next to the ``;``-separated ``source_ids``.
    """
    frame = reference.table("indicators")
    where = "indicators.csv"
    problems: list[str] = []
    known = set(data_sources()["source_id"])
    gaps = set(reference.table("data_gap_rules")["gap"])
    _check_codes(frame, "level", LEVELS, where, problems)
    _check_codes(frame, "availability", AVAILABILITY_POINTS, where, problems)
    _check_codes(frame, "domain", terms("domain", "en"), where, problems)
    frame["zaragoza_core"] = _bool_column(frame, "zaragoza_core", where, problems)
    frame["sources"] = [_split(v) for v in frame["source_ids"]]
    frame["gap_sources"] = [_split(v) for v in frame["gap_source_ids"]]
    for i, rec in enumerate(frame.itertuples(index=False)):
        row = f"{where} row {i + 2}"
        if not rec.sources:
            problems.append(f"{row}: no source_ids")
        for s in rec.sources:
            if s not in known:
                problems.append(f"{row}: source {s!r} is not in data_sources.csv")
        if rec.gap and not rec.gap_sources:
            problems.append(f"{row}: gap {rec.gap!r} without gap_source_ids")
        for s in rec.gap_sources:
            if s not in rec.sources:
                problems.append(f"{row}: gap source {s!r} is not one of its source_ids")
        if rec.availability == "available" and rec.gap:
            problems.append(f"{row}: an available indicator has a gap {rec.gap!r}")
        if rec.availability != "available" and rec.gap not in gaps:
            problems.append(f"{row}: gap {rec.gap!r} is not in data_gap_rules.csv")
    pairs = frame[["indicator_id", "level"]]
    for i in np.flatnonzero(pairs.duplicated().to_numpy()):
        problems.append(f"{where} row {i + 2}: {tuple(pairs.iloc[i])} given twice")
    per_indicator = frame.groupby("indicator_id")
    for col in ("domain", "label_lt", "label_en", "order"):
        varying = per_indicator[col].nunique()
        for iid in varying[varying > 1].index:
            problems.append(f"{where}: {iid} has different {col} on its rows")
    missing_levels = per_indicator["level"].nunique()
    for iid in missing_levels[missing_levels < len(LEVELS)].index:
        problems.append(f"{where}: {iid} lacks a row for every level {LEVELS}")
    if problems:
        raise ReferenceDataError("\n".join(problems))
    frame["order"] = frame["order"].astype(int)
    domain_order = {d: i for i, d in enumerate(terms("domain", "en"))}
    frame = frame.sort_values(
        ["order", "level"],
        key=lambda s: s.map({lv: i for i, lv in enumerate(LEVELS)}) if s.name == "level" else s,
        kind="stable",
    )
    frame["domain_order"] = frame["domain"].map(domain_order)
    return frame.reset_index(drop=True)


# -- indicators for a strategic document's areas and measures --------------------------------------
#: The kinds of indicator a municipal strategic document needs (seed 003: a goal, and measures
#: with their indicators): ``impact`` — the change in the target group's situation the goal is
#: about; ``outcome`` — the results for the people a measure reaches; ``output`` — what a measure
#: itself delivered. No statistic in the catalogue is an output indicator: a measure's output
#: comes from its own records.
INDICATOR_TYPES = ("impact", "outcome", "output")
#: What a measure in an area can be monitored with: an indicator available at the level, only
#: partly available ones, or none (its own data must be collected).
MONITORING_VERDICTS = ("existing", "partial", "own_data")


def indicator_areas() -> pd.DataFrame:
    """Which of the 9 areas each indicator informs, and its type (``indicator_areas.csv``).

    Returns
    -------
    DataFrame
        Long: ``indicator_id``, ``area``, ``indicator_type`` (``impact`` or ``outcome``), one
        row per indicator and area, in the catalogue's order.

    Raises
    ------
    ReferenceDataError
        An indicator of ``indicators.csv`` is not mapped, or is mapped twice; an id, area or
        type is not one the reference tables know.
    """
    where = "indicator_areas.csv"
    frame = reference.table("indicator_areas")
    catalogue = indicators().drop_duplicates("indicator_id")
    known_ids = list(catalogue["indicator_id"])
    areas = set(reference.area_ids())
    problems: list[str] = []
    for i, rec in enumerate(frame.to_dict("records")):
        row = f"{where} row {i + 2}"
        if rec["indicator_id"] not in known_ids:
            problems.append(
                f"{row}, column indicator_id: {rec['indicator_id']!r} is not in indicators.csv"
            )
        bad = [a for a in _split(rec["areas"]) if a not in areas]
        if bad or not _split(rec["areas"]):
            problems.append(
                f"{row}, column areas: {rec['areas']!r}; expected areas of areas.csv "
                "separated by ';'"
            )
        if rec["indicator_type"] not in INDICATOR_TYPES[:2]:
            problems.append(
                f"{row}, column indicator_type: {rec['indicator_type']!r}; expected impact or "
                "outcome (no statistic is an output indicator)"
            )
    ids = frame["indicator_id"]
    for iid in sorted(set(ids[ids.duplicated()])):
        problems.append(f"{where}: {iid} mapped twice")
    for iid in [i for i in known_ids if i not in set(ids)]:
        problems.append(f"{where}: indicator {iid} of indicators.csv has no row")
    if problems:
        raise ReferenceDataError("\n".join(problems))
    order = {iid: k for k, iid in enumerate(known_ids)}
    frame = frame.assign(area=[_split(v) for v in frame["areas"]]).explode("area")
    frame = frame.sort_values("indicator_id", key=lambda s: s.map(order), kind="stable")
    return frame[["indicator_id", "area", "indicator_type"]].reset_index(drop=True)


def area_monitoring(level: str = "municipal") -> pd.DataFrame:
    """Per area and indicator type, the indicators available and partly available at ``level``.

    Returns
    -------
    DataFrame
        ``area`` (the 9, in order), ``indicator_type`` (:data:`INDICATOR_TYPES`),
        ``available`` and ``partial`` (lists of indicator ids), ``verdict`` (of
        :data:`MONITORING_VERDICTS`: whether a measure in the area can be followed by an
        indicator of that type from existing data). ``output`` is always ``own_data``.
    """
    if level not in LEVELS:
        raise ValueError(f"level {level!r}; expected one of {LEVELS}")
    table = indicators()
    status = dict(
        zip(
            table.loc[table["level"] == level, "indicator_id"],
            table.loc[table["level"] == level, "availability"],
            strict=True,
        )
    )
    mapped = indicator_areas()
    rows = []
    for area in reference.area_ids():
        mine = mapped[mapped["area"] == area]
        for kind in INDICATOR_TYPES:
            ids = list(mine.loc[mine["indicator_type"] == kind, "indicator_id"])
            available = [i for i in ids if status.get(i) == "available"]
            partial = [i for i in ids if status.get(i) == "partial"]
            rows.append(
                {
                    "area": area,
                    "indicator_type": kind,
                    "available": available,
                    "partial": partial,
                    "verdict": _verdict(available, partial),
                }
            )
    return pd.DataFrame(rows)


def _verdict(available: list, partial: list) -> str:
    return "existing" if available else "partial" if partial else "own_data"


def measure_monitoring(
    register: pd.DataFrame, municipality: str, level: str = "municipal"
) -> pd.DataFrame:
    """For each recommendation of ``municipality`` in the implementation register (the measures
    its strategic document plans), whether existing data can follow it.

    Parameters
    ----------
    register : DataFrame
        The clean ``recommendations`` register (``rec_id``, ``municipality``, ``area``, ...).
    municipality : str
        The municipality slug.
    level : str
        The level whose indicator availability counts (``municipal``).

    Returns
    -------
    DataFrame
        ``rec_id``, ``area`` (blank: the whole municipality, then every area's indicators
        count), ``available`` and ``partial`` (indicator ids of the area's impact and outcome
        indicators), ``verdict`` (:data:`MONITORING_VERDICTS`).
    """
    by_area = area_monitoring(level)
    mine = register[register["municipality"] == municipality]
    rows = []
    for rec in mine.to_dict("records"):
        area = rec.get("area")
        area = "" if area is None or pd.isna(area) else str(area)
        part = by_area if not area else by_area[by_area["area"] == area]
        available = list(dict.fromkeys(i for ids in part["available"] for i in ids))
        partial = list(dict.fromkeys(i for ids in part["partial"] for i in ids))
        rows.append(
            {
                "rec_id": str(rec["rec_id"]),
                "area": area,
                "available": available,
                "partial": partial,
                "verdict": _verdict(available, partial),
            }
        )
    return pd.DataFrame(rows, columns=["rec_id", "area", "available", "partial", "verdict"])


# -- inventory and indicators ------------------------------------------------------------------


def inventory(lang: str = "lt") -> pd.DataFrame:
    """The data-source inventory labelled for display.

    Parameters
    ----------
    lang : {"lt", "en"}
        Language of the labels and the column headings.

    Returns
    -------
    DataFrame
        One row per source (reference order), indexed by ``source_id``, with the columns
        institution, source, content, breakdowns (the dimensions the source gives, comma
        separated), periodicity, time lag (months), publication, machine-readable, and in
        English also the note on which values are assessments.

    Examples
    --------
    >>> inv = inventory("en")
    >>> inv.loc["migris", "Breakdowns"]
    'citizenship, sex, age, residence basis, municipality'
    """
    src = data_sources()
    head = terms("column", lang)
    dims = terms("dimension", lang)
    yes_no = terms("boolean", lang)
    breakdowns = [
        ", ".join(dims[d] for d in DIMENSIONS if rec[f"by_{d}"]) for rec in src.to_dict("records")
    ]
    out = pd.DataFrame(
        {
            head["institution"]: src[f"institution_{lang}"],
            head["source"]: src[f"name_{lang}"],
            head["content"]: src[f"content_{lang}"],
            head["disaggregation"]: breakdowns,
            head["periodicity"]: src["periodicity"].map(terms("periodicity", lang)),
            head["lag_months"]: src["lag_months"],
            head["publication"]: src["publication"].map(terms("publication", lang)),
            head["machine_readable"]: src["machine_readable"].map(
                {True: yes_no["true"], False: yes_no["false"]}
            ),
        }
    )
    if lang == "en":
        out[head["note"]] = src["note"]
    out.index = pd.Index(src["source_id"], name="source_id")
    return out


def _source_names(lang: str) -> dict[str, str]:
    src = data_sources()
    return dict(zip(src["source_id"], src[f"name_{lang}"], strict=True))


def indicator_availability(level: str | None = None, lang: str | None = None) -> pd.DataFrame:
    """Which indicators can be computed at which level, and from which sources.

    Parameters
    ----------
    level : {"national", "municipal"}, optional
        Only this level (default: both).
    lang : {"lt", "en"}, optional
        ``None``: codes (``available``/``partial``/``not_available``, source ids). With a
        language: labels, and source names instead of ids.

    Returns
    -------
    DataFrame
        One row per indicator (domain order, then indicator order): ``domain``,
        ``indicator_id``, ``indicator`` (label; its English label when ``lang`` is None),
        ``zaragoza_core``, then per level ``<level>`` (availability) and
        ``<level>_sources``.
    """
    table = indicators()
    levels = LEVELS if level is None else (level,)
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    label_lang = lang or "en"
    base = table.drop_duplicates("indicator_id").sort_values(["domain_order", "order"])
    out = pd.DataFrame(
        {
            "domain": base["domain"].to_numpy(),
            "indicator_id": base["indicator_id"].to_numpy(),
            "indicator": base[f"label_{label_lang}"].to_numpy(),
            "zaragoza_core": base["zaragoza_core"].to_numpy(),
        }
    )
    for lv in levels:
        rows = table[table["level"] == lv].set_index("indicator_id")
        out[lv] = out["indicator_id"].map(rows["availability"])
        if lang is None:
            out[f"{lv}_sources"] = out["indicator_id"].map(rows["source_ids"])
        else:
            names = _source_names(lang)
            out[f"{lv}_sources"] = [
                ", ".join(names[s] for s in rows.loc[i, "sources"]) for i in out["indicator_id"]
            ]
    if lang is not None:
        avail = terms("availability", lang)
        out["domain"] = out["domain"].map(terms("domain", lang))
        for lv in levels:
            out[lv] = out[lv].map(avail)
    return out


def coverage_scores() -> pd.DataFrame:
    """Share of indicators that can be computed, per domain and level.

    ``coverage`` = (available + ½ · partial) / indicators, a proportion 0–1; a last row per level
    with ``domain == "all"`` covers every indicator.

    Returns
    -------
    DataFrame
        ``domain``, ``level``, ``indicators``, ``available``, ``partial``, ``not_available``,
        ``coverage``.
    """
    table = indicators()
    domains = list(terms("domain", "en"))
    rows = []
    for lv in LEVELS:
        at_level = table[table["level"] == lv]
        for domain in [*domains, ALL]:
            part = at_level if domain == ALL else at_level[at_level["domain"] == domain]
            counts = part["availability"].value_counts()
            n = len(part)
            rec = {"domain": domain, "level": lv, "indicators": n}
            rec.update({a: int(counts.get(a, 0)) for a in AVAILABILITY_POINTS})
            points = sum(rec[a] * p for a, p in AVAILABILITY_POINTS.items())
            rec["coverage"] = points / n if n else np.nan
            rows.append(rec)
    return pd.DataFrame(rows)


def data_gap_recommendations(lang: str = "lt", level: str | None = None) -> pd.DataFrame:
    """One recommendation for the data system per indicator and level that is not available.

    The sentence comes from the gap's template in ``data_gap_rules.csv``, filled with the
    indicator's label, the level and the names of the sources; no sentence is written per
    indicator.

    Returns
    -------
    DataFrame
        ``level``, ``domain``, ``indicator_id``, ``availability``, ``gap``, ``sources`` (ids of
        the sources the gap concerns, ``;``-separated) and ``recommendation`` (text in
        ``lang``), ordered by level and domain, not-available indicators before partly
        available ones, then by indicator.

    Examples
    --------
    >>> recs = data_gap_recommendations("en", level="national")
    >>> text = recs.set_index("indicator_id").loc["voter_turnout", "recommendation"]
    >>> text.split(":")[0]
    'Voter turnout in municipal elections (national level)'
    """
    reference.check_lang(lang)
    table = indicators()
    if level is not None:
        table = table[table["level"] == level]
    gaps = table[table["availability"] != "available"]
    rules = reference.table("data_gap_rules").set_index("gap")
    levels = terms("level", lang)
    names = _source_names(lang)
    out = []
    for rec in gaps.to_dict("records"):
        template = rules.loc[rec["gap"], f"template_{lang}"]
        text = template.format(
            indicator=rec[f"label_{lang}"],
            level=levels[rec["level"]].lower(),
            sources=", ".join(names[s] for s in rec["gap_sources"]),
        )
        out.append(
            {
                "level": rec["level"],
                "domain": rec["domain"],
                "indicator_id": rec["indicator_id"],
                "availability": rec["availability"],
                "gap": rec["gap"],
                "sources": rec["gap_source_ids"],
                "recommendation": text,
                "_order": (
                    LEVELS.index(rec["level"]),
                    rec["domain_order"],
                    AVAILABILITY_POINTS[rec["availability"]],
                    rec["order"],
                ),
            }
        )
    frame = pd.DataFrame(out)
    if frame.empty:
        return frame
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


# -- quality audit of this run's inputs -------------------------------------------------------


def _results(inputs) -> dict[str, object]:
    """The ``CleanResult`` of every dataset the ``Inputs`` bundle has (in codebook order)."""
    out = {}
    for dataset in DATASETS:
        result = getattr(inputs, dataset, None)
        if result is not None:
            out[dataset] = result
    return out


def _quarantine_municipality(quarantine: pd.DataFrame) -> pd.Series:
    """Slug of each quarantined row's municipality as received; NA where it is not recognised."""
    if "municipality" not in quarantine or quarantine.empty:
        return pd.Series(pd.NA, index=quarantine.index, dtype="str")
    raw = quarantine["municipality"]
    mapping = {v: normalise_municipality(v) for v in raw.dropna().unique()}
    return raw.map(mapping).astype("str")


def _check_municipality(municipality: str | None) -> str | None:
    """``None`` and ``lithuania`` both mean the whole country."""
    if municipality is None or municipality == COUNTRY:
        return None
    if municipality not in reference.municipality_slugs():
        raise ValueError(
            f"unknown municipality {municipality!r}; expected one of "
            f"{reference.municipality_slugs()} or 'lithuania'"
        )
    return municipality


def _rows_of(frame: pd.DataFrame, municipality: str | None) -> pd.DataFrame:
    if municipality is None or "municipality" not in frame:
        return frame
    return frame[(frame["municipality"] == municipality).fillna(False).to_numpy(dtype=bool)]


def _invalid_of(res, municipality) -> pd.DataFrame:
    """The invalidated cells (invalid optional answers set missing) of the municipality's
    accepted rows; every one for the whole country."""
    invalid = getattr(res, "invalid", None)
    if invalid is None or invalid.empty:
        return pd.DataFrame(columns=[*PROVENANCE, "column", "reason"])
    if municipality is None or "municipality" not in res.data:
        return invalid
    mine = _rows_of(res.data, municipality)
    keys = set(zip(mine["source_file"].astype(str), mine["source_row"].astype(int), strict=True))
    hit = [
        (f, int(r)) in keys
        for f, r in zip(invalid["source_file"], invalid["source_row"], strict=True)
    ]
    return invalid[np.asarray(hit, dtype=bool)]


def _invalidated(results, municipality) -> pd.DataFrame:
    """Cells set missing per dataset, column and reason (counts only: no values)."""
    frames = []
    for dataset, res in results.items():
        invalid = _invalid_of(res, municipality)
        if len(invalid):
            counts = invalid.groupby(["column", "reason"], sort=False).size()
            frame = counts.rename("cells").reset_index()
            frame.insert(0, "dataset", dataset)
            frames.append(frame)
    columns = ["dataset", "column", "reason", "cells"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _row_accounting(results, municipality) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, reasons = [], []
    for dataset, res in results.items():
        q = res.quarantine
        slug = _quarantine_municipality(q)
        unattributed = slug.isna().to_numpy(dtype=bool)
        mine = (
            np.ones(len(q), dtype=bool)
            if municipality is None
            else (slug == municipality).fillna(False).to_numpy(dtype=bool)
        )
        accepted = len(_rows_of(res.data, municipality))
        rows.append(
            {
                "dataset": dataset,
                "rows_in": int(res.rows_in),
                "balanced": int(res.rows_in) == len(res.data) + len(q),
                "received": accepted + int(mine.sum()),
                "accepted": accepted,
                "quarantined": int(mine.sum()),
                "quarantined_unattributed": int(unattributed.sum()),
                "cells_invalidated": len(_invalid_of(res, municipality)),
            }
        )
        if len(q):
            reason = q["reason"].astype("str").fillna("")
            for r in pd.unique(reason):
                is_r = (reason == r).to_numpy(dtype=bool)
                reasons.append(
                    {
                        "dataset": dataset,
                        "reason": r,
                        "rows": int((is_r & mine).sum()),
                        "unattributed": int((is_r & unattributed).sum()),
                    }
                )
    reasons_frame = pd.DataFrame(reasons, columns=["dataset", "reason", "rows", "unattributed"])
    if not reasons_frame.empty:
        reasons_frame = reasons_frame[
            (reasons_frame["rows"] > 0) | (reasons_frame["unattributed"] > 0)
        ]
        order = {d: i for i, d in enumerate(DATASETS)}
        reasons_frame = reasons_frame.sort_values(
            ["dataset", "rows", "reason"],
            key=lambda s: s.map(order) if s.name == "dataset" else s,
            ascending=[True, False, True],
            kind="stable",
        ).reset_index(drop=True)
    return pd.DataFrame(rows), reasons_frame


def _nonresponse(results, municipality, cb: Codebook, lang: str | None) -> pd.DataFrame:
    out = []
    missing: dict[tuple[str, str], list[str]] = {}  # value set, kind → codes (looked up once)
    for dataset in ("tsp_survey", "provider_survey"):
        if dataset not in results:
            continue
        data = _rows_of(results[dataset].data, municipality).reset_index(drop=True)
        route = routing.for_frame(data, dataset, cb)
        for q in cb.questions(dataset):
            if q.type in {"id", "text"} or q.group == "admin" or q.id not in data:
                continue
            asked, unknown = route.asked(q.id)
            values = data[q.id].astype("str")
            blank = values.isna().to_numpy(dtype=bool)
            rec = {"dataset": dataset, "question": q.id, "group": q.group, "area": q.area}
            if lang is not None:
                rec["label"] = q.label(lang)
            rec["asked"] = int(asked.sum())
            rec["blank"] = int((asked & blank).sum())
            missing_any = np.zeros(len(data), dtype=bool)
            for kind in ("dont_know", "not_applicable", "refused"):
                if (q.value_set, kind) not in missing:
                    missing[(q.value_set, kind)] = (
                        cb.missing_codes(q.value_set, kind) if q.value_set else []
                    )
                codes = missing[(q.value_set, kind)]
                hit = values.isin(codes).to_numpy(dtype=bool)
                missing_any |= hit
                rec[kind] = int((asked & hit).sum())
            rec["answered"] = int((asked & ~blank & ~missing_any).sum())
            rec["routing_unknown"] = int(unknown.sum())
            rec["nonresponse_rate"] = (
                (rec["asked"] - rec["answered"]) / rec["asked"] if rec["asked"] else np.nan
            )
            out.append(rec)
    return pd.DataFrame(out)


def _straightlining(results, municipality, cb: Codebook) -> pd.DataFrame:
    """Per area grid of the TŠP survey: respondents who rated every criterion, and how many of
    them gave one answer to all. Respondents quarantined for straight-lining across the whole
    questionnaire are in the quarantine table (reason ``straight_lining``)."""
    columns = ["area", "items", "complete", "straightlined", "share"]
    if "tsp_survey" not in results:
        return pd.DataFrame(columns=columns)
    data = _rows_of(results["tsp_survey"].data, municipality)
    out = []
    for area in reference.area_ids():
        qids = [q.id for q in cb.questions("tsp_survey", group="rating", area=area) if q.id in data]
        if len(qids) < 2:
            continue
        sub = cb.substantive(data[qids], "tsp_survey").to_numpy(dtype=float, na_value=np.nan)
        complete = ~np.isnan(sub).any(axis=1)
        # one answer to every criterion: the row's largest rating equals its smallest
        with np.errstate(invalid="ignore"):
            same = complete & (
                np.nanmax(sub, axis=1, initial=-np.inf) == np.nanmin(sub, axis=1, initial=np.inf)
            )
        n = int(complete.sum())
        out.append(
            {
                "area": area,
                "items": len(qids),
                "complete": n,
                "straightlined": int(same.sum()),
                "share": same.sum() / n if n else np.nan,
            }
        )
    return pd.DataFrame(out, columns=columns)


def _duplicates(results, municipality, cb: Codebook) -> pd.DataFrame:
    out = []
    for dataset, res in results.items():
        data = _rows_of(res.data, municipality)
        ids = [q.id for q in cb.questions(dataset) if q.unique and q.id in data]
        key = ids or [c for c in RECORD_KEYS.get(dataset, []) if c in data]
        answers = [c for c in data.columns if c not in ids and c not in PROVENANCE]
        q = res.quarantine
        slug = _quarantine_municipality(q)
        mine = (
            np.ones(len(q), dtype=bool)
            if municipality is None
            else (slug == municipality).fillna(False).to_numpy(dtype=bool)
        )
        reason = q["reason"].astype("str") if len(q) else pd.Series(dtype="str")
        rec = {
            "dataset": dataset,
            "key": ", ".join(key),
            "duplicate_keys": int(data.duplicated(key).sum()) if key else 0,
            "identical_rows": int(data.duplicated(answers).sum()) if answers and len(data) else 0,
        }
        for r in DUPLICATE_REASONS:
            rec[f"quarantined_{r}"] = (
                int(((reason == r).to_numpy(dtype=bool) & mine).sum()) if len(q) else 0
            )
        out.append(rec)
    return pd.DataFrame(out)


def _cleaning_log(results) -> pd.DataFrame:
    """The cleaning log of every input, counted by column, action and reason (no rows, no
    values: the log's ``old``/``new`` may hold what a respondent wrote)."""
    frames = []
    for dataset, res in results.items():
        log = res.log
        if log is None or log.empty:
            continue
        cells = log["count"].fillna(1) if "count" in log else pd.Series(1, index=log.index)
        frame = pd.DataFrame(
            {
                "column": log["column"].astype("str").fillna(""),
                "action": log["action"].astype("str").fillna(""),
                "reason": log["reason"].astype("str").fillna("") if "reason" in log else "",
                "cells": pd.to_numeric(cells).astype("int64"),
            }
        )
        summary = frame.groupby(["column", "action", "reason"], as_index=False, sort=False).agg(
            entries=("cells", "size"), cells=("cells", "sum")
        )
        summary.insert(0, "dataset", dataset)
        frames.append(summary)
    columns = ["dataset", "column", "action", "reason", "entries", "cells"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _representativeness(
    results, municipality, year, min_count: int, k_citizenships: int, min_group_n: int | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample profile of the TŠP survey against the adult TŠP population, per municipality."""
    rep_cols = [
        "municipality",
        "year",
        "variable",
        "category",
        "sample_n",
        "sample_share",
        "population_n",
        "population_share",
        "difference",
        "suppressed",
    ]
    dis_cols = [
        "municipality",
        "year",
        "variable",
        "sample_valid",
        "sample_missing",
        "dissimilarity",
    ]
    if "tsp_survey" not in results or "population" not in results:
        return pd.DataFrame(columns=rep_cols), pd.DataFrame(columns=dis_cols)
    sample = results["tsp_survey"].data
    adult_groups = margins.adult_age_groups()
    population = margins.third_country(results["population"].data)
    population = population[population["age_group"].isin(adult_groups).to_numpy(dtype=bool)]
    units = (
        [municipality]
        if municipality
        else [
            s for s in reference.municipality_slugs() if s in set(sample["municipality"].dropna())
        ]
    )
    bases = reference.table("residence_bases")["residence_basis"].tolist()
    rep, dis = [], []
    for unit in units:
        pop_unit = population[(population["municipality"] == unit).to_numpy(dtype=bool)]
        smp = sample[(sample["municipality"] == unit).fillna(False).to_numpy(dtype=bool)]
        if pop_unit.empty:
            unit_year = None
        else:
            unit_year = int(pop_unit["year"].max()) if year is None else int(year)
            pop_unit = pop_unit[(pop_unit["year"] == unit_year).to_numpy(dtype=bool)]
        # the weighting's grouping (margins.citizenship_groups), so both tables agree
        top = margins.citizenship_groups(
            margins.survey_values(smp, "citizenship") if "citizenship" in smp else pd.Series(),
            pop_unit,
            min_group_n=min_group_n
            if min_group_n is not None
            else margins.default_min_group_n(len(smp)),
            max_groups=k_citizenships,
        )
        variables = {
            "sex": ("sex", ["female", "male"], None),
            "age_group": ("age_group", adult_groups, None),
            "citizenship": ("citizenship", [*top, OTHER], top),
            "residence_basis": ("residence_basis", bases, None),
        }
        for variable, (column, categories, grouped) in variables.items():
            if column not in smp or column not in pop_unit:
                continue
            s_val = smp[column].astype("str")
            p_val = pop_unit[column].astype("str")
            if grouped is not None:  # citizenship: top k, the rest pooled as "other"
                s_val = s_val.where(s_val.isin(grouped) | s_val.isna(), OTHER)
                p_val = p_val.where(p_val.isin(grouped), OTHER)
            s_counts = (
                s_val[s_val.isin(categories)].value_counts().reindex(categories, fill_value=0)
            )
            p_counts = (
                pop_unit["count"]
                .astype("int64")
                .groupby(p_val.to_numpy())
                .sum()
                .reindex(categories, fill_value=0)
            )
            s_total, p_total = int(s_counts.sum()), int(p_counts.sum())
            s_share = s_counts / s_total if s_total else s_counts * np.nan
            p_share = p_counts / p_total if p_total else p_counts * np.nan
            dis.append(
                {
                    "municipality": unit,
                    "year": unit_year,
                    "variable": variable,
                    "sample_valid": s_total,
                    "sample_missing": len(smp) - s_total,
                    "dissimilarity": float(0.5 * (s_share - p_share).abs().sum())
                    if s_total and p_total
                    else np.nan,
                }
            )
            for cat in categories:
                rep.append(
                    {
                        "municipality": unit,
                        "year": unit_year,
                        "variable": variable,
                        "category": cat,
                        "sample_n": int(s_counts[cat]),
                        "sample_share": float(s_share[cat]),
                        "population_n": int(p_counts[cat]),
                        "population_share": float(p_share[cat]),
                    }
                )
    rep_frame = pd.DataFrame(rep, columns=rep_cols[:-2])
    rep_frame["difference"] = rep_frame["sample_share"] - rep_frame["population_share"]
    for side in ("sample", "population"):  # zeros are shown: they disclose nobody
        rep_frame = suppress(
            rep_frame,
            "count",
            value=f"{side}_n",
            columns=[f"{side}_n", f"{side}_share", "difference"],
            min_count=min_count,
            suppress_zeros=False,
        )
    dis_frame = pd.DataFrame(dis, columns=dis_cols)
    for frame in (rep_frame, dis_frame):
        frame["year"] = frame["year"].astype("Int64")
    return rep_frame, dis_frame


def quality_audit(
    inputs,
    municipality: str | None = None,
    *,
    year: int | None = None,
    min_count: int = DEFAULT_MIN_COUNT,
    k_citizenships: int = margins.MAX_CITIZENSHIPS,
    lang: str | None = None,
    min_group_n: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Audit of this run's inputs: row accounting, non-response, straight-lining, duplicates,
    the cleaning log and the agreement of the survey sample with the population.

    Parameters
    ----------
    inputs : Inputs
        The bundle of :func:`tsp_analysis.inputs.load_inputs`: one ``CleanResult`` (``data``,
        ``quarantine``, ``log``, ``rows_in``) per dataset attribute (``tsp_survey``,
        ``provider_survey``, ``population``, ...). A dataset the bundle lacks is left out.
    municipality : str, optional
        A municipality slug; ``None`` or ``"lithuania"``: the whole country. Quarantined rows
        are attributed by their municipality as received; those that name no known
        municipality are counted as ``unattributed`` in every report.
    year : int, optional
        Population year for the sample comparison (default: each municipality's latest).
    min_count : int
        Sample or population counts above zero and below this are suppressed in the sample
        comparison.
    k_citizenships, min_group_n : int
        The sample comparison groups citizenship as the weighting does
        (:func:`tsp_analysis.margins.citizenship_groups`): the citizenships with at least
        ``min_group_n`` respondents (default 5% of the municipality's respondents, at least
        10), largest population first, at most ``k_citizenships`` (default 8); the rest are
        ``other``.
    lang : {"lt", "en"}, optional
        Adds question labels to the non-response table.

    Returns
    -------
    dict of str to DataFrame
        ``rows``: per dataset ``rows_in`` (the whole input), ``balanced`` (rows_in = accepted +
        quarantined over the whole input), ``received``, ``accepted``, ``quarantined`` (of the
        municipality), ``quarantined_unattributed`` and ``cells_invalidated`` (invalid
        optional answers of the municipality's accepted rows, set missing: the rows are kept).
        ``invalidated``: those cells per dataset, ``column`` and ``reason`` (``cells``).
        ``quarantine``: rows per dataset and reason (``rows`` of the municipality,
        ``unattributed``).
        ``nonresponse``: per survey question, among those it was asked of (``applies_if``
        followed through the answers): ``asked``, ``answered``, ``blank``, ``dont_know``,
        ``not_applicable``, ``refused`` (the codebook's missing codes), ``routing_unknown``
        (not counted in ``asked``: the filter question was left blank) and
        ``nonresponse_rate`` = (asked − answered) / asked.
        ``straightlining``: per area rating grid, respondents who rated every criterion
        (``complete``) and those who gave all criteria one answer (``straightlined``).
        ``duplicates``: per dataset, accepted rows repeating an earlier row's key (``key``:
        the id, or the record key of tables without one), accepted rows identical to an earlier
        one apart from the id, and rows quarantined as ``duplicate_row``/``duplicate_id``.
        ``cleaning_log``: per dataset, column, action and reason the log ``entries`` and the
        ``cells`` they cover, over the whole input (the aggregated log lines cannot be
        attributed to a municipality).
        ``representativeness``: per municipality, variable (``sex``, ``age_group``,
        ``citizenship``, ``residence_basis``) and category, the sample's count and share
        (respondents with an answer) against the adult TŠP population's, and the difference.
        ``dissimilarity``: per municipality and variable, the index of dissimilarity
        ½ Σ |sample share − population share| (0 = same profile, 1 = no overlap), with the
        sample's valid and missing answers.
        ``population_excluded``: the population rows (of the municipality, every year) that
        no TŠP figure uses, per ``reason`` (``not_third_country``: EU/EEA/Swiss citizens;
        ``not_adult``: children, whom the survey does not ask): ``rows``, ``people``
        (suppressed when 1 to ``min_count`` − 1), ``citizenships`` and ``explanation``.

    Nothing in the result is a respondent's row, id, value or free text.
    """
    municipality = _check_municipality(municipality)
    if lang is not None:
        reference.check_lang(lang)
    cb = load_codebook()
    results = _results(inputs)
    rows, reasons = _row_accounting(results, municipality)
    rep, dis = _representativeness(
        results, municipality, year, min_count, k_citizenships, min_group_n
    )
    return {
        "rows": rows,
        "quarantine": reasons,
        "nonresponse": _nonresponse(results, municipality, cb, lang),
        "straightlining": _straightlining(results, municipality, cb),
        "duplicates": _duplicates(results, municipality, cb),
        "cleaning_log": _cleaning_log(results),
        "representativeness": rep,
        "dissimilarity": dis,
        "population_excluded": _population_excluded(results, municipality, min_count),
        "invalidated": _invalidated(results, municipality),
    }


def _population_excluded(results, municipality, min_count: int) -> pd.DataFrame:
    """Population rows left out of every TŠP figure, and why (:func:`margins.excluded_rows`)."""
    columns = ["reason", "rows", "people", "citizenships", "explanation"]
    if "population" not in results:
        return pd.DataFrame(columns=columns)
    population = _rows_of(results["population"].data, municipality)
    out = margins.excluded_rows(population)
    small = (out["people"] > 0) & (out["people"] < min_count)
    out["people"] = out["people"].astype("Int64").mask(small)
    return out[columns]
