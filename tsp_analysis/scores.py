"""Needs, service scores, provider capacity and priorities per integration area.

All functions read the question lists from the codebook (``need_<area>``, ``got_<area>``,
``rate_<area>_<criterion>``, ``competence_<area>``, ``resources_<area>``, ``info_<channel>``),
estimate with :mod:`tsp_analysis.estimate` (weighted, linearised 95% intervals, bases, primary
suppression) and return tidy frames.

Definitions
-----------
* ``need`` — share of respondents who needed services of the area in the last 12 months,
  among those who answered yes or no. "Don't know" and unanswered are outside the base (they
  say nothing about need), so the base ``n`` can differ between areas.
* ``unmet`` — among respondents who needed the services and said whether they got them
  (fully / partly / no), the share who got them only partly or not at all. "Don't know" is
  outside the base.
* ``partly`` — the part of ``unmet`` that was met partly (got = partly), same base; the
  share not met at all is ``unmet − partly``.
* criterion score — Likert 1–5 mapped to 0–100 as (x − 1)/4 × 100; "don't know" (8) and
  "not applicable" (9) are missing, not zero.
* area score — each respondent's mean over the criteria they rated in the area (0–100), then
  the weighted mean over respondents.
* provider ``competence`` / ``resources`` — providers' self-ratings 1–5 mapped to 0–100 the
  same way (unweighted: the provider survey is not a probability sample); ``capacity`` — each
  provider's mean of the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from . import composite, estimate
from .codebook import load_codebook
from .thresholds import DEFAULT_MIN_BASE

#: Priority components, all on one 0–100 scale where higher = more urgent (see :func:`priority`).
COMPONENTS = ("c_unmet_all", "c_low_score", "c_low_capacity")
#: Components of the earlier formula, kept as descriptive columns (not aggregated).
LEGACY_COMPONENTS = ("c_need", "c_unmet")
_STANDARD = (
    set(estimate.RESULT_COLUMNS)
    | set(estimate.INTERVAL_COLUMNS)
    | {
        "area",
        "measure",
        "criterion",
        "variable",
        "kind",
        "category",
    }
)


def likert_to_score(values: np.ndarray) -> np.ndarray:
    """Map Likert 1–5 to 0–100 as (x − 1)/4 × 100 (NaN stays NaN).

    >>> likert_to_score(np.array([1.0, 3.0, 5.0, np.nan])).tolist()
    [0.0, 50.0, 100.0, nan]
    """
    return (values - 1.0) / 4.0 * 100.0


@cache
def _likert_codes(dataset: str, column: str) -> tuple[tuple[float, ...], float, float]:
    """Missing codes and the substantive range of a likert question (read once)."""
    cb = load_codebook()
    q = cb.question(dataset, column)
    miss = tuple(float(c) for c in cb.missing_codes(q.value_set))
    valid = cb.codes(q.value_set, substantive=True)
    return miss, float(valid[0]), float(valid[-1])


def _likert_categories(
    data: pd.DataFrame, dataset: str, column: str
) -> tuple[np.ndarray, np.ndarray]:
    """A likert column as category codes 0 … K−1 (answer 1 … 5; −1 for "don't know", "not
    applicable" and unanswered) and the 0–100 score of each category.

    The codebook's missing codes (8, 9) are outside the base, as ``Codebook.substantive``
    makes them; any other value outside the scale is an error.
    """
    if column not in data:
        raise KeyError(f"{dataset} column {column!r} is missing from the data")
    miss, lo, hi = _likert_codes(dataset, column)
    col = data[column]
    values = likert_to_score(np.arange(lo, hi + 1, dtype=float))
    x = estimate.as_float(col)
    valid = (x >= lo) & (x <= hi) & (x == np.floor(x))
    outside = ~valid & ~np.isnan(x)
    if outside.any():
        bad = np.setdiff1d(np.unique(x[outside]), np.array(miss, dtype=float))
        if len(bad):
            raise ValueError(
                f"{dataset}.{column}: values {bad[:5].tolist()} outside {lo:g}–{hi:g} and not "
                f"a missing code {list(miss)}"
            )
    return np.where(valid, x - lo, -1).astype(np.int64), values


def _substantive_scores(data: pd.DataFrame, dataset: str, column: str) -> np.ndarray:
    """A likert column as 0–100 scores per respondent, "don't know"/"not applicable" missing
    (``Codebook.substantive`` followed by :func:`likert_to_score`)."""
    k, values = _likert_categories(data, dataset, column)
    return np.append(values, np.nan)[k]


@dataclass(frozen=True)
class _Design:
    """The weights, groups and strata of one table of estimates, and the kind and confidence
    level of its figures: every block of the table is estimated through it."""

    w: np.ndarray
    w2: np.ndarray
    codes: np.ndarray
    keys: pd.DataFrame
    strata: np.ndarray | None
    kind: str
    level: float

    @classmethod
    def of(
        cls,
        data: pd.DataFrame,
        *,
        weight: str | None,
        by: str | Sequence[str] | None,
        strata: str | None,
        kind: str,
        level: float,
    ) -> _Design:
        """The design of ``data``: unit weights when ``weight`` is None, one group when ``by``
        is None, no strata when ``strata`` is None."""
        w = estimate.weights_of(data, weight) if weight is not None else np.ones(len(data))
        codes, keys = estimate.group_codes(data, by)
        s = None if strata is None else pd.factorize(data[strata], use_na_sentinel=False)[0]
        return cls(w=w, w2=w * w, codes=codes, keys=keys, strata=s, kind=kind, level=level)

    def sums(self, k: np.ndarray, n_cat: int) -> dict[str, np.ndarray]:
        """Weighted sums of a categorical answer per group (:func:`estimate.category_sums`)."""
        return estimate.category_sums(
            k, n_cat, self.w, self.codes, len(self.keys), self.strata, self.w2
        )

    def from_sums(
        self, sums: dict[str, np.ndarray], values: Sequence[float]
    ) -> dict[str, np.ndarray]:
        """The estimate of a value per category from :meth:`sums`, summarised."""
        return estimate.summarise(estimate.stats_from_sums(sums, values), self.kind, self.level)

    def ratio(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """The weighted mean of ``y`` (NaN outside the base) per group, summarised."""
        st = estimate.ratio_stats(y, self.w, self.codes, len(self.keys), self.strata)
        return estimate.summarise(st, self.kind, self.level)

    def tidy(self, blocks, min_base: int) -> pd.DataFrame:
        """The blocks' figures under the group keys, suppressed below ``min_base``."""
        return estimate.tidy(self.keys, blocks, self.kind, min_base)


def need_unmet(
    tsp: pd.DataFrame,
    *,
    weight: str | None = "weight",
    by: str | Sequence[str] | None = None,
    strata: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Need and unmet-need rates per area (see the module docstring for the exact bases).

    Returns
    -------
    DataFrame
        (``by``,) ``area``, ``measure`` (``need``, ``unmet``, ``partly``), ``estimate`` (0–1),
        ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``, ``suppressed``; Wilson intervals on the
        effective sample size.
    """
    cb = load_codebook()
    d = _Design.of(tsp, weight=weight, by=by, strata=strata, kind="share", level=level)

    def blocks():
        for q in cb.questions("tsp_survey", group="need"):
            area = q.area
            need_col, got_col = f"need_{area}", f"got_{area}"
            for c in (need_col, got_col):
                if c not in tsp:
                    raise KeyError(f"tsp_survey column {c!r} is missing from the data")
            # one pass per column: category codes and their weighted sums; each measure is
            # then a value per category
            need_code = estimate.category_codes(tsp[need_col], ["yes", "no"])
            got_code = estimate.category_codes(tsp[got_col], ["fully", "partly", "no"])
            got_code = np.where(need_code == 0, got_code, -1)  # asked only when need = yes
            need_sums = d.sums(need_code, 2)
            got_sums = d.sums(got_code, 3)
            for measure, sums, values in (
                ("need", need_sums, [1.0, 0.0]),
                ("unmet", got_sums, [0.0, 1.0, 1.0]),
                ("partly", got_sums, [0.0, 1.0, 0.0]),
            ):
                yield {"area": area, "measure": measure}, d.from_sums(sums, values)

    return d.tidy(blocks(), min_base)


def criterion_scores(
    tsp: pd.DataFrame,
    *,
    weight: str | None = "weight",
    by: str | Sequence[str] | None = None,
    strata: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """The area × criterion matrix of 0–100 scores with intervals.

    Each cell is the weighted mean of (x − 1)/4 × 100 over respondents who rated that criterion
    (1–5); "don't know" and "not applicable" are outside the base. 95% interval: Wilson on
    score/100 with the effective size of the linearised variance and the t quantile (see
    :mod:`tsp_analysis.estimate`); cells with a base below ``min_base`` are suppressed.

    Returns
    -------
    DataFrame
        (``by``,) ``area``, ``criterion``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``,
        ``n_eff``, ``suppressed``; 45 rows per group, in codebook order.
    """
    cb = load_codebook()
    d = _Design.of(tsp, weight=weight, by=by, strata=strata, kind="score", level=level)

    def blocks():
        for q in cb.questions("tsp_survey", group="rating"):
            k, values = _likert_categories(tsp, "tsp_survey", q.id)
            figures = d.from_sums(d.sums(k, len(values)), values)
            yield {"area": q.area, "criterion": q.criterion}, figures

    return d.tidy(blocks(), min_base)


def area_scores(
    tsp: pd.DataFrame,
    *,
    weight: str | None = "weight",
    by: str | Sequence[str] | None = None,
    strata: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """One 0–100 score per area: each respondent's mean over the criteria they rated, then the
    weighted mean over respondents (base: respondents who rated at least one criterion).

    Returns
    -------
    DataFrame
        (``by``,) ``area``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``,
        ``suppressed``.
    """
    cb = load_codebook()
    d = _Design.of(tsp, weight=weight, by=by, strata=strata, kind="score", level=level)
    areas = list(dict.fromkeys(q.area for q in cb.questions("tsp_survey", group="rating")))

    def blocks():
        for area in areas:
            cols = [q.id for q in cb.questions("tsp_survey", group="rating", area=area)]
            total = np.zeros(len(tsp))
            count = np.zeros(len(tsp))
            for c in cols:
                x = _substantive_scores(tsp, "tsp_survey", c)
                ok = ~np.isnan(x)
                total[ok] += x[ok]
                count += ok
            with np.errstate(invalid="ignore", divide="ignore"):
                y = np.where(count > 0, total / count, np.nan)
            yield {"area": area}, d.ratio(y)

    return d.tidy(blocks(), min_base)


def provider_scores(
    provider: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    weight: str | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Providers' and municipal staff's competence and resources per area, 0–100.

    Returns
    -------
    DataFrame
        (``by``,) ``area``, ``measure`` (``competence``, ``resources``, ``capacity`` = each
        provider's mean of the two), ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``,
        ``n_eff``, ``suppressed``. Unweighted unless ``weight`` is given.
    """
    cb = load_codebook()
    d = _Design.of(provider, weight=weight, by=by, strata=None, kind="score", level=level)
    areas = list(dict.fromkeys(q.area for q in cb.questions("provider_survey", group="competence")))

    def blocks():
        for area in areas:
            comp = _substantive_scores(provider, "provider_survey", f"competence_{area}")
            res = _substantive_scores(provider, "provider_survey", f"resources_{area}")
            both = np.vstack([comp, res])
            n_ok = (~np.isnan(both)).sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                cap = np.where(n_ok > 0, np.nansum(both, axis=0) / n_ok, np.nan)
            for measure, y in (("competence", comp), ("resources", res), ("capacity", cap)):
                yield {"area": area, "measure": measure}, d.ratio(y)

    return d.tidy(blocks(), min_base)


def provider_overall(
    provider: pd.DataFrame,
    by: str | Sequence[str] | None = "org_type",
    *,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Competence and resources over every area, per stakeholder type (0–100).

    Each respondent's score is the mean of their substantive ratings over the areas ("don't
    know" left out); a respondent who rated no area is not in the base. The estimate is the mean
    of those scores in the group, unweighted.

    Parameters
    ----------
    provider : DataFrame
        The clean provider survey (or one municipality's part of it).
    by : str or sequence of str, optional
        Grouping columns (default ``org_type``); ``None`` for everyone.
    min_base : int
        Groups with fewer respondents who rated are left without a figure.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        (``by``,) ``measure`` (``competence``, ``resources``), ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``n``, ``n_eff``, ``suppressed``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"org_type": ["ngo", "ngo"], "competence_health": [5, 3],
    ...                    "resources_health": [1, 8]})
    >>> out = provider_overall(df, min_base=1)
    >>> out[["measure", "estimate", "n"]].to_dict("list")
    {'measure': ['competence', 'resources'], 'estimate': [75.0, 0.0], 'n': [2, 1]}
    """
    cb = load_codebook()
    d = _Design.of(provider, weight=None, by=by, strata=None, kind="score", level=level)

    def blocks():
        for measure in ("competence", "resources"):
            items = cb.questions("provider_survey", group=measure)
            cols = [q.id for q in items if q.id in provider]
            if cols:
                ratings = np.vstack(
                    [_substantive_scores(provider, "provider_survey", c) for c in cols]
                )
                n_ok = (~np.isnan(ratings)).sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    y = np.where(n_ok > 0, np.nansum(ratings, axis=0) / n_ok, np.nan)
            else:
                y = np.full(len(provider), np.nan)
            yield {"measure": measure}, d.ratio(y)

    return d.tidy(blocks(), min_base)


def information_channels(
    tsp: pd.DataFrame,
    *,
    weight: str | None = "weight",
    by: str | Sequence[str] | None = None,
    min_base: int = DEFAULT_MIN_BASE,
    level: float = 0.95,
) -> pd.DataFrame:
    """Where TŠP look for information on services, and in which language.

    Returns
    -------
    DataFrame
        (``by``,) ``kind`` (``channel`` or ``language``), ``category`` (the channel, e.g.
        ``municipal_website``, or the language code), ``estimate`` (0–1), intervals, ``n``,
        ``n_eff``, ``suppressed``. A channel's share is among respondents who answered the
        channel question; the language shares are the distribution of ``info_language`` among
        respondents who named one (they sum to 1).
    """
    cb = load_codebook()
    d = _Design.of(tsp, weight=weight, by=by, strata=None, kind="share", level=level)

    def blocks():
        for q in cb.questions("tsp_survey", group="info_channel"):
            y = estimate.indicator(tsp[q.id], 1, base=[0])
            yield {"kind": "channel", "category": q.id.removeprefix("info_")}, d.ratio(y)
        lang = cb.question("tsp_survey", "info_language")
        for code in cb.codes(lang.value_set, substantive=True):
            y = estimate.indicator(tsp["info_language"], code, base=None)
            yield {"kind": "language", "category": code}, d.ratio(y)

    return d.tidy(blocks(), min_base)


# -- combining needs, scores and capacity ---------------------------------------------------------
def _group_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in _STANDARD]


def _pick(frame: pd.DataFrame, measure: str | None, name: str, keys: list[str]) -> pd.DataFrame:
    part = frame if measure is None else frame[frame["measure"] == measure]
    return part[keys + ["estimate", "n"]].rename(columns={"estimate": name, "n": f"{name}_n"})


def _area_score_table(scores: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Area score from :func:`area_scores`, or the mean of an area's criterion scores."""
    if "criterion" not in scores:
        return _pick(scores, None, "score", keys)
    ok = scores[~scores["suppressed"]]
    agg = ok.groupby(keys, dropna=False, sort=False).agg(
        score=("estimate", "mean"), score_n=("n", "max")
    )
    full = scores[keys].drop_duplicates()
    return full.merge(agg.reset_index(), on=keys, how="left")


def need_capacity_gap(needs: pd.DataFrame, provider: pd.DataFrame) -> pd.DataFrame:
    """Need against providers' capacity per area (the report's need × capacity chart).

    Need and capacity are on different scales: need is a share of respondents (percent of
    TŠP), capacity a 0–100 rating by providers. They are put side by side, never subtracted:
    the chart needs two axes (need % against capacity score), not one.

    Parameters
    ----------
    needs : DataFrame
        Output of :func:`need_unmet`.
    provider : DataFrame
        Output of :func:`provider_scores` (grouped like ``needs`` or not grouped).

    Returns
    -------
    DataFrame
        (groups,) ``area``, ``need`` and ``unmet`` (percent, 0–100: ``need`` of all respondents,
        ``unmet`` of those who needed services), ``unmet_all`` (percent of *all* respondents
        with an unmet need = need × unmet / 100), ``need_n``, ``unmet_n``, ``competence``,
        ``resources``, ``capacity`` (0–100 ratings), ``capacity_n``, ``capacity_shortfall``
        (100 − capacity: how far providers rate themselves below full capacity), and ``gap``
        (need − capacity; **deprecated**: it subtracts a rating from a percentage, kept only
        so that old callers do not break; no computation here uses it). Missing wherever an
        input was suppressed.
    """
    groups = _group_columns(needs)
    keys = groups + ["area"]
    out = _pick(needs, "need", "need", keys).merge(_pick(needs, "unmet", "unmet", keys), on=keys)
    out["need"] = out["need"] * 100
    out["unmet"] = out["unmet"] * 100
    out["unmet_all"] = out["need"] * out["unmet"] / 100
    pkeys = [c for c in _group_columns(provider) if c in groups] + ["area"]
    cap = _pick(provider, "capacity", "capacity", pkeys)
    for m in ("competence", "resources"):
        cap = cap.merge(_pick(provider, m, m, pkeys).drop(columns=f"{m}_n"), on=pkeys)
    out = out.merge(cap, on=pkeys, how="left")
    out["capacity_shortfall"] = 100 - out["capacity"]
    out["gap"] = out["need"] - out["capacity"]
    return out


def priority(
    needs: pd.DataFrame,
    scores: pd.DataFrame,
    provider: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
) -> pd.DataFrame:
    """Priority score and rank of each area (within each group, e.g. municipality).

    Every component is on one stated scale, **points from 0 to 100 where higher means more
    urgent**, with fixed goalposts (0 and 100), so a score keeps its meaning between areas and
    runs, and none is counted twice:

    * ``c_unmet_all`` = 100 × need × unmet: the percentage of *all* TŠP who needed services of
      the area and did not get them (fully). Need enters here, once: an area that few need and
      an area whose services fail few of those who need them both score low.
    * ``c_low_score`` = 100 − area score: how far the users' rating of the services (the mean
      of the 5 criteria, 0–100) falls short of the top of the scale.
    * ``c_low_capacity`` = 100 − capacity: how far providers' self-rated competence and
      resources (0–100) fall short of the top of the scale — the provider side, on its own
      scale rather than subtracted from a percentage.

    With weights ``w_k`` (equal by default), the arithmetic priority is

        priority = Σ_k w_k c_k / Σ_k w_k

    ``aggregation="geometric"`` uses ``exp(Σ w_k ln max(c_k, 1) / Σ w_k)`` instead.

    **Hidden components.** An area with a suppressed component (base too small) gets a
    priority from the components it has, but ``complete`` is False, ``status`` is
    ``incomplete``, ``missing`` names the hidden components, and it has **no rank**: ranks
    (1 = most urgent) are computed among complete areas only.

    Parameters
    ----------
    needs : DataFrame
        :func:`need_unmet` output.
    scores : DataFrame
        :func:`area_scores` output (preferred), or :func:`criterion_scores` output, in which
        case the area score is the mean of its non-suppressed criterion scores and ``score_n``
        the largest criterion base.
    provider : DataFrame
        :func:`provider_scores` output.
    weights : dict, optional
        Component → weight, keys from :data:`COMPONENTS`.

    Returns
    -------
    DataFrame
        (groups,) ``area``, ``need``, ``need_n``, ``unmet``, ``unmet_n`` (shares 0–1),
        ``unmet_all`` (share 0–1 of all respondents), ``score``, ``score_n``, ``capacity``,
        ``capacity_n`` (0–100), ``gap`` (deprecated, see :func:`need_capacity_gap`), the
        components of :data:`COMPONENTS`, the descriptive ``c_need`` = 100 × need and
        ``c_unmet`` = 100 × unmet (not aggregated), ``priority``, ``rank``, ``complete``,
        ``status`` (``ranked``/``incomplete``), ``missing`` (``;``-joined hidden components).
    """
    gap = need_capacity_gap(needs, provider)
    groups = _group_columns(needs)
    keys = groups + ["area"]
    skeys = [c for c in _group_columns(scores) if c in groups] + ["area"]
    out = gap.merge(_area_score_table(scores, skeys), on=skeys, how="left")
    out["need"] = out["need"] / 100
    out["unmet"] = out["unmet"] / 100
    out["unmet_all"] = out["unmet_all"] / 100
    out["c_need"] = 100 * out["need"]
    out["c_unmet"] = 100 * out["unmet"]
    out["c_unmet_all"] = 100 * out["unmet_all"]
    out["c_low_score"] = 100 - out["score"]
    out["c_low_capacity"] = 100 - out["capacity"]
    comp = out[list(COMPONENTS)].astype(float)
    out["priority"] = composite.aggregate(comp, weights, method=aggregation).to_numpy()
    hidden = comp.isna()
    out["complete"] = ~hidden.any(axis=1).to_numpy()
    out["status"] = np.where(out["complete"], "ranked", "incomplete")
    out["status"] = out["status"].astype("str")
    out["missing"] = [";".join(c for c in COMPONENTS if row[c]) for _, row in hidden.iterrows()]
    out["missing"] = out["missing"].astype("str")
    ranked = []
    for _, part in out.groupby(groups, sort=False, dropna=False) if groups else [(None, out)]:
        part = part.copy()
        eligible = part["priority"].where(part["complete"])
        part["rank"] = eligible.rank(ascending=False, method="min").astype("Int64")
        ranked.append(part)
    out = pd.concat(ranked).sort_index()
    cols = keys + [
        "need",
        "need_n",
        "unmet",
        "unmet_n",
        "unmet_all",
        "score",
        "score_n",
        "capacity",
        "capacity_n",
        "gap",
        *COMPONENTS,
        *LEGACY_COMPONENTS,
        "priority",
        "rank",
        "complete",
        "status",
        "missing",
    ]
    return out[cols].reset_index(drop=True)
