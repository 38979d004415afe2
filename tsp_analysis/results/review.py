"""Raw tables of the review report (see docs/architecture.md, "Results layer")."""

from __future__ import annotations

from .table import Results


def compute(inputs, params: dict, *, unit: str) -> Results:
    """Every raw table of the report for ``unit``, in report order."""
    raise NotImplementedError("review: being moved to the results layer")
