#!/usr/bin/env python3
"""Benchmark the batch runner against the naive loop and the floor (SPEC §7).

    .venv/bin/python benchmarks/bench_batch.py            # the full batch, one language
    .venv/bin/python benchmarks/bench_batch.py --quick    # 5 reports, a smoke run

Measured in one run, each from a fresh process, into temporary folders:

(a) runner   ``tsp-analysis run --force`` (cold: every report built)
(b) naive    the loop a user would write: for each report, the ``papermill`` CLI and then
             ``jupyter nbconvert --to html --no-input``, one after another
(c) floor    the same number of notebooks that only import what the real notebooks import
             (a parameters cell and one import cell), through the same runner and pool
(d) rerun    ``tsp-analysis run`` again on (a)'s output: everything up to date
(g) both     ``tsp-analysis run --force --lang all``: the same reports in both languages (the
             second language renders the results the first computed)

Targets (SPEC §7): (a) at least 10× faster than (b), (g) at most 1.25× (a), (d) under 1 s;
(c) shows what is fixed start-up cost.
``--variants`` adds the runner with kernels launched cold (no zygote) and with a process pool
instead of threads, to show what each part of the design buys.

Prints a table of seconds and ratios. The numbers depend on the machine and on what else it
is doing: compare within one run, and rerun on a quiet machine for figures to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUICK = ["vilnius", "akmene"]
REPORTS = ("needs_analysis", "data_review", "monitoring")
#: What the snapshot holds: everything a build reads.
SNAPSHOT = ("tsp_analysis", "notebooks", "params", "data")


def snapshot(folder: Path, worktree: bool) -> Path:
    """Copy the code, notebooks, parameters and data into ``folder`` (from the last commit,
    or the working tree) and import the package from there (here and, through PYTHONPATH, in
    every process the benchmark starts): the measured builds then see the same code from
    start to end even while people edit the working tree, and the unchanged rerun really is
    unchanged."""
    folder.mkdir(parents=True)
    if worktree:
        for name in SNAPSHOT:
            shutil.copytree(
                ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
    else:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD", *SNAPSHOT],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    sys.path.insert(0, str(folder))
    return folder


def timed(cmd: list[str], **kw) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(cmd, **kw)
    return time.perf_counter() - start, result.returncode


def runner_cmd(
    out: Path, notebooks: Path, params: Path, args: argparse.Namespace, *extra: str
) -> list[str]:
    cmd = [
        str(BIN / "tsp-analysis"),
        "run",
        "--out",
        str(out),
        "--notebooks",
        str(notebooks),
        "--params",
        str(params),
        "--lang",
        args.lang,
        "--workers",
        str(args.workers),
        "--no-progress",
        *extra,
    ]
    if args.quick:
        cmd += ["--municipality", *QUICK]
    return cmd


def import_only_notebooks(real: Path, folder: Path) -> list[str]:
    """Write, for each report, a notebook with the real one's parameters cell and one cell
    importing every module the real notebooks import; return those modules."""
    import nbformat

    from tsp_analysis.runner import kernels

    modules = kernels.preload_modules(sorted(real.glob("*.ipynb")), base=())
    folder.mkdir(parents=True, exist_ok=True)
    for report in REPORTS:
        source = nbformat.read(str(real / f"{report}.ipynb"), as_version=4)
        params = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
        nb = nbformat.v4.new_notebook(metadata=source.metadata)
        cell = nbformat.v4.new_code_cell(params.source, metadata={"tags": ["parameters"]})
        lines = []
        for name in modules:
            # A `from pkg import name` entry may not be a module; import what exists.
            lines.append(f"try:\n    import {name}\nexcept ImportError:\n    pass")
        nb.cells = [cell, nbformat.v4.new_code_cell("\n".join(lines))]
        nbformat.write(nb, str(folder / f"{report}.ipynb"))
    return modules


def naive_loop(jobs, out: Path) -> tuple[float, int]:
    """papermill then nbconvert from the shell, one report after another."""
    (out / "notebooks").mkdir(parents=True)
    (out / "html").mkdir()
    (out / "params").mkdir()
    env = dict(
        os.environ, PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline"
    )
    failures = 0
    start = time.perf_counter()
    for job in jobs:
        params_file = out / "params" / f"{job.name}.json"
        params_file.write_text(json.dumps(job.parameters), encoding="utf-8")
        executed = out / "notebooks" / f"{job.name}.ipynb"
        step1 = subprocess.run(
            [
                str(BIN / "papermill"),
                str(job.notebook),
                str(executed),
                "-f",
                str(params_file),
                "--cwd",
                str(job.notebook.parent),
                "--no-progress-bar",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        step2 = subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output-dir",
                str(out / "html"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        failures += bool(step1.returncode or step2.returncode)
    return time.perf_counter() - start, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only {QUICK}: 5 reports")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--lang", default="lt", choices=["lt", "en", "all"])
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="report notebooks (default: the snapshot's notebooks/)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        default=None,
        help="parameter files (default: the snapshot's params/)",
    )
    parser.add_argument("--skip-naive", action="store_true", help="skip (b), the slowest part")
    parser.add_argument(
        "--variants", action="store_true", help="also time cold-launched kernels and a process pool"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument(
        "--worktree",
        action="store_true",
        help="benchmark the working tree (default: the last commit)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="tsp-bench-"))
    snap = snapshot(tmp / "project", args.worktree)
    from tsp_analysis.runner import plan

    args.notebooks = args.notebooks or snap / "notebooks"
    args.params = args.params or snap / "params"
    if not all((args.notebooks / f"{r}.ipynb").is_file() for r in REPORTS):
        print(f"no report notebooks in {args.notebooks}; using the test fixtures", file=sys.stderr)
        args.notebooks = ROOT / "tests" / "fixtures" / "notebooks"
    jobs = plan(
        QUICK if args.quick else None,
        None,
        args.lang,
        notebooks_dir=args.notebooks,
        params_dir=args.params,
    )
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    rows: list[tuple[str, float, str]] = []
    try:
        print(
            f"{len(jobs)} reports, {args.workers} workers, notebooks from {args.notebooks}, "
            f"code from {snap}",
            flush=True,
        )
        floor_nbs = tmp / "floor-notebooks"
        modules = import_only_notebooks(args.notebooks, floor_nbs)
        print(f"floor notebooks import: {', '.join(modules)}", flush=True)

        t_a, rc = timed(
            runner_cmd(tmp / "a", args.notebooks, args.params, args, "--force"), **quiet
        )
        rows.append(("(a) runner, cold (--force)", t_a, f"exit {rc}"))
        print(f"(a) {t_a:.1f} s (exit {rc})", flush=True)
        t_d, rc = timed(runner_cmd(tmp / "a", args.notebooks, args.params, args), **quiet)
        counts = json.loads((tmp / "a" / "manifest.json").read_text("utf-8"))["run"]["counts"]
        # Not all up to date means something changed in between (someone editing the
        # package's code on a shared machine): then (d) is not the figure it claims to be.
        rows.append(
            (
                "(d) runner, unchanged rerun",
                t_d,
                f"exit {rc}, {counts['up-to-date']} of {len(jobs)} up to date",
            )
        )
        print(f"(d) {t_d:.1f} s", flush=True)
        both = argparse.Namespace(**{**vars(args), "lang": "all"})
        t_g, rc = timed(
            runner_cmd(tmp / "g", args.notebooks, args.params, both, "--force"), **quiet
        )
        rows.append(("(g) runner, both languages (--lang all)", t_g, f"exit {rc}"))
        print(f"(g) {t_g:.1f} s", flush=True)
        t_c, rc = timed(runner_cmd(tmp / "c", floor_nbs, args.params, args, "--force"), **quiet)
        rows.append(("(c) floor: import-only notebooks", t_c, f"exit {rc}"))
        print(f"(c) {t_c:.1f} s", flush=True)
        if args.variants:
            t, rc = timed(
                runner_cmd(
                    tmp / "e", args.notebooks, args.params, args, "--force", "--cold-kernels"
                ),
                **quiet,
            )
            rows.append(("(e) runner, kernels launched cold", t, f"exit {rc}"))
            print(f"(e) {t:.1f} s", flush=True)
            t, rc = timed(
                runner_cmd(
                    tmp / "f", args.notebooks, args.params, args, "--force", "--executor", "process"
                ),
                **quiet,
            )
            rows.append(("(f) runner, process pool", t, f"exit {rc}"))
            print(f"(f) {t:.1f} s", flush=True)
        t_b = None
        if not args.skip_naive:
            t_b, failures = naive_loop(jobs, tmp / "b")
            rows.append(("(b) naive loop: papermill + nbconvert CLIs", t_b, f"{failures} failed"))
            print(f"(b) {t_b:.1f} s", flush=True)
            # Again after the long naive loop: if the machine's load changed meanwhile, the
            # two figures of (a) and of (c) disagree, and the ratios use their means.
            t_a2, rc = timed(
                runner_cmd(tmp / "a2", args.notebooks, args.params, args, "--force"), **quiet
            )
            rows.append(("(a) runner, cold, again after (b)", t_a2, f"exit {rc}"))
            t_c2, rc = timed(
                runner_cmd(tmp / "c2", floor_nbs, args.params, args, "--force"), **quiet
            )
            rows.append(("(c) floor, again after (b)", t_c2, f"exit {rc}"))
            print(f"(a) again {t_a2:.1f} s, (c) again {t_c2:.1f} s", flush=True)
            t_a, t_c = (t_a + t_a2) / 2, (t_c + t_c2) / 2
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept {tmp}")

    print()
    print(f"{'':44} {'seconds':>8}  note")
    for label, seconds, note in rows:
        print(f"{label:44} {seconds:8.1f}  {note}")
    print()
    if t_b is not None:
        print(f"naive / runner  = {t_b / t_a:5.2f}×   (target ≥ 10; runner: mean of its two runs)")
    print(f"both / one lang = {t_g / t_a:5.2f}×   (target ≤ 1.25)")
    print(f"runner / floor  = {t_a / t_c:5.2f}×   (fixed start-up cost for comparison)")
    print(f"unchanged rerun = {t_d:5.2f} s   (target < 1 s)")
    print(
        f"per report: runner {t_a / len(jobs):.2f} s, floor {t_c / len(jobs):.2f} s"
        + (f", naive {t_b / len(jobs):.2f} s" if t_b is not None else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
