"""Composite indices and their uncertainty (OECD/JRC *Handbook on Constructing Composite
Indicators*, 2008: normalise, weight, aggregate, then test how much the ranking depends on those
choices).

* **Normalisation.** ``goalposts`` (default): rescale with fixed goalposts, 0 and 100 by default,
  so the area scores (already 0–100) keep their meaning and an index is comparable between
  runs; ``minmax``: rescale each indicator to 0–100 between the lowest and highest unit (a
  constant indicator gets 50 everywhere); ``zscore``: standardise each indicator across units and
  map to 50 ± 10 × z.
* **Weights.** Equal by default; any non-negative weights, renormalised to sum to 1.
* **Aggregation.** ``arithmetic``: the weighted mean (full compensation between indicators);
  ``geometric``: the weighted geometric mean (a low value is harder to compensate). The geometric
  mean of a zero is zero whatever the other indicators are, so values are floored at 1 (on the
  0–100 scale) before a geometric aggregation.
* **Missing values.** A suppressed or missing indicator is left out of that unit's aggregate and
  the remaining weights are renormalised; ``n_indicators`` reports how many were used.
* **Ranks.** Rank 1 is the largest aggregate (the best-scoring municipality for a service index,
  the most urgent area for priorities); ties share the smaller rank.

:func:`sensitivity` is the uncertainty and sensitivity analysis of the handbook's step 7. It
re-computes the ranking under every combination of

* **weights**: each nominal weight multiplied by an independent uniform factor in
  [1 − ``spread``, 1 + ``spread``] (``n_draws`` random draws);
* **aggregation**: arithmetic and geometric;
* **normalisation**: goalposts, z-score and min–max;
* **inclusion**: every indicator in, or each indicator left out in turn (its weight set to 0);

and, when the input estimates come with standard errors, under **sampling error**: each
estimate drawn from its sampling distribution, ``N(estimate, se²)`` clipped to the scale
(``n_sampling`` draws), first with the nominal method and then each draw with a random choice of
the alternatives above. The reported range covers all of these; ``rank_min_methods`` /
``rank_max_methods`` and ``rank_min_sampling`` / ``rank_max_sampling`` show the two sources
apart (sampling error is usually the larger one).

**Comparable units only.** With ``min_indicators``, a unit with fewer available indicators gets
no index and no rank (``status = "not_enough_data"``): an index over two areas is not comparable
with one over nine, and the others are ranked among themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

AGGREGATIONS = ("arithmetic", "geometric")
NORMALISATIONS = ("goalposts", "minmax", "zscore")
GEOMETRIC_FLOOR = 1.0
#: Fewest of the 9 areas a municipality needs for an overall service index (SPEC §2.1 item 9).
MIN_AREAS = 7
#: ``status`` of a unit in :func:`composite_index` and :func:`sensitivity`.
RANKED, NOT_ENOUGH_DATA = "ranked", "not_enough_data"


def normalise(
    matrix: pd.DataFrame, method: str = "goalposts", goalposts: tuple[float, float] = (0.0, 100.0)
) -> pd.DataFrame:
    """Normalise a units × indicators matrix to a 0–100 scale (see the module docstring).

    >>> m = pd.DataFrame({"a": [20.0, 60.0], "b": [50.0, 50.0]}, index=["x", "y"])
    >>> normalise(m, "minmax").to_dict("list")
    {'a': [0.0, 100.0], 'b': [50.0, 50.0]}
    """
    if method not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}, got {method!r}")
    x = matrix.astype(float)
    if method == "goalposts":
        lo, hi = goalposts
        return ((x - lo) / (hi - lo) * 100).clip(0, 100)
    if method == "minmax":
        lo, hi = x.min(), x.max()
        span = hi - lo
        out = (x - lo) / span.where(span > 0) * 100
        return out.where(~out.isna() | x.isna(), 50.0)
    mu, sd = x.mean(), x.std(ddof=0)
    out = 50 + 10 * (x - mu) / sd.where(sd > 0)
    return out.where(~out.isna() | x.isna(), 50.0)


def _weight_vector(columns: Sequence[str], weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(columns)) / len(columns)
    unknown = set(weights) - set(columns)
    if unknown:
        raise KeyError(f"weights given for unknown indicators {sorted(unknown)}")
    w = np.array([float(weights.get(c, 0.0)) for c in columns])
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return w / w.sum()


def aggregate(
    matrix: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    method: str = "arithmetic",
    floor: float = GEOMETRIC_FLOOR,
) -> pd.Series:
    """Weighted arithmetic or geometric mean across the columns of ``matrix``, per row.

    Missing cells are skipped and the weights renormalised over the available ones.

    >>> m = pd.DataFrame({"a": [10.0, 40.0], "b": [90.0, 40.0]})
    >>> aggregate(m).tolist(), aggregate(m, method="geometric").round(6).tolist()
    ([50.0, 40.0], [30.0, 40.0])
    """
    w = _weight_vector(list(matrix.columns), weights)
    return pd.Series(
        _aggregate(matrix.to_numpy(dtype=float), w[None, :], method, floor)[0],
        index=matrix.index,
    )


def _aggregate(x: np.ndarray, w: np.ndarray, method: str, floor: float) -> np.ndarray:
    """Aggregate units × K values ``x`` under D weight vectors ``w`` (D × K) → D × units."""
    if method not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {method!r}")
    avail = ~np.isnan(x)
    if method == "arithmetic":
        vals = np.where(avail, x, 0.0)
    else:
        vals = np.where(avail, np.log(np.maximum(np.where(avail, x, floor), floor)), 0.0)
    num = w @ vals.T
    den = w @ avail.T.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out = np.where(den > 0, out, np.nan)
    return np.exp(out) if method == "geometric" else out


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank along the last axis, 1 = largest; NaN stays NaN."""
    s = np.where(np.isnan(scores), -np.inf, scores)
    r = rankdata(-s, axis=-1, method="min").astype(float)
    return np.where(np.isnan(scores), np.nan, r)


def _matrix(
    data: pd.DataFrame,
    unit: str,
    indicator: str | None,
    value: str,
    components: Sequence[str] | None,
) -> pd.DataFrame:
    if components is not None:
        dup = data[unit].duplicated()
        if dup.any():
            raise ValueError(
                f"{unit!r} must be unique within a group; repeated {data.loc[dup, unit].tolist()}"
            )
        return data.set_index(unit)[list(components)].astype(float)
    if indicator is None:
        raise ValueError("give either indicator= (long data) or components= (wide data)")
    dup = data.duplicated([unit, indicator])
    if dup.any():
        raise ValueError(
            f"more than one {value!r} per {unit} × {indicator}; filter the data first (e.g. one "
            "measure or criterion)"
        )
    m = data.pivot(index=unit, columns=indicator, values=value).astype(float)
    m.columns = [str(c) for c in m.columns]
    m.columns.name = None
    return m


def _groups(data: pd.DataFrame, by: str | Sequence[str] | None):
    if by is None:
        yield {}, data
        return
    cols = [by] if isinstance(by, str) else list(by)
    for key, part in data.groupby(cols, sort=True, dropna=False):
        yield dict(zip(cols, key, strict=True)), part


def composite_index(
    data: pd.DataFrame,
    *,
    unit: str = "municipality",
    indicator: str | None = "area",
    value: str = "estimate",
    components: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    normalisation: str = "goalposts",
    by: str | Sequence[str] | None = None,
    min_indicators: int | None = None,
) -> pd.DataFrame:
    """One composite index per unit.

    Parameters
    ----------
    data : DataFrame
        Long form (one row per unit × ``indicator`` with the number in ``value``; for example
        :func:`tsp_analysis.scores.area_scores` by municipality) or wide form (one row per unit,
        the indicators in ``components``).
    unit : str
        Column naming the units to rank (default ``municipality``).
    weights : dict, optional
        Indicator → weight (default equal).
    aggregation : {"arithmetic", "geometric"}
    normalisation : {"goalposts", "minmax", "zscore"}
    by : str or list, optional
        Separate indices within each group.
    min_indicators : int, optional
        Units with fewer available (non-suppressed) indicators get no index and no rank: an
        index over one or two areas is not comparable with one over nine. Default: no minimum.

    Returns
    -------
    DataFrame
        (``by``,) ``unit``, ``index`` (0–100), ``rank`` (1 = highest, among the units with an
        index only; missing for units without one), ``n_indicators``, ``complete`` (every
        indicator available), ``status`` (``ranked``, or ``not_enough_data`` for a unit below
        ``min_indicators``: report "not enough data", never a rank).

    Examples
    --------
    >>> d = pd.DataFrame({"municipality": ["a", "a", "b", "b"], "area": ["x", "y"] * 2,
    ...                   "estimate": [80.0, 60.0, 50.0, 70.0]})
    >>> composite_index(d)[["municipality", "index", "rank"]].to_dict("list")
    {'municipality': ['a', 'b'], 'index': [70.0, 60.0], 'rank': [1, 2]}
    """
    frames = []
    for key, part in _groups(data, by):
        raw = _matrix(part, unit, indicator, value, components)
        m = normalise(raw, normalisation)
        w = _weight_vector(list(m.columns), weights)
        idx = _aggregate(m.to_numpy(dtype=float), w[None, :], aggregation, GEOMETRIC_FLOOR)[0]
        if min_indicators is not None:
            idx = np.where((~raw.isna()).sum(axis=1).to_numpy() >= min_indicators, idx, np.nan)
        out = pd.DataFrame({unit: m.index, "index": idx})
        for k, v in key.items():
            out.insert(0, k, v)
        out["rank"] = pd.array(_ranks(idx), dtype="Int64")
        out["n_indicators"] = (~raw.isna()).sum(axis=1).to_numpy()
        out["complete"] = out["n_indicators"] == raw.shape[1]
        out["status"] = np.where(np.isnan(idx), NOT_ENOUGH_DATA, RANKED)
        out["status"] = out["status"].astype("str")
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def sensitivity(
    data: pd.DataFrame,
    *,
    unit: str = "municipality",
    indicator: str | None = "area",
    value: str = "estimate",
    components: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    by: str | Sequence[str] | None = None,
    n_draws: int = 1000,
    spread: float = 0.5,
    aggregations: Sequence[str] = AGGREGATIONS,
    normalisations: Sequence[str] = NORMALISATIONS,
    nominal: tuple[str, str] = ("arithmetic", "goalposts"),
    seed: int = 0,
    exclude_each: bool = True,
    se: str | Sequence[str] | None = "se",
    n_sampling: int = 1000,
    bounds: tuple[float, float] | None = (0.0, 100.0),
    min_indicators: int | None = None,
) -> pd.DataFrame:
    """How stable is the ranking? Rank ranges over weights, aggregation, normalisation,
    inclusion of each indicator and sampling error (see the module docstring).

    Parameters
    ----------
    data, unit, indicator, value, components, weights, by
        As in :func:`composite_index`; ``weights`` are the nominal weights.
    n_draws : int
        Random weight vectors (each nominal weight × U[1 − spread, 1 + spread], renormalised).
    spread : float
        Relative width of the weight perturbation (0.5: each weight varies by up to ±50%).
    aggregations, normalisations : sequences
        Alternatives crossed with every weight draw (default: all of them).
    nominal : (aggregation, normalisation)
        The scenario whose rank is reported as ``rank``.
    seed : int
        Seed of the random draws (same seed, same result).
    exclude_each : bool
        Also leave each indicator out in turn (default True).
    se : str or list of str, optional
        Standard errors of the values: a column of long data (default ``"se"``, used when
        present), or for wide data the columns matching ``components`` one to one. None: no
        sampling error.
    n_sampling : int
        Draws of the estimates from their sampling distributions.
    bounds : (low, high), optional
        The scale the drawn estimates are clipped to (default 0–100).
    min_indicators : int, optional
        Units with fewer available indicators are not ranked (``status``
        ``not_enough_data``); the others are ranked among themselves.

    Returns
    -------
    DataFrame
        (``by``,) ``unit``, ``rank`` (nominal), ``rank_min``, ``rank_max`` (over every scenario),
        ``rank_median``, ``rank_p05``, ``rank_p95`` and ``share_same_rank`` (over the joint
        Monte Carlo draws when there is sampling error, else over the method scenarios),
        ``n_scenarios``, ``rank_min_methods``/``rank_max_methods`` (weights, aggregation,
        normalisation, inclusion; the nominal estimates), ``rank_min_sampling``/
        ``rank_max_sampling`` and ``share_same_rank_sampling`` (sampling error alone, nominal
        method; missing without standard errors), ``status``.

    Examples
    --------
    >>> d = pd.DataFrame({"municipality": list("aabb"), "area": list("xyxy"),
    ...                   "estimate": [90.0, 10.0, 45.0, 45.0]})
    >>> s = sensitivity(d, n_draws=200)
    >>> s[["municipality", "rank", "rank_min", "rank_max"]].to_dict("list")
    {'municipality': ['a', 'b'], 'rank': [1, 2], 'rank_min': [1, 1], 'rank_max': [2, 2]}
    """
    for a in aggregations:
        if a not in AGGREGATIONS:
            raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {a!r}")
    for nm in normalisations:
        if nm not in NORMALISATIONS:
            raise ValueError(f"normalisation must be one of {NORMALISATIONS}, got {nm!r}")
    if not 0 <= spread < 1:
        raise ValueError("spread must be in [0, 1)")
    rng = np.random.default_rng(seed)
    frames = []
    for key, part in _groups(data, by):
        raw = _matrix(part, unit, indicator, value, components)
        ses = _se_matrix(part, unit, indicator, components, se, raw)
        x0 = raw.to_numpy(dtype=float)
        k = x0.shape[1]
        comparable = (
            np.ones(len(raw), dtype=bool)
            if min_indicators is None
            else (~np.isnan(x0)).sum(axis=1) >= min_indicators
        )
        w0 = _weight_vector(list(raw.columns), weights)
        draws = w0[None, :] * rng.uniform(1 - spread, 1 + spread, size=(n_draws, k))
        # inclusion: every indicator, then each one left out (weight 0) in turn
        masks = [np.ones(k)] + (
            [1.0 - np.eye(k)[j] for j in range(k)] if exclude_each and k > 1 else []
        )
        wmat = np.vstack([draws * m[None, :] for m in masks])
        wmat = wmat / wmat.sum(axis=1, keepdims=True)

        def ranks_of(x, w, agg, norm_method, comparable=comparable):
            xn = _normalise_array(x, norm_method)
            scores = _aggregate(xn, w, agg, GEOMETRIC_FLOOR)
            return _ranks(np.where(comparable[None, :], scores, np.nan))

        nominal_rank = ranks_of(x0, w0[None, :], nominal[0], nominal[1])[0]
        methods = [ranks_of(x0, wmat, agg, nm) for nm in normalisations for agg in aggregations]
        methods = np.vstack(methods + [nominal_rank[None, :]])
        sampling = joint = None
        if ses is not None and n_sampling > 0:
            noise = rng.standard_normal((n_sampling, *x0.shape))
            xs = x0[None] + np.nan_to_num(ses)[None] * noise
            if bounds is not None:
                xs = np.clip(xs, *bounds)
            sampling = _draw_ranks(xs, w0[None, :], nominal[0], nominal[1], comparable)
            pick_w = rng.integers(0, len(wmat), n_sampling)
            pick_a = rng.integers(0, len(aggregations), n_sampling)
            pick_n = rng.integers(0, len(normalisations), n_sampling)
            joint = np.empty_like(sampling)
            for ia, agg in enumerate(aggregations):
                for inn, nm in enumerate(normalisations):
                    sel = (pick_a == ia) & (pick_n == inn)
                    if sel.any():
                        joint[sel] = _draw_ranks(xs[sel], wmat[pick_w[sel]], agg, nm, comparable)
        allr = np.vstack([r for r in (methods, sampling, joint) if r is not None])
        dist = joint if joint is not None else methods

        def int_col(values, comparable=comparable):
            return pd.array(np.where(comparable, values, np.nan), dtype="Int64")

        with np.errstate(invalid="ignore"), _quiet():
            out = pd.DataFrame(
                {
                    unit: raw.index,
                    "rank": pd.array(nominal_rank, dtype="Int64"),
                    "rank_min": int_col(np.nanmin(allr, axis=0)),
                    "rank_max": int_col(np.nanmax(allr, axis=0)),
                    "rank_median": np.nanmedian(dist, axis=0),
                    "rank_p05": np.nanpercentile(dist, 5, axis=0),
                    "rank_p95": np.nanpercentile(dist, 95, axis=0),
                    "share_same_rank": np.where(
                        comparable, np.mean(dist == nominal_rank[None, :], axis=0), np.nan
                    ),
                    "n_scenarios": allr.shape[0],
                    "rank_min_methods": int_col(np.nanmin(methods, axis=0)),
                    "rank_max_methods": int_col(np.nanmax(methods, axis=0)),
                    "rank_min_sampling": int_col(
                        np.nanmin(sampling, axis=0) if sampling is not None else np.nan
                    ),
                    "rank_max_sampling": int_col(
                        np.nanmax(sampling, axis=0) if sampling is not None else np.nan
                    ),
                    "share_same_rank_sampling": (
                        np.where(
                            comparable,
                            np.mean(sampling == nominal_rank[None, :], axis=0),
                            np.nan,
                        )
                        if sampling is not None
                        else np.nan
                    ),
                    "status": np.where(comparable, RANKED, NOT_ENOUGH_DATA),
                }
            )
        out["status"] = out["status"].astype("str")
        for col, v in key.items():
            out.insert(0, col, v)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def _draw_ranks(
    xs: np.ndarray, w: np.ndarray, agg: str, norm_method: str, comparable: np.ndarray
) -> np.ndarray:
    """Ranks of the units in each of S drawn data sets ``xs`` (S × units × K), draw ``s``
    aggregated with weights ``w[s]`` (S × K; one row is broadcast to every draw)."""
    xn = _normalise_array(xs, norm_method)
    avail = ~np.isnan(xn)
    if agg == "arithmetic":
        vals = np.where(avail, xn, 0.0)
    else:
        floor = GEOMETRIC_FLOOR
        vals = np.where(avail, np.log(np.maximum(np.where(avail, xn, floor), floor)), 0.0)
    w = np.broadcast_to(w, (xs.shape[0], xs.shape[2]))
    num = np.einsum("suk,sk->su", vals, w)
    den = np.einsum("suk,sk->su", avail.astype(float), w)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(den > 0, num / den, np.nan)
    if agg == "geometric":
        scores = np.exp(scores)
    return _ranks(np.where(comparable[None, :], scores, np.nan))


def _se_matrix(
    part: pd.DataFrame,
    unit: str,
    indicator: str | None,
    components: Sequence[str] | None,
    se: str | Sequence[str] | None,
    raw: pd.DataFrame,
) -> np.ndarray | None:
    """Standard errors aligned with ``raw`` (units × indicators), or None."""
    if se is None:
        return None
    if components is not None:
        if isinstance(se, str):
            return None  # wide data name their standard errors one per component
        cols = list(se)
        if len(cols) != len(components):
            raise ValueError("give one standard-error column per component")
        return part.set_index(unit)[cols].astype(float).reindex(raw.index).to_numpy()
    if not isinstance(se, str) or se not in part:
        return None
    m = part.pivot(index=unit, columns=indicator, values=se).astype(float)
    m.columns = [str(c) for c in m.columns]
    return m.reindex(index=raw.index, columns=raw.columns).to_numpy()


def _normalise_array(x: np.ndarray, method: str, goalposts=(0.0, 100.0)) -> np.ndarray:
    """:func:`normalise` on a (draws ×) units × indicators array: min–max and z-score across the
    units (axis −2) of each draw."""
    if method == "goalposts":
        lo, hi = goalposts
        return np.clip((x - lo) / (hi - lo) * 100, 0, 100)
    with np.errstate(invalid="ignore", divide="ignore"), _quiet():
        if method == "minmax":
            lo, hi = np.nanmin(x, axis=-2, keepdims=True), np.nanmax(x, axis=-2, keepdims=True)
            span = hi - lo
            out = np.where(span > 0, (x - lo) / np.where(span > 0, span, 1) * 100, 50.0)
        else:
            mu = np.nanmean(x, axis=-2, keepdims=True)
            sd = np.nanstd(x, axis=-2, keepdims=True)
            out = np.where(sd > 0, 50 + 10 * (x - mu) / np.where(sd > 0, sd, 1), 50.0)
    return np.where(np.isnan(x), np.nan, out)


def service_index(
    area_scores: pd.DataFrame,
    min_indicators: int = MIN_AREAS,
    seed: int = 0,
    **options,
) -> pd.DataFrame:
    """The overall service index of every municipality with its rank range, ranked only among
    municipalities with at least ``min_indicators`` of the areas.

    Parameters
    ----------
    area_scores : DataFrame
        :func:`tsp_analysis.scores.area_scores` with ``by="municipality"`` (``estimate`` and
        ``se`` per municipality × area; suppressed areas missing).
    min_indicators : int
        Fewest areas with a published score (default 7 of 9).
    seed : int
        Seed of :func:`sensitivity`.
    **options
        Passed to :func:`sensitivity` (``n_draws``, ``n_sampling``, ``spread``, ...).

    Returns
    -------
    DataFrame
        :func:`composite_index` columns (``municipality``, ``index``, ``rank``,
        ``n_indicators``, ``complete``, ``status``) and the rank-range columns of
        :func:`sensitivity`. A ``not_enough_data`` municipality has no index, no rank and no
        range: the report says "not enough data".
    """
    index = composite_index(area_scores, min_indicators=min_indicators)
    stab = sensitivity(area_scores, min_indicators=min_indicators, seed=seed, **options)
    stab = stab.drop(columns=["rank", "status"])
    return index.merge(stab, on="municipality", how="left")


class _quiet:
    """Silence the all-NaN warnings of a unit with no indicators (its ranks stay missing)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)
