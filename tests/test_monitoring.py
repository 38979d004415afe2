"""Monitoring (SPEC §2.3): consultations, strategic-document assessment, implementation.

Numbers are worked out by hand in the comments; Annex 1 is read from the seed itself
(``tests/fixtures/seed003_annex1.txt``, copied verbatim from seed 003).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tsp_analysis import monitoring, reference
from tsp_analysis.errors import InputError
from tsp_analysis.names import normalise_municipality

FIXTURE = Path(__file__).parent / "fixtures" / "seed003_annex1.txt"
COMPONENTS = reference.table("strategic_components")["component"].tolist()

# Column headings of Annex 1 → slugs, written by hand: the names module must agree.
ANNEX_HEADINGS = {
    "Akmenės raj.": "akmene",
    "Jonavos raj.": "jonava",
    "Kauno m.": "kaunas",
    "Klaipėdos m.": "klaipeda",
    "Šiaulių m.": "siauliai",
    "Vilniaus m.": "vilnius",
}


def _slug(heading: str) -> str:
    slug = normalise_municipality(heading)
    assert slug == ANNEX_HEADINGS[heading], heading
    return slug


def read_annex1() -> tuple[list[str], dict[tuple[str, str], bool]]:
    """Parse the Annex 1 lines: municipality slugs in source order, and (component, slug) →
    marked. Row labels are matched to components by their Lithuanian label."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header[0] == ""
    slugs = [_slug(h.strip()) for h in header[1:]]
    by_label = dict(
        zip(reference.table("strategic_components")["label_lt"], COMPONENTS, strict=True)
    )
    marks = {}
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        cells += [""] * (len(header) - len(cells))  # trailing empty cells may be cut
        component = by_label[cells[0].strip()]
        for slug, cell in zip(slugs, cells[1:], strict=True):
            assert cell.strip() in {"", "+"}, cell
            marks[(component, slug)] = cell.strip() == "+"
    return slugs, marks


# -- consultations -----------------------------------------------------------------------------


def consultations_table() -> pd.DataFrame:
    rows = [
        # municipality, status, planned, held
        ("vilnius", "held", "2021-11-10", "2021-11-10"),
        ("vilnius", "held", "2021-11-20", "2021-11-25"),
        ("vilnius", "held", "2022-01-12", None),  # held, date not recorded: planned date used
        ("vilnius", "cancelled", "2021-12-01", None),
        ("vilnius", "planned", "2022-03-01", None),
        ("akmene", "held", "2022-02-03", "2022-02-03"),
        ("akmene", "planned", "2022-04-01", None),
    ]
    frame = pd.DataFrame(rows, columns=["municipality", "status", "planned_date", "held_date"])
    frame["planned_date"] = pd.to_datetime(frame["planned_date"])
    frame["held_date"] = pd.to_datetime(frame["held_date"])
    frame["source_file"] = "consultations.csv"
    frame["source_row"] = range(2, 2 + len(frame))
    return frame


def test_consultation_summary_counts_every_row_as_planned_and_adds_total():
    out = monitoring.consultation_summary(consultations_table()).set_index("municipality")
    assert out.index.tolist() == ["akmene", "vilnius", "total"]  # Annex order, total last
    # vilnius: 5 rows, 3 held, 1 cancelled, 1 still planned; akmene: 2 rows, 1 held, 1 planned
    assert out.loc["vilnius", ["planned", "held", "cancelled", "still_planned"]].tolist() == [
        5,
        3,
        1,
        1,
    ]
    assert out.loc["akmene", ["planned", "held", "cancelled", "still_planned"]].tolist() == [
        2,
        1,
        0,
        1,
    ]
    assert out.loc["total", ["planned", "held", "cancelled", "still_planned"]].tolist() == [
        7,
        4,
        1,
        2,
    ]
    assert out.loc["vilnius", "share_held"] == pytest.approx(3 / 5)
    assert out.loc["total", "share_held"] == pytest.approx(4 / 7)


def test_consultation_summary_rejects_unknown_status_naming_file_row_and_value():
    table = consultations_table()
    table.loc[3, "status"] = "postponed"
    with pytest.raises(InputError) as err:
        monitoring.consultation_summary(table)
    text = str(err.value)
    assert "consultations.csv, row 5, column 'status'" in text and "'postponed'" in text


def test_consultations_over_time_fills_empty_months_and_accumulates():
    out = monitoring.consultations_over_time(consultations_table())
    months = pd.date_range("2021-11-01", "2022-02-01", freq="MS")
    vil = out[out["municipality"] == "vilnius"]
    akm = out[out["municipality"] == "akmene"]
    assert list(vil["period"]) == list(months) == list(akm["period"])
    # vilnius held 2 in Nov (10th, 25th), 0 in Dec, 1 in Jan (dated by its plan), 0 in Feb
    assert vil["held"].tolist() == [2, 0, 1, 0]
    assert vil["held_cumulative"].tolist() == [2, 2, 3, 3]
    assert akm["held"].tolist() == [0, 0, 0, 1]
    assert akm["held_cumulative"].tolist() == [0, 0, 0, 1]
    assert out["held"].sum() == 4  # every held consultation is on the chart


def test_consultations_over_time_by_quarter():
    out = monitoring.consultations_over_time(consultations_table(), freq="QS")
    vil = out[out["municipality"] == "vilnius"].set_index("period")["held"]
    # Q4 2021: Nov 10, Nov 25; Q1 2022: Jan 12
    assert vil.to_dict() == {pd.Timestamp("2021-10-01"): 2, pd.Timestamp("2022-01-01"): 1}


# -- strategic documents -----------------------------------------------------------------------


def annex_assessment() -> pd.DataFrame:
    """The Annex 1 table as a clean ``strategic_assessment`` table (mark ⇔ included)."""
    slugs, marks = read_annex1()
    rows = [
        (slug, comp, "included" if marks[(comp, slug)] else "not_included")
        for slug in reversed(slugs)  # scrambled on purpose: the matrix must restore the order
        for comp in reversed(COMPONENTS)
    ]
    frame = pd.DataFrame(rows, columns=["municipality", "component", "level"])
    frame["assessed_on"] = pd.Timestamp("2022-02-23")
    return frame


def test_annex1_fixture_is_the_seed_table():
    slugs, marks = read_annex1()
    assert len(marks) == 7 * 6
    # Kaunas is marked only for council adoption; every other municipality on every component.
    assert [c for c in COMPONENTS if marks[(c, "kaunas")]] == ["council_adoption"]
    assert sum(marks.values()) == 5 * 7 + 1


def test_strategic_matrix_orders_municipalities_as_annex1():
    slugs, _ = read_annex1()
    matrix = monitoring.strategic_matrix(annex_assessment())
    assert matrix.columns.tolist() == slugs
    assert matrix.index.tolist() == COMPONENTS


def test_strategic_matrix_reproduces_annex1_cell_by_cell():
    _, marks = read_annex1()
    matrix = monitoring.strategic_matrix(annex_assessment())
    for (component, slug), marked in marks.items():
        assert (matrix.loc[component, slug] == "included") is marked, (component, slug)
        assert (matrix.loc[component, slug] == "not_included") is (not marked)


def test_strategic_matrix_labels_in_english():
    matrix = monitoring.strategic_matrix(annex_assessment(), lang="en")
    assert matrix.columns[0] == "Akmenė" and matrix.columns[-1] == "Vilnius"
    assert matrix.index[0] == "Goal of the strategic document"
    assert matrix.loc["Financing", "Kaunas"] == "Not included"
    assert matrix.loc["Financing", "Jonava"] == "Included"


def test_strategic_matrix_takes_the_latest_assessment_and_leaves_unassessed_missing():
    frame = pd.DataFrame(
        {
            "municipality": ["jonava", "jonava", "jonava"],
            "component": ["goal", "goal", "financing"],
            "level": ["partly", "included", "not_included"],
            "assessed_on": pd.to_datetime(["2021-12-01", "2022-02-10", "2021-12-01"]),
        }
    )
    matrix = monitoring.strategic_matrix(frame)
    assert matrix.loc["goal", "jonava"] == "included"
    assert matrix.loc["financing", "jonava"] == "not_included"
    assert pd.isna(matrix.loc["target_groups", "jonava"])  # not assessed ≠ not included
    earlier = monitoring.strategic_matrix(frame, as_of="2022-01-01")
    assert earlier.loc["goal", "jonava"] == "partly"


def test_strategic_matrix_rejects_contradictory_assessments_on_one_date():
    frame = pd.DataFrame(
        {
            "municipality": ["jonava", "jonava"],
            "component": ["goal", "goal"],
            "level": ["partly", "included"],
            "assessed_on": pd.to_datetime(["2022-02-10", "2022-02-10"]),
            "source_file": "sa.csv",
            "source_row": [2, 3],
        }
    )
    with pytest.raises(InputError, match=r"sa.csv, row 3, column 'level'"):
        monitoring.strategic_matrix(frame)


def test_strategic_completeness_scores_included_one_partly_half():
    levels = ["included"] * 4 + ["partly"] * 2 + ["not_included"]
    frame = pd.DataFrame({"municipality": "siauliai", "component": COMPONENTS, "level": levels})
    # Kaunas: only 2 components assessed, both included; the other 5 count as not included
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                {"municipality": "kaunas", "component": COMPONENTS[:2], "level": "included"}
            ),
        ]
    )
    out = monitoring.strategic_completeness(frame).set_index("municipality")
    assert out.index.tolist() == ["kaunas", "siauliai"]
    assert out.loc["siauliai", "score"] == pytest.approx(100 * (4 + 2 * 0.5) / 7)  # 71.43
    assert out.loc["siauliai", ["included", "partly", "not_included", "not_assessed"]].tolist() == [
        4,
        2,
        1,
        0,
    ]
    assert out.loc["kaunas", "score"] == pytest.approx(100 * 2 / 7)
    assert out.loc["kaunas", "not_assessed"] == 5


def test_strategic_completeness_of_annex1():
    out = monitoring.strategic_completeness(annex_assessment()).set_index("municipality")
    assert out.loc["kaunas", "score"] == pytest.approx(100 / 7)
    assert (out.drop(index="kaunas")["score"] == 100).all()


# -- implementation ----------------------------------------------------------------------------


def recommendations_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": ["klaipeda"] * 4 + ["jonava"] * 2,
            "status_interim": [
                "implemented",
                "partly_implemented",
                "not_implemented",
                "not_implemented",
                "partly_implemented",
                "partly_implemented",
            ],
            "status_final": ["implemented", "implemented", "partly_implemented", None, None, None],
        },
        dtype="str",
    )


def test_implementation_summary_counts_and_rates_per_evaluation():
    out = monitoring.implementation_summary(recommendations_table())
    out = out.set_index(["municipality", "evaluation"])
    assert out.index.tolist() == [
        ("jonava", "interim"),
        ("jonava", "final"),
        ("klaipeda", "interim"),
        ("klaipeda", "final"),
        ("total", "interim"),
        ("total", "final"),
    ]
    k_int = out.loc[("klaipeda", "interim")]
    assert [k_int[c] for c in ["implemented", "partly_implemented", "not_implemented"]] == [1, 1, 2]
    assert k_int["completion_rate"] == pytest.approx(1 / 4)
    assert k_int["weighted_completion"] == pytest.approx((1 + 0.5) / 4)
    k_fin = out.loc[("klaipeda", "final")]
    # one recommendation not yet assessed at the final evaluation: rates over the 3 assessed
    assert (k_fin["assessed"], k_fin["not_assessed"]) == (3, 1)
    assert k_fin["completion_rate"] == pytest.approx(2 / 3)
    assert k_fin["weighted_completion"] == pytest.approx((2 + 0.5) / 3)
    j_fin = out.loc[("jonava", "final")]
    assert j_fin["assessed"] == 0 and math.isnan(j_fin["completion_rate"])
    t_int = out.loc[("total", "interim")]
    assert t_int["recommendations"] == 6 and t_int["partly_implemented"] == 3
    assert t_int["weighted_completion"] == pytest.approx((1 + 0.5 * 3) / 6)


def test_implementation_summary_rejects_unknown_status():
    table = recommendations_table()
    table.loc[2, "status_final"] = "done"
    with pytest.raises(InputError, match="status_final"):
        monitoring.implementation_summary(table)


def test_lithuanian_sort_puts_s_caron_after_s_and_y_before_j():
    words = ["Šakiai", "Sasnava", "Jurbarkas", "Ylakiai", "Ignalina", "Čekiškė", "Cirkliškis"]
    assert sorted(words, key=monitoring.lithuanian_sort_key) == [
        "Cirkliškis",
        "Čekiškė",
        "Ignalina",
        "Ylakiai",
        "Jurbarkas",
        "Sasnava",
        "Šakiai",
    ]


def test_blank_municipality_is_an_error_not_a_vanished_row():
    table = consultations_table()
    table["municipality"] = table["municipality"].astype("str")
    table.loc[1, "municipality"] = None
    with pytest.raises(InputError, match=r"consultations.csv, row 3, column 'municipality'"):
        monitoring.consultation_summary(table)


# -- the shipped demo data ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    from tsp_analysis.inputs import load_inputs

    return load_inputs(datasets=["consultations", "strategic_assessment", "recommendations"])


def test_demo_strategic_assessment_reproduces_annex1_cell_by_cell(demo):
    result = demo.strategic_assessment
    assert result.quarantine.empty
    matrix = monitoring.strategic_matrix(result.data)
    slugs, marks = read_annex1()
    assert matrix.columns.tolist() == slugs
    assert matrix.index.tolist() == COMPONENTS
    for (component, slug), marked in marks.items():
        expected = "included" if marked else "not_included"  # data/README.md: mark = included
        assert matrix.loc[component, slug] == expected, (component, slug)


def test_demo_consultations_match_seed003_24_of_48(demo):
    # seed 003: "įgyvendintos 24 iš 48 (su)planuotų konsultacijų"; Jonava held 6
    out = monitoring.consultation_summary(demo.consultations.data).set_index("municipality")
    assert (out.loc["total", "planned"], out.loc["total", "held"]) == (48, 24)
    assert out.loc["jonava", "held"] == 6
    chart = monitoring.consultations_over_time(demo.consultations.data)
    last = chart.groupby("municipality")["held_cumulative"].last()
    assert last.to_dict() == out.drop(index="total")["held"].to_dict()


def test_demo_implementation_totals_add_up(demo):
    data = demo.recommendations.data
    out = monitoring.implementation_summary(data).set_index(["municipality", "evaluation"])
    for evaluation, column in monitoring.EVALUATIONS.items():
        total = out.loc[("total", evaluation)]
        assert total["recommendations"] == len(data)
        assert total["implemented"] == (data[column] == "implemented").sum()
        assert total["assessed"] + total["not_assessed"] == len(data)


def test_demo_kaunas_prepared_no_separate_document_derived_from_the_assessment(demo):
    status = monitoring.strategic_status(demo.strategic_assessment.data).set_index("municipality")
    # seed 003: Kaunas declined; only its council adoption is marked
    assert status.loc["kaunas", "status"] == "no_separate_document"
    assert status.loc["kaunas", "adopted"] and status.loc["kaunas", "content_included"] == 0
    assert (status.drop(index="kaunas")["status"] == "complete").all()
    completeness = monitoring.strategic_completeness(demo.strategic_assessment.data)
    assert completeness.set_index("municipality").loc["kaunas", "status"] == (
        "no_separate_document"
    )


def test_a_partly_included_document_is_partial_not_missing():
    rows = [("jonava", c, "partly" if c == "financing" else "included") for c in COMPONENTS]
    rows += [("vilnius", c, "not_included") for c in COMPONENTS]
    df = pd.DataFrame(rows, columns=["municipality", "component", "level"])
    out = monitoring.strategic_status(df).set_index("municipality")
    assert out.loc["jonava", "status"] == "partial" and out.loc["jonava", "content_partly"] == 1
    # nothing at all, not even the adoption: still no separate document
    assert out.loc["vilnius", "status"] == "no_separate_document"
    assert not out.loc["vilnius", "adopted"]


def test_evaluation_periods_are_seed_003_dates():
    p = monitoring.evaluation_periods("en").set_index("evaluation")
    assert p.loc["interim", "period_start"] == pd.Timestamp("2021-11-09")
    assert p.loc["interim", "period_end"] == pd.Timestamp("2022-02-23")
    assert p.loc["interim", "evaluated_on"] == pd.Timestamp("2022-02-23")
    assert p.loc["interim", "source"].startswith("003_")
    assert pd.isna(p.loc["final", "evaluated_on"])  # not in the source documents: not invented
    assert "no date" in p.loc["final", "note"]


def test_completion_rates_are_exact_fractions():
    table = pd.DataFrame(
        {
            "municipality": ["akmene"] * 8,
            "status_interim": ["implemented"] + ["not_implemented"] * 7,
            "status_final": [None] * 8,
        },
        dtype="str",
    )
    row = monitoring.implementation_summary(table).iloc[0]
    assert row["completion_rate"] == 0.125  # 1 of 8 is 12.5 %, rounding is the renderer's
    assert (row["implemented"], row["assessed"]) == (1, 8)


def test_recommendation_status_one_by_one():
    table = recommendations_table()
    table["rec_id"] = [f"{m}-r{i}" for i, m in enumerate(table["municipality"])]
    table["area"] = "health"
    table["title_lt"] = "lt"
    table["title_en"] = "en"
    out = monitoring.recommendation_status(table, lang="en")
    assert out["municipality"].tolist() == ["jonava"] * 2 + ["klaipeda"] * 4  # Annex 1 order
    by_id = out.set_index("recommendation_id")
    assert by_id.loc["klaipeda-r1", "change"] == "improved"  # partly → implemented
    assert by_id.loc["klaipeda-r0", "change"] == "unchanged"
    assert by_id.loc["klaipeda-r3", "change"] == "not_assessed"
    assert (out["title"] == "en").all()


def test_demo_register_is_keyed_by_the_needs_analysis_recommendation_ids():
    """Every register entry is a recommendation the needs analysis gives on the demo data, and
    every recommendation it gives is in the register: traceable from finding to status."""
    import warnings

    from tsp_analysis import recommend, weights
    from tsp_analysis.inputs import load_inputs

    data = load_inputs(datasets=["tsp_survey", "provider_survey", "population", "recommendations"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey, _ = weights.add_weights(data.tsp_survey.data, data.population.data)
    register = data.recommendations.data
    needs = pd.concat(
        [
            recommend.needs_recommendations(survey, data.provider_survey.data, m, lang="en")
            for m in sorted(set(register["municipality"]))
        ],
        ignore_index=True,
    )
    status = monitoring.recommendation_status(register, needs=needs)
    assert status["in_needs_analysis"].all()
    assert set(status["recommendation_id"]) == set(needs["recommendation_id"])
    akmene = status[status["municipality"] == "akmene"]
    # the specific advice the old two-per-area cut dropped is in the register, and traced
    assert {"akmene-employment_pathways", "akmene-health_coordination"} <= set(
        akmene["recommendation_id"]
    )
    row = status.set_index("recommendation_id").loc["akmene-employment_pathways"]
    assert row["rule_id"] == "employment_pathways" and "unmet need" in row["evidence"]
