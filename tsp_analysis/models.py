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

When the data cannot support the model, :func:`satisfaction_model` returns
:class:`~tsp_analysis.errors.EstimationSkipped` with the reason instead of numbers: too few
complete cases (``min_n``), an outcome level with fewer than ``min_per_level`` cases, fewer than
three outcome levels, non-convergence, a singular information matrix (non-finite standard
errors), or implausible odds ratios (above ``max_odds_ratio`` or below its inverse, the mark of
(quasi-)separation).

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
from scipy.stats import norm
from statsmodels.miscmodels.ordinal_model import OrderedModel

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
    """

    table: pd.DataFrame
    n: int
    n_dropped: int
    outcome_counts: pd.Series
    reference: dict[str, str]
    notes: list[str] = field(default_factory=list)
    weighted: bool = False
    fit: object = None

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
        lines.append(self.table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        return "\n".join(lines)


class _WeightedOrderedModel(OrderedModel):
    """OrderedModel whose log-likelihood contributions are multiplied by weights."""

    def __init__(self, endog, exog, obs_weights, **kwds):
        super().__init__(endog, exog, **kwds)
        self.obs_weights = np.asarray(obs_weights, dtype=float)

    def loglikeobs(self, params):
        return self.obs_weights * super().loglikeobs(params)

    def score_obs_(self, params):  # the analytic partial score, weighted like the likelihood
        return self.obs_weights[:, None] * super().score_obs_(params)


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
    weight: str | None = None,
    min_n: int = 80,
    min_per_level: int = 5,
    min_category_n: int = 10,
    max_odds_ratio: float = 1000.0,
    level: float = 0.95,
    predictors: Sequence[str] = NUMERIC + CATEGORICAL,
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
        Thresholds of the checks in the module docstring.
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
    if n < min_n:
        return EstimationSkipped(
            f"only {n} respondents answered every question of the model (at least {min_n} "
            "are needed)",
            {"n": n, "n_dropped": n_dropped},
        )
    outcome = data["satisfaction"].astype(int)
    counts = outcome.value_counts().sort_index()
    if len(counts) < 3:
        return EstimationSkipped(
            f"satisfaction takes only {len(counts)} distinct values among the {n} respondents",
            {"n": n},
        )
    sparse = counts[counts < min_per_level]
    if len(sparse):
        return EstimationSkipped(
            "too few respondents at satisfaction level(s) "
            + ", ".join(f"{k} (n = {v})" for k, v in sparse.items())
            + f"; at least {min_per_level} per level are needed",
            {"n": n, "outcome_counts": counts.to_dict()},
        )

    notes: list[str] = []
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
        pd.Categorical(outcome, categories=sorted(counts.index), ordered=True),
        index=data.index,
        name="satisfaction",
    )
    try:
        if weight is None:
            model = OrderedModel(endog, exog, distr="logit")
            res = model.fit(method="bfgs", maxiter=2000, disp=False)
        else:
            w = data["_w"].to_numpy(dtype=float)
            w = w / w.mean()
            model = _WeightedOrderedModel(endog, exog, obs_weights=w, distr="logit")
            res = model.fit(method="bfgs", maxiter=2000, disp=False, cov_type="HC0")
    except (np.linalg.LinAlgError, ValueError) as exc:
        return EstimationSkipped(f"the model could not be fitted ({exc})", {"n": n})
    if not res.mle_retvals.get("converged", False):
        return EstimationSkipped("the model did not converge", {"n": n})
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
    return ModelResult(
        table=table,
        n=n,
        n_dropped=n_dropped,
        outcome_counts=counts,
        reference=reference,
        notes=notes,
        weighted=weight is not None,
        fit=res,
    )
