"""Load every input of a run: read, clean, hash.

:func:`load_inputs` is what a notebook calls first. It reads each dataset of the codebook
(defaults: the committed synthetic demo files ``data/demo/<dataset>.csv``), cleans it, and
returns an :class:`Inputs` bundle: ``inputs.tsp_survey`` (a
:class:`~tsp_analysis.clean.CleanResult`) and so on for every dataset, whether any row is
synthetic, the SHA-256 of every input file (for the provenance section) and the row accounting.
Raw files are only read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths as _paths
from .clean import CleanResult, clean, normalise_header
from .codebook import DATASETS
from .errors import InputError, Problem
from .paths import input_files
from .readers import read_table


@dataclass
class Inputs:
    """The cleaned inputs of a run; each dataset is an attribute (``inputs.tsp_survey``).

    Attributes
    ----------
    results : dict of str to CleanResult
        Per dataset, in codebook order.
    paths : dict of str to Path
        Per dataset, the file or folder it was read from.
    hashes : dict of str to str
        SHA-256 (hex) of every input file, keyed by its path.
    """

    results: dict[str, CleanResult]
    paths: dict[str, Path]
    hashes: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> CleanResult:
        results = self.__dict__.get("results", {})
        if name in results:
            return results[name]
        raise AttributeError(name)

    def __getitem__(self, dataset: str) -> CleanResult:
        return self.results[dataset]

    def __iter__(self):
        return iter(self.results)

    @property
    def synthetic(self) -> bool:
        """True when any input row, accepted or quarantined, says ``data_origin = synthetic``."""
        for result in self.results.values():
            for table in (result.data, result.quarantine):
                for col in table.columns:
                    if normalise_header(col) != "data_origin":
                        continue
                    values = table[col].astype("str").str.strip().str.lower()
                    if values.isin(["synthetic", "1", "sintetiniai (sugeneruoti) duomenys"]).any():
                        return True
        return False

    def accounting(self) -> pd.DataFrame:
        """Rows received, accepted and quarantined per dataset (tidy).

        Columns ``dataset``, ``rows_in``, ``accepted``, ``quarantined`` and
        ``cells_invalidated`` (invalid optional answers of accepted rows, set missing).
        """
        return pd.DataFrame(
            [
                {
                    "dataset": d,
                    "rows_in": r.rows_in,
                    "accepted": r.accepted,
                    "quarantined": r.quarantined,
                    "cells_invalidated": len(getattr(r, "invalid", ())),
                }
                for d, r in self.results.items()
            ],
            columns=["dataset", "rows_in", "accepted", "quarantined", "cells_invalidated"],
        )

    def write_quarantine(self, folder: str | Path) -> list[Path]:
        """Write ``<dataset>_quarantine.csv`` for every dataset (empty ones too, so that an
        empty quarantine is visibly empty); return the paths."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for dataset, result in self.results.items():
            path = out / f"{dataset}_quarantine.csv"
            result.quarantine.to_csv(path, index=False)
            written.append(path)
        return written


def default_paths() -> dict[str, Path]:
    """``data/demo/<dataset>.csv`` for every dataset."""
    demo = _paths.demo_dir()
    return {d: demo / f"{d}.csv" for d in DATASETS}


def load_inputs(
    paths: Mapping[str, str | Path] | None = None,
    *,
    datasets: Iterable[str] | None = None,
) -> Inputs:
    """Read and clean the inputs of a run.

    Parameters
    ----------
    paths : mapping of dataset to path, optional
        Files or folders that replace the demo default of their dataset; datasets not named
        keep ``data/demo/<dataset>.csv``.
    datasets : iterable of str, optional
        Load only these datasets (default: every dataset of the codebook).

    Returns
    -------
    Inputs

    Raises
    ------
    InputError
        Every problem of every dataset at once: an unknown dataset name, a path that does not
        exist, an unreadable file, a missing required column.

    Examples
    --------
    >>> inputs = load_inputs(datasets=["residents"])  # the shipped demo data
    >>> row = inputs.accounting().iloc[0]
    >>> bool(row["rows_in"] == row["accepted"] + row["quarantined"])
    True
    """
    chosen = list(DATASETS) if datasets is None else list(datasets)
    given = dict(paths or {})
    problems: list[Problem] = []
    for name in [*given, *chosen]:
        if name not in DATASETS:
            problems.append(
                Problem(str(name), None, None, name, f"a dataset: {', '.join(DATASETS)}")
            )
    if problems:
        raise InputError(problems, "unknown dataset name(s) in the inputs")
    where = {**default_paths(), **{d: Path(p) for d, p in given.items()}}
    results: dict[str, CleanResult] = {}
    hashes: dict[str, str] = {}
    for dataset in chosen:
        path = where[dataset]
        if not path.exists():
            problems.append(
                Problem(str(path), None, None, None, f"the {dataset} input file or folder")
            )
            continue
        try:
            results[dataset] = clean(read_table(path), dataset)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        hashes.update(file_hashes(path))
    if problems:
        missing = [p.file for p in problems if p.expected.startswith("the ")]
        head = f"{len(problems)} problem(s) loading the inputs"
        if missing:
            head += f"; missing: {', '.join(missing)}"
        raise InputError(problems, head)
    return Inputs(results, {d: where[d] for d in chosen}, hashes)


def file_hashes(path: str | Path) -> dict[str, str]:
    """SHA-256 of a file, or of every input file in a folder, keyed by path."""
    files = input_files(path)
    out = {}
    for f in files:
        h = hashlib.sha256()
        with open(f, "rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                h.update(block)
        out[str(f)] = h.hexdigest()
    return out
