"""Key findings from checked tables: the right figures are picked, hidden ones are never
mentioned, every number is a span of a checked cell."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from tsp_analysis.report import findings
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.table import Results, ResultTable, UncheckedTableError

CAP = {"lt": "Lentelė", "en": "Table"}


def _rows(area, est, lo, hi, n, rest, rest_n=200, p_adj=np.nan, significant=False, **dims):
    unit = {"group": "unit", "estimate": est, "ci_low": lo, "ci_high": hi, "n": n}
    other = {"group": "rest", "estimate": rest, "n": rest_n}
    diff = {
        "group": "difference",
        "kind": "number",
        "n": min(n, rest_n),
        "estimate": est - rest if rest is not None and not np.isnan(est) else np.nan,
        "p_adjusted": p_adj,
        "significant": float(significant) if not np.isnan(p_adj) else np.nan,
    }
    return [{"area": area, **dims, **r} for r in (unit, other, diff)]


def _results(significant: bool = True, everything_small: bool = False) -> Results:
    need = [
        *_rows("health", 0.62, 0.50, 0.73, 34, 0.55, p_adj=0.4, measure="need"),
        *_rows(
            "employment",
            0.48,
            0.36,
            0.60,
            34,
            0.30,
            p_adj=0.003,
            significant=significant,
            measure="need",
        ),
        *_rows("culture", 0.9, 0.5, 1.0, 4, 0.5, measure="need"),
        *_rows("health", 0.45, 0.30, 0.61, 21, 0.40, p_adj=0.8, measure="unmet"),
        # a large share on a small base: hidden, and so never the "largest unmet need"
        *_rows("employment", 0.90, 0.60, 0.98, 8, 0.35, p_adj=0.01, measure="unmet"),
    ]
    scores = [
        *_rows(
            "health",
            38.0,
            30.0,
            46.0,
            15,
            55.0,
            p_adj=0.02,
            significant=significant,
            criterion="accessibility",
        ),
        *_rows("health", 52.0, 44.0, 60.0, 15, 50.0, p_adj=0.9, criterion="quality"),
        *_rows("employment", 12.0, 0.0, 40.0, 6, 50.0, criterion="coverage"),
    ]
    prio = [
        {"area": "health", "component": "rank", "kind": "rank", "estimate": 2, "n": 15},
        {"area": "employment", "component": "rank", "kind": "rank", "estimate": 1, "n": 12},
        {"area": "culture", "component": "rank", "kind": "rank", "estimate": 4, "n": 3},
        {"area": "education", "component": "rank", "kind": "rank", "estimate": 3, "n": 11},
    ]
    frames = {
        "need_unmet": pd.DataFrame(need),
        "criterion_scores": pd.DataFrame(scores),
        "priorities": pd.DataFrame(prio),
    }
    if everything_small:
        for f in frames.values():
            f["n"] = 3
    res = Results("needs_analysis", "akmene")
    res.add(
        ResultTable.make(
            "need_unmet",
            frames["need_unmet"],
            caption=CAP,
            kind="share",
            dims=["area", "measure", "group"],
            values=["p_adjusted", "significant"],
        )
    )
    res.add(
        ResultTable.make(
            "criterion_scores",
            frames["criterion_scores"],
            caption=CAP,
            kind="score",
            dims=["area", "criterion", "group"],
            values=["p_adjusted", "significant"],
        )
    )
    res.add(
        ResultTable.make(
            "priorities",
            frames["priorities"],
            caption=CAP,
            kind="index",
            dims=["area", "component"],
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_largest_unmet_ignores_hidden_figures():
    text = _text(findings.largest_unmet(_results(), "en"))
    assert "Health care" in text and "45%" in text and "(95% CI 30–61%; n = 21)" in text
    assert "90%" not in text and "Employment" not in text


def test_weakest_criteria_are_the_lowest_published_scores():
    text = _text(findings.weakest_criteria(_results(), "lt"))
    assert text == (
        "Prasčiausiai vertinama: „Prieinamumas“ srityje „Sveikatos priežiūra“ – 38 iš 100 "
        "(95 % PI 30–46) ir „Kokybė“ srityje „Sveikatos priežiūra“ – 52 iš 100 (95 % PI 44–60)."
    )
    assert "12" not in text  # the coverage score rests on 6 answers


def test_significant_differences_are_reported_with_adjusted_p():
    out = [_text(s) for s in findings.differences(_results(), "en")]
    assert len(out) == 2
    assert out[0].startswith("In Employment, services were needed more often")
    assert "48% against 30% (difference +18 pp; adjusted p =\u00a00.003)" in out[0]
    assert out[1].startswith("Accessibility in Health care is rated lower")
    assert "38 out of 100 against 55 (difference 17 points; adjusted p =\u00a00.020)" in out[1]


def test_no_significant_difference_gives_one_plain_sentence():
    out = findings.differences(_results(significant=False), "lt")
    assert len(out) == 1
    assert "statistiškai reikšmingų skirtumų" in out[0]
    # 5 tests: difference rows with a p-value whose both sides are published (the unmet need
    # of Employment rests on 8 answers and is hidden)
    assert "palyginimų skaičius – 5" in _text(out[0])


def test_every_number_in_the_findings_is_a_checked_cell():
    html = findings.key_findings(_results(), "en")
    items = re.findall(r"<li>(.*?)</li>", html)
    assert 3 <= len(items) <= 6
    bases = [int(n) for n in re.findall(r'data-n="(\d+)"', html)]
    assert bases and min(bases) >= 10
    cells = re.findall(r'data-cell="([^"]+)"', html)
    assert cells and all(c.startswith("needs_analysis-akmene/") for c in cells)
    # digits outside a marked span: none
    bare = re.sub(r'<span[^>]*data-(?:cell|safe)="[^"]*"[^>]*>[^<]*</span>', "", html)
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", bare))
    # the rank of Culture rests on 3 answers: hidden, so not among the priorities
    assert "Priority areas by the priority score: Employment, Health care and Education" in (
        _text(html)
    )


def test_key_findings_when_everything_is_hidden():
    html = findings.key_findings(_results(everything_small=True), "lt")
    assert _text(html) == "Duomenų per mažai patikimoms išvadoms: visi įverčiai neskelbiami."


def test_findings_refuse_unchecked_tables():
    res = _results()
    raw = Results("needs_analysis", "akmene")
    for tab in res:
        raw.tables[tab.id] = tab.with_data(tab.data, checked=False)
    with pytest.raises(UncheckedTableError):
        findings.key_findings(raw, "en")
