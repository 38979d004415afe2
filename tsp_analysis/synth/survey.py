"""The synthetic TŠP survey (``tsp_survey.csv``), vectorised with NumPy.

Respondents of each municipality are drawn from that municipality's adult TŠP population (the
latest year of :func:`~tsp_analysis.synth.population.population_frame`) with a realistic
sampling bias (women, students, people under protection and Russian speakers answer more
often; older people less), so that weighting matters. Their answers come from a latent-variable
model:

* years in Lithuania ~ gamma by residence basis (recent arrivals under protection in Jonava);
* Lithuanian level: ordered probit on log(1 + years), citizenship, basis and age;
* need per area: logit on residence basis, sex and Lithuanian level (family → education and
  health; protection → housing, employment, health, education; work → employment, health;
  study → fewer needs, more culture and community) plus a person-level need propensity;
* whether the service was received and each rating: ordered probit on the municipality's
  service level (bigger cities cover more), Lithuanian level (strongest on accessibility and
  inclusion), whether the need was fully met, and a person-level positivity;
* overall satisfaction: ordered probit on Lithuanian level, the share of needs met and unmet,
  the municipality, the basis and the same positivity, so that an ordinal regression of
  satisfaction recovers a positive effect of Lithuanian level.

Skip logic follows the codebook's ``applies_if`` (``got_<area>`` only when the need is ``yes``,
ratings only when ``got`` is ``fully`` or ``partly``), "don't know"/"not applicable" occur at
realistic rates, and every item has its own non-response rate between 2% and 8%. Every value is
text, as :func:`tsp_analysis.readers.read_table` would return it from the CSV.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from .. import reference, routing
from ..codebook import Codebook, Question, load_codebook
from ..errors import ReferenceDataError
from .coded import MISSING, Coded, concat
from .dirty import STRAIGHT_LINE_ITEMS, inject
from .params import Params, load
from .population import population_frame
from .streams import check_seed, stream

DATASET = "tsp_survey"
#: Women answer more often than men (a common pattern in migrant surveys).
FEMALE_SAMPLE_BIAS = 1.5
#: Share of answers that are "don't know" where a question allows it.
DONT_KNOW = {"need": 0.03, "received": 0.03, "rating": 0.04, "satisfaction": 0.04}
#: Share of ratings answered "not applicable".
NOT_APPLICABLE = 0.02
#: Share of respondents who refuse to give their sex, or whether they met discrimination.
REFUSED = {"sex": 0.015, "discrimination": 0.04}
#: Share of respondents who write a comment.
COMMENT_RATE = 0.10
#: Range of item non-response rates, drawn once per item.
NONRESPONSE = (0.02, 0.08)
#: Ordered-probit thresholds of the 1–5 scales.
LT_CUTS = (-0.45, 0.35, 1.1, 1.85)
RATE_CUTS = (-1.45, -0.55, 0.35, 1.25)
SAT_CUTS = (-1.55, -0.65, 0.3, 1.3)
#: ``got`` categories from the latent receipt: below −0.75 "no", above 0.35 "fully".
GOT_CUTS = (-0.75, 0.35)
#: Information language by Lithuanian level 1–5: weight of "lt".
LT_INFO_WEIGHT = (0.01, 0.03, 0.12, 0.7, 1.6)


def default_sizes() -> dict[str, int]:
    """Respondents per municipality in the demo: about Vilnius 420 … Akmenė 35."""
    prof = load().municipalities
    return {slug: int(n) for slug, n in prof["survey_n"].items()}


def check_sizes(sizes: Mapping[str, int] | None, default: dict[str, int]) -> dict[str, int]:
    """Validate a sizes mapping; return it in profile order (unknown slug: ``ValueError``)."""
    if sizes is None:
        return dict(default)
    known = list(default)
    bad = [s for s in sizes if s not in known]
    if bad:
        raise ValueError(f"no synthetic profile for municipalities {bad}; expected some of {known}")
    out = {}
    for slug in known:
        if slug in sizes:
            n = sizes[slug]
            if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
                raise ValueError(f"size of {slug} must be a non-negative integer, got {n!r}")
            out[slug] = int(n)
    return out


def tsp_survey_frame(
    sizes: Mapping[str, int] | None, seed: int, dirty: bool = True
) -> pd.DataFrame:
    """Generate the TŠP survey as a real team would export it.

    Parameters
    ----------
    sizes : mapping of str to int, or None
        Respondents per municipality slug; ``None`` uses :func:`default_sizes`.
    seed : int
        Non-negative seed. Each municipality draws from its own stream, so changing one size
        does not change the other municipalities' respondents.
    dirty : bool
        Add the documented dirty rows (see ``data/README.md`` and
        :mod:`tsp_analysis.synth.dirty`): about 2% of rows.

    Returns
    -------
    DataFrame
        The codebook's ``tsp_survey`` columns, in codebook order, every value as text (pandas
        ``str`` dtype, unanswered cells missing): likert answers as ``1``–``5``/``8``/``9``,
        categories as their codes, municipalities as slugs. ``frame.attrs["dirty_rows"]`` lists
        the dirty rows (position ``row``, spreadsheet ``source_row``, ``resp_id``, ``kind``,
        ``column``, ``value``, ``cleaning``, ``detail``).

    Examples
    --------
    >>> df = tsp_survey_frame({"vilnius": 50, "akmene": 10}, seed=1, dirty=False)
    >>> df.shape[0], df["resp_id"].iloc[0]
    (60, 'VLN-0001')
    """
    seed = check_seed(seed)
    cb = load_codebook()
    params = load()
    sizes = check_sizes(sizes, default_sizes())
    population = population_frame(seed)
    rates = _nonresponse_rates(cb, seed)
    parts = []
    ids = []
    width = max(4, len(str(max(sizes.values(), default=0))))
    for slug, n in sizes.items():
        rng = stream(seed, DATASET, slug)
        gen = _Respondents(slug, n, rng, population, params, cb, rates)
        parts.append(gen.columns())
        prefix = str(params.municipalities.at[slug, "id_prefix"])
        ids.append(
            np.strings.add(f"{prefix}-", np.strings.zfill(np.arange(1, n + 1).astype("U"), width))
        )
    columns = {col: concat([p[col] for p in parts]) for col in parts[0]} if parts else {}
    all_ids = np.concatenate(ids).astype(object) if ids else np.array([], dtype=object)
    columns["resp_id"] = Coded(np.arange(len(all_ids)), all_ids)
    order = cb.columns(DATASET)
    if not parts:
        columns = {c: Coded.missing(0, []) for c in order}
    log: list[dict] = []
    if dirty and len(all_ids):
        log = inject(columns, stream(seed, DATASET, "dirty"), cb)
    frame = pd.DataFrame({c: columns[c].to_series(c) for c in order})
    frame.attrs["dirty_rows"] = log
    return frame


def _nonresponse_rates(cb: Codebook, seed: int) -> dict[str, float]:
    """One non-response rate per question, drawn in codebook order from its own stream."""
    rng = stream(seed, DATASET, "nonresponse")
    qs = cb.questions(DATASET)
    draws = rng.uniform(*NONRESPONSE, size=len(qs))
    return {q.id: float(r) for q, r in zip(qs, draws, strict=True)}


@cache
def _codes(value_set: str, substantive: bool = False) -> list[str]:
    """Codes of a value set (cached: the samplers ask for them once per item)."""
    return load_codebook().codes(value_set, substantive=substantive)


@cache
def _missing_codes(value_set: str, kind: str) -> list[str]:
    return load_codebook().missing_codes(value_set, kind)


def _ordinal(latent: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    """Ordered-probit category 0..len(cuts) of each latent value."""
    return np.searchsorted(np.asarray(cuts), latent, side="right")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _number_labels(step_halves: bool, top: int) -> list[str]:
    """Text of 0..top in whole (or half) steps, as a survey export writes them."""
    if not step_halves:
        return [str(i) for i in range(top + 1)]
    return [str(k // 2) if k % 2 == 0 else f"{k // 2}.5" for k in range(2 * top + 1)]


class _Respondents:
    """The respondents of one municipality: demographics, latent traits, then every answer."""

    def __init__(self, slug, n, rng, population, params: Params, cb: Codebook, rates):
        self.slug, self.n, self.rng, self.params, self.cb, self.rates = (
            slug,
            n,
            rng,
            params,
            cb,
            rates,
        )
        self.profile = params.municipalities.loc[slug]
        self.out: dict[str, Coded] = {}
        self.routing_rules = routing.rules_of(self.cb, DATASET)
        self._sample(population)

    # -- who answers ---------------------------------------------------------------------------
    def _sample(self, population: pd.DataFrame) -> None:
        params, rng, n = self.params, self.rng, self.n
        ages = reference.table("age_groups").set_index("age_group")
        adult = ages.index[ages["adult"]].tolist()
        year = population["year"].max()
        pop = population[
            (population["municipality"] == self.slug)
            & (population["year"] == year)
            & population["age_group"].isin(adult)
        ]
        if pop.empty and n:
            raise ReferenceDataError(f"no adult population for {self.slug} to sample from")
        bias = (
            pop["count"].to_numpy(dtype=float)
            * np.where(pop["sex"].to_numpy() == "female", FEMALE_SAMPLE_BIAS, 1.0)
            * pop["residence_basis"].map(params.bases["sample_bias"]).to_numpy()
            * pop["citizenship"].map(params.citizenships["sample_bias"]).to_numpy()
            * pop["age_group"].map(params.ages["sample_bias"]).to_numpy()
        )
        pick = rng.choice(len(pop), size=n, p=bias / bias.sum()) if n else np.array([], int)
        # attributes are looked up on the few population cells, then taken per respondent
        cit_idx = params.citizenships.index.get_indexer(pop["citizenship"])
        basis_idx = pd.Index(params.basis_ids).get_indexer(pop["residence_basis"])
        if (cit_idx < 0).any() or (basis_idx < 0).any():
            raise ReferenceDataError(f"population cells of {self.slug} without parameters")
        self.cit_idx = cit_idx[pick]
        self.basis_idx = basis_idx[pick]
        self.basis = np.asarray(params.basis_ids, dtype=object)[self.basis_idx]
        self.female = (pop["sex"].to_numpy() == "female")[pick]
        lo = ages["min_age"].reindex(pop["age_group"]).to_numpy()[pick]
        hi = ages["max_age"].reindex(pop["age_group"]).to_numpy()[pick]
        open_top = hi >= 100  # "65 and over": ages thin out instead of reaching 120
        span = np.where(open_top, 1, hi - lo + 1)
        age = lo + np.floor(rng.random(n) * span).astype(int)
        age = np.where(open_top, lo + np.minimum(rng.exponential(7.0, n), 30).astype(int), age)
        self.age = age

        # years in Lithuania: gamma by basis; arrivals under protection are more recent where a
        # reception centre is (Jonava: Rukla)
        shape = params.bases["years_shape"].to_numpy()[self.basis_idx]
        scale = params.bases["years_scale"].to_numpy()[self.basis_idx]
        protection = self.basis_idx == params.basis_ids.index("protection")
        scale = np.where(protection, scale * self.profile["arrival_recency"], scale)
        years = np.minimum(rng.gamma(shape, scale), np.maximum(age - 1, 0.5))
        years = np.clip(years, 0.5, 70)
        # small durations in half years, longer ones in whole years, as people answer
        self.years_halves = np.where(years < 2, np.round(years * 2), np.round(years) * 2).astype(
            int
        )
        years = self.years_halves / 2

        lt_latent = (
            -1.0
            + 1.0 * np.log1p(years)
            + self.citizenship_param("lt_effect")
            + params.bases["lt_effect"].to_numpy()[self.basis_idx]
            - 0.012 * (age - 35)
            + rng.normal(0, 0.9, n)
        )
        self.lt_level = _ordinal(lt_latent, LT_CUTS) + 1  # 1..5
        self.lang = (self.lt_level - 3) / 1.2
        self.positivity = rng.normal(0, 1, n)  # the person's general tendency to rate high
        self.needy = rng.normal(0, 1, n)  # the person's general propensity to need services

    def citizenship_param(self, column: str) -> np.ndarray:
        return self.params.citizenships[column].to_numpy()[self.cit_idx]

    # -- helpers -------------------------------------------------------------------------------
    def _coded(self, q: Question, idx: np.ndarray) -> Coded:
        """Codes of ``q``'s value set at ``idx`` (positions into ``codes(value_set)``)."""
        return Coded(np.asarray(idx, dtype=np.int32), _codes(q.value_set))

    def _asked(self, qid: str) -> np.ndarray:
        """Respondents whom the codebook's ``applies_if`` routes to ``qid``, given the answers
        drawn so far: :mod:`tsp_analysis.routing`, the reading cleaning and the data review
        use, so the generator cannot drift from them."""

        def condition(column: str, allowed: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
            col = self.out[column]
            return col.isin(sorted(allowed)), col.codes != MISSING

        return routing.Routing(self.routing_rules, condition, self.n).asked(qid)[0]

    def _nonresponse(self, col: Coded, qid: str) -> Coded:
        skipped = self.rng.random(self.n) < self.rates[qid]
        col.codes[skipped] = MISSING
        return col

    def _override(self, col: Coded, value: str, share: float, where: np.ndarray) -> None:
        """Replace ``share`` of the answered cells in ``where`` with ``value``."""
        hit = where & (self.rng.random(self.n) < share)
        col.codes[hit] = col.code(value)

    # -- the questionnaire ---------------------------------------------------------------------
    def columns(self) -> dict[str, Coded]:
        cb, n = self.cb, self.n
        met_sum = np.zeros(n)
        unmet_sum = np.zeros(n)
        needed = np.zeros(n)
        for q in cb.questions(DATASET):
            if q.id in ("resp_id",):
                continue
            if q.id == "municipality":
                self.out[q.id] = Coded(np.zeros(n), [self.slug])
            elif q.id == "age":
                self.out[q.id] = self._nonresponse(
                    Coded(self.age, _number_labels(False, 150)), q.id
                )
            elif q.id == "sex":
                col = Coded.missing(n, _codes(q.value_set))
                col.codes[:] = np.where(self.female, col.code("female"), col.code("male"))
                self._override(col, "refused", REFUSED["sex"], np.ones(n, bool))
                self.out[q.id] = self._nonresponse(col, q.id)
            elif q.id == "citizenship":
                cats = self.params.citizenships.index.tolist()
                self.out[q.id] = self._nonresponse(Coded(self.cit_idx, cats), q.id)
            elif q.id == "residence_basis":
                cats = _codes(q.value_set)
                idx = pd.Index(cats).get_indexer(self.params.basis_ids)[self.basis_idx]
                self.out[q.id] = self._nonresponse(Coded(idx, cats), q.id)
            elif q.id == "years_in_lt":
                self.out[q.id] = self._nonresponse(
                    Coded(self.years_halves, _number_labels(True, 70)), q.id
                )
            elif q.id == "lt_level":
                cats = _codes(q.value_set)
                idx = pd.Index(cats).get_indexer([str(k) for k in range(1, 6)])[self.lt_level - 1]
                self.out[q.id] = self._nonresponse(Coded(idx, cats), q.id)
            elif q.group == "need":
                self._area(q.area)
                needed += self.out[q.id].isin(["yes"])
                for got_q in cb.questions(DATASET, group="received", area=q.area):
                    met_sum += self.out[got_q.id].isin(["fully"])
                    unmet_sum += self.out[got_q.id].isin(["partly", "no"])
            elif q.group in ("received", "rating"):
                continue  # written together with the area's need question
            elif q.group == "satisfaction":
                self.out[q.id] = self._satisfaction(q, met_sum, unmet_sum, needed)
            elif q.group == "info_channel":
                continue
            elif q.group == "info_language":
                self.out[q.id] = self._info_language(q)
            elif q.group == "discrimination":
                self.out[q.id] = self._discrimination(q)
            elif q.group == "free_text":
                self.out[q.id] = self._comment()
            elif q.id == "data_origin":
                self.out[q.id] = Coded(np.zeros(n), ["synthetic"])
            elif q.type in ("category", "likert", "binary"):
                # a question the model does not know: uniform over its substantive answers
                k = len(_codes(q.value_set, True))
                self.out[q.id] = self._nonresponse(self._coded(q, self.rng.integers(0, k, n)), q.id)
            else:
                raise ReferenceDataError(
                    f"the synthetic generator cannot answer {DATASET}.{q.id} of type {q.type!r}"
                )
        self._info_channels()
        self._break_straight_lines()
        return {c: self.out[c] for c in cb.columns(DATASET) if c in self.out}

    def _break_straight_lines(self) -> None:
        """Change one answer of any chance straight-liner, so that the only straight-liners in
        the data are the documented dirty rows (cleaning quarantines those)."""
        ratings = [self.out[q.id] for q in self.cb.questions(DATASET, group="rating")]
        if not ratings:
            return
        # work on codes (all rating items share their value set's categories at this point)
        if any(not np.array_equal(c.categories, ratings[0].categories) for c in ratings):
            raise AssertionError("rating items with different categories")
        values = np.stack([c.codes for c in ratings], axis=1)
        answered = values != MISSING
        cats = ratings[0].categories
        scale = [i for i, c in enumerate(cats) if c in {str(k) for k in range(1, 6)}]
        substantive = np.isin(values, scale)
        n_rows = np.arange(self.n)
        # a straight line over every answered item, or over every substantive (1-5) answer
        straight = np.zeros(self.n, dtype=bool)
        for mask in (answered, substantive):
            first = values[n_rows, mask.argmax(axis=1)]
            same = ((values == first[:, None]) | ~mask).all(axis=1)
            straight |= same & (mask.sum(axis=1) >= STRAIGHT_LINE_ITEMS)
        for row in np.flatnonzero(straight):
            item = int(
                np.flatnonzero(substantive[row] if substantive[row].any() else answered[row])[-1]
            )
            old = str(cats[values[row, item]])
            new = {"1": "2", "2": "3", "3": "4", "4": "3", "5": "4"}.get(old, "3")
            ratings[item].set(row, new)

    def _area(self, area: str) -> None:
        """need_<area>, got_<area> and rate_<area>_<criterion>, with their skip logic."""
        cb, rng, n, a = self.cb, self.rng, self.n, self.params.areas.loc[area]
        need_q = cb.questions(DATASET, group="need", area=area)[0]
        basis_effect = np.array([a[f"need_{b}"] for b in self.params.basis_ids])[self.basis_idx]
        logit = (
            a["need_base"]
            + basis_effect
            + a["need_female"] * self.female
            + a["need_lt"] * self.lang
            + 0.6 * self.needy
        )
        yes = rng.random(n) < _sigmoid(logit)
        need = Coded.missing(n, _codes(need_q.value_set))
        need.codes[:] = np.where(yes, need.code("yes"), need.code("no"))
        self._override(need, "dont_know", DONT_KNOW["need"], np.ones(n, bool))
        self.out[need_q.id] = self._nonresponse(need, need_q.id)

        for got_q in cb.questions(DATASET, group="received", area=area):
            asked = self._asked(got_q.id)
            latent = (
                a["got_base"]
                + self.profile["service_effect"]
                + 0.5 * self.lang
                + 0.3 * self.positivity
                + rng.normal(0, 1, n)
            )
            level = _ordinal(latent, GOT_CUTS)  # 0 no, 1 partly, 2 fully
            got = Coded.missing(n, _codes(got_q.value_set))
            codes = np.array([got.code("no"), got.code("partly"), got.code("fully")])[level]
            got.codes[:] = np.where(asked, codes, MISSING)
            self._override(got, "dont_know", DONT_KNOW["received"], asked)
            self.out[got_q.id] = self._nonresponse(got, got_q.id)

            asked_by_rule: dict[str | None, np.ndarray] = {}  # the ratings share their rule
            fully = got.isin(["fully"])
            area_mood = rng.normal(0, 1, n)  # how the person felt about this area's services
            for rq in cb.questions(DATASET, group="rating", area=area):
                if rq.applies_if not in asked_by_rule:
                    asked_by_rule[rq.applies_if] = self._asked(rq.id)
                used = asked_by_rule[rq.applies_if]
                c = self.params.criteria.loc[rq.criterion]
                latent = (
                    a["rate_base"]
                    + c["rate_base"]
                    + self.profile["service_effect"]
                    + self.profile["coverage_effect"] * c["municipal_coverage"]
                    + c["rate_lt"] * self.lang
                    + 0.45 * fully
                    - 0.2
                    + 0.6 * self.positivity
                    + 0.35 * area_mood
                    + rng.normal(0, 0.75, n)
                )
                rate = Coded.missing(n, _codes(rq.value_set))
                codes = np.array([rate.code(str(k)) for k in range(1, 6)])[
                    _ordinal(latent, RATE_CUTS)
                ]
                rate.codes[:] = np.where(used, codes, MISSING)
                for code, share in self._missing_shares(rq, "rating"):
                    self._override(rate, code, share, used)
                self.out[rq.id] = self._nonresponse(rate, rq.id)

    def _missing_shares(self, q: Question, group: str) -> list[tuple[str, float]]:
        """(code, share) of the "don't know" and "not applicable" answers ``q`` allows."""
        out = []
        for code in _missing_codes(q.value_set, "dont_know"):
            out.append((code, DONT_KNOW[group]))
        for code in _missing_codes(q.value_set, "not_applicable"):
            out.append((code, NOT_APPLICABLE))
        return out

    def _satisfaction(self, q, met_sum, unmet_sum, needed) -> Coded:
        n, rng = self.n, self.rng
        share_met = np.divide(met_sum, needed, out=np.zeros(n), where=needed > 0)
        share_unmet = np.divide(unmet_sum, needed, out=np.zeros(n), where=needed > 0)
        latent = (
            0.15
            + 0.40 * self.lang
            + 0.5 * self.profile["service_effect"]
            + self.params.bases["satisfaction_effect"].to_numpy()[self.basis_idx]
            + 0.5 * share_met
            - 0.5 * share_unmet
            + 0.6 * self.positivity
            + rng.normal(0, 0.8, n)
        )
        col = Coded.missing(n, _codes(q.value_set))
        col.codes[:] = np.array([col.code(str(k)) for k in range(1, 6)])[_ordinal(latent, SAT_CUTS)]
        for code, share in self._missing_shares(q, "satisfaction"):
            self._override(col, code, share, np.ones(n, bool))
        return self._nonresponse(col, q.id)

    def _info_channels(self) -> None:
        """info_<channel> (0/1, several may be ticked); a skipped block leaves them all empty."""
        qs = self.cb.questions(DATASET, group="info_channel")
        if not qs:
            return
        skipped = self.rng.random(self.n) < self.rates[qs[0].id]
        for q in qs:
            if q.id in self.params.channels.index:
                c = self.params.channels.loc[q.id]
                basis = np.array([c[b] for b in self.params.basis_ids])[self.basis_idx]
                logit = c["base"] + c["lt"] * self.lang + c["female"] * self.female + basis
            else:
                logit = np.full(self.n, -1.5)  # a channel without parameters: rarely ticked
            ticked = self.rng.random(self.n) < _sigmoid(logit)
            col = Coded.missing(self.n, _codes(q.value_set))
            col.codes[:] = np.where(ticked, col.code("1"), col.code("0"))
            col.codes[skipped] = MISSING
            self.out[q.id] = col

    def _info_language(self, q) -> Coded:
        codes = _codes(q.value_set)
        n = self.n
        weights = np.full((n, len(codes)), 0.03)
        # each citizenship's main language, as a position in the value set ("other" if absent)
        fallback = codes.index("other") if "other" in codes else len(codes) - 1
        main = [
            codes.index(x) if x in codes else fallback for x in self.params.citizenships["language"]
        ]
        primary = np.asarray(main)[self.cit_idx]
        weights[np.arange(n), primary] += 0.7
        if "en" in codes:
            weights[:, codes.index("en")] += 0.12
        if "ru" in codes and "uk" in codes:  # many Ukrainians read Russian too
            weights[:, codes.index("ru")] += 0.35 * (primary == codes.index("uk"))
        if "lt" in codes:
            weights[:, codes.index("lt")] += np.asarray(LT_INFO_WEIGHT)[self.lt_level - 1]
        cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        pick = (self.rng.random(n)[:, None] > cum).sum(axis=1)
        return self._nonresponse(Coded(np.minimum(pick, len(codes) - 1), codes), q.id)

    def _discrimination(self, q) -> Coded:
        logit = (
            -1.7
            + self.params.bases["discrimination_effect"].to_numpy()[self.basis_idx]
            - 0.25 * self.lang
        )
        yes = self.rng.random(self.n) < _sigmoid(logit)
        col = Coded.missing(self.n, _codes(q.value_set))
        col.codes[:] = np.where(yes, col.code("yes"), col.code("no"))
        for code in _missing_codes(q.value_set, "refused"):
            self._override(col, code, REFUSED["discrimination"], np.ones(self.n, bool))
        return self._nonresponse(col, q.id)

    def _comment(self) -> Coded:
        """~10% write a short comment, in Lithuanian, English or Russian."""
        phrases = self.params.comments
        lang_of_info = {"lt": "lt", "en": "en", "ru": "ru", "uk": "ru"}
        info = self.out.get("info_language")
        langs = np.full(self.n, "en", dtype=object)
        if info is not None:
            by_code = np.array([lang_of_info.get(c, "en") for c in info.categories], dtype=object)
            langs = np.where(info.codes >= 0, by_code[np.maximum(info.codes, 0)], "en")
        writes = self.rng.random(self.n) < COMMENT_RATE
        codes = np.full(self.n, MISSING, dtype=np.int32)
        u = self.rng.random(self.n)
        for lang in ("lt", "en", "ru"):
            pool = np.flatnonzero(phrases["lang"].to_numpy() == lang)
            rows = writes & (langs == lang)
            codes[rows] = pool[np.minimum((u[rows] * len(pool)).astype(int), len(pool) - 1)]
        return Coded(codes, phrases["text"].tolist())
