"""Activities 4.1 (training) and 5.1 (foreign experts) — synthetic, shaped by seed 001.

Seed 001 names the activities and their kinds but gives no numbers, so everything here is
invented and documented as such (``data/README.md``):

* ``training_events.csv``: per municipality the trainings of ``synth/data/activity_profiles.csv``
  (``trainings_standard`` standard and ``trainings_experiential`` experiential — *mokymai* and
  *patyriminiai mokymai*), planned between :data:`START` and :data:`END`. Those planned on or
  before :data:`AS_OF` were held (a few cancelled); the later ones are still ``planned``.
  Participants of a held training are drawn per institution type (the participant groups of
  seed 001: municipal administration, public service providers, social, health and education
  services, other), Poisson with the means of ``activity_participants.csv`` times the
  municipality's ``participant_scale``; small municipalities get small counts, which the
  disclosure policy hides.
* ``expert_engagements.csv``: foreign experts' consultations, lectures and mentoring (the three
  kinds seed 001 names), each on one integration area, dated and counted the same way.

The state is that of :data:`AS_OF` (the date of seed 002, which says the participants were being
trained and worked with foreign experts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import reference
from ..codebook import load_codebook
from ..errors import ReferenceDataError
from .params import _require_keys, load, read
from .streams import check_seed, stream

#: Activities 4.1 and 5.1 start after the interim report of activity 2.1 (seed 003).
START = np.datetime64("2022-03-01")
END = np.datetime64("2022-12-16")
#: The state of the registers: the date of seed 002.
AS_OF = np.datetime64("2022-10-31")
#: Chance that an event planned before :data:`AS_OF` was cancelled instead of held.
P_CANCELLED = 0.1


def _profiles() -> pd.DataFrame:
    slugs = load().municipalities.index.tolist()
    frame = _require_keys(read("activity_profiles"), "slug", slugs, "activity_profiles")
    return frame.apply(pd.to_numeric)


def _means(activity: str, value_set: str) -> tuple[list[str], dict[str, float]]:
    """The codes of ``value_set`` and the mean participants per code of ``activity``.

    Raises ReferenceDataError unless ``activity_participants.csv`` names exactly those codes.
    """
    codes = load_codebook().codes(value_set)
    frame = read("activity_participants")
    frame = frame[frame["activity"] == activity]
    means = dict(zip(frame["category"], frame["mean"].astype(float), strict=True))
    if sorted(means) != sorted(codes):
        raise ReferenceDataError(
            f"synth/data/activity_participants.csv: {activity} means must name exactly the "
            f"{value_set} codes {codes}"
        )
    return codes, means


def _dates(rng: np.random.Generator, n: int) -> np.ndarray:
    days = np.arange(START, END + np.timedelta64(1, "D"), dtype="datetime64[D]")
    days = days[np.is_busday(days)]
    return np.sort(rng.choice(days, size=n, replace=False))


def _status(rng: np.random.Generator, planned: np.ndarray) -> tuple[list[str], list]:
    """Status and held date of events planned on ``planned`` dates, as of :data:`AS_OF`."""
    status, held = [], []
    for day in planned:
        if day > AS_OF:
            status.append("planned")
            held.append(None)
        elif rng.random() < P_CANCELLED:
            status.append("cancelled")
            held.append(None)
        else:
            # a few were held a week later than first planned (never after the as-of date)
            late = np.timedelta64(7, "D") if rng.random() < 0.2 else np.timedelta64(0, "D")
            status.append("held")
            held.append(str(min(day + late, AS_OF)))
    return status, held


def training_events_frame(seed: int) -> pd.DataFrame:
    """Training events of activity 4.1 (synthetic), as of :data:`AS_OF`.

    Returns
    -------
    DataFrame
        The codebook's ``training_events`` columns, as text: ``event_id`` (``T-VLN-01``),
        ``municipality``, ``kind`` (``standard``/``experiential``), ``planned_date``,
        ``held_date`` (empty unless held), ``status``, ``participants_<institution type>``
        (empty unless held), ``data_origin``.

    Examples
    --------
    >>> t = training_events_frame(1)
    >>> sorted(t["kind"].unique()), set(t.loc[t.status != "held", "participants_health"].dropna())
    (['experiential', 'standard'], set())
    """
    seed = check_seed(seed)
    cb = load_codebook()
    types, means = _means("training", "participant_institution")
    prefixes = load().municipalities["id_prefix"]
    rows = []
    for slug, prof in _profiles().iterrows():
        rng = stream(seed, "training_events", slug)
        kinds = ["standard"] * int(prof["trainings_standard"]) + ["experiential"] * int(
            prof["trainings_experiential"]
        )
        kinds = list(rng.permutation(kinds))
        planned = _dates(rng, len(kinds))
        status, held = _status(rng, planned)
        for i, kind in enumerate(kinds):
            counts = {f"participants_{c}": None for c in types}
            if status[i] == "held":
                # experiential trainings are smaller groups
                factor = prof["participant_scale"] * (0.6 if kind == "experiential" else 1.0)
                counts = {
                    f"participants_{c}": str(int(rng.poisson(means[c] * factor))) for c in types
                }
            rows.append(
                {
                    "event_id": f"T-{prefixes[slug]}-{i + 1:02d}",
                    "municipality": slug,
                    "kind": kind,
                    "planned_date": str(planned[i]),
                    "held_date": held[i],
                    "status": status[i],
                    **counts,
                    "data_origin": "synthetic",
                }
            )
    return pd.DataFrame(rows, columns=cb.columns("training_events"))


def expert_engagements_frame(seed: int) -> pd.DataFrame:
    """Foreign experts' consultations, lectures and mentoring (activity 5.1, synthetic).

    Returns
    -------
    DataFrame
        The codebook's ``expert_engagements`` columns, as text: ``engagement_id``
        (``E-VLN-01``), ``municipality``, ``kind``, ``area`` (one of the 9 areas),
        ``planned_date``, ``held_date``, ``status``, ``participants`` (empty unless held),
        ``data_origin``.

    Examples
    --------
    >>> e = expert_engagements_frame(1)
    >>> sorted(e["kind"].unique())
    ['consultation', 'lecture', 'mentoring']
    """
    seed = check_seed(seed)
    cb = load_codebook()
    kinds_all, means = _means("expert", "expert_kind")
    areas = reference.table("areas")["area"].tolist()
    prefixes = load().municipalities["id_prefix"]
    rows = []
    for slug, prof in _profiles().iterrows():
        rng = stream(seed, "expert_engagements", slug)
        kinds = [k for k in kinds_all for _ in range(int(prof[f"expert_{k}"]))]
        kinds = list(rng.permutation(kinds))
        planned = _dates(rng, len(kinds))
        status, held = _status(rng, planned)
        chosen = rng.choice(areas, size=len(kinds))
        for i, kind in enumerate(kinds):
            n = None
            if status[i] == "held":
                n = str(int(rng.poisson(means[kind] * prof["participant_scale"])))
            rows.append(
                {
                    "engagement_id": f"E-{prefixes[slug]}-{i + 1:02d}",
                    "municipality": slug,
                    "kind": kind,
                    "area": str(chosen[i]),
                    "planned_date": str(planned[i]),
                    "held_date": held[i],
                    "status": status[i],
                    "participants": n,
                    "data_origin": "synthetic",
                }
            )
    return pd.DataFrame(rows, columns=cb.columns("expert_engagements"))
