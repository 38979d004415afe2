"""Derived columns of clean tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from .. import reference


def age_group(age: pd.Series) -> pd.Series:
    """The ``age_groups.csv`` group of each age (``NA`` where the age is missing or outside).

    >>> age_group(pd.Series([18, 34, 70, None], dtype="Int64")).tolist()
    ['18_24', '25_34', '65_plus', nan]
    """
    groups = reference.table("age_groups").sort_values("min_age")
    lo = groups["min_age"].to_numpy()
    hi = groups["max_age"].to_numpy()
    a = pd.to_numeric(age).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    pos = np.searchsorted(lo, a, side="right") - 1
    valid = ~np.isnan(a) & (pos >= 0)
    pos = np.clip(pos, 0, len(lo) - 1)
    valid &= a <= hi[pos]
    labels = pd.array([*groups["age_group"], None], dtype="str")
    return pd.Series(labels.take(np.where(valid, pos, len(lo))), index=age.index, name="age_group")


#: Derived columns: (source column, dataset or None for any) → (new column, function).
_DERIVED: dict[tuple[str, str | None], tuple[str, Callable[[pd.Series], pd.Series]]] = {
    ("age", "tsp_survey"): ("age_group", age_group),
}


def _derived_columns(cols: Sequence[str], dataset: str) -> list[tuple[str, str, Callable]]:
    """``(source, new column, function)`` for each derived column of ``dataset``."""
    out = []
    for qid in cols:
        d = _DERIVED.get((qid, dataset)) or _DERIVED.get((qid, None))
        if d and d[0] not in cols:  # an input that already has the column keeps its own
            out.append((qid, *d))
    return out
