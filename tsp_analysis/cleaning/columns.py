"""A column of decisions: clean values, problems, changes and routing conditions."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..codebook import Codebook, Question
from .result import _RANK
from .values import (
    _area_parser,
    _coded_parser,
    _country_parser,
    _date_parser,
    _decide,
    _missing_codes,
    _municipality_parser,
    _number_parser,
)

_NO_FILE = "<table>"
_WORKERS = min(2, os.cpu_count() or 1)
_CLEAN_DTYPES = {
    "likert": "Int16",
    "binary": "Int8",
    "integer": "Int64",
    "number": "Float64",
    "date": "datetime64[ns]",
}


def _code_text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


# -- columns ------------------------------------------------------------------------------------
@dataclass
class _Issues:
    """Rows that fail one check of one column (arrays aligned with ``rows``)."""

    rows: np.ndarray  # row positions
    rank: np.ndarray  # reason rank (index into REASONS)
    column: str | None
    value: np.ndarray  # raw value (object)
    expected: np.ndarray  # what was expected (object)


class _CodedColumn:
    """A column decided once per distinct value (every type but ``id`` and ``text``)."""

    def __init__(
        self,
        q: Question,
        series: pd.Series | None,
        n: int,
        parse,
        coded: bool,
        missing_codes: frozenset[str],
    ):
        self.question = q
        self.present = series is not None
        self.raw = series
        if series is None:
            self.codes = np.full(n, -1, dtype=np.int32)
            self.uniques: list = []
        else:
            self.codes, self.uniques = _factorize(series)
        d = _decide(self.uniques, parse, coded=coded)
        self.decision = d
        # Clean values identical to the raw text (a str column already in canonical codes)
        # let the clean column reuse the raw one instead of building a million new strings.
        self._verbatim = (
            series is not None
            and series.dtype == "str"
            and _CLEAN_DTYPES.get(q.type, "str") == "str"
            and all(c == u for c, u in zip(d.clean, self.uniques, strict=True))
        )
        # per distinct value, with one extra slot at the end that code -1 (blank) reads
        self.code_text = [None if v is None else _code_text(v) for v in d.clean] + [None]
        self._subst = np.array(
            [t is not None and t not in missing_codes for t in self.code_text], dtype=bool
        )
        self._blank = np.array(
            [v is None and p is None for v, p in zip(d.clean, d.problem, strict=True)] + [True]
        )
        self._rating_rows: np.ndarray | None = None
        self._ratings_nonzero = q.type == "likert" and all(
            isinstance(v, int) and v != 0
            for v, sub in zip(d.clean, self._subst, strict=False)
            if sub
        )

    def materialise(self, rows: np.ndarray | None = None):
        """The clean column for every row, or for ``rows`` only (one take, not two)."""
        if self._verbatim:
            return self.raw.array if rows is None else self.raw.array.take(rows)
        codes = self.codes if rows is None else self.codes[rows]
        return _materialise(self.question.type, self.decision.clean, codes)

    def rating_rows(self) -> np.ndarray:
        """Per row the substantive integer answer, 0 where there is none (blank, invalid,
        don't know, not applicable); for likert columns. One gather serves both skip logic
        and straight-lining."""
        if self._rating_rows is None:
            table = [
                v if isinstance(v, int) and sub else 0
                for v, sub in zip(self.decision.clean, self._subst, strict=False)
            ]
            self._rating_rows = _gather(np.array([*table, 0], dtype=np.int16), self.codes)
        return self._rating_rows

    def blank_rows(self) -> np.ndarray:
        return _gather(self._blank, self.codes)

    def substantive_rows(self) -> np.ndarray:
        if self._ratings_nonzero:  # the usual likert scale: reuse the cached gather
            return self.rating_rows() != 0
        return _gather(self._subst, self.codes)

    def condition(self, allowed: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose clean code is in ``allowed``, and rows with a clean code at all."""
        inside = np.array([t in allowed for t in self.code_text], dtype=bool)
        known = np.array([t is not None for t in self.code_text], dtype=bool)
        return _gather(inside, self.codes), _gather(known, self.codes)

    def raw_at(self, rows: np.ndarray) -> np.ndarray:
        return np.array([*self.uniques, None], dtype=object)[self.codes[rows]]

    def key_at(self, rows: np.ndarray) -> np.ndarray:
        """The answer for comparing rows: the clean code, or the raw text if it was rejected."""
        keys = [
            t if p is None else f"\x00{u}"
            for t, p, u in zip(self.code_text, self.decision.problem, self.uniques, strict=False)
        ]
        return np.array([*keys, None], dtype=object)[self.codes[rows]]

    def issues(self) -> _Issues | None:
        bad_u = [i for i, p in enumerate(self.decision.problem) if p is not None]
        if not bad_u:
            return None
        is_bad = np.zeros(len(self.uniques) + 1, dtype=bool)
        is_bad[bad_u] = True
        rows = np.flatnonzero(is_bad[self.codes])
        u = self.codes[rows]
        rank = np.array([_RANK[p[0]] if p else 0 for p in self.decision.problem] + [0])
        expected = np.array(
            [p[1] if p else None for p in self.decision.problem] + [None], dtype=object
        )
        return _Issues(rows, rank[u], self.question.id, self.raw_at(rows), expected[u])

    def changes(self, dropped: np.ndarray, file_codes: np.ndarray, file_names) -> list[tuple]:
        """``(file, old, new, action, count)`` over the accepted rows (all rows but
        ``dropped``; counting all and subtracting the few dropped saves a million-row gather)."""
        changed = [i for i, a in enumerate(self.decision.action) if a is not None]
        if not changed:
            return []
        k = len(self.uniques) + 1  # slot 0 counts blanks (code -1)
        nfiles = len(file_names)
        key = self.codes + 1 if nfiles == 1 else file_codes * k + self.codes + 1
        counts = np.bincount(key, minlength=nfiles * k)
        if len(dropped):
            counts = counts - np.bincount(key[dropped], minlength=nfiles * k)
        counts = counts.reshape(nfiles, k)[:, 1:]
        out = []
        for f, fname in enumerate(file_names):
            for u in changed:
                if counts[f, u]:
                    new = self.decision.clean[u]
                    out.append(
                        (
                            fname,
                            self.uniques[u],
                            None if new is None else _code_text(new),
                            self.decision.action[u],
                            int(counts[f, u]),
                        )
                    )
        return out


class _TextColumn:
    """An ``id`` or ``text`` column: stripped, blank → missing, otherwise kept verbatim.

    Handled with vectorised string operations: ids are (nearly) all distinct, so deciding
    once per distinct value would gain nothing.
    """

    def __init__(self, q: Question, series: pd.Series | None, n: int):
        self.question = q
        self.present = series is not None
        if series is None:
            series = pd.Series(pd.array([None] * n, dtype="str"))
        elif series.dtype != "str":
            series = series.astype("str")
        self.raw = series.reset_index(drop=True)
        stripped = self.raw.str.strip()
        blank = (stripped == "").fillna(False).to_numpy(dtype=bool)
        values = stripped.mask(blank) if blank.any() else stripped
        self.values = values.array
        self._na = values.isna().to_numpy()
        differs = (stripped != self.raw).fillna(False).to_numpy(dtype=bool)
        self._changed = (differs & self.raw.notna().to_numpy()) | blank  # NA != NA is True

    def materialise(self, rows: np.ndarray | None = None):
        return self.values if rows is None else self.values.take(rows)

    def blank_rows(self) -> np.ndarray:
        return self._na

    def substantive_rows(self) -> np.ndarray:
        return ~self._na

    def condition(self, allowed: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        inside = pd.Series(self.values).isin(list(allowed)).to_numpy(dtype=bool)
        return inside & ~self._na, ~self._na

    def raw_at(self, rows: np.ndarray) -> np.ndarray:
        return self.raw.iloc[rows].to_numpy(dtype=object, na_value=None)

    def key_at(self, rows: np.ndarray) -> np.ndarray:
        return pd.Series(self.values).iloc[rows].to_numpy(dtype=object, na_value=None)

    def issues(self) -> _Issues | None:
        return None

    def changes(self, dropped: np.ndarray, file_codes: np.ndarray, file_names) -> list[tuple]:
        changed = self._changed.copy()
        changed[dropped] = False
        rows = np.flatnonzero(changed)
        if not len(rows):
            return []
        frame = pd.DataFrame(
            {
                "file": np.asarray(file_names, dtype=object)[file_codes[rows]],
                "old": self.raw.iloc[rows].to_numpy(dtype=object),
                "new": pd.Series(self.values).iloc[rows].to_numpy(dtype=object, na_value=None),
            }
        )
        frame["action"] = np.where(pd.isna(frame["new"]), "set_missing", "normalised")
        if self.question.type == "text":  # free text is never copied into the log
            frame["old"] = frame["new"] = None
        counts = (
            frame.groupby(["file", "old", "action"], sort=False, dropna=False)
            .agg(new=("new", "first"), count=("new", "size"))
            .reset_index()
        )
        return [
            (r.file, r.old, r.new, r.action, int(r.count)) for r in counts.itertuples(index=False)
        ]


def _gather(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[codes]``; numpy gathers with ``intp`` indices at twice the speed of ``int32``,
    and converting first costs less than the difference."""
    return table[codes.astype(np.intp)]


def _repeated(values: pd.Series) -> np.ndarray:
    """Rows whose (non-missing) value occurs more than once: ``duplicated(keep=False)``.

    For a million distinct ids, sorting them in pyarrow and comparing neighbours is several
    times cheaper than the hash table that pandas' ``duplicated`` builds.
    """
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is None:  # the python-backed string dtype
        return values.duplicated(keep=False).to_numpy(dtype=bool) & values.notna().to_numpy()
    arrow = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
    out = np.zeros(len(arrow), dtype=bool)
    order = pc.array_sort_indices(arrow, null_placement="at_end")
    n_present = len(arrow) - arrow.null_count
    if n_present < 2:
        return out
    ordered = arrow.take(order).slice(0, n_present)
    same = pc.equal(ordered.slice(1), ordered.slice(0, n_present - 1)).to_numpy(
        zero_copy_only=False
    )
    if not same.any():
        return out
    repeated = np.zeros(n_present, dtype=bool)
    repeated[1:] |= same  # equal to the one before
    repeated[:-1] |= same  # equal to the one after
    out[order.to_numpy()[:n_present][repeated]] = True
    return out


def _factorize(series: pd.Series) -> tuple[np.ndarray, list]:
    """``(codes, distinct values)``; code -1 marks a missing cell. ``int32`` codes halve the
    memory traffic of the per-row takes that follow."""
    if isinstance(series.dtype, pd.CategoricalDtype):  # already factorised
        return series.cat.codes.to_numpy().astype(np.int32), [str(c) for c in series.cat.categories]
    if series.dtype != "str":
        series = series.astype("str")
    arrow = getattr(series.array, "_pa_array", None)
    if arrow is None:  # the python-backed string dtype
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        return codes.astype(np.int32), uniques.tolist()
    if arrow.num_chunks == 1:  # the usual case: no need to concatenate chunks
        arrow = arrow.chunk(0)
    # Missing cells get a dictionary entry of their own ("encode"), so that the indices have
    # no nulls and reach numpy without a copy; that entry is then renumbered -1.
    encoded = pc.dictionary_encode(arrow, null_encoding="encode")
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    uniques = encoded.dictionary.to_pylist()
    if None in uniques:
        gap = uniques.index(None)
        codes = np.where(codes == gap, -1, codes - (codes > gap)).astype(np.int32)
        del uniques[gap]
    return codes, uniques


def _materialise(qtype: str, clean: list, codes: np.ndarray):
    """The clean column for every row: per-distinct-value results taken by ``codes``.

    Code -1 (a blank cell) reads the extra last slot of each table. Integer columns take one
    gather: missing values get a sentinel outside the column's codes, and the mask is a
    comparison with it.
    """
    dtype = _CLEAN_DTYPES.get(qtype, "str")
    idx = codes.astype(np.intp)  # numpy gathers with intp indices at twice the speed
    if dtype in ("Int8", "Int16", "Int64"):
        np_dtype = np.dtype(dtype.lower())
        sentinel = np.iinfo(np_dtype).min
        present = [v for v in clean if v is not None]
        if sentinel in present:  # never for codebook codes; keep the exact path just in case
            na = np.array([v is None for v in clean] + [True], dtype=bool)[idx]
            table = np.array([0 if v is None else v for v in clean] + [0], dtype=np_dtype)
            return pd.arrays.IntegerArray(table[idx], na)
        table = np.array([sentinel if v is None else v for v in clean] + [sentinel], np_dtype)
        values = table[idx]
        return pd.arrays.IntegerArray(values, values == sentinel)
    if dtype == "Float64":
        table = np.array([np.nan if v is None else v for v in clean] + [np.nan], dtype=float)
        values = table[idx]
        return pd.arrays.FloatingArray(values, np.isnan(values))
    if dtype == "datetime64[ns]":
        table = pd.DatetimeIndex([pd.NaT if v is None else v for v in clean] + [pd.NaT])
        return table.astype("datetime64[ns]").to_numpy()[idx]
    table = pd.array([*clean, None], dtype="str")
    return table.take(np.where(idx < 0, len(clean), idx))


def build_column(q: Question, series: pd.Series | None, n: int, *, cb: Codebook, dataset: str):
    """The column object of question ``q`` (``series`` ``None``: absent from the input)."""
    if q.type in {"id", "text"}:
        return _TextColumn(q, series, n)
    missing: frozenset[str] = frozenset()
    if q.type in {"category", "likert", "binary"}:
        parse = _coded_parser(cb, q)
        missing = _missing_codes(cb, q.value_set)
    elif q.type in {"integer", "number"}:
        parse = _number_parser(q)
    elif q.type == "date":
        parse = _date_parser(q)
    elif q.type in {"municipality", "municipality_or_country"}:
        parse = _municipality_parser(q)
    elif q.type == "country":
        parse = _country_parser(q, dataset)
    elif q.type == "area":
        parse = _area_parser(q)
    else:
        raise ValueError(f"codebook type {q.type!r} has no cleaning rule")
    coded = q.type in {"category", "likert", "binary"}
    return _CodedColumn(q, series, n, parse, coded, missing)
