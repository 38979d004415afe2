"""The qualitative evidence register (``qual_evidence.csv``), synthetic.

Seed 000 combined the survey with field research — interviews and focus groups in each of the
six municipalities — and six round tables (June–September 2021: Jonava, Vilnius, Naujoji
Akmenė, Kaunas, Klaipėda, and Šiauliai remotely). The register has one row per coded
statement; a *source* is one interview, one focus-group session, one round table or one survey
respondent, so a theme's number of distinct sources can be counted.

* Interviews, focus groups and the round table per municipality: how many are in
  ``data/qual_sources.csv``; each source raises a few themes (a round table more), drawn with
  the weights of ``data/qual_theme_weights.csv`` (a municipality's boost: Jonava's reception
  centre in Rukla, seed 003), mostly as unmet needs (``negative``); about half the statements
  name a criterion and carry a short paraphrase (``data/qual_paraphrases.csv``, invented).
* Survey comments: every comment of the generated TŠP survey whose text has a code in
  ``data/comment_codes.csv`` becomes a statement with the respondent as its source (no
  paraphrase: the report quotes the comment itself, redacted, when allowed). The coding aid
  (:mod:`tsp_analysis.coding`) proposes the same codes for these comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..codebook import load_codebook
from ..names import normalise_municipality
from .params import read
from .streams import check_seed, stream

#: Themes one source raises: interviews, focus groups, round tables (low, high inclusive).
THEMES_PER_SOURCE = {"interview": (3, 5), "focus_group": (3, 5), "round_table": (5, 8)}
#: Short prefixes of the source ids.
PREFIX = {"interview": "int", "focus_group": "fg", "round_table": "rt", "survey_comment": "sc"}
#: Share of field statements that name a criterion, and that carry a paraphrase.
CRITERION_RATE = 0.5
PARAPHRASE_RATE = 0.6


def _sentiment(rng: np.random.Generator, negative: float) -> str:
    u = rng.random()
    if u < negative:
        return "negative"
    rest = (u - negative) / max(1e-9, 1 - negative)
    return "positive" if rest < 0.5 else ("mixed" if rest < 0.8 else "neutral")


def _field_rows(seed: int) -> list[dict[str, str]]:
    sources = read("qual_sources")
    weights = read("qual_theme_weights")
    paraphrases = dict(read("qual_paraphrases")[["theme", "text"]].itertuples(index=False))
    themes = load_codebook().values("ref:qual_themes")["code"].tolist()
    area_of = dict(
        zip(*[pd.read_csv(_themes_path(), dtype=str)[c] for c in ("theme", "area")], strict=True)
    )
    w = weights.set_index("theme").reindex(themes)
    if w["weight"].isna().any():
        missing = w.index[w["weight"].isna()].tolist()
        raise AssertionError(f"qual_theme_weights.csv lacks themes {missing}")
    rows = []
    for rec in sources.to_dict("records"):
        slug = rec["municipality"]
        rng = stream(seed, "qual_evidence", slug)
        base = w["weight"].astype(float).to_numpy()
        boost = np.where(
            w["boost_municipality"].to_numpy() == slug,
            pd.to_numeric(w["boost"], errors="coerce").fillna(1).to_numpy(),
            1.0,
        )
        p = base * boost / (base * boost).sum()
        plan = [("interview", i + 1) for i in range(int(rec["interviews"]))]
        plan += [("focus_group", i + 1) for i in range(int(rec["focus_groups"]))]
        plan += [("round_table", 1)]
        for kind, number in plan:
            low, high = THEMES_PER_SOURCE[kind]
            k = int(rng.integers(low, high + 1))
            picked = rng.choice(len(themes), size=k, replace=False, p=p)
            source = f"{slug}-{PREFIX[kind]}{number:02d}"
            for j, t in enumerate(sorted(picked)):
                theme = themes[t]
                crit = w.loc[theme, "criterion"] if rng.random() < CRITERION_RATE else ""
                text = paraphrases.get(theme, "") if rng.random() < PARAPHRASE_RATE else ""
                rows.append(
                    {
                        "statement_id": f"{source}-{j + 1}",
                        "source_kind": kind,
                        "source_id": source,
                        "municipality": slug,
                        "area": area_of[theme],
                        "criterion": crit,
                        "theme": theme,
                        "sentiment": _sentiment(rng, float(w.loc[theme, "negative"])),
                        "paraphrase": text,
                    }
                )
    return rows


def _themes_path():
    from ..paths import reference_dir

    return reference_dir() / "qual_themes.csv"


def _comment_rows(survey: pd.DataFrame) -> list[dict[str, str]]:
    codes = read("comment_codes")
    code_of = {r["text"]: r for r in codes.to_dict("records")}
    area_of = dict(
        zip(*[pd.read_csv(_themes_path(), dtype=str)[c] for c in ("theme", "area")], strict=True)
    )
    dirty = {int(e["row"]) for e in survey.attrs.get("dirty_rows", [])}
    rows = []
    seen: set[str] = set()
    for i, rec in enumerate(survey[["resp_id", "municipality", "comment"]].to_dict("records")):
        text = rec["comment"]
        if i in dirty or not isinstance(text, str) or text not in code_of:
            continue
        slug = normalise_municipality(str(rec["municipality"]))
        resp = rec["resp_id"]
        if slug is None or not isinstance(resp, str) or resp in seen:
            continue
        seen.add(resp)
        code = code_of[text]
        rows.append(
            {
                "statement_id": f"{resp}-{PREFIX['survey_comment']}",
                "source_kind": "survey_comment",
                "source_id": resp,
                "municipality": slug,
                "area": area_of[code["theme"]],
                "criterion": "",
                "theme": code["theme"],
                "sentiment": code["sentiment"],
                "paraphrase": "",
            }
        )
    return rows


def qual_evidence_frame(seed: int, survey: pd.DataFrame) -> pd.DataFrame:
    """The register for ``seed``: field statements, then coded comments of ``survey`` (the
    generated TŠP survey, as :func:`~tsp_analysis.synth.tsp_survey_frame` returns it).

    Every column is text (missing = ``NA``), in codebook order, ``data_origin`` synthetic.
    """
    seed = check_seed(seed)
    frame = pd.DataFrame(_field_rows(seed) + _comment_rows(survey))
    frame["data_origin"] = "synthetic"
    frame = frame.replace("", pd.NA)
    return frame[load_codebook().columns("qual_evidence")].astype("str")
