"""Command line: ``tsp-analysis <command>``.

A thin shell over library functions that the tests call directly. Each command lives in its
own module, which provides ``HELP`` (its line in the list of commands), ``DESCRIPTION`` (the
first paragraph of its ``--help``), ``add_arguments(parser)`` and ``run(args)`` (takes the
parsed arguments, returns the exit status); :func:`build_parser` makes every command's parser
from them the same way.

Commands: ``synth`` (write synthetic inputs), ``validate`` (check files against the codebook),
``clean`` (clean inputs, write the clean tables, the log and the quarantine), ``run`` (build
reports), ``questionnaire`` (write a survey's XLSForm for KoboToolbox or ODK; their exports are
read back by ``validate``, ``clean`` and ``run`` as they are), ``code-comments`` (propose
theme codes for survey comments for a person to confirm; append the confirmed ones to the
qualitative evidence register).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterable

from . import __version__
from .errors import TspError

#: Each command and the module that declares it (``HELP``, ``DESCRIPTION``, ``add_arguments``,
#: ``run``).
COMMAND_MODULES = {
    "synth": "tsp_analysis.synth.cli",
    "validate": "tsp_analysis.validate",
    "clean": "tsp_analysis.clean_cli",
    "run": "tsp_analysis.runner.cli",
    "questionnaire": "tsp_analysis.questionnaire",
    "code-comments": "tsp_analysis.coding",
}


def build_parser(commands: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with ``commands`` (default: every command).

    Only the modules of the named commands are imported, so ``tsp-analysis run`` does not pay
    for the imports of ``synth`` or ``validate`` (pandas alone takes about a second).
    """
    parser = argparse.ArgumentParser(
        prog="tsp-analysis",
        description="Needs analysis, data review and monitoring reports on TŠP services.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES if commands is None else commands:
        command = importlib.import_module(COMMAND_MODULES[name])
        p = sub.add_parser(name, help=command.HELP, description=command.DESCRIPTION)
        command.add_arguments(p)
        p.set_defaults(func=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tsp-analysis`` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # The first word that names a command decides which module to import; anything else
    # (no command, --help, a typo) builds the full parser so argparse can say what exists.
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser([first] if first in COMMAND_MODULES else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TspError as exc:
        text = exc.head if getattr(exc, "one_line", False) else str(exc)
        print(f"tsp-analysis {args.command}: {text}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
