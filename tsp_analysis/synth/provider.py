"""The synthetic survey of municipal staff and service providers (``provider_survey.csv``).

Each respondent rates their organisation's competence and resources for TŠP in every area
(1–5, 8 = don't know). Ratings come from an ordered probit on the area's baseline (resources for
housing and women's rights are scarce everywhere, so the TŠP need outstrips capacity there),
the municipality's capacity, training (trained staff rate their competence higher), whether the
organisation works in that area (``provider_affinity`` in ``synth/data/area_effects.csv``: schools
in education, the Employment Service and employers in employment, NGOs in equal opportunities,
women's rights and community, ...) and a person-level effect.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..codebook import load_codebook
from ..errors import ReferenceDataError
from .coded import MISSING, Coded, concat
from .params import load
from .streams import check_seed, stream
from .survey import check_sizes

DATASET = "provider_survey"
#: Who answers: share of each organisation type (codes of the ``org_type`` value set; the
#: stakeholders seed 000 lists at the round tables). A code missing here gets 0.04.
ORG_TYPE_SHARES = {
    "municipal_administration": 0.25,
    "employment_service": 0.08,
    "education": 0.15,
    "health": 0.08,
    "social_services": 0.15,
    "culture": 0.05,
    "ngo": 0.12,
    "tcn_community": 0.04,
    "employer": 0.04,
    "other": 0.04,
}
CUTS = (-1.3, -0.4, 0.5, 1.4)
DONT_KNOW = 0.06
NONRESPONSE = (0.02, 0.05)


def default_provider_sizes() -> dict[str, int]:
    """Respondents per municipality in the demo: about Vilnius 45 … Akmenė 10."""
    return {slug: int(n) for slug, n in load().municipalities["provider_n"].items()}


def provider_survey_frame(sizes: Mapping[str, int] | None, seed: int) -> pd.DataFrame:
    """Generate the provider/staff survey.

    Parameters
    ----------
    sizes : mapping of str to int, or None
        Respondents per municipality slug; ``None`` uses :func:`default_provider_sizes`.
    seed : int
        Non-negative seed; each municipality has its own stream.

    Returns
    -------
    DataFrame
        The codebook's ``provider_survey`` columns in codebook order, every value as text
        (pandas ``str``; unanswered cells missing), ``resp_id`` like ``P-VLN-001``.

    Examples
    --------
    >>> df = provider_survey_frame({"jonava": 15}, seed=1)
    >>> df.shape[0], df["resp_id"].iloc[0], df["municipality"].iloc[0]
    (15, 'P-JON-001', 'jonava')
    """
    seed = check_seed(seed)
    cb = load_codebook()
    params = load()
    sizes = check_sizes(sizes, default_provider_sizes())
    questions = cb.questions(DATASET)
    rates_rng = stream(seed, DATASET, "nonresponse")
    rates = {
        q.id: float(r)
        for q, r in zip(questions, rates_rng.uniform(*NONRESPONSE, len(questions)), strict=True)
    }
    width = max(3, len(str(max(sizes.values(), default=0))))
    parts, ids = [], []
    for slug, n in sizes.items():
        rng = stream(seed, DATASET, slug)
        prof = params.municipalities.loc[slug]
        org_codes = cb.codes(cb.question(DATASET, "org_type").value_set)
        shares = np.array([ORG_TYPE_SHARES.get(c, 0.04) for c in org_codes])
        org = rng.choice(len(org_codes), size=n, p=shares / shares.sum())
        ngo = np.asarray(org_codes, dtype=object)[org] == "ngo"
        trained = rng.random(n) < 1 / (1 + np.exp(-(-0.2 + 0.4 * ngo)))
        person = rng.normal(0, 1, n)
        out: dict[str, Coded] = {}
        for q in questions:
            if q.id == "resp_id":
                continue
            codes = cb.codes(q.value_set) if q.value_set else []
            if q.id == "municipality":
                out[q.id] = Coded(np.zeros(n), [slug])
            elif q.id == "org_type":
                out[q.id] = Coded(org, org_codes)
            elif q.group == "training":
                col = Coded.missing(n, codes)
                col.codes[:] = np.where(trained, col.code("yes"), col.code("no"))
                out[q.id] = col
            elif q.group in ("competence", "resources") and q.area in params.areas.index:
                a = params.areas.loc[q.area]
                works_here = np.isin(
                    np.asarray(org_codes, dtype=object)[org],
                    str(a["provider_affinity"]).split(";"),
                )
                competence = (
                    a["competence_base"]
                    + prof["capacity_effect"]
                    + 0.55 * trained
                    + 0.4 * works_here
                    + 0.5 * person
                    + rng.normal(0, 0.7, n)
                )
                if q.group == "competence":
                    latent = competence
                else:
                    latent = (
                        a["resources_base"]
                        + prof["capacity_effect"]
                        + 0.3 * competence
                        + 0.4 * person
                        + rng.normal(0, 0.7, n)
                    )
                col = Coded.missing(n, codes)
                level = np.searchsorted(np.asarray(CUTS), latent, side="right")
                col.codes[:] = np.array([col.code(str(k)) for k in range(1, 6)])[level]
                for dk in cb.missing_codes(q.value_set, "dont_know"):
                    col.codes[rng.random(n) < DONT_KNOW] = col.code(dk)
                out[q.id] = col
            elif q.id == "data_origin":
                out[q.id] = Coded(np.zeros(n), ["synthetic"])
            elif q.type in ("category", "likert", "binary"):
                k = len(cb.codes(q.value_set, substantive=True))
                out[q.id] = Coded(rng.integers(0, k, n), codes)
            else:
                raise ReferenceDataError(
                    f"the synthetic generator cannot answer {DATASET}.{q.id} of type {q.type!r}"
                )
            if q.id not in ("municipality", "data_origin") and not q.required:
                out[q.id].codes[rng.random(n) < rates[q.id]] = MISSING
        parts.append(out)
        prefix = str(prof["id_prefix"])
        ids.append(
            np.strings.add(f"P-{prefix}-", np.strings.zfill(np.arange(1, n + 1).astype("U"), width))
        )
    order = cb.columns(DATASET)
    if not parts:
        return pd.DataFrame({c: Coded.missing(0, []).to_series(c) for c in order})
    columns = {c: concat([p[c] for p in parts]) for c in parts[0]}
    all_ids = np.concatenate(ids).astype(object)
    columns["resp_id"] = Coded(np.arange(len(all_ids)), all_ids)
    return pd.DataFrame({c: columns[c].to_series(c) for c in order})
