"""Report sections on small hand-built tables: the right numbers in the right cells, small
counts hidden (with a second cell where a total would give them away), text in the language."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from tsp_analysis.report import needs, provenance
from tsp_analysis.report.i18n import NBSP
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.table import Cube, Results, ResultTable, coord


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "\n", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html)]


# -- context and needs (checked tables) -----------------------------------------------------------
CAP = {"lt": "Lentelė", "en": "Table"}
POP = Cube(
    "population:akmene:2021", {"sex": ("female", "male"), "age_group": ("18_24", "25_34", "55_64")}
)


def _sex_age_results() -> Results:
    # 2 x 3 table; male 55_64 = 3 is below 5 (primary). The total is published too, so the
    # column and row totals are known: 3 could be recovered from its row and column.
    counts = {
        ("female", "18_24"): 40,
        ("female", "25_34"): 60,
        ("female", "55_64"): 12,
        ("male", "18_24"): 30,
        ("male", "25_34"): 80,
        ("male", "55_64"): 3,
    }
    total = sum(counts.values())
    rows = []
    for (sex, age), n in counts.items():
        c = coord(sex=sex, age_group=age)
        rows.append(
            {
                "sex": sex,
                "age_group": age,
                "measure": "count",
                "kind": "count",
                "estimate": n,
                "cube": POP.id,
                "coord": c,
            }
        )
        rows.append(
            {
                "sex": sex,
                "age_group": age,
                "measure": "share",
                "kind": "share",
                "estimate": n / total,
                "n": total,
                "of_cube": POP.id,
                "of_coord": c,
                "of_value": n,
            }
        )
    rows.append(
        {
            "sex": "total",
            "age_group": "total",
            "measure": "count",
            "kind": "count",
            "estimate": total,
            "cube": POP.id,
            "coord": coord(),
        }
    )
    res = Results("needs_analysis", "akmene", info={"year": 2021})
    res.add_cube(POP)
    res.add(
        ResultTable.make(
            "context_sex_age",
            pd.DataFrame(rows),
            caption=CAP,
            kind="count",
            dims=["sex", "age_group", "measure"],
            subject="population",
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)


def test_sex_age_table_states_the_true_reason_of_each_hidden_cell():
    res = _sex_age_results()
    html = needs.sex_age_table(res, "en")
    tab = res["context_sex_age"]
    reasons = {
        (r["sex"], r["age_group"], r["measure"]): r["reason"]
        for r in tab.records()
        if r["suppressed"]
    }
    assert reasons[("male", "55_64", "count")] == "small_count"
    # the second cell is hidden to protect the first, and says so (not "fewer than 5")
    assert reasons[("female", "55_64", "count")] == "protects_other"
    assert reasons[("female", "55_64", "share")] == "derived_from_hidden"
    assert 'data-reason="protects_other"' in html and 'data-reason="small_count"' in html
    assert "another hidden figure cannot be worked out" in html
    assert 'a count below <span data-safe="threshold">5</span>' in html
    cells = _cells(html)
    assert "12" not in cells and "3" not in cells
    assert "60" in cells and "80" in cells
    assert 'href="../data/needs_analysis-akmene/context_sex_age.csv"' in html


def _needs_results() -> Results:
    rows = [
        {
            "area": "health",
            "measure": "need",
            "group": "unit",
            "estimate": 0.42,
            "ci_low": 0.35,
            "ci_high": 0.49,
            "n": 57,
            "n_interval": 41.6,
        },
        {"area": "health", "measure": "need", "group": "rest", "estimate": 0.30, "n": 400},
        {
            "area": "health",
            "measure": "need",
            "group": "difference",
            "kind": "number",
            "estimate": 0.12,
            "n": 57,
            "p_adjusted": 0.004,
            "significant": 1.0,
            "direction": "higher",
        },
        {"area": "health", "measure": "unmet", "group": "unit", "estimate": 0.7, "n": 6},
        {"area": "health", "measure": "unmet", "group": "rest", "estimate": 0.5, "n": 120},
        {
            "area": "health",
            "measure": "unmet",
            "group": "difference",
            "kind": "number",
            "estimate": 0.2,
            "n": 6,
            "p_adjusted": 0.5,
            "significant": 0.0,
            "direction": "none",
        },
    ]
    res = Results(
        "needs_analysis",
        "kaunas",
        info={"comparisons": {"needs": {"size": 18, "method": "fdr_bh"}}},
    )
    res.add(
        ResultTable.make(
            "need_unmet",
            pd.DataFrame(rows),
            caption=CAP,
            kind="share",
            dims=["area", "measure", "group"],
            values=["n_interval", "p_adjusted", "significant", "direction"],
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)


def test_needs_table_shows_interval_base_rest_and_adjusted_p():
    html = needs.needs_table(_needs_results(), "lt")
    cells = _cells(html)
    # ▲ next to the municipality's own figure (direction "higher"), with the base and the
    # base the interval uses; the p column shows the adjusted p only
    assert f"42{NBSP}% (35–49{NBSP}%) ▲\nn = 57; intervalo bazė 42" in cells
    assert f"30{NBSP}%\nn = 400" in cells
    assert "0,004" in cells
    text = re.sub(r"<[^>]+>", "", html)
    assert "Benjamini ir Hochbergo" in text and "nereiškia, kad skirtumo nėra" in text
    assert cells.count("‡") == 2  # unmet need of Kaunas rests on 6 answers, and its difference
    assert f"50{NBSP}%\nn = 120" in cells  # the other municipalities' figure is still shown
    assert "0,5" not in html  # the p-value of a hidden difference is hidden with it


def _recommendation_results() -> Results:
    from tsp_analysis.recommend import load_rules

    rules = load_rules()
    unmet = rules[rules["condition"].str.contains("unmet")].iloc[0]
    wide = rules[rules["area"] == "-"].iloc[0]
    recs = pd.DataFrame(
        {
            "position": ["01", "02"],
            "recommendation_id": [f"akmene-{unmet['rule_id']}", f"akmene-{wide['rule_id']}"],
            "rule_id": [unmet["rule_id"], wide["rule_id"]],
            "tier": ["generic" if unmet["area"] == "*" else "specific", "municipality"],
            "area": ["health", ""],
            "areas": ["health", ""],
            "priority": [unmet["priority"], wide["priority"]],
            "practice_id": [unmet["practice_id"], ""],
            "metrics": ["unmet", ""],
            "languages": ["", ""],
        }
    )
    prio = pd.DataFrame(
        {
            "area": ["health"],
            "component": ["unmet"],
            "kind": ["share"],
            "estimate": [0.62],
            "n": [40],
        }
    )
    count = pd.DataFrame({"figure": ["fired", "shown"], "estimate": [2, 2]})
    res = Results("needs_analysis", "akmene")
    res.add(
        ResultTable.make("priorities", prio, caption=CAP, kind="index", dims=["area", "component"])
    )
    res.add(
        ResultTable.make(
            "criterion_scores",
            pd.DataFrame(columns=["area", "criterion", "group", "estimate", "n"]),
            caption=CAP,
            kind="score",
            dims=["area", "criterion", "group"],
        )
    )
    res.add(
        ResultTable.make(
            "information",
            pd.DataFrame(columns=["group", "category", "estimate", "n"]),
            caption=CAP,
            kind="share",
            dims=["group", "category"],
        )
    )
    res.add(
        ResultTable.make(
            "recommendations",
            recs,
            caption=CAP,
            kind="text",
            dims=list(recs.columns),
            subject="records",
        )
    )
    res.add(
        ResultTable.make(
            "recommendation_count",
            count,
            caption=CAP,
            kind="count",
            dims=["figure"],
            subject="records",
        )
    )
    return DisclosurePolicy(min_count=5, min_base=10).publish_one(res)


def test_recommendations_cite_their_evidence_from_checked_tables():
    res = _recommendation_results()
    html = needs.recommendations(res, "en")
    cells = _cells(html)
    assert "Whole municipality" in cells and "Health care" in cells
    assert 'data-cell="needs_analysis-akmene/priorities/area=health|component=unmet"' in html
    assert "62%" in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "2 rules fired; all are shown" in text
    assert f"akmene-{res['recommendations'].records()[0]['rule_id']}" in text
    assert 'data-cell="needs_analysis-akmene/recommendation_count/figure=fired"' in html


# -- monitoring and data review: tests/test_results_review.py (on checked results) -------------


# -- provenance ------------------------------------------------------------------------------------
def test_provenance_lists_inputs_parameters_versions_and_one_run_time(tmp_path):
    from tsp_analysis.paths import PROJECT_DIR

    hashes = {
        str(PROJECT_DIR / "data/demo/tsp_survey.csv"): "ab" * 32,
        str(tmp_path / "mine.csv"): "cd" * 32,
    }
    params = {"municipality": "akmene", "lang": "en", "inputs": {}, "min_count": 5}
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    html = provenance.provenance(hashes, params, "en", now=when)
    assert html.count('class="tsp-run-time"') == 1
    assert '<span class="tsp-run-time" data-safe="time">2024-05-01 12:30:00</span> UTC' in html
    assert f'<span data-safe="hash">{"ab" * 32}</span>' in html
    # inputs named in words, not by repository path; a file of the user's by its name only
    assert "TCN survey<" in html and "demonstration data shipped with the package" in html
    assert "data/demo" not in html and "tsp_survey" not in html
    assert "mine.csv" in html and str(tmp_path) not in html  # no local folders in a report
    assert "statsmodels" in html and "pandas" in html and "tsp-analysis" in html
    # parameters by their reader names and values in words
    assert "the demonstration data shipped with the package" in html
    assert "Akmenė District Municipality" in html and "Smallest count of people shown" in html
    assert "min_count" not in html and ">akmene<" not in html


def test_method_quotes_the_statistics_modules():
    from tsp_analysis import estimate

    html = provenance.method_quotes("lt")
    text = re.sub(r"<[^>]+>", "", html)  # its digits are marked as text for the privacy scan
    assert estimate.METHOD_NOTE["lt"][:60] in text
