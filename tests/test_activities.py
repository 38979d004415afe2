"""Activities 4.1 (training) and 5.1 (foreign experts), seed-003 document facts, and the
dates and attribution every report states (issue 15, items 1, 4 and 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tsp_analysis import activities, reference
from tsp_analysis.clean import clean
from tsp_analysis.codebook import DATASETS, load_codebook
from tsp_analysis.report import provenance
from tsp_analysis.results import activities as rac
from tsp_analysis.results.policy import DisclosurePolicy
from tsp_analysis.results.scan import _fits, scan_html
from tsp_analysis.results.table import Results
from tsp_analysis.synth import expert_engagements_frame, training_events_frame

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _training() -> pd.DataFrame:
    """A hand-worked training register: Jonava two held, one planned; Akmenė one held."""
    raw = pd.DataFrame(
        {
            "event_id": ["T1", "T2", "T3", "T4"],
            "municipality": ["Jonava", "Jonava", "Jonava", "Akmenė"],
            "kind": ["standard", "experiential", "standard", "standard"],
            "planned_date": ["2022-03-01", "2022-04-01", "2022-12-01", "2022-05-02"],
            "held_date": ["2022-03-01", "2022-04-08", None, "2022-05-02"],
            "status": ["held", "held", "planned", "held"],
            "participants_municipal_administration": ["10", "2", None, "6"],
            "participants_public_service": ["0", "1", None, "7"],
            "participants_social_services": ["3", None, None, "5"],
            "participants_health": ["0", "0", None, "0"],
            "participants_education": ["4", "4", None, "9"],
            "participants_other": ["0", "0", None, "1"],
        }
    )
    result = clean(raw, "training_events")
    assert result.accepted == 4
    return result.data


def _experts() -> pd.DataFrame:
    raw = pd.DataFrame(
        {
            "engagement_id": ["E1", "E2", "E3"],
            "municipality": ["Jonava", "Jonava", "Akmenė"],
            "kind": ["lecture", "mentoring", "lecture"],
            "area": ["health", "education", "employment"],
            "planned_date": ["2022-03-01", "2022-04-01", "2022-05-01"],
            "held_date": ["2022-03-01", "2022-04-01", None],
            "status": ["held", "held", "cancelled"],
            "participants": ["20", "3", None],
        }
    )
    return clean(raw, "expert_engagements").data


# -- item 1: codebook, generator ---------------------------------------------------------------
def test_new_datasets_are_in_the_codebook_with_their_value_sets():
    cb = load_codebook()
    assert {"training_events", "expert_engagements"} <= set(DATASETS)
    assert cb.codes("training_kind") == ["standard", "experiential"]
    assert cb.codes("expert_kind") == ["consultation", "lecture", "mentoring"]
    assert list(activities.participant_columns("training_events").values()) == cb.codes(
        "participant_institution"
    )
    assert activities.participant_columns("expert_engagements") == {"participants": "all"}


def test_generator_is_reproducible_and_clean():
    a, b = training_events_frame(3), training_events_frame(3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(training_events_frame(4))
    for frame, dataset in (
        (a, "training_events"),
        (expert_engagements_frame(3), "expert_engagements"),
    ):
        result = clean(frame, dataset)
        assert result.rows_in == result.accepted  # the generator writes no dirty activity rows
        held = frame["status"] == "held"
        counts = [c for c in activities.participant_columns(dataset)]
        assert frame.loc[held, counts].notna().all().all()
        assert frame.loc[~held, counts].isna().all().all()
        assert frame.loc[~held, "held_date"].isna().all()


# -- item 1: library ---------------------------------------------------------------------------
def test_event_summary_by_hand():
    out = activities.event_summary(_training(), "training_events").set_index("municipality")
    assert out.index.tolist() == ["akmene", "jonava", "total"]  # Annex 1 order
    assert out.loc["jonava", ["planned", "held", "still_planned", "cancelled"]].tolist() == [
        3,
        2,
        1,
        0,
    ]
    assert out.loc["jonava", ["held_standard", "held_experiential"]].tolist() == [1, 1]
    assert out.loc["total", "share_held"] == pytest.approx(3 / 4)


def test_participants_by_institution_type_by_hand():
    out = activities.participants(_training(), "training_events", by="institution_type")
    jonava = out[out["municipality"] == "jonava"].set_index("category")
    # held only (T3 planned): municipal 10 + 2, education 4 + 4, social 3 + blank
    assert jonava.loc["municipal_administration", "participants"] == 12
    assert jonava.loc["education", "participants"] == 8
    assert jonava.loc["social_services", ["participants", "unknown"]].tolist() == [3, 1]
    assert jonava.loc["municipal_administration", "events"] == 2


def test_expert_participants_count_held_engagements_only():
    out = activities.participants(_experts(), "expert_engagements", by="kind")
    got = out.set_index(["municipality", "category"])["participants"]
    assert got[("jonava", "lecture")] == 20 and got[("jonava", "mentoring")] == 3
    assert got[("akmene", "lecture")] == 0  # cancelled


def test_monitoring_period_is_first_and_last_activity_held():
    period = activities.monitoring_period(
        {"training_events": _training(), "expert_engagements": _experts()}
    )
    assert [d.strftime("%Y-%m-%d") for d in period] == ["2022-03-01", "2022-05-02"]
    assert activities.monitoring_period({}) is None


# -- item 1: results layer ---------------------------------------------------------------------
def _published() -> Results:
    res = Results("monitoring", "all")
    rac._event_table(res, _training(), "training_events")
    rac._participant_table(res, _training(), "training_events")
    rac._participant_table(res, _experts(), "expert_engagements")
    return DisclosurePolicy(min_count=5).publish_one(res)


def test_small_participant_counts_are_hidden_and_events_are_not():
    res = _published()
    events = res["trainings"].data.set_index(["municipality", "measure"])
    assert not events["suppressed"].any()  # records: 1 held experiential training is shown
    assert events.loc[("jonava", "held_experiential"), "estimate"] == 1
    p = res["training_participants"].data.set_index(["municipality", "category"])
    # Jonava public service 1, social 3: small counts hidden; municipal 12 shown
    assert p.loc[("jonava", "public_service"), "reason"] == "small_count"
    assert p.loc[("jonava", "social_services"), "reason"] == "small_count"
    assert pd.isna(p.loc[("jonava", "public_service"), "estimate"])
    assert p.loc[("jonava", "municipal_administration"), "estimate"] == 12
    assert p.loc[("total", "all"), "estimate"] == 12 + 1 + 3 + 0 + 8 + 0 + 6 + 7 + 5 + 0 + 9 + 1
    # no hidden cell can be worked out from the published ones: each lies in a range >= 5
    hidden = p[p["suppressed"]]
    assert len(hidden) >= 3
    e = res["expert_participants"].data.set_index(["municipality", "category"])
    assert e.loc[("jonava", "mentoring"), "suppressed"]  # 3 participants
    assert e.loc[("jonava", "lecture"), "suppressed"]  # else 23 - 20 gives the 3 away


def test_participant_tables_are_cells_of_one_cube():
    res = _published()
    tbl = res["training_participants"]
    assert set(tbl.data["cube"]) == {"participants:training_events:all"}
    assert tbl.subject == "participants"


# -- item 4: seed 003 facts ----------------------------------------------------------------------
def test_seed003_facts_in_reference_data():
    docs = reference.table("strategic_documents").set_index("municipality")
    assert set(docs.index) == set(reference.municipality_slugs())
    assert docs.loc["jonava", "adopted_on"] == "2022-02-10"
    assert docs.loc["jonava", "plan_years"] == "3"
    assert "kasmet" in docs.loc["jonava", "review_lt"]
    assert docs.loc["kaunas", "stage"] == "declined"
    assert (docs["source"] == "003_24b813bd4cc612a9").all()
    remarks = reference.table("document_remarks")
    jonava = remarks[remarks["municipality"] == "jonava"]
    assert jonava["topic"].tolist() == ["measures", "coordination", "infrastructure", "monitoring"]
    assert "Ruklos" in " ".join(jonava["text_lt"]) and "Rukla" in " ".join(jonava["text_en"])
    assert "abstrak" in jonava["text_lt"].iloc[0] and "rodikli" in jonava["text_lt"].iloc[0]


def test_remarks_sit_beside_the_completeness_table_in_the_monitoring_notebook():
    nb = json.loads((NOTEBOOKS / "monitoring.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    strategic = next(i for i, s in enumerate(sources) if "monitor.strategic_table(" in s)
    assert "monitoring.remarks" in sources[strategic + 1]
    assert "activities.remarks(" in sources[strategic + 2]
    for call in (
        "trainings_table",
        "experts_table",
        "indicators_table",
        "documents_table",
        "provider_training_table",
        "training_participants_table",
    ):
        assert any(f"activities.{call}(" in s for s in sources), call


# -- item 6: dates and attribution ---------------------------------------------------------------
FUNDING_LT = (
    "Projektas yra bendrai finansuojamas iš Prieglobsčio, migracijos ir integracijos fondo "
    "2014–2020 metų nacionalinės programos lėšų."
)


@pytest.mark.parametrize("lang", ["lt", "en"])
def test_attribution_states_fieldwork_monitoring_period_code_and_funding(lang):
    html = provenance.attribution({"monitoring_period": ("2021-11-09", "2022-10-26")}, lang)
    text = re.sub(r"<[^>]+>", "", html)
    assert '<span data-safe="code">PMIF-2.2.1-V-01-001</span>' in html
    assert '<span data-safe="date">2021-11-09</span>' in html
    if lang == "lt":
        assert FUNDING_LT in text
        assert "2020 m. viduryje iki 2021 m. gegužės" in text
    else:
        assert "Asylum, Migration and Integration Fund 2014–2020 national programme" in text
        assert "mid-2020 to May 2021" in text
    violations, _ = scan_html(html, "attribution.html")
    assert not violations, violations


def test_every_notebook_shows_the_attribution_under_its_banner():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        sources = ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
        banner = next(i for i, s in enumerate(sources) if s.startswith("display(banner("))
        assert sources[banner + 1] == "display(provenance.attribution(res.info, lang))", path.name


def test_scan_accepts_the_marked_project_code_and_refuses_it_unmarked():
    assert _fits("code", "PMIF-2.2.1-V-01-001", set())
    assert not _fits("code", "PMIF-2.2.1-V-01-002", set())  # not in a reference table
    assert not _fits("code", "PMIF-2.2", set())  # a piece of the code is not the code
    assert not _fits("code", "12", set())
    bad, _ = scan_html("<p>Projekto kodas PMIF-2.2.1-V-01-001</p>", "x.html")
    assert bad
    good, _ = scan_html('<p>Kodas <span data-safe="code">PMIF-2.2.1-V-01-001</span></p>', "x.html")
    assert not good


def test_every_published_report_carries_the_monitoring_period():
    from tsp_analysis.inputs import load_inputs

    period = rac.monitoring_period(load_inputs(datasets=list(activities.DATED)))
    assert period is not None and period[0] <= period[1]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", period[0])


# -- item 1: validation and row accounting -------------------------------------------------------
def test_demo_registers_are_accounted_for_row_by_row():
    from tsp_analysis import paths
    from tsp_analysis.inputs import load_inputs

    inputs = load_inputs(datasets=["training_events", "expert_engagements"])
    acc = inputs.accounting().set_index("dataset")
    for dataset in ("training_events", "expert_engagements"):
        lines = (paths.demo_dir() / f"{dataset}.csv").read_text(encoding="utf-8").splitlines()
        assert acc.loc[dataset, "rows_in"] == len(lines) - 1
        assert acc.loc[dataset, "rows_in"] == (
            acc.loc[dataset, "accepted"] + acc.loc[dataset, "quarantined"]
        )


def test_validate_infers_the_new_datasets_from_file_name_and_columns(tmp_path):
    from tsp_analysis.validate import infer_dataset, validate

    frame = pd.DataFrame(columns=["event_id", "municipality", "kind", "planned_date", "status"])
    assert infer_dataset("export.csv", frame) == "training_events"
    frame = pd.DataFrame(columns=["engagement_id", "municipality", "kind", "area"])
    assert infer_dataset("export.csv", frame) == "expert_engagements"
    path = tmp_path / "training_events.csv"
    path.write_text(
        "event_id,municipality,kind,planned_date,status\nT1,Jonava,standard,2022-03-01,held\n"
        "T1,Jonava,standard,2022-03-02,planned\n",
        encoding="utf-8",
    )
    problems = [p for p in validate(path) if p.severity == "error"]
    assert [(p.row, p.column) for p in problems] == [(3, "event_id")]
    assert "duplicate_id" in problems[0].expected


@pytest.mark.parametrize("lang", ["lt", "en"])
def test_documents_and_remarks_render_every_municipality_with_marked_dates(lang):
    from tsp_analysis.report import activities as ra

    raw = Results("monitoring", "all")
    rac._documents(raw)
    res = DisclosurePolicy().publish_one(raw)
    html = ra.documents_table(res, lang) + ra.remarks(res, lang)
    assert '<span data-safe="date">2022-02-10</span>' in html
    assert html.count('class="tsp-remark"') == 4
    assert ("Ruklos" if lang == "lt" else "Rukla") in html
    for muni in ("Akmenė", "Kaunas", "Vilnius"):
        assert muni in html
    violations, _ = scan_html(html, "documents.html")
    assert not violations, violations


def test_demo_monitoring_totals_match_an_independent_count_of_the_files():
    """The published totals equal a plain ``csv`` count of the demo registers."""
    import csv

    from tsp_analysis import paths, results
    from tsp_analysis.params import validate_params
    from tsp_analysis.report import monitor

    def rows(name):
        with open(paths.demo_dir() / f"{name}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    trainings = rows("training_events")
    held = [r for r in trainings if r["status"] == "held"]
    people = sum(int(v) for r in held for k, v in r.items() if k.startswith("participants_"))
    experts = rows("expert_engagements")
    e_held = [r for r in experts if r["status"] == "held"]
    res = results.compute("monitoring", validate_params({"municipality": "all"}, "test"))
    t = res["trainings"].data.set_index(["municipality", "measure"])["estimate"]
    assert t[("total", "planned")] == len(trainings) and t[("total", "held")] == len(held)
    p = res["training_participants"].data.set_index(["municipality", "category"])["estimate"]
    assert p[("total", "all")] == people
    e = res["expert_participants"].data.set_index(["municipality", "category"])["estimate"]
    assert e[("total", "all")] == sum(int(r["participants"]) for r in e_held)
    text = re.sub(r"<[^>]+>", "", monitor.summary(res, "en"))
    assert f"{len(held)} of the {len(trainings)} planned trainings have been held" in text
    assert "Jonava adopted its strategic document for 3 years on 2022-02-10" in text
    start, end = res.info["monitoring_period"]
    dates = [r["held_date"] for r in (*held, *e_held)] + [
        r["held_date"] or r["planned_date"] for r in rows("consultations") if r["status"] == "held"
    ]
    assert (start, end) == (min(dates), max(dates))
