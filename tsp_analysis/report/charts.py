"""Charts of the reports (seaborn on matplotlib's Agg canvas), embedded as SVG.

One style for every chart (:data:`RC`, applied by :func:`style`), so output is deterministic
and readable: translated labels, numbers in the report language's style. Figures are built with
:class:`matplotlib.figure.Figure`, not ``pyplot``, so a notebook's inline backend never shows a
figure twice and no global state leaks between charts.

**Legible on a phone.** Figures are :data:`WIDTH` inches wide with no text smaller than
:data:`MIN_FONT` points; the report embeds them as SVG with text kept as text
(``svg.fonttype = "none"``), shown at their natural width and shrunk to the screen. On a
390 px phone the report column is about :data:`PHONE_COLUMN_PX` px wide, so the smallest text
is drawn at ``MIN_FONT * PHONE_COLUMN_PX / (WIDTH * 72)`` ≈ 9 px (:func:`phone_font_px`).
Long titles are wrapped, never clipped.

**Colour-blind safe.** Scores use ``cividis`` (blue → yellow, readable by people who do not
tell red from green); categories use the Okabe–Ito colours of seaborn's ``colorblind``
palette; an ordered status (implemented / partly / not) also differs by hatching and is
labelled. Text on a coloured cell is black or white, whichever has the higher WCAG 2.x contrast
with the cell (:func:`text_colour`); either way at least 4.58:1 (:data:`MIN_CONTRAST` is 4.5).

Each ``*_figure`` function takes a tidy frame and returns a figure (the interval bars and the
heatmap return ``(figure, omitted)``: ``omitted`` lists the labels of estimates left out
because they are suppressed, so the caller can say so under the chart). The ``*`` functions
without the suffix return the embedded figure with that note as
:class:`~tsp_analysis.report.display.Html`. What a chart shows, in words, is written by
:func:`alt_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .display import Html, figure, is_suppressed
from .i18n import SUPPRESSED_MARK, fmt_list, fmt_number, fmt_percent, t

#: Smallest text in a chart, in points (tick labels, legends, cell annotations).
MIN_FONT = 11.5
#: Width of every chart in inches: at :data:`MIN_FONT` it keeps text about 9 px high in a
#: 390 px phone's report column.
WIDTH = 6.0
#: Width of the report column on a 390 px wide phone (CSS px; measured in headless Chromium).
PHONE_COLUMN_PX = 337
#: WCAG 2.x minimum contrast of normal text (success criterion 1.4.3).
MIN_CONTRAST = 4.5

#: The one place where chart style is set.
RC = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",  # ships with matplotlib; has every Lithuanian letter
    "font.size": MIN_FONT,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "axes.labelsize": MIN_FONT,
    "xtick.labelsize": MIN_FONT,
    "ytick.labelsize": MIN_FONT,
    "legend.fontsize": MIN_FONT,
    "legend.title_fontsize": MIN_FONT,
    "svg.hashsalt": "tsp-analysis",
    "svg.fonttype": "none",  # text stays text: sharp at any zoom, and much smaller
    "path.simplify": False,
}
PALETTE = "colorblind"
NAVY = "#1f4e79"
#: Sequential colour map of 0–100 scores (low = dark blue, high = yellow).
SCORE_CMAP = "cividis"
#: Okabe–Ito colours and hatching of an ordered status, best first (implemented, partly,
#: not implemented): blue, sky blue, orange; told apart by pattern as well as colour.
STATUS_COLOURS = ("#0072B2", "#56B4E9", "#E69F00")
STATUS_HATCHES = ("", "//", "xx")
#: Characters per line of a chart title (13 pt bold across :data:`WIDTH` inches).
TITLE_CHARS = 52
#: A hidden cell: light grey, hatched, with a dark brown mark (11:1 on the grey).
HIDDEN_FACE = "#eeeeee"
HIDDEN_TEXT = "#6b4a00"
#: Line markers, one per group of a line chart.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def phone_font_px(points: float = MIN_FONT, width: float = WIDTH) -> float:
    """Height in CSS px of ``points``-point text of a ``width``-inch chart shown across a
    390 px phone's report column (the SVG is scaled from ``width * 72`` pt to
    :data:`PHONE_COLUMN_PX` px)."""
    return points * PHONE_COLUMN_PX / (width * 72)


# -- contrast (WCAG 2.x) ------------------------------------------------------------------------
def relative_luminance(colour: object) -> float:
    """WCAG 2.x relative luminance of a colour (any matplotlib colour: "#777777", "white",
    an RGB tuple): 0 for black, 1 for white."""
    from matplotlib.colors import to_rgb

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: object, background: object) -> float:
    """WCAG 2.x contrast ratio (L1 + 0.05) / (L2 + 0.05) of two colours, from 1 to 21."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def text_colour(background: object) -> str:
    """Black or white, whichever contrasts more with ``background`` (at least 4.58:1 for any
    background: the worst case is a luminance of about 0.18, where both reach it)."""
    return (
        "black"
        if contrast_ratio("black", background) >= contrast_ratio("white", background)
        else "white"
    )


def wrap_title(title: str | None, width: int = TITLE_CHARS) -> str | None:
    """A title broken over lines so that it fits the figure's width (never clipped)."""
    return None if title is None else _wrap(title, width)


def set_title(fig: Figure, title: str) -> None:
    """The chart's title, at the figure's left edge (not the axes', which the category labels
    push right) and wrapped to the figure's width, so that it is never clipped."""
    chars = int(TITLE_CHARS * fig.get_figwidth() / WIDTH)
    fig.suptitle(wrap_title(title, chars), x=0.01, ha="left")


@contextmanager
def style():
    """Apply the report chart style for the duration of a ``with`` block."""
    with sns.axes_style("whitegrid"), mpl.rc_context(RC):
        yield


def new_figure(height: float, width: float = WIDTH) -> tuple[Figure, object]:
    """A figure with one axes (call inside :func:`style`)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _decimals(value: float) -> int:
    """Decimals needed to write a tick value exactly: 2 → 0, 0.5 → 1, 0.25 → 2."""
    for d in range(3):
        if abs(round(value, d) - value) < 1e-9:
            return d
    return 2


def _wrap(text: str, width: int) -> str:
    """Break a long tick label over lines so that neighbouring labels do not overlap."""
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def _in_order(given: Sequence[str] | None, values: Iterable[str]) -> list[str]:
    """The order a caller gave, or else the distinct ``values`` in order of first appearance."""
    return list(given) if given is not None else list(dict.fromkeys(values))


def _whole_numbers(lang: str) -> FuncFormatter:
    """Tick labels as whole numbers in the report language's style."""
    return FuncFormatter(lambda v, _p: fmt_number(v, lang, 0))


def _axis_formatter(kind: str, lang: str) -> FuncFormatter:
    if kind == "share":
        return FuncFormatter(lambda v, _pos: fmt_percent(v, lang))
    return FuncFormatter(lambda v, _pos: fmt_number(v, lang, 0 if float(v).is_integer() else 1))


def _keep(data: pd.DataFrame, min_base: int) -> pd.Series:
    return pd.Series(
        [
            not is_suppressed(s, n, min_base) and pd.notna(e)
            for s, n, e in zip(
                data.get("suppressed", pd.Series(False, index=data.index)),
                data["n"],
                data["estimate"],
                strict=True,
            )
        ],
        index=data.index,
        dtype=bool,
    )


def _omitted_note(omitted: Sequence[str], lang: str, min_base: int) -> list[str]:
    if not omitted:
        return []
    return [
        t(
            "charts.omitted",
            lang,
            items=fmt_list(list(omitted), lang),
            threshold=min_base,
            mark=SUPPRESSED_MARK,
        )
    ]


# -- bars with intervals ------------------------------------------------------------------------
def interval_bars_figure(
    data: pd.DataFrame,
    category: str,
    lang: str,
    min_base: int,
    kind: str = "share",
    hue: str | None = None,
    category_labels: dict[str, str] | None = None,
    hue_labels: dict[str, str] | None = None,
    order: Sequence[str] | None = None,
    hue_order: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> tuple[Figure, list[str]]:
    """Horizontal bars of estimates with their 95% intervals as error bars.

    ``data`` is tidy: ``category`` (and ``hue``) plus ``estimate``, ``ci_low``, ``ci_high``,
    ``n``, ``suppressed``. Suppressed estimates are not drawn; their labels are returned.
    """
    category_labels = category_labels or {}
    hue_labels = hue_labels or {}
    order = _in_order(order, data[category])
    keep = _keep(data, min_base)
    omitted = []
    for rec in data.loc[~keep].to_dict("records"):
        name = category_labels.get(rec[category], rec[category])
        if hue:
            name = f"{name} ({hue_labels.get(rec[hue], rec[hue])})"
        omitted.append(name)
    shown = data.loc[keep].copy()
    shown["_cat"] = shown[category].map(lambda c: _wrap(category_labels.get(c, c), 20))
    cat_order = [_wrap(category_labels.get(c, c), 20) for c in order]
    if hue:
        hue_order = _in_order(hue_order, data[hue])
        shown["_hue"] = shown[hue].map(lambda h: hue_labels.get(h, h))
        hue_names = [hue_labels.get(h, h) for h in hue_order]
    n_bars = len(order) * (len(hue_order) if hue else 1)
    with style():
        fig, ax = new_figure(height=max(2.4, 1.2 + 0.36 * n_bars))
        if shown.empty:
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                t("charts.nothing_to_show", lang),
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            return fig, omitted
        sns.barplot(
            data=shown,
            y="_cat",
            x="estimate",
            hue="_hue" if hue else None,
            order=cat_order,
            hue_order=hue_names if hue else None,
            orient="h",
            errorbar=None,
            ax=ax,
            palette=PALETTE if hue else None,
            color=None if hue else NAVY,
            saturation=0.85,
        )
        # Error bars from the precomputed intervals: match each drawn bar to its row by the
        # bar's position (category) and its container (hue level).
        containers = [c for c in ax.containers if isinstance(c, BarContainer)]
        groups = hue_names if hue else [None]
        for container, group in zip(containers, groups, strict=False):
            for patch in container:
                width = patch.get_width()
                if not np.isfinite(width):
                    continue
                centre = patch.get_y() + patch.get_height() / 2
                cat = cat_order[int(round(centre))]
                sel = shown["_cat"] == cat
                if hue:
                    sel &= shown["_hue"] == group
                row = shown.loc[sel]
                if row.empty:
                    continue
                lo, hi = float(row["ci_low"].iloc[0]), float(row["ci_high"].iloc[0])
                if np.isfinite(lo) and np.isfinite(hi):
                    ax.errorbar(
                        width,
                        centre,
                        xerr=[[width - lo], [hi - width]],
                        fmt="none",
                        ecolor="#222222",
                        elinewidth=1.2,
                        capsize=3,
                    )
        upper = 1.0 if kind == "share" else 100.0
        ax.set_xlim(0, upper)
        ax.xaxis.set_major_formatter(_axis_formatter(kind, lang))
        ax.set_ylabel("")
        ax.set_xlabel(xlabel or "")
        if title:
            set_title(fig, title)
        if hue:
            # Below the axes: inside them the legend would hide bars or whiskers.
            handles, names = ax.get_legend_handles_labels()
            if ax.get_legend() is not None:
                ax.get_legend().remove()  # seaborn's, inside the axes
            fig.legend(
                handles,
                names,
                title=None,
                loc="outside lower center",
                ncols=len(hue_order),
                frameon=False,
            )
    return fig, omitted


def interval_bars(
    data: pd.DataFrame, category: str, lang: str, min_base: int, alt: str, **kwargs
) -> Html:
    """:func:`interval_bars_figure`, embedded, with a note on omitted estimates and intervals."""
    fig, omitted = interval_bars_figure(data, category, lang, min_base, **kwargs)
    notes = [t("charts.interval_note", lang), *_omitted_note(omitted, lang, min_base)]
    return figure(fig, alt, notes)


# -- heatmap ------------------------------------------------------------------------------------
def heatmap_figure(
    data: pd.DataFrame,
    row: str,
    col: str,
    lang: str,
    min_base: int,
    row_labels: dict[str, str] | None = None,
    col_labels: dict[str, str] | None = None,
    row_order: Sequence[str] | None = None,
    col_order: Sequence[str] | None = None,
    title: str | None = None,
    vmin: float = 0,
    vmax: float = 100,
) -> tuple[Figure, list[str]]:
    """Heatmap of 0–100 scores; suppressed cells are hatched grey and marked, not coloured."""
    row_labels = row_labels or {}
    col_labels = col_labels or {}
    row_order = _in_order(row_order, data[row])
    col_order = _in_order(col_order, data[col])
    keep = _keep(data, min_base)
    values = pd.DataFrame(np.nan, index=row_order, columns=col_order)
    suppressed = pd.DataFrame(False, index=row_order, columns=col_order)
    omitted = []
    for rec, ok in zip(data.to_dict("records"), keep, strict=True):
        r, c = rec[row], rec[col]
        if r not in values.index or c not in values.columns:
            continue
        if ok:
            values.loc[r, c] = float(rec["estimate"])
        else:
            suppressed.loc[r, c] = True
            omitted.append(f"{row_labels.get(r, r)} / {col_labels.get(c, c)}")
    cmap = mpl.colormaps[SCORE_CMAP]
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    with style():
        # narrower than the others by what the slanted column labels stick out on the right,
        # so that the image is as wide as the other charts and its text as large
        fig, ax = new_figure(height=0.5 * len(row_order) + 2.6, width=WIDTH - 0.9)
        sns.heatmap(
            values,
            mask=values.isna(),
            annot=False,
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            linewidths=1,
            linecolor="white",
            ax=ax,
            # A horizontal colour bar below leaves the width to the five criterion columns.
            cbar_kws={
                "label": t("charts.score_axis", lang),
                "orientation": "horizontal",
                "shrink": 0.8,
                "pad": 0.04,
                "aspect": 30,
            },
        )
        for i, r in enumerate(row_order):
            for j, c in enumerate(col_order):
                value = values.loc[r, c]
                if suppressed.loc[r, c] or np.isnan(value):
                    ax.add_patch(
                        Rectangle(
                            (j, i),
                            1,
                            1,
                            facecolor=HIDDEN_FACE,
                            edgecolor="#9a9a9a",
                            hatch="///",
                            linewidth=0,
                        )
                    )
                    mark = SUPPRESSED_MARK if suppressed.loc[r, c] else "–"
                    # on a white box: the hatching must not cross the mark
                    ax.text(
                        j + 0.5,
                        i + 0.5,
                        mark,
                        ha="center",
                        va="center",
                        fontsize=MIN_FONT + 0.5,
                        color=HIDDEN_TEXT,
                        fontweight="bold",
                        bbox={
                            "boxstyle": "round,pad=0.15",
                            "facecolor": HIDDEN_FACE,
                            "edgecolor": "none",
                        },
                    )
                else:
                    # Black or white by the cell's luminance: at least 4.5:1 (WCAG).
                    face = cmap(norm(value))
                    ax.text(
                        j + 0.5,
                        i + 0.5,
                        fmt_number(value, lang, 0),
                        ha="center",
                        va="center",
                        fontsize=MIN_FONT + 0.5,
                        color=text_colour(face),
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": face, "edgecolor": "none"},
                    )
        ax.set_yticks(
            np.arange(len(row_order)) + 0.5,
            [_wrap(row_labels.get(r, r), 16) for r in row_order],
            rotation=0,
        )
        ax.set_xticks(
            np.arange(len(col_order)) + 0.5,
            [col_labels.get(c, c) for c in col_order],
            rotation=35,
            ha="left",
            rotation_mode="anchor",
        )
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=False, bottom=False)
        ax.set_xlabel("")
        ax.set_ylabel("")
        if title:
            set_title(fig, title)
    return fig, omitted


def annotated_cells(fig: Figure) -> list[tuple[str, tuple[float, ...], str]]:
    """Every number or mark written on a coloured cell or bar of a chart, as
    ``(text, cell colour RGBA, text colour hex)``.

    Such text is drawn on a box of its cell's own colour (invisible on a plain cell, and it keeps
    hatching off the digits), so the colour behind the text is the box's: what the contrast test
    checks.
    """
    out = []
    for ax in fig.axes:
        for text in ax.texts:
            box = text.get_bbox_patch()
            if box is None or not text.get_text().strip():
                continue
            out.append(
                (
                    text.get_text(),
                    tuple(mpl.colors.to_rgba(box.get_facecolor())),
                    mpl.colors.to_hex(text.get_color()),
                )
            )
    return out


def heatmap(
    data: pd.DataFrame, row: str, col: str, lang: str, min_base: int, alt: str, **kwargs
) -> Html:
    """:func:`heatmap_figure`, embedded, with a note explaining hatched cells."""
    fig, omitted = heatmap_figure(data, row, col, lang, min_base, **kwargs)
    notes = (
        [t("charts.heatmap_note", lang, mark=SUPPRESSED_MARK, threshold=min_base)]
        if omitted
        else []
    )
    return figure(fig, alt, notes)


# -- odds ratios --------------------------------------------------------------------------------
def forest_figure(
    data: pd.DataFrame,
    lang: str,
    term_labels: dict[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """Odds ratios with 95% intervals on a log axis; the line at 1 means "no effect"."""
    term_labels = term_labels or {}
    frame = data.reset_index(drop=True)
    names = [term_labels.get(x, x) for x in frame["term"]]
    with style():
        fig, ax = new_figure(height=0.45 * len(frame) + 1.4)
        y = np.arange(len(frame))[::-1]
        ax.errorbar(
            frame["odds_ratio"],
            y,
            xerr=[frame["odds_ratio"] - frame["ci_low"], frame["ci_high"] - frame["odds_ratio"]],
            fmt="o",
            color=NAVY,
            ecolor="#444444",
            capsize=3,
            markersize=6,
        )
        ax.axvline(1.0, color="#b3261e", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_yticks(y, [_wrap(n, 24) for n in names])
        low = float(np.nanmin(frame["ci_low"])) if len(frame) else 0.5
        high = float(np.nanmax(frame["ci_high"])) if len(frame) else 2.0
        ticks = [
            v
            for v in (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
            if low / 1.5 <= v <= high * 1.5
        ]
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, _decimals(v))))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
        ax.set_xlabel(t("charts.odds_ratio_axis", lang))
        if title:
            set_title(fig, title)
    return fig


# -- lines over time ----------------------------------------------------------------------------
def lines_figure(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str,
    lang: str,
    kind: str = "count",
    hue_labels: dict[str, str] | None = None,
    hue_order: Sequence[str] | None = None,
    highlight: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    drawstyle: str = "default",
    reference: str | None = None,
) -> Figure:
    """One line per ``hue`` group (municipality) over ``x``; ``highlight`` drawn thicker and
    ``reference`` (e.g. the whole country) as a black dashed line."""
    from matplotlib.colors import to_hex
    from matplotlib.lines import Line2D

    hue_labels = hue_labels or {}
    frame = data.copy()
    hue_order = _in_order(hue_order, frame[hue])
    frame["_hue"] = frame[hue].map(lambda h: hue_labels.get(h, h))
    names = [hue_labels.get(h, h) for h in hue_order]
    colours = dict(zip(names, sns.color_palette(PALETTE, len(names)), strict=True))
    if reference in hue_order:
        colours[hue_labels.get(reference, reference)] = (0.0, 0.0, 0.0)
    styles = {}
    for i, (code, name) in enumerate(zip(hue_order, names, strict=True)):
        # a marker of its own per group: lines differ by shape, not by colour alone
        styles[name] = {
            "linewidth": 3.4 if code == highlight else 1.6,
            "linestyle": "--" if code == reference else "-",
            "marker": MARKERS[i % len(MARKERS)],
        }
    with style():
        fig, ax = new_figure(height=5.0)
        sns.lineplot(
            data=frame,
            x=x,
            y=y,
            hue="_hue",
            hue_order=names,
            palette=colours,
            marker="o",
            ax=ax,
            errorbar=None,
            drawstyle=drawstyle,
            legend=False,
        )
        # Lines are matched to their group by colour (each group has its own).
        by_colour = {to_hex(c): n for n, c in colours.items()}
        for line in ax.get_lines():
            name = by_colour.get(to_hex(line.get_color()))
            if name is not None:
                line.set_linewidth(styles[name]["linewidth"])
                line.set_linestyle(styles[name]["linestyle"])
                line.set_marker(styles[name]["marker"])
        handles = [
            Line2D([], [], color=colours[n], **styles[n]) for n in names if n in set(frame["_hue"])
        ]
        shown = [n for n in names if n in set(frame["_hue"])]
        if kind == "share":
            ax.yaxis.set_major_formatter(_axis_formatter("share", lang))
        else:
            ax.yaxis.set_major_formatter(_whole_numbers(lang))
        if np.issubdtype(frame[x].dtype, np.integer):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{int(v)}"))
        ax.set_xlabel(xlabel or "")
        ax.set_ylabel(ylabel or "")
        ax.set_ylim(bottom=0)
        # below the plot: beside it, the names would take half of a phone's width
        fig.legend(handles, shown, title=None, loc="outside lower center", ncols=2, frameon=False)
        if title:
            set_title(fig, title)
    return fig


# -- ranges of ranks ----------------------------------------------------------------------------
def rank_range_figure(
    data: pd.DataFrame,
    item: str,
    lang: str,
    item_labels: dict[str, str] | None = None,
    title: str | None = None,
    low: str = "rank_min",
    high: str = "rank_max",
    centre: str = "rank",
    centre_label: str | None = None,
) -> Figure:
    """Each item's rank range (min–max over the sensitivity scenarios) and its base-case rank;
    rank 1 at the top, a short bar is a stable rank."""
    item_labels = item_labels or {}
    frame = data.sort_values(centre, kind="stable").reset_index(drop=True)
    names = [item_labels.get(i, i) for i in frame[item]]
    with style():
        fig, ax = new_figure(height=0.42 * len(frame) + 1.9)
        y = np.arange(len(frame))
        ax.hlines(y, frame[low], frame[high], color="#9bb7d4", linewidth=8)
        ax.plot(
            frame[centre],
            y,
            "o",
            color=NAVY,
            markersize=8,
            label=centre_label or t("charts.base_rank", lang),
        )
        ax.set_yticks(y, [_wrap(n, 18) for n in names])
        top = int(max(frame[high].max(), len(frame)))
        ax.set_xticks(range(1, top + 1))
        ax.set_xlim(0.5, top + 0.5)
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.set_xlabel(t("charts.rank_axis", lang))
        # below the axis label, whatever the number of items (with two, an anchor inside the
        # axes put it on top of the label)
        fig.legend(loc="outside lower center", frameon=False)
        if title:
            set_title(fig, title)
    return fig


# -- paired points (need vs capacity) -----------------------------------------------------------
def dumbbell_figure(
    data: pd.DataFrame,
    item: str,
    left: str,
    right: str,
    lang: str,
    left_label: str,
    right_label: str,
    item_labels: dict[str, str] | None = None,
    order: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    upper: float = 100,
) -> Figure:
    """Two values per item on one 0–``upper`` scale joined by a line: the length of the line is
    the gap. Missing values (suppressed) are simply not drawn."""
    item_labels = item_labels or {}
    order = _in_order(order, data[item])
    frame = data.set_index(item).reindex(order)
    colours = sns.color_palette(PALETTE, 2)
    with style():
        fig, ax = new_figure(height=0.45 * len(order) + 1.6)
        y = np.arange(len(order))
        a = frame[left].astype(float).to_numpy()
        b = frame[right].astype(float).to_numpy()
        both = np.isfinite(a) & np.isfinite(b)
        ax.hlines(
            y[both],
            np.minimum(a, b)[both],
            np.maximum(a, b)[both],
            color="#bbbbbb",
            linewidth=3,
            zorder=1,
        )
        ax.scatter(a, y, s=70, color=colours[0], label=left_label, zorder=2)
        ax.scatter(b, y, s=70, color=colours[1], marker="D", label=right_label, zorder=2)
        ax.set_yticks(y, [_wrap(item_labels.get(i, i), 18) for i in order])
        ax.invert_yaxis()
        ax.set_xlim(0, upper)
        ax.xaxis.set_major_formatter(_whole_numbers(lang))
        ax.set_xlabel(xlabel or "")
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
        if title:
            set_title(fig, title)
    return fig


def two_scales_figure(
    data: pd.DataFrame,
    item: str,
    left: str,
    right: str,
    lang: str,
    left_label: str,
    right_label: str,
    item_labels: dict[str, str] | None = None,
    order: Sequence[str] | None = None,
    title: str | None = None,
    left_upper: float = 100,
    right_upper: float = 100,
) -> Figure:
    """Two measures on different scales per item, in two panels side by side sharing the items
    (need in per cent on the left, a 0–100 rating on the right): each on its own axis, so
    nothing invites reading their difference. Missing values (suppressed) are not drawn."""
    item_labels = item_labels or {}
    order = _in_order(order, data[item])
    frame = data.set_index(item).reindex(order)
    colours = sns.color_palette(PALETTE, 2)
    with style():
        fig = Figure(figsize=(WIDTH, 0.42 * len(order) + 1.8), layout="constrained")
        axes = fig.subplots(1, 2, sharey=True)
        y = np.arange(len(order))
        for ax, col, label, upper, colour in (
            (axes[0], left, left_label, left_upper, colours[0]),
            (axes[1], right, right_label, right_upper, colours[1]),
        ):
            values = frame[col].astype(float).to_numpy()
            ok = np.isfinite(values)
            ax.barh(y[ok], values[ok], color=colour, height=0.6)
            ax.set_xlim(0, upper)
            ax.xaxis.set_major_formatter(_whole_numbers(lang))
            ax.set_xlabel(_wrap(label, 24))
        axes[0].set_yticks(y, [_wrap(item_labels.get(i, i), 16) for i in order])
        axes[0].invert_yaxis()
        if title:
            set_title(fig, title)
    return fig


# -- stacked shares -----------------------------------------------------------------------------
def stacked_bars_figure(
    data: pd.DataFrame,
    category: str,
    part: str,
    value: str,
    lang: str,
    part_order: Sequence[str],
    part_labels: dict[str, str],
    category_labels: dict[str, str] | None = None,
    order: Sequence[str] | None = None,
    colours: Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    hatches: Sequence[str] | None = None,
) -> Figure:
    """Horizontal 100% stacked bars of counts (``value``) per ``category`` split by ``part``;
    ``hatches`` (one per part) tell parts apart without colour (an ordered status). Shares of
    at least 12 % are written on their part."""
    category_labels = category_labels or {}
    order = _in_order(order, data[category])
    wide = (
        data.pivot_table(index=category, columns=part, values=value, aggfunc="sum")
        .reindex(index=order, columns=list(part_order))
        .fillna(0)
    )
    totals = wide.sum(axis=1).replace(0, np.nan)
    shares = wide.div(totals, axis=0).fillna(0)
    colours = list(colours) if colours else sns.color_palette(PALETTE, len(part_order))
    with style():
        names = [_wrap(category_labels.get(c, c), 22) for c in order]
        # room for a label of two or three lines on every bar: labels must not overlap
        lines = max((n.count("\n") + 1 for n in names), default=1)
        fig, ax = new_figure(height=(0.3 + 0.19 * lines) * len(order) + 1.8)
        left = np.zeros(len(order))
        y = np.arange(len(order))
        hatches = list(hatches) if hatches else [""] * len(part_order)
        for p, colour, hatch in zip(part_order, colours, hatches, strict=False):
            widths = shares[p].to_numpy()
            ax.barh(
                y,
                widths,
                left=left,
                color=colour,
                label=part_labels.get(p, p),
                edgecolor="white",
                hatch=hatch or None,
                height=0.7,
            )
            for yi, (w, l0) in enumerate(zip(widths, left, strict=True)):
                if w >= 0.12:
                    # on a box of the part's colour: the hatching stays off the digits, and
                    # the text is black or white for at least 4.5:1 (WCAG)
                    ax.text(
                        l0 + w / 2,
                        yi,
                        fmt_percent(w, lang),
                        ha="center",
                        va="center",
                        fontsize=MIN_FONT,
                        color=text_colour(colour),
                        bbox={
                            "boxstyle": "square,pad=0.15",
                            "facecolor": colour,
                            "edgecolor": "none",
                        },
                    )
            left = left + widths
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(_axis_formatter("share", lang))
        ax.set_xlabel(xlabel or "")
        fig.legend(loc="outside lower center", ncols=min(3, len(part_order)), frameon=False)
        if title:
            set_title(fig, title)
    return fig


# -- text alternatives --------------------------------------------------------------------------
#: Kinds of chart named in a text alternative (``charts.alt.<kind>`` in report_text.csv).
_DIGIT = re.compile(r"[0-9]")
ALT_KINDS = (
    "bars",
    "bars_interval",
    "dots_interval",
    "heatmap",
    "lines",
    "stacked",
    "ranges",
    "forest",
    "panels",
)


def alt_order(values: Mapping[str, float], lang: str, scope: str) -> str | None:
    """ "{scope}: highest X; lowest Y." from published figures (label → value), or ``None``
    when fewer than two differ.

    Words only: the figures themselves are in the data table. An ``alt`` attribute cannot mark
    a digit as a checked cell or a label, so the privacy scan accepts there only years and the
    digits of report-text templates; when the highest or lowest item's label holds a digit
    (an age group "55–64"), the sentence is left out. ``scope`` must be report text or a year.
    """
    shown = {k: float(v) for k, v in values.items() if v is not None and np.isfinite(float(v))}
    if len(shown) < 2 or len(set(shown.values())) < 2:
        return None
    ranked = sorted(shown, key=lambda k: shown[k])
    if any(_DIGIT.search(str(x)) for x in (ranked[-1], ranked[0])):
        return None
    return t("charts.alt.order", lang, scope=scope, highest=ranked[-1], lowest=ranked[0])


def alt_text(
    kind: str,
    what: str,
    lang: str,
    *,
    orders: Sequence[str | None] = (),
    hidden: bool = False,
    table: str | None = None,
    below: str = "table",
) -> str:
    """The text alternative of a chart: what kind of chart, what it shows, which items are
    highest and lowest (``orders``, from :func:`alt_order`), whether withheld figures are left
    out, and where the figures are — the table ``table`` of the report, or (``below`` =
    ``"table"``) a table under the chart, or (``"file"``) only the data file."""
    if kind not in ALT_KINDS:
        raise ValueError(f"kind must be one of {ALT_KINDS}, not {kind!r}")
    what = what.strip()
    if not what.endswith((".", "?", "!")):
        what += "."
    parts = [t("charts.alt.sentence", lang, chart=t(f"charts.alt.{kind}", lang), what=what)]
    parts += [o for o in orders if o]
    if hidden:
        parts.append(t("charts.alt.hidden", lang, mark=SUPPRESSED_MARK))
    if table:
        parts.append(t("charts.alt.table", lang, table=table))
    else:
        parts.append(t("charts.alt.data" if below == "table" else "charts.alt.data_file", lang))
    return " ".join(parts)
