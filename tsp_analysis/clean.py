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

**Row or cell.** ``invalid_value`` and ``out_of_range`` in an optional column only void
that cell: it is set missing, logged (``invalidated``) and listed in ``CleanResult.invalid``;
the row is kept. A row is quarantined for a problem in a column of identity (required, unique,
id, municipality, country) or eligibility (``data/reference/eligibility.csv``, e.g. the age of
adults), and for duplicates, routing and straight-lining. A quarantined row's ``reason`` is its
first row-level problem in :data:`REASONS` order; ``detail`` lists every problem of the row,
invalid optional cells included.

The parts live in :mod:`tsp_analysis.cleaning` (result, header, values, columns, rules,
assemble, derive); this module holds the entry points and the cleaner that runs them.

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
``ignored_column``: an input column not in the codebook; ``invalidated``: an invalid
optional answer set missing, aggregated like the changes; ``quarantined``), ``reason``,
``count``, ``detail``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from . import platforms
from .cleaning import assemble, header, rules
from .cleaning.columns import _NO_FILE, _WORKERS, _factorize, _Issues, build_column
from .cleaning.derive import age_group
from .cleaning.header import normalise_header
from .cleaning.result import _RANK, INVALID_COLUMNS, LOG_COLUMNS, REASONS, CleanResult
from .cleaning.rules import (
    CELL_REASONS,
    IDENTITY_TYPES,
    STRAIGHT_LINE_GROUPS,
    STRAIGHT_LINE_MIN,
)
from .cleaning.values import THIRD_COUNTRY_DATASETS
from .codebook import Codebook, Question, load_codebook
from .errors import InputError, Problem

__all__ = [
    "CELL_REASONS",
    "IDENTITY_TYPES",
    "INVALID_COLUMNS",
    "LOG_COLUMNS",
    "REASONS",
    "STRAIGHT_LINE_GROUPS",
    "STRAIGHT_LINE_MIN",
    "THIRD_COUNTRY_DATASETS",
    "CleanResult",
    "age_group",
    "clean",
    "clean_collect",
    "normalise_header",
]


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
    # KoboToolbox / ODK / LimeSurvey exports → codebook columns and codes (others unchanged)
    imported = platforms.import_export(raw, dataset, codebook=cb)
    result, structural = _Cleaner(imported.data, dataset, cb, straight_line_min).run()
    return imported.annotate(result), [*imported.problems, *structural]


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
        columns = header.map_header(self)

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
        rules.row_or_cell(self, cols)
        rules.required(self, cols)
        rules.duplicates(self, cols)
        rules.applies_if(self, cols)
        rules.nested_codes(self, cols)
        rules.straight_lining(self, cols)
        return assemble.assemble(self, cols), self.structural

    def _column(self, q: Question, raw_name: str | None):
        series = None if raw_name is None else self.raw[raw_name]
        return build_column(q, series, self.n, cb=self.cb, dataset=self.dataset)

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

    def _log(
        self,
        action: str,
        *,
        file: str,
        column: str | None,
        count: int,
        old: object = None,
        new: object = None,
        reason: str | None = None,
        detail: str | None = None,
        row: int | None = None,
    ) -> None:
        """One entry of the cleaning log (a row of :data:`LOG_COLUMNS`)."""
        self.log.append((file, row, column, old, new, action, reason, count, detail))
