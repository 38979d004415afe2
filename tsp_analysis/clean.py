"""Clean a raw input table against the codebook: a clean table, a quarantine and a log.

:func:`clean` turns the text table of :func:`tsp_analysis.readers.read_table` into the clean
table of ``docs/architecture.md`` (canonical codes, typed columns, codebook order). It never
drops a row silently: every row ends up either in ``data`` (accepted) or in ``quarantine`` (as
received, with ``reason`` and ``detail``), and ``rows_in == len(data) + len(quarantine)`` is
asserted before returning. Problems with the file as a whole (a required column is missing, two
columns have the same name) raise :class:`~tsp_analysis.errors.InputError` listing all of them.

Rules (driven by the codebook's ``type``, ``value_set``, ``required``, ``unique``, ``min``,
``max``, ``group`` and ``applies_if``; no question is named in code):

* header: strip, fold case and diacritics, blanks and dashes → ``_``; a missing required
  column is an ``InputError``; a column not in the codebook is dropped and logged
  (``ignored_column``);
* category, likert, binary: the code, the SPSS number, or the Lithuanian or English label (any
  case, with or without diacritics) → the code; else ``invalid_value``;
* integer, number: decimal comma and digit-group spaces accepted; unparsable →
  ``invalid_value``; outside ``min``..``max`` → ``out_of_range``;
* date: ``YYYY-MM-DD`` (also ``YYYY.MM.DD``, ``YYYY MM DD``); else ``invalid_value``;
* municipality: any spelling → slug (:mod:`tsp_analysis.names`); else
  ``unknown_municipality``;
* country: ISO2, ISO3, English or Lithuanian name → ISO2, else ``invalid_value``; in the TŠP
  survey an EU/EEA/Swiss citizenship → ``not_third_country``;
* required: a blank required value → ``missing_required``;
* unique id: a later exact copy of a row → ``duplicate_row``; a later row reusing an id with
  different answers → ``duplicate_id``;
* ``applies_if``: a substantive answer to a question that did not apply →
  ``impossible_combination``;
* rating group: ``straight_line_min`` or more substantive ratings, all equal →
  ``straight_lining``;
* derived: ``age_group`` from ``age`` (``age_groups.csv``), logged as ``derived``.

A row failing several checks is quarantined once, with the first reason in :data:`REASONS`
order and every problem in ``detail``.

Duplicates: the first row with an id is kept and later ones are quarantined. Keeping one copy
keeps the sample at one row per respondent without guessing which answers are right; dropping
every copy would lose a genuine respondent because of a data-entry slip; and the later copies
stay in the quarantine for a researcher to resolve. A copy (the same answer in every codebook
column once recoded: "Moteris" and "female" are one answer) is a ``duplicate_row`` (a harmless
double entry); the same id with different answers is a ``duplicate_id`` (a real conflict to
look at).

Skip logic: ``applies_if`` is read and evaluated by :mod:`tsp_analysis.routing` (the one
reading the data review shares). A question that was certainly not asked (a condition column
holds a *known* answer outside the listed values, or was itself not asked) cannot have a
substantive answer. When the routing is unknown (a filter question left blank) the answer is
kept (item non-response is not evidence). "Don't know" and "not applicable" codes are never
substantive.

The log and scale
-----------------
The library benchmark cleans a million TŠP rows, so cleaning works per column on the distinct
values (factorise → decide once per distinct value → take), and the log is written at the level
of ``(source_file, column, old, new)`` with a ``count`` of accepted rows, not one line per cell:
a million "Taip" → ``yes`` recodes are one log line. Every changed row stays traceable because
each change is a pure function of the raw cell: the rows it touched are exactly the accepted
rows of that file whose raw ``column`` equals ``old``. Quarantine entries are logged one line
per problem, with ``source_row``.

Log columns: ``source_file``, ``source_row`` (``NA`` for aggregated changes), ``column``,
``old``, ``new``, ``action`` (``recoded``: another spelling of a code, e.g. a label or SPSS
number; ``normalised``: the same value written differently, e.g. case, blanks, decimal comma,
municipality spelling; ``set_missing``: a blank-only cell; ``derived``: a computed column;
``ignored_column``: an input column not in the codebook; ``quarantined``), ``reason``,
``count``, ``detail``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import reference, routing
from .codebook import Codebook, Question, fold, load_codebook
from .errors import InputError, Problem
from .names import normalise_municipality
from .readers import PROVENANCE
from .schema import better_fit
from .text import fold_label, repair_mojibake

#: Quarantine reasons, in the order that decides a row's first reason.
REASONS = (
    "missing_required",
    "invalid_value",
    "out_of_range",
    "unknown_municipality",
    "not_third_country",
    "duplicate_row",
    "duplicate_id",
    "impossible_combination",
    "straight_lining",
)
_RANK = {r: i for i, r in enumerate(REASONS)}
INVALID_COLUMNS = ("source_file", "source_row", "column", "value", "reason", "expected")
LOG_COLUMNS = (
    "source_file",
    "source_row",
    "column",
    "old",
    "new",
    "action",
    "reason",
    "count",
    "detail",
)
#: Problems that only invalidate one cell of an optional column (the cell is set missing and
#: logged, the row kept); in a column that decides identity or eligibility they quarantine
#: the row like any other reason.
CELL_REASONS = frozenset({"invalid_value", "out_of_range"})
#: Column types that say who or where a row is about: a bad value there voids the row.
IDENTITY_TYPES = frozenset({"id", "municipality", "municipality_or_country", "country"})
#: Default minimum number of substantive ratings, all equal, that makes a straight-liner.
STRAIGHT_LINE_MIN = 10
#: Codebook groups checked for straight-lining.
STRAIGHT_LINE_GROUPS = ("rating",)
#: Datasets whose respondents must be third-country nationals.
THIRD_COUNTRY_DATASETS = frozenset({"tsp_survey"})

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%Y %m %d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_INTEGRAL = re.compile(r"^([+-]?\d+)[.,]0+$")
_DIGIT_GROUP = re.compile(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}(?:\D|$))")
_BINARY_EXTRA = {"true": "1", "false": "0"}


# -- result -------------------------------------------------------------------------------------
@dataclass
class CleanResult:
    """What :func:`clean` returns.

    Attributes
    ----------
    dataset : str
        The codebook dataset.
    data : pandas.DataFrame
        Accepted rows, codebook columns in codebook order (typed as in the architecture's dtype
        table), derived columns, then ``source_file`` and ``source_row``.
    quarantine : pandas.DataFrame
        Rejected rows exactly as received, plus ``reason`` (the first) and ``detail`` (all).
    log : pandas.DataFrame
        Every change and every rejection (see the module docstring for its columns).
    rows_in : int
        Rows received.
    invalid : pandas.DataFrame
        Cells of accepted rows set missing because their value was invalid or out of range in
        an optional column: ``source_file``, ``source_row``, ``column``, ``value`` (as
        received), ``reason``, ``expected``.
    """

    dataset: str
    data: pd.DataFrame
    quarantine: pd.DataFrame
    log: pd.DataFrame
    rows_in: int
    invalid: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INVALID_COLUMNS))

    @property
    def accepted(self) -> int:
        """Number of accepted rows."""
        return len(self.data)

    @property
    def quarantined(self) -> int:
        """Number of quarantined rows."""
        return len(self.quarantine)

    @property
    def invalidated(self) -> int:
        """Number of cells of accepted rows set missing (invalid optional answers)."""
        return len(self.invalid)

    def accounting_line(self) -> str:
        """``in N = accepted A + quarantined Q``."""
        return f"in {self.rows_in} = accepted {self.accepted} + quarantined {self.quarantined}"

    def cell_problems(self) -> list[Problem]:
        """Every cell set missing in an accepted row, in row order."""
        return [
            Problem(
                str(r.source_file),
                int(r.source_row),
                str(r.column),
                None if pd.isna(r.value) else str(r.value),
                f"{r.expected} [{r.reason}; the cell is set missing, the row kept]",
            )
            for r in self.invalid.itertuples(index=False)
        ]

    def problems(self) -> list[Problem]:
        """Every problem that quarantined a row (a row may have several), in row order."""
        q = self.log[self.log["action"] == "quarantined"]
        return [
            Problem(
                str(r.source_file),
                int(r.source_row),
                None if pd.isna(r.column) else str(r.column),
                None if pd.isna(r.old) else str(r.old),
                f"{r.detail} [{r.reason}]",
            )
            for r in q.itertuples(index=False)
        ]

    def summary(self) -> pd.DataFrame:
        """Quarantined rows by reason (every reason, zeros included), in :data:`REASONS` order.

        Columns ``reason``, ``rows``, ``share`` (of rows received).
        """
        counts = self.quarantine["reason"].value_counts() if len(self.quarantine) else {}
        rows = [int(counts.get(r, 0)) for r in REASONS]
        share = [r / self.rows_in if self.rows_in else np.nan for r in rows]
        return pd.DataFrame({"reason": list(REASONS), "rows": rows, "share": share})

    def write(self, folder: str | Path) -> dict[str, Path]:
        """Write ``<dataset>_clean.csv``, ``<dataset>_quarantine.csv`` and ``<dataset>_log.csv``
        (UTF-8, comma-separated, ISO dates) into ``folder``; return the paths by kind."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "clean": out / f"{self.dataset}_clean.csv",
            "quarantine": out / f"{self.dataset}_quarantine.csv",
            "log": out / f"{self.dataset}_log.csv",
        }
        self.data.to_csv(paths["clean"], index=False, date_format="%Y-%m-%d")
        self.quarantine.to_csv(paths["quarantine"], index=False)
        self.log.to_csv(paths["log"], index=False)
        return paths


# -- public entry point -------------------------------------------------------------------------
def clean(
    raw: pd.DataFrame,
    dataset: str,
    *,
    codebook: Codebook | None = None,
    straight_line_min: int = STRAIGHT_LINE_MIN,
) -> CleanResult:
    """Clean one dataset's raw table against the codebook.

    Parameters
    ----------
    raw : pandas.DataFrame
        A table as :func:`~tsp_analysis.readers.read_table` returns it (text cells, plus
        ``source_file`` and ``source_row``; both are made up if absent).
    dataset : str
        A codebook dataset (``tsp_survey``, ``provider_survey``, ``population``, ...).
    codebook : Codebook, optional
        Defaults to :func:`~tsp_analysis.codebook.load_codebook`.
    straight_line_min : int
        Minimum number of substantive ratings, all equal, that quarantines a respondent.

    Returns
    -------
    CleanResult

    Raises
    ------
    InputError
        When the table as a whole is unusable: a required column is missing (all of them are
        listed) or two columns have the same name after normalisation.

    Examples
    --------
    >>> raw = pd.DataFrame({"municipality": ["Kauno m.", "Trakų r."], "year": ["2021", "2021"],
    ...                     "residents": ["1 000", "5"]})
    >>> result = clean(raw, "residents")
    >>> result.accounting_line()
    'in 2 = accepted 1 + quarantined 1'
    >>> result.data["municipality"].tolist(), result.data["residents"].tolist()
    (['kaunas'], [1000])
    >>> result.quarantine["reason"].tolist()
    ['unknown_municipality']
    """
    result, structural = clean_collect(
        raw, dataset, codebook=codebook, straight_line_min=straight_line_min
    )
    if structural:
        files = ", ".join(sorted({p.file for p in structural}))
        missing = [p.column for p in structural if p.row is None]
        head = f"{files}: not usable as {dataset}"
        if missing:
            head += f": required column(s) missing: {', '.join(missing)}"
        raise InputError(structural, head)
    return result


def clean_collect(
    raw: pd.DataFrame,
    dataset: str,
    *,
    codebook: Codebook | None = None,
    straight_line_min: int = STRAIGHT_LINE_MIN,
) -> tuple[CleanResult, list[Problem]]:
    """Like :func:`clean`, but return the structural problems instead of raising.

    Row-level checks still run on the columns that are present, so a validator can report
    everything at once. Missing columns are treated as blank (and are not reported again row
    by row).
    """
    cb = codebook or load_codebook()
    return _Cleaner(raw, dataset, cb, straight_line_min).run()


def normalise_header(name: object) -> str:
    """A column name as the codebook spells ids: folded, blanks and dashes → ``_``.

    >>> normalise_header("\\ufeff Resp ID ")
    'resp_id'
    """
    text = fold(str(name).replace("\ufeff", ""))
    return re.sub(r"[\s\-]+", "_", text)


# -- distinct-value decisions -------------------------------------------------------------------
@dataclass
class _Decision:
    """What to do with each distinct raw value of a column (parallel lists)."""

    clean: list  # clean value, or None
    action: list  # None (unchanged), "recoded", "normalised" or "set_missing"
    problem: list  # None, or (reason, expected)


def _decide(uniques: list, parse: Callable[[str], tuple], coded: bool = False) -> _Decision:
    """Apply ``parse(stripped) -> (clean, canonical text, problem)`` to each distinct value.

    A changed value is ``normalised`` (the same value written differently), except that in a
    coded question (``coded``) a label or SPSS number that stands for a code is ``recoded``.
    """
    clean, action, problem = [], [], []
    for u in uniques:
        text = u.strip()
        if not text:
            clean.append(None)
            action.append("set_missing")
            problem.append(None)
            continue
        value, canonical, prob = parse(text)
        if prob is not None and (fixed := repair_mojibake(text)) is not None:
            prob = (
                prob[0],
                f"{prob[1]} (the value looks like UTF-8 text read as {fixed[1]}: "
                f"{fixed[0]!r}; re-save the file as UTF-8)",
            )
        clean.append(value)
        problem.append(prob)
        if prob is not None or u == canonical:
            action.append(None)
        elif not coded or fold(u) == fold(canonical):
            action.append("normalised")
        else:
            action.append("recoded")
    return _Decision(clean, action, problem)


def _coded_parser(cb: Codebook, q: Question) -> Callable[[str], tuple]:
    lookup = _parse_map(cb, q.value_set)
    if q.type == "binary":
        lookup = {**_BINARY_EXTRA, **lookup}
    expected = _expected_codes(cb, q.value_set)
    as_int = q.type in {"likert", "binary"}

    def parse(text: str) -> tuple:
        key = _INTEGRAL.sub(r"\1", fold_label(text))  # "4.0" from a spreadsheet is the code 4
        code = lookup.get(key)
        if code is None:
            return None, text, ("invalid_value", expected)
        return (int(code) if as_int else code), code, None

    return parse


def _number_parser(q: Question) -> Callable[[str], tuple]:
    integer = q.type == "integer"
    rng = _range_text(q.min, q.max)
    kind = "a whole number" if integer else "a number"
    expected = f"{kind} {rng}".strip()

    def parse(text: str) -> tuple:
        t = _DIGIT_GROUP.sub("", text)
        if "," in t and "." not in t:
            t = t.replace(",", ".")  # decimal comma
        try:
            x = float(t)
        except ValueError:
            return None, text, ("invalid_value", expected)
        if not np.isfinite(x) or (integer and not x.is_integer()):
            return None, text, ("invalid_value", expected)
        if (q.min is not None and x < q.min) or (q.max is not None and x > q.max):
            return None, text, ("out_of_range", expected)
        value = int(x) if integer else x
        # a plain number ("3", "34.0") is the value as written: not a change to log
        canonical = text if _PLAIN_NUMBER.fullmatch(text) else str(value)
        return value, canonical, None

    return parse


def _date_parser(q: Question) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        for fmt in _DATE_FORMATS:
            try:
                d = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return pd.Timestamp(d), d.date().isoformat(), None
        return None, text, ("invalid_value", "a date written YYYY-MM-DD")

    return parse


def _municipality_parser(q: Question) -> Callable[[str], tuple]:
    allow_country = q.type == "municipality_or_country"
    names = "; ".join(reference.municipalities()["name_lt"])
    expected = f"a known municipality in any spelling ({names})"
    if allow_country:
        expected += " or the whole country (Lietuva / Lithuania)"

    def parse(text: str) -> tuple:
        slug = normalise_municipality(text, allow_country=allow_country)
        if slug is None:
            return None, text, ("unknown_municipality", expected)
        return slug, slug, None

    return parse


def _country_parser(q: Question, dataset: str) -> Callable[[str], tuple]:
    lookup, third = _country_lookup()
    need_third = dataset in THIRD_COUNTRY_DATASETS
    expected = "an ISO 3166 country code (UA, UKR) or a country name in English or Lithuanian"

    def parse(text: str) -> tuple:
        iso2 = lookup.get(fold_label(text))
        if iso2 is None:
            return None, text, ("invalid_value", expected)
        if need_third and not third[iso2]:
            why = f"a third-country citizenship (not EU, EEA or Switzerland), not {iso2}"
            return None, text, ("not_third_country", why)
        return iso2, iso2, None

    return parse


def _area_parser(q: Question) -> Callable[[str], tuple]:
    areas = reference.areas()
    lookup: dict[str, str] = {}
    for col in ("label_en", "label_lt", "area"):
        lookup.update({fold_label(v): a for v, a in zip(areas[col], areas["area"], strict=True)})
    expected = "an area: " + ", ".join(areas["area"])

    def parse(text: str) -> tuple:
        area = lookup.get(fold_label(text))
        if area is None:
            return None, text, ("invalid_value", expected)
        return area, area, None

    return parse


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


# -- the cleaner --------------------------------------------------------------------------------
class _Cleaner:
    def __init__(self, raw: pd.DataFrame, dataset: str, cb: Codebook, straight_line_min: int):
        # pandas deep-copies ``attrs`` into every derived object, and a generator's notes
        # there (thousands of entries) would be copied once per column. The DataFrame
        # constructor shares the columns without them (copy-on-write keeps the caller's frame
        # safe), so they are never copied at all.
        self.raw = pd.DataFrame(raw, copy=False).reset_index(drop=True)
        self.dataset = dataset
        self.cb = cb
        self.straight_line_min = straight_line_min
        self.questions = cb.questions(dataset)
        self.n = len(self.raw)
        self.log: list[tuple] = []
        self.issues: list[_Issues] = []
        self.cells: list[_Issues] = []  # invalid cells of optional columns: set missing
        self.structural: list[Problem] = []
        # source files as codes into a short list of names: a million rows share one or few
        if "source_file" in self.raw:
            codes, names = _factorize(self.raw["source_file"])
        else:
            codes, names = np.zeros(self.n, dtype=np.int32), []
        if (codes < 0).any() or not names:  # rows of a hand-built frame
            codes = np.where(codes < 0, len(names), codes)
            names = [*names, _NO_FILE]
        self.file_codes, self.file_names = codes, [str(x) for x in names]
        if "source_row" in self.raw:
            self.rows = pd.to_numeric(self.raw["source_row"]).to_numpy(dtype=np.int64)
        else:  # a hand-built frame: number rows as a spreadsheet would
            self.rows = np.arange(2, self.n + 2, dtype=np.int64)
        used = [self.file_names[i] for i in np.unique(self.file_codes)] or [_NO_FILE]
        self.file_label = used[0] if len(used) == 1 else ", ".join(used)

    def files_at(self, rows: np.ndarray) -> np.ndarray:
        """The source file of each of ``rows``."""
        return np.asarray(self.file_names, dtype=object)[self.file_codes[rows]]

    def run(self) -> tuple[CleanResult, list[Problem]]:
        columns = self._map_header()

        # Columns are independent until the row-level rules; pyarrow's factorisation and
        # numpy's takes release the GIL, so two threads use both cores of a small machine.
        def build(q: Question):
            return self._column(q, columns.get(q.id))

        if _WORKERS > 1 and self.n >= 50_000:
            with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
                built = list(pool.map(build, self.questions))
        else:
            built = [build(q) for q in self.questions]
        cols = {q.id: col for q, col in zip(self.questions, built, strict=True)}
        row_level = _row_level_columns(self.cb, self.dataset)
        for col in cols.values():
            found = col.issues()
            if found is None:
                continue
            cell = np.isin(found.rank, [_RANK[r] for r in CELL_REASONS])
            if col.question.id in row_level or not cell.any():
                self.issues.append(found)
                continue
            self.cells.append(found)  # every problem of an optional column is one cell's
            if not cell.all():
                raise AssertionError(f"{col.question.id}: a row-level reason in a cell check")
        self._required(cols)
        self._duplicates(cols)
        self._applies_if(cols)
        self._straight_lining(cols)
        return self._assemble(cols), self.structural

    def _map_header(self) -> dict[str, str]:
        """Codebook id → raw column name; ignored columns are logged, structural problems kept."""
        known = {q.id for q in self.questions}
        by_norm: dict[str, str] = {}
        for col in self.raw.columns:
            if col in PROVENANCE:
                continue
            norm = normalise_header(col)
            if norm in by_norm:
                self.structural.append(
                    Problem(
                        self.file_label,
                        1,
                        str(col),
                        str(col),
                        f"one column per name (it repeats column {by_norm[norm]!r})",
                    )
                )
                continue
            by_norm[norm] = col
        for norm, col in by_norm.items():
            if norm not in known:
                self._log(
                    self.file_label,
                    None,
                    str(col),
                    None,
                    None,
                    "ignored_column",
                    None,
                    self.n,
                    "not a column of the codebook",
                )
        other = better_fit(by_norm, self.dataset)
        if other is not None:
            name, theirs, mine = other
            self.structural.append(
                Problem(
                    self.file_label,
                    1,
                    None,
                    f"{len(by_norm)} columns",
                    f"the columns of {self.dataset}, but {theirs} of them are columns of "
                    f"{name} and only {mine} of {self.dataset}: is this the {name} file?",
                )
            )
        for q in self.questions:
            if q.required and q.id not in by_norm:
                self.structural.append(
                    Problem(
                        self.file_label,
                        None,
                        q.id,
                        None,
                        f"a column '{q.id}' ({q.label_en}), which {self.dataset} requires",
                    )
                )
        return {norm: col for norm, col in by_norm.items() if norm in known}

    def _column(self, q: Question, raw_name: str | None):
        series = None if raw_name is None else self.raw[raw_name]
        if q.type in {"id", "text"}:
            return _TextColumn(q, series, self.n)
        missing: frozenset[str] = frozenset()
        if q.type in {"category", "likert", "binary"}:
            parse = _coded_parser(self.cb, q)
            missing = _missing_codes(self.cb, q.value_set)
        elif q.type in {"integer", "number"}:
            parse = _number_parser(q)
        elif q.type == "date":
            parse = _date_parser(q)
        elif q.type in {"municipality", "municipality_or_country"}:
            parse = _municipality_parser(q)
        elif q.type == "country":
            parse = _country_parser(q, self.dataset)
        elif q.type == "area":
            parse = _area_parser(q)
        else:
            raise ValueError(f"codebook type {q.type!r} has no cleaning rule")
        coded = q.type in {"category", "likert", "binary"}
        return _CodedColumn(q, series, self.n, parse, coded, missing)

    def _add(self, rows: np.ndarray, reason: str, column: str | None, value, expected) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return
        value = (
            np.asarray(value, dtype=object)
            if not np.isscalar(value) and value is not None
            else np.full(len(rows), value, dtype=object)
        )
        expected = (
            np.asarray(expected, dtype=object)
            if not isinstance(expected, str)
            else np.full(len(rows), expected, dtype=object)
        )
        self.issues.append(
            _Issues(rows, np.full(len(rows), _RANK[reason]), column, value, expected)
        )

    # -- row-level rules --------------------------------------------------------------------
    def _required(self, cols: dict) -> None:
        for col in cols.values():
            if col.question.required and col.present:
                rows = np.flatnonzero(col.blank_rows())
                self._add(
                    rows,
                    "missing_required",
                    col.question.id,
                    None,
                    f"a value: '{col.question.id}' is required",
                )

    def _duplicates(self, cols: dict) -> None:
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
                    copy_of.append(self.rows[first_of_sig[sig]])
                else:
                    first_of_sig[sig] = i
                    reused.append(i)
                    reused_of.append(self.rows[first_of_id[key]])
            qid = col.question.id
            self._add(
                copies,
                "duplicate_row",
                qid,
                ids.iloc[copies].to_numpy(dtype=object),
                [f"a new {qid}: this row repeats row {r} with the same answers" for r in copy_of],
            )
            self._add(
                reused,
                "duplicate_id",
                qid,
                ids.iloc[reused].to_numpy(dtype=object),
                [
                    f"a unique {qid}: row {r} already has it, with different answers"
                    for r in reused_of
                ],
            )

    def _applies_if(self, cols: dict) -> None:
        route = routing.Routing(
            routing.rules_of(self.cb, self.dataset),
            lambda column, allowed: cols[column].condition(allowed),
            self.n,
        )
        for col in cols.values():
            rule = col.question.applies_if
            if not (rule and col.present):
                continue
            rows = np.flatnonzero(route.not_asked(col.question.id) & col.substantive_rows())
            if not len(rows):
                continue
            here = self._routing_text(route.chain(col.question.id), cols, rows)
            self._add(
                rows,
                "impossible_combination",
                col.question.id,
                col.raw_at(rows),
                [f"no answer unless {rule} (here {h})" for h in here],
            )

    def _routing_text(self, chain: list[str], cols: dict, rows: np.ndarray) -> list[str]:
        """The answers along a routing chain, per row: "got_x blank, need_x = 'no'"."""
        parts: list[list[str]] = [[] for _ in rows]
        for column in chain:
            for part, v in zip(parts, cols[column].raw_at(rows), strict=True):
                part.append(f"{column} blank" if v is None else f"{column} = {v!r}")
        return [", ".join(p) for p in parts]

    def _straight_lining(self, cols: dict) -> None:
        ratings = [
            c
            for c in cols.values()
            if c.present
            and c.question.type == "likert"
            and c.question.group in STRAIGHT_LINE_GROUPS
        ]
        if len(ratings) < self.straight_line_min:
            return
        # Substantive ratings only (blanks and don't-know/not-applicable codes are skipped),
        # accumulated column by column: no n × k grid in memory.
        count = np.zeros(self.n, dtype=np.int16)
        high = np.zeros(self.n, dtype=np.int16)
        low = np.full(self.n, np.iinfo(np.int16).max, dtype=np.int16)
        for c in ratings:
            vals = c.rating_rows()
            sub = vals != 0
            count += sub
            np.maximum(high, np.where(sub, vals, 0), out=high)
            np.minimum(low, np.where(sub, vals, np.iinfo(np.int16).max), out=low)
        rows = np.flatnonzero((count >= self.straight_line_min) & (high == low))
        self._add(
            rows,
            "straight_lining",
            None,
            [f"{count[i]} ratings, all {high[i]}" for i in rows],
            f"varied ratings ({self.straight_line_min} or more substantive ratings that "
            f"are all the same mark a straight-liner)",
        )

    # -- output -----------------------------------------------------------------------------
    def _assemble(self, cols: dict) -> CleanResult:
        order_of = {qid: i for i, qid in enumerate(cols)}
        # A row is quarantined by its row-level problems; the invalid cells of such a row go
        # into its detail too (after them), so the quarantine still lists every problem.
        quarantined = np.zeros(self.n, dtype=bool)
        for b in self.issues:
            quarantined[b.rows] = True
        cells = []
        for b in self.cells:
            keep = quarantined[b.rows]
            if keep.any():
                cells.append(
                    _Issues(b.rows[keep], b.rank[keep], b.column, b.value[keep], b.expected[keep])
                )
        blocks = [*self.issues, *cells]
        if blocks:
            rows = np.concatenate([b.rows for b in blocks])
            rank = np.concatenate([b.rank for b in blocks])
            is_cell = np.concatenate(
                [np.full(len(b.rows), i >= len(self.issues)) for i, b in enumerate(blocks)]
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
                None
                if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                else str(v)
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

        quarantine = self.raw.iloc[q_rows].reset_index(drop=True)
        if "source_file" not in quarantine:
            quarantine["source_file"] = pd.array(self.files_at(q_rows), dtype="str")
        if "source_row" not in quarantine:
            quarantine["source_row"] = self.rows[q_rows]
        quarantine["reason"] = pd.array(reasons[first], dtype="str")
        quarantine["detail"] = pd.array(details, dtype="str")

        bad = np.zeros(self.n, dtype=bool)
        bad[q_rows] = True
        keep = np.flatnonzero(~bad)
        data: dict[str, object] = {}
        derived = _derived_columns(list(cols), self.dataset)
        kept = None if len(keep) == self.n else keep
        if _WORKERS > 1 and self.n >= 50_000:  # pyarrow's takes release the GIL
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
        file_codes, file_names = self.file_codes[keep], self.file_names
        frame["source_file"] = pd.array(file_names, dtype="str").take(file_codes)
        frame["source_row"] = self.rows[keep]

        for col in cols.values():
            changes = col.changes(q_rows, self.file_codes, file_names)
            for fname, old, new, action, count in changes:
                self._log(fname, None, col.question.id, old, new, action, None, count, None)
        for source, name, _func in derived:
            for value_, count in frame[name].value_counts(sort=False).items():
                self._log(
                    self.file_label,
                    None,
                    name,
                    None,
                    str(value_),
                    "derived",
                    None,
                    int(count),
                    f"from {source}",
                )

        invalid = self._invalid_cells(bad)
        for (fname, column_, old_, reason_, detail_), count in (
            invalid.groupby(
                ["source_file", "column", "value", "reason", "expected"], sort=False, dropna=False
            ).size()
        ).items():
            self._log(fname, None, column_, old_, None, "invalidated", reason_, int(count), detail_)

        head = pd.DataFrame(self.log, columns=list(LOG_COLUMNS))
        tail = pd.DataFrame(
            {
                "source_file": self.files_at(rows),
                "source_row": self.rows[rows],
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
        result = CleanResult(self.dataset, frame, quarantine, log, self.n, invalid)
        if result.rows_in != result.accepted + result.quarantined:  # the invariant
            raise AssertionError(f"row accounting broken: {result.accounting_line()}")
        return result

    def _invalid_cells(self, quarantined: np.ndarray) -> pd.DataFrame:
        """The invalid cells of optional columns in accepted rows (those of quarantined rows
        are in the quarantine's ``detail`` already), in row and column order."""
        blocks = [b for b in self.cells if len(b.rows)]
        if not blocks:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in INVALID_COLUMNS}).astype(
                {"source_row": "int64"}
            )
        rows = np.concatenate([b.rows for b in blocks])
        order_of = {q.id: i for i, q in enumerate(self.questions)}
        colpos = np.concatenate([np.full(len(b.rows), order_of[b.column]) for b in blocks])
        frame = pd.DataFrame(
            {
                "pos": rows,
                "colpos": colpos,
                "source_file": self.files_at(rows),
                "source_row": self.rows[rows],
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

    def _log(self, file, row, column, old, new, action, reason, count, detail) -> None:
        self.log.append((file, row, column, old, new, action, reason, count, detail))


# -- helpers ------------------------------------------------------------------------------------
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


def _range_text(lo: float | None, hi: float | None) -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if lo is not None and hi is not None:
        return f"from {fmt(lo)} to {fmt(hi)}"
    if lo is not None:
        return f"of at least {fmt(lo)}"
    if hi is not None:
        return f"of at most {fmt(hi)}"
    return ""


@lru_cache(maxsize=256)
def _missing_codes(cb: Codebook, value_set: str) -> frozenset[str]:
    return frozenset(cb.missing_codes(value_set))


@lru_cache(maxsize=256)
def _parse_map(cb: Codebook, value_set: str) -> dict[str, str]:
    return cb.parse_map(value_set)


@lru_cache(maxsize=256)
def _expected_codes(cb: Codebook, value_set: str) -> str:
    v = cb.values(value_set)
    parts = [
        f"{c} ({lt} / {en})"
        for c, lt, en in zip(v["code"], v["label_lt"], v["label_en"], strict=True)
    ]
    return "one of " + ", ".join(parts)


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


@lru_cache(maxsize=4)
def _country_lookup_cached(folder: str) -> tuple[dict[str, str], dict[str, bool]]:
    del folder  # the cache key: tests may point TSP_ANALYSIS_DATA elsewhere
    return _country_lookup_uncached()


def _country_lookup() -> tuple[dict[str, str], dict[str, bool]]:
    return _country_lookup_cached(str(reference.reference_dir()))


def _country_lookup_uncached() -> tuple[dict[str, str], dict[str, bool]]:
    countries = reference.countries()
    lookup: dict[str, str] = {}
    for aliases, code in zip(countries["aliases"], countries["iso2"], strict=True):
        lookup.update({fold_label(a): code for a in aliases.split(";") if a})
    for col in ("name_lt", "name_en", "iso3", "iso2"):  # codes win over names on a clash
        lookup.update(
            {fold_label(v): c for v, c in zip(countries[col], countries["iso2"], strict=True)}
        )
    third = dict(zip(countries["iso2"], countries["third_country"], strict=True))
    return lookup, third


def age_group(age: pd.Series) -> pd.Series:
    """The ``age_groups.csv`` group of each age (``NA`` where the age is missing or outside).

    >>> age_group(pd.Series([18, 34, 70, None], dtype="Int64")).tolist()
    ['18_24', '25_34', '65_plus', nan]
    """
    groups = reference.table("age_groups").sort_values("min_age")
    lo = groups["min_age"].to_numpy()
    hi = groups["max_age"].to_numpy()
    a = pd.to_numeric(age).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    pos = np.searchsorted(lo, a, side="right") - 1
    valid = ~np.isnan(a) & (pos >= 0)
    pos = np.clip(pos, 0, len(lo) - 1)
    valid &= a <= hi[pos]
    labels = pd.array([*groups["age_group"], None], dtype="str")
    return pd.Series(labels.take(np.where(valid, pos, len(lo))), index=age.index, name="age_group")


#: Derived columns: (source column, dataset or None for any) → (new column, function).
_DERIVED: dict[tuple[str, str | None], tuple[str, Callable[[pd.Series], pd.Series]]] = {
    ("age", "tsp_survey"): ("age_group", age_group),
}


def _derived_columns(cols: Sequence[str], dataset: str) -> list[tuple[str, str, Callable]]:
    """``(source, new column, function)`` for each derived column of ``dataset``."""
    out = []
    for qid in cols:
        d = _DERIVED.get((qid, dataset)) or _DERIVED.get((qid, None))
        if d and d[0] not in cols:  # an input that already has the column keeps its own
            out.append((qid, *d))
    return out
