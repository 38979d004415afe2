"""Municipality names in any spelling → the slug of ``data/reference/municipalities.csv``.

Survey exports and official tables spell a municipality in many ways: "Vilniaus m. sav.",
"VILNIAUS MIESTO SAVIVALDYBĖ", "Vilnius city", "Vilniuje", "Siauliu" (no diacritics), and the OCR
damage of seed 001 ("Siauliy miesty", "Klaipédos", "Akmengés rajono"). The rules, in order:

1. fold case and diacritics (:func:`tsp_analysis.codebook.fold`), repair the OCR characters seen
   in the seeds (``$`` for ``š``, ``¢`` for ``č``) and split into words;
2. drop the words that only say what kind of place it is ("m.", "miesto", "miestų", "r.",
   "raj.", "rajono", "rajonų", "sav.", "savivaldybė", "city", "district", "municipality", ...),
   remembering whether a city or a district word was present;
3. match each remaining word: a word that starts with a municipality's ``stem`` (the reference
   column: ``vilni``, ``kaun``, ...) or, failing that, whose :class:`difflib.SequenceMatcher`
   ratio with one of the municipality's name forms (genitive, nominative, aliases) is at least
   :data:`FUZZY_CUTOFF`;
4. accept only when every remaining word matched the same municipality. A word that matches
   nothing ("apskritis", "Trakų") or words that match two municipalities make the name unknown.

A city municipality named together with a district word ("Kauno r.", "Kaunas district") is the
*district* municipality around the city — a different municipality — so it is unknown, not the
city. A district municipality named with a city word ("Jonavos m.") is its central town, which
belongs to it, so it maps to the district.

Anything not matched is ``None``: cleaning quarantines the row (``unknown_municipality``) rather
than guess. Adding a municipality to the reference table (slug, names, ``stem``, ``aliases``,
``type``) is all that a new one needs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from . import reference
from .codebook import fold
from .ids import COUNTRY

#: Minimum :class:`difflib.SequenceMatcher` ratio for a misspelt word to count as a name form.
#: 0.85 lets one dropped or wrong letter through in a 7+ letter word ("Klaipdos", "Siauliy")
#: but no other Lithuanian municipality: the test suite checks all 60 of them.
FUZZY_CUTOFF = 0.85

#: Words that name the kind of place (folded), not the place. ``y`` endings are the OCR
#: spelling of ``ų`` in seed 001 ("miesty", "rajony", "savivaldybiy").
_CITY_WORDS = frozenset({"m", "miestas", "miesto", "miestu", "miesty", "city", "town"})
_DISTRICT_WORDS = frozenset(
    {"r", "raj", "rajonas", "rajono", "rajonu", "rajony", "district", "rural"}
)
_NEUTRAL_WORDS = frozenset(
    {
        "sav",
        "savivaldybe",
        "savivaldybes",
        "savivaldybeje",
        "savivaldybiu",
        "savivaldybiy",
        "savivaldybese",
        "administracija",
        "administracijos",
        "municipality",
        "municipal",
        "council",
        "of",
        "the",
    }
)
#: Words that qualify a town name without changing the municipality ("Naujoji Akmenė" is the
#: centre of Akmenė district; seed 000 writes "Naujojoje Akmenėje").
_QUALIFIER_WORDS = frozenset({"naujoji", "naujojoje", "naujosios", "naujaja", "naujoje"})

_COUNTRY_NAMES = frozenset(
    {
        "lithuania",
        "lietuva",
        "visa lietuva",
        "lietuvos respublika",
        "republic of lithuania",
        "whole country",
        "all lithuania",
        COUNTRY,
    }
)

#: OCR confusions in seed 001 that :func:`fold` does not undo (it only strips accents).
_OCR = str.maketrans({"$": "s", "¢": "c"})
_SPLIT = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class _Entry:
    slug: str
    stem: str
    is_city: bool
    forms: tuple[str, ...]


@cache
def _entries(folder: str) -> tuple[_Entry, ...]:
    del folder  # part of the cache key only: tests may point TSP_ANALYSIS_DATA elsewhere
    out = []
    for rec in reference.municipalities().to_dict("records"):
        names = [rec["name_lt"], rec["name_en"], rec["short_lt"], rec["short_en"], rec["slug"]]
        names += [a for a in rec["aliases"].split(";") if a.strip()]
        forms: set[str] = set()
        for name in names:
            for word in _words(name):
                if word not in _CITY_WORDS | _DISTRICT_WORDS | _NEUTRAL_WORDS | _QUALIFIER_WORDS:
                    forms.add(word)
        out.append(
            _Entry(
                slug=rec["slug"],
                stem=fold(rec["stem"]),
                is_city=rec["type"] == "city",
                forms=tuple(sorted(forms)),
            )
        )
    return tuple(out)


def _words(text: str) -> list[str]:
    folded = fold(str(text).translate(_OCR))
    return [w for w in _SPLIT.split(folded) if w]


def _match_word(word: str, entries: tuple[_Entry, ...]) -> set[str]:
    """Slugs whose stem starts ``word``; if none, slugs with a close enough name form."""
    hits = {e.slug for e in entries if word.startswith(e.stem)}
    if hits or len(word) < 4:  # short words are too easy to confuse to match fuzzily
        return hits
    for e in entries:
        for form in e.forms:
            if difflib.SequenceMatcher(None, word, form).ratio() >= FUZZY_CUTOFF:
                hits.add(e.slug)
                break
    return hits


def normalise_municipality(text: object, *, allow_country: bool = False) -> str | None:
    """Return the slug of the municipality that ``text`` names, or ``None`` if unknown.

    Parameters
    ----------
    text : object
        A municipality name in any spelling; missing values give ``None``.
    allow_country : bool
        Also accept the whole country ("Lietuva", "Lithuania", "visa Lietuva") as
        ``"lithuania"``; used for ``municipality_or_country`` fields (population tables).

    Examples
    --------
    >>> normalise_municipality("VILNIAUS M. SAV.")
    'vilnius'
    >>> normalise_municipality("Siauliy miesty")
    'siauliai'
    >>> normalise_municipality("Kauno r.") is None  # Kaunas district, not Kaunas city
    True
    >>> normalise_municipality("Lietuva", allow_country=True)
    'lithuania'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    words = _words(text)
    if not words:
        return None
    if allow_country and " ".join(words) in _COUNTRY_NAMES:
        return COUNTRY
    entries = _entries(str(reference.reference_dir()))
    city_word = district_word = False
    matched: set[str] = set()
    for word in words:
        if word in _CITY_WORDS:
            city_word = True
        elif word in _DISTRICT_WORDS:
            district_word = True
        elif word in _NEUTRAL_WORDS or word in _QUALIFIER_WORDS:
            continue
        else:
            hits = _match_word(word, entries)
            if len(hits) != 1:  # an unknown word or an ambiguous one: do not guess
                return None
            matched |= hits
    if len(matched) != 1:
        return None
    slug = matched.pop()
    entry = next(e for e in entries if e.slug == slug)
    if entry.is_city and district_word and not city_word:
        return None  # "Kauno r." is Kaunas district municipality, not Kaunas city
    return slug


def normalise_municipalities(values: pd.Series, *, allow_country: bool = False) -> pd.Series:
    """Vectorised :func:`normalise_municipality`: each distinct spelling is matched once.

    Returns a ``str`` Series aligned with ``values``; unknown or missing names are ``NA``.

    Examples
    --------
    >>> normalise_municipalities(pd.Series(["Kauno m.", "Kaune", "Trakų r."])).tolist()
    ['kaunas', 'kaunas', nan]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [normalise_municipality(u, allow_country=allow_country) for u in uniques]
    table = pd.array([*mapped, None], dtype="str")  # the last slot serves code -1 (missing)
    return pd.Series(table.take(codes), index=values.index, name=values.name, dtype="str")
