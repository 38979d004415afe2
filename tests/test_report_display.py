"""HTML blocks of the reports: cells, tables, suppression marks, banner, embedded figures."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from tsp_analysis.report import display as d
from tsp_analysis.report.i18n import NBSP, SUPPRESSED_MARK


def _tidy() -> pd.DataFrame:
    """Hand-built estimates: two areas × two measures, one suppressed, one small but unflagged."""
    return pd.DataFrame(
        {
            "area": ["health", "health", "employment", "employment"],
            "measure": ["need", "unmet", "need", "unmet"],
            "estimate": [0.42, 0.3, 0.55, np.nan],
            "ci_low": [0.35, 0.2, 0.47, np.nan],
            "ci_high": [0.49, 0.41, 0.63, np.nan],
            "n": [57, 8, 120, 4],
            "n_eff": [50.0, 7.0, 100.0, 4.0],
            "suppressed": [False, False, False, True],
        }
    )


def test_estimate_cell_shows_interval_and_base():
    cell = d.estimate_cell(0.42, 0.35, 0.49, 57, False, "share", "lt", min_base=10)
    assert cell.text == f"42{NBSP}% (35–49{NBSP}%)\nn = 57"
    assert 'data-n="57"' in cell.html() and 'data-kind="share"' in cell.html()


@pytest.mark.parametrize(
    ("estimate", "n", "flag"),
    [(0.3, 8, False), (np.nan, 4, True), (0.0, 3, True), (0.5, None, False), (np.nan, 50, False)],
)
def test_small_flagged_or_missing_estimates_show_the_mark_never_a_number(estimate, n, flag):
    cell = d.estimate_cell(estimate, 0.1, 0.6, n, flag, "share", "en", min_base=10)
    html = cell.html()
    assert cell.suppressed and cell.text == SUPPRESSED_MARK
    assert "data-n" not in html  # a base below the threshold is itself a small count
    assert 'data-suppressed="true"' in html
    assert not re.search(r">[^<]*\d[^<]*<", html)


def test_count_cell_suppresses_small_counts_but_shows_zero():
    assert d.count_cell(3, "en", min_count=5).suppressed
    assert d.count_cell(12, "en", min_count=5, suppressed=True).suppressed
    zero = d.count_cell(0, "en", min_count=5)
    assert not zero.suppressed and zero.text == "0"
    big = d.count_cell(79145, "lt", min_count=5)
    assert big.text == f"79{NBSP}145" and 'data-n="79145"' in big.html()


def test_estimates_wide_pivots_and_marks_suppressed_cells():
    wide = d.estimates_wide(
        _tidy(), "area", "measure", "share", "en", min_base=10,
        index_labels={"health": "Health care"}, column_labels={"need": "Need", "unmet": "Unmet"},
        index_order=["health", "employment", "culture"], column_order=["need", "unmet"],
    )
    assert list(wide.index) == ["Health care", "employment", "culture"]
    assert list(wide.columns) == ["Need", "Unmet"]
    assert wide.loc["Health care", "Need"].text == "42% (35–49%)\nn = 57"
    assert wide.loc["Health care", "Unmet"].suppressed  # n = 8 < 10 though not flagged
    assert wide.loc["employment", "Unmet"].suppressed
    assert wide.loc["culture", "Need"].text == "–"  # no estimate at all: a dash, not a zero


def test_table_adds_the_suppression_footnote_only_when_needed():
    wide = d.estimates_wide(_tidy(), "area", "measure", "share", "lt", min_base=10)
    html = d.table(wide, "lt", caption="Lentelė", min_base=10)
    assert html.count('data-suppressed="true"') == 2
    assert "mažiau nei 10 atsakymų" in html
    clean = _tidy().iloc[[0, 2]]
    html2 = d.table(d.estimates_wide(clean, "area", "measure", "share", "lt", 10), "lt",
                    min_base=10)
    assert "tsp-footnotes" not in html2


def test_table_escapes_labels():
    frame = pd.DataFrame({"<b>": ["<script>"]}, index=["a&b"])
    html = d.table(frame, "en")
    assert "<script>" not in html and "&lt;script&gt;" in html and "a&amp;b" in html


def test_banner_warns_about_synthetic_data_only_when_synthetic():
    on = d.banner("needs_analysis", "siauliai", "lt", synthetic=True)
    off = d.banner("needs_analysis", "siauliai", "lt", synthetic=False)
    assert 'data-synthetic="true"' in on and "Sintetiniai duomenys" in on
    assert "data-synthetic" not in off
    assert "Šiaulių miesto savivaldybė" in on
    assert "<h1>" in on and "poreikių analizė" in on
    assert "Synthetic data" in d.banner("monitoring", "all", "en", synthetic=True)


def test_section_has_a_stable_id_and_a_note():
    html = d.section("needs.context", "en")
    assert '<h2 id="needs-context">' in html
    assert 'class="tsp-note"' in html and "How to read this." in html


def test_figure_is_embedded_png_and_deterministic():
    from matplotlib.figure import Figure

    def make():
        fig = Figure(figsize=(3, 2))
        fig.subplots().plot([1, 2, 3], [3, 1, 2])
        return d.figure(fig, "alt text")

    first, second = make(), make()
    assert first == second
    data = re.search(r'src="data:image/png;base64,([^"]+)"', first).group(1)
    assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
