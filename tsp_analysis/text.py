"""Text folding for matching what people type against the codebook's labels.

Survey tools, spreadsheets and word processors write the same label in many ways: a curly
apostrophe ("Don’t know"), an en dash, a non-breaking or doubled space, another case, a full
stop at the end, a letter with its accent composed (``ė``, one code point) or decomposed
(``e`` + a combining dot). :func:`fold_label` maps every such variant to one key, so that every
label matcher (``Codebook.parse_map``, cleaning's coded, country and area parsers, column
headers) accepts them all. It is the only place these rules are written.
"""

from __future__ import annotations

import re
import unicodedata

#: Apostrophes and single quotes → ``'``; double quotes → ``"``; dashes and minus → ``-``.
_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),  # invisible characters
    }
)
_BLANKS = re.compile(r"\s+")  # \s covers no-break, thin and other Unicode spaces
_TRAILING = re.compile(r"[\s.,;:!?\u2026]+$")


def fold_label(text: object, *, keep_punctuation: bool = False) -> str:
    """Fold a label for matching: Unicode variants, case, diacritics, blanks, end punctuation.

    Compatibility-normalises (NFKD), drops diacritics, maps typographic quotes and dashes to
    their ASCII forms, removes invisible characters, squeezes every kind of blank to one
    space, lower-cases (``casefold``) and, unless ``keep_punctuation``, strips punctuation at
    the end ("Taip." is "Taip").

    >>> fold_label("Don\u2019t\u00a0 KNOW.")
    "don't know"
    >>> fold_label("Ne\u017einau") == fold_label("Nez\u030cinau") == "nezinau"
    True
    >>> fold_label("1\u20135")
    '1-5'
    """
    s = unicodedata.normalize("NFKD", str(text)).translate(_TRANSLATE)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = _BLANKS.sub(" ", s).strip().casefold()
    if not keep_punctuation:
        s = _TRAILING.sub("", s)
    return s


#: Code pages whose reading of UTF-8 bytes produces the mojibake seen in Lithuanian files.
_MOJIBAKE_SOURCES = ("cp1257", "cp1252", "latin-1")


def repair_mojibake(text: str) -> tuple[str, str] | None:
    """``(repaired text, code page)`` when ``text`` is UTF-8 that was decoded in a one-byte
    code page ("Å\xa0iauliÅ³ m." is "Šiaulių m." read as Windows-1257); else ``None``.

    >>> repair_mojibake("Å\xa0iauliÅ³ m.")
    ('Šiaulių m.', 'Windows-1257')
    >>> repair_mojibake("Šiaulių m.") is None
    True
    """
    if text.isascii():
        return None
    for code_page in _MOJIBAKE_SOURCES:
        try:
            fixed = text.encode(code_page).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            name = {"cp1257": "Windows-1257", "cp1252": "Windows-1252"}.get(code_page, code_page)
            return fixed, name
    return None
