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

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .. import reference
from ..report.i18n import t
from .table import CORE, INTERNAL, INTERNAL_VALUE, Results, ResultTable

#: The report kinds the overview reads.
SOURCES = ("needs_analysis", "monitoring")
#: Implementation measures shown side by side per evaluation.
IMPLEMENTATION_MEASURES = ("assessed", "implemented", "completion_rate", "weighted_completion")


def _caption(key: str) -> dict[str, str]:
    return {lang: t(key, lang) for lang in ("lt", "en")}


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


def _rows(table: ResultTable, **where: str) -> list[dict[str, Any]]:
    data = table.require_checked().data
    mask = pd.Series(True, index=data.index)
    for k, v in where.items():
        mask &= data[k] == v
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
    res.add(_need_unmet(needs))
    res.add(_area_scores(needs))
    res.add(_criterion_scores(needs))
    diffs = res.add(_score_differences(needs))
    res.add(_need_capacity(needs))
    res.add(_service_index(needs))
    res.add(_priority_ranks(needs))
    res.add(_learning(diffs))
    res.add(_strategic(monitoring))
    res.add(_implementation(monitoring))
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
        id, frame, caption=_caption(f"overview.{id}.caption"), kind=kind, dims=dims, **options
    )


def _need_unmet(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["need_unmet"]
        for rec in _rows(tab, group="unit"):
            rows.append(
                carry(
                    tab,
                    rec,
                    keep=("n_interval",),
                    area=rec["area"],
                    municipality=m,
                    measure=rec["measure"],
                )
            )
    return _make(
        "need_unmet",
        rows,
        kind="share",
        dims=("area", "municipality", "measure"),
        values=("n_interval",),
        labels={
            "area": "areas",
            "municipality": "municipalities",
            "measure": "text:needs.needs.col",
        },
    )


def _area_scores(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["priorities"]
        for rec in _rows(tab, component="score"):
            rows.append(carry(tab, rec, municipality=m, area=rec["area"]))
    return _make(
        "area_scores",
        rows,
        kind="score",
        dims=("municipality", "area"),
        labels={"area": "areas", "municipality": "municipalities"},
    )


def _criterion_scores(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["criterion_scores"]
        for rec in _rows(tab, group="unit"):
            rows.append(
                carry(
                    tab,
                    rec,
                    keep=("n_interval",),
                    municipality=m,
                    area=rec["area"],
                    criterion=rec["criterion"],
                )
            )
    return _make(
        "criterion_scores",
        rows,
        kind="score",
        dims=("municipality", "area", "criterion"),
        values=("n_interval",),
        labels={"area": "areas", "municipality": "municipalities", "criterion": "criteria"},
    )


COMPARISON = ("p_adjusted", "significant", "direction", "family")


def _score_differences(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["criterion_scores"]
        for rec in _rows(tab, group="difference"):
            rows.append(
                carry(
                    tab,
                    rec,
                    keep=COMPARISON,
                    municipality=m,
                    area=rec["area"],
                    criterion=rec["criterion"],
                )
            )
    return _make(
        "score_differences",
        rows,
        kind="number",
        dims=("municipality", "area", "criterion"),
        values=COMPARISON,
        labels={"area": "areas", "municipality": "municipalities", "criterion": "criteria"},
    )


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


def _need_capacity(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["need_capacity"]
        for rec in tab.records():
            row = carry(tab, rec, municipality=m, area=rec["area"], measure=rec["measure"])
            if not row["suppressed"]:
                for other, where in SAME_FIGURE.get(rec["measure"], ()):
                    hit = _rows(src[other], area=rec["area"], **where)
                    if hit and bool(hit[0]["suppressed"]):
                        row["suppressed"], row["reason"] = True, hit[0]["reason"]
                        break
            rows.append(row)
    return _make(
        "need_capacity",
        rows,
        kind="score",
        dims=("municipality", "area", "measure"),
        labels={
            "area": "areas",
            "municipality": "municipalities",
            "measure": "text:needs.provider.measure",
        },
    )


#: Published columns of the service index besides the core ones.
INDEX_VALUES = (
    "status",
    "rank",
    "rank_min",
    "rank_max",
    "rank_min_methods",
    "rank_max_methods",
    "rank_min_sampling",
    "rank_max_sampling",
    "n_indicators",
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


def _priority_ranks(needs: list[tuple[str, Results]]) -> ResultTable:
    rows = []
    for m, src in needs:
        tab = src["priority_stability"]
        for rec in tab.records():
            rows.append(
                carry(
                    tab,
                    rec,
                    keep=("rank_min", "rank_max", "status"),
                    municipality=m,
                    area=rec["area"],
                )
            )
    return _make(
        "priority_ranks",
        rows,
        kind="rank",
        dims=("municipality", "area"),
        values=("rank_min", "rank_max", "status"),
        labels={"area": "areas", "municipality": "municipalities"},
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


def _strategic(monitoring: Results) -> ResultTable:
    tab = monitoring["strategic_completeness"]
    rows = [
        carry(tab, rec, keep=("status",), municipality=rec["municipality"])
        for rec in _rows(tab, measure="score")
    ]
    return _make(
        "strategic",
        rows,
        kind="score",
        dims=("municipality",),
        subject="records",
        values=("status",),
        labels={"municipality": "municipalities"},
    )


def _implementation(monitoring: Results) -> ResultTable:
    tab = monitoring["implementation"]
    rows = [
        carry(
            tab,
            rec,
            municipality=rec["municipality"],
            evaluation=rec["evaluation"],
            measure=rec["measure"],
        )
        for rec in tab.records()
        if rec["measure"] in IMPLEMENTATION_MEASURES
    ]
    return _make(
        "implementation",
        rows,
        kind="count",
        dims=("municipality", "evaluation", "measure"),
        subject="records",
        labels={
            "municipality": "municipalities",
            "evaluation": "text:monitoring.eval",
            "measure": "text:monitoring.col",
        },
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
