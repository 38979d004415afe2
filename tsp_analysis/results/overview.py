"""Raw tables of the overview report: the municipalities side by side (SPEC §2.4).

Nothing here is estimated. Every figure is a **published cell of another report** — the needs
analysis of each municipality (published together with its data review,
:func:`tsp_analysis.results.group`) and the monitoring report — copied with its estimate,
interval, base, suppression flag and reason, and with the address of the cell it came from
(``source``: ``<report>-<unit>/<table>/<row key>``, the ``data-cell`` address of the municipal
page). A figure hidden in a municipal report is hidden here with the same reason; cube
references (``cube``/``coord``, ``n_cube``/``n_coord``) are carried too, so that the disclosure
policy (:mod:`.policy`), run once more over the overview, and the recoverability audit see the
overview's cells as the same cells.

Where one cell is published by several reports (the service index row of a municipality is in
every needs analysis), it is taken from the municipality's own report and hidden when any
report hides it.

The only things the overview adds are selections, not numbers: which municipality's criterion
score is significantly above or below the other municipalities (the ``direction`` of the
needs analysis's own comparison with the pooled rest, Benjamini–Hochberg adjusted within the
score family: :func:`tsp_analysis.compare.compare_to_rest`), and the good practice of the
catalogue that fits an area.

Tables, in report order (ids name the CSV files and workbook sheets):

``need_unmet``          need and unmet need per area × municipality (share, 95 % interval)
``area_scores``         the area score (mean over the criteria a respondent rated) per
                        municipality × area, as each needs analysis ranks on it
``criterion_scores``    area × criterion scores per municipality (95 % interval)
``score_differences``   each criterion score against the other municipalities pooled: the
                        difference, adjusted p, ``direction`` (``higher``/``lower``/``none``)
``need_capacity``       need (share), share of all with an unmet need, provider capacity (0–100)
``service_index``       the overall service index, rank and rank ranges; ``not_enough_data``
                        municipalities have none
``priority_ranks``      each area's priority rank and rank range per municipality (1 = most
                        urgent); areas without every component are not ranked
``learning``            per area and criterion, the municipalities significantly above and
                        below the others (``role`` ``leader``/``learner``) and the good practice
                        of the catalogue that fits the area
``strategic``           strategic-document completeness score (0–100) and status per municipality
``implementation``      completion rates of the recommendations at the interim and the final
                        evaluation per municipality and in total
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import reference
from .needs import INDEX_VALUES
from .table import CORE, INTERNAL, INTERNAL_VALUE, Results, ResultTable, caption

#: The report kinds the overview reads.
SOURCES = ("needs_analysis", "monitoring")
#: Implementation measures shown side by side per evaluation.
IMPLEMENTATION_MEASURES = ("assessed", "implemented", "completion_rate", "weighted_completion")


def municipalities(inputs) -> list[str]:
    """The municipalities of the reference table that have survey respondents (reference
    order): the ones a needs analysis can be built for."""
    present = set(inputs.tsp_survey.data["municipality"].astype(str))
    return [m for m in reference.municipality_slugs() if m in present]


def sources(params: dict, inputs=None) -> dict[str, Results]:
    """The published results the overview is built from: ``"needs_analysis-<slug>"`` for every
    municipality with respondents, and ``"monitoring-all"``.

    Each comes from :func:`tsp_analysis.results.compute` with the overview's parameters and
    the municipality swapped in — the call the municipal notebook makes, so in a build it is
    read from the results cache the municipal report wrote.
    """
    from ..inputs import load_inputs
    from . import compute

    loaded = inputs if inputs is not None else load_inputs(params["inputs"] or None)
    out: dict[str, Results] = {}
    for m in municipalities(loaded):
        out[f"needs_analysis-{m}"] = compute(
            "needs_analysis", {**params, "municipality": m}, inputs=loaded
        )
    out["monitoring-all"] = compute("monitoring", {**params, "municipality": "all"}, inputs=loaded)
    return out


# -- copying cells -----------------------------------------------------------------------------
#: Columns copied from a source row (besides its dimensions).
_CARRIED = (*CORE, *INTERNAL, INTERNAL_VALUE)


def carry(
    table: ResultTable,
    rec: Mapping[str, Any],
    *,
    keep: Sequence[str] = (),
    **dims: str,
) -> dict[str, Any]:
    """One source row as an overview row: ``dims`` (the overview's identity of the row), the
    figure with its interval, base, flag, reason, cube references and the ``keep`` value
    columns, and ``source`` (the source cell's address)."""
    table.require_checked()
    row: dict[str, Any] = dict(dims)
    for col in _CARRIED:
        if col in rec:
            row[col] = rec[col]
    if "kind" in rec and isinstance(rec["kind"], str) and rec["kind"]:
        row["kind"] = rec["kind"]
    for col in keep:
        row[col] = rec.get(col)
    row["source"] = table.ref(rec)
    return row


def _rows(table: ResultTable, **where: str | tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a checked table whose column ``k`` is ``v`` (one of ``v``, a tuple), in
    table order."""
    data = table.require_checked().data
    mask = pd.Series(True, index=data.index)
    for k, v in where.items():
        mask &= data[k].isin(v) if isinstance(v, tuple) else data[k] == v
    return data[mask].to_dict("records")


def _needs(srcs: Mapping[str, Results]) -> list[tuple[str, Results]]:
    return [
        (key.split("-", 1)[1], res)
        for key, res in srcs.items()
        if key.startswith("needs_analysis-")
    ]


# -- the tables --------------------------------------------------------------------------------
def compute(srcs: Mapping[str, Results], params: dict) -> Results:
    """The raw overview tables from the published ``srcs`` (:func:`sources`)."""
    res = Results("overview", "all")
    needs = _needs(srcs)
    for _, src in needs:
        for cube in src.cubes.values():
            res.add_cube(cube)
    monitoring = srcs["monitoring-all"]
    for table_id in (
        "need_unmet",
        "area_scores",
        "criterion_scores",
        "score_differences",
        "need_capacity",
    ):
        res.add(_copied(needs, table_id))
    res.add(_service_index(needs))
    res.add(_copied(needs, "priority_ranks"))
    res.add(_learning(res["score_differences"]))
    for table_id in ("strategic", "implementation"):
        res.add(_copied([("", monitoring)], table_id))
    first = needs[0][1] if needs else monitoring
    res.info.update(
        synthetic=any(bool(r.info.get("synthetic")) for r in srcs.values()),
        hashes=dict(monitoring.info.get("hashes", {})),
        params={k: v for k, v in params.items() if k != "lang"},
        municipalities=[m for m, _ in needs],
        sources=sorted(srcs),
        comparisons=dict(first.info.get("comparisons", {})),
        alpha=first.info.get("alpha"),
        min_areas=first.info.get("min_areas"),
        n_areas=first.info.get("n_areas"),
        year=first.info.get("year"),
    )
    return res


def _make(
    id: str, rows: list[dict], *, kind: str, dims: Sequence[str], **options: Any
) -> ResultTable:
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=[*dims, "estimate", *options.get("values", ())])
    return ResultTable.make(
        id, frame, caption=caption(f"overview.{id}.caption"), kind=kind, dims=dims, **options
    )


#: Labels of the overview's dimensions (a table's ``measure`` has its own: :data:`COPIED`).
DIM_LABELS = {
    "area": "areas",
    "municipality": "municipalities",
    "criterion": "criteria",
    "evaluation": "text:monitoring.eval",
}
#: Value columns the copied tables carry besides the figure.
COMPARISON = ("p_adjusted", "significant", "direction", "family")
RANK_VALUES = ("rank_min", "rank_max", "status")
CRITERION_DIMS = ("municipality", "area", "criterion")


#: The figures of ``need_capacity`` that other tables of the same report also publish: a
#: figure hidden in any of them is hidden here (``need`` is need_unmet's need; ``unmet_all``
#: rests on need and unmet; ``capacity`` is provider_scores' capacity).
SAME_FIGURE = {
    "need": (("need_unmet", {"measure": "need", "group": "unit"}),),
    "unmet_all": (
        ("need_unmet", {"measure": "need", "group": "unit"}),
        ("need_unmet", {"measure": "unmet", "group": "unit"}),
    ),
    "capacity": (("provider_scores", {"measure": "capacity"}),),
}


def _hidden_elsewhere(row: dict[str, Any], src: Results) -> None:
    """Hide a copied ``need_capacity`` figure that another table of the same needs analysis
    hides (:data:`SAME_FIGURE`), with that table's reason."""
    if row["suppressed"]:
        return
    for other, where in SAME_FIGURE.get(row["measure"], ()):
        hit = _rows(src[other], area=row["area"], **where)
        if hit and bool(hit[0]["suppressed"]):
            row["suppressed"], row["reason"] = True, hit[0]["reason"]
            return


@dataclass(frozen=True)
class Copy:
    """An overview table copied row by row from every municipality's needs analysis (or from
    the monitoring report): the source table and which of its rows (``where``: a column's code,
    or a tuple of codes), the overview table's kind and dimensions (``municipality`` is the
    source needs analysis's unit, the others the source row's own), the value columns carried
    with each figure, the label of its ``measure`` dimension, if any, what the rows are about,
    and a last step each copied row goes through (given the row and its source report)."""

    source: str
    where: Mapping[str, str]
    kind: str
    dims: tuple[str, ...]
    keep: tuple[str, ...] = ()
    measure: str = ""
    subject: str = "respondents"
    adjust: Callable[[dict[str, Any], Results], None] | None = None

    @property
    def labels(self) -> dict[str, str]:
        """The reference tables (or texts) that label the table's dimensions."""
        labels = {d: label for d, label in DIM_LABELS.items() if d in self.dims}
        return {**labels, "measure": self.measure} if self.measure else labels


#: The tables :func:`_copied` builds, by id.
COPIED = {
    "need_unmet": Copy(
        "need_unmet",
        {"group": "unit"},
        "share",
        ("area", "municipality", "measure"),
        keep=("n_interval",),
        measure="text:needs.needs.col",
    ),
    "area_scores": Copy("priorities", {"component": "score"}, "score", ("municipality", "area")),
    "criterion_scores": Copy(
        "criterion_scores", {"group": "unit"}, "score", CRITERION_DIMS, keep=("n_interval",)
    ),
    "score_differences": Copy(
        "criterion_scores", {"group": "difference"}, "number", CRITERION_DIMS, keep=COMPARISON
    ),
    "need_capacity": Copy(
        "need_capacity",
        {},
        "score",
        ("municipality", "area", "measure"),
        measure="text:needs.provider.measure",
        adjust=_hidden_elsewhere,
    ),
    "priority_ranks": Copy(
        "priority_stability", {}, "rank", ("municipality", "area"), keep=RANK_VALUES
    ),
    # from the monitoring report: its rows name their municipality
    "strategic": Copy(
        "strategic_completeness",
        {"measure": "score"},
        "score",
        ("municipality",),
        keep=("status",),
        subject="records",
    ),
    "implementation": Copy(
        "implementation",
        {"measure": IMPLEMENTATION_MEASURES},
        "count",
        ("municipality", "evaluation", "measure"),
        measure="text:monitoring.col",
        subject="records",
    ),
}


def _copied(srcs: list[tuple[str, Results]], table_id: str) -> ResultTable:
    """The overview table ``table_id`` (:data:`COPIED`): the chosen rows of its source table in
    every source report, each :func:`carry` -ed with its dimensions: the municipality of a
    needs analysis (``srcs``: (municipality, results) pairs, as :func:`_needs` gives them),
    else the row's own (the monitoring report, ``("", results)``)."""
    spec = COPIED[table_id]
    rows = []
    for m, src in srcs:
        tab = src[spec.source]
        for rec in _rows(tab, **spec.where):
            dims = {d: m if d == "municipality" and m else rec[d] for d in spec.dims}
            row = carry(tab, rec, keep=spec.keep, **dims)
            if spec.adjust is not None:
                spec.adjust(row, src)
            rows.append(row)
    return _make(
        table_id,
        rows,
        kind=spec.kind,
        dims=spec.dims,
        subject=spec.subject,
        values=spec.keep,
        labels=spec.labels,
    )


def _service_index(needs: list[tuple[str, Results]]) -> ResultTable:
    """Each municipality's row from its own needs analysis; hidden when any needs analysis
    hides the same row (the table is the same in all of them)."""
    hidden_in: dict[str, tuple[str, str]] = {}
    for _, src in needs:
        for rec in src["service_index"].records():
            if bool(rec["suppressed"]):
                hidden_in.setdefault(str(rec["municipality"]), (rec["reason"] or "small_base", ""))
    rows = []
    for m, src in needs:
        tab = src["service_index"]
        hits = _rows(tab, municipality=m)
        if not hits:
            continue
        row = carry(tab, hits[0], keep=INDEX_VALUES, municipality=m)
        if m in hidden_in and not row["suppressed"]:
            row["suppressed"], row["reason"] = True, hidden_in[m][0]
        rows.append(row)
    return _make(
        "service_index",
        rows,
        kind="index",
        dims=("municipality",),
        values=INDEX_VALUES,
        labels={"municipality": "municipalities"},
    )


def practice_for(area: str, leaders: Sequence[str] = ()) -> str:
    """The good practice of the catalogue (``good_practices.csv``) that fits ``area``: one
    located in a leading municipality first, else the first in catalogue order; ``""`` when
    none fits."""
    from ..recommend import load_practices

    practices = load_practices()
    fits = [
        rec
        for rec in practices.to_dict("records")
        if area in str(rec.get("areas") or "").split(";")
    ]
    if not fits:
        return ""
    table = reference.municipalities().set_index("slug")
    names = {
        str(table.at[m, col]).casefold()
        for m in leaders
        if m in table.index
        for col in ("short_lt", "short_en")
    }
    for rec in fits:
        places = {p.strip().casefold() for p in str(rec.get("place") or "").split(";")}
        if places & names:
            return str(rec["practice_id"])
    return str(fits[0]["practice_id"])


def _learning(diffs: ResultTable) -> ResultTable:
    """Per area and criterion, each municipality whose score differs significantly from the
    other municipalities pooled (its needs analysis's comparison, adjusted within the score
    family), as ``leader`` (above) or ``learner`` (below), with the fitting good practice. Only
    shown differences count: a hidden one is not evidence."""
    rows = []
    raw = diffs.data
    for rec in raw.to_dict("records"):
        if bool(rec["suppressed"]) or str(rec.get("direction") or "") not in ("higher", "lower"):
            continue
        rows.append(
            {
                "area": rec["area"],
                "criterion": rec["criterion"],
                "municipality": rec["municipality"],
                "role": "leader" if rec["direction"] == "higher" else "learner",
                "source": rec["source"],
            }
        )
    frame = pd.DataFrame(rows, columns=["area", "criterion", "municipality", "role", "source"])
    leaders = {
        a: list(part.loc[part["role"] == "leader", "municipality"])
        for a, part in frame.groupby("area")
    }
    frame["practice_id"] = [practice_for(a, leaders.get(a, [])) for a in frame["area"]]
    return _make(
        "learning",
        frame.to_dict("records"),
        kind="text",
        dims=("area", "criterion", "municipality"),
        values=("role", "practice_id"),
        labels={"area": "areas", "municipality": "municipalities", "criterion": "criteria"},
    )


def source_cell(srcs: Mapping[str, Results], ref: str) -> dict[str, Any]:
    """The source row an overview row's ``source`` names (for tests and readers in Python)."""
    home, table_id, key = ref.split("/", 2)
    tab = srcs[home][table_id]
    for rec in tab.records():
        if tab.key(rec) == key:
            return rec
    raise KeyError(f"{ref}: no such row")


__all__ = ["compute", "carry", "municipalities", "practice_for", "source_cell", "sources"]
