"""Recoverability audit: how precisely could a reader work out a hidden count?

Every count of people a report publishes is a cell of a *cube* (a population such as "the
accepted TŠP respondents of Jonava" or "TŠP living in Jonava on 1 January 2024", see
:class:`~tsp_analysis.results.table.Cube`): a cell fixes some dimensions (``sex=female``) and sums
over the others. Published cells are linear equations on the unknown interior of the cube; a
hidden cell is a linear expression in it. For each hidden cell the audit solves two linear
programmes (its smallest and its largest value consistent with everything published, interior
cells non-negative), as tau-argus's audit does. A hidden cell whose range is narrower than the
threshold could be worked out by a reader, from totals, from another table of the report, or
from another report on the same municipality — wherever the same cube is published.

The interior is represented by one joint table per *maximal* set of dimensions that some cell
fixes together, with the joint tables tied to each other on their shared dimensions (and on the
grand total). For the shapes reports publish (a margin per variable, a two-way table, totals)
these sets form a tree, and the representation is exact.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from .table import SUBSET, Cube, parse_coord

#: Largest joint table the audit builds for one set of dimensions.
MAX_JOINT = 50_000


@dataclass(frozen=True)
class Exposure:
    """The feasible range of one hidden cell."""

    cube: str
    coord: str
    low: float
    high: float
    #: Published cells whose equations bind the smallest or the largest value (non-zero dual
    #: values of the linear programmes): hiding one of them is what can widen the range.
    binding: tuple[str, ...] = ()

    @property
    def width(self) -> float:
        return self.high - self.low


class System:
    """Linear expressions of cube cells over the joint tables' interior cells."""

    def __init__(self, cube: Cube, cells: list[str]):
        self.cube = cube
        parsed = {c: cube.check(c) for c in cells}
        sets = {frozenset(p) for p in parsed.values()}
        maximal = [s for s in sets if not any(s < o for o in sets)]
        # A deterministic order (sorted dims), so results do not depend on hashing.
        self.maximal = sorted((tuple(sorted(s)) for s in maximal), key=lambda s: (len(s), s))
        if not self.maximal:
            self.maximal = [()]
        self.offsets: list[int] = []
        self.shapes: list[tuple[int, ...]] = []
        size = 0
        for dims in self.maximal:
            shape = tuple(len(cube.dims[d]) for d in dims)
            cells_n = int(np.prod(shape)) if shape else 1
            if cells_n > MAX_JOINT:
                raise ValueError(
                    f"cube {cube.id!r}: the joint table of {dims} has {cells_n} cells; "
                    "publish fewer categories together"
                )
            self.offsets.append(size)
            self.shapes.append(shape)
            size += cells_n
        self.size = size
        self.parsed = parsed
        self._expressions: dict[str, np.ndarray] = {}
        self._ties: np.ndarray | None = None

    def _vector(self, block: int, fixed: Mapping[str, str]) -> np.ndarray:
        dims = self.maximal[block]
        shape = self.shapes[block]
        mask = np.ones(shape, dtype=bool) if shape else np.ones((), dtype=bool)
        for axis, d in enumerate(dims):
            if d in fixed:
                keep = np.zeros(shape[axis], dtype=bool)
                for part in fixed[d].split(SUBSET):
                    keep[self.cube.dims[d].index(part)] = True
                view = [np.newaxis] * len(dims)
                view[axis] = slice(None)
                mask = mask & keep[tuple(view)]
        vec = np.zeros(self.size)
        off = self.offsets[block]
        vec[off : off + mask.size] = mask.ravel().astype(float)
        return vec

    def expression(self, cell: str) -> np.ndarray:
        """The cell as a 0/1 row over the interior (computed once per cell)."""
        if cell not in self._expressions:
            if cell not in self.parsed:
                self.parsed[cell] = self.cube.check(cell)
            fixed = self.parsed[cell]
            for block, dims in enumerate(self.maximal):
                if set(fixed) <= set(dims):
                    self._expressions[cell] = self._vector(block, fixed)
                    break
            else:
                raise AssertionError("every cell's dimensions lie in a maximal set")
        return self._expressions[cell]

    def ties(self) -> np.ndarray:
        """Equalities between joint tables (computed once)."""
        if self._ties is None:
            rows = self._tie_rows()
            self._ties = np.array(rows) if rows else np.zeros((0, self.size))
        return self._ties

    def _tie_rows(self) -> list[np.ndarray]:
        """Equal margins on shared dimensions; grand totals tied along a chain."""
        rows = []
        blocks = range(len(self.maximal))
        for a, b in itertools.combinations(blocks, 2):
            shared = sorted(set(self.maximal[a]) & set(self.maximal[b]))
            if not shared and b != a + 1:
                continue  # grand totals: the chain of neighbours ties them all
            for values in itertools.product(*(self.cube.dims[d] for d in shared)):
                fixed = dict(zip(shared, values, strict=True))
                rows.append(self._vector(a, fixed) - self._vector(b, fixed))
        return rows


def exposures(
    cube: Cube,
    published: Mapping[str, float],
    hidden: list[str],
    system: System | None = None,
) -> list[Exposure]:
    """The feasible range of every hidden cell of ``cube``.

    Parameters
    ----------
    cube : Cube
    published : mapping
        Cell (coord text) → its published value.
    hidden : list of str
        Cells that are hidden (their true values are not used).
    system : optional
        The cube's equations built once (:class:`System`) over every cell that may be
        published or hidden, for many calls on one cube (the policy's work list).

    Returns
    -------
    list of Exposure
        ``high`` is ``inf`` where nothing bounds the cell from above.

    Raises
    ------
    ValueError
        The published values contradict each other (no non-negative table fits them).
    """
    if not hidden:
        return []
    if system is None:
        system = System(cube, list(dict.fromkeys([*published, *hidden])))
    names = list(published)
    rows = [system.expression(c) for c in names]
    ties = system.ties()
    a_eq = np.vstack([np.array(rows).reshape(len(rows), system.size), ties])
    b_eq = np.concatenate([[float(published[c]) for c in names], np.zeros(len(ties))])
    if not len(a_eq):
        a_eq, b_eq = None, None
    out = []
    for cell in hidden:
        objective = system.expression(cell)
        bounds = []
        binding: dict[str, None] = {}
        for sign in (1.0, -1.0):
            res = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if res.status == 3:  # unbounded
                bounds.append(np.inf if sign < 0 else 0.0)
            elif res.status != 0:
                raise ValueError(
                    f"cube {cube.id!r}: the published counts contradict each other ({res.message})"
                )
            else:
                bounds.append(sign * res.fun)
                duals = getattr(getattr(res, "eqlin", None), "marginals", None)
                if duals is not None:
                    for name, dual in zip(names, duals[: len(names)], strict=True):
                        if abs(dual) > 1e-9:
                            binding[name] = None
        low, high = bounds[0], bounds[1]
        out.append(Exposure(cube.id, cell, float(low), float(high), tuple(binding)))
    return out


def relation(cell: str, other: str) -> int | None:
    """How ``other`` relates to ``cell``: 0 a sibling (same dimensions, one value different),
    1 one dimension finer, 2 one dimension coarser, ``None`` none of these."""
    mine, theirs = parse_coord(cell), parse_coord(other)
    if other == cell:
        return None
    if set(theirs) == set(mine):
        return 0 if sum(theirs[d] != mine[d] for d in mine) == 1 else None
    if set(mine) < set(theirs) and len(theirs) == len(mine) + 1:
        return 1 if all(theirs[d] == v for d, v in mine.items()) else None
    if set(theirs) < set(mine) and len(theirs) == len(mine) - 1:
        return 2 if all(mine[d] == v for d, v in theirs.items()) else None
    return None


def related(cell: str, others: list[str]) -> list[str]:
    """The cells of ``others`` in a direct linear relation with ``cell``: siblings first, then
    finer cells, then coarser ones (see :func:`relation`)."""
    ranked = [(relation(cell, o), o) for o in others]
    return [o for r, o in sorted((r, o) for r, o in ranked if r is not None)]
