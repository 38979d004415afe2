"""The generator's model parameters, kept as small CSV files in ``tsp_analysis/synth/data/``.

The numbers that make the synthetic data realistic are data, not code, so that a reader can see
(and a researcher can change) them without reading the sampler:

``municipality_profiles.csv``
    per municipality: respondent-id prefix, TŠP and provider sample sizes, service-quality
    effect, extra effect on the coverage criterion (bigger cities have more services),
    provider capacity effect, tilts of the residence-basis mix (protection, study), how recent
    arrivals under protection are (Rukla reception centre in Jonava), whether it declined to
    prepare a strategic document, consultations planned and held by 2022-02-23.
``calibration_totals.csv``
    TŠP and all residents per municipality (and ``lithuania``) and year, each with whether the
    figure is ``published``, ``rounded`` (a published order of magnitude) or an
    ``approximation`` (invented). See ``data/README.md`` for the sources.
``citizenship_profiles.csv``
    national citizenship mix in 2017 and 2021, residence-basis mix per citizenship, effect on
    Lithuanian-language level, over-representation in the survey, main information language.
``citizenship_tilts.csv``
    multiplicative tilts of the citizenship mix per region (``rest`` = rest of the country).
``basis_profiles.csv`` / ``age_profiles.csv``
    per residence basis: share of women, years in Lithuania (gamma shape/scale), effects on
    language level, satisfaction, discrimination, survey over-representation; age mix per basis
    and per-age survey over-representation.
``area_effects.csv`` / ``criterion_effects.csv`` / ``info_channels.csv``
    linear predictors (logit or probit scale) of need, receipt, ratings, provider capacity and
    information channels.
``comment_phrases.csv``, ``recommendation_titles.csv``, ``consultation_topics.csv``
    invented free text, recommendation titles (lt/en) and consultation topics.
``annex1_strategic_documents.csv``
    transcription of Annex 1 of seed 003 (see :mod:`tsp_analysis.synth.monitoring`).

:func:`load` checks every table against the reference tables, so a new area, criterion,
residence basis or age group without parameters fails loudly instead of being generated from
zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .. import reference
from ..errors import ReferenceDataError

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name: str) -> pd.DataFrame:
    """Read ``data/<name>.csv`` of the generator as text (no value becomes missing)."""
    path = DATA_DIR / f"{name}.csv"
    if not path.exists():
        raise ReferenceDataError(f"generator parameter file {path} is missing")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _numeric(frame: pd.DataFrame, skip: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col not in skip:
            out[col] = pd.to_numeric(out[col]).astype(float)
    return out


def _require_keys(frame: pd.DataFrame, key: str, expected: list[str], file: str) -> pd.DataFrame:
    """Index ``frame`` by ``key`` in the order of ``expected``; every expected key must exist."""
    missing = [k for k in expected if k not in set(frame[key])]
    if missing:
        raise ReferenceDataError(f"synth/data/{file}.csv has no parameters for {missing}")
    return frame.set_index(key).loc[expected]


def _require_columns(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"synth/data/{file}.csv lacks columns {missing}")


@dataclass(frozen=True)
class Params:
    """Every parameter table, indexed by its key and checked against the reference tables."""

    municipalities: pd.DataFrame
    totals: pd.DataFrame
    citizenships: pd.DataFrame
    tilts: pd.DataFrame
    bases: pd.DataFrame
    ages: pd.DataFrame
    areas: pd.DataFrame
    criteria: pd.DataFrame
    channels: pd.DataFrame
    comments: pd.DataFrame
    recommendation_titles: pd.DataFrame
    consultation_topics: pd.DataFrame

    @property
    def basis_ids(self) -> list[str]:
        return self.bases.index.tolist()

    @property
    def age_ids(self) -> list[str]:
        return self.ages.index.tolist()


@cache
def load() -> Params:
    """Load and check the generator's parameter tables (once per process)."""
    basis_ids = reference.table("residence_bases")["residence_basis"].tolist()
    age_ids = reference.table("age_groups")["age_group"].tolist()

    munis = read("municipality_profiles")
    known = set(reference.municipality_slugs())
    unknown = sorted(set(munis["slug"]) - known)
    if unknown:
        raise ReferenceDataError(
            f"synth/data/municipality_profiles.csv names municipalities {unknown} that are not in "
            "data/reference/municipalities.csv"
        )
    skip = ("slug", "id_prefix", "declined_strategic_document")
    munis = _numeric(munis, skip).set_index("slug")
    munis["declined_strategic_document"] = munis["declined_strategic_document"] == "true"
    for col in ("survey_n", "provider_n", "consultations_planned", "consultations_held"):
        munis[col] = munis[col].astype(int)

    totals = read("calibration_totals")
    for col in ("year", "tsp", "residents"):
        totals[col] = totals[col].astype(int)

    cits = read("citizenship_profiles")
    _require_columns(cits, [f"basis_{b}" for b in basis_ids], "citizenship_profiles")
    cits = _numeric(cits, ("citizenship", "language")).set_index("citizenship")
    countries = reference.countries().set_index("iso2")
    bad = [
        c for c in cits.index if c not in countries.index or not countries.at[c, "third_country"]
    ]
    if bad:
        raise ReferenceDataError(
            f"synth/data/citizenship_profiles.csv: {bad} are not third countries in countries.csv"
        )

    tilts = read("citizenship_tilts")
    tilts["factor"] = tilts["factor"].astype(float)

    bases = _require_keys(
        _numeric(read("basis_profiles"), ("residence_basis",)),
        "residence_basis",
        basis_ids,
        "basis_profiles",
    )
    ages = read("age_profiles")
    _require_columns(ages, basis_ids, "age_profiles")
    ages = _require_keys(_numeric(ages, ("age_group",)), "age_group", age_ids, "age_profiles")

    areas = _require_keys(
        _numeric(read("area_effects"), ("area", "provider_affinity")),
        "area",
        reference.area_ids(),
        "area_effects",
    )
    _require_columns(areas.reset_index(), [f"need_{b}" for b in basis_ids], "area_effects")
    criteria = _require_keys(
        _numeric(read("criterion_effects"), ("criterion",)),
        "criterion",
        reference.criterion_ids(),
        "criterion_effects",
    )
    channels = read("info_channels")
    _require_columns(channels, basis_ids, "info_channels")
    channels = _numeric(channels, ("question",)).set_index("question")

    topics = read("consultation_topics")
    topics["order"] = topics["order"].astype(int)
    return Params(
        municipalities=munis,
        totals=totals,
        citizenships=cits,
        tilts=tilts,
        bases=bases,
        ages=ages,
        areas=areas,
        criteria=criteria,
        channels=channels,
        comments=read("comment_phrases"),
        recommendation_titles=read("recommendation_titles"),
        consultation_topics=topics.sort_values("order").reset_index(drop=True),
    )
