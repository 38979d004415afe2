"""The one disclosure policy that builds every published table (SPEC §5).

:meth:`DisclosurePolicy.publish` takes the raw tables of one or more reports on the same
municipality and returns them *checked*: the only form renderers accept. In order:

1. **Primary suppression**, row by row. A count of people (``subject`` ``respondents`` or
   ``population``) between 1 and ``min_count − 1`` is hidden (``small_count``); a share, mean,
   score or other figure about respondents whose unweighted base is below ``min_base`` — or
   unknown — is hidden (``small_base``); a share about residents whose base is below
   ``min_count`` likewise. Zeros are shown: an empty category discloses nobody.
2. **Shares of counts.** A share derived from a count (``of_cube``/``of_coord``) is hidden
   when the count is small and, after step 3, whenever the count is hidden
   (``derived_from_hidden``); a published share publishes its count for step 3.
3. **Secondary suppression across tables and reports.** Every count of people is a cell of a
   cube; the same cell is the same number wherever it appears and is hidden everywhere when it
   is hidden anywhere. The recoverability audit (:mod:`.audit`) computes, for every hidden cell,
   the smallest and largest value consistent with everything published; while a range is
   narrower than ``min_count``, a related published cell (a sibling, else a finer, else a
   coarser cell) is hidden too (``protects_other``).
4. Hidden rows lose their figure, interval, base and further values; never shown as zero.

Thresholds are parameters. The defaults live here and only here; values below the floors
(``min_count`` 3, ``min_base`` 5) are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..thresholds import (
    DEFAULT_MIN_BASE,
    DEFAULT_MIN_COUNT,
    check_thresholds,
)
from . import audit
from .table import Cube, Results, ResultTable, parse_coord

#: Complements tried, at most, for one hidden cell before taking the one that helps most.
MAX_TRIES = 12
#: Cubes already settled in this process: (thresholds, cube, published, hidden) → cells added.
_SETTLED: dict[tuple, tuple[tuple[str, str], ...]] = {}


class PolicyError(ValueError):
    """A threshold below its floor, or tables the policy cannot check."""


@dataclass(frozen=True)
class DisclosurePolicy:
    """Thresholds and the procedure of SPEC §5.

    Parameters
    ----------
    min_count : int
        Counts of people below this are hidden (default 5, floor 3).
    min_base : int
        Figures about respondents on an unweighted base below this are hidden (default 10,
        floor 5).

    Examples
    --------
    >>> DisclosurePolicy(min_count=2)
    Traceback (most recent call last):
    ...
    tsp_analysis.results.policy.PolicyError: min_count = 2 is below the floor of 3: ...
    """

    min_count: int = DEFAULT_MIN_COUNT
    min_base: int = DEFAULT_MIN_BASE

    def __post_init__(self) -> None:
        problems = check_thresholds(self.min_count, self.min_base)
        if problems:
            raise PolicyError("; ".join(problems))

    @classmethod
    def from_params(cls, params: dict) -> DisclosurePolicy:
        return cls(
            min_count=params.get("min_count", DEFAULT_MIN_COUNT),
            min_base=params.get("min_base", DEFAULT_MIN_BASE),
        )

    # -- the procedure -------------------------------------------------------------------------
    def publish(self, reports: Iterable[Results]) -> list[Results]:
        """Check every table of ``reports`` together and return checked copies.

        Reports passed together share their cubes: pass every report on one municipality in
        one call so that a figure hidden in one is hidden in all.
        """
        reports = list(reports)
        cubes: dict[str, Cube] = {}
        for r in reports:
            for cube in r.cubes.values():
                known = cubes.get(cube.id)
                if known is not None and dict(known.dims) != dict(cube.dims):
                    raise PolicyError(f"cube {cube.id!r} is declared with different categories")
                cubes[cube.id] = cube
        frames: dict[tuple[int, str], pd.DataFrame] = {}
        for i, r in enumerate(reports):
            for t in r.tables.values():
                frames[(i, t.id)] = self._primary(t)
        hidden = self._secondary(reports, frames, cubes)
        out = []
        for i, r in enumerate(reports):
            checked = Results(r.report, r.unit, cubes=dict(r.cubes), info=dict(r.info))
            for t in r.tables.values():
                frame = self._final(t, frames[(i, t.id)], hidden)
                checked.tables[t.id] = t.with_data(
                    frame,
                    checked=True,
                    thresholds={"min_count": self.min_count, "min_base": self.min_base},
                )
            out.append(checked)
        return out

    def publish_one(self, results: Results) -> Results:
        """:meth:`publish` for a single report."""
        return self.publish([results])[0]

    # -- steps ---------------------------------------------------------------------------------
    def _primary(self, table: ResultTable) -> pd.DataFrame:
        frame = table.data.copy()
        if table.subject == "records":
            return frame
        kinds = table.kinds()
        est = frame["estimate"].to_numpy(dtype=float, na_value=np.nan)
        n = frame["n"].to_numpy(dtype=float, na_value=np.nan)
        count = (kinds == "count").to_numpy()
        small_count = count & (est > 0) & (est < self.min_count)
        figure = ~count & (kinds != "text").to_numpy()
        threshold = self.min_base if table.subject == "respondents" else self.min_count
        # fail closed: a figure about people with no known base is not published
        small_base = figure & ~(n >= threshold) & ~np.isnan(est)
        of_value = (
            pd.to_numeric(frame["of_value"], errors="coerce").to_numpy(dtype=float)
            if "of_value" in frame
            else np.full(len(frame), np.nan)
        )
        derived_small = (
            (frame["of_cube"] != "").to_numpy() & (of_value > 0) & (of_value < self.min_count)
        )
        reason = frame["reason"].to_numpy(dtype=object)
        already = frame["suppressed"].to_numpy(dtype=bool)
        for mask, code in (
            (small_count, "small_count"),
            (small_base, "small_base"),
            (derived_small & ~small_base, "small_count"),
        ):
            new = mask & ~already
            reason[new] = code
            already = already | mask
        frame["suppressed"] = already
        frame["reason"] = reason.astype(str)
        frame.loc[frame["suppressed"] & (frame["reason"] == ""), "reason"] = "small_base"
        return frame

    def _secondary(
        self,
        reports: list[Results],
        frames: dict[tuple[int, str], pd.DataFrame],
        cubes: dict[str, Cube],
    ) -> dict[tuple[str, str], str]:
        """Hide cube cells until no hidden cell can be narrowed below ``min_count``.

        Returns (cube, coord) → reason for every hidden cell.
        """
        values: dict[tuple[str, str], float] = {}
        published: set[tuple[str, str]] = set()
        hidden: dict[tuple[str, str], str] = {}
        where: dict[tuple[str, str], str] = {}
        for (i, tid), frame in frames.items():
            for rec in frame.to_dict("records"):
                for cube_col, coord_col, value, is_count in (
                    ("cube", "coord", rec["estimate"], True),
                    ("of_cube", "of_coord", rec.get("of_value"), False),
                    ("n_cube", "n_coord", rec.get("n"), False),
                ):
                    cid, cell = rec[cube_col], rec[coord_col]
                    if not cid:
                        continue
                    if cid not in cubes:
                        raise PolicyError(f"table {tid!r} refers to undeclared cube {cid!r}")
                    key = (cid, cell)
                    val = _number(value)
                    if val is not None:
                        known = values.get(key)
                        if known is not None and abs(known - val) > 1e-6:
                            raise PolicyError(
                                f"cube {cid!r} cell {cell!r} is {known:g} in "
                                f"{where[key]} but {val:g} in {reports[i].report}/{tid}"
                            )
                        values[key] = val
                        where.setdefault(key, f"{reports[i].report}/{tid}")
                    small_base_cell = (
                        cube_col == "n_cube" and val is not None and 0 < val < self.min_count
                    )
                    if small_base_cell:
                        # a base is a count of people: a small one is protected like any other
                        hidden.setdefault(key, "small_count")
                    elif rec["suppressed"]:
                        if is_count or rec["reason"] == "small_count":
                            hidden.setdefault(key, rec["reason"] or "small_count")
                    elif val is not None:
                        published.add(key)
        # Only shown rows publish a cell: a share hidden for its small base reveals nothing.
        shown = {k: v for k, v in values.items() if k in published}
        for _cid, cube in sorted(cubes.items()):
            self._fix_cube(cube, shown, hidden)
        return hidden

    def _fix_cube(
        self,
        cube: Cube,
        values: dict[tuple[str, str], float],
        hidden: dict[tuple[str, str], str],
    ) -> None:
        # The same cube with the same published and hidden cells settles the same way: a
        # report that publishes provisionally (to run its rules on what it will show) and
        # then for good pays once.
        key = (
            self.min_count,
            cube.id,
            tuple((d, tuple(c)) for d, c in cube.dims.items()),
            frozenset((c, v) for (cid, c), v in values.items() if cid == cube.id),
            frozenset((c, r) for (cid, c), r in hidden.items() if cid == cube.id),
        )
        if key in _SETTLED:
            hidden.update({(cube.id, c): r for c, r in _SETTLED[key]})
            return
        before = set(hidden)
        self._settle(cube, values, hidden)
        _SETTLED[key] = tuple((c, hidden[(cid, c)]) for (cid, c) in set(hidden) - before)

    def _settle(
        self,
        cube: Cube,
        values: dict[tuple[str, str], float],
        hidden: dict[tuple[str, str], str],
    ) -> None:
        cells = [c for (cid, c) in values if cid == cube.id]
        cells += [c for (cid, c) in hidden if cid == cube.id and c not in cells]
        # Hiding one more cell removes an equation, so a range can only widen: a cell found
        # safe stays safe, and one pass over a work list settles the cube.
        todo = [c for c in cells if (cube.id, c) in hidden]
        system = audit.System(cube, cells)  # the equations, built once for the work list
        for _ in range(10 * len(cells) + 10):
            if not todo:
                return
            target = todo[-1]
            shown = {
                c: values[(cube.id, c)]
                for c in cells
                if (cube.id, c) not in hidden and (cube.id, c) in values
            }
            (exposure,) = audit.exposures(cube, shown, [target], system)
            if exposure.width >= self.min_count:
                todo.pop()
                continue
            pick = self._complement(cube, target, shown, system, exposure)
            if pick is None:
                raise PolicyError(
                    f"cube {cube.id!r}: cell {target!r} stays recoverable with nothing left to hide"
                )
            hidden[(cube.id, pick)] = "protects_other"
            todo.insert(0, pick)
        raise PolicyError(f"cube {cube.id!r}: secondary suppression did not settle")

    def _complement(
        self,
        cube: Cube,
        target: str,
        shown: dict[str, float],
        system: audit.System | None = None,
        now: audit.Exposure | None = None,
    ) -> str | None:
        """The published cell to hide so that ``target`` is protected.

        Candidates are the published cells whose equations bind the target's smallest or
        largest value (the dual values of the audit's linear programmes), else the cells in a
        direct relation with it. They are tried finest first (an interior cell before a
        total), then from the smallest non-zero value up (it costs readers the least); the
        first whose hiding makes the target's range wide enough is taken, else the one that
        widens it most, else the first — the work list then looks again, along the equations
        that still bind. Trying candidates, rather than hiding the smallest related cell
        blindly, keeps one small cell from hiding a whole table.
        """
        if not shown:
            return None
        if now is None:
            (now,) = audit.exposures(cube, shown, [target], system)
        pool = [c for c in now.binding if c in shown]
        pool = pool or audit.related(target, list(shown)) or list(shown)

        def cost(c: str) -> tuple:
            return (shown[c] == 0, -len(parse_coord(c)), shown[c], c)

        order = sorted(pool, key=cost)[:MAX_TRIES]
        best, best_width = order[0], now.width
        for candidate in order:
            trial = {c: v for c, v in shown.items() if c != candidate}
            (exposure,) = audit.exposures(cube, trial, [target], system)
            if exposure.width >= self.min_count:
                return candidate
            if exposure.width > best_width:
                best, best_width = candidate, exposure.width
        return best

    def _final(
        self,
        table: ResultTable,
        frame: pd.DataFrame,
        hidden: dict[tuple[str, str], str],
    ) -> pd.DataFrame:
        frame = frame.copy()
        sup = frame["suppressed"].to_numpy(dtype=bool).copy()
        reason = frame["reason"].to_numpy(dtype=object).copy()
        cols = ["cube", "coord", "of_cube", "of_coord", "n_cube", "n_coord"]
        for i, rec in enumerate(frame[cols].to_dict("records")):
            if rec["cube"] and (rec["cube"], rec["coord"]) in hidden and not sup[i]:
                sup[i] = True
                reason[i] = hidden[(rec["cube"], rec["coord"])]
            elif rec["of_cube"] and (rec["of_cube"], rec["of_coord"]) in hidden and not sup[i]:
                sup[i] = True
                reason[i] = "derived_from_hidden"
            elif rec["n_cube"] and (rec["n_cube"], rec["n_coord"]) in hidden and not sup[i]:
                sup[i] = True
                reason[i] = "protects_other"
        frame["suppressed"] = sup
        frame["reason"] = np.where(sup, reason, "").astype(str)
        blank = ["estimate", "ci_low", "ci_high", "n", *table.values]
        if "of_value" in frame:
            blank.append("of_value")
        mask = pd.Series(sup, index=frame.index)
        for col in blank:
            if col in frame:
                frame[col] = frame[col].mask(mask)
        return frame


def _number(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(out) else out
