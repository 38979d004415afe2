"""Monitoring inputs: consultations, the strategic-document assessment, recommendations.

* ``consultations.csv`` (synthetic, shaped by seed 003): 48 consultations planned, 24 held between
  2021-11-09 and 2022-02-23, 6 of them in Jonava; Kaunas declined to prepare a strategic document
  (one consultation held, the rest cancelled); the others not yet held are ``planned`` later in
  2022. The table is the state on 2022-02-23, as the interim report describes it.
* ``strategic_assessment.csv`` (real): Annex 1 of seed 003, transcribed in
  ``data/annex1_strategic_documents.csv``. The legend's three symbols were lost in the text
  extraction; a "+" is read as ``included`` and an empty cell as ``not_included`` (see
  ``data/README.md``), and the source mark is kept in ``source_mark``.
* ``recommendations.csv`` (synthetic statuses): the register lists **every recommendation the
  needs analysis gives each municipality on the generated surveys**
  (:func:`tsp_analysis.recommend.needs_recommendations`), keyed by the same
  ``recommendation_id`` (``rec_id``), so a recommendation can be traced from the finding that
  produced it to its status; the title is the recommendation's text. Statuses at the interim
  and the final evaluation are drawn: the final status is never worse than the interim one,
  and the municipality that declined a strategic document implements less.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference
from ..codebook import fold, load_codebook
from ..errors import ReferenceDataError
from .params import load, read
from .streams import check_seed, stream

#: The reporting period of the interim report of activity 2.1 (seed 003).
PERIOD_START = np.datetime64("2021-11-09")
PERIOD_END = np.datetime64("2022-02-23")
#: Consultations not yet held are planned for the rest of 2022.
LATER_END = np.datetime64("2022-11-30")
ASSESSED_ON = "2022-02-23"
#: Interim status shares (not / partly / implemented), and for a municipality that declined.
INTERIM = {False: (0.45, 0.40, 0.15), True: (0.85, 0.15, 0.0)}
#: P(final status | interim status): rows interim, columns final; never a step back.
FINAL = {
    False: ((0.30, 0.45, 0.25), (0.0, 0.45, 0.55), (0.0, 0.0, 1.0)),
    True: ((0.70, 0.30, 0.0), (0.0, 0.70, 0.30), (0.0, 0.0, 1.0)),
}


def _business_days(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    return days[np.is_busday(days)]


def consultations_frame(seed: int) -> pd.DataFrame:
    """Consultations on the strategic documents, as of 2022-02-23.

    Returns
    -------
    DataFrame
        ``consultation_id`` (``C-VLN-01``), ``municipality``, ``planned_date``, ``held_date``
        (ISO text; empty unless held), ``status`` (``held``/``planned``/``cancelled``), ``topic``,
        ``data_origin``.

    Examples
    --------
    >>> c = consultations_frame(1)
    >>> held = c[c.status == "held"]
    >>> len(c), len(held), int((held.municipality == "jonava").sum())
    (48, 24, 6)
    """
    seed = check_seed(seed)
    params = load()
    topics = params.consultation_topics["topic"].tolist()
    window = _business_days(PERIOD_START, PERIOD_END)
    later = _business_days(PERIOD_END + np.timedelta64(6, "D"), LATER_END)
    rows = []
    for slug, prof in params.municipalities.iterrows():
        rng = stream(seed, "consultations", slug)
        planned, held = int(prof["consultations_planned"]), int(prof["consultations_held"])
        if held > planned:
            raise ReferenceDataError(
                f"synth/data/municipality_profiles.csv: {slug} holds more "
                "consultations than it planned"
            )
        held_dates = np.sort(rng.choice(window, size=held, replace=False))
        # a few were held a week or two later than first planned
        shift = np.where(rng.random(held) < 0.2, rng.integers(1, 3, held) * 7, 0)
        planned_held = np.maximum(held_dates - shift.astype("timedelta64[D]"), PERIOD_START)
        rest = planned - held
        if prof["declined_strategic_document"]:
            # it had planned them across the period and beyond, then called them off
            pool = _business_days(held_dates.max() if held else PERIOD_START, LATER_END)
            other_dates = np.sort(rng.choice(pool[1:], size=rest, replace=False))
            status = "cancelled"
        else:
            start = held_dates.max() if held else PERIOD_END
            pool = later[later > start]
            other_dates = np.sort(rng.choice(pool, size=rest, replace=False))
            status = "planned"
        for i in range(planned):
            is_held = i < held
            rows.append(
                {
                    "consultation_id": f"C-{prof['id_prefix']}-{i + 1:02d}",
                    "municipality": slug,
                    "planned_date": str(planned_held[i] if is_held else other_dates[i - held]),
                    "held_date": str(held_dates[i]) if is_held else None,
                    "status": "held" if is_held else status,
                    "topic": topics[min(i, len(topics) - 1)],
                    "data_origin": "synthetic",
                }
            )
    return pd.DataFrame(rows, columns=load_codebook().columns("consultations"))


def _municipality_from_header(header: str) -> str:
    """Slug of an Annex 1 column header such as "Akmenės raj." (exact name or alias)."""
    for rec in reference.municipalities().to_dict("records"):
        names = [rec["name_lt"], rec["short_lt"], *rec["aliases"].split(";")]
        if fold(header) in {fold(x) for x in names}:
            return rec["slug"]
    raise ReferenceDataError(
        f"synth/data/annex1_strategic_documents.csv: unknown municipality header {header!r}"
    )


def strategic_assessment_frame() -> pd.DataFrame:
    """Annex 1 of seed 003 as a long table, one row per municipality × component.

    Returns
    -------
    DataFrame
        ``municipality``, ``component``, ``level`` (``included`` where the source has "+",
        ``not_included`` where it is empty), ``assessed_on`` (2022-02-23), ``source_mark``
        ("+" or empty) and ``data_origin`` = ``real``. Municipalities in the source's column
        order, components in the source's row order.

    Examples
    --------
    >>> sa = strategic_assessment_frame()
    >>> sa[sa.municipality == "kaunas"].set_index("component")["level"].value_counts().to_dict()
    {'not_included': 6, 'included': 1}
    """
    annex = read("annex1_strategic_documents")
    components = reference.table("strategic_components")
    by_label = {
        fold(lbl): comp
        for lbl, comp in zip(components["label_lt"], components["component"], strict=True)
    }
    unknown = [r for r in annex["component_lt"] if fold(r) not in by_label]
    if unknown or len(annex) != len(components):
        raise ReferenceDataError(
            f"synth/data/annex1_strategic_documents.csv: rows {unknown} do not "
            "match data/reference/strategic_components.csv"
        )
    marks = set(annex.drop(columns="component_lt").to_numpy().ravel())
    if not marks <= {"+", ""}:
        raise ReferenceDataError(
            f"synth/data/annex1_strategic_documents.csv: marks {marks - {'+', ''}}"
            " are not '+' or empty"
        )
    rows = []
    for header in annex.columns.drop("component_lt"):
        slug = _municipality_from_header(header)
        for label, mark in zip(annex["component_lt"], annex[header], strict=True):
            rows.append(
                {
                    "municipality": slug,
                    "component": by_label[fold(label)],
                    "level": "included" if mark == "+" else "not_included",
                    "assessed_on": ASSESSED_ON,
                    "source_mark": mark or None,
                    "data_origin": "real",
                }
            )
    return pd.DataFrame(rows, columns=load_codebook().columns("strategic_assessment"))


def needs_analysis_recommendations(folder: str | Path) -> pd.DataFrame:
    """The recommendations the needs analysis gives each municipality, from the surveys and
    population written in ``folder`` (read and cleaned as a run would, weighted, then
    :func:`tsp_analysis.recommend.needs_recommendations` in both languages).

    Returns
    -------
    DataFrame
        ``municipality``, ``recommendation_id``, ``area`` (empty for a municipality-wide or
        several-area recommendation), ``text_lt``, ``text_en``, in the needs analysis's order.
    """
    import warnings

    from .. import recommend, weights
    from ..inputs import load_inputs

    folder = Path(folder)
    names = ("tsp_survey", "provider_survey", "population")
    data = load_inputs({n: folder / f"{n}.csv" for n in names}, datasets=list(names))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # trimming notes of small municipalities
        survey, _ = weights.add_weights(data.tsp_survey.data, data.population.data)
    frames = []
    for slug in load().municipalities.index:
        texts = {
            lang: recommend.needs_recommendations(
                survey, data.provider_survey.data, slug, lang=lang
            )
            for lang in reference.LANGUAGES
        }
        lt, en = texts["lt"], texts["en"]
        if not lt["recommendation_id"].equals(en["recommendation_id"]):
            raise AssertionError("recommendation ids differ between languages")
        frames.append(
            pd.DataFrame(
                {
                    "municipality": slug,
                    "recommendation_id": lt["recommendation_id"],
                    "area": lt["area"],
                    "text_lt": lt["text"],
                    "text_en": en["text"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def recommendations_frame(seed: int, fired: pd.DataFrame | None = None) -> pd.DataFrame:
    """The recommendation register with interim and final implementation status.

    Parameters
    ----------
    seed : int
        Seed of the status draws.
    fired : DataFrame, optional
        :func:`needs_analysis_recommendations`: the register then lists exactly these, with
        their ids and texts. Without it (for a quick register independent of any survey),
        6–10 recommendations per municipality are drawn from
        ``synth/data/recommendation_titles.csv`` with ids ``R-<prefix>-<nn>``.

    Returns
    -------
    DataFrame
        ``rec_id``, ``municipality``, ``area``, ``title_lt``, ``title_en``,
        ``status_interim``, ``status_final``, ``data_origin``.

    Examples
    --------
    >>> r = recommendations_frame(1)
    >>> bool(r.groupby("municipality").size().between(6, 10).all())
    True
    """
    seed = check_seed(seed)
    params = load()
    cb = load_codebook()
    levels = cb.codes(cb.question("recommendations", "status_interim").value_set)
    if len(levels) != 3:
        raise ReferenceDataError(f"expected three implementation levels, got {levels}")
    titles = params.recommendation_titles
    area_order = {a: i for i, a in enumerate(reference.area_ids())}
    rows = []
    for slug, prof in params.municipalities.iterrows():
        rng = stream(seed, "recommendations", slug)
        if fired is not None:
            chosen = fired[fired["municipality"] == slug].rename(
                columns={"text_lt": "title_lt", "text_en": "title_en"}
            )
            ids = chosen["recommendation_id"].tolist()
            k = len(chosen)
        else:
            k = int(rng.integers(6, 11))
            # one recommendation per area first, a second one in an area only after that
            shuffled = titles.iloc[rng.permutation(len(titles))].copy()
            shuffled["_rank"] = shuffled.groupby("area").cumcount()
            shuffled["_pos"] = np.arange(len(shuffled))
            chosen = shuffled.sort_values(["_rank", "_pos"]).head(k).copy()
            chosen["_area"] = chosen["area"].map(area_order)
            chosen = chosen.sort_values(["_area", "_pos"])
            ids = [f"R-{prof['id_prefix']}-{i + 1:02d}" for i in range(k)]
        declined = bool(prof["declined_strategic_document"])
        interim = rng.choice(3, size=k, p=INTERIM[declined])
        final = np.array([rng.choice(3, p=FINAL[declined][i]) for i in interim], dtype=int)
        for i, rec in enumerate(chosen.itertuples(index=False)):
            rows.append(
                {
                    "rec_id": ids[i],
                    "municipality": slug,
                    "area": rec.area or None,
                    "title_lt": rec.title_lt,
                    "title_en": rec.title_en,
                    "status_interim": levels[interim[i]],
                    "status_final": levels[final[i]],
                    "data_origin": "synthetic",
                }
            )
    return pd.DataFrame(rows, columns=cb.columns("recommendations"))
