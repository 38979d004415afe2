"""Report sections on small hand-built tables: the right numbers in the right cells, small
counts hidden (with a second cell where a total would give them away), text in the language."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from tsp_analysis.report import needs, provenance
from tsp_analysis.report.i18n import NBSP


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "\n", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


# -- context ------------------------------------------------------------------------------------
def _sex_age() -> pd.DataFrame:
    # 2 x 3 table; male 55_64 = 3 is below 5 (primary). Total TŠP is published elsewhere, so
    # the column and row totals are known: 3 could be recovered from its row and column.
    rows = [("female", "18_24", 40), ("female", "25_34", 60), ("female", "55_64", 12),
            ("male", "18_24", 30), ("male", "25_34", 80), ("male", "55_64", 3)]
    frame = pd.DataFrame(rows, columns=["sex", "age_group", "count"])
    total = frame["count"].sum()
    frame["share"] = frame["count"] / total
    frame["suppressed"] = frame["count"] < 5
    frame.loc[frame["suppressed"], ["count", "share"]] = np.nan
    return frame.assign(municipality="akmene", year=2021)


def test_sex_age_table_adds_secondary_suppression():
    html = needs.sex_age_table(_sex_age(), "en", min_count=5)
    hidden = needs.secondary_mask(_sex_age(), "age_group", "sex", 5)
    # the smallest other cell of the row (female 55_64 = 12) and of the column (male 18_24 = 30)
    assert hidden[("55_64", "male")] and hidden[("55_64", "female")]
    assert hidden[("18_24", "male")]
    assert not hidden[("25_34", "female")]
    cells = _cells(html)
    assert "12" not in cells and "3" not in cells and "30" not in cells
    assert "60" in cells and "80" in cells
    assert html.count('data-suppressed="true"') >= 6  # 3 counts and their 3 shares


def test_citizenship_table_hides_a_lone_small_country():
    top = pd.DataFrame({
        "municipality": "akmene", "year": 2021, "rank": [1, 2, 3, pd.NA],
        "citizenship": ["UA", "BY", "RU", "other"], "count": [177, 80, np.nan, 9],
        "share": [0.6, 0.27, np.nan, 0.03], "suppressed": [False, False, True, False],
    })
    html = needs.citizenship_table(top, "lt", min_count=5)
    cells = _cells(html)
    assert "Ukraina" in cells and "177" in cells
    assert "9" not in cells  # the next smallest goes too: the total would reveal Russia's count
    assert html.count('data-suppressed="true"') == 4


# -- needs -----------------------------------------------------------------------------------------
def _comparison() -> pd.DataFrame:
    return pd.DataFrame({
        "municipality": "kaunas", "measure": ["need", "unmet"], "area": "health",
        "criterion": pd.NA, "estimate": [0.42, np.nan], "ci_low": [0.35, np.nan],
        "ci_high": [0.49, np.nan], "n": [57, 6], "n_eff": [50.0, 6.0], "suppressed": [False, True],
        "rest_estimate": [0.30, 0.5], "rest_n": [400, 120], "difference": [0.12, np.nan],
        "p_value": [0.001, np.nan], "p_adjusted": [0.004, np.nan], "significant": [True, False],
    })


def test_needs_table_shows_interval_base_rest_and_adjusted_p():
    html = needs.needs_table(_comparison(), "lt", min_base=10)
    cells = _cells(html)
    assert f"42{NBSP}% (35–49{NBSP}%)\nn = 57" in cells
    assert f"30{NBSP}%\nn = 400\np ={NBSP}0,004 ▲" in cells
    assert "‡" in cells  # unmet need of Kaunas rests on 6 answers
    assert f"50{NBSP}%\nn = 120" in cells  # the other municipalities' figure is still shown


def test_recommendations_keep_the_top_areas_and_say_how_many_fired():
    recs = pd.DataFrame({
        "rule_id": ["r1", "r1", "r1", "r2"], "area": ["health", "culture", "education", "-"],
        "text": ["A", "B", "C", "D"], "evidence": ["e1", "e2", "e3", "e4"],
        "practice_name": ["SPEAK", "SPEAK", None, ""], "practice_description": ["x", "x", None, ""],
    })
    prio = pd.DataFrame({"area": ["health", "culture", "education"],
                         "rank": pd.array([1, 5, 2], dtype="Int64")})
    html = needs.recommendations(recs, "en", prio, top=2)
    cells = _cells(html)
    assert "A" in cells and "C" in cells and "D" in cells and "B" not in cells
    assert "Whole municipality" in cells
    assert "(3 shown; 4 rules fired in all)" in html
    assert html.count("<li><strong>SPEAK</strong>") == 1  # each practice described once


# -- monitoring and data review: tests/test_results_review.py (on checked results) -------------


# -- provenance ------------------------------------------------------------------------------------
def test_provenance_lists_inputs_parameters_versions_and_one_run_time(tmp_path):
    from tsp_analysis.paths import PROJECT_DIR

    hashes = {str(PROJECT_DIR / "data/demo/tsp_survey.csv"): "ab" * 32,
              str(tmp_path / "mine.csv"): "cd" * 32}
    params = {"municipality": "akmene", "lang": "en", "inputs": {}, "min_count": 5}
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    html = provenance.provenance(hashes, params, "en", now=when)
    assert html.count('class="tsp-run-time"') == 1
    assert '<span class="tsp-run-time">2024-05-01 12:30:00 UTC</span>' in html
    assert "data/demo/tsp_survey.csv" in html and "ab" * 32 in html
    assert "mine.csv" in html and str(tmp_path) not in html  # no local folders in a report
    assert "statsmodels" in html and "pandas" in html and "tsp-analysis" in html
    assert "the shipped demonstration data" in html


def test_method_quotes_the_statistics_modules():
    from tsp_analysis import estimate

    html = provenance.method_quotes("lt")
    assert estimate.METHOD_NOTE["lt"][:60] in html
