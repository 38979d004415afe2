"""The coding aid for survey comments: proposes (area, theme) codes a person then confirms.

A transparent keyword dictionary, ``data/reference/qual_keywords.csv`` (``keyword``, ``lang``
— lt, en, ru or uk —, ``area``, ``theme``, ``reviewed``), says which words point at which
theme of ``data/reference/qual_themes.csv``. :func:`propose` looks for every keyword in every
comment — on folded text with word boundaries, a trailing ``*`` matching any ending
(:mod:`tsp_analysis.terms`), Cyrillic included — and returns one proposal per comment and
theme with the keywords that matched, so the coder sees *why* a code is proposed. A comment
no keyword matches gets one row without a theme (nothing is dropped silently). Nothing is
sent anywhere: the dictionary and the matching are local.

The dictionary is used only as far as a person has reviewed it. ``reviewed`` is ``false``
until someone who reads the language has checked the entry; ``unreviewed`` decides what
happens to the others: ``"error"`` (the default) refuses to run while the dictionary has
unreviewed entries, ``"warn"`` uses them with a warning and marks each proposal that rests on
one (``keywords_reviewed`` false), ``"skip"`` leaves them out.

Workflow: :func:`write_proposals` writes the proposals as a CSV for review (``tsp-analysis
code-comments SURVEY --out proposals.csv``); the coder fills ``confirmed`` (``yes``/``no``),
corrects ``area``/``theme``, adds ``sentiment`` and optionally ``criterion``; then
:func:`append_confirmed` (``tsp-analysis code-comments --append proposals.csv --register
qual_evidence.csv``) appends the confirmed rows to the qualitative evidence register, with the
respondent as the source. The comment text itself is not copied into the register: the report
quotes it from the survey, redacted, and only when ``allow_free_text`` is set.
"""

from __future__ import annotations

import argparse
import warnings
from functools import cache
from pathlib import Path

import pandas as pd

from . import terms
from .codebook import FORM_LANGUAGES
from .errors import InputError, Problem, ReferenceDataError

UNREVIEWED = ("error", "warn", "skip")
#: Columns of the proposals file, in order: the register's columns, then the coder's aids.
PROPOSAL_COLUMNS = (
    "statement_id",
    "source_kind",
    "source_id",
    "municipality",
    "area",
    "criterion",
    "theme",
    "sentiment",
    "paraphrase",
    "matched",
    "keywords_reviewed",
    "comment",
    "confirmed",
)


class UnreviewedKeywordsWarning(UserWarning):
    """Proposals rest on dictionary entries no person has reviewed yet."""


@cache
def _keywords() -> pd.DataFrame:
    from .paths import reference_dir
    from .reference import table

    path = reference_dir() / "qual_keywords.csv"
    if not path.exists():
        raise ReferenceDataError(f"keyword dictionary {path} is missing")
    kw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    themes = table("qual_themes")
    area_of = dict(zip(themes["theme"], themes["area"], strict=True))
    problems = []
    for i, rec in enumerate(kw.to_dict("records"), start=2):
        # Comments come in the languages the questionnaire is fielded in.
        if rec["lang"] not in FORM_LANGUAGES:
            problems.append(f"row {i}: lang {rec['lang']!r} is not one of {FORM_LANGUAGES}")
        if rec["theme"] not in area_of:
            problems.append(f"row {i}: theme {rec['theme']!r} is not in qual_themes.csv")
        elif area_of[rec["theme"]] != rec["area"]:
            problems.append(
                f"row {i}: theme {rec['theme']!r} belongs to {area_of[rec['theme']]!r}, "
                f"not {rec['area']!r}"
            )
        if rec["reviewed"] not in ("true", "false"):
            problems.append(f"row {i}: reviewed {rec['reviewed']!r} is not true or false")
        try:
            terms.pattern(rec["keyword"])
        except ValueError:
            problems.append(f"row {i}: empty keyword")
    if problems:
        raise ReferenceDataError(f"{path} is inconsistent:\n" + "\n".join(problems))
    kw["reviewed"] = kw["reviewed"] == "true"
    return kw


def keywords(unreviewed: str = "error") -> pd.DataFrame:
    """The dictionary as used under the ``unreviewed`` rule (see the module's docstring):
    ``keyword``, ``lang``, ``area``, ``theme``, ``reviewed`` (bool).

    Raises
    ------
    ReferenceDataError
        With ``unreviewed="error"`` while any entry is unreviewed (naming how many, per
        language), or when the dictionary is inconsistent with ``qual_themes.csv``.
    """
    if unreviewed not in UNREVIEWED:
        raise ValueError(f"unreviewed must be one of {UNREVIEWED}, got {unreviewed!r}")
    kw = _keywords().copy()
    todo = kw[~kw["reviewed"]]
    if len(todo) and unreviewed == "error":
        per = ", ".join(f"{lang} {n}" for lang, n in todo.groupby("lang").size().items())
        raise ReferenceDataError(
            f"data/reference/qual_keywords.csv: {len(todo)} of {len(kw)} keyword entries are "
            f"not reviewed ({per}); have a person who reads the language check them and set "
            "reviewed=true, or pass unreviewed='warn' (--allow-unreviewed) to use them with a "
            "warning"
        )
    if unreviewed == "skip":
        kw = kw[kw["reviewed"]]
    return kw.reset_index(drop=True)


def propose_text(text: str, dictionary: pd.DataFrame) -> list[dict[str, object]]:
    """The (area, theme) proposals for one comment: per theme, the keywords matched (as
    written in the text, in order) and whether every entry that matched is reviewed.

    >>> hits = propose_text("Нужна информация на русском языке.", keywords(unreviewed="warn"))
    >>> [(p["theme"], p["matched"]) for p in hits]
    [('eq_information_languages', ['информация', 'на русском'])]
    """
    found: dict[str, dict[str, object]] = {}
    for m in terms.find(str(text), dictionary["keyword"].tolist()):
        entries = dictionary[dictionary["keyword"] == m.term]
        for rec in entries.to_dict("records"):
            hit = found.setdefault(
                rec["theme"],
                {"area": rec["area"], "theme": rec["theme"], "matched": [], "reviewed": True},
            )
            word = str(text)[m.start : m.end]
            if word not in hit["matched"]:
                hit["matched"].append(word)
            hit["reviewed"] = bool(hit["reviewed"]) and bool(rec["reviewed"])
    return list(found.values())


def propose(
    survey: pd.DataFrame,
    *,
    text_column: str = "comment",
    id_column: str = "resp_id",
    unreviewed: str = "error",
) -> pd.DataFrame:
    """Proposed codes for every comment of a clean TŠP survey table.

    Parameters
    ----------
    survey : DataFrame
        Clean survey rows (``resp_id``, ``municipality``, ``comment``); rows without a
        comment are skipped.
    unreviewed : {"error", "warn", "skip"}
        What to do with dictionary entries no person has reviewed.

    Returns
    -------
    DataFrame
        :data:`PROPOSAL_COLUMNS`: one row per comment and proposed theme (a comment nothing
        matched has one row with no area or theme), ``source_kind`` ``survey_comment``,
        ``source_id`` the respondent, ``statement_id`` ``<resp_id>-sc<k>``, ``matched`` the
        keywords found (``;``-joined), ``keywords_reviewed``, ``comment`` the text for the
        coder, ``confirmed`` empty (the coder writes ``yes`` or ``no``).
    """
    dictionary = keywords(unreviewed)
    rows = []
    used_unreviewed = False
    texts = survey[[id_column, "municipality", text_column]].dropna(subset=[text_column])
    for rec in texts.to_dict("records"):
        text = str(rec[text_column]).strip()
        if not text:
            continue
        hits = propose_text(text, dictionary) or [
            {"area": "", "theme": "", "matched": [], "reviewed": True}
        ]
        for k, hit in enumerate(hits, start=1):
            used_unreviewed |= not hit["reviewed"]
            rows.append(
                {
                    "statement_id": f"{rec[id_column]}-sc{k}",
                    "source_kind": "survey_comment",
                    "source_id": rec[id_column],
                    "municipality": rec["municipality"],
                    "area": hit["area"],
                    "criterion": "",
                    "theme": hit["theme"],
                    "sentiment": "",
                    "paraphrase": "",
                    "matched": "; ".join(hit["matched"]),
                    "keywords_reviewed": "true" if hit["reviewed"] else "false",
                    "comment": text,
                    "confirmed": "",
                }
            )
    if used_unreviewed and unreviewed == "warn":
        warnings.warn(
            "some proposals rest on keyword entries no person has reviewed "
            "(keywords_reviewed=false): check them with particular care",
            UnreviewedKeywordsWarning,
            stacklevel=2,
        )
    return pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))


def write_proposals(
    survey_path: str | Path, out: str | Path, *, unreviewed: str = "error"
) -> pd.DataFrame:
    """Read and clean a TŠP survey file, :func:`propose` codes for its comments and write
    them to ``out`` (UTF-8 CSV) for review; return the proposals."""
    from .clean import clean
    from .readers import read_table

    result = clean(read_table(survey_path), "tsp_survey")
    proposals = propose(result.data, unreviewed=unreviewed)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    proposals.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    return proposals


def append_confirmed(proposals_path: str | Path, register_path: str | Path) -> int:
    """Append the rows of a reviewed proposals file whose ``confirmed`` is ``yes`` to the
    register (created with its header if it does not exist); return how many were appended.

    Every confirmed row is checked as a register row first (theme of its area, sentiment
    given ...) together with the register's own rows: nothing is appended when any problem is
    found, and the :class:`InputError` names the proposals file, row, column and value. The
    comment text is not copied.
    """
    from .clean import clean
    from .codebook import load_codebook
    from .readers import read_table

    columns = load_codebook().columns("qual_evidence")
    raw = read_table(proposals_path)
    if "confirmed" not in raw:
        raise InputError(
            [Problem(str(proposals_path), None, "confirmed", None, "a 'confirmed' column")],
            f"{proposals_path}: not a proposals file",
        )
    yes = raw["confirmed"].fillna("").str.strip().str.lower().isin(["yes", "taip", "true"])
    chosen = raw[yes]
    if chosen.empty:
        return 0
    new = chosen[[c for c in columns if c in chosen] + ["source_file", "source_row"]]
    register = Path(register_path)
    old = read_table(register) if register.exists() else None
    combined = new if old is None else pd.concat([old, new], ignore_index=True)
    result = clean(combined.drop(columns=["data_origin"], errors="ignore"), "qual_evidence")
    if result.quarantined or result.invalidated:
        problems = [*result.problems(), *result.cell_problems()]
        raise InputError(problems, f"{len(problems)} problem(s): nothing appended to {register}")
    out = new.drop(columns=["source_file", "source_row"]).reindex(columns=columns)
    out = out.astype(object)
    out["data_origin"] = out["data_origin"].where(out["data_origin"].notna(), "real")
    header = old is None
    with open(register, "a", encoding="utf-8", newline="") as fh:
        out.to_csv(fh, index=False, header=header, lineterminator="\n")
    return len(out)


#: ``tsp-analysis code-comments`` in the list of commands (:func:`tsp_analysis.cli.build_parser`).
HELP = (
    "propose area/theme codes for survey comments (keyword dictionary), or append "
    "reviewed proposals to the qualitative register"
)
#: The first paragraph of ``tsp-analysis code-comments --help``.
DESCRIPTION = (
    "Propose codes for the comments of a TŠP survey file and write them to a "
    "CSV for a person to confirm (nothing leaves this machine); or, with --append, add the "
    "confirmed rows of such a file to the qualitative evidence register."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``tsp-analysis code-comments`` to its parser."""
    parser.add_argument("survey", nargs="?", type=Path, help="TŠP survey file (CSV, xlsx, sav)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="proposals CSV to write")
    parser.add_argument(
        "--allow-unreviewed",
        action="store_true",
        help="use keyword entries no person has reviewed yet (with a warning)",
    )
    parser.add_argument("--append", type=Path, metavar="FILE", help="reviewed proposals CSV")
    parser.add_argument("--register", type=Path, metavar="FILE", help="register CSV to extend")


def run(args: argparse.Namespace) -> int:
    """Run ``tsp-analysis code-comments`` with the parsed ``args``; return the exit status."""
    import sys

    if args.append is not None:
        if args.register is None:
            print("tsp-analysis code-comments: --append needs --register FILE", file=sys.stderr)
            return 2
        n = append_confirmed(args.append, args.register)
        print(f"{n} confirmed row(s) appended to {args.register}")
        return 0
    if args.survey is None or args.out is None:
        print("tsp-analysis code-comments: give SURVEY and --out FILE", file=sys.stderr)
        return 2
    mode = "warn" if args.allow_unreviewed else "error"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnreviewedKeywordsWarning)
        proposals = write_proposals(args.survey, args.out, unreviewed=mode)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    coded = proposals["theme"].fillna("").ne("")
    print(
        f"{proposals['source_id'].nunique()} comment(s), {int(coded.sum())} proposed code(s) "
        f"written to {args.out}"
    )
    return 0
