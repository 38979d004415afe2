"""Row-level rules, and which problems void a row rather than one cell.

Each rule takes the cleaner ``cl`` (:class:`tsp_analysis.clean._Cleaner`: ``n`` rows, ``rows``
their spreadsheet numbers, ``cb``, ``dataset``) and the column objects ``cols`` (question id →
column, :mod:`.columns`), and records what it finds with ``cl._add(rows, reason, column,
value, expected)``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference, routing
from ..codebook import Codebook
from .columns import _repeated
from .result import _RANK

#: Problems that only invalidate one cell of an optional column (the cell is set missing and
#: logged, the row kept); in a column that decides identity or eligibility they quarantine
#: the row like any other reason.
CELL_REASONS = frozenset({"invalid_value", "out_of_range"})
#: Column types that say who or where a row is about: a bad value there voids the row.
# An area names what a record is about; left blank it means "the whole municipality" (the
# recommendation register), so an unreadable area must not quietly become blank.
IDENTITY_TYPES = frozenset({"id", "municipality", "municipality_or_country", "country", "area"})
#: Default minimum number of substantive ratings, all equal, that makes a straight-liner.
STRAIGHT_LINE_MIN = 10
#: Codebook groups checked for straight-lining.
STRAIGHT_LINE_GROUPS = ("rating",)


def row_or_cell(cl, cols: dict) -> None:
    """Sort each column's value problems: those of a row-level column (identity, eligibility)
    quarantine their rows (``cl.issues``); those of an optional column only void the cell
    (``cl.cells``), which then materialises as missing."""
    row_level = _row_level_columns(cl.cb, cl.dataset)
    cell_ranks = [_RANK[r] for r in CELL_REASONS]
    for col in cols.values():
        found = col.issues()
        if found is None:
            continue
        cell = np.isin(found.rank, cell_ranks)
        if col.question.id in row_level or not cell.any():
            cl.issues.append(found)
        elif cell.all():
            cl.cells.append(found)
        else:  # a parser gave an optional column a row-level reason: a bug here
            raise AssertionError(f"{col.question.id}: a row-level reason in a cell check")


def _row_level_columns(cb: Codebook, dataset: str) -> frozenset[str]:
    """Columns whose invalid value quarantines the row: required or unique ones, those of an
    identity type (id, municipality, country) and those ``data/reference/eligibility.csv``
    names as deciding who belongs to the survey (the age of adults)."""
    return _row_level_cached(cb, dataset, str(reference.reference_dir()))


@lru_cache(maxsize=32)
def _row_level_cached(cb: Codebook, dataset: str, folder: str) -> frozenset[str]:
    del folder  # part of the cache key only
    eligibility = reference.table("eligibility")
    listed = set(eligibility.loc[eligibility["dataset"] == dataset, "id"])
    return frozenset(
        q.id
        for q in cb.questions(dataset)
        if q.required or q.unique or q.type in IDENTITY_TYPES or q.id in listed
    )


# -- row-level rules --------------------------------------------------------------------
def required(cl, cols: dict) -> None:
    for col in cols.values():
        if col.question.required and col.present:
            rows = np.flatnonzero(col.blank_rows())
            cl._add(
                rows,
                "missing_required",
                col.question.id,
                None,
                f"a value: '{col.question.id}' is required",
            )


def duplicates(cl, cols: dict) -> None:
    for col in cols.values():
        if not (col.question.unique and col.present):
            continue
        ids = pd.Series(col.materialise())
        dup = _repeated(ids)
        if not dup.any():
            continue
        idx = np.flatnonzero(dup)
        # copies: the same answer in every codebook column after recoding ("Moteris" and
        # "female" are one answer); a value cleaning rejected is compared as written
        sub = pd.DataFrame({qid: c.key_at(idx) for qid, c in cols.items() if c.present})
        signature = pd.util.hash_pandas_object(sub.astype("str"), index=False).to_numpy()
        first_of_id: dict[object, int] = {}
        first_of_sig: dict[tuple, int] = {}
        copies, reused, copy_of, reused_of = [], [], [], []
        keys = ids.iloc[idx].tolist()  # one conversion, not one scalar lookup per row
        for j, i in enumerate(idx):
            key = keys[j]
            sig = (key, signature[j])
            if key not in first_of_id:
                first_of_id[key] = first_of_sig[sig] = i
            elif sig in first_of_sig:
                copies.append(i)
                copy_of.append(cl.rows[first_of_sig[sig]])
            else:
                first_of_sig[sig] = i
                reused.append(i)
                reused_of.append(cl.rows[first_of_id[key]])
        qid = col.question.id
        for rows, reason, expected in (
            (
                copies,
                "duplicate_row",
                [f"a new {qid}: this row repeats row {r} with the same answers" for r in copy_of],
            ),
            (
                reused,
                "duplicate_id",
                [
                    f"a unique {qid}: row {r} already has it, with different answers"
                    for r in reused_of
                ],
            ),
        ):
            cl._add(rows, reason, qid, ids.iloc[rows].to_numpy(dtype=object), expected)


def applies_if(cl, cols: dict) -> None:
    route = routing.Routing(
        routing.rules_of(cl.cb, cl.dataset),
        lambda column, allowed: cols[column].condition(allowed),
        cl.n,
    )
    for col in cols.values():
        rule = col.question.applies_if
        if not (rule and col.present):
            continue
        rows = np.flatnonzero(route.not_asked(col.question.id) & col.substantive_rows())
        if not len(rows):
            continue
        here = routing_text(route.chain(col.question.id), cols, rows)
        cl._add(
            rows,
            "impossible_combination",
            col.question.id,
            col.raw_at(rows),
            [f"no answer unless {rule} (here {h})" for h in here],
        )


def nested_codes(cl, cols: dict) -> None:
    """A code that belongs to a parent: a category whose value set is a reference table
    (``ref:qual_themes``) with a column named like another column of the dataset (``area``)
    must agree with that column in the row (a theme of the area coded), else the row is an
    ``impossible_combination``. Data-driven: the reference table says what nests in what."""
    from .. import reference

    for col in cols.values():
        vs = col.question.value_set or ""
        if not (col.present and col.question.type == "category" and vs.startswith("ref:")):
            continue
        name = vs[4:]
        ref = reference.table(name)
        key = reference.TABLES[name]
        for parent in (c for c in ref.columns if c in cols and c != col.question.id):
            if not cols[parent].present:
                continue
            of = dict(zip(ref[key], ref[parent], strict=True))
            rows = np.flatnonzero(col.substantive_rows() & cols[parent].substantive_rows())
            if not len(rows):
                continue
            child = col.key_at(rows)
            have = cols[parent].key_at(rows)
            bad = [i for i, (c, h) in enumerate(zip(child, have, strict=True)) if of.get(c, h) != h]
            if not bad:
                continue
            rows = rows[bad]
            cl._add(
                rows,
                "impossible_combination",
                col.question.id,
                col.raw_at(rows),
                [
                    f"a {col.question.id} of {parent} {h!r} (this one belongs to {of[c]!r}; "
                    f"see data/reference/{name}.csv)"
                    for c, h in zip(child[bad], have[bad], strict=True)
                ],
            )


def routing_text(chain: list[str], cols: dict, rows: np.ndarray) -> list[str]:
    """The answers along a routing chain, per row: "got_x blank, need_x = 'no'"."""
    parts: list[list[str]] = [[] for _ in rows]
    for column in chain:
        for part, v in zip(parts, cols[column].raw_at(rows), strict=True):
            part.append(f"{column} blank" if v is None else f"{column} = {v!r}")
    return [", ".join(p) for p in parts]


def straight_lining(cl, cols: dict) -> None:
    ratings = [
        c
        for c in cols.values()
        if c.present and c.question.type == "likert" and c.question.group in STRAIGHT_LINE_GROUPS
    ]
    if len(ratings) < cl.straight_line_min:
        return
    # Substantive ratings only (blanks and don't-know/not-applicable codes are skipped),
    # accumulated column by column: no n × k grid in memory.
    count = np.zeros(cl.n, dtype=np.int16)
    high = np.zeros(cl.n, dtype=np.int16)
    low = np.full(cl.n, np.iinfo(np.int16).max, dtype=np.int16)
    for c in ratings:
        vals = c.rating_rows()
        sub = vals != 0
        count += sub
        np.maximum(high, np.where(sub, vals, 0), out=high)
        np.minimum(low, np.where(sub, vals, np.iinfo(np.int16).max), out=low)
    rows = np.flatnonzero((count >= cl.straight_line_min) & (high == low))
    cl._add(
        rows,
        "straight_lining",
        None,
        [f"{count[i]} ratings, all {high[i]}" for i in rows],
        f"varied ratings ({cl.straight_line_min} or more substantive ratings that "
        f"are all the same mark a straight-liner)",
    )
