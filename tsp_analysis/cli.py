"""Command line: ``tsp-analysis <command>``.

A thin shell over library functions that the tests call directly. Each command lives in its
own module, which provides ``register(subparsers)``; that function adds the command's parser
and sets ``func`` to a callable taking the parsed arguments and returning the exit status.

Commands: ``synth`` (write synthetic inputs), ``validate`` (check files against the codebook),
``clean`` (clean inputs, write the clean tables, the log and the quarantine), ``run`` (build
reports).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import TspError

#: Modules that each contribute one sub-command through ``register(subparsers)``.
COMMAND_MODULES = (
    "tsp_analysis.synth.cli",
    "tsp_analysis.validate",
    "tsp_analysis.clean_cli",
    "tsp_analysis.runner.cli",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="tsp-analysis",
        description="Needs analysis, data review and monitoring reports on TŠP services.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):  # a real missing dependency
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tsp-analysis`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TspError as exc:
        print(f"tsp-analysis {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
