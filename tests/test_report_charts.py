"""Charts: suppressed estimates are left out (never drawn as zero), intervals are drawn where
the estimates say, labels are translated."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle

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
    return sorted(round(p.get_width(), 6) for p in bars
                  if np.isfinite(p.get_width()) and p.get_width() > 0)


def test_interval_bars_leave_out_suppressed_and_small_bases():
    labels = {"health": "Sveikata", "education": "Švietimas", "culture": "Kultūra"}
    fig, omitted = charts.interval_bars_figure(
        _needs(), "area", "lt", min_base=10, hue="measure", category_labels=labels,
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
    fig = charts.stacked_bars_figure(data, "m", "s", "c", "en", part_order=["x", "y"],
                                     part_labels={"x": "X", "y": "Y"})
    ax = fig.axes[0]
    ends = {}
    for p in ax.patches:
        y = round(p.get_y() + p.get_height() / 2)
        ends[y] = max(ends.get(y, 0), p.get_x() + p.get_width())
    assert ends == {0: 1.0, 1: 1.0}


def test_forest_plot_marks_no_effect_line():
    table = pd.DataFrame({"term": ["lt_level", "sex[male]"], "odds_ratio": [1.5, 0.8],
                          "ci_low": [1.2, 0.5], "ci_high": [1.9, 1.3]})
    fig = charts.forest_figure(table, "en", term_labels={"lt_level": "Lithuanian level"})
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.get_lines())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Lithuanian level", "sex[male]"]


def test_needs_chart_draws_checked_rows_and_lists_the_hidden_ones():
    from tsp_analysis.report import needs
    from tsp_analysis.results.policy import DisclosurePolicy
    from tsp_analysis.results.table import Results, ResultTable

    rows = pd.DataFrame({
        "area": ["health", "health", "culture", "culture"],
        "measure": ["need", "unmet", "need", "unmet"],
        "group": "unit",
        "estimate": [0.42, 0.3, 0.2, 0.9],
        "ci_low": [0.35, 0.2, 0.1, 0.6],
        "ci_high": [0.49, 0.41, 0.3, 0.99],
        "n": [57, 30, 40, 4],
    })
    res = Results("needs_analysis", "akmene")
    res.add(ResultTable.make("need_unmet", rows, caption={"lt": "L", "en": "T"}, kind="share",
                             dims=["area", "measure", "group"]))
    res = DisclosurePolicy(min_count=5, min_base=10).publish_one(res)
    html = needs.needs_chart(res, "en")
    assert "<img" in html and 'data-table="need_unmet"' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "Not shown in the chart (‡): Culture" in text and "(Need unmet)." in text
    assert "Health" not in text.split("Not shown")[1]
    assert "fewer than 10 answers" in text
