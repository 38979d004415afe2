"""Checks shared by the functions that summarise clean tables (context, monitoring)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError, Problem


def require(
    frame: pd.DataFrame, columns: list[str], dataset: str, *, not_blank: list[str] | None = None
) -> None:
    """Raise :class:`InputError` unless every column is there and none of ``not_blank``
    (default: all of them) is blank: a blank key would make a row vanish from a group-by.

    Each blank names the file and spreadsheet row it came from (``source_file``/``source_row``
    of the clean table), at most 50 per column.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            [Problem(dataset, None, c, None, "a column of the clean table") for c in missing],
            f"{dataset}: the clean table lacks {len(missing)} required column(s)",
        )
    problems = []
    for column in columns if not_blank is None else not_blank:
        for i in np.flatnonzero(frame[column].isna().to_numpy())[:50]:
            file = str(frame["source_file"].iloc[i]) if "source_file" in frame else dataset
            row = int(frame["source_row"].iloc[i]) if "source_row" in frame else int(i) + 2
            problems.append(Problem(file, row, column, None, "a value (required)"))
    if problems:
        raise InputError(problems, f"{dataset}: blank required values")
