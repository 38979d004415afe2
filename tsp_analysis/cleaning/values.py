"""Each distinct raw value of a column decided once: parsed, recoded, or rejected with what
was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference
from ..codebook import Codebook, Question, fold
from ..names import normalise_municipality
from ..text import fold_label, repair_mojibake

#: Datasets whose respondents must be third-country nationals.
THIRD_COUNTRY_DATASETS = frozenset({"tsp_survey"})
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%Y %m %d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
_INTEGRAL = re.compile(r"^([+-]?\d+)[.,]0+$")
_DIGIT_GROUP = re.compile(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}(?:\D|$))")
_BINARY_EXTRA = {"true": "1", "false": "0"}


# -- distinct-value decisions -------------------------------------------------------------------
@dataclass
class _Decision:
    """What to do with each distinct raw value of a column (parallel lists)."""

    clean: list  # clean value, or None
    action: list  # None (unchanged), "recoded", "normalised" or "set_missing"
    problem: list  # None, or (reason, expected)


def _decide(uniques: list, parse: Callable[[str], tuple], coded: bool = False) -> _Decision:
    """Apply ``parse(stripped) -> (clean, canonical text, problem)`` to each distinct value.

    A changed value is ``normalised`` (the same value written differently), except that in a
    coded question (``coded``) a label or SPSS number that stands for a code is ``recoded``.
    """
    clean, action, problem = [], [], []
    for u in uniques:
        text = u.strip()
        if not text:
            clean.append(None)
            action.append("set_missing")
            problem.append(None)
            continue
        value, canonical, prob = parse(text)
        if prob is not None and (fixed := repair_mojibake(text)) is not None:
            prob = (
                prob[0],
                f"{prob[1]} (the value looks like UTF-8 text read as {fixed[1]}: "
                f"{fixed[0]!r}; re-save the file as UTF-8)",
            )
        clean.append(value)
        problem.append(prob)
        if prob is not None or u == canonical:
            action.append(None)
        elif not coded or fold(u) == fold(canonical):
            action.append("normalised")
        else:
            action.append("recoded")
    return _Decision(clean, action, problem)


def _coded_parser(cb: Codebook, q: Question) -> Callable[[str], tuple]:
    lookup = _parse_map(cb, q.value_set)
    if q.type == "binary":
        lookup = {**_BINARY_EXTRA, **lookup}
    expected = _expected_codes(cb, q.value_set)
    as_int = q.type in {"likert", "binary"}

    def parse(text: str) -> tuple:
        key = _INTEGRAL.sub(r"\1", fold_label(text))  # "4.0" from a spreadsheet is the code 4
        code = lookup.get(key)
        if code is None:
            return None, text, ("invalid_value", expected)
        return (int(code) if as_int else code), code, None

    return parse


def _number_parser(q: Question) -> Callable[[str], tuple]:
    integer = q.type == "integer"
    rng = _range_text(q.min, q.max)
    kind = "a whole number" if integer else "a number"
    expected = f"{kind} {rng}".strip()

    def parse(text: str) -> tuple:
        t = _DIGIT_GROUP.sub("", text)
        if "," in t and "." not in t:
            t = t.replace(",", ".")  # decimal comma
        try:
            x = float(t)
        except ValueError:
            return None, text, ("invalid_value", expected)
        if not np.isfinite(x) or (integer and not x.is_integer()):
            return None, text, ("invalid_value", expected)
        if (q.min is not None and x < q.min) or (q.max is not None and x > q.max):
            return None, text, ("out_of_range", expected)
        value = int(x) if integer else x
        # a plain number ("3", "34.0") is the value as written: not a change to log
        canonical = text if _PLAIN_NUMBER.fullmatch(text) else str(value)
        return value, canonical, None

    return parse


def _date_parser(q: Question) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        for fmt in _DATE_FORMATS:
            try:
                d = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return pd.Timestamp(d), d.date().isoformat(), None
        return None, text, ("invalid_value", "a date written YYYY-MM-DD")

    return parse


def _municipality_parser(q: Question) -> Callable[[str], tuple]:
    allow_country = q.type == "municipality_or_country"
    names = "; ".join(reference.municipalities()["name_lt"])
    expected = f"a known municipality in any spelling ({names})"
    if allow_country:
        expected += " or the whole country (Lietuva / Lithuania)"

    def parse(text: str) -> tuple:
        slug = normalise_municipality(text, allow_country=allow_country)
        if slug is None:
            return None, text, ("unknown_municipality", expected)
        return slug, slug, None

    return parse


def _country_parser(q: Question, dataset: str) -> Callable[[str], tuple]:
    lookup, third = _country_lookup()
    need_third = dataset in THIRD_COUNTRY_DATASETS
    expected = "an ISO 3166 country code (UA, UKR) or a country name in English or Lithuanian"

    def parse(text: str) -> tuple:
        iso2 = lookup.get(fold_label(text))
        if iso2 is None:
            return None, text, ("invalid_value", expected)
        if need_third and not third[iso2]:
            why = f"a third-country citizenship (not EU, EEA or Switzerland), not {iso2}"
            return None, text, ("not_third_country", why)
        return iso2, iso2, None

    return parse


def _area_parser(q: Question) -> Callable[[str], tuple]:
    areas = reference.areas()
    lookup: dict[str, str] = {}
    for col in ("label_en", "label_lt", "area"):
        lookup.update({fold_label(v): a for v, a in zip(areas[col], areas["area"], strict=True)})
    expected = "an area: " + ", ".join(areas["area"])

    def parse(text: str) -> tuple:
        area = lookup.get(fold_label(text))
        if area is None:
            return None, text, ("invalid_value", expected)
        return area, area, None

    return parse


def _range_text(lo: float | None, hi: float | None) -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if lo is not None and hi is not None:
        return f"from {fmt(lo)} to {fmt(hi)}"
    if lo is not None:
        return f"of at least {fmt(lo)}"
    if hi is not None:
        return f"of at most {fmt(hi)}"
    return ""


@lru_cache(maxsize=256)
def _missing_codes(cb: Codebook, value_set: str) -> frozenset[str]:
    return frozenset(cb.missing_codes(value_set))


@lru_cache(maxsize=256)
def _parse_map(cb: Codebook, value_set: str) -> dict[str, str]:
    return cb.parse_map(value_set)


@lru_cache(maxsize=256)
def _expected_codes(cb: Codebook, value_set: str) -> str:
    v = cb.values(value_set)
    parts = [
        f"{c} ({lt} / {en})"
        for c, lt, en in zip(v["code"], v["label_lt"], v["label_en"], strict=True)
    ]
    return "one of " + ", ".join(parts)


@lru_cache(maxsize=4)
def _country_lookup_cached(folder: str) -> tuple[dict[str, str], dict[str, bool]]:
    del folder  # the cache key: tests may point TSP_ANALYSIS_DATA elsewhere
    return _country_lookup_uncached()


def _country_lookup() -> tuple[dict[str, str], dict[str, bool]]:
    return _country_lookup_cached(str(reference.reference_dir()))


def _country_lookup_uncached() -> tuple[dict[str, str], dict[str, bool]]:
    countries = reference.countries()
    lookup: dict[str, str] = {}
    for aliases, code in zip(countries["aliases"], countries["iso2"], strict=True):
        lookup.update({fold_label(a): code for a in aliases.split(";") if a})
    for col in ("name_lt", "name_en", "iso3", "iso2"):  # codes win over names on a clash
        lookup.update(
            {fold_label(v): c for v, c in zip(countries[col], countries["iso2"], strict=True)}
        )
    third = dict(zip(countries["iso2"], countries["third_country"], strict=True))
    return lookup, third
