"""Figures from checked tables: the only way a number reaches a report.

Every function here takes a :class:`~tsp_analysis.results.table.ResultTable` that passed the
disclosure policy (it raises otherwise) and one of its rows, and returns a table
:class:`~tsp_analysis.report.display.Cell` or an inline span. Each carries ``data-cell`` (the
row's address, ``<report>-<unit>/<table>/<row key>``), ``data-kind`` and, when shown,
``data-n`` (the unweighted base); a hidden figure shows only the mark, with
``data-suppressed="true"`` and ``data-reason``. The privacy scan finds every such cell in the
data files and treats any other number in the page as a violation.

Formatting follows the figure's kind: shares as per cent, scores and means as whole numbers,
counts with thousands separators; intervals are cut at the ends of the scale
(:func:`~tsp_analysis.report.i18n.fmt_interval`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from ..results.table import ResultTable
from .display import Cell, Html, label_html, missing, table
from .i18n import (
    DASH,
    SUPPRESSED_MARK,
    Markup,
    fmt_count,
    fmt_interval,
    fmt_number,
    fmt_p,
    fmt_percent,
    t,
)

#: Display kind per figure kind (``data-kind`` of the HTML).
_HTML_KIND = {
    "count": "count",
    "share": "share",
    "mean": "mean",
    "score": "score",
    "index": "score",
    "ratio": "ratio",
    "rank": "rank",
    "p": "p",
    "number": "number",
    "text": "text",
}


def _kind(table: ResultTable, rec: Mapping[str, Any]) -> str:
    k = rec.get("kind")
    return str(k) if isinstance(k, str) and k else table.kind


#: Below this unweighted base a share is shown with one decimal (1 of 8 is 12,5 %, not 12 %).
SMALL_BASE = 20


def share_decimals(rec: Mapping[str, Any]) -> int:
    """Decimals of a share: one when its base ``rec["n"]`` is below :data:`SMALL_BASE`, where
    whole per cent would mislead; else none (also when the base is unknown)."""
    n = rec.get("n")
    return 1 if not missing(n) and int(n) < SMALL_BASE else 0


def fmt_value(value: object, kind: str, lang: str, *, decimals: int | None = None) -> str:
    """A single figure as text in ``lang`` (no interval)."""
    if missing(value):
        return DASH
    if kind == "share":
        return fmt_percent(float(value), lang, decimals or 0)
    if kind == "count":
        return fmt_count(value, lang)
    if kind == "p":
        return fmt_p(float(value), lang)
    if kind == "ratio":
        return fmt_number(float(value), lang, 2 if decimals is None else decimals)
    if kind == "rank":
        return fmt_number(float(value), lang, 0)
    return fmt_number(float(value), lang, 0 if decimals is None else decimals)


def figure_text(
    table: ResultTable,
    rec: Mapping[str, Any],
    lang: str,
    *,
    interval: bool = True,
    decimals: int | None = None,
    column: str = "estimate",
) -> str:
    """The text of a shown figure: "42 % (35–49 %)", "62 (55–69)", "1 234"."""
    kind = _kind(table, rec)
    if column != "estimate":
        return fmt_value(
            rec[column], kind if column == "estimate" else "number", lang, decimals=decimals
        )
    if interval and kind not in ("count", "rank", "p", "text") and not missing(rec["ci_low"]):
        return fmt_interval(
            float(rec["estimate"]),
            float(rec["ci_low"]),
            float(rec["ci_high"]),
            lang,
            kind="share" if kind == "share" else ("ratio" if kind == "ratio" else "score"),
            decimals=decimals or 0,
        )
    return fmt_value(rec["estimate"], kind, lang, decimals=decimals)


def hidden_cell(table: ResultTable, rec: Mapping[str, Any], lang: str) -> Cell:
    """The mark of a hidden figure."""
    return Cell(
        SUPPRESSED_MARK,
        kind=_HTML_KIND[_kind(table, rec)],
        suppressed=True,
        ref=table.ref(rec),
        reason=str(rec.get("reason") or "small_base"),
        title=t(f"common.hidden_title.{rec.get('reason') or 'small_base'}", lang),
    )


def cell(
    table: ResultTable,
    rec: Mapping[str, Any],
    lang: str,
    *,
    interval: bool = True,
    show_n: bool = False,
    decimals: int | None = None,
    column: str = "estimate",
    text: Callable[[str], str] | None = None,
    css: str | None = None,
    formatter: Callable[[Any], str] | None = None,
) -> Cell:
    """A table cell for one row of a checked table.

    Parameters
    ----------
    interval : bool
        Show the 95 % interval after the figure (where the row has one).
    show_n : bool
        Add a second line "n = 57" with the unweighted base.
    column : str
        Which published column to show (``estimate`` or one of the table's ``values``).
    text : callable, optional
        Wraps the formatted figure ("{} ▲").
    formatter : callable, optional
        Formats the value of ``column`` instead of the kind's default (a p-value, a
        difference in percentage points).
    """
    table.require_checked()
    if bool(rec["suppressed"]):
        return hidden_cell(table, rec, lang)
    kind = _kind(table, rec)
    value = rec[column]
    if missing(value):
        return Cell(DASH, ref=table.ref(rec), kind=_HTML_KIND[kind])
    body = (
        formatter(value)
        if formatter is not None
        else figure_text(table, rec, lang, interval=interval, decimals=decimals, column=column)
    )
    if text is not None:
        body = text(body)
    n = rec.get("n")
    if show_n and not missing(n):
        body = f"{body}\n{t('common.base', lang, n=fmt_count(n, lang))}"
    return Cell(
        body,
        n=None if missing(n) else int(n),
        kind=_HTML_KIND[kind],
        ref=table.ref(rec),
        css=css or ("tsp-num" if kind == "count" else None),
    )


def span(
    table: ResultTable,
    rec: Mapping[str, Any],
    lang: str,
    *,
    interval: bool = False,
    decimals: int | None = None,
    column: str = "estimate",
    formatter: Callable[[Any], str] | None = None,
) -> Markup:
    """A figure inside a sentence (key findings, summaries), marked like a table cell."""
    c = cell(
        table, rec, lang, interval=interval, decimals=decimals, column=column, formatter=formatter
    )
    attrs = ['class="tsp-fig"', f'data-cell="{escape(c.ref or "")}"']
    if c.kind:
        attrs.append(f'data-kind="{c.kind}"')
    if c.suppressed:
        attrs.append('data-suppressed="true"')
        attrs.append(f'data-reason="{escape(c.reason or "")}"')
    elif c.n is not None:
        attrs.append(f'data-n="{int(c.n)}"')
    return Markup(f"<span {' '.join(attrs)}>{escape(c.text)}</span>")


def interval_span(table: ResultTable, rec: Mapping[str, Any], lang: str) -> Markup:
    """The 95 % interval of a figure alone ("35–49 %"), marked like the figure."""

    def interval_only(_value: Any) -> str:
        full = figure_text(table, rec, lang, interval=True)
        start, end = full.find("("), full.rfind(")")
        return full[start + 1 : end] if 0 <= start < end else DASH

    return span(table, rec, lang, formatter=interval_only)


def range_cell(
    table: ResultTable, rec: Mapping[str, Any], lang: str, *, low: str, high: str
) -> Cell:
    """A range "1–3" from two published columns of a checked row (each end a marked figure),
    or a dash where either end is missing."""
    if missing(rec.get(low)) or missing(rec.get(high)):
        return Cell(DASH)
    return Cell(
        "",
        css="tsp-num",
        markup=Markup(
            f"{span(table, rec, lang, column=low, decimals=0)}{DASH}"
            f"{span(table, rec, lang, column=high, decimals=0)}"
        ),
    )


def lookup(table: ResultTable, **where: object) -> dict[str, Any]:
    """The checked row matching ``where`` (all dimension values given as codes)."""
    return table.require_checked().row(**where)


def grid(
    table: ResultTable,
    lang: str,
    *,
    rows: str,
    columns: str | None = None,
    row_order: Sequence[str] | None = None,
    column_order: Sequence[str] | None = None,
    row_labels: Mapping[str, str] | None = None,
    column_labels: Mapping[str, str] | None = None,
    index_header: str = "",
    caption: str | Markup | None = None,
    notes: Sequence[str] = (),
    css: str | None = None,
    extra: Mapping[str, Callable[[dict[str, Any]], Cell | str]] | None = None,
    **cell_options: Any,
) -> Html:
    """A checked table as an HTML table: one row per value of ``rows``, one column per value of
    ``columns`` (or a single figure column), plus ``extra`` columns computed from the row.

    A combination missing from the table shows as a dash (no estimate), never a zero.
    """
    table.require_checked()
    data = table.data
    row_codes = list(row_order) if row_order is not None else list(dict.fromkeys(data[rows]))
    if columns is None:
        col_codes = ["estimate"]
    else:
        col_codes = (
            list(column_order) if column_order is not None else list(dict.fromkeys(data[columns]))
        )
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in data.to_dict("records"):
        records[(rec[rows], rec[columns] if columns else "estimate")] = rec
    frame_rows = {}
    for r in row_codes:
        out: dict[str, Any] = {}
        for c in col_codes:
            rec = records.get((r, c))
            head = (column_labels or {}).get(c, c) if columns else t("common.estimate", lang)
            out[head] = Cell(DASH) if rec is None else cell(table, rec, lang, **cell_options)
        if extra:
            first = next((records.get((r, c)) for c in col_codes if (r, c) in records), None)
            for head, fn in extra.items():
                out[head] = fn(first) if first is not None else Cell(DASH)
        frame_rows[(row_labels or {}).get(r, r)] = out
    frame = pd.DataFrame.from_dict(frame_rows, orient="index")
    return table_html(
        frame,
        lang,
        caption=caption if caption is not None else table.caption[lang],
        notes=notes,
        index_header=index_header,
        css=css,
        sources=[table],
    )


def cells_table(
    rows: Mapping[str, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    source: ResultTable,
    lang: str,
    header: str | None = None,
    *,
    caption: str | Markup | None = None,
    notes: Sequence[str] = (),
    css: str | None = None,
    sources: Sequence[ResultTable] | None = None,
    html_id: str | None = None,
) -> Html:
    """An HTML table of the cells of one checked table, a row per entry of ``rows``.

    Parameters
    ----------
    rows : mapping or sequence
        Row label → {column heading → cell}, in display order, the labels heading the rows;
        or a sequence of {column heading → cell} rows without labels. The columns are the
        headings in order of first appearance (a row without one of them shows a dash).
    source : ResultTable
        The checked table the cells come from: its caption heads the table (unless
        ``caption``) and its data are linked below it (unless ``sources``).
    header : str, optional
        Report-text key of the heading over the row labels: given exactly when ``rows`` is a
        mapping.
    html_id : str, optional
        ``id`` of the ``<table>`` element.
    """
    labelled = isinstance(rows, Mapping)
    if labelled != (header is not None):
        raise ValueError(
            f"table {source.id!r}: rows with labels (a mapping) need a header key, and rows "
            f"without (a list) take none; got {type(rows).__name__} and header={header!r}"
        )
    return table(
        pd.DataFrame.from_dict(rows, orient="index") if labelled else pd.DataFrame(list(rows)),
        lang,
        caption=caption if caption is not None else source.caption[lang],
        notes=notes,
        index=labelled,
        index_header=t(header, lang) if header is not None else "",
        css=css,
        sources=list(sources) if sources is not None else [source],
        html_id=html_id,
    )


def table_html(frame: pd.DataFrame, lang: str, **options: Any) -> Html:
    """:func:`~tsp_analysis.report.display.table` (re-exported for renderers)."""
    return table(frame, lang, **options)


def label(text: object) -> Markup:
    """A label for a table heading or text (digits marked as part of a label)."""
    return label_html(text)
