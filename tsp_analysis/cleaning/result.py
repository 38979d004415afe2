"""The result of cleaning: accepted rows, quarantine, invalid cells, log."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Problem
from ..ids import PROVENANCE

#: Quarantine reasons, in the order that decides a row's first reason.
REASONS = (
    "missing_required",
    "invalid_value",
    "out_of_range",
    "unknown_municipality",
    "not_third_country",
    "duplicate_row",
    "duplicate_id",
    "impossible_combination",
    "straight_lining",
)
_RANK = {r: i for i, r in enumerate(REASONS)}
INVALID_COLUMNS = (*PROVENANCE, "column", "value", "reason", "expected")
LOG_COLUMNS = (
    "source_file",
    "source_row",
    "column",
    "old",
    "new",
    "action",
    "reason",
    "count",
    "detail",
)


# -- result -------------------------------------------------------------------------------------
@dataclass
class CleanResult:
    """What :func:`clean` returns.

    Attributes
    ----------
    dataset : str
        The codebook dataset.
    data : pandas.DataFrame
        Accepted rows, codebook columns in codebook order (typed as in the architecture's dtype
        table), derived columns, then ``source_file`` and ``source_row``.
    quarantine : pandas.DataFrame
        Rejected rows exactly as received, plus ``reason`` (the first) and ``detail`` (all).
    log : pandas.DataFrame
        Every change and every rejection (see the module docstring for its columns).
    rows_in : int
        Rows received.
    invalid : pandas.DataFrame
        Cells of accepted rows set missing because their value was invalid or out of range in
        an optional column: ``source_file``, ``source_row``, ``column``, ``value`` (as
        received), ``reason``, ``expected``.
    """

    dataset: str
    data: pd.DataFrame
    quarantine: pd.DataFrame
    log: pd.DataFrame
    rows_in: int
    invalid: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INVALID_COLUMNS))

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.data)

    @property
    def quarantined(self) -> int:
        """Number of quarantined rows."""
        return len(self.quarantine)

    @property
    def invalidated(self) -> int:
        """Number of cells of accepted rows set missing (invalid optional answers)."""
        return len(self.invalid)

    def accounting_line(self) -> str:
        """``in N = accepted A + quarantined Q``."""
        return f"in {self.rows_in} = accepted {self.accepted} + quarantined {self.quarantined}"

    def cell_problems(self) -> list[Problem]:
        """Every cell set missing in an accepted row, in row order."""
        return [
            Problem(
                str(r.source_file),
                int(r.source_row),
                str(r.column),
                None if pd.isna(r.value) else str(r.value),
                f"{r.expected} [{r.reason}; the cell is set missing, the row kept]",
            )
            for r in self.invalid.itertuples(index=False)
        ]

    def problems(self) -> list[Problem]:
        """Every problem that quarantined a row (a row may have several), in row order."""
        q = self.log[self.log["action"] == "quarantined"]
        return [
            Problem(
                str(r.source_file),
                int(r.source_row),
                None if pd.isna(r.column) else str(r.column),
                None if pd.isna(r.old) else str(r.old),
                f"{r.detail} [{r.reason}]",
            )
            for r in q.itertuples(index=False)
        ]

    def summary(self) -> pd.DataFrame:
        """Quarantined rows by reason (every reason, zeros included), in :data:`REASONS` order.

        Columns ``reason``, ``rows``, ``share`` (of rows received).
        """
        counts = self.quarantine["reason"].value_counts() if len(self.quarantine) else {}
        rows = [int(counts.get(r, 0)) for r in REASONS]
        share = [r / self.rows_in if self.rows_in else np.nan for r in rows]
        return pd.DataFrame({"reason": list(REASONS), "rows": rows, "share": share})

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write ``<dataset>_clean.csv``, ``<dataset>_quarantine.csv`` and ``<dataset>_log.csv``
        (UTF-8, comma-separated, ISO dates) into ``folder``; return the paths by kind."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "clean": out / f"{self.dataset}_clean.csv",
            "quarantine": out / f"{self.dataset}_quarantine.csv",
            "log": out / f"{self.dataset}_log.csv",
        }
        self.data.to_csv(paths["clean"], index=False, date_format="%Y-%m-%d")
        self.quarantine.to_csv(paths["quarantine"], index=False)
        self.log.to_csv(paths["log"], index=False)
        return paths
