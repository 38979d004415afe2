"""``tsp-analysis clean PATH --dataset D --out DIR``: clean one input and write the results.

Writes ``<dataset>_clean.csv``, ``<dataset>_quarantine.csv`` and ``<dataset>_log.csv`` into
``DIR`` and prints the row accounting (``in N = accepted A + quarantined Q``). The input is
only read; an output that would overwrite it is refused.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .clean import CleanResult, clean
from .codebook import DATASETS
from .errors import InputError, Problem
from .outdir import writable_folder
from .readers import read_table
from .validate import infer_dataset


def clean_file(
    path: str | Path,
    out: str | Path,
    dataset: str | None = None,
    *,
    encoding: str | None = None,
    sep: str | None = None,
) -> tuple[CleanResult, dict[str, Path]]:
    """Read ``path``, clean it as ``dataset`` (inferred if omitted), write the results to
    ``out``; return the result and the written paths."""
    writable_folder(out)  # before the work: a file or /proc as --out is a one-line error
    raw = read_table(path, encoding=encoding, sep=sep)
    dataset = dataset or infer_dataset(path, raw)
    if dataset is None:
        raise InputError(
            Problem(str(path), None, None, None, "--dataset (it cannot be inferred)"),
            f"{path}: cannot tell which dataset this is; give --dataset",
        )
    result = clean(raw, dataset)
    inputs = {Path(f).resolve() for f in raw["source_file"].unique()}
    targets = {kind: Path(out) / f"{dataset}_{kind}.csv" for kind in ("clean", "quarantine", "log")}
    clash = [t for t in targets.values() if t.resolve() in inputs]
    if clash:
        raise InputError(
            Problem(str(clash[0]), None, None, None, "an output folder apart from the inputs"),
            f"{clash[0]}: refusing to overwrite an input file (raw files are never modified)",
        )
    return result, result.write(out)


#: ``tsp-analysis clean`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = "clean one input: write the clean table, the quarantine and the log"
#: The first paragraph of ``tsp-analysis clean --help``.
DESCRIPTION = (
    "Clean an input file (or a folder of files of one dataset) against the codebook. "
    "Writes <dataset>_clean.csv, <dataset>_quarantine.csv and <dataset>_log.csv into "
    "the output folder and prints the row accounting."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis clean`` to its parser."""
    p.add_argument("path", metavar="PATH", help="input file or folder")
    p.add_argument("--dataset", choices=DATASETS, help="dataset (default: infer from the name)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--encoding", help="CSV encoding (default: detect)")
    p.add_argument("--sep", help="CSV separator (default: detect)")


def run(args: argparse.Namespace) -> int:
    """Run ``tsp-analysis clean`` with the parsed ``args``; return the exit status."""
    result, paths = clean_file(
        args.path, args.out, args.dataset, encoding=args.encoding, sep=args.sep
    )
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    summary = result.summary()
    for rec in summary[summary["rows"] > 0].itertuples(index=False):
        print(f"  quarantined {rec.reason}: {rec.rows}")
    if result.invalidated:
        print(f"  cells set missing (invalid optional answers, rows kept): {result.invalidated}")
    print(f"{result.dataset}: {result.accounting_line()}")
    return 0
