"""Recommendation rules: the parser, firing with evidence, suppression, and the shipped tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import recommend, reference
from tsp_analysis.errors import InputError

RULES_COLUMNS = ["rule_id", "area", "condition", "priority", "text_lt", "text_en", "practice_id"]


def _priorities(overrides=None):
    rows = []
    for i, a in enumerate(reference.area_ids(), start=1):
        rows.append(
            {
                "area": a,
                "need": 0.2,
                "need_n": 200,
                "unmet": 0.1,
                "unmet_n": 40,
                "score": 75.0,
                "score_n": 35,
                "capacity": 70.0,
                "capacity_n": 15,
                "gap": -50.0,
                "priority": 30.0,
                "rank": i,
                "complete": True,
            }
        )
    frame = pd.DataFrame(rows)
    for (area, col), value in (overrides or {}).items():
        frame.loc[frame["area"] == area, col] = value
    return frame


def _rules(*rows):
    return pd.DataFrame([dict(zip(RULES_COLUMNS, r, strict=True)) for r in rows])


def test_condition_parser_reads_clauses_joined_by_and():
    c = recommend.parse_condition("unmet >= 50 and rank <= 3")
    assert [(x.metric, x.op, x.threshold) for x in c] == [
        ("unmet", ">=", 50.0),
        ("rank", "<=", 3.0),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x') > 1",
        "unmet >= 50 or rank <= 3",
        "unmet => 50",
        "unmet >= fifty",
        "",
    ],
)
def test_condition_parser_refuses_anything_else(text):
    with pytest.raises(ValueError):
        recommend.parse_condition(text, recommend.allowed_metrics())


def test_unknown_metric_is_refused():
    with pytest.raises(ValueError, match="unknown metric 'happiness'"):
        recommend.parse_condition("happiness < 3", recommend.allowed_metrics())


def test_rule_fires_with_its_evidence_in_the_requested_language():
    prio = _priorities({("health", "unmet"): 0.42, ("health", "unmet_n"): 57})
    rules = _rules(
        ("r1", "*", "unmet >= 40", "high", "Sritis {area}", "Area {area}", "lund_ukraine")
    )
    en = recommend.recommend(prio, "en", rules=rules)
    assert en[["rule_id", "area"]].to_dict("records") == [{"rule_id": "r1", "area": "health"}]
    assert en["evidence"].iloc[0] == "unmet need 42% (n = 57)"
    assert en["text"].iloc[0] == "Area Health care"
    assert "Lund" in en["practice_name"].iloc[0]
    lt = recommend.recommend(prio, "lt", rules=rules)
    assert lt["evidence"].iloc[0] == "nepatenkintas poreikis 42 % (n = 57)"
    assert lt["text"].iloc[0] == "Sritis Sveikatos priežiūra"
    assert "Lundo" in lt["practice_name"].iloc[0]


def test_all_clauses_must_hold():
    prio = _priorities({("employment", "need"): 0.6, ("employment", "rank"): 5})
    rules = _rules(("r", "*", "need >= 50 and rank <= 3", "high", "t", "t", ""))
    assert recommend.recommend(prio, "en", rules=rules).empty
    prio.loc[prio["area"] == "employment", "rank"] = 2
    out = recommend.recommend(prio, "en", rules=rules)
    assert out["area"].tolist() == ["employment"]
    assert out["evidence"].iloc[0] == "needed services 60% (n = 200); priority rank: 2"


def test_suppressed_figure_never_fires_a_rule():
    prio = _priorities({("culture", "score"): np.nan, ("culture", "score_n"): 4})
    rules = _rules(("r", "culture", "score < 90", "medium", "t", "t", ""))
    assert recommend.recommend(prio, "en", rules=rules).empty


def test_area_specific_rule_applies_only_to_its_area():
    prio = _priorities({("education", "unmet"): 0.5, ("health", "unmet"): 0.5})
    rules = _rules(("edu", "education", "unmet >= 30", "high", "t", "t", "abf_language"))
    out = recommend.recommend(prio, "en", rules=rules)
    assert out["area"].tolist() == ["education"]


def test_criterion_rule_uses_criterion_scores():
    prio = _priorities()
    crit = pd.DataFrame(
        {
            "area": ["health", "health"],
            "criterion": ["accessibility", "quality"],
            "estimate": [49.6, 80.0],
            "n": [30, 30],
            "suppressed": [False, False],
        }
    )
    rules = _rules(("acc", "*", "accessibility < 50", "high", "t", "t", ""))
    out = recommend.recommend(prio, "en", criterion_scores=crit, rules=rules)
    assert out["area"].tolist() == ["health"]
    # 49.6 is not rounded up to a "50" that would contradict "< 50"
    assert out["evidence"].iloc[0] == "“Accessibility” score 49.6/100 (n = 30)"


def test_municipality_wide_rule_reads_information_channels():
    info = pd.DataFrame(
        {
            "kind": ["channel", "language", "language"],
            "category": ["municipal_website", "lt", "ru"],
            "estimate": [0.2, 0.15, 0.85],
            "n": [300, 290, 290],
            "suppressed": False,
        }
    )
    rules = _rules(
        ("lang", "-", "info_non_lt >= 50", "high", "t", "Publish in Russian", ""),
        ("web", "-", "info_municipal_website < 30", "medium", "t", "w", ""),
    )
    out = recommend.recommend(_priorities(), "en", information=info, rules=rules)
    assert out["rule_id"].tolist() == ["lang", "web"]
    assert out["area"].tolist() == ["", ""] and (out["tier"] == "municipality").all()
    assert out["evidence"].iloc[0] == (
        "prefer information in a language other than Lithuanian 85% (n = 290)"
    )


def _languages(**shares):
    return pd.DataFrame(
        {
            "kind": "language",
            "category": list(shares),
            "estimate": list(shares.values()),
            "n": 120,
            "suppressed": False,
        }
    )


def test_language_rule_names_the_languages_the_data_show():
    # Akmenė-like: Ukrainian 40 %, Russian 28 %, English 7 %, Lithuanian 15 %, other 10 %
    info = _languages(lt=0.15, en=0.07, ru=0.28, uk=0.40, other=0.10)
    out = recommend.recommend(_priorities(), "en", information=info)
    row = out[out["rule_id"] == "information_languages"].iloc[0]
    assert row["text"].endswith("on the municipal website in Ukrainian and Russian.")
    assert "prefer information in Ukrainian: 40% (n = 120)" in row["evidence"]
    assert "prefer information in Russian: 28% (n = 120)" in row["evidence"]
    lt = recommend.recommend(_priorities(), "lt", information=info)
    text = lt.loc[lt["rule_id"] == "information_languages", "text"].iloc[0]
    assert text.endswith("šiomis kalbomis: ukrainiečių ir rusų.")
    # a Russian/English-speaking municipality gets Russian and English, never "other"
    info2 = _languages(lt=0.1, en=0.3, ru=0.45, uk=0.05, other=0.1)
    out2 = recommend.recommend(_priorities(), "en", information=info2)
    text2 = out2.loc[out2["rule_id"] == "information_languages", "text"].iloc[0]
    assert text2.endswith("in Russian and English.")
    # none reaches the threshold: the most preferred one is named
    names, _ = recommend.language_list(_languages(lt=0.5, en=0.1, ru=0.15, uk=0.15), "en")
    assert names == ["Russian"]


def test_every_fired_rule_is_returned_specific_first_and_generic_once_with_its_areas():
    prio = _priorities(
        {
            ("health", "unmet"): 0.6,
            ("employment", "unmet"): 0.7,
            ("education", "unmet"): 0.55,
        }
    )
    rules = _rules(
        ("gen", "*", "unmet >= 50", "high", "In {area}", "In {area}", ""),
        ("emp", "employment", "unmet >= 30", "medium", "e", "Employment pathway", ""),
        ("hea", "health", "unmet >= 40", "high", "h", "Health coordination", ""),
    ).assign(text_all_lt="Kai kuriose srityse", text_all_en="In some areas")
    out = recommend.recommend(prio, "en", rules=rules, municipality="akmene")
    # 3 rules fired: every one is a row, specific (high before medium) before generic
    assert out["rule_id"].tolist() == ["hea", "emp", "gen"]
    assert out["tier"].tolist() == ["specific", "specific", "generic"]
    gen = out.iloc[2]
    # education rank 1, employment rank 2, health rank 4 (see _priorities): most urgent first
    assert gen["areas"] == "education;employment;health" and gen["n_areas"] == 3
    assert gen["area"] == "" and gen["text"] == "In some areas"
    assert gen["area_label"] == "Education and childcare, Employment, Health care"
    assert gen["evidence"].startswith("Education and childcare: unmet need 55% (n = 40) | ")
    assert out["recommendation_id"].tolist() == ["akmene-hea", "akmene-emp", "akmene-gen"]
    # the same ids in the other language: the id does not depend on the wording
    lt = recommend.recommend(prio, "lt", rules=rules, municipality="akmene")
    assert lt["recommendation_id"].tolist() == out["recommendation_id"].tolist()


def test_generic_rule_firing_in_one_area_keeps_that_area():
    prio = _priorities({("health", "unmet"): 0.6})
    rules = _rules(("gen", "*", "unmet >= 50", "high", "In {area}", "In {area}", ""))
    out = recommend.recommend(prio, "en", rules=rules)
    assert out["area"].tolist() == ["health"] and out["text"].tolist() == ["In Health care"]
    assert out["recommendation_id"].tolist() == ["gen"]  # no municipality known: the rule id


def test_cap_applies_only_when_asked():
    prio = _priorities({("health", "unmet"): 0.6, ("health", "score"): 30.0})
    rules = _rules(
        ("a", "health", "unmet >= 50", "high", "t", "t", ""),
        ("b", "health", "score < 50", "medium", "t", "t", ""),
    )
    assert len(recommend.recommend(prio, "en", rules=rules)) == 2
    assert recommend.recommend(prio, "en", rules=rules, max_per_area=1)["rule_id"].tolist() == ["a"]


def test_several_municipalities_need_a_choice():
    a = _priorities().assign(municipality="vilnius")
    b = _priorities({("health", "unmet"): 0.9}).assign(municipality="kaunas")
    both = pd.concat([a, b], ignore_index=True)
    rules = _rules(("r", "*", "unmet >= 50", "high", "t", "t", ""))
    with pytest.raises(ValueError, match="municipality="):
        recommend.recommend(both, "en", rules=rules)
    assert len(recommend.recommend(both, "en", rules=rules, municipality="vilnius")) == 0
    assert len(recommend.recommend(both, "en", rules=rules, municipality="kaunas")) == 1


def test_shipped_rules_and_catalogue_are_consistent():
    rules = recommend.load_rules()
    practices = recommend.load_practices()
    assert rules["rule_id"].is_unique and len(rules) >= 15
    assert set(rules["practice_id"]) - {""} <= set(practices["practice_id"])
    names = " ".join(practices["name_en"])
    for needed in (
        "SPEAK Kaunas",
        "Danish Refugee Council",
        "Skåne Partnership",
        "ABF",
        "Studiefrämjandet",
        "Pippi power",
        "IKF",
        "Hej Främling",
        "Lund",
        "Roskilde",
    ):
        assert needed in names
    # Lithuanian text keeps its diacritics
    lt = " ".join(rules["text_lt"]) + " ".join(practices["description_lt"])
    assert all(ch in lt for ch in "ąčęėįšųūž")
    assert practices["source"].str.match(r"00[04]_").all()


def test_bad_rule_table_reports_every_problem(tmp_path):
    path = tmp_path / "rules.csv"
    _rules(
        ("a", "nowhere", "unmet >= 1", "high", "t", "t", ""),
        ("b", "*", "unmet >>= 1", "urgent", "t", "t", "no_such_practice"),
    ).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        recommend.load_rules(path)
    text = str(err.value)
    assert "row 2, column 'area'" in text and "row 3, column 'condition'" in text
    assert "column 'priority'" in text and "column 'practice_id'" in text


def test_practices_fit_areas_in_catalogue_order_and_say_how_they_are_known():
    fits = recommend.practices_for_areas(["womens_rights", "culture"])
    assert list(zip(fits["area"], fits["practice_id"], strict=True)) == [
        ("womens_rights", "pippi_power"),
        ("womens_rights", "ikf_women"),
        ("culture", "speak_kaunas"),
    ]
    catalogue = recommend.load_practices().set_index("practice_id")
    # seed 000: SPEAK Kaunas was presented at the Kaunas round table; seed 004 announced the
    # study visit's programme before the visit: planned content, not evaluated practice
    assert catalogue.at["speak_kaunas", "evidence"] == "presented"
    others = catalogue.drop(index="speak_kaunas")
    assert set(others["evidence"]) == {"visit_programme"}
    # the catalogue names no person (seed 000 names SPEAK Kaunas's founder: not needed)
    assert not catalogue.apply(lambda r: r.str.contains("Aliyeva")).any().any()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("areas", "jobs", "row 2, column areas: 'jobs'"),
        ("evidence", "rumour", "row 2, column evidence: 'rumour'"),
    ],
)
def test_a_bad_practice_row_is_refused_with_row_and_column(tmp_path, column, value, message):
    import re

    from tsp_analysis.errors import ReferenceDataError

    frame = recommend.load_practices()
    frame.loc[0, column] = value
    path = tmp_path / "good_practices.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ReferenceDataError, match=re.escape(message)):
        recommend.load_practices(path)
