"""Municipality-name normalisation on the spellings found in the seeds and in real exports."""

from __future__ import annotations

import pandas as pd
import pytest

from tsp_analysis.names import normalise_municipalities, normalise_municipality

# Spellings taken from the seed documents: 000 (news item), 001 (OCR-damaged project
# description), 003 (Annex 1 column heads), plus the usual forms of official tables.
SEED_VARIANTS = [
    # seed 000: genitives in a list, plural "miestų", locatives of the round-table towns
    ("Vilniaus", "vilnius"),
    ("Kauno", "kaunas"),
    ("Klaipėdos", "klaipeda"),
    ("Šiaulių miestų", "siauliai"),
    ("Naujojoje Akmenėje", "akmene"),
    ("Jonavoje", "jonava"),
    ("Vilniuje", "vilnius"),
    ("Kaune", "kaunas"),
    ("Klaipėdoje", "klaipeda"),
    ("Šiaulių miesto savivaldybės", "siauliai"),
    # seed 001: OCR damage ("y" for "ų", "é" for "ė", an inserted "g")
    ("Siauliy miesty", "siauliai"),
    ("Siauliy miesto savivaldybés administracija", "siauliai"),
    ("Klaipédos", "klaipeda"),
    ("Klaipédos miesto savivaldybés administracija", "klaipeda"),
    ("Akmengés rajono", "akmene"),
    ("Akmengés rajono savivaldybés administracija", "akmene"),
    ("Akmenés", "akmene"),
    # seed 003, Annex 1 column heads
    ("Akmenės raj.", "akmene"),
    ("Jonavos raj.", "jonava"),
    ("Kauno m.", "kaunas"),
    ("Klaipėdos m.", "klaipeda"),
    ("Šiaulių m.", "siauliai"),
    ("Vilniaus m.", "vilnius"),
    ("Jonavos rajono savivaldybė", "jonava"),
]

EXPORT_VARIANTS = [
    ("VILNIAUS M. SAV.", "vilnius"),
    ("Siauliu", "siauliai"),
    ("Šiaulių miesto savivaldybė", "siauliai"),
    ("Vilnius City Municipality", "vilnius"),
    ("Jonava District Municipality", "jonava"),
    ("Akmene district", "akmene"),
    ("Naujoji Akmenė", "akmene"),
    ("  kauno   miesto  ", "kaunas"),
    ("Klaipeda", "klaipeda"),
    ("klaipeda", "klaipeda"),  # the slug itself
    ("$iauliy", "siauliai"),  # OCR "$" for "Š"
    ("Klaipdos", "klaipeda"),  # one letter dropped: fuzzy match
    ("Jonavos m.", "jonava"),  # the town is inside Jonava district municipality
]


@pytest.mark.parametrize(("text", "slug"), SEED_VARIANTS + EXPORT_VARIANTS)
def test_spelling_maps_to_slug(text, slug):
    assert normalise_municipality(text) == slug


# All 60 Lithuanian municipalities. The six project municipalities map to their slug; every
# other one, including the district municipalities around the four project cities, is None.
ALL_MUNICIPALITIES = {
    "Akmenės r.": "akmene",
    "Alytaus m.": None,
    "Alytaus r.": None,
    "Anykščių r.": None,
    "Birštono": None,
    "Biržų r.": None,
    "Druskininkų": None,
    "Elektrėnų": None,
    "Ignalinos r.": None,
    "Jonavos r.": "jonava",
    "Joniškio r.": None,
    "Jurbarko r.": None,
    "Kaišiadorių r.": None,
    "Kalvarijos": None,
    "Kauno m.": "kaunas",
    "Kauno r.": None,
    "Kazlų Rūdos": None,
    "Kėdainių r.": None,
    "Kelmės r.": None,
    "Klaipėdos m.": "klaipeda",
    "Klaipėdos r.": None,
    "Kretingos r.": None,
    "Kupiškio r.": None,
    "Lazdijų r.": None,
    "Marijampolės": None,
    "Mažeikių r.": None,
    "Molėtų r.": None,
    "Neringos": None,
    "Pagėgių": None,
    "Pakruojo r.": None,
    "Palangos m.": None,
    "Panevėžio m.": None,
    "Panevėžio r.": None,
    "Pasvalio r.": None,
    "Plungės r.": None,
    "Prienų r.": None,
    "Radviliškio r.": None,
    "Raseinių r.": None,
    "Rietavo": None,
    "Rokiškio r.": None,
    "Skuodo r.": None,
    "Šakių r.": None,
    "Šalčininkų r.": None,
    "Šiaulių m.": "siauliai",
    "Šiaulių r.": None,
    "Šilalės r.": None,
    "Šilutės r.": None,
    "Širvintų r.": None,
    "Švenčionių r.": None,
    "Tauragės r.": None,
    "Telšių r.": None,
    "Trakų r.": None,
    "Ukmergės r.": None,
    "Utenos r.": None,
    "Varėnos r.": None,
    "Vilkaviškio r.": None,
    "Vilniaus m.": "vilnius",
    "Vilniaus r.": None,
    "Visagino": None,
    "Zarasų r.": None,
}


def test_the_sixty_municipalities_are_sixty():
    assert len(ALL_MUNICIPALITIES) == 60
    assert sum(v is not None for v in ALL_MUNICIPALITIES.values()) == 6


@pytest.mark.parametrize("suffix", [" sav.", " savivaldybė", ""])
@pytest.mark.parametrize("name", sorted(ALL_MUNICIPALITIES))
def test_every_lithuanian_municipality_maps_right_or_not_at_all(name, suffix):
    assert normalise_municipality(name + suffix) == ALL_MUNICIPALITIES[name]


@pytest.mark.parametrize("name", sorted(n for n, s in ALL_MUNICIPALITIES.items() if s is None))
def test_other_municipalities_without_diacritics_stay_unknown(name):
    from tsp_analysis.codebook import fold

    assert normalise_municipality(fold(name).upper()) is None


@pytest.mark.parametrize(
    "text",
    [
        "Trakų",
        "Kėdainių",
        "Panevėžio",
        "Alytaus",
        "Kelmės",
        "Kaunas district",  # the district municipality around Kaunas, not the city
        "Vilniaus rajono savivaldybė",
        "Akmenės ir Jonavos rajonų",  # two municipalities: no single answer
        "Vilniaus apskritis",  # a county, not a municipality
        "Riga",
        "",
        "   ",
        "m.",
        "sav.",
    ],
)
def test_other_places_and_non_names_are_unknown(text):
    assert normalise_municipality(text) is None


def test_missing_values_are_unknown():
    assert normalise_municipality(None) is None
    assert normalise_municipality(float("nan")) is None
    assert normalise_municipality(pd.NA) is None


@pytest.mark.parametrize("text", ["Lietuva", "LITHUANIA", "visa Lietuva", "lithuania"])
def test_country_only_where_allowed(text):
    assert normalise_municipality(text, allow_country=True) == "lithuania"
    assert normalise_municipality(text) is None


def test_country_option_keeps_municipalities():
    assert normalise_municipality("Kauno m.", allow_country=True) == "kaunas"


def test_vectorised_version_matches_scalar_and_keeps_index():
    values = pd.Series(
        ["Kauno m.", None, "Siauliy", "Trakų r.", "Kauno m.", "Lietuva"],
        index=[10, 11, 12, 13, 14, 15],
        dtype="str",
    )
    out = normalise_municipalities(values)
    assert out.index.tolist() == values.index.tolist()
    assert str(out.dtype) == "str"
    expected = [normalise_municipality(v) for v in values]
    assert [None if pd.isna(v) else v for v in out] == expected
    with_country = normalise_municipalities(values, allow_country=True)
    assert with_country.iloc[-1] == "lithuania"
