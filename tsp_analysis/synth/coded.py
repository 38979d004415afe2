"""A column as integer codes into a small table of strings.

The survey generators work on codes (vectorised NumPy) and turn them into text only at the end,
which keeps a million-respondent survey to a few bytes per cell until the final ``str`` column.
A dirty value (a label instead of a code, a misspelt municipality) is one more category.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

try:  # pandas stores ``str`` columns in Arrow when pyarrow is installed
    import pyarrow as pa
except ImportError:  # pragma: no cover - pandas then falls back to Python strings
    pa = None

MISSING = -1


class Coded:
    """``codes`` index ``categories``; :data:`MISSING` (−1) is an empty cell."""

    def __init__(self, codes: np.ndarray, categories: Sequence[str]):
        self.codes = np.asarray(codes, dtype=np.int32)
        self.categories = np.asarray(list(categories), dtype=object)

    @classmethod
    def missing(cls, n: int, categories: Sequence[str]) -> Coded:
        """A column of ``n`` empty cells."""
        return cls(np.full(n, MISSING, dtype=np.int32), categories)

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, value: str) -> int:
        """The code of ``value``, adding it as a new category if needed."""
        hits = np.flatnonzero(self.categories == value)
        if hits.size:
            return int(hits[0])
        self.categories = np.append(self.categories, np.array([value], dtype=object))
        return len(self.categories) - 1

    def isin(self, values: Sequence[str]) -> np.ndarray:
        """Boolean mask of cells whose value is one of ``values``."""
        wanted = [i for i, c in enumerate(self.categories) if c in set(values)]
        return np.isin(self.codes, wanted)

    def set(self, rows, value: str | None) -> None:
        """Set ``rows`` to ``value`` (``None`` empties them)."""
        self.codes[rows] = MISSING if value is None else self.code(value)

    def value(self, row: int) -> str | None:
        """The text of one cell (``None`` when empty)."""
        c = int(self.codes[row])
        return None if c == MISSING else str(self.categories[c])

    def take(self, rows: np.ndarray) -> Coded:
        """A new column of the cells at ``rows``."""
        return Coded(self.codes[rows], self.categories)

    def to_series(self, name: str) -> pd.Series:
        """The column as text (pandas ``str`` dtype; empty cells missing)."""
        dtype = pd.StringDtype(na_value=np.nan)  # what ``dtype="str"`` resolves to
        if pa is not None and dtype.storage == "pyarrow":
            # decode the codes inside Arrow: ~50x faster than building Python strings
            missing = self.codes == MISSING
            dictionary = pa.DictionaryArray.from_arrays(
                pa.array(np.where(missing, 0, self.codes), mask=missing),
                pa.array(self.categories.tolist(), type=pa.large_string()),
            )
            return pd.Series(pd.array(dictionary.cast(pa.large_string()), dtype=dtype), name=name)
        values = self.categories[np.maximum(self.codes, 0)]
        values[self.codes == MISSING] = None
        return pd.Series(pd.array(values, dtype="str"), name=name)


def concat(columns: Sequence[Coded]) -> Coded:
    """Stack columns into one; categories are merged (usually they are identical)."""
    first = columns[0].categories
    if all(np.array_equal(c.categories, first) for c in columns):
        return Coded(np.concatenate([c.codes for c in columns]), first)
    index: dict[str, int] = {}
    parts = []
    for col in columns:
        mapping = np.empty(len(col.categories) + 1, dtype=np.int32)
        mapping[-1] = MISSING  # index −1 maps the missing code to itself
        for i, c in enumerate(col.categories):
            mapping[i] = index.setdefault(c, len(index))
        parts.append(mapping[col.codes])
    return Coded(np.concatenate(parts), list(index))
