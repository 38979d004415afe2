"""Which dataset a table's columns describe.

A file saved under the wrong name (the provider survey as ``tsp_survey.csv``) shares a few
columns with the dataset it claims (``municipality``, ``data_origin``), passes the required-
column check and used to clean into rows of empty "respondents". :func:`fit` counts, for every
codebook dataset, how many of a table's columns it defines; :func:`better_fit` says when another
dataset fits clearly better than the one claimed. File-name inference in
:mod:`tsp_analysis.validate` uses the same count.
"""

from __future__ import annotations

from collections.abc import Iterable

from .codebook import DATASETS, load_codebook


def fit(columns: Iterable[str]) -> dict[str, tuple[int, float]]:
    """Dataset → (columns in common, Jaccard similarity) for normalised column names."""
    cols = set(columns)
    cb = load_codebook()
    out = {}
    for d in DATASETS:
        known = set(cb.columns(d))
        common = len(cols & known)
        out[d] = (common, common / len(cols | known) if cols | known else 0.0)
    return out


def better_fit(columns: Iterable[str], dataset: str) -> tuple[str, int, int] | None:
    """``(other dataset, its columns in common, the claimed dataset's)`` when another dataset
    defines more of the columns than ``dataset`` does; else ``None``.

    >>> better_fit(["resp_id", "municipality", "org_type", "training"], "tsp_survey")
    ('provider_survey', 4, 2)
    """
    scores = fit(columns)
    mine = scores[dataset][0]
    best = max(DATASETS, key=lambda d: scores[d])
    if best != dataset and scores[best][0] > mine:
        return best, scores[best][0], mine
    return None
