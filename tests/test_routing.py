"""One reading of the codebook's skip logic (``applies_if``) for cleaning and the data review."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tsp_analysis import routing
from tsp_analysis.clean import clean
from tsp_analysis.codebook import load_codebook
from tsp_analysis.errors import ReferenceDataError

RULES = {"got": "need=yes", "rate": "got=fully|partly", "other": "need!=no & got=fully"}


def _frame_routing(need, got):
    data = pd.DataFrame({"need": need, "got": got}, dtype="str")

    def condition(column, allowed):
        values = data[column]
        answered = values.notna().to_numpy(dtype=bool)
        return values.isin(list(allowed)).to_numpy(dtype=bool) & answered, answered

    return routing.Routing(RULES, condition, len(data))


def test_parse_reads_codes_negation_and_conjunction():
    conds = routing.parse("need_x != no & got_x=fully| partly")
    assert conds == (
        routing.Condition("need_x", True, frozenset({"no"})),
        routing.Condition("got_x", False, frozenset({"fully", "partly"})),
    )
    with pytest.raises(ReferenceDataError, match="cannot parse"):
        routing.parse("need_x ~ yes")


def test_asked_not_asked_and_unknown_hand_worked():
    # rows: need yes/got fully; need no/got blank; need blank/got blank; need blank/got no;
    #       need yes/got blank
    r = _frame_routing(["yes", "no", None, None, "yes"], ["fully", None, None, "no", None])
    asked, unknown = r.asked("rate")
    not_asked = r.not_asked("rate")
    # row 0 asked; row 1 not asked (need no → got not asked → rate not asked);
    # row 2 unknown (nothing known); row 3 not asked: got = no is a known answer outside the
    # listed codes, evidence even though got's own routing is unknown; row 4 unknown
    assert asked.tolist() == [True, False, False, False, False]
    assert not_asked.tolist() == [False, True, False, True, False]
    assert unknown.tolist() == [False, False, True, False, True]
    assert r.chain("rate") == ["got", "need"]
    assert r.asked("other")[0].tolist() == [True, False, False, False, False]


def test_cleaning_and_data_review_agree_on_who_was_asked():
    """Every answer cleaning rejects as impossible is one the data review counts as not asked,
    and every substantive answer it keeps is in a row asked or of unknown routing."""
    cb = load_codebook()
    raw = pd.DataFrame(
        {
            "resp_id": ["A", "B", "C", "D", "E", "F"],
            "municipality": ["Kaunas"] * 6,
            "need_health": ["no", "yes", None, "yes", "dont_know", "yes"],
            "got_health": [None, "no", "fully", None, None, "partly"],
            "rate_health_quality": ["4", "3", "5", "2", "4", "3"],
        },
        dtype="str",
    )
    result = clean(raw, "tsp_survey")
    impossible = set(
        result.quarantine.loc[result.quarantine["reason"] == "impossible_combination", "resp_id"]
    )
    assert impossible == {"A", "B", "E"}
    # the data review's reading of the same answers (already codes here)
    coded = raw
    route = routing.for_frame(coded, "tsp_survey", cb)
    not_asked = route.not_asked("rate_health_quality")
    assert set(np.asarray(raw["resp_id"])[not_asked]) == impossible
    asked, unknown = route.asked("rate_health_quality")
    assert asked.tolist() == [False, False, False, False, False, True]
    # C: got fully but need blank (got's own routing unknown); D: got blank
    assert unknown.tolist() == [False, False, True, True, False, False]
