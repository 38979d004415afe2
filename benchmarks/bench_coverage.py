#!/usr/bin/env python3
"""Empirical coverage of the library's 95% intervals (SPEC §7: at least 93% in every cell).

    .venv/bin/python benchmarks/bench_coverage.py              # 4,000 samples per cell
    .venv/bin/python benchmarks/bench_coverage.py --reps 20000 --seed 1

For each base n = 30, 100, 400 it draws ``--reps`` independent weighted samples from a known
population, estimates with the library exactly as the reports do, and counts how often the 95%
interval contains the population value:

* **shares** (p = 0.05 and p = 0.5): :func:`tsp_analysis.estimate.share`, the Wilson interval on
  Korn–Graubard's effective sample size with the t quantile;
* **scores**: :func:`tsp_analysis.estimate.mean` with ``kind="score"`` (as
  ``scores.criterion_scores`` computes them) of a Likert 1–5 answer mapped to 0–100: the
  Wilson interval of score/100 on its effective size, with the t quantile; a moderate rating
  (mean ≈ 46, the cell the target is about) and a strongly skewed one (mean ≈ 16: most answers
  "1", a stress test).

The samples are weighted the way the surveys are: the population is half group A, half group
B; each sample over-represents B (70 %, binomial), and the weights post-stratify the sample back
to 50/50 (one raking margin, recomputed in every sample). The answer depends on the group, so an
unweighted estimate would be biased. The weights are estimated from each sample but treated as
fixed by the variance formula, as in the reports. The same cells are repeated for a simple
random sample with equal weights (no weighting to lean on).

Each cell also shows the coverage the same data got with the method before issue 10 (the normal
quantile; for scores the symmetric normal interval), and the Monte Carlo standard error of a
coverage near 95 % is printed (√(0.95·0.05/reps)).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tsp_analysis import estimate  # noqa: E402

#: Group shares in the population and the sample.
POP_B, SAMPLE_B = 0.5, 0.7
#: Likert 1–5 distributions of the two groups: a moderate rating, and a strongly skewed one
#: (most answers "1", a few "5": the hard case for a symmetric interval on a small base).
LIKERT = {
    "moderate": {"A": [0.10, 0.15, 0.25, 0.30, 0.20], "B": [0.35, 0.25, 0.20, 0.12, 0.08]},
    "skewed": {"A": [0.60, 0.20, 0.08, 0.05, 0.07], "B": [0.75, 0.12, 0.05, 0.03, 0.05]},
}
#: Group-specific success probabilities giving population shares 0.05 and 0.5.
SHARES = {0.05: (0.03, 0.07), 0.5: (0.4, 0.6)}


def draw(n: int, reps: int, rng: np.random.Generator, weighted: bool = True) -> pd.DataFrame:
    """``reps`` samples of ``n`` respondents stacked, with group, post-stratified weight and a
    uniform draw ``u`` that sets each answer. ``weighted=False``: a simple random sample of
    the population with equal weights."""
    rep = np.repeat(np.arange(reps), n)
    b = rng.random(n * reps) < (SAMPLE_B if weighted else POP_B)
    nb = np.bincount(rep, weights=b, minlength=reps)
    na = n - nb
    # post-stratify to 50/50; a sample without one group keeps equal weights (rare at n ≥ 30)
    wb = np.where((nb > 0) & (na > 0), POP_B / np.maximum(nb, 1), 1.0 / n)
    wa = np.where((nb > 0) & (na > 0), (1 - POP_B) / np.maximum(na, 1), 1.0 / n)
    w = np.where(b, wb[rep], wa[rep]) * 1000 if weighted else np.ones(n * reps)
    return pd.DataFrame({"rep": rep, "b": b, "w": w, "u": rng.random(n * reps)})


def share_coverage(frame: pd.DataFrame, p: float) -> tuple[float, float]:
    pa, pb = SHARES[p]
    yes = frame["u"] < np.where(frame["b"], pb, pa)
    data = frame.assign(ans=np.where(yes, "yes", "no"))
    out = estimate.share(data, "ans", "yes", weight="w", by="rep", strata=None, min_base=0)
    ok = (out["ci_low"] <= p) & (p <= out["ci_high"])
    # the same interval with the normal quantile (the method before issue 10)
    lo, hi = estimate.wilson(
        out["estimate"].to_numpy(), out["n_interval"].to_numpy(dtype=float), 0.95, df=None
    )
    old = (lo <= p) & (p <= hi)
    return float(ok.mean()), float(old.mean())


def score_coverage(frame: pd.DataFrame, shape: str) -> tuple[float, float, float]:
    values = np.array([0.0, 25.0, 50.0, 75.0, 100.0])
    dist = LIKERT[shape]
    truth = (1 - POP_B) * np.dot(dist["A"], values) + POP_B * np.dot(dist["B"], values)
    cum_a, cum_b = np.cumsum(dist["A"]), np.cumsum(dist["B"])
    k = np.where(
        frame["b"],
        np.searchsorted(cum_b, frame["u"], side="right"),
        np.searchsorted(cum_a, frame["u"], side="right"),
    )
    data = frame.assign(score=values[np.minimum(k, 4)])
    out = estimate.mean(data, "score", weight="w", by="rep", min_base=0, kind="score")
    ok = (out["ci_low"] <= truth) & (truth <= out["ci_high"])
    z = norm.ppf(0.975)
    old = (out["estimate"] - z * out["se"] <= truth) & (truth <= out["estimate"] + z * out["se"])
    return float(ok.mean()), float(old.mean()), float(truth)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=4000, help="samples per cell")
    ap.add_argument("--seed", type=int, default=20210512)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    mcse = np.sqrt(0.95 * 0.05 / args.reps)
    start = time.perf_counter()
    rows = []
    for design, weighted in (("post-stratified", True), ("equal weights", False)):
        for n in (30, 100, 400):
            frame = draw(n, args.reps, rng, weighted)
            for p in (0.05, 0.5):
                now, before = share_coverage(frame, p)
                rows.append((f"share p = {p:g}, {design}", n, now, before))
            for shape in LIKERT:
                now, before, truth = score_coverage(frame, shape)
                rows.append((f"score, {shape} (mean {truth:.1f}), {design}", n, now, before))
    table = pd.DataFrame(rows, columns=["figure", "n", "coverage", "normal quantile (before)"])
    wide = table.pivot(index="figure", columns="n", values="coverage")
    before = table.pivot(index="figure", columns="n", values="normal quantile (before)")
    print(
        f"Empirical coverage of the 95% intervals, {args.reps} samples per cell, "
        f"seed {args.seed} (Monte Carlo SE ≈ {mcse:.3f})\n"
    )
    print("| figure | n = 30 | n = 100 | n = 400 | before (normal quantile), n = 30 / 100 / 400 |")
    print("|---|---:|---:|---:|---|")
    for fig in wide.index:
        cells = " | ".join(f"{wide.loc[fig, n]:.3f}" for n in (30, 100, 400))
        old = " / ".join(f"{before.loc[fig, n]:.3f}" for n in (30, 100, 400))
        print(f"| {fig} | {cells} | {old} |")
    worst = float(table["coverage"].min())
    verdict = "met" if worst >= 0.93 else "NOT met"
    print(
        f"\nlowest cell {worst:.3f}: target ≥ 0.93 {verdict} ({time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
