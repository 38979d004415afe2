"""Whole-word matching of listed terms (keywords, names, places) in free text.

The coding aid (:mod:`tsp_analysis.coding`) and the redaction (:mod:`tsp_analysis.redact`)
both look for terms from reference lists in what people wrote, in Lithuanian, English, Russian
or Ukrainian. They match on *folded* text — the folding of :func:`tsp_analysis.text.fold_label`
(diacritics, case, typographic quotes and dashes do not matter; Cyrillic ``й`` and ``и`` fold
alike, as ``ė`` and ``e`` do) — with word boundaries, so ``darb*`` never matches inside
``nedarbingas``. A term is one or more words; a word ending in ``*`` matches any ending
(``gydytoj*``: gydytojas, gydytoją, gydytojui), which is how the lists cope with inflection.

:func:`fold_with_map` folds a text character by character and keeps, for every folded
character, the position of the original one, so a match in the folded text is a span of the
original (what redaction replaces).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .text import _TRANSLATE, fold_label

#: A word may end in this to match any ending.
WILDCARD = "*"


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded ``text`` and, per folded character, the index of its original character.

    >>> folded, where = fold_with_map("Šeškinėje")
    >>> folded, where[0], where[-1]
    ('seskineje', 0, 8)
    """
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        part = unicodedata.normalize("NFKD", ch).translate(_TRANSLATE)
        part = "".join(c for c in part if not unicodedata.combining(c)).casefold()
        out.append(part)
        where.extend([i] * len(part))
    return "".join(out), where


@lru_cache(maxsize=4096)
def pattern(term: str) -> re.Pattern[str]:
    """The regular expression of ``term`` over folded text (word boundaries; ``*`` endings;
    any run of blanks between words).

    >>> bool(pattern("gydytoj*").search("pas gydytoja"))
    True
    >>> bool(pattern("darb*").search("nedarbingas"))
    False
    """
    words = fold_label(term, keep_punctuation=True).split(" ")
    parts = []
    for word in words:
        if not word:
            continue
        if word.endswith(WILDCARD):
            parts.append(re.escape(word.rstrip(WILDCARD)) + r"\w*")
        else:
            parts.append(re.escape(word))
    if not parts:
        raise ValueError(f"empty term {term!r}")
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


@dataclass(frozen=True)
class Match:
    """One occurrence of a term: the term as listed and its span in the original text."""

    term: str
    start: int
    end: int


def find(text: str, terms: Iterable[str]) -> list[Match]:
    """Every occurrence of every term in ``text`` (spans of the original text), in order.

    >>> [(m.term, m.start, m.end) for m in find("Rukloje ir Ruklos", ["Rukl*"])]
    [('Rukl*', 0, 7), ('Rukl*', 11, 17)]
    """
    folded, where = fold_with_map(text)
    out = []
    for term in terms:
        for m in pattern(term).finditer(folded):
            if m.end() <= m.start():
                continue
            out.append(Match(term, where[m.start()], where[m.end() - 1] + 1))
    return sorted(out, key=lambda m: (m.start, -m.end, m.term))
