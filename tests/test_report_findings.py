"""Key findings: the right figures are picked, suppressed ones are never mentioned."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from tsp_analysis.report import findings


def _row(measure, area, est, lo, hi, n, criterion=None, suppressed=False, rest=None, rest_n=200,
         p_adj=np.nan, significant=False):
    return {
        "municipality": "akmene", "measure": measure, "area": area, "criterion": criterion,
        "estimate": est, "ci_low": lo, "ci_high": hi, "n": n, "n_eff": n * 0.8,
        "suppressed": suppressed, "rest_estimate": rest, "rest_n": rest_n,
        "difference": (est - rest) if rest is not None and not np.isnan(est) else np.nan,
        "p_value": p_adj, "p_adjusted": p_adj, "significant": significant,
    }


def _comparison(significant: bool = True) -> pd.DataFrame:
    rows = [
        _row("need", "health", 0.62, 0.50, 0.73, 34, rest=0.55, p_adj=0.4),
        _row("need", "employment", 0.48, 0.36, 0.60, 34, rest=0.30, p_adj=0.003,
             significant=significant),
        _row("need", "culture", np.nan, np.nan, np.nan, 4, suppressed=True),
        _row("unmet", "health", 0.45, 0.30, 0.61, 21, rest=0.40, p_adj=0.8),
        _row("unmet", "employment", 0.90, 0.60, 0.98, 8, rest=0.35, p_adj=0.01),  # small base
        _row("unmet", "culture", np.nan, np.nan, np.nan, 2, suppressed=True),
        _row("score", "health", 38.0, 30.0, 46.0, 15, criterion="accessibility", rest=55.0,
             p_adj=0.02, significant=significant),
        _row("score", "health", 52.0, 44.0, 60.0, 15, criterion="quality", rest=50.0, p_adj=0.9),
        _row("score", "employment", 12.0, 0.0, 40.0, 6, criterion="coverage", rest=50.0),
    ]
    return pd.DataFrame(rows)


def _priorities() -> pd.DataFrame:
    return pd.DataFrame({"area": ["health", "employment", "culture", "education"],
                         "rank": pd.array([2, 1, pd.NA, 3], dtype="Int64")})


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_largest_unmet_ignores_small_and_suppressed_bases():
    sentence = findings.largest_unmet(_comparison(), "en", min_base=10)
    text = _text(sentence)
    assert "Health care" in text and "45%" in text and "(95% CI 30–61%; n = 21)" in text
    assert "90%" not in text and "Employment" not in text


def test_weakest_criteria_are_the_lowest_publishable_scores():
    text = _text(findings.weakest_criteria(_comparison(), "lt", min_base=10))
    assert text == (
        "Prasčiausiai vertinama: „Prieinamumas“ srityje „Sveikatos priežiūra“ – 38 iš 100 "
        "(95 % PI 30–46) ir „Kokybė“ srityje „Sveikatos priežiūra“ – 52 iš 100 (95 % PI 44–60)."
    )
    assert "12" not in text  # the coverage score rests on 6 answers


def test_significant_differences_are_reported_with_adjusted_p():
    out = [_text(s) for s in findings.differences(_comparison(), "en", min_base=10)]
    assert len(out) == 2
    assert out[0].startswith("In Employment, services were needed more often")
    assert "48% against 30% (difference +18 pp; adjusted p =\u00a00.003)" in out[0]
    assert out[1].startswith("Accessibility in Health care is rated lower")
    assert "38 out of 100 against 55 (difference 17 points; adjusted p =\u00a00.020)" in out[1]


def test_no_significant_difference_gives_one_plain_sentence():
    out = findings.differences(_comparison(significant=False), "lt", min_base=10)
    assert len(out) == 1
    assert "statistiškai reikšmingų skirtumų" in out[0]
    # 5 tests: rows with a p-value whose base is publishable (unmet employment, n = 8, is not)
    assert "palyginimų skaičius – 5" in out[0]


def test_key_findings_numbers_all_carry_publishable_bases():
    html = findings.key_findings(_comparison(), _priorities(), "en", min_base=10)
    items = re.findall(r"<li>(.*?)</li>", html)
    assert 3 <= len(items) <= 6
    bases = [int(n) for n in re.findall(r'data-n="(\d+)"', html)]
    assert bases and min(bases) >= 10
    assert "Priority areas by the priority score: Employment, Health care and Education" in (
        _text(html))


def test_key_findings_when_everything_is_suppressed():
    comparison = _comparison()
    comparison["suppressed"] = True
    html = findings.key_findings(comparison, None, "lt", min_base=10)
    assert _text(html) == "Duomenų per mažai patikimoms išvadoms: visi įverčiai neskelbiami."
