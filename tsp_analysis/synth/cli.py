"""``tsp-analysis synth --out DIR --seed N``: write the synthetic input files."""

from __future__ import annotations

import argparse
from pathlib import Path

from .generate import DEMO_SEED, generate


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


#: ``tsp-analysis synth`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = "write synthetic input files (the demo data are seed 20210512)"
#: The first paragraph of ``tsp-analysis synth --help``.
DESCRIPTION = (
    "Write a synthetic file for every input dataset of the codebook, and "
    "MANIFEST.json. The same seed always gives byte-identical files."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis synth`` to its parser."""
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument(
        "--seed",
        type=_non_negative,
        default=DEMO_SEED,
        metavar="N",
        help=f"random seed (default {DEMO_SEED}, the committed demo data)",
    )


def run(args: argparse.Namespace) -> int:
    """Generate into ``args.out`` with ``args.seed``; print what was written."""
    from ..outdir import writable_folder

    writable_folder(args.out)
    paths = generate(args.out, args.seed)
    for name, path in paths.items():
        print(f"{name:<22} {path}")
    return 0
