"""Skip logic: the codebook's ``applies_if``, parsed and evaluated in one place.

Cleaning (an answer to a question that was not asked is an ``impossible_combination``) and the
data review (non-response counted among those a question was asked of) both need to know, per
respondent, whether a question was asked. They used to parse and evaluate the rule each in its
own way, with different answers when a filter question was itself unanswered; this module is
the one reading of it.

Syntax: ``column=code1|code2`` (the question applies when ``column`` holds one of the codes);
``column!=code`` (when it holds another code); several conditions joined by ``&`` must all
hold. Codes are the codebook's clean codes.

Semantics, per respondent and question:

* **not asked** when a condition column holds a known answer that fails the condition, or when
  a condition column was itself not asked (``rate_x`` after ``need_x = no``, with ``got_x``
  rightly blank). A known answer is evidence even when its own routing is unknown.
* **unknown** when it is not "not asked" and a condition column is blank or its own routing is
  unknown: nobody can tell whether the question applied, so a blank there is not non-response
  and an answer there is not impossible.
* **asked** otherwise (every condition holds on known answers).

:class:`Routing` evaluates this over any table through a ``condition(column, allowed)``
function, so cleaning can run it on its factorised raw columns and the data review on a clean
frame (:func:`for_frame`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .errors import ReferenceDataError

_PART = re.compile(r"\s*([A-Za-z0-9_]+)\s*(!?=)\s*([^=!&]+?)\s*")


@dataclass(frozen=True)
class Condition:
    """One condition of an ``applies_if`` rule."""

    column: str
    negate: bool
    allowed: frozenset[str]

    def __str__(self) -> str:
        return f"{self.column}{'!=' if self.negate else '='}{'|'.join(sorted(self.allowed))}"


@lru_cache(maxsize=512)
def parse(rule: str) -> tuple[Condition, ...]:
    """``"got_x=fully|partly & need_x!=no"`` → its conditions.

    >>> [str(c) for c in parse("got_x=fully|partly & need_x!=no")]
    ['got_x=fully|partly', 'need_x!=no']

    Raises :class:`~tsp_analysis.errors.ReferenceDataError` for a rule it cannot read (a bug
    in the shipped codebook, not in the user's data).
    """
    out = []
    for part in re.split(r"&", rule.strip()):
        m = _PART.fullmatch(part)
        if not m:
            raise ReferenceDataError(f"codebook: cannot parse applies_if {rule!r}")
        column, op, values = m.groups()
        allowed = frozenset(v.strip() for v in values.split("|") if v.strip())
        if not allowed:
            raise ReferenceDataError(f"codebook: applies_if {rule!r} lists no codes")
        out.append(Condition(column, op == "!=", allowed))
    return tuple(out)


#: ``condition(column, allowed) -> (inside, answered)``: boolean arrays, rows whose answer to
#: ``column`` is one of ``allowed``, and rows with a known answer to ``column``.
ConditionFn = Callable[[str, frozenset[str]], tuple[np.ndarray, np.ndarray]]


class Routing:
    """Who was asked each question of one table.

    Parameters
    ----------
    rules : mapping
        Question id → its ``applies_if`` text (``None`` or empty: always asked).
    condition : callable
        ``condition(column, allowed) -> (inside, answered)`` over the table's rows.
    n : int
        Number of rows.
    """

    def __init__(self, rules: Mapping[str, str | None], condition: ConditionFn, n: int):
        self.rules = {q: r for q, r in rules.items() if r}
        self.condition = condition
        self.n = n
        self._memo: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def status(self, qid: str) -> tuple[np.ndarray, np.ndarray]:
        """``(not_asked, unknown)`` boolean arrays for question ``qid`` (see the module)."""
        if qid in self._memo:
            return self._memo[qid]
        rule = self.rules.get(qid)
        not_asked = np.zeros(self.n, dtype=bool)
        unknown = np.zeros(self.n, dtype=bool)
        self._memo[qid] = (not_asked, unknown)  # guards against a cycle in the codebook
        for cond in parse(rule) if rule else ():
            parent_not, parent_unknown = self.status(cond.column)
            inside, answered = self.condition(cond.column, cond.allowed)
            fails = answered & (inside if cond.negate else ~inside)
            not_asked = not_asked | fails | parent_not
            unknown = unknown | parent_unknown | ~answered
        unknown = unknown & ~not_asked
        self._memo[qid] = (not_asked, unknown)
        return self._memo[qid]

    def not_asked(self, qid: str) -> np.ndarray:
        """Rows where ``qid`` was certainly not asked."""
        return self.status(qid)[0]

    def asked(self, qid: str) -> tuple[np.ndarray, np.ndarray]:
        """``(asked, unknown)``: rows certainly asked ``qid``, and rows where nobody can tell."""
        not_asked, unknown = self.status(qid)
        return ~not_asked & ~unknown, unknown

    def chain(self, qid: str) -> list[str]:
        """The condition columns along ``qid``'s routing, nearest first
        (``rate_x`` → ``["got_x", "need_x"]``)."""
        out: list[str] = []
        todo = [qid]
        while todo:
            rule = self.rules.get(todo.pop(0))
            for cond in parse(rule) if rule else ():
                if cond.column not in out:
                    out.append(cond.column)
                    todo.append(cond.column)
        return out


def rules_of(cb, dataset: str) -> dict[str, str | None]:
    """Question id → ``applies_if`` of every question of ``dataset`` that has one; a rule that
    names a column the dataset does not have is a :class:`ReferenceDataError`."""
    ids = set(cb.columns(dataset))
    out = {}
    for q in cb.questions(dataset):
        if q.applies_if:
            for cond in parse(q.applies_if):
                if cond.column not in ids:
                    raise ReferenceDataError(
                        f"codebook {dataset}.{q.id}: applies_if {q.applies_if!r} names "
                        f"unknown {cond.column!r}"
                    )
            out[q.id] = q.applies_if
    return out


def for_frame(data: pd.DataFrame, dataset: str, cb) -> Routing:
    """:class:`Routing` over a clean table (codes as text; a column it lacks is all blank)."""
    n = len(data)

    def condition(column: str, allowed: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        if column not in data:
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        values = data[column].astype("str")
        answered = values.notna().to_numpy(dtype=bool)
        inside = values.isin(list(allowed)).to_numpy(dtype=bool) & answered
        return inside, answered

    return Routing(rules_of(cb, dataset), condition, n)
