"""Survey weights: raking (iterative proportional fitting) of the TŠP survey to population margins.

A municipality's respondents are weighted so that their weighted distributions of sex, age
group, citizenship group and residence basis match the adult third-country nationals living
there (``population.csv``, latest year by default). The weights are expansion weights: they sum
to the adult TŠP population of the municipality, so pooling several municipalities weights each
by its size.

Rules, all recorded in the :class:`RakeResult`:

* **Supported margins.** A margin is used when both the survey and the population table break
  it down into at least two categories for that municipality; otherwise it is listed in
  ``dropped`` with the reason.
* **Population.** The adult third-country nationals of the municipality
  (:func:`tsp_analysis.margins.population_slice`): EU/EEA/Swiss citizens and children in the
  population table are left out, as in the context section and the data review.
* **Citizenship groups.** The citizenships with at least ``min_group_n`` respondents (default
  5% of the sample, at least 10; up to ``max_citizenships`` of them, largest population first)
  are their own category; every other citizenship is ``other``
  (:func:`tsp_analysis.margins.citizenship_groups`, the grouping every table uses).
* **Consistent margins.** Margins whose totals disagree are rescaled to the first one's total
  with a warning and a note (``summary()["inconsistent_margins"]``).
* **Empty cells are collapsed, never ignored.** A population category with no respondents
  cannot be met by any weight; a respondent category with no population cannot be weighted; a
  category with fewer than ``min_cell`` respondents (default 5 in :func:`weight_survey`) would
  get weights too extreme to trim. Such a category is merged: an ordered variable (age group)
  with its adjacent category (the smaller of the two neighbours), an unordered one into
  ``other`` (``other`` itself, when empty, into the smallest category). Each merge is a row of
  ``RakeResult.collapsed``. With ``collapse=False`` the same situation raises
  :class:`~tsp_analysis.errors.InputError` instead.
* **Respondents with a missing margin variable** (e.g. sex "prefer not to say") are kept. In the
  step for that margin their weight is left as it is, and the respondents who did answer are
  raked to the population *shares* of the categories, scaled so that the total still equals the
  population (a better rule than giving them the mean weight, which would ignore what they did
  answer). The weighted distribution among those who answered then matches the population and
  nobody is dropped or given an arbitrary weight.
* **Trimming.** Weights are kept within ``trim`` × the mean weight (default 0.3–3.0). Plain
  raking runs first; if its weights leave the bounds, the bounded raking problem is solved
  instead (the weights closest to the starting weights in the raking sense that meet every
  margin within the bounds; Newton's method on its dual). When such weights exist they are
  found. When they do not (typically a tiny sample), the margins take precedence: the untrimmed
  raking weights are kept, a warning is raised and ``notes`` says so with the weights' range.
  ``converged`` is False only when the margins themselves were not met within ``max_iter``.

The Kish design effect ``deff = n Σw² / (Σw)²`` and effective sample size ``(Σw)² / Σw²``
summarise the precision lost to weighting.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import reference
from .errors import InputError, Problem, no_respondents, source_of
from .margins import (
    MARGINS,
    MAX_CITIZENSHIPS,
    OTHER,
    adult_age_groups,
    category_order,
    citizenship_groups,
    default_min_group_n,
    group_citizenship,
    inconsistent_totals,
    population_slice,
    survey_values,
)
from .thresholds import DEFAULT_MIN_COUNT

__all__ = [
    "MARGINS",
    "OTHER",
    "RakeResult",
    "add_weights",
    "adult_age_groups",
    "citizenship_groups",
    "effective_n",
    "kish_deff",
    "rake",
    "raking_groups",
    "sample_vs_population",
    "survey_values",
    "weight_survey",
]


def kish_deff(w: np.ndarray | pd.Series) -> float:
    """Kish design effect due to unequal weights, ``n Σw² / (Σw)²`` (1 for equal weights).

    >>> kish_deff([1, 1, 1, 1])
    1.0
    >>> round(kish_deff([1, 1, 1, 3]), 4)
    1.3333
    """
    w = np.asarray(w, dtype=float)
    return float(len(w) * np.sum(w * w) / np.sum(w) ** 2)


def effective_n(w: np.ndarray | pd.Series) -> float:
    """Kish effective sample size ``(Σw)² / Σw²`` = n / deff.

    >>> effective_n([1, 1, 1, 3])
    3.0
    """
    w = np.asarray(w, dtype=float)
    return float(np.sum(w) ** 2 / np.sum(w * w))


@dataclass
class RakeResult:
    """Weights and a full account of how they were obtained.

    Attributes
    ----------
    weights : Series
        One weight per respondent, indexed like the sample; sums to the population total.
    converged : bool
        Margins met within ``tol`` and every weight within the trimming bounds.
    iterations : int
        Raking sweeps used.
    max_error : float
        Largest absolute difference between a weighted share and its population share, over
        every category of every margin (0.001 = 0.1 percentage point).
    collapsed : DataFrame
        One row per merge of categories: ``margin``, ``category`` (the empty or too small one),
        ``categories`` (every original category of the merged cell, ``+``-joined codes),
        ``into`` (resulting category label: ``other``, or the ``+``-joined codes), ``reason``
        (about ``category``).
    margins : dict
        Population targets actually used (after collapsing), margin → Series category → total.
    dropped : dict
        Margins not used, with the reason.
    n_missing : dict
        Respondents without a value, per margin used (kept; see the module docstring).
    n_trimmed : int
        Weights that ended at a trimming bound.
    notes : list of str
        Anything the reader of the weights must know (e.g. trimming bounds that could not be
        met, population margins whose totals disagree).
    groups : dict
        Margin → the categories raked to (label → original codes, in order): a merged
        category's label is its codes ``+``-joined, as in ``collapsed``.
    """

    weights: pd.Series
    converged: bool
    iterations: int
    max_error: float
    collapsed: pd.DataFrame
    margins: dict[str, pd.Series]
    achieved: dict[str, pd.Series]
    sample_n: dict[str, pd.Series]
    dropped: dict[str, str] = field(default_factory=dict)
    n_missing: dict[str, int] = field(default_factory=dict)
    n_trimmed: int = 0
    trim: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)
    municipality: str | None = None
    year: int | None = None
    groups: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def deff(self) -> float:
        """Kish design effect of the weights."""
        return kish_deff(self.weights)

    @property
    def n_eff(self) -> float:
        """Kish effective sample size of the weights."""
        return effective_n(self.weights)

    def report(self) -> pd.DataFrame:
        """Convergence report: one row per margin × category.

        Columns ``margin``, ``category``, ``sample_n`` (respondents), ``target`` (population),
        ``target_share``, ``achieved_share`` (weighted share among respondents with a value),
        ``error`` (achieved − target share).
        """
        rows = []
        for m, target in self.margins.items():
            share = target / target.sum()
            got = self.achieved[m]
            for cat in target.index:
                rows.append(
                    {
                        "margin": m,
                        "category": cat,
                        "sample_n": int(self.sample_n[m].get(cat, 0)),
                        "target": float(target[cat]),
                        "target_share": float(share[cat]),
                        "achieved_share": float(got[cat]),
                        "error": float(got[cat] - share[cat]),
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, object]:
        """Key figures for the report's sample section."""
        w = self.weights.to_numpy()
        return {
            "municipality": self.municipality,
            "year": self.year,
            "n": len(w),
            "population": float(w.sum()),
            "margins": list(self.margins),
            "dropped": dict(self.dropped),
            "collapsed": len(self.collapsed),
            "converged": self.converged,
            "iterations": self.iterations,
            "max_error": self.max_error,
            "n_trimmed": self.n_trimmed,
            "notes": list(self.notes),
            # for the weighting summary: the population margins' totals disagreed (rescaled)
            "inconsistent_margins": next(
                (note for note in self.notes if note.startswith("the population margins")), None
            ),
            "weight_min": float(w.min()) if len(w) else float("nan"),
            "weight_max": float(w.max()) if len(w) else float("nan"),
            "deff": self.deff,
            "n_eff": self.n_eff,
        }


# -- raking -----------------------------------------------------------------------------------
def rake(
    sample: pd.DataFrame,
    margins: Mapping[str, pd.Series | Mapping[str, float]],
    *,
    weight: str | None = None,
    trim: tuple[float, float] | None = None,
    ordered: Mapping[str, Sequence[str]] | None = None,
    collapse: bool = True,
    min_cell: int = 0,
    max_iter: int = 500,
    tol: float = 1e-6,
    source: str | None = None,
) -> RakeResult:
    """Rake ``sample`` to population ``margins``.

    Parameters
    ----------
    sample : DataFrame
        One row per respondent with a column per margin (missing values allowed).
    margins : dict
        Margin column → population totals per category (Series or dict). Totals that differ
        between margins are rescaled to the first margin's total, with a ``RuntimeWarning``
        and a line in ``notes`` (see :func:`tsp_analysis.margins.inconsistent_totals`).
    weight : str, optional
        Column of starting (design) weights; default equal.
    trim : (low, high), optional
        Bounds as multiples of the mean weight, e.g. ``(0.3, 3.0)``.
    ordered : dict, optional
        Margin → category order, for margins whose empty categories merge with a neighbour.
    collapse : bool
        Merge empty categories (default) or raise :class:`InputError`.
    min_cell : int
        Also merge categories with fewer respondents than this (default 0: only empty ones).
        A handful of respondents standing for a large population group gets extreme weights
        that trimming then cannot reconcile with the margins.
    max_iter, tol
        Stop after ``max_iter`` sweeps or when every weighted share is within ``tol`` of its
        target (and the weights within the bounds).
    source : str, optional
        The survey file named in errors (default: the sample's ``source_file``, else
        ``tsp_survey.csv``); the population totals are named ``population.csv``.

    Returns
    -------
    RakeResult

    Examples
    --------
    >>> s = pd.DataFrame({"sex": ["female", "male", "male", "male"]})
    >>> r = rake(s, {"sex": {"female": 60, "male": 40}})
    >>> r.weights.round(2).tolist()
    [60.0, 13.33, 13.33, 13.33]
    """
    source = source or source_of(sample, "tsp_survey")
    if len(sample) == 0:
        raise InputError(
            Problem(source, None, None, None, "at least one respondent to weight"),
            message="cannot rake an empty sample",
        )
    ordered = dict(ordered or {})
    targets: dict[str, pd.Series] = {}
    for m, t in margins.items():
        if m not in sample:
            raise KeyError(f"margin {m!r} is not a column of the sample")
        t = pd.Series(t, dtype=float)
        t.index = t.index.astype(str)
        if (t < 0).any() or not np.isfinite(t.to_numpy()).all():
            raise InputError(
                Problem("population.csv", None, m, t[~(t >= 0)].to_dict(), "non-negative totals")
            )
        targets[m] = t
    if not targets:
        raise ValueError("no margins to rake to")
    total = float(next(iter(targets.values())).sum())
    if total <= 0:
        raise InputError(Problem("population.csv", None, None, total, "a positive population"))
    disagree = inconsistent_totals(targets)
    if disagree:  # rescaled below; the reader of the weights must know
        warnings.warn(disagree, RuntimeWarning, stacklevel=2)

    collapsed_rows: list[dict[str, str]] = []
    groups_used: dict[str, dict[str, list[str]]] = {}
    dropped: dict[str, str] = {}
    codes: dict[str, np.ndarray] = {}
    used: dict[str, pd.Series] = {}
    sample_n: dict[str, pd.Series] = {}
    for m, t in targets.items():
        values = sample[m]
        if not pd.api.types.is_string_dtype(values):
            values = values.astype("str")
        groups, rows = _collapse(
            m, t, values, ordered.get(m), allowed=collapse, min_cell=min_cell, source=source
        )
        collapsed_rows.extend(rows)
        if len(groups) < 2:
            dropped[m] = "only one category left after collapsing empty cells"
            continue
        labels = list(groups)
        group_of = {orig: i for i, g in enumerate(labels) for orig in groups[g]}
        # factorize (fast on Arrow strings), then map the few distinct answers to their group
        raw_codes, uniques = pd.factorize(values)
        lut = np.array([group_of.get(str(u), -1) for u in uniques] + [-1], dtype=np.int64)
        code = lut[raw_codes]  # -1 (missing) stays -1
        target = pd.Series([t.reindex(groups[g]).fillna(0).sum() for g in labels], index=labels)
        codes[m] = code
        groups_used[m] = {g: list(groups[g]) for g in labels}
        used[m] = target / target.sum() * total
        sample_n[m] = pd.Series(np.bincount(code[code >= 0], minlength=len(labels)), index=labels)

    n = len(sample)
    w = (
        np.full(n, total / n)
        if weight is None
        else pd.to_numeric(sample[weight]).to_numpy(dtype=float) * 1.0
    )
    if weight is not None:
        w = w / w.sum() * total
    lo = hi = None
    if trim is not None:
        lo, hi = trim[0] * total / n, trim[1] * total / n
        if not 0 <= trim[0] <= 1 <= trim[1]:
            raise ValueError(f"trim bounds must satisfy 0 ≤ low ≤ 1 ≤ high, got {trim}")
    shares = {m: (t / t.sum()).to_numpy() for m, t in used.items()}
    known = {m: c >= 0 for m, c in codes.items()}

    # Respondents with the same categories on every margin and the same starting weight get
    # the same weight, so the computation runs on these cells (a few hundred) rather than on
    # every respondent; only the final weights are expanded back.
    key = np.zeros(n, dtype=np.int64)
    for m, c in codes.items():
        key = key * (len(shares[m]) + 1) + (c + 1)
    if weight is not None:
        key = key * n + pd.factorize(w)[0]
    _, first, inverse, cnt = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    cnt = cnt.astype(float)
    d = w[first]  # starting weight per respondent of each cell
    cell_codes = {m: c[first] for m, c in codes.items()}
    cell_known = {m: k[first] for m, k in known.items()}
    big_w = d * cnt  # total weight of each cell
    iterations, error, converged = 0, np.inf, False
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        for m, c in cell_codes.items():
            k = cell_known[m]
            ck, wk = c[k], big_w[k]
            want = shares[m] * (total - (big_w.sum() - wk.sum()))
            current = np.bincount(ck, weights=wk, minlength=len(want))
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(current > 0, want / current, 1.0)
            big_w[k] = wk * factor[ck]
        error = _max_error(big_w, cell_codes, cell_known, shares, total)
        if error < tol:
            converged = True
            break
    w_cell = big_w / cnt
    notes: list[str] = [disagree] if disagree else []
    if converged and trim is not None and (w_cell.min() < lo or w_cell.max() > hi):
        # the raking weights leave the bounds: solve the bounded problem instead
        wb, it_b = _bounded_rake(
            d, cnt, cell_codes, cell_known, shares, total, lo, hi, min(max_iter, 100)
        )
        error_b = _max_error(wb * cnt, cell_codes, cell_known, shares, total)
        if error_b < tol:
            w_cell, iterations, error = wb, iterations + it_b, error_b
        else:
            # no weights within the bounds meet the margins: keep the (untrimmed) raking
            # weights, which do, and say so
            notes.append(
                f"the trimming bounds {trim[0]:g}–{trim[1]:g} × mean weight cannot be met "
                f"together with the margins; the weights are not trimmed (they range "
                f"{w_cell.min() * n / total:.2f}–{w_cell.max() * n / total:.2f} × mean weight)"
            )
            warnings.warn("; ".join(notes), RuntimeWarning, stacklevel=2)
    w = w_cell[inverse]
    achieved = {}
    for m, c in codes.items():
        k = known[m]
        got = np.bincount(c[k], weights=w[k], minlength=len(shares[m]))
        achieved[m] = pd.Series(got / got.sum(), index=used[m].index)
    n_trimmed = 0
    if trim is not None and not any(note.startswith("the trimming bounds") for note in notes):
        n_trimmed = int(np.sum(np.isclose(w, lo, rtol=1e-9) | np.isclose(w, hi, rtol=1e-9)))
    if not converged:
        warnings.warn(
            f"raking did not converge in {max_iter} sweeps: largest margin error "
            f"{error:.2%}; see RakeResult.report()",
            RuntimeWarning,
            stacklevel=2,
        )
    return RakeResult(
        weights=pd.Series(w, index=sample.index, name="weight"),
        converged=converged,
        iterations=iterations,
        max_error=float(error),
        collapsed=pd.DataFrame(
            collapsed_rows, columns=["margin", "category", "categories", "into", "reason"]
        ),
        margins=used,
        achieved=achieved,
        sample_n=sample_n,
        dropped=dropped,
        n_missing={m: int((~k).sum()) for m, k in known.items()},
        n_trimmed=n_trimmed,
        trim=trim,
        notes=notes,
        groups=groups_used,
    )


def _bounded_rake(
    d: np.ndarray,
    cnt: np.ndarray,
    codes: dict[str, np.ndarray],
    known: dict[str, np.ndarray],
    shares: dict[str, np.ndarray],
    total: float,
    lo: float,
    hi: float,
    max_iter: int,
) -> tuple[np.ndarray, int]:
    """Raking with bounds: the weights closest to ``d`` in the raking (Kullback–Leibler) sense
    that meet every margin and lie in [lo, hi].

    Works on cells of identical respondents: ``d`` is the starting weight of one respondent of
    each cell and ``cnt`` the number of respondents in it; returns one weight per respondent
    of each cell.

    The solution has the form ``w_i = clip(d_i exp(x_iᵀλ), lo, hi)``, where ``x_i`` holds, per
    margin, the respondent's category indicator minus the population shares (zero for a
    respondent without a value, so the missing-value rule of :func:`rake` carries over) and a
    constant for the total. ``λ`` minimises the convex dual ``Σ_i G_i(x_iᵀλ) − λᵀt`` (``G_i`` is
    the integral of the clipped exponential); Newton steps with backtracking find it. Without
    binding bounds this is exactly the raking solution. When no weights within the bounds meet
    the margins, the dual has no minimum and the returned weights miss the margins (the caller
    reports non-convergence).
    """
    cols = []
    for m, c in codes.items():
        k = known[m].astype(float)
        for g in range(len(shares[m]) - 1):  # one category per margin is redundant
            cols.append((c == g).astype(float) - shares[m][g] * k)
    cols.append(np.ones(len(d)))
    x = np.column_stack(cols)
    t = np.zeros(x.shape[1])
    t[-1] = total
    a, b = np.log(lo / d), np.log(hi / d)

    def weights_at(u):
        return np.clip(d * np.exp(np.clip(u, a, b)), lo, hi)

    def dual(lam):
        u = x @ lam
        inner = d * np.exp(np.clip(u, a, b))
        g = np.where(u < a, lo * (u - a) + lo, np.where(u > b, hi * (u - b) + hi, inner))
        return cnt @ g - lam @ t

    lam = np.zeros(x.shape[1])
    value = dual(lam)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - returned
        u = x @ lam
        w = weights_at(u)
        grad = x.T @ (cnt * w) - t
        if np.max(np.abs(grad)) <= 1e-10 * total:
            break
        free = (u > a) & (u < b)
        hess = (x * (cnt * w * free)[:, None]).T @ x
        step = np.linalg.lstsq(hess + 1e-12 * total * np.eye(len(lam)), -grad, rcond=None)[0]
        slope = grad @ step
        if not slope < 0:  # Newton direction unusable (all clipped): fall back to the gradient
            step, slope = -grad / total, -(grad @ grad) / total
        size = 1.0
        while size > 1e-12:
            new = dual(lam + size * step)
            if new <= value + 1e-4 * size * slope:
                break
            size /= 2
        else:
            break  # no progress possible: the margins cannot be met within the bounds
        lam, value = lam + size * step, new
    return weights_at(x @ lam), iterations


def _max_error(w, codes, known, shares, total) -> float:
    err = abs(w.sum() - total) / total
    for m, c in codes.items():
        k = known[m]
        got = np.bincount(c[k], weights=w[k], minlength=len(shares[m]))
        err = max(err, float(np.max(np.abs(got / got.sum() - shares[m]))))
    return err


def _collapse(
    margin: str,
    target: pd.Series,
    values: pd.Series,
    order: Sequence[str] | None,
    *,
    allowed: bool,
    min_cell: int = 0,
    source: str,
) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """Merge categories until every one has both respondents (at least ``min_cell``) and
    population.

    Returns the groups (label → original categories, in order) and one log row per merge.
    """
    counts = values.value_counts(dropna=True)
    cats = list(dict.fromkeys(list(target.index) + list(counts.index)))
    if order is not None:
        unknown = [c for c in cats if c not in order]
        if unknown:
            raise InputError(
                Problem(source, None, margin, unknown, f"one of {list(order)}"),
                message=f"unknown categories in ordered margin {margin!r}",
            )
        cats = [c for c in order if c in cats]
    groups: dict[str, list[str]] = {c: [c] for c in cats}
    pop = {c: float(target.get(c, 0.0)) for c in cats}
    smp = {c: int(counts.get(c, 0)) for c in cats}
    rows: list[dict[str, str]] = []
    while len(groups) > 1:
        labels = list(groups)
        g_pop = {g: sum(pop[c] for c in groups[g]) for g in labels}
        g_smp = {g: sum(smp[c] for c in groups[g]) for g in labels}
        empty = [g for g in labels if (g_pop[g] > 0) != (g_smp[g] > 0) or g_pop[g] == g_smp[g] == 0]
        small = sorted((g for g in labels if 0 < g_smp[g] < min_cell), key=lambda x: g_smp[x])
        if not empty and not small:
            break
        g = empty[0] if empty else small[0]
        if g_pop[g] == 0 and g_smp[g] == 0:  # absent everywhere: simply not a category
            del groups[g]
            continue
        if g_smp[g] == 0:
            reason = "no respondents in this population category"
        elif g_pop[g] == 0:
            reason = "respondents in a category with no population"
        else:
            reason = f"only {g_smp[g]} respondent(s), fewer than {min_cell}"
        if not allowed:
            raise InputError(
                Problem(source, None, margin, g, "respondents in every population category"),
                message=f"margin {margin!r} cannot be met: {reason} ({g}); "
                "rake with collapse=True to merge it",
            )
        i = labels.index(g)
        if order is not None:
            neighbours = [labels[j] for j in (i - 1, i + 1) if 0 <= j < len(labels)]
            into = min(neighbours, key=lambda x: (g_pop[x], labels.index(x)))
        elif g != OTHER and OTHER in groups:
            into = OTHER
        else:
            rest = [x for x in labels if x != g]
            into = min(rest, key=lambda x: (g_pop[x], x))
        merged = groups[into] + groups[g] if labels.index(into) < i else groups[g] + groups[into]
        new_label = OTHER if into == OTHER else "+".join(merged)
        rows.append(
            {
                "margin": margin,
                "category": g,
                "categories": "+".join(merged),
                "into": new_label,
                "reason": reason,
            }
        )
        # rebuild in order, the merged group taking the earlier position
        rebuilt: dict[str, list[str]] = {}
        for x in labels:
            if x == g:
                continue
            if x == into:
                rebuilt[new_label] = merged
            else:
                rebuilt[x] = groups[x]
        if order is not None:
            rebuilt = dict(sorted(rebuilt.items(), key=lambda kv: list(order).index(kv[1][0])))
        groups = rebuilt
    return groups, rows


# -- the TŠP survey ---------------------------------------------------------------------------
# The population slice, the citizenship groups and the survey's missing codes live in
# :mod:`tsp_analysis.margins`, shared with the context and the data review.
_population_slice = population_slice


@dataclass
class _Plan:
    """What a municipality is raked to: the survey's margin columns (citizenship grouped), the
    population totals per category, the margins left out and why, and the year."""

    frame: pd.DataFrame
    targets: dict[str, pd.Series]
    dropped: dict[str, str]
    year: int
    source: str


def _plan(
    tsp: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    year: int | None,
    margins: Sequence[str] = MARGINS,
    min_group_n: int | None = None,
    max_citizenships: int = MAX_CITIZENSHIPS,
) -> _Plan:
    # only the margin columns: copying every survey column per municipality is what costs
    needed = [c for c in ("municipality", *margins) if c in tsp]
    sample = tsp.loc[(tsp["municipality"] == municipality).to_numpy(dtype=bool), needed]
    if sample.empty:
        raise no_respondents(tsp, municipality, "respondents to weight")
    pop, year = population_slice(population, municipality, year)
    if min_group_n is None:
        min_group_n = default_min_group_n(len(sample))
    columns: dict[str, pd.Series] = {}
    targets: dict[str, pd.Series] = {}
    dropped: dict[str, str] = {}
    for m in margins:
        if m not in sample:
            dropped[m] = "not a column of the survey"
            continue
        if m not in pop:
            dropped[m] = "not a column of the population table"
            continue
        values = survey_values(sample, m)
        pop_m = pop[[m, "count"]].copy()
        pop_m[m] = pop_m[m].astype("str")
        if m == "citizenship":
            keep = citizenship_groups(
                values, pop, min_group_n=min_group_n, max_groups=max_citizenships
            )
            if not keep:
                dropped[m] = f"no citizenship has {min_group_n} respondents"
                continue
            values = group_citizenship(values, keep)
            pop_m[m] = group_citizenship(pop_m[m], keep)
        totals = pop_m.groupby(m, dropna=True)["count"].sum().astype(float)
        totals = totals[totals > 0]
        if len(totals) < 2:
            dropped[m] = "the population table gives no breakdown for this municipality"
            continue
        if values.notna().sum() == 0:
            dropped[m] = "no respondent answered"
            continue
        columns[m] = values
        targets[m] = totals
    if not targets:
        raise InputError(
            Problem(
                source_of(population, "population"),
                None,
                None,
                municipality,
                "at least one usable margin",
            ),
            message=f"no margin can be used to weight {municipality!r}: {dropped}",
        )
    frame = pd.DataFrame(columns, index=sample.index)
    return _Plan(frame, targets, dropped, year, source_of(tsp, "tsp_survey"))


def weight_survey(
    tsp: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    trim: tuple[float, float] | None = (0.3, 3.0),
    margins: Sequence[str] = MARGINS,
    min_group_n: int | None = None,
    max_citizenships: int = MAX_CITIZENSHIPS,
    collapse: bool = True,
    min_cell: int = 5,
    max_iter: int = 500,
    tol: float = 1e-6,
) -> RakeResult:
    """Rake one municipality's TŠP respondents to its adult TŠP population.

    Parameters
    ----------
    tsp : DataFrame
        Clean TŠP survey (all municipalities; the municipality's rows are selected).
    population : DataFrame
        Clean population table (``municipality``, ``year``, ``citizenship``, ``sex``,
        ``age_group``, ``residence_basis``, ``count``).
    municipality : str
        Municipality slug.
    year : int, optional
        Population year; default the latest available for the municipality.
    trim : (low, high) or None
        Trimming bounds as multiples of the mean weight.
    margins : sequence of str
        Margins to use when supported (default sex, age group, citizenship, residence basis).
    min_group_n, max_citizenships : int
        Citizenship grouping (see :func:`citizenship_groups`); ``min_group_n`` defaults to 5%
        of the municipality's respondents, at least 10.
    min_cell : int
        Categories with fewer respondents are merged like empty ones (default 5).

    Returns
    -------
    RakeResult
        ``weights`` indexed like the municipality's rows of ``tsp``; they sum to the adult TŠP
        population of the municipality in ``year``.

    Raises
    ------
    InputError
        No respondents or no population rows for the municipality, or an unknown year.
    """
    plan = _plan(tsp, population, municipality, year, margins, min_group_n, max_citizenships)
    frame, targets, dropped, year = plan.frame, plan.targets, plan.dropped, plan.year
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = rake(
            frame,
            targets,
            trim=trim,
            ordered={"age_group": adult_age_groups()},
            collapse=collapse,
            min_cell=min_cell,
            max_iter=max_iter,
            tol=tol,
            source=plan.source,
        )
    for w in caught:  # say which municipality the warning is about
        warnings.warn(f"{municipality}: {w.message}", w.category, stacklevel=2)
    result.dropped = {**dropped, **result.dropped}
    result.municipality = municipality
    result.year = year
    return result


def add_weights(
    tsp: pd.DataFrame,
    population: pd.DataFrame,
    *,
    municipalities: Sequence[str] | None = None,
    column: str = "weight",
    **kwargs,
) -> tuple[pd.DataFrame, dict[str, RakeResult]]:
    """Weight every municipality of the survey separately and put the weights in one column.

    Returns a copy of ``tsp`` with ``column`` added (expansion weights, so pooled estimates
    weight each municipality by its adult TŠP population) and the :class:`RakeResult` of each
    municipality. ``kwargs`` go to :func:`weight_survey`.
    """
    if not tsp.index.is_unique:
        raise ValueError("the survey's index must be unique (use reset_index)")
    present = tsp["municipality"].dropna().unique().tolist()
    order = [m for m in reference.municipality_slugs() if m in present]
    order += sorted(m for m in present if m not in order)
    chosen = order if municipalities is None else list(municipalities)
    narrow = tsp[[c for c in ("municipality", *MARGINS) if c in tsp]]
    w = np.full(len(tsp), np.nan)
    results: dict[str, RakeResult] = {}
    for m in chosen:
        res = weight_survey(narrow, population, m, **kwargs)
        w[tsp.index.get_indexer(res.weights.index)] = res.weights.to_numpy()
        results[m] = res
    return tsp.assign(**{column: w}), results  # copy-on-write: the columns are shared


def raking_groups(
    tsp: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    margins: Sequence[str] = MARGINS,
    min_group_n: int | None = None,
    max_citizenships: int = MAX_CITIZENSHIPS,
    min_cell: int = 5,
) -> tuple[dict[str, dict[str, list[str]]], int]:
    """The categories :func:`weight_survey` (with the same arguments) rakes a municipality to,
    without raking: margin → {label: original codes}, and the population year.

    A category merged because it was empty or too small is one category here, labelled with
    its codes ``+``-joined (``45_54+55_64+65_plus``); citizenships are grouped as in
    :func:`tsp_analysis.margins.citizenship_groups`.
    """
    plan = _plan(tsp, population, municipality, year, margins, min_group_n, max_citizenships)
    ordered = {"age_group": adult_age_groups()}
    groups = {}
    for m, target in plan.targets.items():
        t = target.copy()
        t.index = t.index.astype(str)
        values = plan.frame[m]
        g, _rows = _collapse(
            m, t, values, ordered.get(m), allowed=True, min_cell=min_cell, source=plan.source
        )
        groups[m] = {label: list(codes) for label, codes in g.items()}
    return groups, plan.year


def sample_vs_population(
    tsp: pd.DataFrame,
    population: pd.DataFrame,
    municipality: str,
    *,
    year: int | None = None,
    weight: str | None = None,
    max_citizenships: int = MAX_CITIZENSHIPS,
    min_count: int = DEFAULT_MIN_COUNT,
    suppress: bool = True,
    rake: RakeResult | None = None,
    min_group_n: int | None = None,
    min_cell: int = 5,
) -> pd.DataFrame:
    """The sample against the population, per category the weighting raked to (the report's
    sample table).

    Columns: ``margin``, ``category``, ``sample_n``, ``sample_share`` (among respondents who
    answered), ``weighted_share`` and ``weighted_difference`` (weighted − population share;
    when ``weight`` is given), ``population``, ``population_share``, ``difference`` (sample −
    population share, percentage points as a fraction), ``suppressed``.

    The categories are those of the weighting: citizenship groups by
    :func:`tsp_analysis.margins.citizenship_groups`, and a category the raking merged with its
    neighbour (too few respondents) is one row labelled with its codes ``+``-joined. So the
    weighted share of every row is what the raking matched, and the weighting summary's
    remaining deviation is the largest ``weighted_difference`` of this table. Pass the
    municipality's ``rake`` (a :class:`RakeResult`) to use its categories; otherwise they are
    derived with :func:`raking_groups` from ``max_citizenships``, ``min_group_n`` and
    ``min_cell`` (the defaults of :func:`weight_survey`). A margin the weighting left out is
    shown with its own categories.

    Respondent counts below ``min_count`` are suppressed, with secondary suppression within
    each margin (whose total is published), so a small category cannot be recovered by
    subtraction; the public population figures are never suppressed. With ``suppress=False``
    nothing is hidden: the results layer's disclosure policy
    (:mod:`tsp_analysis.results.policy`) decides, across every table of a report.
    """
    from .disclosure import secondary_suppress

    sample = tsp[(tsp["municipality"] == municipality).to_numpy(dtype=bool)]
    pop, year = population_slice(population, municipality, year)
    if rake is not None:
        groups = rake.groups
    else:
        try:
            groups, _ = raking_groups(
                tsp,
                population,
                municipality,
                year=year,
                min_group_n=min_group_n,
                max_citizenships=max_citizenships,
                min_cell=min_cell,
            )
        except InputError:  # nothing can be raked: show the plain categories
            groups = {}
    rows = []
    for m in MARGINS:
        if m not in sample or m not in pop:
            continue
        values = survey_values(sample, m)
        pop_codes = pop[m].astype("str")
        if m in groups:
            label_of = {code: label for label, codes in groups[m].items() for code in codes}
            order = list(groups[m])
            if m == "citizenship":  # every citizenship not kept is "other"
                keep = [c for c in label_of if c != OTHER]
                values = group_citizenship(values, keep)
                pop_codes = group_citizenship(pop_codes, keep)
            values = values.map(label_of).astype("str")
            pop_codes = pop_codes.map(label_of).astype("str")
        else:
            if m == "citizenship":
                keep = citizenship_groups(
                    values, pop, min_group_n=min_group_n, max_groups=max_citizenships
                )
                values = group_citizenship(values, keep)
                pop_codes = group_citizenship(pop_codes, keep)
            order = category_order(m, set(pop_codes.dropna()) | set(values.dropna()))
        totals = (
            pd.to_numeric(pop["count"])
            .astype(float)
            .groupby(pop_codes.to_numpy())
            .sum()
            .reindex(order, fill_value=0.0)
        )
        counts = values.value_counts().reindex(order, fill_value=0)
        if weight is not None:
            wsum = sample[weight].groupby(values).sum().reindex(order, fill_value=0.0)
            wshare = wsum / wsum.sum() if wsum.sum() > 0 else wsum * np.nan
        hidden = (
            secondary_suppress(counts.to_frame().T, min_count=min_count).mask
            if suppress
            else pd.DataFrame(False, index=[0], columns=counts.index)
        )
        for cat in order:
            if totals[cat] == 0 and counts[cat] == 0:
                continue
            row = {
                "margin": m,
                "category": cat,
                "sample_n": int(counts[cat]),
                "sample_share": counts[cat] / counts.sum() if counts.sum() else np.nan,
                "population": totals[cat],
                "population_share": totals[cat] / totals.sum() if totals.sum() else np.nan,
            }
            if weight is not None:
                row["weighted_share"] = float(wshare[cat])
            row["suppressed"] = bool(hidden.iloc[0][cat])
            rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["difference"] = out["sample_share"] - out["population_share"]
    if weight is not None:
        out["weighted_difference"] = out["weighted_share"] - out["population_share"]
    out["sample_n"] = out["sample_n"].astype("Int64")
    blank = ["sample_n", "sample_share", "difference"] + (
        ["weighted_share", "weighted_difference"] if weight is not None else []
    )
    for c in blank:
        out[c] = out[c].mask(out["suppressed"])
    out.insert(0, "year", year)
    out.insert(0, "municipality", municipality)
    return out
