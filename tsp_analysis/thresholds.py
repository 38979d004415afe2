"""The disclosure thresholds: their defaults and floors, in one place (SPEC §5).

Kept free of heavy imports so that parameter validation (which runs before any kernel starts)
can check them. The procedure that applies them is
:class:`tsp_analysis.results.policy.DisclosurePolicy`.
"""

from __future__ import annotations

#: Counts of people below this are hidden.
DEFAULT_MIN_COUNT = 5
#: Shares, means and scores about respondents on an unweighted base below this are hidden.
DEFAULT_MIN_BASE = 10
#: No run may publish with thresholds below these.
FLOOR_MIN_COUNT = 3
FLOOR_MIN_BASE = 5


def check_thresholds(min_count: object, min_base: object) -> list[str]:
    """Problems with a pair of thresholds (empty when they are acceptable).

    >>> check_thresholds(5, 10)
    []
    >>> check_thresholds(0, 10)[0].split(":")[0]
    'min_count = 0 is below the floor of 3'
    """
    problems = []
    for name, value, floor in (
        ("min_count", min_count, FLOOR_MIN_COUNT),
        ("min_base", min_base, FLOOR_MIN_BASE),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{name} must be a whole number, got {value!r}")
        elif value < floor:
            problems.append(
                f"{name} = {value} is below the floor of {floor}: a smaller threshold would "
                "publish counts or figures that can identify a respondent (SPEC §5)"
            )
    return problems
