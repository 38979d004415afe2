"""Charts of the reports (seaborn on matplotlib's Agg canvas), embedded as PNG.

One style for every chart (:data:`RC`, applied by :func:`style`), so output is deterministic
and readable: 11-point text, translated labels, numbers in the report language's style.
Figures are built with :class:`matplotlib.figure.Figure`, not ``pyplot``, so a notebook's
inline backend never shows a figure twice and no global state leaks between charts.

Each ``*_figure`` function takes a tidy frame and returns ``(figure, omitted)``: ``omitted``
lists the labels of estimates left out because they are suppressed (their base is below the
threshold), so the caller can say so under the chart. The ``*`` functions without the suffix
return the embedded figure with that note as :class:`~tsp_analysis.report.display.Html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from .display import Html, figure, is_suppressed
from .i18n import SUPPRESSED_MARK, fmt_list, fmt_number, fmt_percent, t

#: The one place where chart style is set.
RC = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",  # ships with matplotlib; has every Lithuanian letter
    "font.size": 11,
    "axes.titlesize": 12.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "xtick.labelsize": 10.5,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10.5,
    "svg.hashsalt": "tsp-analysis",
    "path.simplify": False,
}
PALETTE = "colorblind"
NAVY = "#1f4e79"
WIDTH = 9.0  # inches at 100 dpi: fits the report column


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
    order = list(order) if order is not None else list(dict.fromkeys(data[category]))
    keep = _keep(data, min_base)
    omitted = []
    for rec in data.loc[~keep].to_dict("records"):
        name = category_labels.get(rec[category], rec[category])
        if hue:
            name = f"{name} ({hue_labels.get(rec[hue], rec[hue])})"
        omitted.append(name)
    shown = data.loc[keep].copy()
    shown["_cat"] = shown[category].map(lambda c: category_labels.get(c, c))
    cat_order = [category_labels.get(c, c) for c in order]
    if hue:
        hue_order = list(hue_order) if hue_order is not None else list(dict.fromkeys(data[hue]))
        shown["_hue"] = shown[hue].map(lambda h: hue_labels.get(h, h))
        hue_names = [hue_labels.get(h, h) for h in hue_order]
    n_bars = len(order) * (len(hue_order) if hue else 1)
    with style():
        fig, ax = new_figure(height=max(2.2, 0.9 + 0.32 * n_bars))
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
            ax.set_title(title)
        if hue:
            # Below the axes: inside them the legend would hide bars or whiskers.
            ax.legend(title=None, loc="upper center", bbox_to_anchor=(0.5, -0.07),
                      ncols=len(hue_order), frameon=False)
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
    row_order = list(row_order) if row_order is not None else list(dict.fromkeys(data[row]))
    col_order = list(col_order) if col_order is not None else list(dict.fromkeys(data[col]))
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
    annot = values.map(lambda v: "" if np.isnan(v) else fmt_number(v, lang, 0))
    with style():
        fig, ax = new_figure(height=0.55 * len(row_order) + 1.6)
        sns.heatmap(
            values,
            mask=values.isna(),
            annot=annot.to_numpy(),
            fmt="",
            cmap="RdYlGn",
            vmin=vmin,
            vmax=vmax,
            linewidths=1,
            linecolor="white",
            ax=ax,
            # A horizontal colour bar below leaves the width to the five criterion columns.
            cbar_kws={"label": t("charts.score_axis", lang), "orientation": "horizontal",
                      "shrink": 0.6, "pad": 0.04, "aspect": 40},
            annot_kws={"fontsize": 10.5},
        )
        for i, r in enumerate(row_order):
            for j, c in enumerate(col_order):
                if suppressed.loc[r, c] or np.isnan(values.loc[r, c]):
                    ax.add_patch(
                        Rectangle(
                            (j, i),
                            1,
                            1,
                            facecolor="#eeeeee",
                            edgecolor="#9a9a9a",
                            hatch="///",
                            linewidth=0,
                        )
                    )
                    ax.text(
                        j + 0.5,
                        i + 0.5,
                        SUPPRESSED_MARK if suppressed.loc[r, c] else "–",
                        ha="center",
                        va="center",
                        fontsize=11,
                        color="#6b4a00",
                        fontweight="bold",
                    )
        ax.set_yticks(
            np.arange(len(row_order)) + 0.5, [row_labels.get(r, r) for r in row_order], rotation=0
        )
        ax.set_xticks(
            np.arange(len(col_order)) + 0.5,
            [_wrap(col_labels.get(c, c), 14) for c in col_order],
            rotation=0,
        )
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=False, bottom=False)
        ax.set_xlabel("")
        ax.set_ylabel("")
        if title:
            ax.set_title(title, pad=28)
    return fig, omitted


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
        ax.set_yticks(y, names)
        low = float(np.nanmin(frame["ci_low"])) if len(frame) else 0.5
        high = float(np.nanmax(frame["ci_high"])) if len(frame) else 2.0
        ticks = [v for v in (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
                 if low / 1.5 <= v <= high * 1.5]
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _p: fmt_number(v, lang, _decimals(v)))
        )
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _p: ""))
        ax.set_xlabel(t("charts.odds_ratio_axis", lang))
        if title:
            ax.set_title(title)
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
    hue_order = list(hue_order) if hue_order is not None else list(dict.fromkeys(frame[hue]))
    frame["_hue"] = frame[hue].map(lambda h: hue_labels.get(h, h))
    names = [hue_labels.get(h, h) for h in hue_order]
    colours = dict(zip(names, sns.color_palette(PALETTE, len(names)), strict=True))
    if reference in hue_order:
        colours[hue_labels.get(reference, reference)] = (0.0, 0.0, 0.0)
    styles = {}
    for code, name in zip(hue_order, names, strict=True):
        styles[name] = {"linewidth": 3.4 if code == highlight else 1.6,
                        "linestyle": "--" if code == reference else "-"}
    with style():
        fig, ax = new_figure(height=4.2)
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
        handles = [Line2D([], [], color=colours[n], marker="o", **styles[n]) for n in names
                   if n in set(frame["_hue"])]
        shown = [n for n in names if n in set(frame["_hue"])]
        if kind == "share":
            ax.yaxis.set_major_formatter(_axis_formatter("share", lang))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
        if np.issubdtype(frame[x].dtype, np.integer):
            ax.set_xticks(sorted(frame[x].unique()))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{int(v)}"))
        ax.set_xlabel(xlabel or "")
        ax.set_ylabel(ylabel or "")
        ax.set_ylim(bottom=0)
        ax.legend(handles, shown, title=None, loc="upper left", bbox_to_anchor=(1.01, 1),
                  frameon=False)
        if title:
            ax.set_title(title)
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
        ax.set_yticks(y, names)
        top = int(max(frame[high].max(), len(frame)))
        ax.set_xticks(range(1, top + 1))
        ax.set_xlim(0.5, top + 0.5)
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.set_xlabel(t("charts.rank_axis", lang))
        # below the axis label, whatever the number of items (with two, an anchor inside the
        # axes put it on top of the label)
        fig.legend(loc="outside lower center", frameon=False)
        if title:
            ax.set_title(title)
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
    order = list(order) if order is not None else list(dict.fromkeys(data[item]))
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
        ax.set_yticks(y, [item_labels.get(i, i) for i in order])
        ax.invert_yaxis()
        ax.set_xlim(0, upper)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
        ax.set_xlabel(xlabel or "")
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(0, -0.12 if not xlabel else -0.2),
            ncols=2,
            frameon=False,
        )
        if title:
            ax.set_title(title)
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
    order = list(order) if order is not None else list(dict.fromkeys(data[item]))
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
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt_number(v, lang, 0)))
            ax.set_xlabel(_wrap(label, 40))
        axes[0].set_yticks(y, [item_labels.get(i, i) for i in order])
        axes[0].invert_yaxis()
        if title:
            fig.suptitle(title)
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
) -> Figure:
    """Horizontal 100% stacked bars of counts (``value``) per ``category`` split by ``part``."""
    category_labels = category_labels or {}
    order = list(order) if order is not None else list(dict.fromkeys(data[category]))
    wide = (
        data.pivot_table(index=category, columns=part, values=value, aggfunc="sum")
        .reindex(index=order, columns=list(part_order))
        .fillna(0)
    )
    totals = wide.sum(axis=1).replace(0, np.nan)
    shares = wide.div(totals, axis=0).fillna(0)
    colours = list(colours) if colours else sns.color_palette(PALETTE, len(part_order))
    with style():
        fig, ax = new_figure(height=0.45 * len(order) + 1.8)
        left = np.zeros(len(order))
        y = np.arange(len(order))
        for p, colour in zip(part_order, colours, strict=False):
            widths = shares[p].to_numpy()
            ax.barh(
                y, widths, left=left, color=colour, label=part_labels.get(p, p), edgecolor="white"
            )
            for yi, (w, l0) in enumerate(zip(widths, left, strict=True)):
                if w >= 0.08:
                    ax.text(
                        l0 + w / 2,
                        yi,
                        fmt_percent(w, lang),
                        ha="center",
                        va="center",
                        fontsize=9.5,
                        color="black",
                    )
            left = left + widths
        ax.set_yticks(y, [category_labels.get(c, c) for c in order])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(_axis_formatter("share", lang))
        ax.set_xlabel(xlabel or "")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.15), ncols=len(part_order), frameon=False)
        if title:
            ax.set_title(title)
    return fig
