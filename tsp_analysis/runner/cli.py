"""``tsp-analysis run``: build reports (a thin shell over :func:`tsp_analysis.runner.build`)."""

from __future__ import annotations

import argparse
import os
import sys

from ..ids import ALL, LANGUAGES, REPORTS
from ..outdir import report_folder
from ..paths import default_out_dir

#: ``tsp-analysis run`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = "build reports (notebooks → HTML) with an index and a manifest"
#: The first paragraph of ``tsp-analysis run --help``.
DESCRIPTION = (
    "Execute the report notebooks for the chosen municipalities, reports and languages "
    "and convert them to HTML. Exit status: 0 every report built or up to date, "
    "1 some report failed (the others are still built), 2 invalid parameters "
    "(nothing was run)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis run`` to its parser."""
    p.add_argument(
        "--municipality",
        "-m",
        nargs="+",
        metavar="SLUG",
        default=None,
        help="municipality slugs, or 'lithuania' for the country data review "
        "(default: every municipality and the country)",
    )
    p.add_argument(
        "--report",
        "-r",
        nargs="+",
        metavar="REPORT",
        default=None,
        choices=[*REPORTS, ALL],
        help=f"reports to build: {', '.join(REPORTS)} (default: all)",
    )
    p.add_argument(
        "--lang",
        "-l",
        default="lt",
        choices=[*LANGUAGES, ALL],
        help="report language; 'all' builds both (default: lt)",
    )
    p.add_argument(
        "--out",
        "-o",
        default=str(default_out_dir()),
        help="output folder (default: reports/ of the project, or of the current "
        "folder when the package is installed from a wheel)",
    )
    p.add_argument(
        "--workers",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="reports built at the same time (default: the machine's cores, %(default)s)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also write an A4 PDF of every report to OUT/pdf/ (needs WeasyPrint and its "
        "Debian packages: python3 tasks.py env)",
    )
    p.add_argument("--force", "-f", action="store_true", help="rebuild reports that are up to date")
    p.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    p.add_argument(
        "--params",
        default=None,
        metavar="DIR",
        help="folder of parameter files, one <slug>.yaml per municipality (lithuania.yaml for "
        "the country, all.yaml for the monitoring report), e.g. a team's own files whose "
        "inputs point at real data outside the project; relative input paths are read "
        "relative to the folder's parent (default: params/ of the project)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--timeout",
        type=int,
        default=None,
        metavar="SECONDS",
        help="a notebook cell running longer fails its report (default: no limit)",
    )
    p.add_argument(
        "--cold-kernels",
        action="store_true",
        help="launch every kernel from scratch instead of forking it warm (slower; for "
        "comparison and debugging)",
    )
    p.add_argument(
        "--executor", choices=["thread", "process"], default="thread", help=argparse.SUPPRESS
    )


def run(args: argparse.Namespace) -> int:
    """Build what ``args`` select; print one line per report and a summary."""
    from .batch import BuildInterrupted, build

    if args.workers < 1:
        print("tsp-analysis run: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.pdf:
        from .pdf import available

        why = available()
        if why is not None:
            print(f"tsp-analysis run: --pdf: {why}", file=sys.stderr)
            return 2
    report_folder(args.out, force=args.force)  # InputError: one line, exit 2 (cli.main)
    try:
        result = build(
            municipalities=args.municipality,
            reports=args.report,
            langs=args.lang,
            out=args.out,
            workers=args.workers,
            force=args.force,
            progress=not args.no_progress,
            prewarm=not args.cold_kernels,
            executor_kind=args.executor,
            notebooks_dir=args.notebooks,
            params_dir=args.params,
            timeout=args.timeout,
            pdf=args.pdf,
        )
    except ValueError as exc:  # an unknown municipality in the selection itself
        print(f"tsp-analysis run: {exc}", file=sys.stderr)
        return 2
    except BuildInterrupted as exc:
        for line in exc.result.summary_lines():
            print(line)
        print("tsp-analysis run: interrupted", file=sys.stderr)
        return 130
    for line in result.summary_lines():
        print(line)
    return result.exit_code
