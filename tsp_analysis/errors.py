"""The package's exceptions.

Every error a user can cause carries what they need to fix it: the file, the row, the column,
the value and what was expected. Validation collects every :class:`Problem` before raising, so a
user sees all of them at once rather than one per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``row`` is the 1-based data row as a spreadsheet user counts it (the header is row 1, so the
    first data row is row 2); ``None`` when the problem concerns the whole file or a column.
    """

    file: str
    row: int | None
    column: str | None
    value: object
    expected: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.value is None:
            value = ""
        elif _sensitive(self.column):
            value = ": got a value that is not shown (an identifier or a free-text answer)"
        else:
            value = f": got {self.value!r}"
        return f"{where}{value}; expected {self.expected}"


def source_of(table: object, dataset: str) -> str:
    """The file a clean table was read from, for the ``file`` of a :class:`Problem`.

    A clean table carries its ``source_file`` (the path as given; a folder input gives several);
    a table without one (built in memory, or a slice of the columns) is named by its dataset's
    file name, ``<dataset>.csv``.

    >>> source_of(None, "population")
    'population.csv'
    """
    files: list[str] = []
    if table is not None and "source_file" in getattr(table, "columns", ()):
        files = list(dict.fromkeys(str(f) for f in table["source_file"].dropna().unique()))
    if not files:
        return f"{dataset}.csv"
    return files[0] if len(files) == 1 else f"{files[0]} (and {len(files) - 1} more files)"


def no_respondents(tsp: object, municipality: str, expected: str) -> InputError:
    """The error for a survey with no respondents in ``municipality``.

    Parameters
    ----------
    tsp : DataFrame
        The survey; its ``source_file`` names the file (see :func:`source_of`).
    municipality : str
        The slug asked for.
    expected : str
        What the caller needed, for the problem's ``expected`` ("respondents to weight").

    Returns
    -------
    InputError
        One problem on the ``municipality`` column, with a one-line message; the caller raises it.
    """
    problem = Problem(source_of(tsp, "tsp_survey"), None, "municipality", municipality, expected)
    return InputError(problem, message=f"the survey has no respondents in {municipality!r}")


def _sensitive(column: str | None) -> bool:
    """Is ``column`` an id or free-text column of a survey (its values identify people)?"""
    if not column:
        return False
    try:
        from .codebook import load_codebook

        names = {c for cols in load_codebook().sensitive_columns().values() for c in cols}
    except Exception:  # the codebook itself is broken: be safe
        return True
    return column.strip().lower() in names


class TspError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(TspError):
    """One or more inputs do not meet the codebook; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem] | Problem, message: str | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        head = message or f"{len(self.problems)} problem(s) in the input"
        self.head = head
        #: the head alone says it all: one problem, described in a message of its own
        self.one_line = message is not None and len(self.problems) == 1
        lines = [head] + [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))


class ReferenceDataError(TspError):
    """A shipped reference table is inconsistent (a bug in ``data/reference``, not in the input)."""


class ParameterError(TspError):
    """A parameter file or value is invalid; the message names the file and every bad key.

    ``key`` is the first bad key; ``problems`` lists ``(key, message)`` for every one (a
    validation reports them all at once: :meth:`collect`).
    """

    def __init__(
        self,
        file: str,
        key: str | None,
        message: str,
        *,
        more: Sequence[tuple[str | None, str]] = (),
    ):
        self.file = file
        self.key = key
        self.problems: list[tuple[str | None, str]] = [(key, message), *more]
        lines = [f"{file}" + (f", key '{k}'" if k else "") + f": {m}" for k, m in self.problems]
        if len(lines) == 1:
            super().__init__(lines[0])
        else:
            head = f"{file}: {len(lines)} invalid parameters"
            super().__init__("\n".join([head, *(f"  - {line}" for line in lines)]))

    @classmethod
    def collect(cls, file: str, problems: Sequence[tuple[str | None, str]]) -> ParameterError:
        """One error listing every ``(key, message)`` of ``problems`` (at least one)."""
        (key, message), *more = problems
        return cls(file, key, message, more=more)

    def split(self) -> list[ParameterError]:
        """One error per bad key (the runner lists them one per line)."""
        return [ParameterError(self.file, k, m) for k, m in self.problems]


@dataclass
class EstimationSkipped:
    """Returned instead of a result when the data cannot support an analysis."""

    reason: str
    details: dict = field(default_factory=dict)

    def __bool__(self) -> bool:  # so ``if result:`` reads naturally
        return False
