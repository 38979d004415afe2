"""The cubes the data review publishes counts of, declared from what the library computes.

A cube is one population (see :class:`~tsp_analysis.results.table.Cube`). The needs analysis
and the data review of a municipality are published together and share two of them, so both
must declare them with the same dimensions and categories; the functions here are the one
place that derives them (from :func:`tsp_analysis.datareview.quality_audit`), for any report
that publishes their cells:

``respondents:tsp_survey:<unit>``
    The accepted TŠP-survey respondents of the unit. Dimensions ``sex``, ``age_group``,
    ``citizenship``, ``residence_basis`` with the categories of the sample-vs-population
    comparison (citizenship: the municipality's largest groups and ``other``) and
    :data:`MISSING` (no answer, or an answer outside those categories); and one dimension
    ``item:<question>`` per survey question with :data:`ITEM_STATUSES`. The cube's total,
    ``coord()``, is the number of accepted respondents: the row accounting publishes exactly
    that cell for "accepted", so the two are one number to the recoverability audit.
``respondents:provider_survey:<unit>``
    Likewise, with the ``item:<question>`` dimensions only.
``population:<unit>:<year>``
    The adult third-country nationals living in the municipality at the start of ``year`` (the
    population the sample is compared with): ``citizenship``, ``sex``, ``age_group``,
    ``residence_basis``, with the categories of the comparison; no missing category.
``rows:<dataset>:<unit>``
    The rows of a respondent dataset received for the unit: ``status`` (``accepted``,
    ``quarantined``) × ``reason`` (:data:`NO_REASON` for accepted rows, else the cleaning's
    quarantine reason). The data review publishes only its quarantined cells; the accepted
    rows are published as the respondents cube's total (above), never as a cell of this cube,
    and the received total is not published at all, so no cell of one cube follows from the
    other by subtraction. The country's cube has a third dimension ``attributed`` (``yes``,
    ``no``: rows naming no known municipality); a municipality's report shows those rows from
    the cube ``rows:<dataset>:unattributed``.
"""

from __future__ import annotations

import pandas as pd

from ..clean import REASONS as QUARANTINE_REASONS
from .table import Cube

#: The category of a respondent who gave no usable answer to a profile question.
MISSING = "_missing"
#: Categories of an ``item:<question>`` dimension.
ITEM_STATUSES = ("answered", "missing", "not_asked")
#: The ``reason`` of accepted rows.
NO_REASON = "none"
#: The respondent profile variables (dimensions of the TŠP respondents cube).
PROFILE = ("sex", "age_group", "citizenship", "residence_basis")
#: Survey question → the profile dimension whose :data:`MISSING` cell counts its non-response.
PROFILE_QUESTIONS = {
    "sex": "sex",
    "age": "age_group",
    "citizenship": "citizenship",
    "residence_basis": "residence_basis",
}
#: Datasets whose rows are people.
RESPONDENT_DATASETS = ("tsp_survey", "provider_survey")
#: The unattributed quarantined rows (shown in every municipality's review).
UNATTRIBUTED = "unattributed"


def respondents_id(dataset: str, unit: str) -> str:
    return f"respondents:{dataset}:{unit}"


def population_id(unit: str, year: object) -> str:
    return f"population:{unit}:{year}"


def rows_id(dataset: str, unit: str) -> str:
    return f"rows:{dataset}:{unit}"


def item_dim(question: str) -> str:
    return f"item:{question}"


def profile_categories(representativeness: pd.DataFrame, municipality: str) -> dict[str, list]:
    """Per profile variable, its categories in the comparison's order for ``municipality``."""
    rep = representativeness[representativeness["municipality"] == municipality]
    out: dict[str, list] = {}
    for variable in PROFILE:
        cats = rep.loc[rep["variable"] == variable, "category"].astype(str).tolist()
        if cats:
            out[variable] = list(dict.fromkeys(cats))
    return out


def questions(nonresponse: pd.DataFrame, dataset: str) -> list[str]:
    """The questions of ``dataset`` in the non-response table (codebook order)."""
    if nonresponse.empty:
        return []
    return nonresponse.loc[nonresponse["dataset"] == dataset, "question"].astype(str).tolist()


def respondents_cube(
    dataset: str,
    unit: str,
    *,
    representativeness: pd.DataFrame,
    nonresponse: pd.DataFrame,
    profile_unit: str | None,
) -> Cube:
    """The cube of ``dataset``'s accepted respondents of ``unit``.

    ``representativeness`` and ``nonresponse`` are the tables of
    :func:`tsp_analysis.datareview.quality_audit`; the profile dimensions come from the rows of
    ``profile_unit`` (``None``: no profile dimensions, as in the country's cube).
    """
    dims: dict[str, tuple[str, ...]] = {}
    if dataset == "tsp_survey" and profile_unit is not None:
        for variable, cats in profile_categories(representativeness, profile_unit).items():
            dims[variable] = (*cats, MISSING)
    for q in questions(nonresponse, dataset):
        dims[item_dim(q)] = ITEM_STATUSES
    return Cube(respondents_id(dataset, unit), dims)


def population_cube(representativeness: pd.DataFrame, municipality: str, year: object) -> Cube:
    """The adult third-country population of ``municipality`` in ``year``."""
    cats = profile_categories(representativeness, municipality)
    order = ("citizenship", "sex", "age_group", "residence_basis")
    return Cube(population_id(municipality, year), {v: tuple(cats[v]) for v in order if v in cats})


def rows_cube(dataset: str, unit: str, *, country: bool = False) -> Cube:
    """The rows of ``dataset`` received for ``unit`` (see the module's docstring)."""
    dims: dict[str, tuple[str, ...]] = {
        "status": ("accepted", "quarantined"),
        "reason": (NO_REASON, *QUARANTINE_REASONS),
    }
    if country:
        dims["attributed"] = ("yes", "no")
    return Cube(rows_id(dataset, unit), dims)
