"""Charts: suppressed estimates are left out (never drawn as zero), intervals are drawn where
the estimates say, labels are translated."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from tsp_analysis.report import charts


def _needs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["health", "health", "education", "education", "culture", "culture"],
            "measure": ["need", "unmet", "need", "unmet", "need", "unmet"],
            "estimate": [0.40, 0.25, 0.30, np.nan, 0.10, 0.5],
            "ci_low": [0.30, 0.15, 0.22, np.nan, 0.05, 0.3],
            "ci_high": [0.50, 0.37, 0.39, np.nan, 0.18, 0.7],
            "n": [100, 40, 100, 6, 100, 9],
            "suppressed": [False, False, False, True, False, False],
        }
    )


def _bar_widths(ax) -> list[float]:
    bars = [p for c in ax.containers if isinstance(c, BarContainer) for p in c]
    return sorted(
        round(p.get_width(), 6) for p in bars if np.isfinite(p.get_width()) and p.get_width() > 0
    )


def test_interval_bars_leave_out_suppressed_and_small_bases():
    labels = {"health": "Sveikata", "education": "Švietimas", "culture": "Kultūra"}
    fig, omitted = charts.interval_bars_figure(
        _needs(),
        "area",
        "lt",
        min_base=10,
        hue="measure",
        category_labels=labels,
        hue_labels={"need": "Poreikis", "unmet": "Nepatenkintas"},
    )
    ax = fig.axes[0]
    # 4 bars drawn: the suppressed one (n=6) and the unflagged small one (n=9) are left out.
    assert _bar_widths(ax) == [0.1, 0.25, 0.3, 0.4]
    assert sorted(omitted) == ["Kultūra (Nepatenkintas)", "Švietimas (Nepatenkintas)"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sveikata", "Švietimas", "Kultūra"]


def test_interval_bars_draw_the_given_intervals():
    data = _needs()[_needs()["measure"] == "need"]
    fig, omitted = charts.interval_bars_figure(data, "area", "en", min_base=10)
    assert omitted == []
    ax = fig.axes[0]
    spans = []
    for coll in ax.collections:
        if isinstance(coll, LineCollection):
            for seg in coll.get_segments():
                (x0, y0), (x1, y1) = seg
                if y0 == y1:  # the horizontal whisker
                    spans.append((round(min(x0, x1), 6), round(max(x0, x1), 6)))
    assert sorted(spans) == [(0.05, 0.18), (0.22, 0.39), (0.3, 0.5)]


def test_interval_bar_axis_uses_the_language_style():
    data = _needs()[_needs()["measure"] == "need"]
    fig, _ = charts.interval_bars_figure(data, "area", "lt", min_base=10)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "20\u00a0%" in ticks


def test_heatmap_hatches_suppressed_cells_and_does_not_annotate_them():
    scores = pd.DataFrame(
        {
            "area": ["health", "health", "education", "education"],
            "criterion": ["coverage", "quality", "coverage", "quality"],
            "estimate": [61.0, 48.0, np.nan, 73.0],
            "n": [40, 40, 3, 12],
            "suppressed": [False, False, True, False],
        }
    )
    fig, omitted = charts.heatmap_figure(scores, "area", "criterion", "en", min_base=10)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_xy() == (0, 1)  # column coverage, row education
    texts = [t.get_text() for t in ax.texts]
    assert sorted(x for x in texts if x.isdigit()) == ["48", "61", "73"]
    assert "‡" in texts and omitted == ["education / coverage"]


def test_stacked_bars_sum_to_one_per_row():
    data = pd.DataFrame({"m": ["a", "a", "b"], "s": ["x", "y", "x"], "c": [1, 3, 2]})
    fig = charts.stacked_bars_figure(
        data, "m", "s", "c", "en", part_order=["x", "y"], part_labels={"x": "X", "y": "Y"}
    )
    ax = fig.axes[0]
    ends = {}
    for p in ax.patches:
        y = round(p.get_y() + p.get_height() / 2)
        ends[y] = max(ends.get(y, 0), p.get_x() + p.get_width())
    assert ends == {0: 1.0, 1: 1.0}


def test_forest_plot_marks_no_effect_line():
    table = pd.DataFrame(
        {
            "term": ["lt_level", "sex[male]"],
            "odds_ratio": [1.5, 0.8],
            "ci_low": [1.2, 0.5],
            "ci_high": [1.9, 1.3],
        }
    )
    fig = charts.forest_figure(table, "en", term_labels={"lt_level": "Lithuanian level"})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lithuanian level", "sex[male]"]


def test_needs_chart_draws_checked_rows_and_lists_the_hidden_ones():
    from tsp_analysis.report import needs
    from tsp_analysis.results.policy import DisclosurePolicy
    from tsp_analysis.results.table import Results, ResultTable

    rows = pd.DataFrame(
        {
            "area": ["health", "health", "culture", "culture"],
            "measure": ["need", "unmet", "need", "unmet"],
            "group": "unit",
            "estimate": [0.42, 0.3, 0.2, 0.9],
            "ci_low": [0.35, 0.2, 0.1, 0.6],
            "ci_high": [0.49, 0.41, 0.3, 0.99],
            "n": [57, 30, 40, 4],
        }
    )
    res = Results("needs_analysis", "akmene")
    res.add(
        ResultTable.make(
            "need_unmet",
            rows,
            caption={"lt": "L", "en": "T"},
            kind="share",
            dims=["area", "measure", "group"],
        )
    )
    res = DisclosurePolicy(min_count=5, min_base=10).publish_one(res)
    html = needs.needs_chart(res, "en")
    assert "<img" in html and 'data-table="need_unmet"' in html
    alt = re.search(r'alt="([^"]+)"', html).group(1)
    assert alt.startswith("Bar chart with 95% confidence intervals: Need and unmet need by")
    # in words, from the shown bars only (Culture's unmet need is hidden)
    assert "Needed services: highest Health care; lowest Culture services and" in alt
    assert "Need unmet:" not in alt  # one unmet need shown: no order to state
    assert "Withheld figures (‡) are not drawn." in alt
    assert "the table “Need for services and unmet need by area”" in alt
    text = re.sub(r"<[^>]+>", "", html)
    assert "Not shown in the chart (‡): Culture" in text and "(Need unmet)." in text
    assert "Health" not in text.split("Not shown")[1]
    assert "fewer than 10 answers" in text


# -- colour and contrast (issue 11, item 6) ------------------------------------------------------
def test_contrast_ratio_matches_published_wcag_values():
    # Values from the WCAG 2.x definition as checkers (WebAIM) report them.
    assert round(charts.contrast_ratio("white", "black"), 2) == 21.0
    assert round(charts.contrast_ratio("black", "white"), 2) == 21.0
    assert round(charts.contrast_ratio("#ffffff", "#777777"), 2) == 4.48
    assert round(charts.contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert round(charts.contrast_ratio("#0000ff", "#ffffff"), 2) == 8.59
    assert charts.contrast_ratio("#abcdef", "#abcdef") == 1.0
    assert charts.relative_luminance("black") == 0.0
    assert round(charts.relative_luminance("white"), 6) == 1.0


def test_text_colour_reaches_the_minimum_on_any_background():
    import matplotlib as mpl

    greys = [(v, v, v) for v in np.linspace(0, 1, 256)]
    scores = [mpl.colormaps[charts.SCORE_CMAP](v) for v in np.linspace(0, 1, 256)]
    for face in [*greys, *scores, *charts.STATUS_COLOURS]:
        ratio = charts.contrast_ratio(charts.text_colour(face), face)
        assert ratio >= charts.MIN_CONTRAST, (face, ratio)
    # the old choice (seaborn's white text below luminance 0.408) failed on mid colours
    assert charts.contrast_ratio("white", "#fdae61") < 4.5


def _scores_grid() -> pd.DataFrame:
    rows, cols = [f"a{i}" for i in range(11)], ["c0", "c1", "c2"]
    frame = pd.DataFrame([(r, c) for r in rows for c in cols], columns=["area", "criterion"])
    frame["estimate"] = np.linspace(0, 100, len(frame))
    frame["n"] = 40
    frame["suppressed"] = False
    frame.loc[4, ["suppressed", "estimate", "n"]] = [True, np.nan, 3]
    return frame


def test_heatmap_text_meets_four_and_a_half_to_one_on_every_cell():
    fig, _ = charts.heatmap_figure(_scores_grid(), "area", "criterion", "en", min_base=10)
    cells = charts.annotated_cells(fig)
    assert len(cells) == 33  # 32 scores and one hidden mark
    for text, face, colour in cells:
        assert charts.contrast_ratio(colour, face) >= 4.5, (text, face, colour)
    # The colour behind each number is the cell's colour in the drawn colour mesh, read
    # independently of the box the text sits on.
    ax = fig.axes[0]
    mesh = ax.collections[0]
    faces = mesh.to_rgba(np.ma.compressed(mesh.get_array()))
    boxes = {
        (
            round(t.get_position()[0] - 0.5),
            round(t.get_position()[1] - 0.5),
        ): t.get_bbox_patch().get_facecolor()
        for t in ax.texts
        if t.get_bbox_patch()
    }
    values = np.ma.getdata(mesh.get_array()).reshape(11, 3)
    mask = np.ma.getmaskarray(mesh.get_array()).reshape(11, 3)
    k = 0
    for i in range(11):
        for j in range(3):
            if mask[i, j]:
                continue
            assert np.allclose(faces[k][:3], boxes[(j, i)][:3], atol=1e-6), (i, j, values[i, j])
            k += 1


def test_heatmap_uses_a_colour_blind_safe_map_not_red_to_green():
    fig, _ = charts.heatmap_figure(_scores_grid(), "area", "criterion", "en", min_base=10)
    assert fig.axes[0].collections[0].cmap.name == charts.SCORE_CMAP == "cividis"


def test_status_bars_differ_by_hatching_and_their_labels_meet_the_contrast():
    data = pd.DataFrame(
        {
            "row": ["a"] * 3 + ["b"] * 3,
            "status": ["implemented", "partly", "not"] * 2,
            "count": [5, 3, 2, 1, 4, 5],
        }
    )
    fig = charts.stacked_bars_figure(
        data,
        "row",
        "status",
        "count",
        "en",
        part_order=["implemented", "partly", "not"],
        part_labels={"implemented": "Implemented", "partly": "Partly", "not": "Not"},
        colours=charts.STATUS_COLOURS,
        hatches=charts.STATUS_HATCHES,
    )
    ax = fig.axes[0]
    hatches = {p.get_hatch() for p in ax.patches if p.get_width() > 0}
    assert hatches == {None, "//", "xx"}
    legend = fig.legends[0]
    assert [h.get_hatch() for h in legend.legend_handles] == [None, "//", "xx"]
    cells = charts.annotated_cells(fig)
    # 10 % is too narrow a part to write on
    assert sorted(c[0] for c in cells) == ["20%", "30%", "40%", "50%", "50%"]
    for text, face, colour in cells:
        assert charts.contrast_ratio(colour, face) >= 4.5, (text, face, colour)


def test_html_level_cells_meet_the_contrast():
    from tsp_analysis.report.display import STYLE

    rules = re.findall(r"td\.(tsp-[a-z_-]+)\{([^}]*)\}", STYLE)
    coloured = {name: body for name, body in rules if "background" in body}
    assert {
        "tsp-level-included",
        "tsp-level-partly",
        "tsp-level-not_included",
        "tsp-suppressed",
    } <= set(coloured)
    for name, body in coloured.items():
        bg = re.search(r"background:(#[0-9a-f]{6})", body).group(1)
        fg = re.search(r"(?<![-\w])color:(#[0-9a-f]{6})", body).group(1)
        assert charts.contrast_ratio(fg, bg) >= 4.5, (name, fg, bg)


# -- phone legibility (issue 11, item 5) ----------------------------------------------------------
def _every_chart() -> dict:
    needs = _needs()
    lines = pd.DataFrame(
        {
            "m": ["vilnius"] * 3 + ["akmene"] * 3,
            "year": [2019, 2020, 2021] * 2,
            "v": [1.0, 1.2, 1.4, 0.3, 0.4, 0.5],
        }
    )
    forest = pd.DataFrame(
        {
            "term": ["lt_level", "sex[male]"],
            "odds_ratio": [1.5, 0.8],
            "ci_low": [1.2, 0.5],
            "ci_high": [1.9, 1.3],
        }
    )
    ranks = pd.DataFrame(
        {
            "area": ["health", "culture"],
            "rank": [1.0, 2.0],
            "rank_min": [1.0, 1.0],
            "rank_max": [2.0, 2.0],
        }
    )
    pair = pd.DataFrame({"area": ["health", "culture"], "a": [40.0, 20.0], "b": [55.0, 70.0]})
    long_title = "Paslaugų poreikis ir nepatenkintas poreikis pagal sritį, savivaldybę ir metus"
    return {
        "bars": charts.interval_bars_figure(
            needs, "area", "lt", 10, hue="measure", title=long_title
        )[0],
        "heatmap": charts.heatmap_figure(
            _scores_grid(), "area", "criterion", "lt", 10, title=long_title
        )[0],
        "forest": charts.forest_figure(forest, "lt", title=long_title),
        "lines": charts.lines_figure(lines, "year", "v", "m", "lt", title=long_title),
        "ranges": charts.rank_range_figure(ranks, "area", "lt", title=long_title),
        "dumbbell": charts.dumbbell_figure(
            pair, "area", "a", "b", "lt", "A", "B", title=long_title
        ),
        "panels": charts.two_scales_figure(
            pair, "area", "a", "b", "lt", "A", "B", title=long_title
        ),
        "stacked": charts.stacked_bars_figure(
            pd.DataFrame({"m": ["a", "a"], "s": ["x", "y"], "c": [1, 3]}),
            "m",
            "s",
            "c",
            "lt",
            part_order=["x", "y"],
            part_labels={"x": "X", "y": "Y"},
            title=long_title,
        ),
    }


def test_chart_text_stays_legible_on_a_390_px_phone():
    # The smallest text of a 6-inch chart shrunk to a phone's 337 px column: 11.5 pt x 337 /
    # (6 x 72 pt) = 9.0 px (before: 10.5 pt on 9 inches, 9.5 pt labels in bars: 4.9 px).
    assert round(charts.phone_font_px(), 1) == 9.0
    assert round(charts.phone_font_px(9.5, 9.0), 1) == 4.9
    for name, fig in _every_chart().items():
        assert fig.get_figwidth() <= charts.WIDTH, name
        texts = [
            t
            for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if t.get_text().strip() and t.get_visible()
        ]
        assert texts, name
        small = [
            (t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < charts.MIN_FONT
        ]
        assert not small, (name, small)


def test_embedded_charts_are_no_wider_than_the_phone_sizing_assumes():
    from tsp_analysis.report.display import svg_bytes

    for name, fig in _every_chart().items():
        svg = svg_bytes(fig).decode("utf-8")
        width = float(re.search(r'<svg[^>]* width="([0-9.]+)pt"', svg).group(1))
        # what is drawn, cropped, is at most 3 % wider than WIDTH: smallest text >= 8.7 px
        assert width <= charts.WIDTH * 72 * 1.03, (name, width)
        assert charts.MIN_FONT * charts.PHONE_COLUMN_PX / width >= 8.7, name


def test_titles_are_wrapped_to_the_figure_not_clipped():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for name, fig in _every_chart().items():
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        width = fig.bbox.width
        wanted = {a.get_title(loc) for a in fig.axes for loc in ("left", "center")}
        wanted |= {fig.get_suptitle()}
        shown = [t for t in fig.findobj(Text) if t.get_text() and t.get_text() in wanted]
        assert shown, name
        for title in shown:
            box = title.get_window_extent(renderer)
            assert box.x0 >= -1 and box.x1 <= width + 1, (name, title.get_text(), box)
            assert "\n" in title.get_text(), name  # the long title was wrapped


def test_figure_is_embedded_as_deterministic_svg_with_text_as_text():
    import base64

    from tsp_analysis.report.display import figure

    def embed() -> str:
        fig, _ = charts.heatmap_figure(_scores_grid(), "area", "criterion", "lt", 10)
        return figure(fig, "Alt")

    html = embed()
    assert html == embed()
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    svg = base64.b64decode(src).decode("utf-8")
    assert "<text" in svg and ">100</text>" in svg and "<metadata>" not in svg
    assert "Verdana" in svg and "sans-serif" in svg


# -- text alternatives (issue 11, item 7) ---------------------------------------------------------
def test_alt_order_names_the_highest_and_lowest_shown_item_in_words():
    assert charts.alt_order({"Health": 0.4, "Culture": 0.1, "Work": 0.7}, "en", "Need") == (
        "Need: highest Work; lowest Culture."
    )
    assert charts.alt_order({"Health": 0.4, "Culture": float("nan")}, "en", "Need") is None
    assert charts.alt_order({"A": 0.4, "B": 0.4}, "en", "Need") is None
    # a digit in an alt text cannot be marked as a label: such an order is left out
    assert charts.alt_order({"Age 18–24": 1.4, "Sex: male": 0.8}, "en", "Odds") is None


def test_alt_text_says_what_kind_of_chart_and_where_the_figures_are():
    text = charts.alt_text(
        "bars_interval",
        "Need by area",
        "lt",
        orders=["Poreikis: didžiausia reikšmė – A, mažiausia – B."],
        hidden=True,
        table="Poreikiai",
    )
    assert text.startswith(
        "Stulpelinė diagrama su 95 % pasikliautinaisiais intervalais: Need by area."
    )
    assert "‡" in text and "lentelėje „Poreikiai“" in text
    with pytest.raises(ValueError, match="kind must be one of"):
        charts.alt_text("pie", "x", "en")


def test_in_order_keeps_a_given_order_else_first_appearance():
    assert charts._in_order(None, ["b", "a", "b", "c"]) == ["b", "a", "c"]
    assert charts._in_order(("c", "a"), ["b", "a", "c"]) == ["c", "a"]  # given: kept as given
    assert charts._in_order([], ["a"]) == []  # an empty order is an order, not "none given"
