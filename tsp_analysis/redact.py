"""Redaction of free text before any of it may reach a report (SPEC §5).

:func:`redact` replaces with :data:`PLACEHOLDER` everything in a quote that could point at a
person, erring on the side of removing too much:

* **e-mail addresses** and **web addresses** (``https://…``, ``www.…``, ``name.lt/…``);
* **numbers of any kind** — every word holding a digit (phone numbers, ids, dates, ages,
  house numbers, amounts): "+370 612 34567" and "T-001" go whole;
* **places smaller than a municipality**: towns, villages and neighbourhoods listed per
  municipality in ``data/reference/redact_localities.csv`` (Rukla in Jonava, Šeškinė in
  Vilnius); every municipality's list applies to every quote;
* **anything in the stop list** ``data/reference/redact_stoplist.csv`` (small organisations,
  "my neighbour" ...);
* **person names**: a first name of ``data/reference/redact_first_names.csv`` (Lithuanian,
  Russian, Ukrainian, English and other common names, in Latin and Cyrillic letters) written
  with a capital, and any other capitalised word that is not the first of a sentence and not an
  allowed word (``data/reference/redact_allowed.csv``, the municipalities' and countries'
  names); a capitalised first word of a sentence goes when the next word is redacted as a name
  too ("Jonas Petraitis said ...").

Terms are matched on folded text with word boundaries (:mod:`tsp_analysis.terms`); a trailing
``*`` in a list matches any ending. Adjacent redactions merge into one placeholder. The result
holds no digit, so the fail-closed privacy scan accepts a redacted quote as text.

>>> redact("Rašykite rasa@pastas.lt arba +370 612 34567. Gyvenu Rukloje, mano vardas Jonas.")
'Rašykite […] arba […]. Gyvenu […], mano vardas […].'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import reference, terms
from .errors import ReferenceDataError
from .text import fold_label

#: What replaces a redacted span (language-neutral; no digit).
PLACEHOLDER = "[…]"
#: Kinds of redaction, in the order they are looked for.
KINDS = ("email", "url", "number", "stoplist", "place", "name")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|(?<![\w@.])[\w-]+(?:\.[\w-]+)*\.(?:lt|com|org|net|eu|ru|ua|info|gov|io)"
    r"\b(?:/\S*)?",
    re.IGNORECASE,
)
#: A word holding a digit: the whole non-blank run, minus closing punctuation.
_NUMBER = re.compile(r"[^\s]*\d[^\s]*")
_CLOSING = ".,;:!?)]}»\"'…"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = ".!?…:;\n"
_OPENING = "\"'«„“([{-–—•*"


@dataclass(frozen=True)
class Span:
    """One redacted part of a text: ``text[start:end]`` and why."""

    start: int
    end: int
    kind: str


# -- reference lists ---------------------------------------------------------------------------
@cache
def _list(name: str) -> tuple[dict[str, str], ...]:
    from .paths import reference_dir

    path = reference_dir() / f"{name}.csv"
    if not path.exists():
        raise ReferenceDataError(f"reference list {path} is missing")
    import csv

    with open(path, encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def first_names() -> tuple[str, ...]:
    """The first names of ``redact_first_names.csv``."""
    return tuple(r["name"] for r in _list("redact_first_names"))


def localities() -> tuple[str, ...]:
    """Every locality of ``redact_localities.csv`` (all municipalities)."""
    known = set(reference.municipality_slugs())
    rows = _list("redact_localities")
    bad = sorted({r["municipality"] for r in rows} - known)
    if bad:
        raise ReferenceDataError(f"redact_localities.csv: unknown municipalities {bad}")
    return tuple(r["name"] for r in rows)


def stoplist() -> tuple[str, ...]:
    """The terms of ``redact_stoplist.csv``."""
    return tuple(r["term"] for r in _list("redact_stoplist"))


@cache
def allowed_words() -> frozenset[str]:
    """Folded capitalised words that are not names: ``redact_allowed.csv``, and every word of
    the municipalities' and countries' names."""
    words = {fold_label(r["word"]) for r in _list("redact_allowed") if "*" not in r["word"]}
    munis = reference.municipalities()
    for col in ("name_lt", "name_en", "short_lt", "short_en", "aliases", "name_ru", "name_uk"):
        for value in munis[col]:
            words |= {fold_label(w) for w in _WORD.findall(str(value))}
    countries = reference.countries()
    for col in ("name_en", "name_lt"):
        for value in countries[col]:
            words |= {fold_label(w) for w in _WORD.findall(str(value))}
    return frozenset(w for w in words if w)


@cache
def _stems() -> tuple[str, ...]:
    """Allowed beginnings: the municipalities' stems ("vilni", "kaun": Vilniuje, Kaune), the
    words of ``redact_allowed.csv`` that end in ``*`` ("Вильнюс*": Вильнюсе) and the
    one-word Lithuanian country names of six letters or more less their last letter
    ("Ukrain": Ukrainos)."""
    listed = [
        fold_label(r["word"].rstrip("*")) for r in _list("redact_allowed") if "*" in r["word"]
    ]
    # inflected Lithuanian country names: "Ukrainos", "Baltarusijoje" (single words of 6+)
    countries = [
        fold_label(n)[:-1]
        for n in reference.countries()["name_lt"]
        if " " not in str(n) and len(str(n)) >= 6
    ]
    return tuple(s for s in [*reference.municipalities()["stem"], *listed, *countries] if s)


@cache
def _name_set() -> frozenset[str]:
    return frozenset(fold_label(n) for n in first_names())


# -- the procedure -----------------------------------------------------------------------------
def spans(text: str) -> list[Span]:
    """What :func:`redact` removes from ``text``, as merged, ordered spans."""
    found: list[Span] = []
    taken = [False] * len(text)

    def add(start: int, end: int, kind: str) -> None:
        if start >= end or all(taken[start:end]):
            return
        found.append(Span(start, end, kind))
        for i in range(start, end):
            taken[i] = True

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "email")
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _CLOSING:
            end -= 1
        add(m.start(), end, "url")
    for m in _NUMBER.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _CLOSING and not text[end - 1].isdigit():
            end -= 1
        start = m.start()
        while start < end and text[start] in _OPENING and text[start] != "+":
            start += 1
        add(start, end, "number")
    for match in terms.find(text, stoplist()):
        add(match.start, match.end, "stoplist")
    for match in terms.find(text, localities()):
        add(match.start, match.end, "place")
    for start, end in _names(text, taken):
        add(start, end, "name")
    return _merge(text, found)


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i].isspace() or text[i] in _OPENING):
        if text[i] == "\n":
            return True
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _names(text: str, taken: list[bool]) -> list[tuple[int, int]]:
    words = [m for m in _WORD.finditer(text) if not any(taken[m.start() : m.end()])]
    names = _name_set()
    allowed = allowed_words()
    stems = _stems()

    def capitalised(w: str) -> bool:
        return w[:1].isupper()

    def allowed_word(folded: str) -> bool:
        return folded in allowed or any(folded.startswith(s) for s in stems)

    flags = []
    for m in words:
        w = m.group(0)
        folded = fold_label(w)
        if not capitalised(w) or w[:1].isdigit():
            flags.append(False)
        elif folded in names:
            flags.append(True)
        elif allowed_word(folded):
            flags.append(False)
        else:
            flags.append(None if _sentence_start(text, m.start()) else True)
    # a capitalised first word goes with a name that follows it ("Jonas Petraitis")
    for i, flag in enumerate(flags):
        if flag is None:
            nxt = flags[i + 1] if i + 1 < len(flags) else False
            adjacent = i + 1 < len(words) and text[words[i].end() : words[i + 1].start()].isspace()
            flags[i] = bool(nxt) and adjacent
    return [(m.start(), m.end()) for m, flag in zip(words, flags, strict=True) if flag]


def _merge(text: str, found: list[Span]) -> list[Span]:
    """Order the spans and merge those separated only by blanks or joining punctuation."""
    out: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, s.end)):
        if out and (
            span.start <= out[-1].end or not text[out[-1].end : span.start].strip(" \t-–,/")
        ):
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, span.end), last.kind)
        else:
            out.append(span)
    return out


def redact(text: object) -> str:
    """``text`` with every span of :func:`spans` replaced by :data:`PLACEHOLDER` (blanks
    squeezed). Missing text gives ``""``.

    >>> redact("Мене звати Олена, мені 34 роки.")
    'Мене звати […], мені […] роки.'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    try:
        import pandas as pd

        if pd.isna(text):
            return ""
    except (TypeError, ValueError):
        pass
    parts = []
    pos = 0
    for span in spans(s):
        parts.append(s[pos : span.start])
        parts.append(PLACEHOLDER)
        pos = span.end
    parts.append(s[pos:])
    out = re.sub(r"\s+", " ", "".join(parts)).strip()
    if re.search(r"\d", out):  # a digit the rules did not catch: never let it through
        out = re.sub(r"\S*\d\S*", PLACEHOLDER, out)
    return out
