"""Build raw TŠP survey rows for the cleaning tests: valid ones, and one per kind of defect.

Rows are dicts of raw text (what a CSV cell holds, ``None`` for a blank), built from the
codebook so that they follow its routing (``got_x`` only after ``need_x = yes``, ratings only
after ``got_x`` = fully/partly). A valid row answers in a mix of codes, SPSS numbers and
Lithuanian/English labels, as real exports do. :data:`DEFECTS` maps each defect to the
quarantine reason cleaning must give it; :func:`make_bad` applies one.
"""

from __future__ import annotations

import random
from functools import cache

import pandas as pd

from tsp_analysis.codebook import load_codebook

DATASET = "tsp_survey"
#: Municipality spellings that must all be accepted (slug in the comment).
GOOD_MUNICIPALITIES = [
    "Vilniaus m. sav.",  # vilnius
    "Kaune",  # kaunas
    "Klaipédos",  # klaipeda (OCR)
    "Siauliy miesty",  # siauliai (OCR)
    "Jonavos raj.",  # jonava
    "Akmenės rajono savivaldybė",  # akmene
    "vilnius",
]
GOOD_CITIZENSHIPS = ["UA", "BY", "Ukraina", "Belarus", "IND", "RU", "kz", "Uzbekija"]


@cache
def _spellings(value_set: str) -> dict[str, dict[str, str]]:
    values = load_codebook().values(value_set)
    return {rec["code"]: rec for rec in values.astype(str).to_dict("records")}


@cache
def _codes(value_set: str) -> list[str]:
    return load_codebook().codes(value_set)


def _answer(rnd: random.Random, cb, value_set: str, code: str) -> str:
    """``code`` written as the code, the SPSS number or a label (any case)."""
    v = _spellings(value_set)[code]
    form = rnd.choice(["code", "code", "spss", "label_lt", "label_en", "upper"])
    if form == "upper":
        return str(v["label_lt"]).upper()
    return code if form == "code" else str(v[form])


def good_row(rnd: random.Random, resp_id: str) -> dict[str, str | None]:
    """A valid raw TŠP survey row that follows the routing and is not straight-lined."""
    cb = load_codebook()
    row: dict[str, str | None] = {}
    for q in cb.questions(DATASET):
        if q.type == "id":
            row[q.id] = resp_id
        elif q.type == "municipality":
            row[q.id] = rnd.choice(GOOD_MUNICIPALITIES)
        elif q.type == "integer":
            row[q.id] = str(rnd.randint(int(q.min), int(q.max)))
        elif q.type == "number":
            row[q.id] = f"{rnd.uniform(q.min, min(q.max, 30)):.1f}".replace(".", ",")
        elif q.type == "country":
            row[q.id] = rnd.choice(GOOD_CITIZENSHIPS)
        elif q.type == "text":
            row[q.id] = rnd.choice([None, "Ačiū", "More information in English, please"])
        elif q.group == "received":
            need = row[f"need_{q.area}"]
            asked = need is not None and _code(cb, "yes_no_dk", need) == "yes"
            row[q.id] = (
                _answer(rnd, cb, q.value_set, rnd.choice(_codes(q.value_set))) if asked else None
            )
        elif q.group == "rating":
            got = row[f"got_{q.area}"]
            asked = got is not None and _code(cb, "received", got) in {"fully", "partly"}
            code = rnd.choice(["1", "2", "3", "4", "5", "5", "4", "8", "9"])
            row[q.id] = _answer(rnd, cb, q.value_set, code) if asked else None
        elif q.type in {"category", "likert", "binary"}:
            code = rnd.choice(_codes(q.value_set))
            row[q.id] = _answer(rnd, cb, q.value_set, code) if rnd.random() < 0.9 else None
    row["data_origin"] = "synthetic"
    _break_straight_line(row, cb)
    return row


def _code(cb, value_set: str, text: str) -> str | None:
    from tsp_analysis.codebook import fold

    return cb.parse_map(value_set).get(fold(text))


@cache
def _rating_ids() -> list[str]:
    return [q.id for q in load_codebook().questions(DATASET, group="rating")]


def _break_straight_line(row: dict, cb) -> None:
    ratings = _rating_ids()
    substantive = [
        r for r in ratings if row[r] is not None and _code(cb, "likert5", row[r]) in set("12345")
    ]
    codes = {_code(cb, "likert5", row[r]) for r in substantive}
    if len(substantive) >= 10 and len(codes) == 1:
        row[substantive[0]] = "1" if codes != {"1"} else "2"


def rated_row(resp_id: str, ratings: list[str], municipality: str = "Kaunas") -> dict:
    """A row that used the first ``len(ratings) // 5 + 1`` services and gave ``ratings``."""
    cb = load_codebook()
    row: dict[str, str | None] = {q.id: None for q in cb.questions(DATASET)}
    row.update(resp_id=resp_id, municipality=municipality, age="40", citizenship="UA")
    rating_ids = [q.id for q in cb.questions(DATASET, group="rating")]
    for qid, value in zip(rating_ids, ratings, strict=False):
        area = cb.question(DATASET, qid).area
        row[f"need_{area}"] = "yes"
        row[f"got_{area}"] = "fully"
        row[qid] = value
    return row


#: Defect → the quarantine reason cleaning must give the row.
DEFECTS = {
    "age_out_of_range": "out_of_range",
    "age_not_a_number": "invalid_value",
    "unknown_municipality": "unknown_municipality",
    "eu_citizen": "not_third_country",
    "missing_municipality": "missing_required",
    "rating_without_use": "impossible_combination",
    "received_without_need": "impossible_combination",
    "straight_liner": "straight_lining",
    "exact_copy": "duplicate_row",
    "reused_id": "duplicate_id",
}


#: Defect of one optional answer → (column, reason): the row is kept, that cell set missing.
CELL_DEFECTS = {
    "rating_label_unknown": ("rate_health_quality", "invalid_value"),
    "years_not_a_number": ("years_in_lt", "invalid_value"),
    "years_out_of_range": ("years_in_lt", "out_of_range"),
    "sex_unknown": ("sex", "invalid_value"),
}


def make_bad(rnd: random.Random, kind: str, resp_id: str, earlier: list[dict]) -> dict:
    """A row with exactly one defect of ``kind``. Duplicates copy an earlier good row."""
    if kind == "exact_copy":
        return dict(rnd.choice(earlier))
    if kind == "reused_id":
        source = rnd.choice(earlier)
        row = good_row(rnd, source["resp_id"])
        row["comment"] = f"{source.get('comment')} (a different answer)"
        return row
    if kind == "straight_liner":
        value = rnd.choice(["1", "2", "3", "4", "5", "Gerai", "very good"])
        return rated_row(resp_id, [value] * rnd.randint(10, 20))
    row = good_row(rnd, resp_id)
    if kind == "age_out_of_range":
        row["age"] = rnd.choice(["7", "17", "100", "150", "-3"])
    elif kind == "rating_label_unknown":
        row.update(need_health="yes", got_health="fully", rate_health_quality="Puikiai")
    elif kind == "years_not_a_number":
        row["years_in_lt"] = rnd.choice(["daug", "5 metai", "?"])
    elif kind == "years_out_of_range":
        row["years_in_lt"] = rnd.choice(["71", "-1", "150,5"])
    elif kind == "sex_unknown":
        row["sex"] = rnd.choice(["alien", "x", "Moteris ir vyras"])
    elif kind == "age_not_a_number":
        row["age"] = rnd.choice(["trisdešimt", "30 m.", "3O"])
    elif kind == "unknown_municipality":
        row["municipality"] = rnd.choice(["Trakų r. sav.", "Kauno r.", "Riga", "Panevėžys"])
    elif kind == "eu_citizen":
        row["citizenship"] = rnd.choice(["PL", "Latvija", "DEU", "Lithuania", "CH"])
    elif kind == "missing_municipality":
        row["municipality"] = rnd.choice([None, "   "])
    elif kind == "rating_without_use":
        row.update(need_health="no", got_health=None, rate_health_quality="4")
    elif kind == "received_without_need":
        row.update(need_health="Ne", got_health="fully")
        for q in load_codebook().questions(DATASET, area="health", group="rating"):
            row[q.id] = None
    else:
        raise ValueError(kind)
    return row


def frame(rows: list[dict]) -> pd.DataFrame:
    """Raw rows as a text table with the reader's provenance columns."""
    out = pd.DataFrame(rows).astype("str")
    out["source_file"] = "test.csv"
    out["source_row"] = range(2, len(rows) + 2)
    return out
