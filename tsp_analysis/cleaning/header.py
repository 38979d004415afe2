"""The input's column names against the codebook's: normalised, matched, repeated or foreign
columns reported (:func:`map_header` takes the cleaner ``cl`` and records structural problems
in ``cl.structural`` and ignored columns in ``cl.log``)."""

from __future__ import annotations

import re

from ..codebook import fold
from ..errors import Problem
from ..readers import PROVENANCE
from ..schema import better_fit


def normalise_header(name: object) -> str:
    """A column name as the codebook spells ids: folded, blanks and dashes → ``_``.

    >>> normalise_header("\\ufeff Resp ID ")
    'resp_id'
    """
    text = fold(str(name).replace("\ufeff", ""))
    return re.sub(r"[\s\-]+", "_", text)


def map_header(cl) -> dict[str, str]:
    """Codebook id → raw column name; ignored columns are logged, structural problems kept."""
    known = {q.id for q in cl.questions}
    by_norm: dict[str, str] = {}
    for col in cl.raw.columns:
        if col in PROVENANCE:
            continue
        norm = normalise_header(col)
        if norm in by_norm:
            cl.structural.append(
                Problem(
                    cl.file_label,
                    1,
                    str(col),
                    str(col),
                    f"one column per name (it repeats column {by_norm[norm]!r})",
                )
            )
            continue
        by_norm[norm] = col
    for norm, col in by_norm.items():
        if norm not in known:
            cl._log(
                "ignored_column",
                file=cl.file_label,
                column=str(col),
                count=cl.n,
                detail="not a column of the codebook",
            )
    other = better_fit(by_norm, cl.dataset)
    if other is not None:
        name, theirs, mine = other
        cl.structural.append(
            Problem(
                cl.file_label,
                1,
                None,
                f"{len(by_norm)} columns",
                f"the columns of {cl.dataset}, but {theirs} of them are columns of "
                f"{name} and only {mine} of {cl.dataset}: is this the {name} file?",
            )
        )
    for q in cl.questions:
        if q.required and q.id not in by_norm:
            cl.structural.append(
                Problem(
                    cl.file_label,
                    None,
                    q.id,
                    None,
                    f"a column '{q.id}' ({q.label_en}), which {cl.dataset} requires",
                )
            )
    return {norm: col for norm, col in by_norm.items() if norm in known}
