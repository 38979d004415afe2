"""Statistical disclosure control: primary and secondary suppression of small cells.

The survey is anonymous and some municipalities are small, so a published figure must not let a
reader single out a respondent (SPEC §5).

* **Primary suppression** (:func:`suppress`): a count below ``min_count`` (default 5), or a share,
  mean or score whose unweighted base is below ``min_base`` (default 10), is replaced by a missing
  value and flagged ``suppressed=True``. A suppressed figure is never shown as zero and its row is
  never dropped, so a reader sees that something was withheld.
* **Secondary suppression** (:func:`secondary_suppress`): in a cross-table published with row and
  column totals, a single suppressed cell in a row (or column) could be recovered by subtracting
  the others from the total. Whenever a row or column holds exactly one suppressed cell, the
  smallest other cell of that row or column is suppressed too, repeated until no row or column has
  a lone suppressed cell (a fixed point). Totals take part in the same rule: a suppressed total
  counts as a suppressed member of its row and column.

Every estimator of the package calls :func:`suppress` itself, so a notebook cannot forget it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .thresholds import DEFAULT_MIN_BASE, DEFAULT_MIN_COUNT

KINDS = ("count", "share", "mean", "score")
#: Columns blanked by primary suppression of an estimate.
ESTIMATE_COLUMNS = ("estimate", "ci_low", "ci_high", "se")


def suppress(
    table: pd.DataFrame,
    kind: str,
    *,
    base: str = "n",
    min_count: int = DEFAULT_MIN_COUNT,
    min_base: int = DEFAULT_MIN_BASE,
    value: str | None = None,
    columns: tuple[str, ...] | list[str] | None = None,
    suppress_zeros: bool = True,
) -> pd.DataFrame:
    """Apply primary suppression to a tidy table and mark the suppressed rows.

    Parameters
    ----------
    table : DataFrame
        One row per figure. For ``kind="count"`` the count is in ``value`` (default: the
        ``base`` column); for the other kinds the unweighted base is in ``base``.
    kind : {"count", "share", "mean", "score"}
        ``count``: the figure is a count and is suppressed when below ``min_count``.
        ``share``/``mean``/``score``: the figure is suppressed when its base is below
        ``min_base``.
    base : str
        Column with the unweighted base (``n`` in every estimator's output).
    min_count, min_base : int
        Thresholds (SPEC §5 defaults 5 and 10).
    value : str, optional
        For ``kind="count"``: the count column (default ``base``).
    columns : sequence of str, optional
        Columns to blank in a suppressed row. Default: ``estimate``, ``ci_low``, ``ci_high``,
        ``se`` when present (shares, means, scores), or the count column (counts).
    suppress_zeros : bool
        For counts: whether a zero count is suppressed as well (default True, the literal
        rule "every count below the threshold"). Set False for structural zeros.

    Returns
    -------
    DataFrame
        A copy with the figures of suppressed rows set to missing and a boolean ``suppressed``
        column (combined with any ``suppressed`` column already present: suppression is never
        undone).

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["a", "b"], "estimate": [0.4, 0.7], "n": [25, 6]})
    >>> suppress(t, "share")[["estimate", "suppressed"]].to_dict("list")
    {'estimate': [0.4, nan], 'suppressed': [False, True]}
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if min_count < 0 or min_base < 0:
        raise ValueError("thresholds must be non-negative")
    out = table.copy()
    if kind == "count":
        value = value or base
        if value not in out:
            raise KeyError(f"count column {value!r} is not in the table")
        counts = pd.to_numeric(out[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        small = counts < min_count
        if not suppress_zeros:
            small &= counts != 0
        blank = list(columns) if columns is not None else [value]
    else:
        if base not in out:
            raise KeyError(f"base column {base!r} is not in the table")
        bases = pd.to_numeric(out[base], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        # A missing base means nobody answered: that is a base of zero, suppressed as well.
        small = ~(bases >= min_base)
        blank = list(columns) if columns is not None else [c for c in ESTIMATE_COLUMNS if c in out]
    already = out["suppressed"].fillna(False).to_numpy(dtype=bool) if "suppressed" in out else False
    flag = small | already
    for col in blank:
        out[col] = _blank(out[col], flag)
    out["suppressed"] = flag
    return out


def _blank(col: pd.Series, mask: np.ndarray) -> pd.Series:
    """Set ``col`` to missing where ``mask``; integer columns become nullable, never 0."""
    if pd.api.types.is_integer_dtype(col) and not isinstance(
        col.dtype, pd.api.extensions.ExtensionDtype
    ):
        col = col.astype("Int64")
    elif pd.api.types.is_bool_dtype(col):
        col = col.astype("boolean")
    return col.mask(mask)


@dataclass
class Suppression:
    """A cross-table after primary and secondary suppression.

    Attributes
    ----------
    table : DataFrame
        The counts with suppressed cells set to ``<NA>`` (``Int64``), totals included.
    mask : DataFrame of bool
        True where a cell is suppressed (primary or secondary).
    primary : DataFrame of bool
        True where a cell is below the threshold itself.
    """

    table: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame

    @property
    def secondary(self) -> pd.DataFrame:
        """True where a cell is suppressed only to protect another one."""
        return self.mask & ~self.primary

    def display(self, marker: str = "..") -> pd.DataFrame:
        """The table as text with suppressed cells shown as ``marker`` (never as 0)."""
        shown = self.table.astype("string")
        return shown.mask(self.mask, marker)


def secondary_suppress(
    counts: pd.DataFrame,
    *,
    min_count: int = DEFAULT_MIN_COUNT,
    totals: bool = True,
    total_label: str = "total",
    primary: pd.DataFrame | None = None,
    suppress_zeros: bool = True,
) -> Suppression:
    """Primary plus secondary suppression of a two-way table of counts.

    Parameters
    ----------
    counts : DataFrame
        Interior cells of a cross-table (rows × columns of non-negative counts), without totals.
        A one-row table (a single distribution with its total) works too.
    min_count : int
        Cells below this are suppressed (primary).
    totals : bool
        Whether the table is published with row and column totals. They are added as a last
        row and column named ``total_label`` and are themselves subject to suppression. Without
        totals, no cell can be recovered by subtraction, so only primary suppression applies.
    primary : DataFrame of bool, optional
        Primary pattern to use instead of ``counts < min_count`` (same shape as ``counts``),
        for example a pattern from a share table whose bases are too small.
    suppress_zeros : bool
        Whether zero cells count as small (default True).

    Returns
    -------
    Suppression

    Notes
    -----
    Rule: in every line (a row or a column, its total included), when exactly one member is
    suppressed, the smallest unsuppressed interior cell of that line is suppressed too (the total
    only when no interior cell is left); repeat until no line has exactly one suppressed member.
    This is the usual "no lone suppressed cell" heuristic; it stops recovery by subtraction from a
    single line, not every linear-programming attack across many lines.

    Examples
    --------
    >>> t = pd.DataFrame({"yes": [3, 20], "no": [12, 30]}, index=["a", "b"])
    >>> s = secondary_suppress(t)
    >>> s.mask.loc["a"].tolist()   # 3 is small, so 12 goes too (row a total would reveal it)
    [True, True, False]
    """
    interior = counts.apply(pd.to_numeric, errors="raise")
    if (interior < 0).to_numpy().any():
        raise ValueError("counts must be non-negative")
    values = interior.to_numpy(dtype=float)
    if primary is None:
        prim = values < min_count
        if not suppress_zeros:
            prim &= values != 0
    else:
        prim = primary.to_numpy(dtype=bool)
        if prim.shape != values.shape:
            raise ValueError("primary must have the shape of counts")
    if totals:
        full = np.zeros((values.shape[0] + 1, values.shape[1] + 1))
        full[:-1, :-1] = values
        full[:-1, -1] = values.sum(axis=1)
        full[-1, :-1] = values.sum(axis=0)
        full[-1, -1] = values.sum()
        full_prim = np.zeros(full.shape, dtype=bool)
        full_prim[:-1, :-1] = prim
        small_total = full < min_count
        if not suppress_zeros:
            small_total &= full != 0
        full_prim[:-1, -1] = small_total[:-1, -1]
        full_prim[-1, :-1] = small_total[-1, :-1]
        full_prim[-1, -1] = small_total[-1, -1]
        mask = _fixed_point(full, full_prim.copy())
        index = list(interior.index) + [total_label]
        columns = list(interior.columns) + [total_label]
    else:
        full, full_prim, mask = values, prim, prim.copy()
        index, columns = list(interior.index), list(interior.columns)
    table = pd.DataFrame(np.rint(full).astype("int64"), index=index, columns=columns).astype(
        "Int64"
    )
    mask_df = pd.DataFrame(mask, index=index, columns=columns)
    return Suppression(
        table=table.mask(mask_df),
        mask=mask_df,
        primary=pd.DataFrame(full_prim, index=index, columns=columns),
    )


def _fixed_point(full: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Suppress complements until no line (row or column, with its total) has one lone cell."""
    n_rows, n_cols = full.shape
    interior_rows, interior_cols = n_rows - 1, n_cols - 1
    changed = True
    while changed:
        changed = False
        lines = [("row", i) for i in range(n_rows)] + [("col", j) for j in range(n_cols)]
        for kind, k in lines:
            cells = (
                [(k, j) for j in range(n_cols)]
                if kind == "row"
                else [(i, k) for i in range(n_rows)]
            )
            # A line's members are its cells and its total (the last cell). Lines of one
            # interior cell plus a total are trivially equal; they still obey the rule.
            hidden = [c for c in cells if mask[c]]
            if len(hidden) != 1:
                continue
            candidates = [
                c for c in cells if not mask[c] and c[0] < interior_rows and c[1] < interior_cols
            ]
            if not candidates:  # only the total is left to hide
                candidates = [c for c in cells if not mask[c]]
            if not candidates:
                continue
            pick = min(candidates, key=lambda c: (full[c], c))
            mask[pick] = True
            changed = True
    return mask
