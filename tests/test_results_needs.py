"""The needs analysis on the results layer, on the demo data: every table checked, the hidden
cells with their true reasons, every section rendered in both languages from one Results with no
number outside a checked cell, and a figure checked against an independent computation."""

from __future__ import annotations

import html as htmlmod
import re

import pandas as pd
import pytest

from tsp_analysis import results
from tsp_analysis.codebook import load_codebook
from tsp_analysis.inputs import load_inputs
from tsp_analysis.params import validate_params
from tsp_analysis.report import findings, needs
from tsp_analysis.results import needs as rneeds
from tsp_analysis.results.table import Results

TABLE_IDS = [
    "context_compare",
    "context_trend",
    "context_trend_unit",
    "context_residence",
    "context_citizenship",
    "context_sex_age",
    "sample_weighting",
    "sample_profile",
    "need_unmet",
    "criterion_scores",
    "provider_scores",
    "provider_types",
    "need_capacity",
    "drivers",
    "drivers_sample",
    "model_checks",
    "information",
    "qual_sources",
    "priorities",
    "priority_stability",
    "service_index",
    "recommendations",
    "recommendation_count",
]
UNITS = ("akmene", "vilnius")


def _params(unit: str) -> dict:
    return validate_params({"municipality": unit, "lang": "lt"}, "test", report="needs_analysis")


@pytest.fixture(scope="module")
def demo():
    return load_inputs(None)


@pytest.fixture(scope="module")
def published(demo):
    """The checked results of each unit, published as the notebook gets them (jointly with the
    data review of the same municipality)."""
    return {u: results.compute("needs_analysis", _params(u), inputs=demo) for u in UNITS}


def test_every_table_is_checked_and_has_its_stable_id(published):
    for unit, res in published.items():
        assert list(res.tables) == TABLE_IDS, unit
        assert res.checked
        for tab in res:
            assert tab.home == f"needs_analysis-{unit}"
            assert tab.thresholds == {"min_count": 5, "min_base": 10}
            assert set(tab.caption) == {"lt", "en"}


def test_cubes_are_declared_with_every_category(published):
    res = published["akmene"]
    pop = res.cubes["population:akmene:2021"]
    assert set(pop.dims) == {"citizenship", "sex", "age_group", "residence_basis"}
    # the finest categories: every third-country citizenship (the report's "other" is a set of
    # them), children too (the survey's adults are a set of age groups)
    from tsp_analysis.results import cubes

    assert set(cubes.third_countries()) <= set(pop.dims["citizenship"])
    assert "other" not in pop.dims["citizenship"] and "0_17" in pop.dims["age_group"]
    resp = res.cubes["respondents:tsp_survey:akmene"]
    profile = {"sex", "age_group", "citizenship", "residence_basis"}
    assert profile <= set(resp.dims)
    assert {d for d in resp.dims if d not in profile} == {
        f"item:{q}" for q in load_codebook().columns("tsp_survey")
    }
    assert all(resp.dims[d][-1] == "_missing" for d in profile)
    assert res.cubes["population:all:2021"].dims["municipality"][-1] == "rest"
    # the context table's country row is the cube's total
    row = res["context_compare"].row(municipality="lithuania", measure="tsp", citizenship="")
    assert row["cube"] == "population:all:2021" and row["coord"] == ""


def test_sex_age_footnotes_give_the_true_reason(published, demo):
    """A cell hidden as a small count is one; one hidden to protect another is not (the old
    table hid rows of 21 and 13 people under "fewer than 5")."""
    from tsp_analysis import context

    res = published["akmene"]
    tab = res["context_sex_age"]
    truth = context.by_sex_age(demo.population.data, "akmene", min_count=1)
    true = {(r["sex"], r["age_group"]): int(r["count"]) for r in truth.to_dict("records")}
    hidden = [r for r in tab.records() if r["suppressed"] and r["measure"] == "count"]
    assert hidden, "the demo Akmenė has small cells"
    reasons = set()
    for r in hidden:
        value = true[(r["sex"], r["age_group"])]
        reasons.add(r["reason"])
        if r["reason"] == "small_count":
            assert 0 < value < 5
        else:
            assert r["reason"] == "protects_other" and value >= 5
    assert reasons == {"small_count", "protects_other"}
    for r in tab.records():
        if r["measure"] == "count" and not r["suppressed"] and r["sex"] != "total":
            assert int(r["estimate"]) == true[(r["sex"], r["age_group"])]
    html = needs.sex_age_table(res, "en")
    assert 'data-reason="protects_other"' in html and 'data-reason="small_count"' in html
    assert "another hidden figure cannot be worked out" in html
    mark = re.search(r'<td class="tsp-suppressed"[^>]*>([^<]*)</td>', html)
    assert mark and mark.group(1) == "‡"


def test_no_age_group_share_reveals_what_the_sex_age_table_hides(published):
    """The sample table's population share of an age group and the sex × age table publish
    cells of one cube: the policy hid enough that no hidden count can be narrowed below 5."""
    from tsp_analysis.results import audit

    res = published["akmene"]
    cube = res.cubes["population:akmene:2021"]
    shown, hidden = {}, set()
    for tab in res:
        for r in tab.records():
            for c_col, k_col, v_col in (
                ("cube", "coord", "estimate"),
                ("of_cube", "of_coord", "of_value"),
            ):
                if r[c_col] != cube.id:
                    continue
                if r["suppressed"]:
                    hidden.add(r[k_col])
                elif not pd.isna(r[v_col]):
                    shown[r[k_col]] = float(r[v_col])
    assert hidden
    exposures = audit.exposures(cube, shown, sorted(hidden - set(shown)))
    assert all(e.width >= 5 for e in exposures)


def test_need_share_matches_an_independent_weighted_computation(published, demo):
    from tsp_analysis.weights import add_weights

    survey, _ = add_weights(demo.tsp_survey.data, demo.population.data)
    mine = survey[survey["municipality"] == "vilnius"]
    answered = mine["need_health"].isin(["yes", "no"])
    w = mine["weight"]
    expected = w[mine["need_health"] == "yes"].sum() / w[answered].sum()
    row = published["vilnius"]["need_unmet"].row(area="health", measure="need", group="unit")
    assert not row["suppressed"]
    assert float(row["estimate"]) == pytest.approx(expected, abs=1e-9)
    assert int(row["n"]) == int(answered.sum())


SECTIONS = [findings.key_findings] + [
    getattr(needs, name) for name in needs.__all__ if name != "final_groups"
]
_MARKED = re.compile(r'<(span|td|th)[^>]*data-(?:cell|safe)="[^"]*"[^>]*>.*?</\1>', re.S)


def unmarked_digits(page: str) -> list[str]:
    """Digits in the visible text once every checked cell and safe span is removed."""
    text = re.sub(r"<img[^>]*>|<style.*?</style>", "", page, flags=re.S)
    previous = None
    while previous != text:
        previous, text = text, _MARKED.sub("", text)
    text = htmlmod.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.findall(r".{0,30}\d.{0,10}", text)


@pytest.mark.parametrize("unit", UNITS)
def test_every_section_renders_in_both_languages_with_only_marked_numbers(published, unit):
    res = published[unit]
    for lang in ("lt", "en"):
        page = "".join(str(section(res, lang)) for section in SECTIONS)
        assert unmarked_digits(page) == [], (unit, lang)
        assert "data-cell" in page and 'class="tsp-data-link"' in page
    if unit == "akmene":
        assert 'data-suppressed="true"' in page and 'data-reason="small_base"' in page


def test_weights_are_computed_once_for_every_municipality(demo, monkeypatch):
    from tsp_analysis import weights

    calls = []
    real = weights.add_weights

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(weights, "add_weights", counting)
    monkeypatch.setattr(results, "_MEMORY", {})  # nothing remembered from other tests
    monkeypatch.delenv(results.CACHE_ENV, raising=False)
    first = rneeds.weighted_survey(demo, _params("akmene"))
    second = rneeds.weighted_survey(demo, {**_params("jonava"), "lang": "en"})
    assert first is second and len(calls) == 1


PRIORITY_METRICS = ("need", "unmet", "unmet_all", "score", "capacity", "priority", "rank")


def _cited(res, area: str, metric: str):
    """The checked row a rule's metric cites (as the renderer finds it)."""
    if metric in PRIORITY_METRICS:
        return res["priorities"].row(area=area, component=metric)
    if metric == "info_non_lt":
        return res["information"].row(group="language_summary", category="non_lt")
    if metric.startswith("info_"):
        return res["information"].row(group="channel", category=metric.removeprefix("info_"))
    return res["criterion_scores"].row(area=area, criterion=metric, group="unit")


def test_every_rule_fired_on_published_figures_is_shown_and_counted(published, demo):
    """Every rule that fires is listed (specific, then municipality-wide, then generic once
    with its areas), each only on figures the report publishes, and the count printed is the
    number of rows."""
    from tsp_analysis import recommend

    order = {"specific": 0, "municipality": 1, "generic": 2}
    for unit, res in published.items():
        recs = res["recommendations"].records()
        assert recs
        tiers = [order[r["tier"]] for r in recs]
        assert tiers == sorted(tiers), unit
        assert len({r["rule_id"] for r in recs}) == len(recs)  # a generic rule once
        for rec in recs:
            assert rec["recommendation_id"] == f"{unit}-{rec['rule_id']}"
            areas = [a for a in rec["areas"].split(";") if a] or ["-"]
            for area in areas:
                for metric in filter(None, rec["metrics"].split("|")):
                    row = _cited(res, area, metric)
                    assert not row["suppressed"] and not pd.isna(row["estimate"]), (
                        unit,
                        rec["rule_id"],
                        area,
                        metric,
                    )
        count = {r["figure"]: int(r["estimate"]) for r in res["recommendation_count"].records()}
        assert count["shown"] == count["fired"] == len(recs)
        html = needs.recommendations(res, "en")
        assert html.count("<tr") - 1 == len(recs)  # one header row
        assert f"{count['fired']} rules fired; all are shown" in re.sub(r"<[^>]+>", "", html)
    # Against the library run on the raw figures: every rule shown fires there too, and every
    # rule the library fires that the report leaves out reads a figure the report hides
    survey, _ = rneeds.weighted_survey(demo, _params("vilnius"))
    library = recommend.needs_recommendations(
        survey, demo.provider_survey.data, "vilnius", lang="en", min_base=10
    )
    res = published["vilnius"]
    shown = {r["recommendation_id"] for r in res["recommendations"].records()}
    assert shown <= set(library["recommendation_id"])
    rules = recommend.load_rules().set_index("rule_id")
    for rec in library[~library["recommendation_id"].isin(shown)].to_dict("records"):
        metrics = [
            c.metric for c in recommend.parse_condition(rules.at[rec["rule_id"], "condition"])
        ]
        areas = [a for a in rec["areas"].split(";") if a] or ["-"]
        assert any(
            _cited(res, a, m)["suppressed"] or pd.isna(_cited(res, a, m)["estimate"])
            for a in areas
            for m in metrics
        ), rec["recommendation_id"]


def test_a_rule_never_fires_on_a_hidden_figure(demo):
    """With the unmet share of an area hidden, no rule on unmet need fires for it."""
    params = _params("akmene")
    res = results.compute("needs_analysis", params, inputs=demo)
    prio = res["priorities"]
    hidden = {r["area"] for r in prio.records() if r["component"] == "unmet" and r["suppressed"]}
    assert hidden  # the demo Akmenė has small bases
    for rec in res["recommendations"].records():
        if "unmet" in rec["metrics"].split("|"):
            assert not set(rec["areas"].split(";")) & hidden, rec["rule_id"]


def test_akmene_language_recommendation_names_ukrainian_and_russian(published):
    res = published["akmene"]
    rec = next(r for r in res["recommendations"].records() if "{languages}" in _rule_text(r))
    assert rec["languages"].split(";") == ["uk", "ru"]
    for lang in ("en", "lt"):
        html = htmlmod.unescape(re.sub(r"<[^>]+>", "", needs.recommendations(res, lang)))
        from tsp_analysis.report.i18n import value_label

        names = [value_label("language", c, lang) for c in ("uk", "ru")]
        if lang == "lt":
            names = [n.lower() for n in names]
        assert all(n in html for n in names), (lang, names)
    assert "Ukrainian" in names[0] or lang == "lt"


def _rule_text(rec) -> str:
    from tsp_analysis.recommend import load_rules

    rules = load_rules().set_index("rule_id")
    return str(rules.at[rec["rule_id"], "text_en"])


def test_service_index_only_where_data_suffice(published, demo):
    """Akmenė (2 of 9 areas) shows "not enough data" and no rank; the others are ranked among
    themselves (ranks 1..k), and each index rests on the respondents with any area score."""
    from tsp_analysis import composite

    res = published["akmene"]
    tab = res["service_index"]
    akmene, vilnius = tab.row(municipality="akmene"), tab.row(municipality="vilnius")
    assert akmene["status"] == "not_enough_data" and not akmene["suppressed"]
    assert pd.isna(akmene["estimate"]) and pd.isna(akmene["rank"]) and pd.isna(akmene["rank_min"])
    assert int(akmene["n_indicators"]) < composite.MIN_AREAS
    assert vilnius["status"] == "ranked" and float(vilnius["rank"]) == 1
    ranked = [r for r in tab.records() if r["status"] == "ranked"]
    assert sorted(int(r["rank"]) for r in ranked) == list(range(1, len(ranked) + 1))
    for r in ranked:
        assert float(r["rank_min"]) <= float(r["rank"]) <= float(r["rank_max"])
        assert float(r["rank_max"]) <= len(ranked)
    # the base, counted by hand: respondents with a substantive rating (1–5) of any criterion
    survey = demo.tsp_survey.data
    rate = [c for c in survey.columns if c.startswith("rate_")]
    rated = survey[rate].apply(pd.to_numeric, errors="coerce").isin([1, 2, 3, 4, 5]).any(axis=1)
    for r in tab.records():
        mine = survey["municipality"] == r["municipality"]
        assert int(r["n"]) == int((rated & mine).sum()), r["municipality"]
    for lang, words in (("en", "not enough data"), ("lt", "nepakanka duomenų")):
        html = needs.index_table(res, lang)
        row = re.search(r"<tr>\s*<th[^>]*>▶ [^<]*</th>(.*?)</tr>", html, re.S)
        assert row and words in row.group(1)
        assert "data-cell" not in row.group(1)  # no rank, no index, no range for Akmenė
        assert unmarked_digits(html) == []


def test_incomplete_priority_areas_are_not_ranked(published):
    for unit, res in published.items():
        tab = res["priorities"]
        ranks = {r["area"]: r for r in tab.records() if r["component"] == "rank"}
        complete = [a for a, r in ranks.items() if r["status"] == "ranked" and not r["suppressed"]]
        incomplete = [a for a, r in ranks.items() if r["status"] == "incomplete"]
        assert sorted(int(ranks[a]["estimate"]) for a in complete) == list(
            range(1, len(complete) + 1)
        )
        for a in incomplete:
            assert pd.isna(ranks[a]["estimate"]) and not ranks[a]["suppressed"]
            stab = res["priority_stability"].row(area=a)
            assert pd.isna(stab["estimate"]) and stab["status"] == "not_enough_data"
        # one 0–100 scale: the unmet component is 100 × need × unmet (independently)
        for a in complete:
            parts = ("need", "unmet", "c_unmet_all", "score", "c_low_score")
            if any(tab.row(area=a, component=c)["suppressed"] for c in parts):
                continue  # hidden with its base cell
            need = float(tab.row(area=a, component="need")["estimate"])
            unmet = float(tab.row(area=a, component="unmet")["estimate"])
            comp = float(tab.row(area=a, component="c_unmet_all")["estimate"])
            assert comp == pytest.approx(100 * need * unmet)
            score = float(tab.row(area=a, component="score")["estimate"])
            low = float(tab.row(area=a, component="c_low_score")["estimate"])
            assert low == pytest.approx(100 - score)
        # an area whose component the publication hides (even to protect another cell) is
        # not ranked: a reader cannot see what it would be ranked on
        for a in ranks:
            comps = [
                tab.row(area=a, component=c)
                for c in ("c_unmet_all", "c_low_score", "c_low_capacity")
            ]
            if any(c["suppressed"] for c in comps):
                assert a in incomplete, (unit, a)
        if unit == "vilnius":
            assert tab.row(area="womens_rights", component="unmet")["reason"] == "protects_other"
            assert "womens_rights" in incomplete
        if unit == "akmene":
            assert incomplete
            html = htmlmod.unescape(needs.priority_table(res, "en"))
            assert html.count("not ranked (components missing)") == len(incomplete)


def test_the_marker_follows_direction_next_to_the_municipality_value():
    """Hand-built: a significant difference whose municipality is lower gets ▼ next to the
    municipality's own figure (not in the p column); a non-significant one gets none."""
    from tsp_analysis.results.policy import DisclosurePolicy

    def rec(area, est, rest, significant, direction):
        return {
            "municipality": "akmene",
            "measure": "need",
            "area": area,
            "criterion": pd.NA,
            "estimate": est,
            "ci_low": est - 0.05,
            "ci_high": est + 0.05,
            "n": 50,
            "n_interval": 40.0,
            "rest_estimate": rest,
            "rest_n": 400,
            "difference": est - rest,
            "diff_ci_low": est - rest - 0.1,
            "diff_ci_high": est - rest + 0.1,
            "p_adjusted": 0.01 if significant else 0.4,
            "significant": significant,
            "direction": direction,
            "family": "needs",
            "family_size": 2,
            "p_method": "fdr_bh",
        }

    comparison = pd.DataFrame(
        [rec("health", 0.2, 0.5, True, "lower"), rec("education", 0.6, 0.55, False, "none")]
    )
    raw = rneeds._comparison_table(comparison, "need_unmet")
    raw = raw.with_data(raw.data.assign(n_cube="", n_coord=""))
    res = Results("needs_analysis", "akmene")
    res.add(raw)
    res.info["comparisons"] = rneeds._families(comparison)
    checked = DisclosurePolicy(min_count=5, min_base=10).publish_one(res)
    html = needs.needs_table(checked, "en")
    cells = dict(
        re.findall(
            r'data-cell="[^"]*area=(\w+)\|group=unit\|measure=need"[^>]*>(.*?)</td>', html, re.S
        )
    )
    assert "▼" in cells["health"] and "▲" not in cells["health"]
    assert "▲" not in cells["education"] and "▼" not in cells["education"]
    p_cells = re.findall(r"group=difference[^>]*>(.*?)</td>", html, re.S)
    assert p_cells and not any("▼" in c or "▲" in c for c in p_cells)
    text = re.sub(r"<[^>]+>", "", html)
    assert "not evidence of no difference" in text and "Benjamini–Hochberg" in text
    assert "interval base 40" in text


def test_model_section_states_the_proportional_odds_result_and_who_was_left_out(published):
    res = published["vilnius"]
    sample = {r["figure"]: r for r in res["drivers_sample"].records()}
    used, dropped = int(sample["used"]["estimate"]), int(sample["dropped"]["estimate"])
    assert used + dropped == int(sample["total"]["estimate"])
    by_reason = [int(r["estimate"]) for f, r in sample.items() if f.startswith("dropped_")]
    assert sum(by_reason) == dropped
    omnibus = res["model_checks"].row(term="omnibus")
    html = htmlmod.unescape(re.sub(r"<[^>]+>", "", needs.drivers(res, "en")))
    assert f"The model uses {used} respondents; {dropped} were left out" in html
    words = "does not reject" if float(omnibus["p_value"]) >= res.info["alpha"] else "rejects"
    assert f"the Brant test {words} the assumption" in html
    # the reasons are listed inside the sentence, in lower case
    no_satisfaction = int(sample["dropped_satisfaction"]["estimate"])
    assert f"(did not answer on satisfaction: {no_satisfaction}" in html
    # Akmenė: too few for a model; who was left out is still stated
    ak = published["akmene"]
    html = htmlmod.unescape(re.sub(r"<[^>]+>", "", needs.drivers(ak, "en")))
    left = ak["drivers_sample"].row(figure="dropped")
    assert "not estimated" in html
    assert left["suppressed"] or f"{int(left['estimate'])} were left out" in html


def test_a_small_number_left_out_of_the_model_cannot_be_worked_out():
    from tsp_analysis.results.policy import DisclosurePolicy

    table, cube = rneeds._drivers_sample(30, 3, "akmene")
    res = Results("needs_analysis", "akmene")
    res.add_cube(cube)
    res.add(table)
    tab = DisclosurePolicy(min_count=5, min_base=10).publish_one(res)["drivers_sample"]
    reasons = {r["figure"]: r["reason"] for r in tab.records() if r["suppressed"]}
    assert reasons["dropped"] == "small_count"
    assert len(reasons) == 2 and "protects_other" in reasons.values()


def test_the_sample_table_gets_raw_counts_and_the_policy_hides_them(published, demo):
    """sample_vs_population(suppress=False): the small counts reach the policy, which hides
    them with their reason (the library's own suppression also hid zeros)."""
    tab = published["akmene"]["sample_profile"]
    counts = [r for r in tab.records() if r["measure"] == "respondents"]
    # every shown count is the library's raw count for the category (counted by hand from
    # the clean survey), and a hidden one is hidden by the policy, with its reason
    survey = demo.tsp_survey.data
    mine = survey[survey["municipality"] == "akmene"]
    sex = mine["sex"].value_counts()
    for r in counts:
        if r["margin"] == "sex" and not r["suppressed"]:
            assert int(r["estimate"]) == int(sex.get(r["category"], 0)), r["category"]
        if r["suppressed"]:
            assert r["reason"] in ("small_count", "protects_other")


def test_need_and_capacity_are_never_subtracted_and_the_method_says_what_it_did(published):
    res = published["vilnius"]
    assert set(res["need_capacity"].data["measure"]) == {"need", "unmet_all", "capacity"}
    assert "gap" not in set(res["priorities"].data["component"])
    text = htmlmod.unescape(re.sub(r"<[^>]+>", "", needs.method_text(res, "en")))
    for words in (
        "mid-2020 to May 2021",
        "do not correct self-selection",
        "treated as fixed",
        "Student's t",
        "Interval base",
        "Benjamini–Hochberg",
        "sampling distribution",
    ):
        assert words in text, words


def test_a_municipality_with_no_comparable_area_gets_words_not_a_chart(demo):
    """Jonava (demo data): no area has every priority component, so the stability chart has
    nothing to draw; the section says which areas could not be compared instead of failing."""
    from tsp_analysis.report import needs as report_needs

    res = results.compute("needs_analysis", _params("jonava"), inputs=demo)
    assert all(str(r["status"]) == "not_enough_data" for r in res["priority_stability"].records())
    for lang in ("lt", "en"):
        html = report_needs.priority_stability_chart(res, lang)
        assert "<img" not in html and "tsp-message" in html


# -- stakeholder types (issue 15) -----------------------------------------------------------------
@pytest.mark.parametrize("unit", UNITS)
def test_provider_types_count_each_type_and_hide_small_bases(published, demo, unit):
    """Each type's base is the number of the unit's provider respondents of that type (counted
    here independently), a cell of the provider respondents cube; a type with fewer than
    min_base respondents who rated shows no figure; a shown figure equals the mean of each
    respondent's mean rating over the areas, computed here by hand."""
    tab = published[unit]["provider_types"]
    prov = demo.provider_survey.data
    mine = prov[prov["municipality"] == unit]
    counts = mine["org_type"].value_counts()
    cb = load_codebook()
    shown = 0
    for rec in tab.records():
        code = rec["org_type"]
        assert rec["n_cube"] == f"respondents:provider_survey:{unit}"
        assert rec["n_coord"] == f"org_type={code}"
        if rec["suppressed"]:
            assert pd.isna(rec["estimate"])
            continue
        shown += 1
        assert rec["n"] == counts[code]
        people = mine[mine["org_type"] == code]
        cols = [q.id for q in cb.questions("provider_survey", group=rec["measure"])]
        ratings = people[cols].astype("Float64").where(lambda x: x <= 5)
        per_person = ((ratings - 1) / 4 * 100).mean(axis=1, skipna=True).dropna()
        assert len(per_person) >= 10
        assert rec["estimate"] == pytest.approx(float(per_person.mean()))
    if unit == "akmene":  # ten respondents over ten types: nothing can be shown
        assert shown == 0
    else:
        assert shown >= 2


def test_provider_types_render_with_every_type_label(published):
    res = published["vilnius"]
    for lang, word in (("lt", "Savivaldybės administracija"), ("en", "Municipal administration")):
        page = str(needs.provider_types_table(res, lang))
        assert word in page
        assert 'data-cell="needs_analysis-vilnius/provider_types/' in page


# -- good practices for the priority areas (issue 15) ----------------------------------------------
@pytest.mark.parametrize("unit", UNITS)
def test_practices_shown_are_exactly_those_fitting_the_published_priority_areas(published, unit):
    from tsp_analysis.recommend import load_practices

    res = published[unit]
    ranks = [
        r
        for r in res["priorities"].records()
        if r["component"] == "rank" and not r["suppressed"] and not pd.isna(r["estimate"])
    ]
    top = {str(r["area"]) for r in ranks if float(r["estimate"]) <= 3}
    assert set(needs.priority_areas(res)) == top
    catalogue = load_practices()
    fitting = {
        rec["name_en"] for rec in catalogue.to_dict("records") if top & set(rec["areas"].split(";"))
    }
    page = str(needs.practices(res, "en"))
    described = "".join(re.findall(r'<ul class="tsp-practices">.*?</ul>', page, flags=re.S))
    described = htmlmod.unescape(described)
    for rec in catalogue.to_dict("records"):
        assert (rec["name_en"] in described) == (rec["name_en"] in fitting), rec["practice_id"]
    if fitting:
        assert "planned content, not an evaluated practice" in page or "presented at" in page


def test_every_catalogued_practice_reaches_the_reader_of_every_needs_analysis(published):
    """Each of the 10 practices is named in every needs analysis (issue 15: 8 of 10 reached no
    report): described under a priority area it fits, or listed with its areas after them."""
    from tsp_analysis.recommend import load_practices

    for unit, res in published.items():
        for lang in ("lt", "en"):
            page = htmlmod.unescape(str(needs.practices(res, lang)))
            for rec in load_practices().to_dict("records"):
                assert rec[f"name_{lang}"] in page, (unit, lang, rec["practice_id"])


@pytest.mark.parametrize("unit", UNITS)
def test_need_capacity_hides_every_need_figure_the_need_table_hides(published, unit):
    """The need share and its base appear in two tables: what the need table hides (Akmenė's
    education need was hidden there to protect another figure, yet shown with its base beside
    the providers' capacity) is hidden in both, with the same base cell."""
    res = published[unit]
    need = {
        r["area"]: r
        for r in res["need_unmet"].records()
        if r["measure"] == "need" and r["group"] == "unit"
    }
    cap = {r["area"]: r for r in res["need_capacity"].records() if r["measure"] == "need"}
    assert set(cap) == set(need)
    for area, rec in need.items():
        assert cap[area]["n_coord"] == rec["n_coord"], area
        if rec["suppressed"]:
            assert cap[area]["suppressed"], area
        elif not cap[area]["suppressed"]:
            assert cap[area]["n"] == rec["n"], area


# -- the row helpers of results.table (counted, derived, share_of) ---------------------------------
def test_row_helpers_name_the_cell_a_figure_rests_on():
    import math

    from tsp_analysis.results.table import coord, counted, derived, share_of

    cell = coord(sex="female")
    assert counted(12, "population:jonava:2024", cell) == {
        "estimate": 12,
        "cube": "population:jonava:2024",
        "coord": "sex=female",
    }
    # 3 of 12: a share of 0.25 on the base 12, resting on the count 3 of that cell
    assert share_of(3, 12, "population:jonava:2024", cell) == {
        "estimate": 0.25,
        "n": 12,
        "of_cube": "population:jonava:2024",
        "of_coord": "sex=female",
        "of_value": 3,
    }
    assert math.isnan(share_of(0, 0, "population:jonava:2024", cell)["estimate"])
    # a rate per 100 residents rests on the count it is computed from
    assert derived(2.5, 40, "population:all:2024", "municipality=jonava", 40)["of_value"] == 40
