"""Report text in Lithuanian and English, and numbers formatted the way each language writes them.

Every heading, note, table header, axis label and generated sentence comes from
``data/reference/report_text.csv`` (columns ``key``, ``lt``, ``en``; UTF-8) through :func:`t`;
labels of areas, criteria, municipalities and answers come from the reference tables and the
codebook through :func:`label`. Nothing in a notebook spells out display text.

Number style
------------
``lt``: decimal comma, a no-break space between thousands and before the per-cent sign:
"1 234,5", "42,5 %". ``en``: "1,234.5", "42.5%". The no-break space (U+00A0) keeps "42 %"
on one line in tables and charts.
"""

from __future__ import annotations

import csv
import re
import string
from functools import cache
from html import escape

from .. import reference
from ..ids import COUNTRY, OTHER
from ..paths import reference_dir
from . import grammar

LANGUAGES = reference.LANGUAGES
NBSP = "\u00a0"
#: Shown in place of a suppressed figure (never 0, never blank).
SUPPRESSED_MARK = "‡"
#: En dash used in intervals ("35–49") and ranges.
DASH = "–"


@cache
def _load(folder: str) -> dict[str, dict[str, str]]:
    path = f"{folder}/report_text.csv"
    out: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = row["key"]
            if key in out:
                raise ValueError(f"{path}: duplicate key {key!r}")
            out[key] = {lang: row[lang] for lang in LANGUAGES}
    return out


def texts() -> dict[str, dict[str, str]]:
    """Every report text: key → {language → text} (a copy)."""
    return {k: dict(v) for k, v in _load(str(reference_dir())).items()}


def has(key: str) -> bool:
    """Whether ``report_text.csv`` defines ``key``."""
    return key in _load(str(reference_dir()))


def t(key: str, lang: str, **values: object) -> str:
    """Text ``key`` in ``lang``, with ``{placeholders}`` filled by ``str.format``.

    Format numbers before passing them (:func:`fmt_number`, :func:`fmt_percent`, ...): the
    template only places them.

    Examples
    --------
    >>> t("common.base", "en", n="57")
    'n = 57'
    """
    return format_text(_template(key, lang), lang, key=key, **values)


def format_text(template: str, lang: str, *, key: str = "", **values: object) -> str:
    """Fill a report-text template: ``{name}`` by ``values[name]``, ``{name|noun}`` (or
    ``{name|noun|gen}``) by the form of counted noun ``noun`` that agrees with the number
    shown for ``name`` (:mod:`~tsp_analysis.report.grammar`).

    >>> format_text("{n} {n|respondent}", "lt", n="21")
    '21 respondentas'
    """
    template = _agree(template, values, lang, key)
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise KeyError(f"report text {key!r} ({lang}) needs value {exc}") from None


def _template(key: str, lang: str) -> str:
    reference.check_lang(lang)
    table = _load(str(reference_dir()))
    try:
        return table[key][lang]
    except KeyError:
        raise KeyError(f"report text {key!r} is not in data/reference/report_text.csv") from None


def t_html(key: str, lang: str, **values: object) -> Markup:
    """Like :func:`t` but HTML: the template is escaped; values that are :class:`Markup` are
    inserted as they are, other values are escaped.

    Digits written in the template itself ("95 %" in a method note) are text, not data: they
    are marked ``data-safe="text"`` for the privacy scan. A value with a digit must come
    marked (a checked cell's span, or ``display.safe``): passed as plain text it stays
    unmarked, and the scan reports it.
    """
    template = _agree(_template(key, lang), values, lang, key)
    safe = {k: (v if isinstance(v, Markup) else escape(str(v))) for k, v in values.items()}
    parts = list(string.Formatter().parse(template))
    names = {f for _, f, _, _ in parts if f}
    missing = names - set(safe)
    if missing:
        raise KeyError(f"report text {key!r} ({lang}) needs value(s) {sorted(missing)}")
    out = []
    for literal, field, spec, _conversion in parts:
        out.append(_mark_digits(escape(literal, quote=False)))
        if field is not None:
            value = safe[field]
            out.append(format(value, spec) if spec else str(value))
    return Markup("".join(out))


#: ``{field|noun}`` or ``{field|noun|gen}`` in a template: counted noun ``noun`` (a row of
#: ``counted_nouns.csv``) in the form that agrees with the number shown for ``field``.
_COUNTED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\|([a-z_]+)(?:\|(nom|gen))?\}")
_TAG = re.compile(r"<[^>]*>")
_SHOWN_NUMBER = re.compile(r"[0-9][0-9\u00a0\u202f ,.]*")


def _agree(template: str, values: dict, lang: str, key: str) -> str:
    """Replace every ``{field|noun[|case]}`` with the noun's form after ``values[field]``."""
    if "|" not in template:
        return template

    def form(match: re.Match) -> str:
        field, noun_key, case = match.group(1), match.group(2), match.group(3) or "nom"
        if field not in values:
            raise KeyError(f"report text {key!r} ({lang}) needs value {field!r}")
        number = shown_number(values[field], lang)
        return grammar.noun(noun_key, number, lang, case=case).replace("{", "{{").replace("}", "}}")

    return _COUNTED.sub(form, template)


def shown_number(value: object, lang: str) -> int | float | None:
    """The number a reader sees in ``value`` (an int, or the text/HTML of a formatted figure:
    "1\u00a0234" in Lithuanian, "1,234" in English), ``None`` when it shows none (a
    suppressed figure "‡").

    >>> shown_number('<span data-cell="x">1\u00a0234</span>', "lt"), shown_number("2,5", "lt")
    (1234, 2.5)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    match = _SHOWN_NUMBER.search(_TAG.sub("", str(value)))
    if match is None:
        return None
    text = match.group(0).strip(" ,.")
    if lang == "lt":
        text = re.sub(r"[\u00a0\u202f ]", "", text).replace(",", ".")
    else:
        text = re.sub(r"[\u00a0\u202f ,]", "", text)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


_DIGIT_RUN = re.compile(r"[0-9]+(?:[.,][0-9]+)*")


def _mark_digits(text: str) -> str:
    return _DIGIT_RUN.sub(lambda m: f'<span data-safe="text">{m.group(0)}</span>', text)


class Markup(str):
    """A string that is already HTML (not escaped again by :func:`t_html`)."""


# -- numbers -------------------------------------------------------------------------------
def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """A number in the language's style; missing values give an empty string.

    >>> fmt_number(1234.5, "lt", 1) == "1\\u00a0234,5"
    True
    >>> fmt_number(1234.5, "en", 1)
    '1,234.5'
    """
    reference.check_lang(lang)
    if missing(value):
        return ""
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # "-0" reads as a mistake
    if lang == "lt":
        text = text.replace(",", NBSP).replace(".", ",")
        text = text.replace("-", "−")
    return text


def fmt_count(value: float | int | None, lang: str) -> str:
    """A whole number with thousands separators: "79 145" (lt), "79,145" (en)."""
    return fmt_number(value, lang, 0)


def fmt_percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """A proportion 0–1 as a percentage: "42,5 %" (lt), "42.5%" (en)."""
    if missing(share):
        return ""
    number = fmt_number(share * 100, lang, decimals)
    return f"{number}{NBSP}%" if lang == "lt" else f"{number}%"


def fmt_score(score: float | None, lang: str, decimals: int = 0) -> str:
    """A 0–100 score."""
    return fmt_number(score, lang, decimals)


def fmt_interval(
    estimate: float | None,
    low: float | None,
    high: float | None,
    lang: str,
    *,
    kind: str = "share",
    decimals: int = 0,
) -> str:
    """An estimate with its interval: "42 % (35–49 %)" (share), "62 (55–69)" (score/mean),
    "1,25 (0,98–1,60)" (ratio, two decimals).

    A normal interval can reach past the ends of its scale (a score of 9 with a wide interval
    gives "−3"); shares are shown within 0–100 % and scores within 0–100, where the true value
    must lie.
    """
    if kind == "share" and not (missing(low) or missing(high)):
        low, high = max(low, 0.0), min(high, 1.0)
    if kind == "score" and not (missing(low) or missing(high)):
        low, high = max(low, 0.0), min(high, 100.0)
    if kind == "share":
        value = fmt_percent(estimate, lang, decimals)
        if missing(low) or missing(high):
            return value
        lo = fmt_number(low * 100, lang, decimals)
        hi = fmt_percent(high, lang, decimals)
        return f"{value} ({lo}{DASH}{hi})"
    if kind == "ratio":
        decimals = max(decimals, 2)
    value = fmt_number(estimate, lang, decimals)
    if missing(low) or missing(high):
        return value
    return f"{value} ({fmt_number(low, lang, decimals)}{DASH}{fmt_number(high, lang, decimals)})"


def fmt_p(p: float | None, lang: str) -> str:
    """A p-value: "< 0,001" below one in a thousand, else three decimals."""
    if missing(p):
        return ""
    if p < 0.001:
        return f"<{NBSP}{fmt_number(0.001, lang, 3)}"
    return fmt_number(p, lang, 3)


def fmt_p_eq(p: float | None, lang: str) -> str:
    """A p-value after its relation sign: "= 0,012" or "< 0,001"."""
    text = fmt_p(p, lang)
    return text if not text or text.startswith("<") else f"={NBSP}{text}"


def fmt_pp(diff: float | None, lang: str, decimals: int = 0) -> str:
    """A difference of two proportions in percentage points, signed: "+12 proc. p." / "+12 pp"."""
    if missing(diff):
        return ""
    sign = "+" if diff > 0 else ""
    return t("common.pp", lang, value=sign + fmt_number(diff * 100, lang, decimals))


def fmt_list(items: list[str], lang: str) -> str:
    """Join names as a reader would: "A, B ir C" / "A, B and C"."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    conj = t("common.and", lang)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def missing(value: object) -> bool:
    """Is ``value`` no figure at all (``None``, ``NaN``, ``pd.NA``, ``NaT``)? The one test every
    formatter and renderer uses before it shows a figure or a dash (no pandas needed)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT differ from themselves
    except TypeError:  # pd.NA: its comparison is NA, which has no truth value
        return True
    except ValueError:  # an array: not a single missing value
        return False


# -- labels from the reference tables -------------------------------------------------------
def label(table: str, code: str, lang: str, *, column: str = "label") -> str:
    """Label of a reference-table code (``areas``, ``criteria``, ``municipalities`` ...).

    For ``municipalities`` use ``column="name"`` (full name) or ``"short"``; ``lithuania``
    gives the country's name.
    """
    if table == "municipalities" and code == COUNTRY:
        return t("common.lithuania", lang)
    if table == "municipalities" and column == "label":
        column = "short"
    mapping = _labels(table, lang, column)
    try:
        return mapping[code]
    except KeyError:
        raise KeyError(f"{table} has no code {code!r}") from None


def labels(table: str, lang: str, column: str = "label") -> dict[str, str]:
    """Every label of a reference table in ``lang`` (code → label)."""
    if table == "municipalities" and column == "label":
        column = "short"
    out = dict(_labels(table, lang, column))
    if table == "municipalities":
        out[COUNTRY] = t("common.lithuania", lang)
    return out


@cache
def _labels(table: str, lang: str, column: str) -> dict[str, str]:
    if table == "countries":
        frame = reference.countries()
        return dict(zip(frame["iso2"], frame[f"name_{lang}"], strict=True))
    return reference.labels(table, lang, column)


def value_label(value_set: str, code: str, lang: str) -> str:
    """Label of an answer code of the codebook (``language``, ``implementation`` ...)."""
    from ..codebook import load_codebook

    return load_codebook().value_labels(value_set, lang).get(str(code), str(code))


def question_label(dataset: str, qid: str, lang: str) -> str:
    """Short label of a codebook question ("Savivaldybės interneto svetainė")."""
    from ..codebook import load_codebook

    return load_codebook().question(dataset, qid).label(lang)


def column_label(dataset: str, column: str, lang: str) -> str:
    """A reader's name for column ``column`` of input ``dataset``: the codebook's label (its
    longer wording for identifiers and dates, whose labels "ID"/"Data" say too little),
    "Amžiaus grupė" for the derived ``age_group``; the id itself only when nothing names it."""
    from ..codebook import load_codebook

    try:
        q = load_codebook().question(dataset, column)
    except KeyError:
        key = f"needs.sample.margin.{column}"
        return t(key, lang) if has(key) else column
    return q.text(lang) if q.type in ("id", "date") else q.label(lang)


def lower_first(text: str) -> str:
    """A label inside a sentence or list: "Sveikatos priežiūra" → "sveikatos priežiūra".

    An acronym ("TŠP apklausa", "ILO") keeps its capitals; use it only for common-noun labels
    (areas, variables, answers), never for names of countries, places or institutions.
    """
    text = str(text)
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def category_label(margin: str, code: str, lang: str, *, inline: bool = False) -> str:
    """Label of a category of a sample margin (``sex``, ``age_group``, ``residence_basis``,
    ``citizenship``; collapsed categories are "+"-joined codes, ``other`` the rest). ``inline``:
    inside a sentence, where common nouns are not capitalised (countries still are)."""
    out = []
    for part in str(code).split("+"):
        if inline and margin != "citizenship":
            out.append(lower_first(category_label(margin, part, lang)))
        elif part == OTHER:
            out.append(t("needs.sample.other", lang))
        elif margin == "sex":
            out.append(value_label("sex", part, lang))
        elif margin == "age_group":
            out.append(labels("age_groups", lang).get(part, part))
        elif margin == "residence_basis":
            out.append(labels("residence_bases", lang).get(part, part))
        elif margin == "citizenship":
            out.append(labels("countries", lang, column="name").get(part, part))
        else:
            out.append(part)
    return " + ".join(out)


def sentence_list(items: list[str], lang: str, *, capitalise: bool = False) -> str:
    """Common-noun labels as a list inside a sentence: "A, b ir c" (``capitalise``: the list
    opens a table cell) or "a, b ir c"."""
    items = [lower_first(i) for i in items]
    if capitalise and items:
        items[0] = items[0][:1].upper() + items[0][1:]
    return fmt_list(items, lang)
