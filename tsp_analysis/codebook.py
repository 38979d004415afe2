"""The codebook: one machine-readable description of every input.

``data/reference/codebook.csv`` has one row per question or field (``dataset``, ``id``,
``type``, ``value_set``, ``required``, ``unique``, ``min``, ``max``, ``area``, ``criterion``,
``group``, ``applies_if``, short ``label_lt``/``label_en`` and full ``text_lt``/``text_en``, then
the questionnaire's Russian and Ukrainian wording ``label_ru``/``label_uk``/``text_ru``/``text_uk``
and ``translation_reviewed``, true once a native speaker has reviewed them);
``data/reference/value_sets.csv`` lists the allowed answers of each value set (``code``,
SPSS numeric ``spss`` code, ``label_lt``, ``label_en``, ``missing`` kind, ``order``, then
``label_ru``, ``label_uk``, ``translation_reviewed``). A value set named ``ref:<table>`` takes its
codes and labels from that reference table. ``data/reference/forms.csv`` gives each survey's
questionnaire its form id, version, title and consent note (see :meth:`Codebook.form`).

Reports are written in :data:`~tsp_analysis.reference.LANGUAGES` (lt, en); the questionnaire
is fielded in :data:`FORM_LANGUAGES` (lt, en, ru, uk).

Loading, validation, labels, scoring and the synthetic generator all read this module; no list
of questions is repeated in code.

Types
-----
``id``                 non-empty text, unique when ``unique`` is true
``municipality``       a municipality in any spelling, normalised to its slug
``municipality_or_country``  as above, or ``lithuania`` for the whole country
``country``            ISO 3166-1 alpha-2 code (names in English or Lithuanian accepted)
``area``               an integration area identifier
``integer``/``number`` numeric within ``min``..``max`` (decimal comma accepted)
``date``               ISO date
``category``           one code of ``value_set``, stored as text
``likert``             one code of ``value_set``, stored as a nullable integer (``Int16``);
                       codes whose ``missing`` is set ("don't know" = 8, "not applicable" = 9)
                       stay in the clean table, as SPSS user-missing values do, and every
                       estimator turns them into missing via :meth:`Codebook.substantive`
``binary``             0/1, stored as ``Int8``
``text``               free text; never shown in a report
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from . import reference
from .errors import ReferenceDataError
from .ids import RESPONDENT_DATASETS
from .reference import table
from .text import fold_label

TYPES = frozenset(
    {
        "id",
        "municipality",
        "municipality_or_country",
        "country",
        "area",
        "integer",
        "number",
        "date",
        "category",
        "likert",
        "binary",
        "text",
    }
)
DATASETS = (
    "tsp_survey",
    "provider_survey",
    "population",
    "residents",
    "consultations",
    "strategic_assessment",
    "recommendations",
    # activities 4.1 (training) and 5.1 (foreign experts), seed 001
    "training_events",
    "expert_engagements",
    # the qualitative evidence register (seed 000's field research), issue 15
    "qual_evidence",
)
MISSING_KINDS = frozenset({"dont_know", "not_applicable", "refused"})
#: Datasets whose ids and free text can point at a person: the surveys and the qualitative
#: evidence register (its source ids and paraphrases).
SENSITIVE_DATASETS = (*RESPONDENT_DATASETS, "qual_evidence")
#: Types whose values can single out a respondent (an id, a free-text answer).
SENSITIVE_TYPES = frozenset({"id", "text"})
#: Languages of the questionnaire (reports are in lt and en only).
FORM_LANGUAGES = ("lt", "en", "ru", "uk")


def check_form_lang(lang: str) -> None:
    """Raise ``ValueError`` unless ``lang`` is one of :data:`FORM_LANGUAGES`."""
    if lang not in FORM_LANGUAGES:
        raise ValueError(f"language must be one of {FORM_LANGUAGES}, got {lang!r}")


@dataclass(frozen=True)
class Question:
    """One question (survey) or field (other inputs) of the codebook."""

    dataset: str
    id: str
    type: str
    value_set: str
    required: bool
    unique: bool
    min: float | None
    max: float | None
    area: str | None
    criterion: str | None
    group: str | None
    applies_if: str | None
    label_lt: str
    label_en: str
    text_lt: str
    text_en: str
    label_ru: str = ""
    label_uk: str = ""
    text_ru: str = ""
    text_uk: str = ""
    #: True once a native speaker has reviewed the Russian and Ukrainian wording.
    translation_reviewed: bool = False

    def label(self, lang: str) -> str:
        """Short label in ``lang`` (one of :data:`FORM_LANGUAGES`)."""
        check_form_lang(lang)
        return getattr(self, f"label_{lang}")

    def text(self, lang: str) -> str:
        """Full question wording in ``lang`` (one of :data:`FORM_LANGUAGES`)."""
        check_form_lang(lang)
        return getattr(self, f"text_{lang}")


def fold(text: object) -> str:
    """Fold text for matching: :func:`tsp_analysis.text.fold_label` keeping end punctuation
    (municipality names need the dot of "m.").

    >>> fold("  Labai  GERAI ")
    'labai gerai'
    >>> fold("Nežinau")
    'nezinau'
    """
    return fold_label(text, keep_punctuation=True)


class Codebook:
    """The parsed codebook. Use :func:`load_codebook` to get the shared instance."""

    def __init__(self, questions: pd.DataFrame, value_sets: pd.DataFrame):
        self._frame = questions
        self._values = value_sets
        self._questions: dict[tuple[str, str], Question] = {}
        for rec in questions.to_dict("records"):
            q = Question(
                dataset=rec["dataset"],
                id=rec["id"],
                type=rec["type"],
                value_set=rec["value_set"],
                required=rec["required"] == "true",
                unique=rec["unique"] == "true",
                min=float(rec["min"]) if rec["min"] else None,
                max=float(rec["max"]) if rec["max"] else None,
                area=rec["area"] or None,
                criterion=rec["criterion"] or None,
                group=rec["group"] or None,
                applies_if=rec["applies_if"] or None,
                label_lt=rec["label_lt"],
                label_en=rec["label_en"],
                text_lt=rec["text_lt"],
                text_en=rec["text_en"],
                label_ru=rec.get("label_ru", ""),
                label_uk=rec.get("label_uk", ""),
                text_ru=rec.get("text_ru", ""),
                text_uk=rec.get("text_uk", ""),
                translation_reviewed=rec.get("translation_reviewed", "") == "true",
            )
            self._questions[(q.dataset, q.id)] = q
        self._check()

    # -- integrity of the shipped reference data -------------------------------------------
    def _check(self) -> None:
        problems = []
        for q in self._questions.values():
            if q.dataset not in DATASETS:
                problems.append(f"{q.id}: unknown dataset {q.dataset!r}")
            if q.type not in TYPES:
                problems.append(f"{q.dataset}.{q.id}: unknown type {q.type!r}")
            if q.type in {"category", "likert", "binary"}:
                try:
                    self.values(q.value_set)
                except ReferenceDataError as exc:
                    problems.append(f"{q.dataset}.{q.id}: {exc}")
            if q.area and q.area not in reference.area_ids():
                problems.append(f"{q.dataset}.{q.id}: unknown area {q.area!r}")
            if q.criterion and q.criterion not in reference.criterion_ids():
                problems.append(f"{q.dataset}.{q.id}: unknown criterion {q.criterion!r}")
        bad_missing = set(self._values["missing"]) - MISSING_KINDS - {""}
        if bad_missing:
            problems.append(f"value_sets.csv: unknown missing kinds {sorted(bad_missing)}")
        if problems:
            raise ReferenceDataError("codebook is inconsistent:\n" + "\n".join(problems))

    # -- questions --------------------------------------------------------------------------
    def questions(self, dataset: str, **where: str) -> list[Question]:
        """Questions of ``dataset`` in codebook order, filtered by attributes.

        >>> cb = load_codebook()
        >>> [q.id for q in cb.questions("tsp_survey", group="need")][:2]
        ['need_education', 'need_employment']
        """
        if dataset not in DATASETS:
            raise KeyError(f"unknown dataset {dataset!r}; expected one of {DATASETS}")
        out = [q for (d, _), q in self._questions.items() if d == dataset]
        for attr, value in where.items():
            out = [q for q in out if getattr(q, attr) == value]
        return out

    def question(self, dataset: str, qid: str) -> Question:
        """One question by dataset and id."""
        try:
            return self._questions[(dataset, qid)]
        except KeyError:
            raise KeyError(f"{dataset} has no question {qid!r}") from None

    def columns(self, dataset: str) -> list[str]:
        """Column names of ``dataset`` in codebook order."""
        return [q.id for q in self.questions(dataset)]

    def sensitive_columns(self) -> dict[str, list[str]]:
        """Per dataset of :data:`SENSITIVE_DATASETS`, the columns whose values must never
        reach an output (ids and free text): an error message names such a column but not its
        value."""
        return {
            d: [q.id for q in self.questions(d) if q.type in SENSITIVE_TYPES]
            for d in SENSITIVE_DATASETS
        }

    def frame(self) -> pd.DataFrame:
        """The codebook as a table (a copy)."""
        return self._frame.copy()

    # -- value sets -------------------------------------------------------------------------
    def values(self, value_set: str) -> pd.DataFrame:
        """Allowed answers of a value set: ``code``, ``spss``, ``label_lt``, ``label_en``,
        ``missing``, ``order``, ``label_ru``, ``label_uk`` (empty where not translated)."""
        return _values(self, value_set).copy()

    def codes(self, value_set: str, substantive: bool = False) -> list[str]:
        """Codes of a value set in order; with ``substantive``, only the non-missing ones."""
        v = _values(self, value_set)
        if substantive:
            v = v[v["missing"] == ""]
        return v["code"].tolist()

    def missing_codes(self, value_set: str, kind: str | None = None) -> list[str]:
        """Codes that mean missing ("don't know", "not applicable", "refused")."""
        v = _values(self, value_set)
        v = v[v["missing"] != ""] if kind is None else v[v["missing"] == kind]
        return v["code"].tolist()

    def value_labels(self, value_set: str, lang: str) -> dict[str, str]:
        """Code → label in ``lang`` (``lt``, ``en``, ``ru`` or ``uk``).

        >>> load_codebook().value_labels("yes_no_dk", "uk")["yes"]
        'Так'
        """
        check_form_lang(lang)
        v = _values(self, value_set)
        return dict(zip(v["code"], v[f"label_{lang}"], strict=True))

    def substantive(self, data: pd.DataFrame | pd.Series, dataset: str, qid: str | None = None):
        """Return ``likert`` answers with the missing codes (8, 9) set to missing.

        Pass a Series with ``qid`` or a DataFrame of likert columns of ``dataset``.
        """
        if isinstance(data, pd.Series):
            q = self.question(dataset, qid or str(data.name))
            miss = [int(c) for c in self.missing_codes(q.value_set)]
            return data.mask(data.isin(miss)).astype("Float64")
        out = {}
        for col in data.columns:
            out[col] = self.substantive(data[col], dataset, col)
        return pd.DataFrame(out, index=data.index)

    def parse_map(self, value_set: str) -> dict[str, str]:
        """Every accepted spelling of an answer → its code.

        Accepts the code, the SPSS number and both labels, folded with
        :func:`tsp_analysis.text.fold_label` (case, diacritics, blanks, typographic quotes and
        dashes, end punctuation do not matter): look a value up with ``fold_label(value)``.
        Used by cleaning and validation.
        """
        return dict(_parse_map(self, value_set))

    # -- questionnaires ---------------------------------------------------------------------
    def form(self, dataset: str) -> FormInfo:
        """The questionnaire of a survey dataset: form id, version, titles, consent note.

        The version ties fielded data to its instrument: an export whose version differs is
        refused on import (:mod:`tsp_analysis.platforms`).

        >>> load_codebook().form("tsp_survey").form_id
        'tsp_survey'
        """
        forms = table("forms")
        row = forms[forms["dataset"] == dataset]
        if row.empty:
            raise KeyError(
                f"{dataset!r} has no questionnaire; forms.csv lists {forms['dataset'].tolist()}"
            )
        rec = row.iloc[0].to_dict()
        return FormInfo(
            dataset=dataset,
            form_id=rec["form_id"],
            version=rec["version"],
            titles={lang: rec[f"title_{lang}"] for lang in FORM_LANGUAGES},
            consent={lang: rec[f"consent_{lang}"] for lang in FORM_LANGUAGES},
            translation_reviewed=rec["translation_reviewed"] == "true",
        )

    def form_datasets(self) -> list[str]:
        """Datasets that have a questionnaire (rows of ``forms.csv``)."""
        return table("forms")["dataset"].tolist()


@dataclass(frozen=True)
class FormInfo:
    """One survey's questionnaire metadata (a row of ``data/reference/forms.csv``)."""

    dataset: str
    form_id: str
    version: str
    titles: dict[str, str]
    consent: dict[str, str]
    translation_reviewed: bool


@cache
def _values(cb: Codebook, value_set: str) -> pd.DataFrame:
    if value_set.startswith("ref:"):
        name = value_set[4:]
        if name not in reference.TABLES:
            raise ReferenceDataError(f"value set {value_set!r} names no reference table")
        ref = table(name)
        key = reference.TABLES[name]
        return pd.DataFrame(
            {
                "code": ref[key],
                "spss": ref["order"].astype(str),
                "label_lt": ref["label_lt"],
                "label_en": ref["label_en"],
                "missing": "",
                "order": ref["order"],
                "label_ru": ref["label_ru"] if "label_ru" in ref else "",
                "label_uk": ref["label_uk"] if "label_uk" in ref else "",
            }
        )
    v = cb._values[cb._values["value_set"] == value_set]
    if v.empty:
        raise ReferenceDataError(f"value set {value_set!r} is not in value_sets.csv")
    v = v.drop(columns=["value_set", "translation_reviewed"], errors="ignore")
    return v.sort_values("order").reset_index(drop=True)


@cache
def _parse_map(cb: Codebook, value_set: str) -> tuple[tuple[str, str], ...]:
    v = _values(cb, value_set)
    out: dict[str, str] = {}
    for col in ("label_en", "label_lt", "spss", "code"):  # later columns win on a clash
        for spelling, code in zip(v[col], v["code"], strict=True):
            out[fold_label(spelling)] = code
    return tuple(out.items())


@lru_cache(maxsize=1)
def _load(folder: str) -> Codebook:
    del folder  # part of the cache key only
    questions = table("codebook")
    values = table("value_sets")
    values["order"] = values["order"].astype(int)
    return Codebook(questions, values)


def load_codebook() -> Codebook:
    """Return the codebook (parsed once per process)."""
    return _load(str(reference.reference_dir()))
