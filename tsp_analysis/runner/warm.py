"""Work the kernel zygote does once so that no report kernel has to: loading the inputs.

Every report starts with ``load_inputs(params["inputs"])``: read and clean every dataset,
about 1–2 s, and the same for every report of a build that uses the same files. The zygote
calls :func:`cache_inputs` after its imports: it loads each distinct set of inputs of the
build once, and replaces ``tsp_analysis.inputs.load_inputs`` *in the zygote* with a wrapper
that returns a deep copy of that result when called again with the same paths **and** the
same file contents (checked by SHA-256 on every call) and the same reference tables; any
other call goes to the real function. Kernels forked from the zygote inherit the wrapper and
the loaded data, so the notebook's call takes milliseconds and returns what the real function
would. Each kernel gets its own copy: nothing one report does to its inputs reaches another.

Only zygote kernels see the wrapper; a notebook opened in JupyterLab, or a kernel launched
cold, calls ``load_inputs`` itself.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_MARK = "_tsp_runner_cached"


def _reference_hash() -> str:
    from ..paths import reference_dir

    h = hashlib.sha256()
    for path in sorted(p for p in reference_dir().rglob("*") if p.is_file()):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _key(
    module: Any, paths: Mapping[str, Any] | None, datasets: Iterable[str] | None
) -> str | None:
    """What a ``load_inputs`` result depends on, or ``None`` when it cannot be cached (an
    unknown dataset or a missing file: the real function reports those)."""
    from ..codebook import DATASETS

    chosen = list(DATASETS) if datasets is None else list(datasets)
    given = {str(d): Path(p) for d, p in (paths or {}).items()}
    if any(d not in DATASETS for d in [*given, *chosen]):
        return None
    where = {**module.default_paths(), **given}
    files: dict[str, str] = {}
    for dataset in chosen:
        path = Path(where[dataset])
        if not path.exists():
            return None
        files.update(module.file_hashes(path))
    parts = {
        "datasets": chosen,
        "paths": {d: str(Path(where[d]).resolve()) for d in chosen},
        "files": files,
        "reference": _reference_hash(),
    }
    return json.dumps(parts, sort_keys=True)


def cache_inputs(input_sets: list[dict[str, str]]) -> list[str]:
    """Load each set of inputs once and serve copies of the results to later identical calls
    of ``tsp_analysis.inputs.load_inputs`` in this process (and in processes forked from it).

    Returns the problems met (a set that fails to load is simply not cached).
    """
    from .. import inputs as module

    original = getattr(module.load_inputs, "__wrapped__", module.load_inputs)
    memo: dict[str, Any] = {}
    problems: list[str] = []
    for paths in input_sets:
        try:
            key = _key(module, paths, None)
            if key is not None and key not in memo:
                memo[key] = original(paths)
        except Exception as exc:  # the notebook will meet (and report) the same problem
            problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")

    @functools.wraps(original)
    def load_inputs(paths=None, *, datasets=None):
        key = _key(module, paths, datasets)
        if key is not None and key in memo:
            return copy.deepcopy(memo[key])
        return original(paths, datasets=datasets)

    setattr(load_inputs, _MARK, True)
    module.load_inputs = load_inputs
    return problems
