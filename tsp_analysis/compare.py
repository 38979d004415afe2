"""A municipality against the pooled other municipalities, for every area and criterion.

For each figure (need and unmet shares per area, the area × criterion scores) the municipality's
weighted estimate is compared with the same estimate for all other municipalities pooled (each
weighted to its own population, so the pooled rest weights municipalities by their size). The
two samples are independent, so the difference has variance ``v₁ + v₂`` (the linearised
variances of :mod:`tsp_analysis.estimate`; for the pooled rest the municipalities are strata) and

    z = (ŷ₁ − ŷ₂) / √(v₁ + v₂),   two-sided p = 2 (1 − Φ(|z|)).

The p-values are adjusted within stated **families** (``family``): ``needs`` (need and unmet
share of the 9 areas: 18 tests) and ``scores`` (the 45 area × criterion scores). One family of
all 63 correlated tests let the 45 score tests dilute the 18 need tests; the families keep a
question's multiplicity to the questions it is asked with. Within each family statsmodels
``multipletests`` adjusts with Benjamini–Hochberg by default (``fdr_bh``: controls the expected
share of false discoveries among the differences reported, the right error rate for a screening
table), or Holm (``holm``: the family-wise error rate) as an option. Figures with a suppressed
side are not tested: their p-values are missing and they are not in the family.

``direction`` says which way a significant difference goes *for the municipality*: ``higher``
(the municipality's figure is above the rest's), ``lower`` or ``none`` (not significant). "Not
significant" is not "no difference": the interval of the difference says how large a
difference the data cannot rule out.

**Zero variance.** A side whose estimate has a linearised variance of 0 (every answer the same)
would make the z-test lean on the other side alone, understating the uncertainty of a small
unanimous group. For shares that side's variance is replaced by that of the Agresti–Caffo
adjusted share ``p̃ = (n*p + 1)/(n* + 2)``, ``v = p̃(1 − p̃)/(n* + 2)`` on its Kish effective
base ``n*`` (``test_note = "zero_variance_adjusted"``); a score with a zero-variance side is not
tested (``test_note = "zero_variance"``). (A stratum of the pooled rest with a single respondent
does contribute variance: see :func:`tsp_analysis.estimate._stratum_parts`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from . import scores
from .errors import InputError, Problem, no_respondents, source_of
from .thresholds import DEFAULT_MIN_BASE

_GROUP = "_compare_group"


#: Family of each measure for the multiple-testing adjustment.
FAMILIES: dict[str, str] = {"need": "needs", "unmet": "needs", "score": "scores"}


def compare_to_rest(
    tsp: pd.DataFrame,
    municipality: str,
    *,
    weight: str | None = "weight",
    method: str = "fdr_bh",
    alpha: float = 0.05,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
    families: bool = True,
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
        ``multipletests`` method: ``fdr_bh`` (default, Benjamini–Hochberg), ``holm``,
        ``bonferroni``, ...
    alpha : float
        Level for ``significant`` (false discovery rate for ``fdr_bh``, family-wise for
        ``holm``).
    min_base : int
        Minimum unweighted base on each side.
    families : bool
        Adjust within the families of :data:`FAMILIES` (default) or, with False, over every
        test at once (the former behaviour).

    Returns
    -------
    DataFrame
        One row per figure: ``municipality``, ``measure`` (``need``, ``unmet``, ``score``),
        ``area``, ``criterion`` (missing for need and unmet), the municipality's ``estimate``,
        ``ci_low``, ``ci_high``, ``n``, ``n_eff``, ``n_interval``, ``suppressed``; the rest's
        ``rest_estimate``, ``rest_n``; ``difference`` (municipality − rest; shares as
        proportions, scores in points) with its ``diff_ci_low``/``diff_ci_high``, ``z``,
        ``p_value``, ``p_adjusted``, ``significant``, and ``family`` (``needs``/``scores``),
        ``family_size`` (tests adjusted together), ``p_method``, ``direction``
        (``higher``/``lower``/``none``, the municipality relative to the rest) and
        ``test_note`` (empty, ``suppressed``, ``zero_variance`` or ``zero_variance_adjusted``).
    """
    present = sorted(set(tsp["municipality"].dropna()))
    if municipality not in present:
        expected = f"respondents in the municipality compared (the survey has {present})"
        raise no_respondents(tsp, municipality, expected)
    if len(present) < 2:
        raise InputError(
            Problem(
                source_of(tsp, "tsp_survey"),
                None,
                "municipality",
                present,
                "respondents in at least two municipalities",
            ),
            message="comparison needs at least one other municipality",
        )
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
    rest = rest[keys + ["estimate", "se", "n", "n_eff", "suppressed"]].rename(
        columns={
            "estimate": "rest_estimate",
            "se": "rest_se",
            "n": "rest_n",
            "n_eff": "rest_n_eff",
            "suppressed": "rest_suppressed",
        }
    )
    out = mine.merge(rest, on=keys, how="left", sort=False)
    testable = (~out["suppressed"] & ~out["rest_suppressed"]).to_numpy(dtype=bool, copy=True)
    is_share = (out["measure"] != "score").to_numpy()
    v1, note1 = _variance(out["estimate"], out["se"], out["n_eff"], is_share)
    v2, note2 = _variance(out["rest_estimate"], out["rest_se"], out["rest_n_eff"], is_share)
    note = np.where(testable, np.where(note1 != "", note1, note2), "suppressed")
    testable &= note != "zero_variance"
    diff = (out["estimate"] - out["rest_estimate"]).to_numpy(dtype=float)
    se = np.sqrt(v1 + v2)
    zq = norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = diff / se
    p = 2 * norm.sf(np.abs(z))
    testable &= np.isfinite(z)
    out["difference"] = np.where(testable, diff, np.nan)
    out["diff_ci_low"] = np.where(testable, diff - zq * se, np.nan)
    out["diff_ci_high"] = np.where(testable, diff + zq * se, np.nan)
    out["z"] = np.where(testable, z, np.nan)
    out["p_value"] = np.where(testable, p, np.nan)
    out["p_adjusted"] = np.nan
    out["significant"] = False
    out["family"] = out["measure"].map(FAMILIES).astype("str") if families else "all"
    out["family_size"] = 0
    for _, idx in out[testable].groupby("family", sort=False).groups.items():
        reject, p_adj, _, _ = multipletests(
            out.loc[idx, "p_value"].to_numpy(), alpha=alpha, method=method
        )
        out.loc[idx, "p_adjusted"] = p_adj
        out.loc[idx, "significant"] = reject
        out.loc[idx, "family_size"] = len(idx)
    out["p_method"] = method
    out["direction"] = np.select(
        [
            out["significant"] & (out["difference"] > 0),
            out["significant"] & (out["difference"] < 0),
        ],
        ["higher", "lower"],
        "none",
    )
    out["test_note"] = note
    out.insert(0, "municipality", municipality)
    cols = [
        "municipality",
        *keys,
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "n_eff",
        "n_interval",
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
        "family",
        "family_size",
        "p_method",
        "direction",
        "test_note",
    ]
    out["rest_estimate"] = out["rest_estimate"].where(~out["rest_suppressed"])
    for c in ("direction", "test_note", "p_method"):
        out[c] = out[c].astype("str")
    return out[cols].reset_index(drop=True)


def _variance(
    estimate: pd.Series, se: pd.Series, n_eff: pd.Series, is_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One side's variance for the z-test and a note when a zero variance had to be handled
    (see the module docstring)."""
    p = estimate.to_numpy(dtype=float, na_value=np.nan)
    v = se.to_numpy(dtype=float, na_value=np.nan) ** 2
    n = n_eff.to_numpy(dtype=float, na_value=np.nan)
    zero = v == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        p_adj = (p * n + 1) / (n + 2)
        v_adj = p_adj * (1 - p_adj) / (n + 2)
    v = np.where(zero & is_share, v_adj, v)
    note = np.where(zero, np.where(is_share, "zero_variance_adjusted", "zero_variance"), "")
    return v, note
