"""Error messages name the file, row, column and expectation, but never quote a respondent's
id or free-text answer (they end up in kept notebooks and on the index page)."""

from __future__ import annotations

from tsp_analysis.errors import InputError, Problem


def test_a_problem_quotes_an_ordinary_value():
    p = Problem("survey.csv", 7, "municipality", "Kauno r.", "one of the six municipalities")
    assert str(p) == (
        "survey.csv, row 7, column 'municipality': got 'Kauno r.'; "
        "expected one of the six municipalities"
    )


def test_a_problem_never_quotes_an_id_or_a_free_text_answer():
    for column, value in (("resp_id", "T-00417"), ("comment", "Mano vardas Jonas, tel. 8612")):
        text = str(InputError(Problem("survey.csv", 3, column, value, "something else")))
        assert value not in text
        assert "survey.csv, row 3, column" in text and "not shown" in text
