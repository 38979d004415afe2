"""The coding aid for survey comments (``tsp_analysis.coding``): keyword proposals in four
languages with the matched words shown, the review flag, and the round trip from proposals to
the qualitative evidence register."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from tsp_analysis import coding
from tsp_analysis.cli import main
from tsp_analysis.errors import InputError, ReferenceDataError
from tsp_analysis.readers import read_table
from tsp_analysis.reference import table
from tsp_analysis.synth.params import read


def _survey(texts: list[str], municipality: str = "jonava") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "resp_id": [f"T-{i:03d}" for i in range(len(texts))],
            "municipality": municipality,
            "comment": texts,
        }
    )


def _propose(texts: list[str]) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", coding.UnreviewedKeywordsWarning)
        return coding.propose(_survey(texts), unreviewed="warn")


@pytest.mark.parametrize(
    ("text", "theme", "matched"),
    [
        ("Sunku užsiregistruoti pas gydytoją.", "health_doctor_access", "gydytoją"),
        ("Hard to find an apartment as a foreigner.", "soc_housing_search", "apartment"),
        ("Трудно попасть к врачу.", "health_doctor_access", "врачу"),
        ("Немає інформації англійською на сайті.", "eq_information_languages", "інформації"),
        ("DARŽELYJE nėra vietų", "edu_kindergarten_places", "DARŽELYJE"),  # case, diacritics
    ],
)
def test_a_keyword_proposes_its_theme_and_shows_the_words_it_matched(text, theme, matched):
    proposals = _propose([text])
    row = proposals[proposals["theme"] == theme]
    assert len(row) == 1, proposals[["theme", "matched"]]
    themes = table("qual_themes").set_index("theme")
    assert row["area"].iloc[0] == themes.loc[theme, "area"]
    assert matched in row["matched"].iloc[0].split("; ")
    assert row["source_kind"].iloc[0] == "survey_comment" and row["source_id"].iloc[0] == "T-000"


def test_keywords_match_whole_words_only():
    # "darbo" (work) is a keyword; "nedarbo" and "darbuotojai" are other words
    proposals = _propose(["Nedarbo išmoka vėluoja."])
    assert "emp_job_search" not in set(proposals["theme"])


def test_a_comment_nothing_matches_keeps_one_row_without_a_theme():
    proposals = _propose(["Ačiū už apklausą.", "Thank you for asking."])
    assert len(proposals) == 2
    assert (proposals["theme"] == "").all() and (proposals["matched"] == "").all()


def test_every_synthetic_comment_code_is_among_the_proposals():
    """The generator's register codes the demo comments as a coder would with the aid."""
    codes = read("comment_codes")
    proposals = _propose(codes["text"].tolist())
    for i, rec in enumerate(codes.to_dict("records")):
        mine = proposals[proposals["source_id"] == f"T-{i:03d}"]
        assert rec["theme"] in set(mine["theme"]), rec["text"]


def test_unreviewed_keywords_are_refused_by_default_warned_on_or_skipped():
    kw = coding.keywords(unreviewed="warn")
    assert not kw["reviewed"].all()  # nobody has reviewed the shipped dictionary yet
    with pytest.raises(ReferenceDataError, match="not reviewed"):
        coding.propose(_survey(["Trūksta informacijos."]))
    with pytest.warns(coding.UnreviewedKeywordsWarning):
        warned = coding.propose(_survey(["Trūksta informacijos."]), unreviewed="warn")
    assert warned["keywords_reviewed"].tolist() == ["false"]
    skipped = coding.propose(_survey(["Trūksta informacijos."]), unreviewed="skip")
    assert skipped["theme"].tolist() == [""]


def test_a_reviewed_entry_is_used_without_a_warning(monkeypatch):
    kw = coding._keywords().copy()
    kw["reviewed"] = kw["theme"] == "health_doctor_access"
    monkeypatch.setattr(coding, "_keywords", lambda: kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = coding.propose(_survey(["Pas gydytoją eilės."]), unreviewed="skip")
    assert out["theme"].tolist() == ["health_doctor_access"]
    assert out["keywords_reviewed"].tolist() == ["true"]


def test_proposals_confirmed_by_a_person_are_appended_to_the_register(tmp_path):
    survey = tmp_path / "tsp_survey.csv"
    demo = pd.read_csv("data/demo/tsp_survey.csv", dtype=str, keep_default_na=False).head(3)
    demo["comment"] = ["Trūksta informacijos rusų kalba.", "Ačiū.", ""]
    demo.to_csv(survey, index=False)
    proposals = tmp_path / "proposals.csv"
    code = main(["code-comments", str(survey), "--out", str(proposals), "--allow-unreviewed"])
    assert code == 0
    rows = pd.read_csv(proposals, dtype=str, keep_default_na=False)
    assert rows["comment"].tolist() == ["Trūksta informacijos rusų kalba.", "Ačiū."]
    # the coder confirms the first, adds its sentiment, rejects the uncoded one
    rows.loc[0, ["confirmed", "sentiment"]] = ["yes", "negative"]
    rows.loc[1, "confirmed"] = "no"
    rows.to_csv(proposals, index=False)
    register = tmp_path / "qual_evidence.csv"
    assert main(["code-comments", "--append", str(proposals), "--register", str(register)]) == 0
    added = read_table(register)
    assert added["theme"].tolist() == ["eq_information_languages"]
    assert added["source_id"].tolist() == [demo["resp_id"].iloc[0]]
    assert added["data_origin"].tolist() == ["real"]
    assert "comment" not in added  # the text stays in the survey


def test_a_confirmed_row_that_is_not_a_valid_statement_is_refused(tmp_path):
    proposals = tmp_path / "proposals.csv"
    frame = coding.propose(_survey(["Трудно попасть к врачу."]), unreviewed="skip")
    frame["confirmed"] = "yes"
    frame["area"] = "health"
    frame["theme"] = "emp_job_search"  # a theme of another area; and no sentiment
    frame.to_csv(proposals, index=False)
    register = tmp_path / "qual_evidence.csv"
    with pytest.raises(InputError) as info:
        coding.append_confirmed(proposals, register)
    text = str(info.value)
    assert "proposals.csv" in text and "row 2" in text
    assert "'theme'" in text and "belongs to 'employment'" in text
    assert "'sentiment'" in text
    assert not register.exists()
