"""Charts of every built report, read as a reader without sight or with red–green colour
blindness would need them (issue 11, items 6 and 7): every chart has a text alternative in the
report's language that says more than its title, and a link to its data that exists; every
number written on a coloured cell of a chart, and every coloured table cell, reaches 4.5:1.

Reuses the session build of ``tests/test_notebooks.py`` (every report, both languages).
"""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest
from test_notebooks import build_output, build_reports, jobs

from tsp_analysis.report import charts
from tsp_analysis.report.i18n import t

pytestmark = pytest.mark.slow

FIGURE = re.compile(r'<figure class="tsp-figure">(.*?)</figure>', re.S)
IMG = re.compile(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"')
LINK = re.compile(r'<a class="tsp-data-link"[^>]* href="([^"]+)"')
# A text with the box it is drawn on (matplotlib writes the box first, in the text's group).
BOXED_TEXT = re.compile(
    r'<g id="text_\d+">\s*<g id="patch_\d+">\s*<path [^>]*style="fill: (#[0-9a-f]{6})[^"]*"/>'
    r'\s*</g>\s*<text style="([^"]*)"[^>]*>([^<]*)</text>',
    re.S,
)


@pytest.fixture(scope="session")
def rendered() -> dict:
    return build_reports()


def _figures(html: str) -> list[tuple[str, str, list[str]]]:
    """(alt text, SVG, data links) of every chart of a page."""
    out = []
    for body in FIGURE.findall(html):
        img = IMG.search(body)
        assert img, "a chart that is not an embedded SVG image"
        svg = base64.b64decode(img.group(2)).decode("utf-8")
        out.append((unescape(img.group(1)), svg, LINK.findall(body)))
    return out


def _title(svg: str) -> str:
    """The chart's title as drawn: its bold text in the title's size (wrapped lines joined)."""
    size = f"font-size: {charts.RC['axes.titlesize']}px"
    lines = re.findall(rf'<text style="{size}[^"]*font-weight: 700[^"]*"[^>]*>([^<]*)</text>', svg)
    return " ".join(unescape(x) for x in lines)


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_every_chart_has_a_text_alternative_and_a_data_link(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    lang = job[2]
    out, _ = build_output()
    figures = _figures(html)
    if job[0] in ("needs_analysis", "monitoring"):
        assert figures, "no chart"
    # every kind of chart named in this language, and the sentence that says where the
    # figures are
    kinds = [t(f"charts.alt.{k}", lang) for k in charts.ALT_KINDS]
    where = [
        t(k, lang, table="")[:25]
        for k in ("charts.alt.table", "charts.alt.data", "charts.alt.data_file")
    ]
    for alt, svg, links in figures:
        title = _title(svg)
        assert len(alt) > len(title) + 40, (alt, title)
        assert any(alt.startswith(k) for k in kinds), alt
        assert any(w in alt for w in where), alt
        assert links, f"no data link under the chart {alt[:60]!r}"
        for href in links:
            target = (out / "html" / href).resolve()
            assert target.exists(), href


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_text_on_coloured_chart_cells_meets_four_and_a_half_to_one(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    checked = 0
    for _alt, svg, _links in _figures(html):
        for box, style, text in BOXED_TEXT.findall(svg):
            fill = re.search(r"fill: (#[0-9a-f]{6})", style)
            colour = fill.group(1) if fill else "#000000"
            ratio = charts.contrast_ratio(colour, box)
            assert ratio >= charts.MIN_CONTRAST, (text, colour, box, round(ratio, 2))
            checked += 1
    if job[0] == "needs_analysis":
        assert checked, "the heatmap's cells were not found"


def test_coloured_table_cells_meet_four_and_a_half_to_one(rendered):
    html = next(r["html"] for r in rendered.values() if r["html"] and "tsp-level-" in r["html"])
    style = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    rules = re.findall(r"td\.(tsp-[a-z_-]+)\{([^}]*)\}", style)
    coloured = [(n, b) for n, b in rules if "background" in b]
    assert coloured
    for name, body in coloured:
        bg = re.search(r"background:(#[0-9a-f]{6})", body).group(1)
        fg = re.search(r"(?<![-\w])color:(#[0-9a-f]{6})", body).group(1)
        assert charts.contrast_ratio(fg, bg) >= charts.MIN_CONTRAST, (name, fg, bg)
