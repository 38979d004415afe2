"""The tidy, language-free table every published number lives in.

A :class:`ResultTable` is one table or chart of a report: a stable ``id``, a caption in
Lithuanian and English, the ``kind`` of its figures, the columns that identify a row (codes,
never labels) and, per row, the figure with its interval, unweighted base, suppression flag and
reason. The HTML table, the chart, the sentence in the key findings, the CSV and the Excel
sheet are all renderings of the same object, so they cannot disagree.

A table starts *raw* (as a computation returns it). Only
:func:`tsp_analysis.results.policy.DisclosurePolicy.publish` turns it into a *checked* table;
every renderer calls :meth:`ResultTable.require_checked`, so a number that did not pass the one
disclosure policy cannot reach a reader.

Columns of :attr:`ResultTable.data`
-----------------------------------
``<dims>``      the row's identity, codes (``area``, ``criterion``, ``municipality`` ...)
``estimate``    the figure (share 0–1, score 0–100, count, ...); missing when suppressed
``ci_low``, ``ci_high``  its 95 % interval (missing for counts and where none applies)
``n``           the unweighted base of the figure (for a count: the count itself)
``suppressed``  bool; ``reason`` why (:data:`REASONS`), empty when shown
``kind``        optional per-row kind overriding the table's (a table mixing counts and shares)
``cube``, ``coord``  for a count of people: which population (the *cube*, e.g. the accepted
                TŠP respondents of Jonava) and which cell of it (``"sex=female|age_group=25_34"``;
                a dimension left out is summed over). Cells with the same cube and coord are the
                same number wherever they appear; the policy hides them together and the
                recoverability audit solves over all of them.
``of_cube``, ``of_coord``, ``of_value``  for a share *derived from* a count cell (a
                population share of an age group) and that count: hidden whenever the count is
                hidden, and, being published, it publishes the count to the audit.
``n_cube``, ``n_coord``  the cube cell the row's base ``n`` counts (those who answered the
                question a share is about): a shown base publishes that count, so the audit
                sees it, and the row is hidden when the cell must be.
``source``      for a row copied from another report's published table (the overview): that
                cell's address, ``<report>-<unit>/<table>/<row key>``; exported, never blanked.
Any further column named in :attr:`ResultTable.values` is published as well (``p_adjusted``,
``rank_min`` ...); it is blanked together with the estimate when the row is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..ids import ALL, LANGUAGES

#: Kinds of figure. ``count`` is a number of people or records; ``share`` a proportion 0–1;
#: ``mean`` and ``score`` (0–100) averages; ``index`` a composite value; ``ratio`` an odds
#: ratio; ``rank`` a position; ``p`` a p-value; ``number`` any other figure (a change in %,
#: a design effect); ``text`` a row of words (recommendations, inventory entries).
KINDS = ("count", "share", "mean", "score", "index", "ratio", "rank", "p", "number", "text")

#: What the rows of a table are about; it decides which disclosure rules apply.
#: ``respondents``: survey respondents (counts below ``min_count`` and figures on a base below
#: ``min_base`` are hidden); ``population``: residents in official statistics (small counts are
#: hidden); ``records``: municipalities' work, reference data, data sources (nothing personal).
#: ``participants``: people counted at events (training, expert activities), not respondents.
SUBJECTS = ("respondents", "population", "participants", "records")

#: Why a figure is hidden. The footnote of a table states each reason that occurs in it.
REASONS = {
    "small_count": "a count of fewer than min_count people",
    "small_base": "a figure on fewer than min_base answers",
    "protects_other": "hidden so that another hidden figure cannot be worked out",
    "derived_from_hidden": "a share of a hidden count",
}

#: Columns every table has (after :func:`ResultTable.make`).
CORE = ("estimate", "ci_low", "ci_high", "n", "suppressed", "reason")
#: Internal columns: cell identity for the policy and the audit; not exported.
INTERNAL = ("cube", "coord", "of_cube", "of_coord", "n_cube", "n_coord", "source")
#: Internal numeric column: the count a derived share rests on.
INTERNAL_VALUE = "of_value"


class UncheckedTableError(TypeError):
    """A renderer was given a table that did not pass the disclosure policy."""


def coord(**dims: object) -> str:
    """The canonical text of a cube cell: ``coord(sex="female", age_group="25_34")`` gives
    ``"age_group=25_34|sex=female"``; dimensions left out (or ``None``) are summed over. A
    tuple or list of categories sums over those only (the adults: ``age_group=("18_24",
    "25_34", ...)``, written ``age_group=18_24,25_34,...``)."""
    parts = []
    for k, v in dims.items():
        if v is None:
            continue
        if isinstance(v, tuple | list | set | frozenset):
            v = SUBSET.join(sorted(str(x) for x in v))
        parts.append((k, str(v)))
    return "|".join(f"{k}={v}" for k, v in sorted(parts))


#: Separates the categories of a dimension that a cell sums over.
SUBSET = ","


def caption(key: str, **values: object) -> dict[str, str]:
    """A table's caption in every report language: the text ``key`` of
    ``data/reference/report_text.csv`` with its ``{placeholders}`` filled from ``values``."""
    from ..report.i18n import t

    return {lang: t(key, lang, **values) for lang in LANGUAGES}


def text_table(
    table_id: str,
    frame: pd.DataFrame,
    key: str,
    dims: Sequence[str],
    labels: Mapping[str, str] | None = None,
) -> ResultTable:
    """A table of words about records (``kind="text"``, ``subject="records"``): dates,
    statuses, codes, reference facts. Every column of ``frame`` besides the ``dims`` is
    published, in frame order; ``key`` is its caption's text (:func:`caption`)."""
    return ResultTable.make(
        table_id,
        frame,
        caption=caption(key),
        kind="text",
        dims=dims,
        subject="records",
        values=[c for c in frame.columns if c not in set(dims)],
        labels=labels,
    )


def counted(value: object, cube: str, cell: str) -> dict[str, Any]:
    """The columns of a row whose figure is a count of people: the count and the cube cell it
    is (``cube``, ``coord``).

    >>> counted(12, "population:jonava:2024", coord(sex="female"))
    {'estimate': 12, 'cube': 'population:jonava:2024', 'coord': 'sex=female'}
    """
    return {"estimate": value, "cube": cube, "coord": cell}


def derived(estimate: object, n: object, cube: str, cell: str, value: object) -> dict[str, Any]:
    """The columns of a row whose figure is derived from a count cell (a share of it, a rate
    per 100 residents): the figure, its base ``n`` and the cell with its count (``of_cube``,
    ``of_coord``, ``of_value``), so the figure is hidden whenever the count is."""
    return {"estimate": estimate, "n": n, "of_cube": cube, "of_coord": cell, "of_value": value}


def share_of(count: float, total: float, cube: str, cell: str) -> dict[str, Any]:
    """:func:`derived` for the share ``count`` / ``total`` of the count cell ``cell`` (NaN when
    the total is 0), on the base ``total``.

    >>> share_of(3, 12, "population:jonava:2024", coord(sex="female"))["estimate"]
    0.25
    >>> share_of(0, 0, "c", "")["estimate"]
    nan
    """
    return derived(count / total if total else float("nan"), total, cube, cell, count)


def measure_rows(
    summary: pd.DataFrame,
    keys: Sequence[str],
    measures: Sequence[str],
    *,
    shares: Iterable[str] = (),
    base: str = "",
) -> list[dict[str, Any]]:
    """Rows of a table that has one row per record of ``summary`` × ``measure`` (counts of
    events, recommendations, indicators, and shares of one of them).

    A count is its own base (``n`` = the count); a measure in ``shares`` is a share whose base
    is the record's ``base`` column. The rows keep the ``keys`` columns, then ``measure``,
    ``kind`` (``count``/``share``), ``estimate`` and ``n``.

    >>> summary = pd.DataFrame({"municipality": ["jonava"], "planned": [4], "held": [3],
    ...                         "share_held": [0.75]})
    >>> for row in measure_rows(summary, ["municipality"], ["planned", "share_held"],
    ...                         shares=["share_held"], base="planned"):
    ...     print(row)
    {'municipality': 'jonava', 'measure': 'planned', 'kind': 'count', 'estimate': 4, 'n': 4}
    {'municipality': 'jonava', 'measure': 'share_held', 'kind': 'share', 'estimate': 0.75, 'n': 4}
    """
    shares = set(shares)
    rows = []
    for rec in summary.to_dict("records"):
        for m in measures:
            share = m in shares
            rows.append(
                {
                    **{k: rec[k] for k in keys},
                    "measure": m,
                    "kind": "share" if share else "count",
                    "estimate": rec[m],
                    "n": rec[base] if share else rec[m],
                }
            )
    return rows


def parse_coord(text: str) -> dict[str, str]:
    """The inverse of :func:`coord`."""
    if not text:
        return {}
    return dict(part.split("=", 1) for part in text.split("|"))


@dataclass(frozen=True)
class Cube:
    """A population whose counts several tables publish: its dimensions and, for each, every
    category (including a code for "missing" where a question can be unanswered). The
    recoverability audit needs the complete category lists: a category no table shows is an
    unknown the audit solves for."""

    id: str
    dims: Mapping[str, tuple[str, ...]]

    def check(self, cell: str) -> dict[str, str]:
        parsed = parse_coord(cell)
        for dim, value in parsed.items():
            if dim not in self.dims:
                raise ValueError(f"cube {self.id!r} has no dimension {dim!r} (cell {cell!r})")
            for part in value.split(SUBSET):
                if part not in self.dims[dim]:
                    raise ValueError(
                        f"cube {self.id!r}: {part!r} is not a category of {dim!r} (cell {cell!r})"
                    )
        return parsed


@dataclass(frozen=True)
class ResultTable:
    """One published table (or the data of one chart).

    Attributes
    ----------
    id : str
        Stable identifier, unique within a report (``need_unmet``, ``criterion_scores``); the
        CSV file and the workbook sheet are named after it.
    caption : dict
        ``{"lt": ..., "en": ...}``.
    kind : str
        Kind of the figures (:data:`KINDS`); a ``kind`` column overrides it per row.
    dims : tuple of str
        Columns that identify a row (codes).
    labels : dict
        For each dimension with labels: where they come from — a reference table
        (``"areas"``, ``"criteria"``, ``"municipalities"``, ``"countries"``, ``"age_groups"``,
        ``"residence_bases"``), ``"value_set:<name>"`` (codebook answers), or ``"text:<prefix>"``
        (report texts ``<prefix>.<code>``).
    subject : str
        :data:`SUBJECTS`.
    values : tuple of str
        Further published value columns besides :data:`CORE`.
    data : DataFrame
    checked : bool
        True only for tables returned by the disclosure policy.
    notes : dict
        Optional footnotes ``{"lt": [...], "en": [...]}`` (already translated, no figures).
    """

    id: str
    caption: Mapping[str, str]
    kind: str
    dims: tuple[str, ...]
    data: pd.DataFrame
    subject: str = "respondents"
    labels: Mapping[str, str] = field(default_factory=dict)
    values: tuple[str, ...] = ()
    notes: Mapping[str, Sequence[str]] = field(default_factory=dict)
    checked: bool = False
    #: ``"<report>-<unit>"``: where the table's data files live (set by :meth:`Results.add`).
    home: str = ""
    #: The thresholds the policy applied (set by the policy; footnotes quote them).
    thresholds: Mapping[str, int] = field(default_factory=dict)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def make(
        cls,
        id: str,
        data: pd.DataFrame,
        *,
        caption: Mapping[str, str],
        kind: str,
        dims: Iterable[str],
        subject: str = "respondents",
        labels: Mapping[str, str] | None = None,
        values: Iterable[str] = (),
        notes: Mapping[str, Sequence[str]] | None = None,
    ) -> ResultTable:
        """Build a raw table, filling the core columns a computation did not provide.

        For ``kind="count"`` a missing ``n`` is the count itself.
        """
        if kind not in KINDS:
            raise ValueError(f"table {id!r}: kind must be one of {KINDS}, got {kind!r}")
        if subject not in SUBJECTS:
            raise ValueError(f"table {id!r}: subject must be one of {SUBJECTS}, got {subject!r}")
        if set(caption) != {"lt", "en"}:
            raise ValueError(f"table {id!r}: caption needs 'lt' and 'en'")
        dims = tuple(dims)
        values = tuple(values)
        frame = data.reset_index(drop=True).copy()
        missing = [d for d in (*dims, *values) if d not in frame]
        if missing:
            raise KeyError(f"table {id!r}: columns {missing} are not in the data")
        if "estimate" not in frame:
            frame["estimate"] = pd.NA
        frame["estimate"] = pd.to_numeric(frame["estimate"], errors="raise").astype("Float64")
        for col in ("ci_low", "ci_high"):
            frame[col] = (
                pd.to_numeric(frame[col], errors="raise").astype("Float64")
                if col in frame
                else pd.array([pd.NA] * len(frame), dtype="Float64")
            )
        if "kind" in frame:
            bad = sorted(set(frame["kind"].dropna()) - set(KINDS))
            if bad:
                raise ValueError(f"table {id!r}: unknown kinds {bad}")
        if "n" not in frame:
            frame["n"] = frame["estimate"] if kind == "count" else pd.NA
        frame["n"] = pd.to_numeric(frame["n"], errors="raise").round().astype("Int64")
        frame["suppressed"] = (
            frame["suppressed"].fillna(False).astype(bool) if "suppressed" in frame else False
        )
        if "reason" not in frame:
            frame["reason"] = ""
        frame["reason"] = frame["reason"].fillna("").astype(str)
        for col in INTERNAL:
            if col not in frame:
                frame[col] = ""
            frame[col] = frame[col].fillna("").astype(str)
        frame["of_value"] = (
            pd.to_numeric(frame["of_value"], errors="raise").astype("Float64")
            if "of_value" in frame
            else pd.array([pd.NA] * len(frame), dtype="Float64")
        )
        for d in dims:
            frame[d] = frame[d].astype("string").fillna("")
        if frame.duplicated(subset=list(dims)).any():
            dupes = frame.loc[frame.duplicated(subset=list(dims)), list(dims)]
            raise ValueError(f"table {id!r}: rows are not unique on {dims}: {dupes.head(3)}")
        return cls(
            id=id,
            caption=dict(caption),
            kind=kind,
            dims=dims,
            data=frame,
            subject=subject,
            labels=dict(labels or {}),
            values=values,
            notes={k: list(v) for k, v in (notes or {}).items()},
        )

    # -- access ------------------------------------------------------------------------------
    def require_checked(self) -> ResultTable:
        """Return the table if it passed the disclosure policy, else raise."""
        if not self.checked:
            raise UncheckedTableError(
                f"table {self.id!r} has not passed the disclosure policy; renderers accept "
                "only tables returned by DisclosurePolicy.publish"
            )
        return self

    def kinds(self) -> pd.Series:
        """The kind of every row."""
        if "kind" in self.data:
            return self.data["kind"].fillna(self.kind).astype(str)
        return pd.Series(self.kind, index=self.data.index, dtype=str)

    def key(self, row: Mapping[str, Any]) -> str:
        """The stable key of a row within the table (``"area=health|criterion=quality"``)."""
        return coord(**{d: row[d] for d in self.dims}) or ALL

    def keys(self) -> list[str]:
        return [self.key(r) for r in self.data[list(self.dims)].to_dict("records")]

    def row(self, **where: object) -> dict[str, Any]:
        """The one row whose dimensions equal ``where`` (all of them)."""
        mask = pd.Series(True, index=self.data.index)
        for k, v in where.items():
            mask &= self.data[k] == str(v)
        hits = self.data[mask]
        if len(hits) != 1:
            raise KeyError(f"table {self.id!r}: {len(hits)} rows match {where}")
        return hits.iloc[0].to_dict()

    def published(self) -> pd.DataFrame:
        """The rows as published: dims, core and value columns (no internal columns)."""
        cols = [*self.dims, *(["kind"] if "kind" in self.data else []), *CORE, *self.values]
        return self.data[cols].copy()

    def with_data(
        self,
        data: pd.DataFrame,
        *,
        checked: bool = False,
        thresholds: Mapping[str, int] | None = None,
    ) -> ResultTable:
        """A copy with other data (the policy's way to produce a checked table)."""
        return replace(
            self, data=data, checked=checked, thresholds=dict(thresholds or self.thresholds)
        )

    def ref(self, row: Mapping[str, Any]) -> str:
        """The address of one cell: ``"<report>-<unit>/<table id>/<row key>"``; the HTML marks
        every figure with it (``data-cell``) and the scan finds the row in the data files."""
        return f"{self.home}/{self.id}/{self.key(row)}"

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts (checked tables only)."""
        return self.require_checked().data.to_dict("records")


@dataclass
class Results:
    """Every table of one report for one unit, in report order, plus what the report needs to
    describe its run (not a number a reader sees as data).

    Attributes
    ----------
    report : str
        ``needs_analysis``, ``data_review``, ``monitoring``.
    unit : str
        Municipality slug, ``lithuania`` or ``all``.
    tables : dict
        ``id`` → :class:`ResultTable`, in report order.
    cubes : dict
        ``id`` → :class:`Cube` used by the tables' counts.
    info : dict
        Language-free facts the renderers need besides tables (synthetic flag, input hashes,
        parameters, skip reasons as codes).
    """

    report: str
    unit: str
    tables: dict[str, ResultTable] = field(default_factory=dict)
    cubes: dict[str, Cube] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def add(self, table: ResultTable) -> ResultTable:
        if table.id in self.tables:
            raise ValueError(f"{self.report}: table id {table.id!r} used twice")
        if table.checked:
            raise ValueError(f"table {table.id!r} is already checked; add raw tables")
        table = replace(table, home=f"{self.report}-{self.unit}")
        self.tables[table.id] = table
        return table

    def add_cube(self, cube: Cube) -> Cube:
        known = self.cubes.get(cube.id)
        if known is not None and dict(known.dims) != dict(cube.dims):
            raise ValueError(f"cube {cube.id!r} declared twice with different categories")
        self.cubes[cube.id] = cube
        return cube

    def __getitem__(self, table_id: str) -> ResultTable:
        try:
            return self.tables[table_id]
        except KeyError:
            raise KeyError(
                f"{self.report} has no table {table_id!r}; tables: {list(self.tables)}"
            ) from None

    def __contains__(self, table_id: object) -> bool:
        return table_id in self.tables

    def __iter__(self):
        return iter(self.tables.values())

    @property
    def checked(self) -> bool:
        return all(t.checked for t in self.tables.values())
