"""Recommendations from transparent rules.

The rules are data (``data/reference/recommendation_rules.csv``), not code: each row has a
``rule_id``, the ``area`` it applies to (an area id; ``*`` for every area; ``-`` for the
municipality as a whole), a ``condition``, a ``priority`` (``high``/``medium``/``low``), the
recommendation text in Lithuanian and English (``{area}`` is replaced by the area's label) and a
``practice_id`` from the good-practice catalogue (``data/reference/good_practices.csv``, seeds 000
and 004), which may be empty.

Conditions are parsed by a small parser (no ``eval``): one or more clauses joined by ``and``,
each ``metric op number`` with ``op`` one of ``< <= > >= == !=``. Metrics, all on a 0–100 scale:

* per area (from :func:`tsp_analysis.scores.priority`): ``need``, ``unmet`` (percent),
  ``score``, ``capacity``, ``gap`` (need − capacity, points), ``priority``, ``rank``; and, when
  criterion scores are given, each criterion: ``coverage``, ``relevance``, ``accessibility``,
  ``quality``, ``inclusion``;
* for the municipality (from :func:`tsp_analysis.scores.information_channels`): ``info_<channel>``
  (percent using the channel), ``language_<code>`` (percent preferring the language) and
  ``info_non_lt`` (percent preferring a language other than Lithuanian).

A rule fires only when every metric it names is available; a suppressed figure (base too small)
is missing, so it never triggers a recommendation nor appears in the evidence.

**Every rule that fires is returned** (no cap by default), one row per rule: a rule for a named
area (*specific*) first, then rules for the municipality as a whole, then rules for every area
(``*``, *generic*), each tier by priority and then by the areas' priority rank. A generic rule
that fires in several areas is one row: its area-free text (``text_all_lt``/``text_all_en``),
the areas it covers (``areas``, most urgent first) and the evidence per area. Each row has a
stable ``recommendation_id`` (``<municipality>-<rule_id>``) that the monitoring register uses,
so a recommendation can be traced from the finding that produced it to its implementation.

A rule text may name ``{languages}``: the languages (other than Lithuanian) that at least
``language_threshold`` of respondents prefer for information, most preferred first (at least
the most preferred one), from :func:`tsp_analysis.scores.information_channels`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import reference
from .codebook import load_codebook
from .errors import InputError, Problem
from .paths import reference_dir
from .thresholds import DEFAULT_MIN_BASE

OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
AREA_METRICS = ("need", "unmet", "unmet_all", "score", "capacity", "gap", "priority", "rank")
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}
#: Order of the rule tiers: a named area, the municipality as a whole, every area.
TIERS = {"specific": 0, "municipality": 1, "generic": 2}
#: Share of respondents preferring a language for it to be named by a ``{languages}`` rule.
LANGUAGE_THRESHOLD = 0.2
_CLAUSE = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")

_LABELS = {
    "need": ("paslaugų reikėjo", "needed services"),
    "unmet": ("nepatenkintas poreikis", "unmet need"),
    "unmet_all": (
        "visų TŠP, kurių poreikis nepatenkintas",
        "of all TCNs with an unmet need",
    ),
    "score": ("paslaugų vertinimas", "service score"),
    "capacity": ("teikėjų kompetencijos ir ištekliai", "providers' competence and resources"),
    "gap": ("poreikio ir pajėgumų atotrūkis", "need–capacity gap"),
    "priority": ("prioriteto balas", "priority score"),
    "rank": ("prioriteto vieta", "priority rank"),
    "info_non_lt": (
        "informaciją ne lietuvių kalba renkasi",
        "prefer information in a language other than Lithuanian",
    ),
}
_PRIORITY_LABELS = {
    "high": ("aukštas", "high"),
    "medium": ("vidutinis", "medium"),
    "low": ("žemas", "low"),
}


@dataclass(frozen=True)
class Clause:
    """One ``metric op threshold`` comparison."""

    metric: str
    op: str
    threshold: float

    def holds(self, value: float) -> bool:
        return bool(OPS[self.op](value, self.threshold))


def parse_condition(text: str, allowed: set[str] | None = None) -> list[Clause]:
    """Parse ``"unmet >= 50 and rank <= 3"`` into clauses.

    Raises ``ValueError`` on anything else (unknown operator, a metric outside ``allowed``,
    a non-number), with the offending part in the message.

    >>> parse_condition("unmet >= 50 and rank <= 3")
    [Clause(metric='unmet', op='>=', threshold=50.0), Clause(metric='rank', op='<=', threshold=3.0)]
    """
    if not str(text).strip():
        raise ValueError("empty condition")
    clauses = []
    for part in re.split(r"\s+and\s+", str(text).strip()):
        m = _CLAUSE.match(part)
        if not m:
            raise ValueError(
                f"cannot read {part!r}: expected 'metric op number', e.g. 'unmet >= 50'"
            )
        metric, op, num = m.groups()
        if allowed is not None and metric not in allowed:
            raise ValueError(f"unknown metric {metric!r}; known: {sorted(allowed)}")
        clauses.append(Clause(metric, op, float(num)))
    return clauses


def allowed_metrics() -> set[str]:
    """Every metric a rule may use."""
    cb = load_codebook()
    names = set(AREA_METRICS) | set(reference.criterion_ids()) | {"info_non_lt"}
    names |= {q.id for q in cb.questions("tsp_survey", group="info_channel")}
    lang = cb.question("tsp_survey", "info_language")
    names |= {f"language_{c}" for c in cb.codes(lang.value_set, substantive=True)}
    return names


def load_rules(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the rule table; every problem is reported at once."""
    path = Path(path) if path else reference_dir() / "recommendation_rules.csv"
    rules = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    need = ["rule_id", "area", "condition", "priority", "text_lt", "text_en", "practice_id"]
    missing = [c for c in need if c not in rules]
    if missing:
        raise InputError(Problem(str(path), None, ", ".join(missing), None, f"columns {need}"))
    practices = set(load_practices()["practice_id"])
    areas = set(reference.area_ids()) | {"*", "-"}
    allowed = allowed_metrics()
    problems = []
    parsed = []
    for i, r in rules.iterrows():
        row = int(i) + 2
        if r["area"] not in areas:
            problems.append(Problem(str(path), row, "area", r["area"], "an area id, '*' or '-'"))
        if r["priority"] not in PRIORITY_ORDER:
            problems.append(
                Problem(str(path), row, "priority", r["priority"], "high, medium or low")
            )
        if r["practice_id"] and r["practice_id"] not in practices:
            problems.append(
                Problem(
                    str(path),
                    row,
                    "practice_id",
                    r["practice_id"],
                    "a practice in good_practices.csv",
                )
            )
        try:
            parsed.append(parse_condition(r["condition"], allowed))
        except ValueError as exc:
            problems.append(Problem(str(path), row, "condition", r["condition"], str(exc)))
            parsed.append([])
    if rules["rule_id"].duplicated().any():
        dup = rules.loc[rules["rule_id"].duplicated(), "rule_id"].tolist()
        problems.append(Problem(str(path), None, "rule_id", dup, "unique rule ids"))
    if problems:
        raise InputError(problems, message=f"{len(problems)} problem(s) in the rule table {path}")
    rules["clauses"] = parsed
    return _with_optional_columns(rules)


def _with_optional_columns(rules: pd.DataFrame) -> pd.DataFrame:
    """The area-free texts of generic rules default to the area text."""
    rules = rules.copy()
    for lang in reference.LANGUAGES:
        col = f"text_all_{lang}"
        if col not in rules:
            rules[col] = ""
        rules[col] = rules[col].fillna("").astype(str)
    return rules


#: How a catalogued practice is known: shown at one of the project's own events (seed 000's
#: round table), or part of the programme a study visit announced beforehand (seed 004) —
#: planned visit content, not a practice anyone has evaluated.
PRACTICE_EVIDENCE = ("presented", "visit_programme")


def load_practices(path: str | Path | None = None) -> pd.DataFrame:
    """The good-practice catalogue (``data/reference/good_practices.csv``).

    Raises
    ------
    ReferenceDataError
        A practice names an area that is not one of the 9, or an ``evidence`` kind not in
        :data:`PRACTICE_EVIDENCE`.
    """
    from .errors import ReferenceDataError
    from .reference import area_ids

    path = Path(path) if path else reference_dir() / "good_practices.csv"
    practices = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    known = set(area_ids())
    for i, rec in enumerate(practices.to_dict("records"), start=2):
        bad = [a for a in rec.get("areas", "").split(";") if a and a not in known]
        if bad or not rec.get("areas"):
            raise ReferenceDataError(
                f"{path.name}, row {i}, column areas: {rec.get('areas')!r}; expected one or more "
                f"of {sorted(known)} separated by ';'"
            )
        if rec.get("evidence") not in PRACTICE_EVIDENCE:
            raise ReferenceDataError(
                f"{path.name}, row {i}, column evidence: {rec.get('evidence')!r}; expected one "
                f"of {list(PRACTICE_EVIDENCE)}"
            )
    return practices


def practices_for_areas(
    areas: Sequence[str], practices: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The catalogued practices that fit each of ``areas``, in the order of ``areas`` and then
    of the catalogue: one row per (area, practice), columns ``area`` and the catalogue's.

    Examples
    --------
    >>> fits = practices_for_areas(["womens_rights"])
    >>> list(fits["practice_id"])
    ['pippi_power', 'ikf_women']
    """
    practices = load_practices() if practices is None else practices
    rows = []
    for area in areas:
        for rec in practices.to_dict("records"):
            if area in rec["areas"].split(";"):
                rows.append({"area": area, **rec})
    return pd.DataFrame(rows, columns=["area", *practices.columns])


def _fmt(value: float, lang: str, decimals: int = 0, sign: bool = False) -> str:
    s = f"{value:+.{decimals}f}" if sign else f"{value:.{decimals}f}"
    return s.replace(".", ",") if lang == "lt" else s


def _evidence(clause: Clause, value: float, n: float | None, lang: str) -> str:
    """One triggering figure in words, e.g. ``unmet need 42% (n = 57)``.

    Figures are rounded to whole numbers, or to one decimal when the whole number would seem to
    contradict the rule (49.6 shown as "50" for a rule "< 50").
    """
    decimals = 0 if clause.holds(round(value)) else 1
    return _evidence_text(clause.metric, value, n, lang, decimals)


def _evidence_text(metric: str, value: float, n: float | None, lang: str, decimals: int) -> str:
    li = 0 if lang == "lt" else 1
    base = "" if n is None or pd.isna(n) else f" (n = {int(n)})"
    pct = " %" if lang == "lt" else "%"
    if metric == "unmet_all":
        return f"{_fmt(value, lang, decimals)}{pct} {_LABELS[metric][li]}{base}"
    if metric in ("need", "unmet", "info_non_lt"):
        return f"{_LABELS[metric][li]} {_fmt(value, lang, decimals)}{pct}{base}"
    if metric in ("score", "capacity", "priority"):
        return f"{_LABELS[metric][li]} {_fmt(value, lang, decimals)}/100{base}"
    if metric == "gap":
        unit = " proc. p." if lang == "lt" else " points"
        return f"{_LABELS[metric][li]} {_fmt(value, lang, decimals, sign=True)}{unit}"
    if metric == "rank":
        return f"{_LABELS[metric][li]}: {int(value)}"
    if metric in reference.criterion_ids():
        label = reference.labels("criteria", lang)[metric]
        if lang == "lt":
            return f"kriterijaus „{label}“ vertinimas {_fmt(value, lang, decimals)}/100{base}"
        return f"“{label}” score {_fmt(value, lang, decimals)}/100{base}"
    cb = load_codebook()
    if metric.startswith("language_"):
        code = metric.removeprefix("language_")
        label = cb.value_labels(cb.question("tsp_survey", "info_language").value_set, lang)[code]
        if lang == "lt":
            return f"informaciją renkasi kalba „{label}“: {_fmt(value, lang, decimals)}{pct}{base}"
        return f"prefer information in {label}: {_fmt(value, lang, decimals)}{pct}{base}"
    label = cb.question("tsp_survey", metric).label(lang)
    if lang == "lt":
        return f"informacijos šaltinis „{label}“: {_fmt(value, lang, decimals)}{pct}{base}"
    return f"information channel “{label}”: {_fmt(value, lang, decimals)}{pct}{base}"


def _area_metrics(
    row: pd.Series, crit: pd.DataFrame | None
) -> dict[str, tuple[float, float | None]]:
    """Metric → (value on the rules' 0–100 scale, base n) for one area."""
    out: dict[str, tuple[float, float | None]] = {}

    def put(name, value, n=None):
        if value is not None and not pd.isna(value):
            out[name] = (float(value), n)

    put("need", row["need"] * 100 if not pd.isna(row["need"]) else None, row.get("need_n"))
    put("unmet", row["unmet"] * 100 if not pd.isna(row["unmet"]) else None, row.get("unmet_n"))
    unmet_all = row.get("unmet_all")
    if unmet_all is None and not (pd.isna(row["need"]) or pd.isna(row["unmet"])):
        unmet_all = row["need"] * row["unmet"]
    put(
        "unmet_all",
        None if unmet_all is None or pd.isna(unmet_all) else unmet_all * 100,
        row.get("need_n"),
    )
    put("score", row["score"], row.get("score_n"))
    put("capacity", row["capacity"], row.get("capacity_n"))
    put("gap", row.get("gap"))
    put("priority", row["priority"])
    put("rank", row["rank"])
    if crit is not None:
        for r in crit.itertuples(index=False):
            if not r.suppressed:
                put(r.criterion, r.estimate, r.n)
    return out


def _municipal_metrics(info: pd.DataFrame | None) -> dict[str, tuple[float, float | None]]:
    out: dict[str, tuple[float, float | None]] = {}
    if info is None:
        return out
    for r in info.itertuples(index=False):
        if r.suppressed or pd.isna(r.estimate):
            continue
        name = f"info_{r.category}" if r.kind == "channel" else f"language_{r.category}"
        out[name] = (float(r.estimate) * 100, r.n)
        if r.kind == "language" and r.category == "lt":
            out["info_non_lt"] = (100 - float(r.estimate) * 100, r.n)
    return out


def language_list(
    information: pd.DataFrame | None, lang: str, threshold: float = LANGUAGE_THRESHOLD
) -> tuple[list[str], list[tuple[str, float, float]]]:
    """Languages other than Lithuanian to publish information in, from the data.

    Returns the labels (in ``lang``) of the languages preferred by at least ``threshold`` of
    respondents, most preferred first — or, when none reaches it, the single most preferred
    one — and the evidence ``(code, share, n)`` of each. "Other" is never named (it is not a
    language one can publish in). Suppressed shares are not used.
    """
    if information is None:
        return [], []
    cb = load_codebook()
    labels = cb.value_labels(cb.question("tsp_survey", "info_language").value_set, lang)
    rows = information[
        (information["kind"] == "language")
        & ~information["category"].isin(["lt", "other"])
        & ~information["suppressed"].astype(bool)
        & information["estimate"].notna()
    ].sort_values(["estimate", "category"], ascending=[False, True], kind="stable")
    chosen = rows[rows["estimate"] >= threshold]
    if chosen.empty:
        chosen = rows.head(1)
    names = [labels[c].lower() if lang == "lt" else labels[c] for c in chosen["category"]]
    evidence = [
        (str(c), float(e), float(n))
        for c, e, n in zip(chosen["category"], chosen["estimate"], chosen["n"], strict=True)
    ]
    return names, evidence


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    last = " ir " if lang == "lt" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def recommend(
    priorities: pd.DataFrame,
    lang: str = "lt",
    *,
    criterion_scores: pd.DataFrame | None = None,
    information: pd.DataFrame | None = None,
    municipality: str | None = None,
    rules: pd.DataFrame | str | Path | None = None,
    practices: pd.DataFrame | str | Path | None = None,
    max_per_area: int | None = None,
    language_threshold: float = LANGUAGE_THRESHOLD,
) -> pd.DataFrame:
    """Evaluate the recommendation rules against one municipality's figures.

    Parameters
    ----------
    priorities : DataFrame
        :func:`tsp_analysis.scores.priority` output (one municipality, or several with a
        ``municipality`` column, then pass ``municipality``).
    lang : {"lt", "en"}
        Language of ``text``, ``evidence`` and the practice fields.
    criterion_scores : DataFrame, optional
        :func:`tsp_analysis.scores.criterion_scores` output, for rules on single criteria.
    information : DataFrame, optional
        :func:`tsp_analysis.scores.information_channels` output, for municipality-wide rules
        and the ``{languages}`` of a rule text.
    municipality : str, optional
        Which municipality to use when the inputs hold several; also the prefix of
        ``recommendation_id`` (taken from a single-valued ``municipality`` column otherwise).
    rules, practices : DataFrame or path, optional
        Alternative rule table / catalogue (default: the shipped ones).
    max_per_area : int, optional
        Keep at most this many single-area recommendations per area. Default: every
        recommendation that fired (the report shows them all; a cap hides specific advice).
    language_threshold : float
        Share of respondents (0–1) preferring a language for ``{languages}`` to name it.

    Returns
    -------
    DataFrame
        One row per fired rule: ``recommendation_id``, ``rule_id``, ``tier`` (``specific``,
        ``municipality``, ``generic``), ``area`` (the area of a single-area row; empty for a
        municipality-wide row and for a generic rule covering several areas), ``areas``
        (``;``-joined area ids covered, most urgent first), ``n_areas``, ``area_label`` (the
        areas' labels, comma-joined), ``priority`` (``high``/``medium``/``low``),
        ``priority_label``, ``text``, ``practice_id``, ``practice_name``,
        ``practice_description``, ``evidence`` (the triggering figures in words, e.g. "unmet
        need 42% (n = 57)"; per area, "Area: …", for a generic rule covering several).
        Sorted specific → municipality-wide → generic, then by priority, then by area rank.
    """
    reference.check_lang(lang)
    rules = load_rules(rules) if not isinstance(rules, pd.DataFrame) else rules
    if "clauses" not in rules:
        rules = rules.assign(
            clauses=[parse_condition(c, allowed_metrics()) for c in rules["condition"]]
        )
    rules = _with_optional_columns(rules)
    practices = load_practices(practices) if not isinstance(practices, pd.DataFrame) else practices
    practice = practices.set_index("practice_id")

    def select(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None or "municipality" not in frame:
            return frame
        chosen = municipality
        if chosen is None:
            present = frame["municipality"].dropna().unique()
            if len(present) > 1:
                raise ValueError(f"the figures cover {list(present)}; pass municipality=")
            return frame
        return frame[frame["municipality"] == chosen]

    slug = municipality
    if slug is None and "municipality" in priorities:
        present = priorities["municipality"].dropna().unique()
        slug = str(present[0]) if len(present) == 1 else None
    priorities = select(priorities)
    criterion_scores = select(criterion_scores)
    information = select(information)
    area_labels = reference.labels("areas", lang)
    units: list[tuple[str, int | float, dict]] = []
    for r in priorities.itertuples(index=False):
        row = pd.Series(r._asdict())
        crit = (
            None
            if criterion_scores is None
            else criterion_scores[criterion_scores["area"] == r.area]
        )
        units.append((r.area, r.rank if not pd.isna(r.rank) else np.inf, _area_metrics(row, crit)))
    units.append(("-", -1, _municipal_metrics(information)))
    languages, language_evidence = language_list(information, lang, language_threshold)
    rows = []
    for rule in rules.itertuples(index=False):
        hits = []
        for area, rank, metrics in units:
            if rule.area == "-" and area != "-":
                continue
            if rule.area == "*" and area == "-":
                continue
            if rule.area not in ("*", "-") and rule.area != area:
                continue
            if not all(c.metric in metrics for c in rule.clauses):
                continue
            if not all(c.holds(metrics[c.metric][0]) for c in rule.clauses):
                continue
            evidence = "; ".join(
                _evidence(c, metrics[c.metric][0], metrics[c.metric][1], lang) for c in rule.clauses
            )
            hits.append((area, rank, evidence))
        if not hits:
            continue
        hits.sort(key=lambda h: (h[1], h[0]))
        tier = "generic" if rule.area == "*" else "municipality" if rule.area == "-" else "specific"
        areas = [a for a, _, _ in hits if a != "-"]
        labels = [area_labels.get(a, "") for a in areas]
        text = getattr(rule, f"text_{lang}")
        if tier == "generic" and (len(hits) > 1 or getattr(rule, f"text_all_{lang}")):
            text = getattr(rule, f"text_all_{lang}") or text.replace("{area}", _join(labels, lang))
            evidence = " | ".join(f"{area_labels.get(a, a)}: {e}" for a, _, e in hits)
        else:
            text = text.replace("{area}", labels[0] if labels else "")
            evidence = hits[0][2]
        if "{languages}" in text:
            text = text.replace("{languages}", _join(languages, lang))
            if language_evidence:
                evidence += "; " + "; ".join(
                    _evidence_text(f"language_{c}", 100 * e, n, lang, 0)
                    for c, e, n in language_evidence
                )
        pid = rule.practice_id
        has_practice = bool(pid) and pid in practice.index
        rows.append(
            {
                "recommendation_id": f"{slug}-{rule.rule_id}" if slug else rule.rule_id,
                "rule_id": rule.rule_id,
                "tier": tier,
                "area": areas[0] if len(areas) == 1 else "",
                "areas": ";".join(areas),
                "n_areas": len(areas),
                "area_label": ", ".join(labels),
                "priority": rule.priority,
                "priority_label": _PRIORITY_LABELS[rule.priority][0 if lang == "lt" else 1],
                "text": text,
                "practice_id": pid if has_practice else "",
                "practice_name": practice.at[pid, f"name_{lang}"] if has_practice else "",
                "practice_description": (
                    practice.at[pid, f"description_{lang}"] if has_practice else ""
                ),
                "evidence": evidence,
                "_order": (TIERS[tier], PRIORITY_ORDER[rule.priority], hits[0][1]),
            }
        )
    columns = [
        "recommendation_id",
        "rule_id",
        "tier",
        "area",
        "areas",
        "n_areas",
        "area_label",
        "priority",
        "priority_label",
        "text",
        "practice_id",
        "practice_name",
        "practice_description",
        "evidence",
        "_order",
    ]
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values("_order", kind="stable").drop(columns="_order")
    if max_per_area is not None:
        single = out["n_areas"] == 1
        keep = ~single | (out.groupby("area", sort=False).cumcount() < max_per_area)
        out = out[keep]
    return out.reset_index(drop=True)


def needs_recommendations(
    tsp: pd.DataFrame,
    provider: pd.DataFrame,
    municipality: str,
    *,
    lang: str = "lt",
    min_base: int = DEFAULT_MIN_BASE,
    weight: str | None = "weight",
    **options,
) -> pd.DataFrame:
    """The recommendations of one municipality's needs analysis, from the clean surveys.

    The one place that chains the needs analysis into the rules (priorities from need, unmet
    need, area scores and provider capacity; criterion scores; information languages), so the
    report and the monitoring register (the synthetic generator builds the demo register from
    it) get the same recommendations with the same ``recommendation_id``.

    Parameters
    ----------
    tsp : DataFrame
        Clean, weighted TŠP survey (every municipality, or only this one).
    provider : DataFrame
        Clean provider survey.
    municipality : str
        Slug.
    lang, min_base, weight
        As in :func:`recommend` and the estimators.
    **options
        Passed to :func:`recommend`.

    Returns
    -------
    DataFrame
        :func:`recommend` output with ``municipality`` as its first column.
    """
    from . import scores

    mine = tsp[tsp["municipality"] == municipality]
    prov = provider[provider["municipality"] == municipality]
    need = scores.need_unmet(mine, weight=weight, min_base=min_base)
    area = scores.area_scores(mine, weight=weight, min_base=min_base)
    cap = scores.provider_scores(prov, min_base=min_base)
    prio = scores.priority(need, area, cap)
    crit = scores.criterion_scores(mine, weight=weight, min_base=min_base)
    info = scores.information_channels(mine, weight=weight, min_base=min_base)
    out = recommend(
        prio, lang, criterion_scores=crit, information=info, municipality=municipality, **options
    )
    out.insert(0, "municipality", municipality)
    return out
