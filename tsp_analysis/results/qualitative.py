"""Raw tables of the needs analysis's qualitative evidence (seed 000: field research and round
tables beside the survey).

The register (input dataset ``qual_evidence``) has one row per coded statement; a *source* is
one interview, one focus-group session, one round table or one survey respondent. What the
report shows per area is **how many distinct sources raised each theme**, by kind of source —
counts of people and groups of people, so they go through the disclosure policy like every
other count:

* each theme raised in the unit is a cube ``qual:<unit>:<theme>`` with one dimension
  ``source_kind`` (:data:`SOURCE_KINDS`); a source has one kind, so the kinds add up to the
  theme's total, ``coord()``, and the recoverability audit can check them. A theme raised by
  fewer than ``min_count`` distinct sources is hidden (``small_count``), as is a kind of
  source with 1 to ``min_count − 1`` sources, with whatever else it takes to protect them.

Tables (ids are stable):

``qual_sources``  per ``area`` × ``theme`` × ``source_kind`` (``all`` = every kind): the number
                  of distinct sources (``count``).
``qual_quotes``   only when the parameter ``allow_free_text`` is true: up to
                  :data:`QUOTES_PER_THEME` quotes per theme raised by at least ``min_count``
                  distinct sources — the statements' paraphrases, and for survey comments
                  without one the comment itself — each passed through
                  :func:`tsp_analysis.redact.redact` (no names, numbers, e-mail or web
                  addresses, small places or stop-list terms; no digit at all). ``kind`` text,
                  the words in the published column ``text``. Each quote rests on its theme's
                  total (``of_cube``/``of_coord``): when the policy hides that count, it hides
                  the quote too. Quotes do not say which kind of source they come from (that
                  could reveal a hidden count of one kind).
"""

from __future__ import annotations

import pandas as pd

from .. import reference
from ..ids import ALL
from ..redact import redact
from .table import Cube, Results, ResultTable, caption, coord

#: Kinds of source, in report order (the value set ``qual_source_kind``).
SOURCE_KINDS = ("interview", "focus_group", "round_table", "survey_comment")
#: At most this many quotes per theme.
QUOTES_PER_THEME = 3


def cube_id(unit: str, theme: str) -> str:
    return f"qual:{unit}:{theme}"


def register(inputs, unit: str) -> pd.DataFrame:
    """The accepted statements of ``unit`` (empty, with the columns, when the run has no
    register)."""
    from ..codebook import load_codebook

    results = getattr(inputs, "results", {})
    if "qual_evidence" not in results:
        return pd.DataFrame(columns=load_codebook().columns("qual_evidence"))
    data = results["qual_evidence"].data
    return data[data["municipality"] == unit].reset_index(drop=True)


def source_counts(statements: pd.DataFrame) -> pd.DataFrame:
    """Distinct sources per ``area`` × ``theme`` × ``source_kind``, and per theme in all
    (``source_kind`` :data:`ALL`); themes in reference order, kinds in :data:`SOURCE_KINDS`
    order, zeros included for the kinds of a raised theme.

    >>> s = pd.DataFrame({"area": ["health"] * 3, "theme": ["health_insurance"] * 3,
    ...                   "source_kind": ["interview", "interview", "round_table"],
    ...                   "source_id": ["i1", "i1", "rt"]})
    >>> source_counts(s)[["source_kind", "count"]].values.tolist()
    [['all', 2], ['interview', 1], ['focus_group', 0], ['round_table', 1], ['survey_comment', 0]]
    """
    themes = reference.table("qual_themes")
    order = {t: i for i, t in enumerate(themes["theme"])}
    rows = []
    raised = statements.drop_duplicates(["theme", "source_id"])
    for theme, part in sorted(raised.groupby("theme"), key=lambda kv: order.get(kv[0], 1e9)):
        area = str(part["area"].iloc[0])
        rows.append({"area": area, "theme": theme, "source_kind": ALL, "count": len(part)})
        per = part["source_kind"].value_counts()
        for kind in SOURCE_KINDS:
            rows.append(
                {"area": area, "theme": theme, "source_kind": kind, "count": int(per.get(kind, 0))}
            )
    return pd.DataFrame(rows, columns=["area", "theme", "source_kind", "count"])


def sources_table(counts: pd.DataFrame, unit: str) -> ResultTable:
    frame = counts.rename(columns={"count": "estimate"}).copy()
    frame["cube"] = [cube_id(unit, t) for t in frame["theme"]]
    frame["coord"] = [coord() if k == ALL else coord(source_kind=k) for k in frame["source_kind"]]
    return ResultTable.make(
        "qual_sources",
        frame,
        caption=caption("qual.sources.caption"),
        kind="count",
        dims=("area", "theme", "source_kind"),
        subject="respondents",
        labels={
            "area": "areas",
            "theme": "qual_themes",
            "source_kind": "value_set:qual_source_kind",
        },
    )


def quote_texts(statements: pd.DataFrame, comments: pd.DataFrame | None = None) -> pd.DataFrame:
    """The quotable text of each statement, redacted: its paraphrase, else (a survey comment)
    the respondent's comment from ``comments`` (``resp_id``, ``comment``). Columns ``area``,
    ``theme``, ``statement_id``, ``text``; statements with nothing to quote are left out."""
    by_resp: dict[str, str] = {}
    if comments is not None and len(comments):
        valid = comments.dropna(subset=["comment"])
        by_resp = dict(zip(valid["resp_id"].astype(str), valid["comment"].astype(str), strict=True))
    rows = []
    for rec in statements.to_dict("records"):
        text = rec.get("paraphrase")
        if not isinstance(text, str) or not text.strip():
            text = (
                by_resp.get(str(rec["source_id"]))
                if rec["source_kind"] == "survey_comment"
                else None
            )
        if not isinstance(text, str) or not text.strip():
            continue
        clean = redact(text)
        if clean.strip():
            rows.append(
                {
                    "area": rec["area"],
                    "theme": rec["theme"],
                    "statement_id": rec["statement_id"],
                    "text": clean,
                }
            )
    return pd.DataFrame(rows, columns=["area", "theme", "statement_id", "text"])


def quotes_table(
    counts: pd.DataFrame, quotes: pd.DataFrame, unit: str, min_count: int
) -> ResultTable:
    """At most :data:`QUOTES_PER_THEME` distinct quotes of each theme raised by at least
    ``min_count`` distinct sources (in statement order), tied to the theme's total."""
    totals = counts[counts["source_kind"] == ALL]
    rows = []
    for theme, area, total in totals[["theme", "area", "count"]].itertuples(index=False):
        if int(total) < min_count:
            continue
        part = quotes[quotes["theme"] == theme].sort_values("statement_id")
        texts = list(dict.fromkeys(part["text"]))[:QUOTES_PER_THEME]
        for i, text in enumerate(texts, start=1):
            rows.append(
                {
                    "area": area,
                    "theme": theme,
                    "quote": f"q{i}",
                    "text": text,
                    "of_cube": cube_id(unit, theme),
                    "of_coord": coord(),
                    "of_value": int(total),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["area", "theme", "quote", "text", "of_cube", "of_coord", "of_value"]
    )
    return ResultTable.make(
        "qual_quotes",
        frame,
        caption=caption("qual.quotes.caption"),
        kind="text",
        dims=("area", "theme", "quote"),
        subject="respondents",
        values=("text",),
        labels={"area": "areas", "theme": "qual_themes"},
    )


def add(res: Results, inputs, params: dict, unit: str) -> None:
    """Add the qualitative tables (and their cubes) of ``unit`` to the needs analysis."""
    statements = register(inputs, unit)
    counts = source_counts(statements)
    for theme in counts["theme"].unique():
        res.add_cube(Cube(cube_id(unit, theme), {"source_kind": SOURCE_KINDS}))
    res.add(sources_table(counts, unit))
    res.info["allow_free_text"] = bool(params.get("allow_free_text", False))
    res.info["qual_statements"] = bool(len(statements))
    if not params.get("allow_free_text", False):
        return
    survey = getattr(inputs, "results", {}).get("tsp_survey")
    comments = None
    if survey is not None and "comment" in survey.data:
        mine = survey.data[survey.data["municipality"] == unit]
        comments = mine[["resp_id", "comment"]]
    quotes = quote_texts(statements, comments)
    res.add(quotes_table(counts, quotes, unit, int(params["min_count"])))
