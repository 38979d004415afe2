"""HTML building blocks of the reports: headings, notes, banners, tables, embedded figures.

Every function returns an :class:`Html` fragment; a notebook cell shows it with
``display(...)`` (or as the cell's last expression). Rendering to HTML ourselves, rather than
leaving it to pandas or the notebook front end, gives one rendering path for JupyterLab and the
converted report, lets a test read the result without a kernel, and lets every figure carry
machine-readable markers for the disclosure scan:

* a cell or span showing an estimate carries ``data-kind`` (``share``, ``mean``, ``score``,
  ``count``) and ``data-n`` (its unweighted base);
* a suppressed figure shows :data:`~tsp_analysis.report.i18n.SUPPRESSED_MARK`, carries
  ``data-suppressed="true"`` and no base (a base below the threshold is itself a small count).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

import pandas as pd

from ..ids import ALL, COUNTRY
from ..results.table import ResultTable
from .i18n import (
    DASH,
    SUPPRESSED_MARK,
    Markup,
    label,
    missing,
    t,
    t_html,
)


class Html(str):
    """An HTML fragment that Jupyter displays as HTML and that concatenates with ``+``."""

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle) -> None:
        # The notebook stores a plain-text form next to the HTML; keep it short.
        p.text("<HTML>")

    def __add__(self, other: object) -> Html:
        return Html(str(self) + str(other))

    def __radd__(self, other: object) -> Html:
        return Html(str(other) + str(self))


def join(parts: Iterable[object]) -> Html:
    """Concatenate fragments (``None`` skipped)."""
    return Html("".join(str(p) for p in parts if p is not None))


def anchor(key: str) -> str:
    """A stable element id derived from a text key ("needs.context" → "needs-context")."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


# -- text blocks ----------------------------------------------------------------------------
def heading(key: str, lang: str, level: int = 2, **values: object) -> Html:
    """A translated heading with a stable ``id`` (the runner builds its table of contents from
    ``h2``/``h3``)."""
    return Html(f'<h{level} id="{anchor(key)}">{t_html(key, lang, **values)}</h{level}>')


def note(key: str, lang: str, **values: object) -> Html:
    """The short plain-language "how to read this" note under a section."""
    body = t_html(key, lang, **values)
    return Html(
        f'<div class="tsp-note"><span class="tsp-note-label">'
        f"{t_html('common.how_to_read', lang)}</span> {body}</div>"
    )


def section(key: str, lang: str, level: int = 2) -> Html:
    """Heading ``key`` followed by its note ``key + ".note"``."""
    return heading(key, lang, level) + note(f"{key}.note", lang)


def paragraph(key: str, lang: str, **values: object) -> Html:
    """A translated paragraph (its template's own digits marked by ``t_html``)."""
    return Html(f"<p>{t_html(key, lang, **values)}</p>")


def text(value: str, css: str | None = None) -> Html:
    """A paragraph of already-translated text (escaped)."""
    cls = f' class="{css}"' if css else ""
    return Html(f"<p{cls}>{escape(value)}</p>")


def bullets(items: Sequence[str], css: str | None = None) -> Html:
    """A list; ``Html`` items are inserted as they are, others escaped."""
    cls = f' class="{css}"' if css else ""
    inner = "".join(
        f"<li>{i if isinstance(i, Html | Markup) else escape(str(i))}</li>" for i in items
    )
    return Html(f"<ul{cls}>{inner}</ul>")


def message(key: str, lang: str, kind: str = "info", **values: object) -> Html:
    """A boxed message (``info`` or ``warning``), e.g. an analysis skipped with its reason."""
    return Html(f'<div class="tsp-message tsp-{kind}">{t_html(key, lang, **values)}</div>')


# -- table cells ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One table cell: its text and, for an estimate, its kind and unweighted base."""

    text: str
    n: int | None = None
    kind: str | None = None
    suppressed: bool = False
    css: str | None = None
    title: str | None = None
    data: tuple[tuple[str, str], ...] = ()
    #: The checked cell this shows (``ResultTable.ref``); every figure has one.
    ref: str | None = None
    #: Why a hidden figure is hidden (``results.table.REASONS``).
    reason: str | None = None
    #: Already-HTML body (labels with marked digits); ``text`` is used when ``None``.
    markup: str | None = None

    def html(self, tag: str = "td") -> str:
        attrs = [f'data-{k}="{escape(str(v))}"' for k, v in self.data]
        classes = [c for c in (self.css,) if c]
        if self.ref:
            attrs.append(f'data-cell="{escape(self.ref)}"')
        if self.suppressed:
            classes.append("tsp-suppressed")
            attrs.append('data-suppressed="true"')
            if self.reason:
                attrs.append(f'data-reason="{escape(self.reason)}"')
        if self.kind:
            attrs.append(f'data-kind="{self.kind}"')
        if self.n is not None and not self.suppressed:
            attrs.append(f'data-n="{int(self.n)}"')
        if self.title:
            attrs.append(f'title="{escape(self.title)}"')
        if classes:
            attrs.insert(0, f'class="{" ".join(classes)}"')
        head = " ".join([tag, *attrs])
        if self.ref is None and self.markup is None and _DIGITS.search(self.text):
            raise UnmarkedNumberError(
                f"cell text {self.text!r} holds a number but no checked cell (ref)"
            )
        if self.markup is not None:
            return f"<{head}>{self.markup}</{tag}>"
        # One line per "\n"; each line is kept whole (no wrap inside "42 % (35–49 %)").
        lines = "<br>".join(escape(line) for line in self.text.split("\n"))
        return f"<{head}>{lines}</{tag}>"


def is_suppressed(suppressed: object, n: object, threshold: int) -> bool:
    """True when a figure must not be shown: flagged by disclosure control, or (a guard, in case
    a table reaches the report without it) its base is missing or below ``threshold``."""
    if not missing(suppressed) and bool(suppressed):
        return True
    if missing(n):
        return True
    return int(n) < threshold


def table(
    frame: pd.DataFrame,
    lang: str,
    *,
    caption: str | None = None,
    notes: Sequence[str] = (),
    index: bool = True,
    index_header: str = "",
    css: str | None = None,
    sources: Sequence[ResultTable] = (),
    html_id: str | None = None,
) -> Html:
    """Render a frame of :class:`Cell` as an HTML table.

    Every figure must be a :class:`Cell` made from a checked table (:mod:`.checked`); a plain
    number, or a plain string holding a digit, is refused — that is what keeps a number that
    did not pass the disclosure policy out of the report. Row and column labels are labels:
    their digits ("25–34") are marked as such for the scan. A footnote states each reason for
    which a cell is hidden, with the thresholds of ``sources``; each source table gets a link
    to its data. ``html_id`` is the ``id`` of the ``<table>`` element (a link target, or a
    handle for tests).
    """
    head_cells = ([f"<th>{label_html(index_header)}</th>"] if index else []) + [
        f"<th>{label_html(str(c))}</th>" for c in frame.columns
    ]
    body = []
    reasons: dict[str, None] = {}
    for idx, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = [f'<th scope="row">{label_html(str(idx))}</th>'] if index else []
        for value in row:
            cell = value if isinstance(value, Cell) else Cell(_plain(value, lang))
            if cell.suppressed:
                reasons[cell.reason or "small_base"] = None
            cells.append(cell.html())
        body.append(f"<tr>{''.join(cells)}</tr>")
    foot = [n if isinstance(n, Markup) else label_html(n) for n in notes]
    foot += [suppression_note(r, lang, sources) for r in reasons]
    cap = f"<caption>{caption_html(caption)}</caption>" if caption else ""
    cls = "tsp-table" + (f" {css}" if css else "")
    ident = f' id="{escape(html_id)}"' if html_id else ""
    out = (
        f'<div class="tsp-table-wrap"><table class="{cls}"{ident}>{cap}<thead><tr>'
        f"{''.join(head_cells)}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
    if foot:
        out += '<div class="tsp-footnotes">' + "".join(f"<p>{f}</p>" for f in foot) + "</div>"
    out += data_links(sources, lang)
    return Html(out + "</div>")


class UnmarkedNumberError(ValueError):
    """A number reached a renderer outside a checked cell."""


def safe(text: object, why: str) -> Markup:
    """A number that is not data: a year, a threshold, a date, a hash, a version, a parameter.

    The privacy scan accepts such a span only when its content fits ``why``.
    """
    if why not in SAFE_KINDS:
        raise ValueError(f"why must be one of {SAFE_KINDS}")
    return Markup(f'<span data-safe="{why}">{escape(str(text))}</span>')


#: Contexts in which a number is not data (the scan checks each span's content fits).
#: ``code``: an official identifier written in a reference table (the project code
#: PMIF-2.2.1-V-01-001), not a figure.
SAFE_KINDS = (
    "label",
    "text",
    "year",
    "threshold",
    "date",
    "hash",
    "version",
    "param",
    "time",
    "code",
)
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def label_html(text: object) -> Markup:
    """Escape a label; its digit runs ("25–34 m.", "65+") are marked as part of a label."""
    if isinstance(text, Markup):
        return text
    # quote=False: an apostrophe stays a character; as "&#x27;" its digits would be marked
    # and the entity broken
    escaped = escape(str(text), quote=False)
    return Markup(_DIGITS.sub(lambda m: f'<span data-safe="label">{m.group(0)}</span>', escaped))


def caption_html(text: object) -> Markup:
    """A caption: already-marked HTML (``t_html`` with safe values) or a label."""
    return text if isinstance(text, Markup) else label_html(text)


def suppression_note(reason: str, lang: str, sources: Sequence[ResultTable] = ()) -> Markup:
    """The footnote for one reason a figure is hidden, naming the threshold that applied."""
    thresholds: dict[str, int] = {}
    for source in sources:
        thresholds.update(source.thresholds)
    if reason in ("small_count", "derived_from_hidden"):
        value = thresholds.get("min_count")
    elif reason == "small_base":
        value = thresholds.get("min_base")
    else:
        value = None
    shown = safe(value, "threshold") if value is not None else Markup("")
    return Markup(t_html(f"common.hidden.{reason}", lang, mark=SUPPRESSED_MARK, threshold=shown))


def data_links(sources: Sequence[ResultTable], lang: str) -> Html:
    """Links from a table or chart to its data: the CSV of each source table and the report's
    workbook (``OUT/data/``, see ``docs/outputs.md``). With more than one source table, each
    CSV link also names its table (its caption), so that a reader can tell them apart."""
    if not sources:
        return Html("")
    links = []
    for source in sources:
        text = t_html("common.data_csv", lang)
        if len(sources) > 1:
            text = Markup(f"{text}: {label_html(source.caption[lang])}")
        links.append(
            f'<a class="tsp-data-link" data-table="{escape(source.id)}" '
            f'href="../data/{escape(source.home)}/{escape(source.id)}.csv">{text}</a>'
        )
    home = sources[0].home
    links.append(
        f'<a class="tsp-data-link" href="../data/{escape(home)}-{lang}.xlsx">'
        f"{t_html('common.data_xlsx', lang)}</a>"
    )
    return Html(f'<p class="tsp-data-links">{" · ".join(links)}</p>')


def _plain(value: object, lang: str) -> str:
    """Text of a non-figure cell; a number here would bypass the disclosure policy."""
    if missing(value):
        return DASH
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    if isinstance(value, int | float) or (isinstance(value, str) and _DIGITS.search(value)):
        raise UnmarkedNumberError(
            f"{value!r}: a table cell with a number must be a Cell from a checked table "
            "(report.checked), or a label passed through label_html"
        )
    return str(value)


# -- figures --------------------------------------------------------------------------------
#: Fonts a reader's browser tries for chart text, after the DejaVu Sans the chart was laid out
#: with (Verdana and Bitstream Vera have its wide metrics).
CHART_FONTS = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, Arial, sans-serif"


def svg_bytes(fig) -> bytes:
    """A matplotlib figure as SVG with its text as text, no timestamp and no metadata block (the
    same figure gives the same bytes), cropped to what is drawn (nothing clipped)."""
    import matplotlib as mpl

    from .charts import RC

    buf = io.BytesIO()
    with mpl.rc_context({k: RC[k] for k in ("svg.fonttype", "svg.hashsalt", "path.simplify")}):
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            pad_inches=0.08,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buf.getvalue().decode("utf-8")
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = svg.replace("font-family: 'DejaVu Sans'", f"font-family: {CHART_FONTS}")
    return svg.encode("utf-8")


def chart_data(table_html: str, lang: str) -> Html:
    """A chart's figures as a table, folded under the chart (``<details>``): for a chart whose
    figures no other table of the report shows, so that a reader who cannot see the chart gets
    the same numbers. Empty when ``table_html`` is."""
    if not table_html:
        return Html("")
    # the chart's own links follow, visible without opening the table
    table_html = re.sub(r'<p class="tsp-data-links">.*?</p>', "", str(table_html), flags=re.S)
    return Html(
        f'<details class="tsp-chart-data"><summary>{t_html("charts.data_table", lang)}'
        f"</summary>{table_html}</details>"
    )


def figure(fig, alt: str, notes: Sequence[str] = (), after: str = "") -> Html:
    """Embed a matplotlib figure as an SVG image (base64) with its text alternative, and close
    it.

    ``alt`` says in words what the chart shows (:func:`~tsp_analysis.report.charts.alt_text`);
    ``notes`` (plain text) and ``after`` (HTML: notes, a data table, the links to the data) go
    inside the ``<figure>``, so each chart carries its own. An ``<img>`` (not inline SVG) keeps
    the chart's numbers out of the page's text, where the privacy scan would take them for
    unmarked figures; ``alt`` is what a screen reader reads. Closing the figure keeps the
    notebook's inline backend from showing it a second time.
    """
    import matplotlib.pyplot as plt

    data = base64.b64encode(svg_bytes(fig)).decode("ascii")
    plt.close(fig)
    foot = "".join(f'<p class="tsp-figure-note">{escape(n)}</p>' for n in notes)
    return Html(
        f'<figure class="tsp-figure"><img alt="{escape(alt)}" '
        f'src="data:image/svg+xml;base64,{data}"/>{foot}{after}</figure>'
    )


# -- the page top -----------------------------------------------------------------------------
STYLE = """<style>
.tsp-title{border-bottom:3px solid #1f4e79;margin-bottom:.6em;padding-bottom:.3em}
.tsp-title h1{margin:0 0 .2em 0;font-size:1.9em;color:#1f4e79}
.tsp-title .tsp-meta{color:#444;font-size:1.05em}
.tsp-synthetic{background:#fff4ce;border:2px solid #c98a00;border-radius:6px;padding:.7em 1em;
 margin:.8em 0;font-size:1.05em;color:#3d2c00}
.tsp-synthetic strong{color:#8a4b00}
.tsp-note{background:#eef4fa;border-left:4px solid #1f4e79;padding:.5em .8em;margin:.4em 0 1em 0;
 color:#1c2b39;max-width:62em;line-height:1.45}
.tsp-note-label{font-weight:600}
.tsp-message{padding:.6em .9em;border-radius:4px;margin:.6em 0;max-width:62em}
.tsp-info{background:#f1f1f1;border-left:4px solid #888}
.tsp-warning{background:#fdecea;border-left:4px solid #b3261e}
.tsp-table-wrap{overflow-x:auto;margin:.6em 0 1.2em 0}
/* Prefixed with .tsp-table-wrap so that these rules outrank JupyterLab's own table style
   (right-aligned, centred, fixed layout) in the converted report. */
.tsp-table-wrap table.tsp-table{border-collapse:collapse;font-size:14px;line-height:1.35;
 table-layout:auto;margin:0}
.tsp-table-wrap table.tsp-table caption{caption-side:top;text-align:left;font-weight:600;
 padding:.3em 0;color:#1f4e79}
.tsp-table-wrap table.tsp-table th,.tsp-table-wrap table.tsp-table td{border:1px solid #d0d7de;
 padding:.3em .55em;vertical-align:top;text-align:left;white-space:normal}
.tsp-table-wrap table.tsp-table thead th{background:#1f4e79;color:#fff;font-weight:600;
 vertical-align:bottom}
.tsp-table-wrap table.tsp-table tbody tr:nth-child(odd){background:#fff}
.tsp-table-wrap table.tsp-table tbody tr:nth-child(even){background:#f6f8fa}
.tsp-table-wrap table.tsp-table td[data-kind],.tsp-table-wrap table.tsp-table td.tsp-num{
 text-align:right;white-space:nowrap}
.tsp-table-wrap table.tsp-table td.tsp-suppressed{text-align:center;color:#8a4b00;
 background:#fbf3e4;font-weight:700}
.tsp-table-wrap table.tsp-table td.tsp-level-included{background:#c6dbef;color:#1a1a1a}
.tsp-table-wrap table.tsp-table td.tsp-level-partly{background:#fff3cd;color:#1a1a1a}
.tsp-table-wrap table.tsp-table td.tsp-level-not_included{background:#f9c99b;color:#1a1a1a}
.tsp-table-wrap table.tsp-recommendations td{max-width:34em}
.tsp-footnotes p{font-size:.85em;color:#555;margin:.2em 0}
.tsp-figure{margin:.6em 0 1.2em 0}
.tsp-figure img{max-width:100%;height:auto}
.tsp-chart-data summary{cursor:pointer;color:#1f4e79;font-size:.95em}
.tsp-figure-note{font-size:.85em;color:#555;margin:.2em 0}
ul.tsp-findings li{margin:.35em 0;line-height:1.45;font-size:1.05em}
ul.tsp-gaps li{margin:.45em 0;line-height:1.4;max-width:62em}
.tsp-fig{font-weight:600}
.tsp-practices-title{font-weight:600;color:#1f4e79;margin-top:1em}
ul.tsp-practices li{margin:.3em 0;line-height:1.4;max-width:62em}
.tsp-run-time{font-family:monospace}
</style>"""


TITLE_KEYS = {
    "needs_analysis": "needs.title",
    "data_review": "review.title",
    "monitoring": "monitoring.title",
    "overview": "overview.title",
}


def banner(report: str, municipality: str, lang: str, *, synthetic: bool) -> Html:
    """The top of every report: title, municipality, language, and — whenever the inputs are
    synthetic — a visible warning. Also carries the report's stylesheet."""
    language = t("common.language_name", lang)
    if municipality == ALL:
        meta = t_html(
            "common.meta_scope", lang, scope=t("common.all_municipalities", lang), language=language
        )
    elif municipality == COUNTRY:
        meta = t_html(
            "common.meta_scope", lang, scope=t("common.lithuania", lang), language=language
        )
    else:
        name = label("municipalities", municipality, lang, column="name")
        meta = t_html("common.meta", lang, municipality=name, language=language)
    title = t_html(TITLE_KEYS[report], lang)
    parts = [
        STYLE,
        f'<div class="tsp-title"><h1>{title}</h1><div class="tsp-meta">{meta}</div></div>',
    ]
    if synthetic:
        parts.append(
            f'<div class="tsp-synthetic" role="note" data-synthetic="true">'
            f"<strong>{t_html('common.synthetic_title', lang)}</strong> "
            f"{t_html('common.synthetic_banner', lang)}</div>"
        )
    return join(parts)


#: Environment variable the batch runner sets in every report kernel (``runner.kernels``):
#: a report built in batch keeps library warnings out of its HTML.
BATCH_ENV = "TSP_BATCH"


def quiet_warnings() -> None:
    """In a batch build, keep Python warnings out of the rendered report; elsewhere do nothing.

    A warning would appear in the HTML as raw English text from deep inside a library. What a
    reader needs from them is reported in words instead (e.g. the weighting table says whether
    raking converged). In a batch build (the runner sets :data:`BATCH_ENV` in the kernel) the
    warnings go to the ``py.warnings`` logger, which has a no-op handler. Someone running the
    notebook in JupyterLab sees every warning, as Python shows it.

    Returns nothing: a notebook's setup cell ends with this call, and a returned value would be
    shown in the report.
    """
    import logging
    import os

    if not os.environ.get(BATCH_ENV):
        return
    logging.captureWarnings(True)
    logger = logging.getLogger("py.warnings")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
