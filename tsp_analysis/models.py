"""What drives satisfaction: an ordinal logistic regression (statsmodels ``OrderedModel``).

Overall satisfaction (1–5; "don't know" is missing) is modelled on Lithuanian-language level
(1–5, numeric), years in Lithuania (numeric), residence basis, sex and age group (categorical,
each against its largest category). The result is a tidy table of odds ratios: an odds ratio
above 1 means higher satisfaction is more likely with one more unit (numeric predictors) or in
that category compared with the reference category.

The model is fitted on complete cases; ``n`` and ``n_dropped`` say how many were used and left
out. Categories of a predictor with fewer than ``min_category_n`` complete cases are merged
(age groups with the smaller neighbouring group, residence bases into ``other``) so that a
handful of respondents cannot produce a separation; each merge is listed in ``notes``.

``dropped`` counts the respondents left out by reason (the first missing answer in model order:
satisfaction, then each predictor), so the report can say who was left out and why.

**Sparse outcome levels are merged, not a reason to skip.** A satisfaction level with fewer than
``min_per_level`` answers is merged with its smaller neighbour (1 with 2, 5 with 4, ...), until
every level has enough; each merge is listed in ``merged_levels`` and ``notes``.

**Convergence.** The log-likelihood is maximised with BFGS on the analytic gradient (the
ordered-logit score, including the thresholds in statsmodels' increment parameterisation), then
polished with Newton steps until the largest absolute component of the gradient is below
``gtol`` (default 1e-6); that value is reported as ``gradient_max`` and a fit that does not get
there is refused.

**Proportional odds.** The model assumes each predictor shifts every cumulative split (1 vs 2–5,
1–2 vs 3–5, ...) by the same log-odds. :func:`brant_test` tests that assumption (Brant 1990): one
binary logit per split, then a Wald test that each coefficient is equal across the splits
(omnibus and per predictor), with statistic, degrees of freedom and p-value in
``proportional_odds``.

When the data cannot support the model, :func:`satisfaction_model` returns
:class:`~tsp_analysis.errors.EstimationSkipped` with the reason instead of numbers: too few
complete cases (``min_n``), fewer than three outcome levels (after merging), non-convergence, a
singular information matrix (non-finite standard errors), or implausible odds ratios (above
``max_odds_ratio`` or below its inverse, the mark of (quasi-)separation).

With ``weight``, the model is fitted by weighted pseudo-maximum likelihood (each observation's
log-likelihood times its weight, weights scaled to mean 1) with sandwich (HC0) standard errors;
without, by ordinary maximum likelihood with model-based standard errors. Because the raking
variables (sex, age group, residence basis) are predictors, the unweighted model is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm
from statsmodels.discrete.discrete_model import Logit
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime

from . import weights as weights_mod
from .codebook import load_codebook
from .errors import EstimationSkipped

NUMERIC = ("lt_level", "years_in_lt")
CATEGORICAL = ("residence_basis", "sex", "age_group")


@dataclass
class ModelResult:
    """A fitted satisfaction model.

    Attributes
    ----------
    table : DataFrame
        ``term``, ``variable``, ``level``, ``reference``, ``odds_ratio``, ``ci_low``,
        ``ci_high``, ``p_value`` (one row per predictor coefficient; thresholds are not shown).
    n : int
        Complete cases used.
    n_dropped : int
        Respondents left out for a missing outcome or predictor.
    notes : list of str
        Merged categories and dropped constant predictors.
    fit : statsmodels results
        The underlying fit, for anyone who wants more.
    gradient_max : float
        Largest absolute component of the log-likelihood's gradient at the estimate.
    dropped : DataFrame
        ``reason`` (``satisfaction`` or the predictor whose answer was missing; each
        respondent counted once, at the first missing answer) and ``n``.
    merged_levels : list of str
        Satisfaction levels merged because too few answered them, e.g. ``"1+2"``.
    proportional_odds : DataFrame or None
        :func:`brant_test` of the fitted data (``term``, ``statistic``, ``df``, ``p_value``;
        first row ``omnibus``), or None when it could not be computed.
    """

    table: pd.DataFrame
    n: int
    n_dropped: int
    outcome_counts: pd.Series
    reference: dict[str, str]
    notes: list[str] = field(default_factory=list)
    weighted: bool = False
    fit: object = None
    gradient_max: float = float("nan")
    dropped: pd.DataFrame | None = None
    merged_levels: list[str] = field(default_factory=list)
    proportional_odds: pd.DataFrame | None = None

    def __bool__(self) -> bool:
        return True

    def summary(self) -> str:
        """Plain-text summary: sample, references, odds ratios."""
        lines = [
            f"Ordinal logistic regression of satisfaction (n = {self.n}, "
            f"{self.n_dropped} left out for missing answers"
            f"{', weighted' if self.weighted else ''})",
            "References: " + ", ".join(f"{k} = {v}" for k, v in self.reference.items()),
        ]
        lines += [f"Note: {n}" for n in self.notes]
        lines.append(f"Largest gradient component at the estimate: {self.gradient_max:.2g}")
        if self.proportional_odds is not None:
            o = self.proportional_odds.iloc[0]
            lines.append(
                f"Proportional odds (Brant): chi2 = {o['statistic']:.2f}, df = {int(o['df'])}, "
                f"p = {o['p_value']:.3g}"
            )
        lines.append(self.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        return "\n".join(lines)


class _WeightedOrderedModel(OrderedModel):
    """Ordered logit whose log-likelihood contributions are multiplied by weights (ones for an
    ordinary fit), with the analytic score and a Hessian from its central differences.

    statsmodels' generic score is a forward-difference approximation of the log-likelihood,
    whose error (around 1e-5 for a few hundred respondents) is larger than the convergence
    target; the analytic score lets the optimiser and the check reach 1e-6 and below.
    """

    def __init__(self, endog, exog, obs_weights=None, **kwds):
        super().__init__(endog, exog, **kwds)
        n = len(np.asarray(self.endog))
        self.obs_weights = (
            np.ones(n) if obs_weights is None else np.asarray(obs_weights, dtype=float)
        )

    def loglikeobs(self, params):
        return self.obs_weights * super().loglikeobs(params)

    def score_obs(self, params):
        return self.obs_weights[:, None] * ordered_logit_score_obs(self, params)

    def score(self, params):
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        return approx_fprime(np.asarray(params, dtype=float), self.score, centered=True)


def ordered_logit_score_obs(model: OrderedModel, params: np.ndarray) -> np.ndarray:
    """Analytic score of an ordered-logit log-likelihood per observation, with respect to the
    coefficients and statsmodels' threshold parameters (first threshold, then the logs of the
    increments).

    With ``u_hi = τ_y − xβ``, ``u_lo = τ_{y−1} − xβ``, ``P = F(u_hi) − F(u_lo)``:
    ``∂ℓ/∂β = −x (f(u_hi) − f(u_lo))/P``; ``∂ℓ/∂τ_j = (f(u_hi)[j = y] − f(u_lo)[j = y − 1])/P``;
    and ``τ_j = θ_1 + Σ_{2≤m≤j} exp(θ_m)`` gives ``∂τ_j/∂θ_1 = 1``, ``∂τ_j/∂θ_m = exp(θ_m)``
    for ``m ≤ j``.
    """
    params = np.asarray(params, dtype=float)
    k = model.k_vars
    n_thr = model.k_levels - 1
    y = np.asarray(model.endog, dtype=int)
    low, upp = model._bounds(params)
    prob = model.prob(low, upp) + 1e-20
    f_hi, f_lo = model.pdf(upp), model.pdf(low)
    out = np.empty((len(y), k + n_thr))
    out[:, :k] = -(model.exog * ((f_hi - f_lo) / prob)[:, None]) if k else out[:, :k]
    # derivative with respect to each threshold τ_1 … τ_{J−1} (τ_0 = −∞, τ_J = +∞)
    d_tau = np.zeros((len(y), n_thr))
    rows = np.arange(len(y))
    hi = y < n_thr  # τ_y exists
    d_tau[rows[hi], y[hi]] += f_hi[hi] / prob[hi]
    lo = y > 0  # τ_{y−1} exists
    d_tau[rows[lo], y[lo] - 1] -= f_lo[lo] / prob[lo]
    theta = params[k:]
    jac = np.zeros((n_thr, n_thr))  # ∂τ_j/∂θ_m
    jac[:, 0] = 1.0
    for m in range(1, n_thr):
        jac[m:, m] = np.exp(theta[m])
    out[:, k:] = d_tau @ jac
    return out


def brant_test(outcome: np.ndarray, exog: pd.DataFrame) -> pd.DataFrame:
    """Brant's (1990) Wald test of the proportional-odds assumption.

    For each split ``j`` of the ordered outcome (``y ≥ j`` against ``y < j``) a binary logit of
    the split on ``exog`` (with an intercept) is fitted. Under proportional odds the slope
    vectors ``β_j`` are equal. Their joint covariance follows from the binary fits: with fitted
    probabilities ``π_ij`` and ``j < l``, ``Cov(β̂_j, β̂_l) = (X'W_jX)⁻¹ X'W_jl X (X'W_lX)⁻¹``,
    ``W_j = diag(π_ij(1 − π_ij))``, ``W_jl = diag(π_il(1 − π_ij))`` (``y ≥ l`` implies
    ``y ≥ j``). The Wald statistic of ``β_1 = … = β_{J−1}`` is χ² with ``(J − 2)·k`` degrees of
    freedom (omnibus), and ``J − 2`` per predictor.

    Parameters
    ----------
    outcome : int array
        Outcome level codes 0 … J − 1 (J ≥ 3).
    exog : DataFrame
        Predictors (no constant).

    Returns
    -------
    DataFrame
        ``term`` (``omnibus``, then each column of ``exog``), ``statistic``, ``df``,
        ``p_value``.
    """
    y = np.asarray(outcome, dtype=int)
    x = np.column_stack([np.ones(len(y)), exog.to_numpy(dtype=float)])
    k = exog.shape[1]
    levels = int(y.max()) + 1
    if levels < 3:
        raise ValueError("the proportional-odds test needs at least three outcome levels")
    betas, probs, inv_info = [], [], []
    for j in range(1, levels):
        fit = Logit((y >= j).astype(float), x).fit(disp=False, method="newton", maxiter=100)
        b = np.asarray(fit.params)
        p = 1 / (1 + np.exp(-(x @ b)))
        betas.append(b)
        probs.append(p)
        inv_info.append(np.linalg.inv(x.T @ (x * (p * (1 - p))[:, None])))
    m = levels - 1
    size = k + 1
    cov = np.zeros((m * size, m * size))
    for j in range(m):
        for ll in range(j, m):
            if ll == j:
                block = inv_info[j]
            else:
                mid = x.T @ (x * (probs[ll] * (1 - probs[j]))[:, None])
                block = inv_info[j] @ mid @ inv_info[ll]
            cov[j * size : (j + 1) * size, ll * size : (ll + 1) * size] = block
            cov[ll * size : (ll + 1) * size, j * size : (j + 1) * size] = block.T
    slope = np.concatenate([np.arange(j * size + 1, (j + 1) * size) for j in range(m)])
    beta = np.concatenate(betas)[slope]
    vcov = cov[np.ix_(slope, slope)]
    # contrasts β_1 − β_j, j = 2 … m, for every slope
    d = np.zeros(((m - 1) * k, m * k))
    for j in range(1, m):
        d[(j - 1) * k : j * k, :k] = np.eye(k)
        d[(j - 1) * k : j * k, j * k : (j + 1) * k] = -np.eye(k)

    def wald(rows: np.ndarray) -> tuple[float, int]:
        dd = d[rows]
        diff = dd @ beta
        stat = float(diff @ np.linalg.solve(dd @ vcov @ dd.T, diff))
        return stat, len(rows)

    out = []
    stat, df = wald(np.arange((m - 1) * k))
    out.append(("omnibus", stat, df, float(chi2.sf(stat, df))))
    for i, name in enumerate(exog.columns):
        stat, df = wald(np.arange(i, (m - 1) * k, k))
        out.append((str(name), stat, df, float(chi2.sf(stat, df))))
    return pd.DataFrame(out, columns=["term", "statistic", "df", "p_value"])


def _merge_levels(
    outcome: pd.Series, min_per_level: int, notes: list[str]
) -> tuple[pd.Series, list[str], list[str]]:
    """Merge outcome levels with fewer than ``min_per_level`` answers into their smaller
    neighbour, one at a time (smallest level first), keeping the order; returns the codes
    0 … J − 1, the label of every level after merging and the labels of the merged ones
    (``"1+2"``)."""
    counts = outcome.value_counts().sort_index()
    groups = [[int(v)] for v in counts.index]
    sizes = [int(c) for c in counts]
    merged: list[str] = []
    while len(groups) > 1 and min(sizes) < min_per_level:
        i = int(np.argmin(sizes))
        nbr = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
        j = min(nbr, key=lambda q: (sizes[q], q))
        a, b = sorted((i, j))
        groups[a] = groups[a] + groups[b]
        sizes[a] += sizes[b]
        del groups[b], sizes[b]
    code = {v: g for g, grp in enumerate(groups) for v in grp}
    for grp in groups:
        if len(grp) > 1:
            label = "+".join(str(v) for v in grp)
            merged.append(label)
            notes.append(
                f"satisfaction levels {label} merged (fewer than {min_per_level} answers each)"
            )
    labels = ["+".join(str(v) for v in grp) for grp in groups]
    return outcome.map(code).astype(int), labels, merged


def _merge_rare(values: pd.Series, variable: str, min_n: int, notes: list[str]) -> pd.Series:
    """Merge categories with fewer than ``min_n`` cases (see the module docstring)."""
    values = values.astype("string")
    if variable == "age_group":
        order = [g for g in weights_mod.adult_age_groups() if g in set(values)]
        groups = [[g] for g in order]
        while len(groups) > 1:
            sizes = [int(values.isin(g).sum()) for g in groups]
            i = int(np.argmin(sizes))
            if sizes[i] >= min_n:
                break
            nbr = [j for j in (i - 1, i + 1) if 0 <= j < len(groups)]
            j = min(nbr, key=lambda k: sizes[k])
            a, b = sorted((i, j))
            notes.append(
                f"age groups {'+'.join(groups[i])} merged with {'+'.join(groups[j])} "
                f"(fewer than {min_n} cases)"
            )
            groups[a] = groups[a] + groups[b]
            del groups[b]
        mapping = {g: "+".join(grp) for grp in groups for g in grp}
        return values.map(mapping).astype("string")
    counts = values.value_counts()
    rare = [c for c, k in counts.items() if k < min_n and c != "other"]
    if variable == "residence_basis" and rare:
        notes.append(
            f"residence bases {', '.join(sorted(rare))} merged into other "
            f"(fewer than {min_n} cases)"
        )
        values = values.where(~values.isin(rare), "other")
        if 0 < int((values == "other").sum()) < min_n:
            # 'other' still too small: fold it into the smallest remaining basis
            rest = values[values != "other"].value_counts()
            if len(rest):
                into = rest.index[-1]
                notes.append(f"residence basis other merged into {into} (fewer than {min_n})")
                values = values.where(values != "other", into)
    return values


def satisfaction_model(
    tsp: pd.DataFrame,
    *,
    weight: str | None = None,
    min_n: int = 80,
    min_per_level: int = 5,
    min_category_n: int = 10,
    max_odds_ratio: float = 1000.0,
    level: float = 0.95,
    predictors: Sequence[str] = NUMERIC + CATEGORICAL,
    gtol: float = 1e-6,
) -> ModelResult | EstimationSkipped:
    """Ordinal logit of satisfaction on language level, years in Lithuania, residence basis, sex
    and age group.

    Parameters
    ----------
    tsp : DataFrame
        Clean TŠP survey (one municipality or several).
    weight : str, optional
        Weight column for a pseudo-likelihood fit with sandwich standard errors.
    min_n, min_per_level, min_category_n, max_odds_ratio
        Thresholds of the checks in the module docstring (``min_per_level``: outcome levels
        with fewer answers are merged with a neighbour).
    gtol : float
        Largest absolute gradient component accepted at the optimum.
    level : float
        Confidence level of the odds-ratio intervals (Wald, on the log-odds scale).

    Returns
    -------
    ModelResult or EstimationSkipped
        ``EstimationSkipped.reason`` is a sentence fit for the report.
    """
    cb = load_codebook()
    y = cb.substantive(tsp["satisfaction"], "tsp_survey", "satisfaction")
    cols: dict[str, pd.Series] = {"satisfaction": y}
    for p in predictors:
        if p not in tsp:
            return EstimationSkipped(f"the survey has no column {p!r}")
        if p == "lt_level":
            cols[p] = cb.substantive(tsp[p], "tsp_survey", p)
        elif p in NUMERIC:
            cols[p] = pd.to_numeric(tsp[p], errors="coerce").astype("Float64")
        else:
            cols[p] = weights_mod.survey_values(tsp, p)
    frame = pd.DataFrame(cols, index=tsp.index)
    if weight is not None:
        frame["_w"] = pd.to_numeric(tsp[weight], errors="coerce")
    complete = frame.notna().all(axis=1)
    data = frame[complete]
    n, n_dropped = len(data), int((~complete).sum())
    first_missing = frame.isna().idxmax(axis=1).where(~complete)
    dropped = (
        first_missing.dropna()
        .value_counts()
        .reindex([c for c in frame.columns if c != "_w"] + (["_w"] if "_w" in frame else []))
        .dropna()
        .astype(int)
        .rename_axis("reason")
        .rename("n")
        .reset_index()
    )
    dropped["reason"] = dropped["reason"].replace({"_w": weight or "weight"})
    if n < min_n:
        return EstimationSkipped(
            f"only {n} respondents answered every question of the model (at least {min_n} "
            "are needed)",
            {"n": n, "n_dropped": n_dropped},
        )
    notes: list[str] = []
    outcome, level_labels, merged_levels = _merge_levels(
        data["satisfaction"].astype(int), min_per_level, notes
    )
    counts = pd.Series(np.bincount(outcome.to_numpy()), index=level_labels)
    if len(counts) < 3:
        return EstimationSkipped(
            f"satisfaction takes only {len(counts)} distinct values among the {n} respondents"
            + (f" after merging levels {', '.join(merged_levels)}" if merged_levels else ""),
            {"n": n, "outcome_counts": counts.to_dict()},
        )

    design: dict[str, np.ndarray] = {}
    labels: list[tuple[str, str, str, str]] = []  # term, variable, level, reference
    reference: dict[str, str] = {}
    for p in predictors:
        if p in NUMERIC:
            x = data[p].astype(float).to_numpy()
            if np.nanstd(x) == 0:
                notes.append(f"{p} left out: every respondent has the same value")
                continue
            design[p] = x
            labels.append((p, p, "", ""))
            continue
        values = _merge_rare(data[p], p, min_category_n, notes)
        counts_p = values.value_counts()
        if len(counts_p) < 2:
            notes.append(f"{p} left out: only one category among the respondents")
            continue
        ref = sorted(counts_p.index, key=lambda c: (-counts_p[c], c))[0]
        reference[p] = ref
        for cat in sorted(c for c in counts_p.index if c != ref):
            term = f"{p}[{cat}]"
            design[term] = (values == cat).to_numpy(dtype=float)
            labels.append((term, p, cat, ref))
    exog = pd.DataFrame(design, index=data.index)
    endog = pd.Series(
        pd.Categorical(outcome, categories=range(len(level_labels)), ordered=True),
        index=data.index,
        name="satisfaction",
    )
    w = None
    fit_kw: dict = {}
    if weight is not None:
        w = data["_w"].to_numpy(dtype=float)
        w = w / w.mean()
        fit_kw = {"cov_type": "HC0"}
    try:
        model = _WeightedOrderedModel(endog, exog, obs_weights=w, distr="logit")
        first = model.fit(method="bfgs", maxiter=2000, disp=False, gtol=gtol / 100)
        # Newton from the BFGS solution, on the analytic score: the gradient to below gtol
        res = model.fit(
            start_params=np.asarray(first.params),
            method="newton",
            maxiter=100,
            tol=1e-12,
            disp=False,
            **fit_kw,
        )
    except (np.linalg.LinAlgError, ValueError) as exc:
        return EstimationSkipped(f"the model could not be fitted ({exc})", {"n": n})
    gradient_max = float(np.max(np.abs(model.score(np.asarray(res.params)))))
    if not np.isfinite(gradient_max) or gradient_max >= gtol:
        return EstimationSkipped(
            f"the model did not converge (largest gradient component {gradient_max:.2g}, "
            f"at least {gtol:g} is required)",
            {"n": n, "gradient_max": gradient_max},
        )
    k = exog.shape[1]
    coef = np.asarray(res.params)[:k]
    with np.errstate(invalid="ignore"):
        se = np.sqrt(np.diag(np.asarray(res.cov_params()))[:k])
    if not np.all(np.isfinite(se)) or np.any(se <= 0):
        return EstimationSkipped(
            "the model's information matrix is singular (some effects cannot be separated "
            "from each other with these data)",
            {"n": n},
        )
    if np.any(np.abs(coef) > np.log(max_odds_ratio)):
        worst = labels[int(np.argmax(np.abs(coef)))][0]
        return EstimationSkipped(
            f"implausible odds ratio for {worst} (separation: some group answers only one way)",
            {"n": n},
        )
    zq = norm.ppf(0.5 + level / 2)
    table = pd.DataFrame(labels, columns=["term", "variable", "level", "reference"])
    table["odds_ratio"] = np.exp(coef)
    table["ci_low"] = np.exp(coef - zq * se)
    table["ci_high"] = np.exp(coef + zq * se)
    table["p_value"] = 2 * norm.sf(np.abs(coef / se))
    try:
        po = brant_test(outcome.to_numpy(), exog)
        po["term"] = po["term"].astype("str")
    except (np.linalg.LinAlgError, ValueError, OverflowError) as exc:
        po = None
        notes.append(f"the proportional-odds test could not be computed ({exc})")
    return ModelResult(
        table=table,
        n=n,
        n_dropped=n_dropped,
        outcome_counts=counts,
        reference=reference,
        notes=notes,
        weighted=weight is not None,
        fit=res,
        gradient_max=gradient_max,
        dropped=dropped,
        merged_levels=merged_levels,
        proportional_odds=po,
    )
