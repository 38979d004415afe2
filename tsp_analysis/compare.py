"""A municipality against the pooled other municipalities, for every area and criterion.

For each figure (need and unmet shares per area, the area × criterion scores) the municipality's
weighted estimate is compared with the same estimate for all other municipalities pooled (each
weighted to its own population, so the pooled rest weights municipalities by their size). The
two samples are independent, so the difference has variance ``v₁ + v₂`` (the linearised
variances of :mod:`tsp_analysis.estimate`; for the pooled rest the municipalities are strata) and

    z = (ŷ₁ − ŷ₂) / √(v₁ + v₂),   two-sided p = 2 (1 − Φ(|z|)).

The p-values of one municipality's family of tests (every figure with both bases at least
``min_base``) are adjusted together with statsmodels ``multipletests`` (Holm by default, which
controls the family-wise error rate; ``"fdr_bh"`` for Benjamini–Hochberg). Figures with a
suppressed side are not tested: their p-values are missing and they are not in the family.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from . import scores

_GROUP = "_compare_group"


def compare_to_rest(
    tsp: pd.DataFrame,
    municipality: str,
    weight: str | None = "weight",
    method: str = "holm",
    alpha: float = 0.05,
    min_base: int = 10,
    level: float = 0.95,
) -> pd.DataFrame:
    """Compare ``municipality`` with the pooled other municipalities.

    Parameters
    ----------
    tsp : DataFrame
        Clean TŠP survey of every municipality with a weight column (see
        :func:`tsp_analysis.weights.add_weights`).
    municipality : str
        Slug of the municipality to compare.
    weight : str or None
        Weight column.
    method : str
        ``multipletests`` method (``holm``, ``fdr_bh``, ``bonferroni``, ...).
    alpha : float
        Family-wise level for ``significant``.
    min_base : int
        Minimum unweighted base on each side.

    Returns
    -------
    DataFrame
        One row per figure: ``measure`` (``need``, ``unmet``, ``score``), ``area``,
        ``criterion`` (missing for need and unmet), the municipality's ``estimate``, ``ci_low``,
        ``ci_high``, ``n``, ``n_eff``, ``suppressed``; the rest's ``rest_estimate``, ``rest_n``;
        ``difference`` (municipality − rest; shares as proportions, scores in points) with its
        ``diff_ci_low``/``diff_ci_high``, ``z``, ``p_value``, ``p_adjusted``, ``significant``.
    """
    if municipality not in set(tsp["municipality"].dropna()):
        raise ValueError(f"no respondents in {municipality!r}")
    if tsp["municipality"].nunique() < 2:
        raise ValueError("comparison needs at least one other municipality")
    data = tsp.assign(
        **{_GROUP: np.where(tsp["municipality"] == municipality, "municipality", "rest")}
    )
    kw = {
        "weight": weight,
        "by": _GROUP,
        "strata": "municipality",
        "min_base": min_base,
        "level": level,
    }
    needs = scores.need_unmet(data, **kw)
    needs = needs[needs["measure"] != "partly"]
    crit = scores.criterion_scores(data, **kw).assign(measure="score")
    both = pd.concat([needs, crit], ignore_index=True)
    if "criterion" not in both:
        both["criterion"] = pd.NA
    keys = ["measure", "area", "criterion"]
    both["criterion"] = both["criterion"].astype("string")
    mine = both[both[_GROUP] == "municipality"].drop(columns=_GROUP)
    rest = both[both[_GROUP] == "rest"].drop(columns=_GROUP)
    rest = rest[keys + ["estimate", "se", "n", "suppressed"]].rename(
        columns={
            "estimate": "rest_estimate",
            "se": "rest_se",
            "n": "rest_n",
            "suppressed": "rest_suppressed",
        }
    )
    out = mine.merge(rest, on=keys, how="left", sort=False)
    testable = ~out["suppressed"] & ~out["rest_suppressed"]
    diff = out["estimate"] - out["rest_estimate"]
    se = np.sqrt(out["se"] ** 2 + out["rest_se"] ** 2)
    zq = norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / se
    p = 2 * norm.sf(np.abs(z))
    # a zero standard error (both sides unanimous) gives no test rather than p = 0 or NaN noise
    testable &= se > 0
    out["difference"] = diff.where(testable)
    out["diff_ci_low"] = (diff - zq * se).where(testable)
    out["diff_ci_high"] = (diff + zq * se).where(testable)
    out["z"] = z.where(testable)
    out["p_value"] = pd.Series(p, index=out.index).where(testable)
    out["p_adjusted"] = np.nan
    out["significant"] = False
    idx = out.index[testable]
    if len(idx):
        reject, p_adj, _, _ = multipletests(
            out.loc[idx, "p_value"].to_numpy(), alpha=alpha, method=method
        )
        out.loc[idx, "p_adjusted"] = p_adj
        out.loc[idx, "significant"] = reject
    out.insert(0, "municipality", municipality)
    cols = [
        "municipality",
        *keys,
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "n_eff",
        "suppressed",
        "rest_estimate",
        "rest_n",
        "difference",
        "diff_ci_low",
        "diff_ci_high",
        "z",
        "p_value",
        "p_adjusted",
        "significant",
    ]
    out["rest_estimate"] = out["rest_estimate"].where(~out["rest_suppressed"])
    return out[cols].reset_index(drop=True)
