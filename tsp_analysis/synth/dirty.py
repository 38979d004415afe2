"""The documented dirty rows of the synthetic TŠP survey.

A real export is never clean. :func:`inject` adds a small, documented set of problems (about 2%
of rows: each kind once per 1,000 respondents, at least once) to rows that are otherwise clean,
and returns one log entry per affected row saying what cleaning should do with it. The same
list is in ``data/README.md`` and, for the demo files, in ``data/demo/MANIFEST.json``.

Kinds (``kind``: what it looks like → what cleaning should do):

``duplicate_respondent``  an exact copy of a respondent (same id, same answers), appended at
                          the end → quarantine the later copy as a duplicate.
``reused_id``             two rows of one municipality share a ``resp_id`` but differ in their
                          answers → keep the first, quarantine the later one (duplicate id).
``age_out_of_range``      ``age`` 7 or 150 (the survey is of adults, 18–99) → quarantine.
``rating_without_use``    a ``rate_<area>_<criterion>`` answered although ``need_<area>`` is
                          ``no`` → quarantine (an impossible combination: skip logic broken).
``straight_liner``        the same rating on every rating item (at least 10) → quarantine as
                          straight-lining.
``unknown_municipality``  ``Trakų r. sav.``, not a project municipality → quarantine.
``eu_citizen``            citizenship ``PL`` (an EU citizen, not a TŠP) → quarantine.
``municipality_spelling`` valid municipality in another spelling ("Vilniaus m. sav.",
                          "KAUNO MIESTO", "Siauliy m." (OCR damage as in seed 001),
                          "Klaipedos", "Jonavos r.", "Akmenės rajono savivaldybė") → normalise to
                          the slug.
``likert_label``          a rating given as its label in Lithuanian or English ("Gerai",
                          "Very good", "Nežinau") → recode to the code (4, 5, 8).
``decimal_comma``         ``years_in_lt`` with a decimal comma ("2,5") → read as 2.5.
``country_name``          citizenship as a country name ("Ukraina", "Belarus") → recode to the ISO
                          code (UA, BY).
"""

from __future__ import annotations

import numpy as np

from .. import reference
from ..codebook import Codebook
from .coded import MISSING, Coded

DATASET = "tsp_survey"
#: Municipality names in other spellings, one per municipality.
SPELLINGS = {
    "vilnius": "Vilniaus m. sav.",
    "kaunas": "KAUNO MIESTO",
    "klaipeda": "Klaipedos",
    "siauliai": "Siauliy m.",  # OCR damage, as in seed 001
    "jonava": "Jonavos r.",
    "akmene": "Akmenės rajono savivaldybė",
}
UNKNOWN_MUNICIPALITY = "Trakų r. sav."
EU_CITIZENSHIP = "PL"
#: Likert codes given as their label: (code, label language).
LIKERT_LABELS = (("4", "lt"), ("5", "en"), ("8", "lt"))
#: Citizenships given as a country name: (ISO code, name language).
COUNTRY_NAMES = (("UA", "lt"), ("BY", "en"))
OUT_OF_RANGE_AGES = ("7", "150")
#: A straight-liner answers at least this many rating items.
STRAIGHT_LINE_ITEMS = 10
#: What cleaning should do, per kind (also in data/README.md).
CLEANING = {
    "duplicate_respondent": "quarantine the later copy (exact duplicate)",
    "reused_id": "keep the first row, quarantine the later one (same resp_id, other answers)",
    "age_out_of_range": "quarantine (age outside 18-99)",
    "rating_without_use": "quarantine (impossible combination: rated although need is no)",
    "straight_liner": "quarantine (straight-lining: the same answer to every rating item)",
    "unknown_municipality": "quarantine (not a project municipality)",
    "eu_citizen": "quarantine (EU citizen, not a third-country national)",
    "municipality_spelling": "normalise to the municipality slug",
    "likert_label": "recode the label to its code",
    "decimal_comma": "read the decimal comma as a decimal point",
    "country_name": "recode the country name to its ISO code",
}


def repeats(n: int) -> int:
    """How many times each kind occurs in a survey of ``n`` rows: once per 1,000, at least once."""
    return max(1, round(n / 1000))


class _Injector:
    def __init__(self, columns: dict[str, Coded], rng: np.random.Generator, cb: Codebook):
        self.cols, self.rng, self.cb = columns, rng, cb
        self.n = len(columns["resp_id"])
        self.free = np.ones(self.n, dtype=bool)  # rows not yet made dirty
        self.log: list[dict] = []
        self.ratings = [q.id for q in cb.questions(DATASET, group="rating")]

    def pick(self, candidates: np.ndarray, k: int) -> np.ndarray:
        """Up to ``k`` free rows among ``candidates`` (a mask), marked as used, sorted."""
        pool = np.flatnonzero(candidates & self.free)
        if pool.size == 0:
            return pool
        rows = np.sort(self.rng.choice(pool, size=min(k, pool.size), replace=False))
        self.free[rows] = False
        return rows

    def note(self, row: int, kind: str, column: str | None, detail: str = "") -> None:
        value = self.cols[column].value(row) if column else None
        self.log.append(
            {
                "row": int(row),
                "resp_id": self.cols["resp_id"].value(row),
                "kind": kind,
                "column": column,
                "value": value,
                "cleaning": CLEANING[kind],
                "detail": detail,
            }
        )

    def answered(self, column: str) -> np.ndarray:
        return self.cols[column].codes != MISSING

    # -- the kinds -----------------------------------------------------------------------------
    def reused_id(self, k: int) -> None:
        # the id is reused within one municipality, as when two interviewers share a range
        muni = self.cols["municipality"]
        ids = self.cols["resp_id"]
        firsts = self.pick(np.ones(self.n, bool), k)
        for code in np.unique(muni.codes[firsts]):
            mine = firsts[muni.codes[firsts] == code]
            seconds = self.pick(muni.codes == code, mine.size)
            self.free[mine[seconds.size :]] = True  # no partner left for these
            for first, second in zip(mine, seconds, strict=False):
                ids.codes[second] = ids.codes[first]
                self.note(first, "reused_id", "resp_id", f"same resp_id as row {second + 2}")
                self.note(second, "reused_id", "resp_id", f"same resp_id as row {first + 2}")

    def set_values(self, kind: str, column: str, candidates: np.ndarray, values, k: int) -> None:
        for value in values:
            for row in self.pick(candidates, k):
                self.cols[column].set(row, value)
                self.note(row, kind, column)

    def rating_without_use(self, k: int) -> None:
        needs = self.cb.questions(DATASET, group="need")
        said_no = np.stack([self.cols[q.id].isin(["no"]) for q in needs], axis=1)
        for row in self.pick(said_no.any(axis=1), k):
            q = needs[int(self.rng.choice(np.flatnonzero(said_no[row])))]
            rates = self.cb.questions(DATASET, group="rating", area=q.area)
            rq = rates[int(self.rng.integers(len(rates)))]
            self.cols[rq.id].set(row, str(int(self.rng.integers(1, 6))))
            self.note(row, "rating_without_use", rq.id, f"{q.id} is 'no'")

    def rating_matrix(self) -> np.ndarray:
        """Rows × rating items: True where the item is answered."""
        return np.stack([self.answered(c) for c in self.ratings], axis=1)

    def straight_liner(self, k: int) -> None:
        answered = self.rating_matrix()
        rows = self.pick(answered.sum(axis=1) >= STRAIGHT_LINE_ITEMS, k)
        if rows.size < k:  # a small survey may have nobody who rated that much: make one
            rows = np.concatenate([rows, self.pick(np.ones(self.n, bool), k - rows.size)])
        areas = [
            (
                need,
                self.cb.questions(DATASET, group="received", area=need.area),
                self.cb.questions(DATASET, group="rating", area=need.area),
            )
            for need in self.cb.questions(DATASET, group="need")
        ]
        for row, value in zip(rows, self.rng.integers(3, 6, size=rows.size), strict=True):
            filled = int(answered[row].sum())
            for need, gots, rates in areas:
                for got in gots:
                    used = self.cols[got.id].value(row) in ("fully", "partly")
                    if not used and filled < STRAIGHT_LINE_ITEMS:
                        # make the row a heavy user, consistently with the skip logic
                        self.cols[need.id].set(row, "yes")
                        self.cols[got.id].set(row, "fully")
                        filled += len(rates)
                        used = True
                    if used:
                        for rq in rates:
                            self.cols[rq.id].set(row, str(value))
            self.note(row, "straight_liner", None, f"every rating item is {value}")

    def likert_label(self, k: int) -> None:
        answered = self.rating_matrix()
        value_sets = {self.cb.question(DATASET, c).value_set for c in self.ratings}
        labels = {
            (vs, lang): self.cb.value_labels(vs, lang)
            for vs in value_sets
            for lang in reference.LANGUAGES
        }
        for code, lang in LIKERT_LABELS:
            for row in self.pick(answered.any(axis=1), k):
                column = self.ratings[int(self.rng.choice(np.flatnonzero(answered[row])))]
                label = labels[(self.cb.question(DATASET, column).value_set, lang)][code]
                self.cols[column].set(row, label)
                self.note(row, "likert_label", column, f"label of code {code} ({lang})")

    def decimal_comma(self, k: int) -> None:
        years = self.cols["years_in_lt"]
        halves = np.array([str(c).endswith(".5") for c in years.categories])
        fractional = years.codes >= 0
        fractional[fractional] = halves[years.codes[fractional]]
        rows = self.pick(fractional, k)
        if rows.size < k:
            rows = np.concatenate([rows, self.pick(self.answered("years_in_lt"), k - rows.size)])
        for row in rows:
            old = years.value(row)
            years.set(row, old.replace(".", ",") if old and old.endswith(".5") else "2,5")
            self.note(row, "decimal_comma", "years_in_lt")

    def country_name(self, k: int) -> None:
        countries = reference.countries().set_index("iso2")
        cit = self.cols["citizenship"]
        for iso, lang in COUNTRY_NAMES:
            rows = self.pick(cit.isin([iso]), k)
            if rows.size < k:
                rows = np.concatenate(
                    [rows, self.pick(self.answered("citizenship"), k - rows.size)]
                )
            for row in rows:
                cit.set(row, countries.at[iso, f"name_{lang}"])
                self.note(row, "country_name", "citizenship", f"name of {iso} ({lang})")

    def municipality_spelling(self, k: int) -> None:
        muni = self.cols["municipality"]
        for slug, spelling in SPELLINGS.items():
            for row in self.pick(muni.isin([slug]), k):
                muni.set(row, spelling)
                self.note(row, "municipality_spelling", "municipality", f"spelling of {slug}")

    def duplicates(self, k: int) -> None:
        originals = self.pick(np.ones(self.n, bool), k)
        for col in self.cols.values():
            col.codes = np.concatenate([col.codes, col.codes[originals]])
        for i, original in enumerate(originals):
            self.note(self.n + i, "duplicate_respondent", None, f"copy of row {original + 2}")


def inject(columns: dict[str, Coded], rng: np.random.Generator, cb: Codebook) -> list[dict]:
    """Make the documented rows dirty, in place; return the log sorted by row.

    ``columns`` maps every ``tsp_survey`` column to a :class:`~tsp_analysis.synth.coded.Coded`
    column of clean values. Each log entry has ``row`` (position in the frame), ``source_row``
    (spreadsheet row: header is row 1), ``resp_id``, ``kind``, ``column``, ``value`` (the dirty
    text, if one cell), ``cleaning`` (what cleaning should do) and ``detail``.
    """
    inj = _Injector(columns, rng, cb)
    k = repeats(inj.n)
    inj.reused_id(k)
    inj.set_values("age_out_of_range", "age", np.ones(inj.n, bool), OUT_OF_RANGE_AGES, k)
    inj.rating_without_use(k)
    inj.straight_liner(k)
    inj.set_values(
        "unknown_municipality", "municipality", np.ones(inj.n, bool), [UNKNOWN_MUNICIPALITY], k
    )
    inj.set_values("eu_citizen", "citizenship", np.ones(inj.n, bool), [EU_CITIZENSHIP], k)
    inj.municipality_spelling(k)
    inj.likert_label(k)
    inj.decimal_comma(k)
    inj.country_name(k)
    inj.duplicates(k)  # last, so that a copy is of a row that is otherwise clean
    for entry in inj.log:
        entry["source_row"] = entry["row"] + 2
    keys = ("row", "source_row", "resp_id", "kind", "column", "value", "cleaning", "detail")
    return sorted(({key: e[key] for key in keys} for e in inj.log), key=lambda e: e["row"])
