"""Disclosure scan of every rendered report (SPEC §5): no respondent id, no free-text answer,
no code, no figure on a base below the thresholds, no raw error or warning output.

The reports mark every estimate they show with its unweighted base (``data-n``) and kind
(``data-kind``); a suppressed figure carries ``data-suppressed="true"`` and shows only the mark.
The scan checks those markers; the unit tests of ``tsp_analysis.report`` check that the tables
and sentences put them on every figure.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest
from test_notebooks import ROOT, build_reports, jobs

from tsp_analysis.params import DEFAULTS
from tsp_analysis.report.i18n import SUPPRESSED_MARK

pytestmark = pytest.mark.slow

MIN_COUNT = DEFAULTS["min_count"]
MIN_BASE = DEFAULTS["min_base"]
DATA_URI = re.compile(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+")


@pytest.fixture(scope="session")
def rendered() -> dict:
    return build_reports()


def _column(dataset: str, column: str) -> set[str]:
    path = ROOT / "data/demo" / f"{dataset}.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {row[column].strip() for row in csv.DictReader(fh) if row.get(column, "").strip()}


class _Figures(HTMLParser):
    """Every element with ``data-kind``: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict | None] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        a = dict(attrs)
        entry = {"tag": tag, "attrs": a, "text": ""} if "data-kind" in a else None
        self.stack.append(entry)
        if entry is not None:
            self.found.append(entry)

    def handle_endtag(self, tag):
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for entry in self.stack:
            if entry is not None:
                entry["text"] += data


def _text(html: str) -> str:
    return DATA_URI.sub("", html)


@pytest.fixture(scope="session")
def identifiers() -> set[str]:
    ids = _column("tsp_survey", "resp_id") | _column("provider_survey", "resp_id")
    assert len(ids) > 500  # the scan looks for something real
    return ids


@pytest.fixture(scope="session")
def comments() -> set[str]:
    texts = {c for c in _column("tsp_survey", "comment") if len(c) >= 8}
    assert texts
    return texts


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_no_respondent_id_or_free_text(rendered, identifiers, comments, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    text = _text(html)
    leaked_ids = sorted(i for i in identifiers if i in text)
    assert not leaked_ids, leaked_ids[:5]
    leaked = sorted(c for c in comments if c in text)
    assert not leaked, leaked[:5]


def _body(html: str) -> str:
    """The visible document: the body without scripts, styles and embedded images."""
    body = html[html.index("<body"):]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S)
    return _text(body)


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_no_code_and_no_raw_output(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    body = _body(html)
    for css in ("jp-InputArea", "jp-CodeMirrorEditor", "jp-Editor", "highlight"):
        assert not re.search(r'class="[^"]*\b' + css, body), css  # an input cell or source code
    for token in ("display(", "import ", "Traceback", "Warning:", "<pre", "validate_params"):
        assert token not in body, token
    assert "application/vnd.jupyter.stderr" not in body


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_every_figure_respects_the_thresholds(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    parser = _Figures()
    parser.feed(_text(html))
    bad = []
    for fig in parser.found:
        a, shown = fig["attrs"], fig["text"].strip()
        if a.get("data-suppressed") == "true":
            if shown != SUPPRESSED_MARK or "data-n" in a:
                bad.append(("suppressed cell shows something", a, shown))
            continue
        if "data-n" not in a:
            bad.append(("figure without its base", a, shown))
            continue
        n = int(a["data-n"])
        if a["data-kind"] == "count":
            if 0 < n < MIN_COUNT:
                bad.append(("count below the threshold", a, shown))
        elif n < MIN_BASE:
            bad.append(("base below the threshold", a, shown))
    assert not bad, bad[:5]


def test_scan_finds_figures_in_every_needs_report(rendered):
    """Guards the scan itself: a report without markers would pass it vacuously."""
    for job in jobs():
        if job[0] != "needs_analysis" or rendered[job]["html"] is None:
            continue
        parser = _Figures()
        parser.feed(_text(rendered[job]["html"]))
        assert len(parser.found) > 100, job


@pytest.mark.parametrize("job", jobs(), ids=lambda j: "-".join(j))
def test_synthetic_data_are_flagged_and_run_time_appears_once(rendered, job):
    html = rendered[job]["html"]
    assert html is not None, rendered[job]["error"]
    assert 'data-synthetic="true"' in html
    assert html.count('class="tsp-run-time"') == 1
