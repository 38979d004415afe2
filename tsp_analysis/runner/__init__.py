"""The batch runner: build every report with ``tsp-analysis run`` or :func:`build`.

>>> from tsp_analysis.runner import build
>>> result = build(municipalities=["akmene"], out="reports")  # doctest: +SKIP
>>> result.exit_code  # doctest: +SKIP
0

See ``docs/runner.md`` for the output layout, exit codes, the incremental rules, executors
(Dask) and how the speed-up works.
"""

from .batch import BuildResult, build
from .plan import LANGUAGES, REPORTS, Job, ParameterErrors, plan

__all__ = ["LANGUAGES", "REPORTS", "BuildResult", "Job", "ParameterErrors", "build", "plan"]
