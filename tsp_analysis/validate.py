"""Check input files against the codebook and report every problem at once.

:func:`validate` reads each file (:func:`tsp_analysis.readers.read_table`), works out which
dataset it is, and runs the cleaning rules (:func:`tsp_analysis.clean.clean_collect`) without
stopping at the first problem: unreadable files, missing required columns and every row-level
problem (with file, row, column, value and what was expected) come back in one list. Nothing is
written and the files are not changed.

``tsp-analysis validate PATH... [--dataset D]`` prints one line per problem and exits with 1
when there is any error (0 when every file is clean). Columns that are not in the codebook are
reported as warnings: cleaning ignores them, so they do not fail validation.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import schema
from .clean import clean_collect, normalise_header
from .codebook import DATASETS
from .errors import InputError, Problem
from .platforms import detect_platform
from .readers import PROVENANCE, read_table


def infer_dataset(path: str | Path, raw: pd.DataFrame | None = None) -> str | None:
    """The dataset a file holds: from its name (``tsp_survey_2021.csv`` → ``tsp_survey``), else
    from the columns (most codebook columns in common, then the closest set). ``None`` when
    neither tells.

    >>> infer_dataset("inputs/provider_survey-kaunas.xlsx")
    'provider_survey'
    """
    stem = normalise_header(Path(path).stem)
    by_name = [d for d in DATASETS if stem.startswith(d)]
    if by_name:
        return max(by_name, key=len)
    if raw is None:
        return None
    cols = {normalise_header(c) for c in raw.columns if c not in PROVENANCE}
    if detect_platform(raw.columns):  # KoboToolbox/ODK group paths: grp/need_x, grp-need_x
        cols |= {normalise_header(re.split(r"[/-]", str(c))[-1]) for c in raw.columns}
    scores = schema.fit(cols)
    best = max(DATASETS, key=lambda d: scores[d])
    if not scores[best][0]:
        return None
    return best


def validate(
    paths: str | Path | Iterable[str | Path],
    dataset: str | None = None,
    *,
    encoding: str | None = None,
    sep: str | None = None,
) -> list[Problem]:
    """Every problem in ``paths`` (files or folders), structural and row-level.

    Parameters
    ----------
    paths : path or iterable of paths
        Input files (``.csv``, ``.xlsx``, ``.sav``) or folders of them.
    dataset : str, optional
        The codebook dataset of every path; inferred per path when omitted (see
        :func:`infer_dataset`).
    encoding, sep : str, optional
        Passed to :func:`~tsp_analysis.readers.read_table`.

    Returns
    -------
    list of Problem
        Errors and warnings (``severity``) in file and row order; empty when all is well.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
    problems: list[Problem] = []
    for path in paths:
        problems.extend(_validate_one(path, dataset, encoding=encoding, sep=sep))
    return problems


def _validate_one(path, dataset, *, encoding, sep) -> list[Problem]:
    try:
        raw = read_table(path, encoding=encoding, sep=sep)
    except InputError as exc:
        return list(exc.problems)
    ds = dataset or infer_dataset(path, raw)
    if ds is None:
        return [
            Problem(
                str(path),
                None,
                None,
                None,
                f"a file named after its dataset ({', '.join(DATASETS)}), "
                "columns of one of them, or --dataset",
            )
        ]
    result, structural = clean_collect(raw, ds)
    warnings = [
        Problem(
            str(r.source_file),
            None,
            str(r.column),
            None,
            f"a column of {ds} in the codebook (this one is ignored)",
            severity="warning",
        )
        for r in result.log[result.log["action"] == "ignored_column"].itertuples(index=False)
    ]
    # quarantined rows and invalidated cells, in row order (a stable sort keeps each row's
    # problems in the order cleaning found them)
    rows = sorted([*result.problems(), *result.cell_problems()], key=lambda p: p.row or 0)
    return [*structural, *rows, *warnings]


#: ``tsp-analysis validate`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = "check input files against the codebook and list every problem"
#: The first paragraph of ``tsp-analysis validate --help``.
DESCRIPTION = (
    "Check input files (CSV, .xlsx, .sav, or folders of them) against the codebook. "
    "Prints one line per problem (file, row, column, value, expected) and exits with "
    "1 if there is any error, 0 if there is none."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis validate`` to its parser."""
    p.add_argument("paths", nargs="+", metavar="PATH", help="input files or folders")
    p.add_argument("--dataset", choices=DATASETS, help="dataset of every PATH (default: infer)")
    p.add_argument("--encoding", help="CSV encoding (default: detect)")
    p.add_argument("--sep", help="CSV separator (default: detect)")


def run(args: argparse.Namespace) -> int:
    """Run ``tsp-analysis validate`` with the parsed ``args``; return the exit status."""
    problems = validate(args.paths, args.dataset, encoding=args.encoding, sep=args.sep)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        print(("warning: " if p.severity == "warning" else "") + str(p))
    files_with_errors = {p.file for p in errors}
    if errors:
        print(f"{len(errors)} problem(s) in {len(files_with_errors)} file(s)")
        return 1
    print(f"no problems in {len(args.paths)} input(s)")
    return 0
