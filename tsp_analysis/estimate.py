"""Weighted shares and means with design-based 95% intervals.

Every function takes a tidy survey frame and column names and returns a tidy frame: the grouping
columns, then ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n`` (unweighted base: respondents
with an answer that counts), ``n_eff`` (Kish effective base of that estimate,
``(Σw)² / Σw²``) and ``suppressed``. Shares are proportions 0–1. Estimates whose base is below
``min_base`` are suppressed by :func:`tsp_analysis.disclosure.suppress` here, so a caller cannot
forget it.

Method
------
The design is treated as a single-stage sample drawn with replacement in which the weights are
the only design feature (no clusters; optionally strata, e.g. municipalities raked separately).
A weighted share or mean is a ratio ``ŷ = Σ wᵢyᵢ / Σ wᵢ``; its variance is estimated by Taylor
linearisation:

    v(ŷ) = Σ_h n_h/(n_h − 1) Σ_i (z_hi − z̄_h)²,   z_i = w_i (y_i − ŷ) / Σ w

where the sums run over the estimate's base (the respondents of the group who gave an answer
that counts), ``h`` over strata (one stratum when none is given; a stratum with a single
respondent contributes nothing). Each group of ``by`` is analysed as its own sample
(subpopulation analysis; compared with full domain estimation this differs only by the factor
``n_d/(n_d − 1)`` against ``n/(n − 1)``, and is slightly conservative). This is the estimator of
R ``survey`` and of ``samplics`` ``TaylorEstimator(by=...)`` for this design; the tests check the
numbers against ``samplics``.

* **Means**: ``ŷ ± t·√v`` with ``t`` the Student quantile on the design's degrees of freedom
  ``df = n − H`` (respondents minus strata; ``n − 1`` without strata).
* **Scores (0–100)**: a score is a mean bounded by 0 and 100, often skewed (most ratings at one
  end); a symmetric interval under-covers there on small bases (about 89–92 % at n = 30 for a
  score near 15) and can leave the scale. Scores use the Wilson interval of ``score/100`` on the
  effective size ``m(1 − m)/v`` (with ``m = score/100``), with the same t quantile; it stays
  inside 0–100 and is asymmetric towards the middle of the scale
  (``benchmarks/bench_coverage.py``).
* **Shares**: Wilson score interval with the same ``t`` quantile, computed on the effective
  sample size ``n* = p(1 − p) / v`` (Korn & Graubard 1998), capped at the unweighted base ``n``;
  when ``v = 0`` (every answer the same) the Kish effective base is used instead. Unlike a Wald
  interval it stays inside [0, 1] and does not collapse to a point for small bases.
* ``n_interval`` is the base the interval was computed on (``n*`` for shares, ``n`` for means);
  ``n_eff`` is Kish's ``(Σw)²/Σw²``. They differ: print the one the interval uses, or both.
* A stratum with a single respondent contributes ``z²`` (R ``survey``'s ``lonely.psu =
  "adjust"``), not nothing.
* The weights are treated as fixed: the extra variance of estimating raking weights is ignored,
  and since raking on variables related to the outcome usually *reduces* variance, the
  intervals are slightly conservative. Coverage is measured in ``benchmarks/bench_coverage.py``.

With all weights equal, the estimates reduce to the unweighted ones and ``v`` to the familiar
``s²/n`` (means) and ``p(1 − p)/(n − 1)`` (shares).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as student_t

from . import disclosure
from .errors import InputError, Problem
from .thresholds import DEFAULT_MIN_BASE

#: Plain-language description of the intervals, quoted by the reports' method notes.
METHOD_NOTE: dict[str, str] = {
    "lt": (
        "Apklausa vykdyta 2020 m. vidurio – 2021 m. gegužės mėn. Visi procentai ir vidurkiai "
        "apskaičiuoti su svoriais, kad imtis atitiktų savivaldybėje gyvenančių TŠP sudėtį pagal "
        "lytį, amžių, pilietybę ir leidimo gyventi pagrindą. Svoriai ištaiso tik šią sudėtį, bet "
        "ne savitranką: jei apklausoje dažniau dalyvavo tie, kuriems paslaugų reikėjo, įverčiai "
        "gali būti pasislinkę, ir svoriai to nepataiso. 95 % pasikliautinieji intervalai "
        "atsižvelgia į svorius: dispersija įvertinta Teiloro linearizacijos metodu (imtis "
        "laikoma vienos pakopos atsitiktine imtimi su grąžinimu, o svoriai – vieninteliu imties "
        "plano ypatumu ir fiksuotais dydžiais, todėl intervalai gali būti šiek tiek "
        "konservatyvūs). Dalims naudojamas Wilsono intervalas, apskaičiuotas pagal Korno ir "
        "Graubardo efektyvųjį imties dydį, todėl jis visada lieka tarp 0 ir 100 %; 0–100 balų "
        "vertinimams – toks pat intervalas skalėje nuo 0 iki 1 (jis lieka tarp 0 ir 100 ir "
        "atsižvelgia į skalės ribas); kitiems vidurkiams – įvertis ± kvantilis × standartinė "
        "paklaida. Kvantilis imamas "
        "iš Stjudento t skirstinio, todėl mažų imčių intervalai platesni. 95 % intervalas "
        "reiškia, kad taip apskaičiuoti intervalai daugelyje pakartotinių imčių apimtų tikrąją "
        "reikšmę maždaug 95 atvejais iš 100; jis atspindi tik atsitiktinės imties paklaidą. "
        "Prie kiekvieno skaičiaus nurodomas nesvertinis atsakiusiųjų skaičius (n) ir "
        "efektyvusis imties dydis, pagal kurį apskaičiuotas intervalas. Skaičiai, apskaičiuoti "
        "iš mažiau nei 10 atsakymų, neskelbiami ir pažymimi."
    ),
    "en": (
        "The survey was fielded from mid-2020 to May 2021. All percentages and means are "
        "weighted so that the sample matches the composition of the municipality's "
        "third-country nationals by sex, age, citizenship and residence basis. The weights "
        "correct that composition only, not self-selection: if people who needed services were "
        "more likely to take part, the estimates can be biased, and the weights do not fix "
        "that. The 95% confidence intervals take the weights into account: the variance is "
        "estimated by Taylor linearisation (the sample is treated as a single-stage sample "
        "drawn with replacement, with the weights as its only design feature and treated as "
        "fixed, which makes the intervals slightly conservative). Shares use a Wilson interval "
        "computed on Korn and Graubard's effective sample size, so it always stays between 0 "
        "and 100%; 0–100 scores use the same interval on the 0–1 scale (it stays between 0 and "
        "100 and respects the ends of the scale); other means use estimate ± quantile × "
        "standard error. The "
        "quantile comes from Student's t distribution, so intervals on small bases are wider. "
        "A 95% interval means that intervals computed this way would contain the true value in "
        "about 95 of 100 repeated samples; it reflects random sampling error only. Every figure "
        "shows its unweighted number of respondents (n) and the effective sample size its "
        "interval is computed on. Figures based on fewer than 10 answers are withheld and "
        "marked."
    ),
}

RESULT_COLUMNS = ["estimate", "se", "ci_low", "ci_high", "n", "n_eff", "suppressed"]
#: Columns added after the original contract (kept apart so old column lists stay valid):
#: the base the interval was computed on and the design degrees of freedom of its quantile.
INTERVAL_COLUMNS = ["n_interval", "df"]


# -- building blocks --------------------------------------------------------------------------
def weights_of(data: pd.DataFrame, weight: str | None) -> np.ndarray:
    """The weight column as floats (ones when ``weight`` is None), checked positive and finite.

    Raises
    ------
    InputError
        Naming every row whose weight is missing, zero, negative or infinite: a respondent is
        never dropped silently because of a bad weight.
    """
    if weight is None:
        return np.ones(len(data))
    if weight not in data:
        raise KeyError(f"weight column {weight!r} is not in the data")
    w = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        raise InputError(
            [
                Problem(
                    file=str(data["source_file"].iloc[i]) if "source_file" in data else "data",
                    row=int(data["source_row"].iloc[i]) if "source_row" in data else i + 1,
                    column=weight,
                    value=data[weight].iloc[i],
                    expected="a positive finite weight (run weights.weight_survey first)",
                )
                for i in np.flatnonzero(bad)
            ],
            message=f"{int(bad.sum())} respondent(s) without a usable weight",
        )
    return w


def group_codes(
    data: pd.DataFrame, by: str | Sequence[str] | None
) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row and the table of group keys (one row per code).

    Missing keys form their own group (shown as ``<NA>``) so that no respondent disappears.
    """
    if by is None:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=range(1))
    cols = [by] if isinstance(by, str) else list(by)
    if len(data) == 0:
        return np.zeros(0, dtype=np.int64), pd.DataFrame(
            {c: pd.Series([], dtype=data[c].dtype) for c in cols}
        )
    grouped = data.groupby(cols, dropna=False, sort=True, observed=True)
    codes = grouped.ngroup().to_numpy(dtype=np.int64)
    keys = grouped.size().index.to_frame(index=False)
    for c in cols:  # keep the input dtypes (groupby may widen them)
        keys[c] = keys[c].astype(data[c].dtype)
    return codes, keys


def ratio_stats(
    y: np.ndarray,
    w: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    strata: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Weighted ratio mean and its linearised variance per group, fully vectorised.

    Parameters
    ----------
    y : float array
        Values; NaN marks a respondent outside the estimate's base.
    w : float array
        Weights.
    codes : int array
        Group code of each row (0 … ``n_groups`` − 1).
    strata : int array, optional
        Stratum code of each row.

    Returns
    -------
    dict with arrays ``n``, ``sw``, ``sw2``, ``estimate``, ``var`` (length ``n_groups``).
    """
    # integer positions + take: several times faster than boolean masks on large arrays
    keep = np.flatnonzero(~np.isnan(y))
    yk, wk, gk = y.take(keep), w.take(keep), codes.take(keep)
    n = np.bincount(gk, minlength=n_groups).astype(float)
    sw = np.bincount(gk, weights=wk, minlength=n_groups)
    sw2 = np.bincount(gk, weights=wk * wk, minlength=n_groups)
    swy = np.bincount(gk, weights=wk * yk, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = swy / sw
        # Two passes (centre first) rather than Σw²y² − …: no cancellation with large weights.
        z = wk * (yk - est[gk]) / sw[gk]
        if strata is None:
            var = n / (n - 1) * np.bincount(gk, weights=z * z, minlength=n_groups)
        else:
            sk = strata.take(keep)
            n_strata = int(strata.max()) + 1 if len(strata) else 1
            cell = gk * n_strata + sk
            size = n_groups * n_strata
            nh = np.bincount(cell, minlength=size).astype(float)
            sz = np.bincount(cell, weights=z, minlength=size)
            sz2 = np.bincount(cell, weights=z * z, minlength=size)
            part = _stratum_parts(nh, sz, sz2)
            var = part.reshape(n_groups, n_strata).sum(axis=1)
            h = (nh > 0).reshape(n_groups, n_strata).sum(axis=1)
    var = np.where(n > 1, np.maximum(var, 0.0), np.nan)
    df = n - (1 if strata is None else h)
    return {"n": n, "sw": sw, "sw2": sw2, "estimate": est, "var": var, "df": df}


def _stratum_parts(nh: np.ndarray, sz: np.ndarray, sz2: np.ndarray) -> np.ndarray:
    """Each stratum's share of the linearised variance, ``n_h/(n_h − 1) Σ (z − z̄_h)²``.

    A stratum with a single respondent has no within-stratum spread; rather than let it add
    nothing (an interval too narrow exactly where the data are thinnest) its one ``z`` is
    centred at the mean of all ``z`` of the estimate, which is 0 (``Σ z = 0`` by construction):
    it contributes ``z²``. This is R ``survey``'s ``options(survey.lonely.psu = "adjust")``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        within = nh / (nh - 1) * (sz2 - sz * sz / np.where(nh > 0, nh, 1))
    return np.where(nh > 1, within, np.where(nh == 1, sz2, 0.0))


def category_sums(
    kcodes: np.ndarray,
    n_cat: int,
    w: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    strata: np.ndarray | None = None,
    w2: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Sufficient statistics of a categorical answer: per group × stratum × category, the
    count, Σw and Σw².

    ``kcodes`` is the category of each respondent (0 … ``n_cat`` − 1) or −1 outside the base.
    Any estimate of a value attached to the categories (a share: 1 for the successes, 0 for the
    rest; a 0–100 score per Likert answer) follows from these sums by
    :func:`stats_from_sums` without another pass over the respondents: three ``bincount``s
    replace the per-estimate passes of :func:`ratio_stats`, which is what makes a million
    responses × 63 estimates fast.
    """
    n_strata = 1 if strata is None else (int(strata.max()) + 1 if len(strata) else 1)
    if w2 is None:
        w2 = w * w
    inside = kcodes >= 0
    if inside.mean() < 0.5:
        # a small base (ratings are asked of service users only): gather it first
        keep = np.flatnonzero(inside)
        kcodes, w, w2, codes = kcodes.take(keep), w.take(keep), w2.take(keep), codes.take(keep)
        strata = None if strata is None else strata.take(keep)
    width = n_cat + 1  # the extra slot collects respondents outside the base
    k = np.where(kcodes < 0, n_cat, kcodes)
    cell = codes * width + k if strata is None else (codes * n_strata + strata) * width + k
    size = n_groups * n_strata * width
    shape = (n_groups, n_strata, width)
    count = np.bincount(cell, minlength=size).reshape(shape)[..., :n_cat]
    s1 = np.bincount(cell, weights=w, minlength=size).reshape(shape)[..., :n_cat]
    s2 = np.bincount(cell, weights=w2, minlength=size).reshape(shape)[..., :n_cat]
    return {"count": count.astype(float), "s1": s1, "s2": s2}


def stats_from_sums(sums: dict[str, np.ndarray], values: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`ratio_stats` output for the variable taking ``values[k]`` in category ``k``.

    Same estimator: ``ŷ = Σ wy / Σ w`` and ``v = Σ_h n_h/(n_h − 1) Σ_i (z_hi − z̄_h)²`` with
    ``z_i = w_i (y_i − ŷ)/Σw``, computed from the per-category sums (``z`` is constant within a
    category, so ``Σz`` and ``Σz²`` are sums over categories of ``Σw`` and ``Σw²`` times it).
    Categories whose value is NaN are outside the base.
    """
    values = np.asarray(values, dtype=float)
    inside = ~np.isnan(values)
    v = np.where(inside, values, 0.0)
    count = sums["count"] * inside
    s1 = sums["s1"] * inside
    s2 = sums["s2"] * inside
    n = count.sum(axis=(1, 2))
    sw = s1.sum(axis=(1, 2))
    sw2 = s2.sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        est = (s1 * v).sum(axis=(1, 2)) / sw
        dev = v[None, :] - est[:, None]  # group × category
        sz = (s1 * dev[:, None, :]).sum(axis=2) / sw[:, None]
        sz2 = (s2 * dev[:, None, :] ** 2).sum(axis=2) / (sw * sw)[:, None]
        nh = count.sum(axis=2)
        part = _stratum_parts(nh, sz, sz2)
    var = part.sum(axis=1)
    var = np.where(n > 1, np.maximum(var, 0.0), np.nan)
    df = n - (nh > 0).sum(axis=1)
    return {"n": n, "sw": sw, "sw2": sw2, "estimate": est, "var": var, "df": df}


def quantile(level: float, df: np.ndarray | float | None = None) -> np.ndarray | float:
    """Two-sided critical value of an interval: Student's t with ``df`` degrees of freedom
    (the design's: respondents minus strata), or the normal quantile when ``df`` is None.

    With few respondents the normal quantile gives intervals that are too short (a score's
    coverage at n = 30 falls near 91 %); the t quantile widens them by a factor that vanishes
    as the base grows (2.05 against 1.96 at 29 df, 1.98 at 99 df).
    """
    q = 0.5 + level / 2
    if df is None:
        return float(norm.ppf(q))
    df = np.asarray(df, dtype=float)
    # no degrees of freedom (a single answer): nothing to widen for, the normal quantile
    with np.errstate(invalid="ignore"):
        return np.where(df >= 1, student_t.ppf(q, np.maximum(df, 1.0)), norm.ppf(q))


def wilson(
    p: np.ndarray, n_star: np.ndarray, level: float = 0.95, df: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``p`` with (effective) sample sizes ``n_star``.

    The critical value is the normal quantile, or Student's t with ``df`` degrees of freedom
    when given (Korn & Graubard's degrees-of-freedom adjustment for complex samples).
    """
    z = quantile(level, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z * z / n_star
        centre = (p + z * z / (2 * n_star)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n_star + z * z / (4 * n_star * n_star))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def summarise(
    stats: dict[str, np.ndarray], kind: str, level: float = 0.95
) -> dict[str, np.ndarray]:
    """Turn :func:`ratio_stats` output into estimate, se, interval, n, n_eff and n_interval.

    ``kind`` is ``share`` (0–1), ``score`` (0–100) or ``mean``. ``n_interval`` is the base the
    interval is computed on: for a share, the Korn–Graubard effective sample size
    ``p(1 − p)/v`` (capped at ``n``; Kish's ``n_eff`` when ``v = 0``) that enters the Wilson
    formula; for a score, the same on ``score/100`` (not capped); for a mean, the unweighted
    base ``n`` whose design degrees of freedom (``df``) set the t quantile. ``n_eff`` stays
    Kish's ``(Σw)²/Σw²``.
    """
    n, sw, sw2, est, var = (stats[k] for k in ("n", "sw", "sw2", "estimate", "var"))
    df = stats.get("df", n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where(n > 0, sw * sw / sw2, 0.0)
    se = np.sqrt(var)
    if kind in ("share", "score"):
        # a score is a mean bounded by 0 and 100: the same Wilson interval on score/100, with
        # the effective n that reproduces its variance (not capped: a rating varies less than
        # a yes/no answer with the same mean)
        scale = 100.0 if kind == "score" else 1.0
        m = est / scale
        with np.errstate(invalid="ignore", divide="ignore"):
            n_design = m * (1 - m) / (var / scale**2)
            if kind == "share":
                n_design = np.minimum(n_design, n)
        degenerate = ~(np.isfinite(n_design) & (n_design > 0))
        n_star = np.where(degenerate, n_eff, n_design)
        lo, hi = wilson(np.clip(m, 0.0, 1.0), n_star, level, df)
        lo = np.where(n > 0, lo * scale, np.nan)
        hi = np.where(n > 0, hi * scale, np.nan)
        n_interval = np.where(n > 0, n_star, np.nan)
    else:
        q = quantile(level, df)
        lo, hi = est - q * se, est + q * se
        n_interval = n.astype(float)
    return {
        "estimate": est,
        "se": se,
        "ci_low": lo,
        "ci_high": hi,
        "n": n.astype(np.int64),
        "n_eff": n_eff,
        "n_interval": n_interval,
        "df": np.where(df >= 1, df, np.nan),
    }


def tidy(
    keys: pd.DataFrame,
    blocks: Iterable[tuple[dict[str, Hashable], dict[str, np.ndarray]]],
    kind: str,
    min_base: int,
) -> pd.DataFrame:
    """Stack per-variable result columns under the group keys and apply primary suppression.

    ``blocks`` yields ``(labels, columns)``: ``labels`` are constant columns for the block
    (e.g. ``{"area": "health", "criterion": "quality"}``) placed after the group keys.
    """
    label_cols: dict[str, list] = {}
    value_cols: dict[str, list] = {}
    n_blocks = 0
    for labels, cols in blocks:
        for k in labels:
            label_cols.setdefault(k, [None] * n_blocks)
        for k in label_cols:
            label_cols[k].append(labels.get(k))
        for k, v in cols.items():
            value_cols.setdefault(k, []).append(np.asarray(v))
        n_blocks += 1
    if n_blocks == 0:
        out = keys.iloc[0:0].copy()
        for c in RESULT_COLUMNS:
            out[c] = pd.Series([], dtype=float)
    else:
        n_keys = len(keys)
        # one DataFrame built at once: the group keys tiled under each block's labels
        out = keys.iloc[np.tile(np.arange(n_keys), n_blocks)].reset_index(drop=True)
        for k, vals in label_cols.items():
            out[k] = np.repeat(np.array(vals, dtype=object), n_keys)
            if all(isinstance(v, str) for v in vals):
                out[k] = out[k].astype("str")
        for k, arrays in value_cols.items():
            out[k] = np.concatenate(arrays)
    out["suppressed"] = False
    out = disclosure.suppress(out, kind=kind, base="n", min_base=min_base)
    for c in INTERVAL_COLUMNS:  # the interval's base says nothing once the figure is withheld
        if c in out:
            out[c] = out[c].where(~out["suppressed"])
    return out.reset_index(drop=True)


def _check_columns(data: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in data]
    if missing:
        raise KeyError(f"column(s) {missing} not in the data; got {list(data.columns)[:20]} ...")


def _guard_missing_codes(data: pd.DataFrame, column: str, dataset: str | None) -> pd.Series:
    """Return the column with user-missing codes removed when ``dataset`` names its codebook;
    refuse to average a likert column that still holds 8/9 codes."""
    from .codebook import load_codebook

    cb = load_codebook()
    col = data[column]
    if dataset is not None:
        q = cb.question(dataset, column)
        return cb.substantive(col, dataset, column) if q.type == "likert" else col
    for ds in ("tsp_survey", "provider_survey"):
        try:
            q = cb.question(ds, column)
        except KeyError:
            continue
        if q.type == "likert":
            codes = [int(c) for c in cb.missing_codes(q.value_set)]
            if col.isin(codes).any():
                raise ValueError(
                    f"column {column!r} still holds the 'don't know'/'not applicable' codes "
                    f"{codes}; pass dataset={ds!r} (or Codebook.substantive) so they count as "
                    "missing, not as numbers"
                )
    return col


def as_float(col: pd.Series) -> np.ndarray:
    """A numeric column as a float array with NaN for missing."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        col = pd.to_numeric(col, errors="coerce")
    return col.to_numpy(dtype=float, na_value=np.nan)


# -- public estimators ------------------------------------------------------------------------
def share(
    data: pd.DataFrame,
    column: str,
    success: object | Sequence[object],
    *,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    base: Sequence[object] | None = None,
    strata: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Weighted share of respondents whose answer is in ``success``.

    Parameters
    ----------
    data : DataFrame
        Tidy survey frame, one row per respondent.
    column : str
        The answer column.
    success : value or list of values
        Answers counted as a success (e.g. ``"yes"``).
    weight : str, optional
        Weight column; None = unweighted.
    by : str or list of str, optional
        Grouping columns; one estimate per group.
    base : list of values, optional
        Answers that form the denominator. Default: every non-missing answer. For example
        ``base=["yes", "no"]`` leaves "don't know" out of the base.
    strata : str, optional
        Stratum column for the variance (e.g. ``"municipality"`` when several municipalities,
        each raked separately, are pooled).
    min_base : int
        Shares with fewer respondents in the base are suppressed (default 10).
    level : float
        Confidence level (default 0.95).

    Returns
    -------
    DataFrame
        Grouping columns, ``estimate`` (0–1), ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``,
        ``suppressed``. The interval is the Wilson interval on the effective sample size
        ``p(1 − p)/v`` with ``v`` the linearised variance (see the module docstring).

    Examples
    --------
    >>> d = pd.DataFrame({"need": ["yes", "no", "yes", "dont_know"] * 5})
    >>> share(d, "need", "yes", base=["yes", "no"])[["estimate", "n"]].to_dict("records")
    [{'estimate': 0.6666666666666666, 'n': 15}]
    """
    _check_columns(
        data, [column] + ([] if by is None else [by] if isinstance(by, str) else list(by))
    )
    w = weights_of(data, weight)
    codes, keys = group_codes(data, by)
    strata_codes = None if strata is None else pd.factorize(data[strata], use_na_sentinel=False)[0]
    y = indicator(data[column], success, base)
    stats = ratio_stats(y, w, codes, len(keys), strata_codes)
    return tidy(keys, [({}, summarise(stats, "share", level))], "share", min_base)


def category_codes(col: pd.Series, categories: Sequence[object]) -> np.ndarray:
    """Position of each answer in ``categories``; −1 for a missing or any other answer.

    One hashing pass over the column (pyarrow ``index_in`` for Arrow-backed text, the default
    string storage of pandas 3), which matters at a million answers.
    """
    cats = list(categories)
    dtype = col.dtype
    if (
        isinstance(dtype, pd.StringDtype)
        and dtype.storage == "pyarrow"
        and all(isinstance(c, str) for c in cats)
    ):
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(col.array)
        idx = pc.index_in(arr, value_set=pa.array(cats, type=arr.type))
        return pc.fill_null(idx, -1).to_numpy().astype(np.int64, copy=False)
    codes, uniques = pd.factorize(col)
    position = {c: i for i, c in enumerate(cats)}
    lut = np.array([position.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
    return lut[codes]


def indicator(
    col: pd.Series, success: object | Sequence[object], base: Sequence[object] | None
) -> np.ndarray:
    """1.0 for a success, 0.0 for another answer in the base, NaN outside the base
    (``base=None``: every non-missing answer is in the base)."""
    many = isinstance(success, (list, tuple, set, frozenset, np.ndarray, pd.Index))
    succ = list(dict.fromkeys(list(success) if many else [success]))
    if base is None:
        codes, uniques = pd.factorize(col)
        lut = np.array([1.0 if u in succ else 0.0 for u in uniques] + [np.nan])
        return lut[codes]
    others = [b for b in dict.fromkeys(base) if b not in succ]
    lut = np.array([1.0] * len(succ) + [0.0] * len(others) + [np.nan])
    return lut[category_codes(col, succ + others)]


def mean(
    data: pd.DataFrame,
    column: str | Sequence[str],
    *,
    weight: str | None = None,
    by: str | Sequence[str] | None = None,
    strata: str | None = None,
    dataset: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
    kind: str = "mean",
) -> pd.DataFrame:
    """Weighted mean of a numeric column (or of several, stacked with a ``variable`` column).

    Parameters
    ----------
    data : DataFrame
        Tidy survey frame.
    column : str or list of str
        Numeric column(s). Missing values are outside the base.
    weight, by, strata, min_base, level
        As in :func:`share`.
    dataset : str, optional
        Codebook dataset of the columns (``"tsp_survey"``, ``"provider_survey"``): likert
        columns then have their "don't know"/"not applicable" codes (8, 9) set to missing.
        Without it, a likert column that still holds such codes is refused rather than
        averaged with 8s and 9s.
    kind : {"mean", "score"}
        ``score``: a 0–100 score, with the bounded (Wilson) interval of the module docstring;
        ``mean``: the t interval. Both are suppressed below ``min_base``.

    Returns
    -------
    DataFrame
        Grouping columns, (``variable``,) ``estimate``, ``se``, ``ci_low``, ``ci_high``
        (t interval with the linearised standard error; for ``kind="score"`` the bounded Wilson
        interval), ``n``, ``n_eff``, ``n_interval``, ``df``, ``suppressed``.

    Examples
    --------
    >>> d = pd.DataFrame({"years": [1.0, 2.0, 3.0, 6.0] * 3, "w": [1, 1, 1, 3] * 3})
    >>> round(float(mean(d, "years", weight="w")["estimate"].iloc[0]), 4)
    4.0
    """
    columns = [column] if isinstance(column, str) else list(column)
    _check_columns(
        data, columns + ([] if by is None else [by] if isinstance(by, str) else list(by))
    )
    w = weights_of(data, weight)
    codes, keys = group_codes(data, by)
    strata_codes = None if strata is None else pd.factorize(data[strata], use_na_sentinel=False)[0]

    def blocks():
        for c in columns:
            y = as_float(_guard_missing_codes(data, c, dataset))
            labels = {} if isinstance(column, str) else {"variable": c}
            yield (
                labels,
                summarise(ratio_stats(y, w, codes, len(keys), strata_codes), kind, level),
            )

    return tidy(keys, blocks(), kind, min_base)
