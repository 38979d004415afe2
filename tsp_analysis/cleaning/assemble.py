"""The accepted table, the quarantine, the invalid cells and the log, from the problems found.

:func:`assemble` takes the cleaner ``cl`` (:class:`tsp_analysis.clean._Cleaner`) once every
rule has run: ``cl.issues`` (row-level problems), ``cl.cells`` (invalid optional cells) and
``cl.log`` (header and change entries so far).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .columns import _WORKERS, _Issues
from .derive import _derived_columns
from .result import INVALID_COLUMNS, LOG_COLUMNS, REASONS, CleanResult


# -- output -----------------------------------------------------------------------------
def assemble(cl, cols: dict) -> CleanResult:
    order_of = {qid: i for i, qid in enumerate(cols)}
    # A row is quarantined by its row-level problems; the invalid cells of such a row go
    # into its detail too (after them), so the quarantine still lists every problem.
    quarantined = np.zeros(cl.n, dtype=bool)
    for b in cl.issues:
        quarantined[b.rows] = True
    cells = []
    for b in cl.cells:
        keep = quarantined[b.rows]
        if keep.any():
            cells.append(
                _Issues(b.rows[keep], b.rank[keep], b.column, b.value[keep], b.expected[keep])
            )
    blocks = [*cl.issues, *cells]
    if blocks:
        rows = np.concatenate([b.rows for b in blocks])
        rank = np.concatenate([b.rank for b in blocks])
        is_cell = np.concatenate(
            [np.full(len(b.rows), i >= len(cl.issues)) for i, b in enumerate(blocks)]
        )
        colpos = np.concatenate(
            [np.full(len(b.rows), order_of.get(b.column, len(cols))) for b in blocks]
        )
        column = np.concatenate([np.full(len(b.rows), b.column, dtype=object) for b in blocks])
        value = np.concatenate([b.value for b in blocks])
        expected = np.concatenate([b.expected for b in blocks])
        order = np.lexsort((colpos, rank, is_cell, rows))
        rows, rank, column, value, expected = (
            a[order] for a in (rows, rank, column, value, expected)
        )
    else:
        rows = rank = np.zeros(0, dtype=np.int64)
        column = value = expected = np.zeros(0, dtype=object)
    value = np.array(
        [
            None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
            for v in value
        ],
        dtype=object,
    )
    reasons = np.asarray(REASONS, dtype=object)[rank.astype(np.intp)]

    q_rows, first = np.unique(rows, return_index=True)
    bounds = np.append(first, len(rows))
    each = [
        f"{r}: "
        + (f"column '{c}'" + ("" if v is None else f" = {v!r}") if c else str(v or "row"))
        + f"; expected {e}"
        for r, c, v, e in zip(reasons, column, value, expected, strict=True)
    ]
    details = [" | ".join(each[bounds[k] : bounds[k + 1]]) for k in range(len(q_rows))]

    quarantine = cl.raw.iloc[q_rows].reset_index(drop=True)
    if "source_file" not in quarantine:
        quarantine["source_file"] = pd.array(cl.files_at(q_rows), dtype="str")
    if "source_row" not in quarantine:
        quarantine["source_row"] = cl.rows[q_rows]
    quarantine["reason"] = pd.array(reasons[first], dtype="str")
    quarantine["detail"] = pd.array(details, dtype="str")

    bad = np.zeros(cl.n, dtype=bool)
    bad[q_rows] = True
    keep = np.flatnonzero(~bad)
    data: dict[str, object] = {}
    derived = _derived_columns(list(cols), cl.dataset)
    kept = None if len(keep) == cl.n else keep
    if _WORKERS > 1 and cl.n >= 50_000:  # pyarrow's takes release the GIL
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            built = dict(
                zip(cols, pool.map(lambda c: c.materialise(kept), cols.values()), strict=True)
            )
    else:
        built = {qid: col.materialise(kept) for qid, col in cols.items()}
    for qid in cols:
        data[qid] = built[qid]
        for source, name, func in derived:
            if source == qid:
                data[name] = func(pd.Series(data[qid])).array
    frame = pd.DataFrame(data, copy=False)  # the arrays are new: no need to copy them
    file_codes, file_names = cl.file_codes[keep], cl.file_names
    frame["source_file"] = pd.array(file_names, dtype="str").take(file_codes)
    frame["source_row"] = cl.rows[keep]

    for col in cols.values():
        changes = col.changes(q_rows, cl.file_codes, file_names)
        for fname, old, new, action, count in changes:
            cl._log(action, file=fname, column=col.question.id, old=old, new=new, count=count)
    for source, name, _func in derived:
        for value_, count in frame[name].value_counts(sort=False).items():
            cl._log(
                "derived",
                file=cl.file_label,
                column=name,
                new=str(value_),
                count=int(count),
                detail=f"from {source}",
            )

    invalid = invalid_cells(cl, bad)
    for (fname, column_, old_, reason_, detail_), count in (
        invalid.groupby(
            ["source_file", "column", "value", "reason", "expected"], sort=False, dropna=False
        ).size()
    ).items():
        cl._log(
            "invalidated",
            file=fname,
            column=column_,
            old=old_,
            reason=reason_,
            count=int(count),
            detail=detail_,
        )

    head = pd.DataFrame(cl.log, columns=list(LOG_COLUMNS))
    tail = pd.DataFrame(
        {
            "source_file": cl.files_at(rows),
            "source_row": cl.rows[rows],
            "column": column,
            "old": value,
            "new": None,
            "action": "quarantined",
            "reason": reasons,
            "count": 1,
            "detail": expected,
        },
        columns=list(LOG_COLUMNS),
    )
    log = pd.concat([head, tail], ignore_index=True) if len(head) else tail
    log = log.astype({"source_row": "Int64", "count": "Int64"})
    for c in ("source_file", "column", "old", "new", "action", "reason", "detail"):
        log[c] = log[c].astype("str")
    result = CleanResult(cl.dataset, frame, quarantine, log, cl.n, invalid)
    if result.rows_in != result.accepted + result.quarantined:  # the invariant
        raise AssertionError(f"row accounting broken: {result.accounting_line()}")
    return result


def invalid_cells(cl, quarantined: np.ndarray) -> pd.DataFrame:
    """The invalid cells of optional columns in accepted rows (those of quarantined rows
    are in the quarantine's ``detail`` already), in row and column order."""
    blocks = [b for b in cl.cells if len(b.rows)]
    if not blocks:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in INVALID_COLUMNS}).astype(
            {"source_row": "int64"}
        )
    rows = np.concatenate([b.rows for b in blocks])
    order_of = {q.id: i for i, q in enumerate(cl.questions)}
    colpos = np.concatenate([np.full(len(b.rows), order_of[b.column]) for b in blocks])
    frame = pd.DataFrame(
        {
            "pos": rows,
            "colpos": colpos,
            "source_file": cl.files_at(rows),
            "source_row": cl.rows[rows],
            "column": np.concatenate(
                [np.full(len(b.rows), b.column, dtype=object) for b in blocks]
            ),
            "value": np.concatenate([b.value for b in blocks]),
            "reason": np.asarray(REASONS, dtype=object)[
                np.concatenate([b.rank for b in blocks]).astype(np.intp)
            ],
            "expected": np.concatenate([b.expected for b in blocks]),
        }
    )
    frame = frame[~quarantined[frame["pos"].to_numpy()]]
    frame = frame.sort_values(["pos", "colpos"], kind="stable").drop(columns=["pos", "colpos"])
    out = frame.reset_index(drop=True)
    for c in ("source_file", "column", "value", "reason", "expected"):
        out[c] = out[c].astype("str")
    return out
