"""HTML blocks of the reports: cells, tables, suppression marks, banner, embedded figures."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from tsp_analysis.report import display as d


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


def _checked(frame: pd.DataFrame | None = None):
    from tsp_analysis.results.policy import DisclosurePolicy
    from tsp_analysis.results.table import Results, ResultTable

    res = Results("needs_analysis", "akmene")
    res.add(
        ResultTable.make(
            "need_unmet",
            _tidy() if frame is None else frame,
            caption={"lt": "Lentelė", "en": "Table"},
            kind="share",
            dims=["area", "measure"],
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)["need_unmet"]


def test_grid_pivots_a_checked_table_and_marks_hidden_cells():
    from tsp_analysis.report import checked

    html = checked.grid(
        _checked(),
        "en",
        rows="area",
        columns="measure",
        row_order=["health", "employment", "culture"],
        column_order=["need", "unmet"],
        row_labels={"health": "Health care"},
        column_labels={"need": "Need", "unmet": "Unmet"},
        show_n=True,
    )
    assert "42% (35–49%)<br>n = 57" in html
    # n = 8 < 10 though not flagged by the computation; n = 4 flagged: both hidden
    assert html.count('data-suppressed="true"') == 2
    assert 'data-reason="small_base"' in html
    assert "<td>–</td>" in html  # culture has no row at all: a dash, not a zero
    assert 'data-cell="needs_analysis-akmene/need_unmet/area=health|measure=need"' in html


def test_table_adds_the_suppression_footnote_only_when_needed():
    from tsp_analysis.report import checked

    html = checked.grid(_checked(), "lt", rows="area", columns="measure")
    assert 'mažiau nei <span data-safe="threshold">10</span> atsakymų' in html
    clean = checked.grid(_checked(_tidy().iloc[[0, 2]]), "lt", rows="area", columns="measure")
    assert "tsp-footnotes" not in clean
    assert 'href="../data/needs_analysis-akmene/need_unmet.csv"' in clean


@pytest.mark.parametrize("value", [42, 0.5, "42 %", "n = 57"])
def test_table_refuses_a_number_outside_a_checked_cell(value):
    frame = pd.DataFrame({"Share": [value]}, index=["Health care"])
    with pytest.raises(d.UnmarkedNumberError):
        d.table(frame, "en")


def test_a_digit_bearing_plain_string_passed_to_a_needs_renderer_raises():
    from tsp_analysis.report import needs

    tab = _checked()
    broken = tab.with_data(tab.data.assign(area="health 2"), checked=True)
    # a renderer that writes a code as a label marks its digits; a plain figure is refused
    with pytest.raises(d.UnmarkedNumberError):
        d.table(pd.DataFrame({"x": ["57 %"]}), "en", sources=[broken])
    html = d.table(pd.DataFrame({"x": [needs._label_cell("25–34")]}), "en")
    assert '<span data-safe="label">25</span>' in html


def test_table_id_is_set_on_the_table_element_only():
    frame = pd.DataFrame({"Name": ["x"]}, index=["a"])
    html = d.table(frame, "en", css="tsp-strategic", html_id="strategic-matrix")
    assert '<table class="tsp-table tsp-strategic" id="strategic-matrix">' in html
    assert html.count("id=") == 1
    assert " id=" not in d.table(frame, "en", css="tsp-strategic")


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


def test_figure_is_embedded_svg_and_deterministic():
    from matplotlib.figure import Figure

    def make():
        fig = Figure(figsize=(3, 2))
        fig.subplots().plot([1, 2, 3], [3, 1, 2])
        return d.figure(fig, "alt text")

    first, second = make(), make()
    assert first == second
    assert 'alt="alt text"' in first
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', first).group(1)
    svg = base64.b64decode(data).decode("utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    # text as text (a reader's zoom keeps it sharp), no timestamp
    assert "<text" in svg and "<dc:date>" not in svg


def test_a_label_with_an_apostrophe_keeps_its_character():
    html = d.label_html("Women's rights, 25–34")
    assert html.startswith("Women's rights") and "&#x" not in html
    assert html.count('data-safe="label"') == 2


def test_cells_table_takes_the_caption_and_data_link_of_its_checked_table():
    from tsp_analysis.report import checked

    tab = _checked()
    rec = tab.row(area="health", measure="need")
    labelled = checked.cells_table(
        {"Health care": {"Need": checked.cell(tab, rec, "en")}}, tab, "en", "common.municipality"
    )
    assert "<caption>Table</caption>" in labelled
    assert "<th>Municipality</th>" in labelled  # the header key, in the report language
    assert '<th scope="row">Health care</th>' in labelled
    assert 'href="../data/needs_analysis-akmene/need_unmet.csv"' in labelled
    unlabelled = checked.cells_table([{"Need": checked.cell(tab, rec, "en")}], tab, "lt")
    assert "<caption>Lentelė</caption>" in unlabelled and 'scope="row"' not in unlabelled
    with pytest.raises(ValueError, match="need_unmet.*header"):
        checked.cells_table([{"Need": "x"}], tab, "en", "common.municipality")
    with pytest.raises(ValueError, match="need_unmet.*header"):
        checked.cells_table({"a": {"Need": "x"}}, tab, "en")


def _service_index():
    from tsp_analysis.results.policy import DisclosurePolicy
    from tsp_analysis.results.table import Results, ResultTable

    frame = pd.DataFrame(
        {
            "municipality": ["akmene", "jonava", "kaunas"],
            "estimate": [61.24, np.nan, np.nan],
            "n": [120, 3, 150],
            "suppressed": [False, True, False],
            "status": ["ranked", "ranked", "not_enough_data"],
            "rank": [2.0, np.nan, np.nan],
            "rank_min": [1.0, np.nan, np.nan],
            "rank_max": [3.0, np.nan, np.nan],
            "rank_min_methods": [2.0, np.nan, np.nan],
            "rank_max_methods": [2.0, np.nan, np.nan],
            "rank_min_sampling": [np.nan, np.nan, np.nan],
            "rank_max_sampling": [4.0, np.nan, np.nan],
        }
    )
    res = Results("needs_analysis", "akmene")
    res.add(
        ResultTable.make(
            "service_index",
            frame,
            caption={"lt": "Indeksas", "en": "Index"},
            kind="score",
            dims=["municipality"],
            values=["status", *(c for c in frame if c.startswith("rank"))],
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)["service_index"]


def test_index_cells_show_the_index_its_rank_and_three_rank_ranges():
    from tsp_analysis.report import checked, needs

    tab = _service_index()
    shown = needs.index_cells(tab, tab.row(municipality="akmene"), "en")
    assert len(shown) == 5
    texts = [c.text if c.markup is None else str(c.markup) for c in shown.values()]
    assert texts[0] == "61.2" and texts[1] == "2"  # one decimal; rank whole
    assert ">1</span>–<span" in texts[2] and ">3</span>" in texts[2]
    assert ">2</span>–<span" in texts[3]
    assert texts[4] == "–"  # one end missing: a dash, not a half range
    hidden = needs.index_cells(tab, tab.row(municipality="jonava"), "en")
    assert all(c.suppressed for c in hidden.values())
    # Too few areas: the words in the first column, dashes after; one rule for every report.
    kaunas = tab.row(municipality="kaunas")
    assert needs.not_enough_data(kaunas)
    assert not needs.not_enough_data(tab.row(municipality="akmene"))
    assert not needs.not_enough_data(tab.row(municipality="jonava"))  # hidden, not "too few"
    apart = list(needs.index_cells(tab, kaunas, "en").values())
    assert (apart[0].text, apart[0].css) == ("not enough data", "tsp-not-enough")
    assert [c.text for c in apart[1:]] == ["–"] * 4
    assert [c.text for c in needs.index_cells(tab, None, "en").values()] == ["–"] * 5
    assert checked.range_cell(tab, {"rank_min": 1.0}, "en", low="rank_min", high="x").text == "–"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        (float("nan"), True),
        (np.float64("nan"), True),
        (pd.NA, True),
        (pd.NaT, True),
        (0, False),
        (0.0, False),
        ("", False),
        ("–", False),
        ([1, 2], False),
    ],
)
def test_missing_is_the_one_no_figure_test(value, expected):
    assert d.missing(value) is expected


def test_data_links_name_their_tables_only_when_there_are_several():
    tab = _service_index()
    one = str(d.data_links([tab], "en"))
    assert ">Data (CSV)</a>" in one and "Data (CSV):" not in one
    assert 'href="../data/needs_analysis-akmene/service_index.csv"' in one
    two = str(d.data_links([tab, tab], "en"))
    assert two.count(">Data (CSV): Index</a>") == 2
    assert ">All tables (Excel)</a>" in two
