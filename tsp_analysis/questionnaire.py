"""The survey instrument from the codebook: an XLSForm in Lithuanian, English, Russian, Ukrainian.

:func:`build_form` turns a survey dataset of the codebook (``tsp_survey``, ``provider_survey``)
into an `XLSForm <https://xlsform.org>`_, the form standard of KoboToolbox and ODK: a
``survey`` sheet (one row per question), a ``choices`` sheet (the answers of every value set)
and a ``settings`` sheet (form id, version, title, default language). Every label has one column
per language of :data:`~tsp_analysis.codebook.FORM_LANGUAGES`, named as XLSForm wants
(``label::Lithuanian (lt)``). :func:`write_form` writes it as ``.xlsx``;
``tsp-analysis questionnaire --dataset D --out FILE.xlsx`` is the command line.

Nothing here lists questions: the rows come from the codebook, in its order.

=========================  ====================================================================
codebook type              XLSForm
=========================  ====================================================================
id                         not asked: the platform's instance id plays its part; on import
                           :mod:`tsp_analysis.platforms` derives ``resp_id`` from it
category, likert           ``select_one <value set>`` (the codes are the choice names; "don't
                           know" and "not applicable" are choices like any other)
binary (``selected``)      the binaries of one ``group`` become one ``select_multiple <group>``
                           whose choices are the question ids (a check-all-that-apply list)
                           plus an exclusive ``none`` ("none of these"), so that "answered,
                           none applies" (every binary 0) differs from "skipped" (blank);
                           a lone binary is a ``select_one`` of its value set
municipality               ``select_one municipalities`` (the project municipalities)
country                    ``select_one countries`` (ISO codes, names in the four languages
                           from ``countries.csv``; ``autocomplete``)
area                       ``select_one areas``
integer, number            ``integer``, ``decimal``, with a ``constraint`` from ``min``/``max``
date                       ``date``
text                       ``text`` (``multiline``); only the free ``comment`` is free text,
                           and the consent note asks for no name or contact in it
data_origin                ``calculate`` = ``'real'``: data collected with the form are real
=========================  ====================================================================

``required`` comes from the codebook; ``relevant`` from ``applies_if`` (see
:func:`relevant`). A ``calculate`` field ``form_version`` carries the form's version into
every submission, so an export can be matched to its instrument whatever the platform does with
the XForm version attribute. The form opens with a consent note. The Russian and Ukrainian
wording has not yet been reviewed by a native speaker; the settings sheet says so
(``translation_note``) as long as any row of the form is unreviewed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import reference, routing
from .codebook import FORM_LANGUAGES, Codebook, Question, load_codebook

#: XLSForm language names, as ``label::<name> (<code>)`` columns spell them.
LANGUAGE_NAMES = {"lt": "Lithuanian", "en": "English", "ru": "Russian", "uk": "Ukrainian"}
DEFAULT_LANGUAGE = "lt"
#: The field that carries the form version into every submission.
VERSION_FIELD = "form_version"
#: Value sets whose question is filled in by the form, not asked (value set → XPath value).
CALCULATED = {"data_origin": "'real'"}
#: The exclusive "none of these" choice of a check-all list (every member 0 when chosen).
NONE_CHOICE = "none"
#: Codebook type → XLSForm type for the questions that are not a choice.
PLAIN_TYPES = {"integer": "integer", "number": "decimal", "date": "date", "text": "text"}


def language_column(kind: str, lang: str) -> str:
    """The XLSForm column of ``kind`` (``label``, ``hint``, ...) in ``lang``.

    >>> language_column("label", "uk")
    'label::Ukrainian (uk)'
    """
    return f"{kind}::{LANGUAGE_NAMES[lang]} ({lang})"


def list_name(value_set: str) -> str:
    """The choice-list name of a value set (``ref:residence_bases`` → ``residence_bases``)."""
    return value_set.removeprefix("ref:")


# -- skip logic ---------------------------------------------------------------------------------
def relevant(rule: str | None, *, numeric: frozenset[str] = frozenset()) -> str:
    """The XLSForm ``relevant`` expression of an ``applies_if`` rule ('' when always asked).

    Choice values are strings in an XForm, so codes are quoted (``'1'`` for a likert code);
    columns in ``numeric`` (integer and decimal questions) compare unquoted.

    >>> relevant("got_education=fully|partly")
    "(${got_education} = 'fully' or ${got_education} = 'partly')"
    >>> relevant("need_health!=no & age=18", numeric=frozenset({"age"}))
    "${need_health} != 'no' and ${age} = 18"
    """
    if not rule:
        return ""
    clauses = []
    for cond in routing.parse(rule):
        ref = "${" + cond.column + "}"
        literal = (lambda v: v) if cond.column in numeric else (lambda v: f"'{v}'")
        op, join = ("!=", " and ") if cond.negate else ("=", " or ")
        parts = [f"{ref} {op} {literal(v)}" for v in sorted(cond.allowed)]
        clauses.append(parts[0] if len(parts) == 1 else "(" + join.join(parts) + ")")
    return " and ".join(clauses)


# -- the form -----------------------------------------------------------------------------------
@dataclass
class XLSForm:
    """An XLSForm as three tables (``survey``, ``choices``, ``settings``)."""

    dataset: str
    survey: pd.DataFrame
    choices: pd.DataFrame
    settings: pd.DataFrame

    def write(self, path: str | Path) -> Path:
        """Write the form as an ``.xlsx`` workbook with its three sheets; return the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(out, engine="openpyxl") as xl:
            for name in ("survey", "choices", "settings"):
                getattr(self, name).to_excel(xl, sheet_name=name, index=False)
        return out


def build_form(dataset: str, *, codebook: Codebook | None = None) -> XLSForm:
    """The XLSForm of a survey dataset (see the module docstring for the rules).

    Parameters
    ----------
    dataset : str
        A dataset with a row in ``data/reference/forms.csv`` (``tsp_survey``,
        ``provider_survey``).
    codebook : Codebook, optional
        Defaults to :func:`~tsp_analysis.codebook.load_codebook`.

    Returns
    -------
    XLSForm

    Examples
    --------
    >>> form = build_form("tsp_survey")
    >>> form.survey.set_index("name").loc["rate_health_quality", "relevant"]
    "(${got_health} = 'fully' or ${got_health} = 'partly')"
    """
    cb = codebook or load_codebook()
    info = cb.form(dataset)
    questions = cb.questions(dataset)
    multi = select_multiple_groups(questions)
    numeric = frozenset(q.id for q in questions if q.type in {"integer", "number"})
    texts = _form_text()

    rows: list[dict] = [
        {"type": "note", "name": "consent"} | _labels("label", info.consent),
        {"type": "calculate", "name": VERSION_FIELD, "calculation": f"'{info.version}'"},
    ]
    lists: dict[str, pd.DataFrame] = {}
    reviewed = info.translation_reviewed
    done_groups: set[str] = set()
    for q in questions:
        if q.type == "id":
            continue
        reviewed = reviewed and q.translation_reviewed
        row: dict = {"name": q.id}
        if q.value_set in CALCULATED:
            rows.append({"type": "calculate", "name": q.id, "calculation": CALCULATED[q.value_set]})
            continue
        if q.group in multi:
            if q.group in done_groups:
                continue
            done_groups.add(q.group)
            members = multi[q.group]
            lists[q.group] = _member_choices(q.group, members, texts["none_of_these"])
            row = {"type": f"select_multiple {q.group}", "name": q.group}
            row |= _labels("label", {lang: stem(members, lang) for lang in FORM_LANGUAGES})
            row |= _labels("hint", texts["select_all"])
            row["constraint"] = f"not(selected(., '{NONE_CHOICE}') and count-selected(.) > 1)"
            row |= _labels("constraint_message", texts["none_alone"])
            row["relevant"] = relevant(q.applies_if, numeric=numeric)
            rows.append(row)
            continue
        row |= _labels("label", {lang: q.text(lang) for lang in FORM_LANGUAGES})
        if q.type in PLAIN_TYPES:
            row["type"] = PLAIN_TYPES[q.type]
            if q.type == "text":
                row["appearance"] = "multiline"
        else:
            name, choices = _choice_list(cb, q)
            lists.setdefault(name, choices)
            row["type"] = f"select_one {name}"
            if q.type == "country":
                row["appearance"] = "autocomplete"
        if q.required:
            row["required"] = "yes"
        if q.type in {"integer", "number"} and (q.min is not None or q.max is not None):
            row["constraint"], message = _constraint(q, texts)
            row |= _labels("constraint_message", message)
        row["relevant"] = relevant(q.applies_if, numeric=numeric)
        rows.append(row)

    survey = pd.DataFrame(rows).fillna("")
    survey = survey[_column_order(survey.columns)]
    choices = pd.concat(lists.values(), ignore_index=True)
    settings = {
        "form_title": info.titles[DEFAULT_LANGUAGE],
        "form_id": info.form_id,
        "version": info.version,
        "default_language": f"{LANGUAGE_NAMES[DEFAULT_LANGUAGE]} ({DEFAULT_LANGUAGE})",
    }
    if not reviewed:
        settings["translation_note"] = (
            "The Russian and Ukrainian wording has not yet been reviewed by a native speaker "
            "(codebook column translation_reviewed = false)."
        )
    return XLSForm(dataset, survey, choices, pd.DataFrame([settings]))


def write_form(dataset: str, out: str | Path, *, codebook: Codebook | None = None) -> Path:
    """Build the XLSForm of ``dataset`` and write it to ``out`` (``.xlsx``); return the path."""
    if Path(out).suffix.lower() != ".xlsx":
        raise ValueError(f"{out}: an XLSForm is written as .xlsx")
    return build_form(dataset, codebook=codebook).write(out)


def _labels(kind: str, by_lang: dict[str, str]) -> dict[str, str]:
    return {language_column(kind, lang): by_lang[lang] for lang in FORM_LANGUAGES}


def _column_order(columns) -> list[str]:
    first = ["type", "name"]
    langs = [c for c in columns if "::" in c and c.startswith("label")]
    rest = [c for c in columns if c not in first and c not in langs]
    return first + langs + rest


def select_multiple_groups(questions: list[Question]) -> dict[str, list[Question]]:
    """Groups of two or more ``selected`` binaries: each becomes one select_multiple."""
    groups: dict[str, list[Question]] = {}
    for q in questions:
        if q.type == "binary" and q.value_set == "selected" and q.group:
            groups.setdefault(q.group, []).append(q)
    return {g: qs for g, qs in groups.items() if len(qs) > 1}


def stem(members: list[Question], lang: str) -> str:
    """The shared question of a check-all list: each member's text minus its own label."""
    stems = {q.text(lang).removesuffix(q.label(lang)).strip() for q in members}
    if len(stems) != 1 or not next(iter(stems)):
        raise ValueError(
            f"codebook: the {lang} texts of {[q.id for q in members]} do not share a question"
        )
    return stems.pop()


def _member_choices(group: str, members: list[Question], none: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame({"list_name": group, "name": [q.id for q in members] + [NONE_CHOICE]})
    for lang in FORM_LANGUAGES:
        frame[language_column("label", lang)] = [q.label(lang) for q in members] + [none[lang]]
    return frame


def _choice_list(cb: Codebook, q: Question) -> tuple[str, pd.DataFrame]:
    if q.type == "municipality":
        ref = reference.municipalities()
        return "municipalities", _ref_choices("municipalities", ref["slug"], ref, "name")
    if q.type == "country":
        ref = reference.countries()
        return "countries", _ref_choices("countries", ref["iso2"], ref, "name")
    if q.type == "area":
        ref = reference.areas()
        return "areas", _ref_choices("areas", ref["area"], ref, "label")
    name = list_name(q.value_set)
    v = cb.values(q.value_set)
    frame = pd.DataFrame({"list_name": name, "name": v["code"]})
    for lang in FORM_LANGUAGES:
        frame[language_column("label", lang)] = v[f"label_{lang}"]
    return name, frame


def _ref_choices(name: str, codes: pd.Series, ref: pd.DataFrame, prefix: str) -> pd.DataFrame:
    frame = pd.DataFrame({"list_name": name, "name": codes})
    for lang in FORM_LANGUAGES:
        col = f"{prefix}_{lang}"
        # a table without this language (a new municipality, say) shows the English name
        labels = ref[col] if col in ref else ref[f"{prefix}_en"]
        frame[language_column("label", lang)] = labels.where(labels != "", ref[f"{prefix}_en"])
    return frame.reset_index(drop=True)


def _constraint(q: Question, texts: dict[str, dict[str, str]]) -> tuple[str, dict[str, str]]:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if q.min is not None and q.max is not None:
        expr, key = f". >= {fmt(q.min)} and . <= {fmt(q.max)}", "range"
    elif q.min is not None:
        expr, key = f". >= {fmt(q.min)}", "minimum"
    else:
        expr, key = f". <= {fmt(q.max)}", "maximum"
    lo, hi = (fmt(x) if x is not None else "" for x in (q.min, q.max))
    return expr, {lang: t.format(min=lo, max=hi) for lang, t in texts[key].items()}


def _form_text() -> dict[str, dict[str, str]]:
    """``data/reference/form_text.csv``: key → language → text."""
    frame = reference.table("form_text")
    return {
        rec["key"]: {lang: rec[f"text_{lang}"] for lang in FORM_LANGUAGES}
        for rec in frame.to_dict("records")
    }


# -- command line -------------------------------------------------------------------------------
#: ``tsp-analysis questionnaire`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = "write a survey's questionnaire as an XLSForm (KoboToolbox, ODK) in lt/en/ru/uk"
#: The first paragraph of ``tsp-analysis questionnaire --help``.
DESCRIPTION = (
    "Write the questionnaire of a survey dataset, built from the codebook, as an "
    "XLSForm workbook (survey, choices and settings sheets; labels in Lithuanian, "
    "English, Russian and Ukrainian; skip logic, required answers and ranges). Upload "
    "it to KoboToolbox or ODK Central; point a parameter file at the platform's "
    "export to build the reports."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis questionnaire`` to its parser."""
    p.add_argument(
        "--dataset", required=True, choices=load_codebook().form_datasets(), help="survey"
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="the XLSForm to write")
    p.add_argument(
        "--limesurvey-map",
        metavar="FILE.csv",
        help="also write the LimeSurvey question codes (code, id) to build the survey there",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``tsp-analysis questionnaire`` with the parsed ``args``; return the exit status."""
    path = write_form(args.dataset, args.out)
    info = load_codebook().form(args.dataset)
    print(f"{path}: XLSForm {info.form_id} version {info.version}")
    if args.limesurvey_map:
        from .platforms import limesurvey_codes

        out = Path(args.limesurvey_map)
        out.parent.mkdir(parents=True, exist_ok=True)
        limesurvey_codes(args.dataset).to_csv(out, index=False)
        print(f"{out}: LimeSurvey question codes")
    return 0
