"""Raw tables of the monitoring report (see docs/architecture.md, "Results layer")."""

from __future__ import annotations

from .table import Results


def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the report for ``unit``, in report order."""
    raise NotImplementedError("monitoring: being moved to the results layer")
