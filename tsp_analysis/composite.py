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

:func:`sensitivity` re-computes the ranking under many scenarios: every weight multiplied by an
independent uniform factor in [1 − ``spread``, 1 + ``spread``] (``n_draws`` random draws), each
draw aggregated arithmetically and geometrically (and, optionally, under several
normalisations), and reports each unit's nominal rank with its range over the scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

AGGREGATIONS = ("arithmetic", "geometric")
NORMALISATIONS = ("goalposts", "minmax", "zscore")
GEOMETRIC_FLOOR = 1.0


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
        (``by``,) ``unit``, ``index`` (0–100), ``rank`` (1 = highest; missing for units
        without an index), ``n_indicators``, ``complete`` (every indicator available).

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
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def sensitivity(
    data: pd.DataFrame,
    unit: str = "municipality",
    indicator: str | None = "area",
    value: str = "estimate",
    components: Sequence[str] | None = None,
    weights: Mapping[str, float] | None = None,
    by: str | Sequence[str] | None = None,
    n_draws: int = 1000,
    spread: float = 0.5,
    aggregations: Sequence[str] = AGGREGATIONS,
    normalisations: Sequence[str] = ("goalposts",),
    nominal: tuple[str, str] = ("arithmetic", "goalposts"),
    seed: int = 0,
) -> pd.DataFrame:
    """How stable is the ranking? Rank ranges over alternative weights and aggregations.

    Parameters
    ----------
    data, unit, indicator, value, components, weights, by
        As in :func:`composite_index`; ``weights`` are the nominal weights.
    n_draws : int
        Random weight vectors (each nominal weight × U[1 − spread, 1 + spread], renormalised).
    spread : float
        Relative width of the weight perturbation (0.5: each weight varies by up to ±50%).
    aggregations, normalisations : sequences
        Alternatives crossed with every weight draw.
    nominal : (aggregation, normalisation)
        The scenario whose rank is reported as ``rank``.
    seed : int
        Seed of the random draws (same seed, same result).

    Returns
    -------
    DataFrame
        (``by``,) ``unit``, ``rank`` (nominal), ``rank_min``, ``rank_max``, ``rank_median``,
        ``rank_p05``, ``rank_p95``, ``share_same_rank`` (share of scenarios giving the nominal
        rank), ``n_scenarios``.

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
    if not 0 <= spread < 1:
        raise ValueError("spread must be in [0, 1)")
    rng = np.random.default_rng(seed)
    frames = []
    for key, part in _groups(data, by):
        raw = _matrix(part, unit, indicator, value, components)
        w0 = _weight_vector(list(raw.columns), weights)
        draws = w0[None, :] * rng.uniform(1 - spread, 1 + spread, size=(n_draws, len(w0)))
        draws = draws / draws.sum(axis=1, keepdims=True)
        scenario_ranks = []
        nominal_rank = None
        for norm_method in normalisations:
            x = normalise(raw, norm_method).to_numpy(dtype=float)
            for agg in aggregations:
                scenario_ranks.append(_ranks(_aggregate(x, draws, agg, GEOMETRIC_FLOOR)))
        xn = normalise(raw, nominal[1]).to_numpy(dtype=float)
        nominal_rank = _ranks(_aggregate(xn, w0[None, :], nominal[0], GEOMETRIC_FLOOR))[0]
        allr = np.vstack(scenario_ranks + [nominal_rank[None, :]])
        with np.errstate(invalid="ignore"), _quiet():
            out = pd.DataFrame(
                {
                    unit: raw.index,
                    "rank": pd.array(nominal_rank, dtype="Int64"),
                    "rank_min": pd.array(np.nanmin(allr, axis=0), dtype="Int64"),
                    "rank_max": pd.array(np.nanmax(allr, axis=0), dtype="Int64"),
                    "rank_median": np.nanmedian(allr, axis=0),
                    "rank_p05": np.nanpercentile(allr, 5, axis=0),
                    "rank_p95": np.nanpercentile(allr, 95, axis=0),
                    "share_same_rank": np.mean(allr == nominal_rank[None, :], axis=0),
                    "n_scenarios": allr.shape[0],
                }
            )
        for k, v in key.items():
            out.insert(0, k, v)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


class _quiet:
    """Silence the all-NaN warnings of a unit with no indicators (its ranks stay missing)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)
