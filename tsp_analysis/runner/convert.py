"""Executed notebook → self-contained HTML report, in process.

nbconvert's ``lab`` cell markup in a page of our own (``templates/report.html.j2``) with a
small stylesheet of our own (``templates/report.css``: screen, phone and A4 print) instead
of JupyterLab's 265 KB: the code hidden (inputs and prompts), images embedded, a skip link,
an empty ``<nav class="tsp-pagenav">`` that :mod:`tsp_analysis.runner.links` fills with the
links to the index and the related reports once the build knows them, a ``<nav>`` table of
contents built from the report's ``h2``/``h3`` headings, wide tables marked for the phone
(a scroll hint) and for print (a landscape page), and no scripts (MathJax only when the
report has math).
The output depends only on the notebook's outputs, so two builds of the same report differ
only where the report itself prints the time (the provenance section's
``<span class="tsp-run-time">``).
"""

from __future__ import annotations

import copy
import html as html_lib
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from ..text import fold_label
from . import pagetext

#: Cells with one of these tags are never rendered (jupyter-book's convention, and the cell
#: papermill adds with the run's parameters).
REMOVE_TAGS = frozenset({"remove-cell", "remove_cell", "injected-parameters"})

#: The table of contents' title in each report language.
TOC_TITLE = {"lt": "Turinys", "en": "Contents"}

#: The page template and its stylesheet (package data: an installed wheel has them).
TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE_FILE = "report.html.j2"
STYLESHEET = TEMPLATE_DIR / "report.css"
#: A table with at least this many columns shows a "scroll sideways" hint on a phone.
SCROLL_HINT_COLUMNS = 5
#: A table with at least this many columns is printed on a landscape page.
WIDE_COLUMNS = 7

_local = threading.local()


def _exporter(lang: str):
    """An HTMLExporter for this thread (exporters keep per-conversion state)."""
    exporter = getattr(_local, "exporter", None)
    if exporter is None:
        import logging

        from jinja2 import FileSystemLoader
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name="lab",
            template_file=TEMPLATE_FILE,
            extra_loaders=[FileSystemLoader(str(TEMPLATE_DIR))],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        # nbconvert warns for every figure without alt text; the report's figures are
        # described by the text around them, so the warning is noise in a batch run.
        quiet = logging.getLogger("tsp_analysis.runner.convert")
        quiet.setLevel(logging.ERROR)
        exporter.log = quiet
        _local.exporter = exporter
    exporter.language_code = lang
    return exporter


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _has_math(nb) -> bool:
    math = re.compile(r"\$|\\\(|\\\[")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and math.search(_text(cell.source)):
            return True
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/latex" in data or math.search(_text(data.get("text/markdown", ""))):
                return True
    return False


def report_cells(nb):
    """A copy of ``nb`` holding only what a reader sees: markdown cells and code cells with
    outputs, without tagged-for-removal cells; cell ids made stable (``cell-<n>``) where the
    notebook has none."""
    out = copy.deepcopy(nb)
    kept = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS:
            continue
        if cell.cell_type == "code" and not cell.get("outputs"):
            continue  # nothing to show once the code is hidden (the parameters cells, imports)
        if cell.cell_type == "raw":
            continue
        kept.append(cell)
    for i, cell in enumerate(kept):
        if not cell.get("id"):
            cell["id"] = f"cell-{i}"
    out.cells = kept
    return out


_STYLER_ID = re.compile(r"\bT_([0-9a-f]{5})(?=[_\"'\s{,.:])")


def _stable_styler_ids(nb) -> None:
    """pandas' Styler names its table and CSS rules ``T_<random hex>`` unless given a uuid;
    rename them in order of appearance so the HTML does not change between builds."""
    mapping: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        uid = match.group(1)
        mapping.setdefault(uid, f"{len(mapping):05d}")
        return f"T_{mapping[uid]}"

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = data.get("text/html")
            if html is not None and "<style" in _text(html):
                data["text/html"] = _STYLER_ID.sub(rename, _text(html))


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold_label(text, keep_punctuation=True)).strip("-")
    return slug or "section"


def _title_from_h1(soup, main, place: str) -> None:
    """The page title is the report's first ``h1`` and the place it is about (nbconvert uses
    the notebook's name), so that a reader's open reports can be told apart."""
    h1, title = main.find("h1"), soup.find("title")
    if h1 is None or title is None:
        return
    anchor = h1.find("a", class_="anchor-link")
    text = "".join(s for s in h1.find_all(string=True) if anchor is None or s.parent is not anchor)
    text = " ".join(text.split())
    if text:
        title.string = f"{text} · {place}" if place else text


def add_toc(html: str, lang: str, place: str = "") -> str:
    """Insert a ``<nav class="tsp-toc">`` listing the ``h2``/``h3`` headings of the report.

    Headings keep the ids nbconvert gave them (derived from their text, so stable); a heading
    without one, or repeating another's, gets ``<slug>``/``<slug>-2``... The nav goes just
    before the cell that holds the first of those headings. A report without such headings
    gets no nav. The page's ``<title>`` becomes the text of the first ``h1`` and ``place``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    main = soup.find("main") or soup.body
    if main is None:
        return html
    _title_from_h1(soup, main, place)
    mark_tables(soup, lang)
    headings = main.find_all(["h2", "h3"])
    if not headings:
        return str(soup)
    taken = {tag["id"] for tag in soup.find_all(id=True) if tag not in headings}
    entries: list[tuple[int, str, str]] = []
    for heading in headings:
        anchor = heading.find("a", class_="anchor-link")
        label = "".join(
            s for s in heading.find_all(string=True) if anchor is None or s.parent is not anchor
        ).strip()
        base = heading.get("id") or _slug(label)
        unique, n = base, 1
        while unique in taken:
            n += 1
            unique = f"{base}-{n}"
        taken.add(unique)
        heading["id"] = unique
        if anchor is not None:
            anchor["href"] = f"#{unique}"
        entries.append((int(heading.name[1]), unique, label))

    parts = [
        f'<nav class="tsp-toc" aria-label="{TOC_TITLE.get(lang, TOC_TITLE["en"])}">',
        f'<p class="tsp-toc-title">{TOC_TITLE.get(lang, TOC_TITLE["en"])}</p>',
        "<ul>",
    ]
    open_sub = False
    for i, (level, ident, label) in enumerate(entries):
        item = f'<a href="#{ident}">{html_lib.escape(label)}</a>'
        if level == 3 and i > 0:
            if not open_sub:
                parts.append("<ul>")
                open_sub = True
            parts.append(f"<li>{item}</li>")
            continue
        if open_sub:
            parts.append("</ul>")
            open_sub = False
        if i > 0:
            parts.append("</li>")
        parts.append(f"<li>{item}")
    if open_sub:
        parts.append("</ul>")
    parts.append("</li></ul></nav>")
    nav = BeautifulSoup("".join(parts), features="html.parser")
    # Before the cell holding the first section heading: after the report's title and
    # banner, before its content.
    first = headings[0]
    while first.parent is not None and first.parent is not main:
        first = first.parent
    if first.parent is main:
        first.insert_before(nav)
    else:
        main.insert(0, nav)
    return str(soup)


def to_html(nb, lang: str, title: str, place: str = "") -> str:
    """Render an executed notebook as the report's HTML page.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (not modified).
    lang : {"lt", "en"}
        Report language: the page's ``lang`` attribute and the table of contents' title.
    title : str
        Page title when the report has no ``h1``.
    place : str
        The municipality (or country) the report is about, added to the page title.
    """
    shown = report_cells(nb)
    _stable_styler_ids(shown)
    exporter = _exporter(lang)
    resources = {
        "metadata": {"name": title},
        "tsp_math": _has_math(shown),
        "tsp_css": stylesheet(),
        "tsp_skip": pagetext.text("page.skip_link", lang),
        "tsp_pagenav": pagetext.text("page.nav_label", lang),
    }
    body, _ = exporter.from_notebook_node(shown, resources=resources)
    return add_toc(body, lang, place)


@cache
def stylesheet() -> str:
    """The page's CSS (``templates/report.css``)."""
    return STYLESHEET.read_text(encoding="utf-8")


def _columns(table) -> int:
    """Columns of a table: the cells of its widest row (colspans counted)."""
    widest = 0
    for tr in table.find_all("tr"):
        cells = tr.find_all(["th", "td"], recursive=False)
        widest = max(widest, sum(int(c.get("colspan", 1) or 1) for c in cells))
    return widest


def mark_tables(soup, lang: str) -> None:
    """Make every report table's wrapper keyboard-scrollable; a table of
    :data:`SCROLL_HINT_COLUMNS` or more columns gets a hint (shown on a phone only) that it
    scrolls sideways, one of :data:`WIDE_COLUMNS` or more is printed on a landscape page."""
    hint = pagetext.text("page.scroll_hint", lang)
    for wrap in soup.find_all("div", class_="tsp-table-wrap"):
        table = wrap.find("table")
        if table is None:
            continue
        wrap["tabindex"] = "0"
        columns = _columns(table)
        if columns >= WIDE_COLUMNS:
            wrap["class"] = [*wrap.get("class", []), "tsp-wide"]
        if columns >= SCROLL_HINT_COLUMNS:
            note = soup.new_tag("p", attrs={"class": "tsp-scroll-hint", "aria-hidden": "true"})
            note.string = hint
            wrap.insert_before(note)
