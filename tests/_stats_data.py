"""Small hand-built survey frames for the statistics tests (clean-table dtypes of
docs/architecture.md), so those tests do not depend on the synthetic generator or on cleaning."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsp_analysis.codebook import load_codebook

AGE_GROUPS = ["18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]
BASES = ["work", "family", "study", "protection", "other"]
CITIZENSHIPS = ["UA", "BY", "RU", "KZ", "IN", "UZ"]


def tsp_frame(n_per_municipality: dict[str, int], seed: int = 1) -> pd.DataFrame:
    """A clean-looking TŠP survey: every codebook column with its clean dtype.

    Satisfaction depends on language level and years in Lithuania (so a model has something to
    find); 'don't know' (8) and 'not applicable' (9) codes appear in the ratings.
    """
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    frames = []
    for m, n in n_per_municipality.items():
        sex = rng.choice(["female", "male", "refused"], n, p=[0.45, 0.5, 0.05])
        age = rng.choice(AGE_GROUPS, n, p=[0.15, 0.35, 0.25, 0.15, 0.07, 0.03])
        basis = rng.choice(BASES, n, p=[0.55, 0.2, 0.12, 0.05, 0.08])
        cit = rng.choice(CITIZENSHIPS, n, p=[0.4, 0.3, 0.15, 0.05, 0.05, 0.05])
        lt = rng.integers(1, 6, n)
        years = np.round(rng.gamma(2.0, 2.5, n), 1)
        d = {
            "resp_id": [f"{m}-{i}" for i in range(n)],
            "municipality": pd.array([m] * n, dtype="str"),
            "age": pd.array(rng.integers(18, 80, n), dtype="Int64"),
            "sex": pd.array(sex, dtype="str"),
            "citizenship": pd.array(cit, dtype="str"),
            "residence_basis": pd.array(basis, dtype="str"),
            "years_in_lt": pd.array(years, dtype="Float64"),
            "lt_level": pd.array(lt, dtype="Int16"),
        }
        for q in cb.questions("tsp_survey", group="need"):
            a = q.area
            need = rng.choice(["yes", "no", "dont_know"], n, p=[0.45, 0.45, 0.1]).astype(object)
            need[rng.random(n) < 0.03] = None
            got = np.where(
                need == "yes",
                rng.choice(["fully", "partly", "no", "dont_know"], n, p=[0.4, 0.3, 0.25, 0.05]),
                None,
            )
            d[f"need_{a}"] = pd.array(need, dtype="str")
            d[f"got_{a}"] = pd.array(got, dtype="str")
            rated = np.isin(got, ["fully", "partly"])
            base = 2.5 + 0.3 * (lt - 3) + (got == "fully") * 0.8
            for c in cb.questions("tsp_survey", group="rating", area=a):
                x = np.clip(np.rint(base + rng.normal(0, 1, n)), 1, 5)
                x = np.where(rng.random(n) < 0.08, 8, x)
                x = np.where(rng.random(n) < 0.04, 9, x)
                d[c.id] = pd.array(np.where(rated, x, np.nan), dtype="Int16")
        latent = 0.5 * (lt - 3) + 0.08 * years + rng.logistic(0, 1, n)
        sat = np.digitize(latent, [-1.5, -0.5, 0.7, 1.8]) + 1
        sat = np.where(rng.random(n) < 0.05, 8, sat)
        d["satisfaction"] = pd.array(sat, dtype="Int16")
        for q in cb.questions("tsp_survey", group="info_channel"):
            v = (rng.random(n) < rng.uniform(0.1, 0.6)).astype(float)
            v[rng.random(n) < 0.02] = np.nan
            d[q.id] = pd.array(v, dtype="Int8")
        d["info_language"] = pd.array(
            rng.choice(["lt", "en", "ru", "uk", "other"], n, p=[0.2, 0.25, 0.4, 0.1, 0.05]),
            dtype="str",
        )
        d["age_group"] = pd.array(age, dtype="str")
        frames.append(pd.DataFrame(d))
    out = pd.concat(frames, ignore_index=True)
    out["source_file"] = "tsp_survey.csv"
    out["source_row"] = np.arange(2, len(out) + 2)
    return out


def provider_frame(n_per_municipality: dict[str, int], seed: int = 2) -> pd.DataFrame:
    """A clean-looking provider survey."""
    cb = load_codebook()
    rng = np.random.default_rng(seed)
    frames = []
    for m, n in n_per_municipality.items():
        d = {
            "resp_id": [f"p-{m}-{i}" for i in range(n)],
            "municipality": pd.array([m] * n, dtype="str"),
        }
        for q in cb.questions("provider_survey"):
            if q.type == "likert":
                x = rng.integers(1, 6, n).astype(float)
                x[rng.random(n) < 0.1] = 8
                d[q.id] = pd.array(x, dtype="Int16")
        frames.append(pd.DataFrame(d))
    return pd.concat(frames, ignore_index=True)


def population_frame(municipalities: list[str], year: int = 2021, seed: int = 3) -> pd.DataFrame:
    """Population counts municipality × citizenship × sex × age group × residence basis."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in municipalities:
        for cit in CITIZENSHIPS + ["TR"]:
            for sex in ["female", "male"]:
                for age in ["0_17"] + AGE_GROUPS:
                    for basis in BASES:
                        rows.append((m, year, cit, sex, age, basis, int(rng.integers(0, 60))))
    out = pd.DataFrame(
        rows,
        columns=[
            "municipality",
            "year",
            "citizenship",
            "sex",
            "age_group",
            "residence_basis",
            "count",
        ],
    )
    for c in ["municipality", "citizenship", "sex", "age_group", "residence_basis"]:
        out[c] = out[c].astype("str")
    out["year"] = out["year"].astype("Int64")
    out["count"] = out["count"].astype("Int64")
    return out
