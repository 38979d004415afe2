"""Read an input file (or a folder of them) into a table of text, exactly as the user sees it.

:func:`read_table` does no interpretation beyond turning bytes into cells: every cell is text
(pandas ``str``; an empty cell is ``NA``), header names are kept as written, and two columns say
where each row came from: ``source_file`` and ``source_row`` (the spreadsheet row number; the
header is row 1). Interpretation against the codebook is the job of :mod:`tsp_analysis.clean`.

Formats
-------
CSV (also ``.tsv``/``.txt``)
    Encoding: a declared one is used as is, and a file that does not decode in it is an error
    ("declared cp1257, but byte 0xC5 at line 3 ..."). Otherwise a byte-order mark decides
    (UTF-8 or UTF-16); else the file is UTF-8 if it decodes as UTF-8; else Windows-1257 (the
    Baltic code page Excel uses in Lithuania), provided the result reads as Lithuanian text
    rather than mojibake. Separator: ``;``, ``,`` or tab, whichever the header line uses most
    (outside quotes). Lines with more or fewer fields than the header are an error that names
    every such row. Empty files, header-only files and binary files with a text name (an
    ``.xlsx`` or a PNG renamed to ``.csv``) are errors that say so.
Excel ``.xlsx``
    The first worksheet, read with openpyxl; the header is the first row that fills at least
    half as many cells as the widest row (title rows above it, often a merged cell, are
    skipped and listed in ``frame.attrs["title_rows"]``; ``source_row`` keeps the sheet's row
    numbers); numbers are written without a spurious ``.0``, dates as ISO dates.
SPSS ``.sav``
    Read with pyreadstat with value labels applied (a code with a label arrives as its label,
    which cleaning maps back to the code) and user-missing values kept (8 = "don't know" is an
    answer, not a blank).
A folder
    Every ``.csv``, ``.xlsx`` and ``.sav`` file in it, sorted by name, concatenated (columns
    unioned, in order of first appearance).

The CSV reader parses with pyarrow (multi-threaded, fast enough for a million-row survey) and
falls back to the :mod:`csv` module when it must account for every line: blank lines (so that
row numbers still match the file) and ragged rows (so that every bad row is named at once).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import InputError, Problem
from .ids import PROVENANCE
from .paths import FOLDER_SUFFIXES as FOLDER_SUFFIXES  # re-exported: part of the API
from .paths import input_files

#: Suffixes read as delimited text.
TEXT_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
SEPARATORS = (";", ",", "\t")

#: Magic numbers of formats that users save or rename to ``.csv`` by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"PK\x03\x04",
        "a ZIP archive (an Excel .xlsx or OpenDocument workbook saved under a text name?)",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls (OLE2) workbook"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"$FL2", "an SPSS .sav file"),
    (b"$FL3", "an SPSS .sav file (compressed)"),
    (b"\x1f\x8b", "a gzip archive"),
)
#: Characters that Lithuanian text in Windows-1257 produces (letters and typographic marks).
_LITHUANIAN = frozenset("ąčęėįšųūžĄČĘĖĮŠŲŪŽ„“”–—€§°«»’‘…×·")


def read_table(
    path: str | Path, *, encoding: str | None = None, sep: str | None = None
) -> pd.DataFrame:
    """Read a CSV, ``.xlsx`` or ``.sav`` file, or a folder of them, as a table of text.

    Parameters
    ----------
    path : str or Path
        A file, or a folder whose ``.csv``/``.xlsx``/``.sav`` files are read in name order.
    encoding : str, optional
        The CSV encoding, when known (``"utf-8"``, ``"cp1257"``, ...). Detected if omitted.
    sep : str, optional
        The CSV separator. Sniffed from the header line if omitted.

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per input column (empty cells ``NA``), then ``source_file`` (the
        path as given) and ``source_row`` (spreadsheet row number: the header is row 1).

    Raises
    ------
    InputError
        The file is missing, empty, header-only, binary, not in the declared encoding, has
        rows with the wrong number of fields, or is of an unsupported type. The message names
        the file and, where it applies, every offending row.

    Examples
    --------
    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "x.csv"), "w", encoding="utf-8") as f:
    ...     _ = f.write("resp_id;years_in_lt\\nA1;3,5\\n")
    >>> read_table(os.path.join(folder, "x.csv"))[["years_in_lt", "source_row"]].to_dict("list")
    {'years_in_lt': ['3,5'], 'source_row': [2]}
    """
    p = Path(path)
    name = str(path)
    if p.is_dir():
        return _read_folder(p, name, encoding=encoding, sep=sep)
    if not p.exists():
        raise InputError(
            Problem(name, None, None, None, "an existing file or folder"),
            f"{name}: no such file or folder",
        )
    suffix = p.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return read_csv(p, name, encoding=encoding, sep=sep)
        if suffix == ".xlsx":
            return read_xlsx(p, name)
        if suffix == ".sav":
            return read_sav(p, name, encoding=encoding)
    except OSError as exc:  # permission denied, a device, a file that vanished
        raise InputError(
            Problem(name, None, None, None, "a file this user may read"),
            f"{name}: cannot read the file ({exc.strerror or type(exc).__name__})",
        ) from None
    raise InputError(
        Problem(name, None, None, suffix or "(no suffix)", "a .csv, .xlsx or .sav file"),
        f"{name}: unsupported file type {suffix or '(no suffix)'!r}",
    )


# -- folders ------------------------------------------------------------------------------------
def _read_folder(folder: Path, name: str, *, encoding: str | None, sep: str | None) -> pd.DataFrame:
    try:
        files = input_files(folder)
    except OSError as exc:
        raise InputError(
            Problem(name, None, None, None, "a folder this user may read"),
            f"{name}: cannot list the folder ({exc.strerror or exc})",
        ) from None
    if not files:
        raise InputError(
            Problem(name, None, None, None, "a folder with .csv, .xlsx or .sav files"),
            f"{name}: the folder holds no .csv, .xlsx or .sav file",
        )
    frames, problems = [], []
    for f in files:
        try:
            frames.append(read_table(Path(name) / f.name, encoding=encoding, sep=sep))
        except InputError as exc:  # read every file, then report every problem at once
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems, f"{name}: {len(problems)} problem(s) in the folder's files")
    _check_same_columns(frames, name)
    data = pd.concat(frames, ignore_index=True, sort=False)
    return data[[c for c in data.columns if c not in PROVENANCE] + list(PROVENANCE)]


def _column_key(column: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(column).strip().lower())


def _check_same_columns(frames: list[pd.DataFrame], name: str) -> None:
    """The files of a folder are parts of one table: the same columns (any order, case or
    spacing). A file with other columns (the provider survey beside the TŠP survey's parts)
    is an error naming it and the columns that differ."""
    keys = [frozenset(_column_key(c) for c in f.columns if c not in PROVENANCE) for f in frames]
    if len(set(keys)) < 2:
        return
    counts = {k: keys.count(k) for k in keys}
    # the majority's columns are the folder's (on a tie, the first file's)
    usual = max(keys, key=lambda k: (counts[k], -keys.index(k)))
    reference_file = str(frames[keys.index(usual)]["source_file"].iloc[0])
    problems = []
    for frame, key in zip(frames, keys, strict=True):
        if key == usual:
            continue
        missing, extra = sorted(usual - key), sorted(key - usual)
        parts = []
        if missing:
            parts.append(f"lacks {', '.join(missing[:5])}" + (" ..." if len(missing) > 5 else ""))
        if extra:
            parts.append(f"adds {', '.join(extra[:5])}" + (" ..." if len(extra) > 5 else ""))
        problems.append(
            Problem(
                str(frame["source_file"].iloc[0]),
                1,
                None,
                "; ".join(parts),
                f"the same columns as {reference_file} (every file of a folder is part of one "
                f"table)",
            )
        )
    odd = ", ".join(p.file for p in problems)
    raise InputError(
        problems,
        f"{name}: the folder's files have different columns: {odd} does not match "
        f"{reference_file}; move the odd file out or name it as its own input",
    )


# -- delimited text -----------------------------------------------------------------------------
def read_csv(
    path: Path, name: str | None = None, *, encoding: str | None = None, sep: str | None = None
) -> pd.DataFrame:
    """Read one delimited text file (see :func:`read_table`); ``name`` is used in messages."""
    name = name or str(path)
    data = path.read_bytes()
    text, used = decode(data, name, encoding)
    text = text.lstrip("\ufeff")
    if re.search(r"\S", text) is None:
        what = "is empty (0 bytes)" if not data else "contains only blank lines"
        raise InputError(
            Problem(name, None, None, None, "a header row and data rows"),
            f"{name}: the file {what}",
        )
    text = _drop_trailing_blank_lines(text)
    first_line = text[: text.find("\n")].rstrip("\r")
    _refuse_title_line(text, first_line, name, sep)
    sep = sep or sniff_separator(first_line)
    header = next(csv.reader([first_line], delimiter=sep))
    header = _check_header(header, name)
    has_blank_lines = re.search(r"\n[ \t\r]*\n", text) is not None
    # pyarrow reads UTF-8: hand it the file's own bytes when they are UTF-8 already
    utf8 = data if used == "utf-8" else text.encode("utf-8")
    frame = None if has_blank_lines else _parse_fast(utf8, '"' in text, header, sep)
    if frame is None:  # blank lines or ragged rows: account for every line
        frame = _parse_exact(text, header, sep, name)
    if frame.empty:
        raise InputError(
            Problem(name, None, None, None, "at least one data row under the header"),
            f"{name}: the file has a header but no data rows",
        )
    return _finish(frame, name)


def _refuse_title_line(text: str, first_line: str, name: str, sep: str | None) -> None:
    """A CSV whose first line is one cell (a title) above a wide header is an error that says
    so; read as the header, it would make every row ragged."""
    lines = [ln for ln in text.split("\n", 6)[1:6] if ln.strip()]
    if not lines:
        return
    second = lines[0].rstrip("\r")
    sep1 = sep or sniff_separator(first_line)
    width = len(next(csv.reader([first_line], delimiter=sep1), []))
    if width >= 2 and len(next(csv.reader([second], delimiter=sep1), [])) == width:
        return  # the first two lines agree: a header and a row
    sep2 = sep or sniff_separator(second)
    first_cells = [c for c in next(csv.reader([first_line], delimiter=sep2), []) if c.strip()]
    second_cells = next(csv.reader([second], delimiter=sep2), [])
    if len(first_cells) <= 1 and len(second_cells) >= 3:
        title = first_cells[0].strip()[:60] if first_cells else ""
        raise InputError(
            Problem(name, 1, None, title, "the header row (column names) as the first line"),
            f"{name}: row 1 looks like a title above the header ({title!r}; the next line has "
            f"{len(second_cells)} columns); delete the title line and save again",
        )


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file's bytes; return ``(text, encoding used)``.

    A declared ``encoding`` must fit the bytes; otherwise the encoding is detected (BOM, then
    UTF-8, then Windows-1257 if the result reads as Lithuanian). Raises :class:`InputError` for
    binary content and for bytes that fit neither.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_strict(data, "utf-16", name, declared=encoding), "utf-16"
    kind = _binary_kind(data)
    if kind:
        raise InputError(
            Problem(name, None, None, kind, "comma- or semicolon-separated text"),
            f"{name}: the file is {kind}, not text; save it as CSV (or give it its real suffix)",
        )
    if encoding:
        enc = codecs.lookup(encoding).name
        if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        if not enc.startswith("utf"):  # a one-byte code page decodes UTF-8 lines silently
            _check_mixed(data, name)
        elif enc.startswith("utf-8") and not _decodes(data, enc):
            _check_mixed(data.removeprefix(codecs.BOM_UTF8), name)
        text = _decode_strict(data, enc, name, declared=encoding)
        if not enc.startswith("utf") and _is_utf8_with_non_ascii(data):
            line, sample = _first_non_ascii_line(text)
            raise InputError(
                Problem(name, line, None, sample, f"text in the declared encoding {encoding}"),
                f"{name}: declared {encoding}, but the file is UTF-8 (line {line} would read "
                f"{sample!r}); read it without declaring an encoding, or declare utf-8",
            )
        return text, enc
    if data.startswith(codecs.BOM_UTF8):
        if not _decodes(data, "utf-8-sig"):
            _check_mixed(data[3:], name)
        return _decode_strict(data, "utf-8-sig", name, declared=None), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    _check_mixed(data, name)
    text = _decode_strict(data, "cp1257", name, declared=None)
    # Lithuanian text in cp1257 uses few letters outside ą č ę ė į š ų ū ž (foreign names);
    # text in another code page (Russian in cp1251, say) decoded as cp1257 is mostly others.
    foreign = sum(1 for ch in text if ord(ch) > 127 and ch not in _LITHUANIAN)
    lithuanian = sum(1 for ch in text if ch in _LITHUANIAN)
    if foreign >= 3 and foreign > 0.25 * (foreign + lithuanian):
        line, sample = _first_non_ascii_line(text)
        raise InputError(
            Problem(name, line, None, sample, "UTF-8 or Windows-1257 (Lithuanian) text"),
            f"{name}: the file is not UTF-8 and does not read as Windows-1257 Lithuanian text "
            f"(line {line} would read {sample!r}); save it as UTF-8 or declare its encoding",
        )
    return text, "cp1257"


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
    except UnicodeDecodeError:
        return False
    return True


def _check_mixed(data: bytes, name: str) -> None:
    """Raise :class:`InputError` when some lines are UTF-8 and others are not.

    A file pasted together from two sources (a UTF-8 export with a block of Windows-1257
    lines, or a Windows-1257 file with a few UTF-8 rows) decodes in neither encoding as a
    whole; read in one of them, the other lines become mojibake ("Å\xa0iauliÅ³ m.") and are
    then rejected as unknown values with no word about the encoding. Lines of plain ASCII say
    nothing and are ignored.
    """
    utf8: list[int] = []
    other: list[int] = []
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
        else:
            utf8.append(number)
    if not (utf8 and other):
        return
    # name the minority: the lines that differ from the rest of the file
    if len(other) <= len(utf8):
        odd, enc, rest = other, _line_encoding(data, other[0]), "UTF-8"
    else:
        odd, enc, rest = utf8, "UTF-8", "Windows-1257"
    first = odd[0]
    position, shown = _non_ascii_field(lines[first - 1], "utf-8" if enc == "UTF-8" else "cp1257")
    header = lines[0].decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    names = next(csv.reader([header], delimiter=sniff_separator(header)), [])
    column = names[position].strip() if position is not None and position < len(names) else None
    rows = _line_ranges(odd)
    raise InputError(
        Problem(
            name,
            first,
            column,
            shown,
            f"one encoding for the whole file (the rest is {rest})",
        ),
        f"{name}: mixed encodings: the file is {rest}, but line(s) {rows} are {enc} "
        f"(line {first} has {shown!r} in {enc}); re-save the whole file as UTF-8",
    )


def _non_ascii_field(line: bytes, enc: str) -> tuple[int | None, str]:
    """The position and text of the first cell of a line with a non-ASCII character (only
    that cell: the rest of the row may hold an id or free text)."""
    text = line.decode(enc, errors="replace").strip()
    sep = sniff_separator(text)
    for i, cell in enumerate(next(csv.reader([text], delimiter=sep), [])):
        if not cell.isascii():
            return i, cell.strip()[:40]
    return None, text[:40]


def _line_encoding(data: bytes, line: int) -> str:
    raw = data.split(b"\n")[line - 1]
    try:
        text = raw.decode("cp1257")
    except UnicodeDecodeError:
        return "not UTF-8"
    return "Windows-1257" if any(ch in _LITHUANIAN for ch in text) else "not UTF-8"


def _line_ranges(lines: list[int], limit: int = 10) -> str:
    """``[2, 3, 4, 9]`` → ``"2–4, 9"``."""
    spans: list[list[int]] = []
    for n in lines:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:limit])
    return text + (f" and {len(spans) - limit} more" if len(spans) > limit else "")


def _decode_strict(data: bytes, enc: str, name: str, declared: str | None) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        if declared:
            guess = _guess_encoding(data)
            msg = (
                f"{name}: declared {declared}, but byte 0x{byte:02X} at line {line} is not "
                f"valid {declared}" + (f" (the file looks like {guess})" if guess else "")
            )
            expected = f"text in the declared encoding {declared}"
        else:
            msg = (
                f"{name}: byte 0x{byte:02X} at line {line} is valid neither in UTF-8 nor in "
                f"Windows-1257; save the file as UTF-8"
            )
            expected = "UTF-8 or Windows-1257 text"
        raise InputError(Problem(name, line, None, f"byte 0x{byte:02X}", expected), msg) from None


def _guess_encoding(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1257")
    except UnicodeDecodeError:
        return None
    return "Windows-1257 (cp1257)" if any(ch in _LITHUANIAN for ch in text) else None


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _first_non_ascii_line(text: str) -> tuple[int, str]:
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.isascii():
            return i, line.strip()[:60]
    return 1, text[:60]


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[:65536]
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 13))
    if head and controls / len(head) > 0.01:
        return "binary data (it contains control characters)"
    return None


def sniff_separator(header_line: str) -> str:
    """The separator a header line uses most outside quotes (``,`` if it uses none).

    >>> sniff_separator('resp_id;municipality;"age, years"')
    ';'
    """
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {s: unquoted.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _check_header(header: list[str], name: str) -> list[str]:
    header = [h.strip() for h in header]
    problems = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        if h and h in seen:
            problems.append(Problem(name, 1, h, h, f"unique column names (also column {seen[h]})"))
        seen.setdefault(h, i)
    if problems:
        raise InputError(problems, f"{name}: the header repeats column names")
    # Unnamed columns get placeholders; _finish drops them if empty and complains otherwise.
    # An input that already carries provenance (a re-read clean or quarantine file) keeps it
    # under another name: the reader's own provenance always describes this file.
    return [
        (f"original_{h}" if h in PROVENANCE else h) or f"__unnamed_{i}"
        for i, h in enumerate(header, start=1)
    ]


def _drop_trailing_blank_lines(text: str) -> str:
    """``text`` without blank lines at its end, ending in one newline (no regex: a regex
    anchored at the end still scans a 300 MB file from the start)."""
    end = len(text)
    while True:
        while end and text[end - 1] in "\r\n":
            end -= 1
        nl = text.rfind("\n", 0, end)
        if nl < 0 or text[nl + 1 : end].strip(" \t"):
            if end == len(text) - 1 and text[end] == "\n":
                return text  # the usual ending: no copy of a large file
            return text[:end] + "\n"
        end = nl


def _parse_fast(utf8: bytes, quoted: bool, header: list[str], sep: str) -> pd.DataFrame | None:
    """Parse UTF-8 bytes with pyarrow; ``None`` when a row has the wrong number of fields."""
    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=True),
        parse_options=pacsv.ParseOptions(
            delimiter=sep, newlines_in_values=quoted, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            # large_string is what pandas' str dtype holds: no conversion afterwards
            column_types={h: pa.large_string() for h in header},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    if ragged:
        return None
    frame = table.to_pandas()
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return frame


def _parse_exact(text: str, header: list[str], sep: str, name: str) -> pd.DataFrame:
    """Parse with the csv module, numbering every line and naming every ragged row."""
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    rows: list[int] = []
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        next(reader)  # the header, already parsed
        for row_number, record in enumerate(reader, start=2):
            if not record or all(not f.strip() for f in record) and len(record) <= 1:
                continue  # a blank line: not a row, but it keeps its number
            if len(record) != width:
                problems.append(
                    Problem(
                        name,
                        row_number,
                        None,
                        f"{len(record)} field" + ("" if len(record) == 1 else "s"),
                        f"{width} fields, as in the header",
                    )
                )
                continue
            rows.append(row_number)
            for col, value in zip(columns, record, strict=True):
                col.append(value if value != "" else None)
    except csv.Error as exc:
        raise InputError(
            Problem(name, reader.line_num, None, None, "well-formed CSV"),
            f"{name}: line {reader.line_num}: {exc}",
        ) from None
    if problems:
        raise InputError(
            problems,
            f"{name}: {len(problems)} row(s) have a different number of "
            f"fields from the header ({width})",
        )
    frame = pd.DataFrame(
        {h: pd.array(c, dtype="str") for h, c in zip(header, columns, strict=True)}
    )
    frame["source_row"] = np.asarray(rows, dtype=np.int64)
    return frame


def _finish(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Drop empty unnamed columns, add ``source_file``, move provenance last."""
    unnamed = [c for c in frame.columns if str(c).startswith("__unnamed_")]
    problems = []
    for c in unnamed:
        if frame[c].notna().any():
            first = int(frame.loc[frame[c].notna(), "source_row"].iloc[0])
            problems.append(
                Problem(
                    name,
                    first,
                    f"column {c.removeprefix('__unnamed_')}",
                    frame.loc[frame[c].notna(), c].iloc[0],
                    "a column name in the header",
                )
            )
    if problems:
        raise InputError(problems, f"{name}: values under a column without a name")
    frame = frame.drop(columns=unnamed)
    frame["source_file"] = name
    frame["source_file"] = frame["source_file"].astype("str")
    cols = [c for c in frame.columns if c not in PROVENANCE] + list(PROVENANCE)
    return frame[cols].reset_index(drop=True)


# -- Excel --------------------------------------------------------------------------------------
def read_xlsx(path: Path, name: str | None = None) -> pd.DataFrame:
    """Read the first worksheet of an ``.xlsx`` workbook (see :func:`read_table`)."""
    import openpyxl  # imported here: only Excel inputs need it
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    name = name or str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise InputError(
            Problem(name, None, None, None, "a valid .xlsx workbook"),
            f"{name}: not a valid .xlsx workbook ({type(exc).__name__}: {exc})",
        ) from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        records: list[list[str | None]] = []
        rows: list[int] = []
        problems: list[Problem] = []
        lines = []
        for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                lines.append((row_number, cells))
        start = _header_line(lines)
        title = [r for r, _ in lines[:start]]
        for row_number, cells in lines[start:]:
            if header is None:
                header = _check_header([c or "" for c in cells], name)
                header_row = row_number
                continue
            if len(cells) > len(header):
                extra = next(i for i in range(len(header), len(cells)) if cells[i] is not None)
                problems.append(
                    Problem(
                        name,
                        row_number,
                        f"column {get_column_letter(extra + 1)}",
                        cells[extra],
                        f"no values beyond the header's {len(header)} columns",
                    )
                )
                continue
            cells += [None] * (len(header) - len(cells))
            records.append(cells)
            rows.append(row_number)
    finally:
        book.close()
    if header is None:
        raise InputError(
            Problem(name, None, None, None, "a header row and data rows"),
            f"{name}: the first worksheet is empty",
        )
    if problems:
        raise InputError(
            problems,
            f"{name}: values beyond the header's columns: row {header_row} is read as the "
            f"header ({len(header)} columns) but later rows are wider; if row {header_row} is "
            f"a title above the header, delete it",
        )
    if not records:
        raise InputError(
            Problem(name, None, None, None, "at least one data row under the header"),
            f"{name}: the worksheet has a header (row {header_row}) but no data rows",
        )
    frame = pd.DataFrame(
        {h: pd.array([r[i] for r in records], dtype="str") for i, h in enumerate(header)}
    )
    frame["source_row"] = np.asarray(rows, dtype=np.int64)
    frame = _finish(frame, name)
    frame.attrs["title_rows"] = title  # rows above the header that were skipped
    return frame


def _header_line(lines: list[tuple[int, list[str | None]]]) -> int:
    """Index of the header among a sheet's non-empty rows: the first row that fills at least
    half as many cells as the widest of the first rows. Rows above it (a title, a merged
    heading, a date line) hold one or two cells where the header holds a name per column."""
    head = lines[:30]
    if not head:
        return 0
    filled = [sum(c is not None for c in cells) for _, cells in head]
    widest = max(filled)
    if widest < 3:  # too narrow to tell a title from a header
        return 0
    return next(i for i, k in enumerate(filled) if 2 * k >= widest)


def _cell_text(value: object) -> str | None:
    """A cell as the text a user would type for it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


# -- SPSS ---------------------------------------------------------------------------------------
def read_sav(path: Path, name: str | None = None, *, encoding: str | None = None) -> pd.DataFrame:
    """Read an SPSS ``.sav`` file with value labels applied (see :func:`read_table`)."""
    import pyreadstat  # imported here: only SPSS inputs need it

    name = name or str(path)
    try:
        raw, _meta = pyreadstat.read_sav(
            str(path),
            apply_value_formats=True,
            formats_as_category=False,
            user_missing=True,
            encoding=encoding,
        )
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain errors
        raise InputError(
            Problem(name, None, None, None, "a valid SPSS .sav file"),
            f"{name}: not a readable SPSS .sav file ({exc})",
        ) from None
    if raw.shape[1] == 0:
        raise InputError(
            Problem(name, None, None, None, "variables and cases"),
            f"{name}: the file has no variables",
        )
    if raw.empty:
        raise InputError(
            Problem(name, None, None, None, "at least one case"),
            f"{name}: the file has variables but no cases",
        )
    header = _check_header([str(c) for c in raw.columns], name)
    frame = pd.DataFrame(
        {
            h: pd.array([_cell_text(v) for v in raw[c].tolist()], dtype="str")
            for h, c in zip(header, raw.columns, strict=True)
        }
    )
    # a .sav file has no rows of its own; number them as the spreadsheet it exports to
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype=np.int64)
    return _finish(frame, name)
