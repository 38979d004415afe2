"""The results layer: every number a report shows, computed once, checked by one disclosure
policy, language-free.

A notebook makes one call::

    from tsp_analysis import results
    res = results.compute("needs_analysis", params)     # validated parameters
    res["need_unmet"]                                   # a checked ResultTable

and then one display per table or chart (``tsp_analysis.report``). The Lithuanian and the
English report are two renderings of the same :class:`Results`; the CSV files and workbooks the
runner writes are a third (:mod:`.export`).

How it computes
---------------
* Each report kind has a *raw* compute function (``results.needs``, ``results.review``,
  ``results.monitoring``): inputs and parameters in, a :class:`Results` of raw tables out.
* The reports on one unit are published together (:data:`GROUPS`): the needs analysis and the
  data review of a municipality share their cubes, so a figure hidden in one is hidden in the
  other (:class:`~.policy.DisclosurePolicy`).
* The overview (one report across municipalities) publishes no estimate of its own: it is
  built from the *published* results of every municipality's needs analysis and of the
  monitoring report (:mod:`.overview`), computed or read from the cache like theirs, and
  checked once more by the policy.
* Work shared by the needs analyses of every municipality (the weights, the pooled comparisons)
  is computed once per set of inputs (:func:`shared`).
* With a cache folder (the runner sets ``TSP_RESULTS_CACHE``), every result is stored on disk
  keyed by the report, the unit, the input files' hashes, the parameters other than the
  language, and the package's code; a second call — the other language, a rerun — reads it.
  A lock makes two processes that ask at once compute it once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .activities import monitoring_period
from .policy import DisclosurePolicy
from .table import Cube, Results, ResultTable, coord

__all__ = [
    "GROUPS",
    "Cube",
    "DisclosurePolicy",
    "Results",
    "ResultTable",
    "cache_key",
    "cached",
    "compute",
    "coord",
    "group",
    "shared",
    "stored",
]

#: Environment variable naming the folder of the results cache (set by the runner).
CACHE_ENV = "TSP_RESULTS_CACHE"
#: Parameters that do not change any number (only how it is written).
LANGUAGE_ONLY = ("lang",)


def group(report: str, unit: str) -> list[tuple[str, str]]:
    """The reports published together with (``report``, ``unit``): every report on the same
    unit, so that the same figure is hidden in all of them."""
    from ..params import ALL, COUNTRY

    if report == "overview":
        return [("overview", ALL)]
    if unit == ALL:
        return [("monitoring", ALL)]
    if unit == COUNTRY:
        return [("data_review", COUNTRY)]
    return [("needs_analysis", unit), ("data_review", unit)]


#: For documentation: which reports share a publication.
GROUPS = (
    "needs_analysis + data_review per municipality; data_review for lithuania; monitoring; "
    "overview (from the others' published results)"
)


def _raw_functions() -> dict[str, Callable[..., Results]]:
    from . import monitoring, needs, review

    fns = {
        "needs_analysis": needs.compute,
        "data_review": review.compute,
        "monitoring": monitoring.compute,
    }
    return {report: _once(report, fn) for report, fn in fns.items()}


def _once(report: str, fn: Callable[..., Results]) -> Callable[..., Results]:
    """``fn`` computed once per unit, inputs and parameters in this process: the needs
    analysis needs the data review's raw tables to run its rules on what will be published,
    and the publication needs them again."""

    def run(inputs: Any, params: dict, *, unit: str) -> Results:
        key = "raw-" + cache_key(report, unit, params, inputs=inputs)
        if key not in _MEMORY:
            _MEMORY[key] = fn(inputs, params, unit=unit)
        return _MEMORY[key]

    return run


def compute(
    report: str, params: dict, *, inputs: Any = None, cache_dir: str | Path | None = None
) -> Results:
    """The checked results of one report.

    Parameters
    ----------
    report : {"needs_analysis", "data_review", "monitoring", "overview"}
    params : dict
        Validated parameters (:func:`tsp_analysis.params.validate_params`); ``lang`` is
        ignored — results are language-free.
    inputs : Inputs, optional
        Already loaded inputs (default: ``load_inputs(params["inputs"])``).
    cache_dir : path, optional
        Results cache folder (default: ``$TSP_RESULTS_CACHE``; none: memory only).

    Returns
    -------
    Results
        Every table checked by the disclosure policy, published jointly with the other reports
        on the same unit (:func:`group`).
    """
    unit = params["municipality"]
    key = _publication_key(report, unit, params)

    def build() -> dict[str, Results]:
        loaded = inputs if inputs is not None else _load(params)
        if report == "overview":
            from . import overview

            sources = overview.sources(params, loaded)
            raw = overview.compute(sources, params)
            published = DisclosurePolicy.from_params(params).publish_one(raw)
            published.info.setdefault("monitoring_period", monitoring_period(loaded))
            return {"overview": published}
        raw_fns = _raw_functions()
        members = group(report, unit)
        raw = [raw_fns[r](loaded, params, unit=u) for r, u in members]
        policy = DisclosurePolicy.from_params(params)
        checked = policy.publish(raw)
        # every report states the period its monitoring data cover (dates are not figures)
        period = monitoring_period(loaded)
        for r in checked:
            r.info.setdefault("monitoring_period", period)
        return {r.report: r for r in checked}

    published = cached(key, build, cache_dir)
    return published[report]


def stored(report: str, params: dict, cache_dir: str | Path) -> Results | None:
    """The results of one report if a notebook has already computed them into ``cache_dir``
    (the runner's way to publish exactly what the page shows), else ``None``."""
    key = _publication_key(report, params["municipality"], params)
    path = Path(cache_dir) / f"{key}.pkl"
    if not path.exists():
        return None
    with _locked(path.with_suffix(".lock")), open(path, "rb") as fh:
        published = pickle.load(fh)
    return published.get(report)


def _publication_key(report: str, unit: str, params: dict) -> str:
    """The cache key of the publication ``report`` belongs to (the overview has its own: it
    shares the unit ``all`` with the monitoring report but not its publication)."""
    kind = "publication-overview" if report == "overview" else "publication"
    return cache_key(kind, unit, params)


def _load(params: dict):
    from ..inputs import load_inputs

    return load_inputs(params["inputs"] or None)


def shared(name: str, params: dict, inputs: Any, fn: Callable[[], Any]) -> Any:
    """A computation that several reports use (the weights of every municipality, the pooled
    comparisons), done once per inputs and parameters — in this process, and across
    processes through the cache folder. The municipality is not part of the key: the work is
    the same for every municipality's report."""
    common = {k: v for k, v in params.items() if k != "municipality"}
    return cached(cache_key(f"shared-{name}", "any", common, inputs=inputs), fn)


_MEMORY: dict[str, Any] = {}


def cached(key: str, fn: Callable[[], Any], folder: str | Path | None = None) -> Any:
    """``fn()``, remembered under ``key`` in this process and, when ``folder`` (default
    ``$TSP_RESULTS_CACHE``) names a folder, on disk (pickle, written atomically, under a file
    lock)."""
    if key in _MEMORY:
        return _MEMORY[key]
    folder = folder or os.environ.get(CACHE_ENV)
    if not folder:
        value = fn()
        _MEMORY[key] = value
        return value
    path = Path(folder) / f"{key}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_suffix(".lock")):
        if path.exists():
            with open(path, "rb") as fh:
                value = pickle.load(fh)
        else:
            value = fn()
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
    _MEMORY[key] = value
    return value


@contextmanager
def _locked(path: Path):
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock, each process may compute
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cache_key(kind: str, unit: str, params: dict, *, inputs: Any = None) -> str:
    """What a result depends on: its kind and unit, the parameters other than the language,
    the input files (by hash), the reference tables and the package's code."""
    wanted = {k: v for k, v in params.items() if k not in LANGUAGE_ONLY}
    files = _input_hashes(params, inputs)
    blob = json.dumps(
        {
            "kind": kind,
            "unit": unit,
            "params": wanted,
            "files": files,
            "reference": _tree_hash("reference"),
            "code": _tree_hash("code"),
        },
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(blob.encode()).hexdigest()[:24]
    return f"{kind}-{unit}-{digest}"


@functools.cache
def _tree_hash(which: str) -> str:
    """One hash of the package's code (every ``.py``) or of the reference tables."""
    from ..paths import PACKAGE_DIR, reference_dir

    root, pattern = (PACKAGE_DIR, "*.py") if which == "code" else (reference_dir(), "*")
    h = hashlib.sha256()
    for path in sorted(p for p in Path(root).rglob(pattern) if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _input_hashes(params: dict, inputs: Any) -> dict[str, str]:
    if inputs is not None and getattr(inputs, "hashes", None):
        return dict(inputs.hashes)
    from ..inputs import default_paths, file_hashes

    where = {**default_paths(), **{k: Path(v) for k, v in params.get("inputs", {}).items()}}
    out: dict[str, str] = {}
    for dataset in sorted(where):
        path = Path(where[dataset])
        if path.exists():
            out.update(file_hashes(path))
    return out
