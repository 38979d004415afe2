"""The shipped reference tables: identifiers, labels in both languages, consistency."""

from __future__ import annotations

import pytest

from tsp_analysis import reference
from tsp_analysis.clean import clean
from tsp_analysis.synth import tsp_survey_frame

LT_LETTERS = set("ąčęėįšųūžĄČĘĖĮŠŲŪŽ")


def test_six_municipalities_with_both_names():
    m = reference.municipalities()
    assert m["slug"].tolist() == ["vilnius", "kaunas", "klaipeda", "siauliai", "jonava", "akmene"]
    assert set(m["type"]) == {"city", "district"}
    assert (m["name_lt"].str.len() > 0).all() and (m["name_en"].str.len() > 0).all()
    assert m.set_index("slug").loc["siauliai", "name_lt"] == "Šiaulių miesto savivaldybė"


def test_nine_areas_and_five_criteria_in_report_order():
    assert reference.area_ids() == [
        "education",
        "employment",
        "social_housing",
        "health",
        "culture",
        "participation",
        "equal_opportunities",
        "womens_rights",
        "community",
    ]
    assert reference.criterion_ids() == [
        "coverage",
        "relevance",
        "accessibility",
        "quality",
        "inclusion",
    ]


@pytest.mark.parametrize(
    "name", ["areas", "criteria", "residence_bases", "age_groups", "strategic_components"]
)
def test_every_label_present_in_both_languages(name):
    frame = reference.table(name)
    for lang in reference.LANGUAGES:
        assert (frame[f"label_{lang}"].str.strip().str.len() > 0).all()


def test_lithuanian_labels_keep_their_diacritics():
    # A label table saved through a wrong code page loses ą, č, ė, ų...; catch that early.
    text = "".join(reference.table("areas")["label_lt"]) + "".join(
        reference.table("criteria")["label_lt"]
    )
    assert LT_LETTERS & set(text)
    assert "Švietimas ir vaikų ugdymas" in reference.labels("areas", "lt").values()
    assert reference.labels("criteria", "lt")["inclusion"] == "Įtrauktis"


def test_countries_mark_third_country_nationals():
    c = reference.countries().set_index("iso2")
    assert len(c) >= 249
    assert c.loc["UA", "third_country"] and not c.loc["UA", "eu"]
    assert not c.loc["LT", "third_country"] and c.loc["LT", "eu"]
    # EEA and Swiss citizens have free movement, so they are not TŠP either.
    assert not c.loc["NO", "third_country"] and not c.loc["CH", "third_country"]
    assert c["eu"].sum() == 27
    assert c.loc["NA", "name_en"] == "Namibia"  # "NA" is a code, not a missing value
    assert c.loc["BY", "name_lt"] == "Baltarusija"


def test_labels_rejects_unknown_language():
    with pytest.raises(ValueError, match="language"):
        reference.labels("areas", "de")


def test_country_aliases_cover_the_short_names_people_write():
    raw = tsp_survey_frame({"vilnius": 4}, seed=3, dirty=False)
    raw["citizenship"] = ["Russia", "Rusija", "Moldova", "Iran, Islamic Republic of"]
    result = clean(raw, "tsp_survey")
    assert result.data["citizenship"].tolist() == ["RU", "RU", "MD", "IR"]
