"""Report parameters: load ``params/<slug>.yaml`` and validate a parameter mapping.

The runner validates every job's parameters before it starts a kernel, and each notebook
validates its own first cell, so a typo fails in a second with a message that names the file
and the key instead of deep inside a kernel. This module is imported by the runner's parent
process: it reads the reference CSV with the standard library and imports nothing heavy
(no pandas).

Parameters (the first notebook cell, tagged ``parameters``, holds the same keys):

``municipality``    slug (``vilnius`` ...); ``lithuania`` for the country data review;
                    ``all`` for the monitoring and the overview report
``lang``            ``lt`` (default) or ``en``
``inputs``          mapping dataset → path of an input file or folder; missing datasets use
                    the shipped demo data. Relative paths are taken relative to ``base_dir``
                    (default: the project folder, the one holding ``data/``)
``min_count``       counts below this are suppressed (default 5, at least 3)
``min_base``        shares, means and scores with an unweighted base below this are
                    suppressed (default 10, at least 5; :mod:`tsp_analysis.thresholds`)
``seed``            seed of every random draw in the report (default 0)
``allow_free_text`` may a report show redacted free text (default false). Only the needs
                    analysis uses it: with it, its qualitative-evidence section quotes
                    paraphrases and survey comments, redacted (:mod:`tsp_analysis.redact`),
                    for themes raised by at least ``min_count`` distinct sources
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ParameterError
from .ids import ALL, COUNTRY, LANGUAGES, REPORTS
from .paths import PROJECT_DIR, reference_dir
from .text import fold_label
from .thresholds import DEFAULT_MIN_BASE, DEFAULT_MIN_COUNT, check_thresholds

#: Default value of every parameter. ``inputs`` is copied on use (it is mutable).
DEFAULTS: dict[str, Any] = {
    "municipality": "vilnius",
    "lang": "lt",
    "inputs": {},
    "min_count": DEFAULT_MIN_COUNT,
    "min_base": DEFAULT_MIN_BASE,
    "seed": 0,
    "allow_free_text": False,
}

_TYPES: dict[str, tuple[type, str]] = {
    "municipality": (str, "a text slug"),
    "lang": (str, "a text language code"),
    "inputs": (dict, "a mapping of dataset name to file path"),
    "min_count": (int, "a whole number"),
    "min_base": (int, "a whole number"),
    "seed": (int, "a whole number"),
    "allow_free_text": (bool, "true or false"),
}


def municipality_slugs() -> list[str]:
    """Slugs of the municipalities in ``data/reference/municipalities.csv`` (reference order)."""
    with open(reference_dir() / "municipalities.csv", encoding="utf-8", newline="") as fh:
        return [row["slug"] for row in csv.DictReader(fh)]


def dataset_names() -> list[str]:
    """Input datasets named in the codebook, in codebook order."""
    seen: dict[str, None] = {}
    with open(reference_dir() / "codebook.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            seen.setdefault(row["dataset"], None)
    return list(seen)


def allowed_municipalities(report: str | None) -> list[str]:
    """What ``municipality`` may be for ``report`` (``None``: any report)."""
    slugs = municipality_slugs()
    if report == "needs_analysis":
        return slugs
    if report == "data_review":
        return [*slugs, COUNTRY]
    if report in ("monitoring", "overview"):
        return [ALL]
    return [*slugs, COUNTRY, ALL]


def load_params(path: str | Path) -> dict:
    """Read a YAML parameter file into a mapping (not yet validated).

    Raises
    ------
    ParameterError
        The file is missing, is not valid YAML, or does not hold a mapping.
    """
    import yaml  # PyYAML imports in milliseconds; kept local so the module stays lean

    path = Path(path)
    if not path.is_file():
        raise ParameterError(str(path), None, "parameter file does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(str(path), None, f"not valid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(str(path), None, f"not UTF-8 text: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            str(path), None, f"expected a mapping of parameter: value, got {type(data).__name__}"
        )
    return data


def validate_params(
    mapping: Mapping[str, Any],
    source: str,
    report: str | None = None,
    *,
    base_dir: str | Path | None = None,
) -> dict:
    """Check a parameter mapping and return it with the defaults filled in.

    Parameters
    ----------
    mapping : Mapping
        Parameters as read from a YAML file or a notebook's first cell.
    source : str
        Where they came from (a file name, "notebook parameters"); named in every error.
    report : {"needs_analysis", "data_review", "monitoring", "overview"}, optional
        Restricts ``municipality`` to what that report accepts.
    base_dir : path, optional
        Folder that relative input paths are taken from (default: the project folder).

    Returns
    -------
    dict
        Every parameter of :data:`DEFAULTS`; ``inputs`` values become absolute path strings.

    Raises
    ------
    ParameterError
        Unknown key, wrong type, unknown municipality (with the closest slug suggested), bad
        language, a threshold below its floor, a negative seed, unknown dataset, or an input
        path that does not exist. Every bad key is reported in the one error
        (``ParameterError.problems``), not only the first.

    Examples
    --------
    >>> validate_params({"municipality": "akmene", "lang": "en"}, "akmene.yaml")["min_base"]
    10
    """
    if report is not None and report not in REPORTS:
        raise ParameterError(source, None, f"unknown report {report!r}; expected one of {REPORTS}")
    if not isinstance(mapping, Mapping):
        raise ParameterError(source, None, "expected a mapping of parameter: value")
    out: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULTS.items()}
    problems: list[tuple[str, str]] = []  # every bad key, reported together
    for key, value in mapping.items():
        if key not in DEFAULTS:
            hint = _suggest(str(key), list(DEFAULTS))
            problems.append(
                (str(key), f"unknown parameter{hint}; expected one of {sorted(DEFAULTS)}")
            )
            continue
        value, problem = _check_type(key, value)
        if problem:
            problems.append((key, problem))
        else:
            out[key] = value
    wrong_type = {key for key, _ in problems}

    municipality = out["municipality"]
    allowed = allowed_municipalities(report)
    if "municipality" not in wrong_type and municipality not in allowed:
        hint = _suggest(municipality, allowed, fold=True)
        scope = f" for the {report} report" if report else ""
        problems.append(
            (
                "municipality",
                f"unknown municipality {municipality!r}{scope}{hint}; expected one of {allowed}",
            )
        )
    if "lang" not in wrong_type and out["lang"] not in LANGUAGES:
        problems.append(
            ("lang", f"unsupported language {out['lang']!r}; expected one of {LANGUAGES}")
        )
    if "seed" not in wrong_type and out["seed"] < 0:
        problems.append(("seed", f"must not be negative, got {out['seed']}"))
    for key, problem in zip(
        ("min_count", "min_base"),
        _threshold_problems(out["min_count"], out["min_base"]),
        strict=True,
    ):
        if problem and key not in wrong_type:
            problems.append((key, problem))
    if "inputs" not in wrong_type:
        out["inputs"] = _check_inputs(out["inputs"], base_dir, problems)
    if problems:
        raise ParameterError.collect(source, problems)
    return out


def _threshold_problems(min_count: int, min_base: int) -> tuple[str | None, str | None]:
    """The floor check of :mod:`tsp_analysis.thresholds`, per parameter."""
    return (
        next(iter(check_thresholds(min_count, DEFAULT_MIN_BASE)), None),
        next(iter(check_thresholds(DEFAULT_MIN_COUNT, min_base)), None),
    )


def _check_type(key: str, value: Any) -> tuple[Any, str | None]:
    """``(value, None)`` when ``value`` has the type of parameter ``key``, else ``(value,
    problem)``."""
    expected, words = _TYPES[key]
    if key == "inputs" and value is None:  # `inputs:` with nothing after it in YAML
        return {}, None
    # bool is a subclass of int: `min_base: true` is a mistake, not 1.
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        return value, f"expected {words}, got {value!r} ({type(value).__name__})"
    return value, None


def _check_inputs(
    inputs: dict, base_dir: str | Path | None, problems: list[tuple[str, str]]
) -> dict[str, str]:
    """Absolute paths of the inputs; each bad one adds ``(key, problem)`` to ``problems``."""
    known = dataset_names()
    base = Path(base_dir) if base_dir is not None else PROJECT_DIR
    out: dict[str, str] = {}
    for dataset, raw in inputs.items():
        key = f"inputs.{dataset}"
        if dataset not in known:
            hint = _suggest(str(dataset), known)
            problems.append((key, f"unknown dataset{hint}; expected one of {known}"))
            continue
        if not isinstance(raw, (str, Path)) or not str(raw).strip():
            problems.append((key, f"expected a file or folder path, got {raw!r}"))
            continue
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = base / path
        if not path.exists():
            problems.append((key, f"input path does not exist: {path}"))
            continue
        out[str(dataset)] = str(path.resolve())
    return out


def _suggest(value: str, options: list[str], fold: bool = False) -> str:
    probe = fold_label(value) if fold else value
    exact = [o for o in options if fold and probe.startswith(o[:4]) and len(probe) >= 4]
    close = exact or difflib.get_close_matches(probe, options, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""
