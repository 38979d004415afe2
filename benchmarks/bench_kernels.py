#!/usr/bin/env python3
"""How the report kernels are started, measured: each variant builds the same small batch.

    .venv/bin/python benchmarks/bench_kernels.py               # 3 rounds, 2 municipalities, lt
    .venv/bin/python benchmarks/bench_kernels.py --rounds 5 -m vilnius akmene jonava

Each round builds the batch once per variant, into a fresh output folder (so the results cache
starts empty, as in a first build), the variants in turn (ABAB...) so that a change in the
machine's load hits them alike. A variant is a set of extra ``tsp-analysis run`` arguments;
``--variant NAME=ARGS`` adds one (``--variant fork=--kernels=fork`` when a build offers that).
Prints every time, the median per variant and the load average before and after: the machine
may be shared, so quote medians with the load.

    .venv/bin/python benchmarks/bench_kernels.py --kernel-start 5

times only the start of one report kernel, forked from the zygote against launched cold: from
``start_kernel`` until the kernel has run the report notebooks' imports, wall seconds and the
kernel's own CPU seconds (less sensitive to the machine's load than wall time).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-m", "--municipality", nargs="+", default=["vilnius", "akmene"])
    parser.add_argument("-r", "--report", nargs="+", default=["needs_analysis", "data_review"])
    parser.add_argument("--lang", default="lt")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--variant",
        action="append",
        default=None,
        metavar="NAME=ARGS",
        help="a variant and its extra run arguments (default: plain, i.e. no extra arguments)",
    )
    parser.add_argument(
        "--kernel-start",
        type=int,
        default=0,
        metavar="N",
        help="instead: time N kernel starts of each kind",
    )
    args = parser.parse_args(argv)
    if args.kernel_start:
        return kernel_start(args.kernel_start)
    variants = dict(v.split("=", 1) for v in (args.variant or ["plain="]))
    times: dict[str, list[float]] = {name: [] for name in variants}
    print(f"load before: {os.getloadavg()}", flush=True)
    for round_no in range(args.rounds):
        for name, extra in variants.items():
            with tempfile.TemporaryDirectory(prefix="bench-kernels-") as tmp:
                cmd = [
                    str(BIN / "tsp-analysis"),
                    "run",
                    "--out",
                    tmp,
                    "--lang",
                    args.lang,
                    "--workers",
                    str(args.workers),
                    "--no-progress",
                    "-m",
                    *args.municipality,
                    "-r",
                    *args.report,
                    *shlex.split(extra),
                ]
                start = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True)
                seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
                return 1
            times[name].append(seconds)
            print(
                f"round {round_no + 1} {name:>12}: {seconds:7.2f} s  "
                f"(load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
    print(f"load after: {os.getloadavg()}")
    for name, values in times.items():
        print(
            f"{name:>12}: median {statistics.median(values):7.2f} s  "
            f"({', '.join(f'{v:.2f}' for v in values)})"
        )
    return 0


def kernel_start(rounds: int) -> int:
    """Time ``rounds`` starts of a forked and of a cold kernel, each running the notebooks'
    imports; print wall and kernel CPU seconds and their medians."""
    import asyncio

    import psutil
    from nbclient.util import ensure_async

    from tsp_analysis.runner import kernels, plan

    notebooks = sorted({str(j.notebook) for j in plan(["akmene"], None)})
    preload = kernels.preload_modules(notebooks)
    zygote = kernels.Zygote(preload)
    loaded = zygote.wait_ready()["loaded"]
    imports = "; ".join(f"import {m}" for m in loaded if not m.startswith(("ipykernel", "IPy")))

    async def one(forked: bool) -> tuple[float, float]:
        manager = kernels.kernel_manager_class(zygote if forked else None)(kernel_name="python3")
        start = time.perf_counter()
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            await ensure_async(client.wait_for_ready(timeout=300))
            await ensure_async(client.execute_interactive(imports, timeout=300))
            wall = time.perf_counter() - start
            cpu = psutil.Process(manager.provisioner.pid).cpu_times()
            assert manager.forked is forked
            return wall, cpu.user + cpu.system
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    results: dict[str, list[tuple[float, float]]] = {"forked": [], "cold": []}
    print(f"load before: {os.getloadavg()}", flush=True)
    for _ in range(rounds):
        for name in results:
            wall, cpu = asyncio.run(one(name == "forked"))
            results[name].append((wall, cpu))
            print(
                f"{name:>7}: {wall:6.2f} s wall, {cpu:6.2f} s kernel CPU "
                f"(load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
    zygote.close()
    print(f"load after: {os.getloadavg()}")
    for name, values in results.items():
        print(
            f"{name:>7}: median {statistics.median(v[0] for v in values):6.2f} s wall, "
            f"{statistics.median(v[1] for v in values):6.2f} s kernel CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
