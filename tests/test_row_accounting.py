"""Row accounting: rows in = rows accepted + rows quarantined, for any mix of good and bad rows.

The property test builds a survey from good rows and rows with one known defect each (see
``tsp_rows.DEFECTS``), writes it as a CSV in a random encoding and separator, reads and cleans
it, and checks the result against what was built: exactly the defective rows are quarantined,
each with the reason of its defect; every other row is accepted; and the accepted rows satisfy
the codebook, checked here by an independent reading of the codebook tables.
"""

from __future__ import annotations

import csv
import hashlib
import random
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tsp_rows import CELL_DEFECTS, DEFECTS, good_row, make_bad

from tsp_analysis import paths, reference
from tsp_analysis.clean import clean
from tsp_analysis.codebook import DATASETS, load_codebook
from tsp_analysis.errors import InputError
from tsp_analysis.inputs import load_inputs
from tsp_analysis.readers import read_table

KINDS = ["good"] * 4 + sorted(DEFECTS) + sorted(CELL_DEFECTS)


def build(
    kinds: list[str], seed: int
) -> tuple[list[dict], dict[int, str | None], dict[int, tuple[str, str]]]:
    """Rows for ``kinds``, the expected reason per spreadsheet row (``None``: accepted) and
    the expected invalid cell of each row with a bad optional answer."""
    rnd = random.Random(seed)
    rows: list[dict] = []
    good: list[dict] = []
    expected: dict[int, str | None] = {}
    cells: dict[int, tuple[str, str]] = {}
    for i, kind in enumerate(kinds):
        if kind == "good" or (kind in {"exact_copy", "reused_id"} and not good):
            row = good_row(rnd, f"G{i}")
            good.append(row)
            reason = None
        elif kind in CELL_DEFECTS:
            row = make_bad(rnd, kind, f"C{i}", good)
            reason = None
            cells[i + 2] = CELL_DEFECTS[kind]
        else:
            row = make_bad(rnd, kind, f"B{i}", good)
            reason = DEFECTS[kind]
        rows.append(row)
        expected[i + 2] = reason
    return rows, expected, cells


#: Ways people's tools retype a label; NFD (decomposed accents) only where the encoding has
#: the combining marks.
VARIANTS = {
    "curly": lambda t: t.replace("'", "\u2019"),
    "nbsp": lambda t: t.replace(" ", "\u00a0"),
    "doubled": lambda t: t.replace(" ", "  "),
    "padded": lambda t: f" {t}  ",
    "case": lambda t: t.swapcase(),
    "full_stop": lambda t: t + ".",
    "nfd": lambda t: unicodedata.normalize("NFD", t),
}


def retype(rows: list[dict], seed: int, encoding: str) -> list[dict]:
    """Every coded answer (codebook category, likert, binary) retyped with a random variant."""
    rnd = random.Random(seed)
    cb = load_codebook()
    coded = {q.id for q in cb.questions("tsp_survey") if q.type in {"category", "likert"}}
    names = [n for n in VARIANTS if n != "nfd" or encoding.startswith("utf")]
    out = []
    for row in rows:
        new = dict(row)
        for col, value in row.items():
            if col in coded and value:
                new[col] = VARIANTS[rnd.choice(names)](value)
        out.append(new)
    return out


def write_csv(rows: list[dict], path, encoding: str, sep: str) -> None:
    columns = list(dict.fromkeys(c for r in rows for c in r))
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=sep)
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r[c] for c in columns])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=30),
    seed=st.integers(0, 2**31),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1257"]),
    sep=st.sampled_from([";", ",", "\t"]),
    typography=st.booleans(),
)
def test_rows_in_equals_accepted_plus_quarantined(tmp_path, kinds, seed, encoding, sep, typography):
    rows, expected, cells = build(kinds, seed)
    if typography:  # curly quotes, odd spaces, case, a full stop, decomposed accents
        rows = retype(rows, seed, encoding)
    path = tmp_path / f"tsp_survey_{seed}.csv"
    write_csv(rows, path, encoding, sep)
    result = clean(read_table(path), "tsp_survey")

    # (accepted + quarantined = rows_in is clean's own invariant: it raises otherwise; the
    # rows are checked one by one against the expected fate below)
    assert result.rows_in == len(rows)
    q = result.quarantine
    assert q["reason"].notna().all() and (q["reason"] != "").all()
    assert q["detail"].notna().all()
    got = dict(zip(q["source_row"], q["reason"], strict=True))
    want = {row: reason for row, reason in expected.items() if reason is not None}
    assert got == want
    accepted = {row for row, reason in expected.items() if reason is None}
    assert set(result.data["source_row"]) == accepted
    # a bad optional answer costs only that cell (finding 6)
    got_cells = {
        int(r.source_row): (r.column, r.reason) for r in result.invalid.itertuples(index=False)
    }
    assert got_cells == cells
    assert_satisfies_codebook(result.data)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    n_rows=st.integers(4, 30),
    block=st.tuples(st.integers(0, 29), st.integers(1, 5)),
    seed=st.integers(0, 2**31),
    base=st.sampled_from(["utf-8", "cp1257"]),
)
def test_mixed_encodings_are_refused_at_the_first_odd_line(tmp_path, n_rows, block, seed, base):
    """A block of lines in the other encoding: never read as mojibake, always an error that
    names the first line of the block (or of the file's minority encoding)."""
    rnd = random.Random(seed)
    rows = [good_row(rnd, f"G{i}") for i in range(n_rows)]
    for row in rows:  # every row has a Lithuanian letter, so every line tells its encoding
        row["municipality"] = "Šiaulių m."
    other = "cp1257" if base == "utf-8" else "utf-8"
    # a block that is not the whole file (a file all in one encoding is no mixture)
    length = min(block[1], n_rows - 1)
    start = min(block[0], n_rows - length)
    odd = set(range(start, start + length))
    path = tmp_path / "mixed.csv"
    columns = list(rows[0])
    lines = [(";".join(columns) + "\n").encode("ascii")]
    for i, row in enumerate(rows):
        text = ";".join("" if row[c] is None else str(row[c]) for c in columns) + "\n"
        lines.append(text.encode(other if i in odd else base))
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError) as err:
        read_table(path)
    (problem,) = err.value.problems
    rest = set(range(n_rows)) - odd
    not_utf8, utf8 = (odd, rest) if other == "cp1257" else (rest, odd)
    minority = not_utf8 if len(not_utf8) <= len(utf8) else utf8  # a tie names the non-UTF-8
    assert problem.row == min(minority) + 2  # the spreadsheet row of the first odd line
    assert problem.column == "municipality"
    assert problem.value == "Šiaulių m."  # shown in its own encoding, not as mojibake
    assert "mixed encodings" in str(err.value)


def assert_satisfies_codebook(data: pd.DataFrame) -> None:
    """Check a clean TŠP table against the codebook tables, without the cleaning code."""
    cb = load_codebook()
    values = reference.table("value_sets")
    slugs = set(reference.municipality_slugs())
    countries = reference.countries()
    third = set(countries.loc[countries["third_country"], "iso2"])
    for q in cb.questions("tsp_survey"):
        col = data[q.id].dropna()
        if q.type in {"category", "likert", "binary"}:
            allowed = set(values.loc[values["value_set"] == q.value_set, "code"])
            if q.value_set.startswith("ref:"):
                name = q.value_set[4:]
                allowed = set(reference.table(name)[reference.TABLES[name]])
            assert set(col.astype(str)) <= allowed, q.id
        elif q.type == "municipality":
            assert set(col) <= slugs
        elif q.type == "country":
            assert set(col) <= third
        elif q.type in {"integer", "number"}:
            assert ((col >= q.min) & (col <= q.max)).all(), q.id
    if len(data):
        assert not data["resp_id"].duplicated().any()
        assert data["municipality"].notna().all()
    for area in reference.area_ids():
        need, got = data[f"need_{area}"], data[f"got_{area}"]
        ratings = data[[q.id for q in cb.questions("tsp_survey", area=area, group="rating")]]
        substantive = ratings.isin([1, 2, 3, 4, 5]).fillna(False).any(axis=1)
        no_need = need.isin(["no", "dont_know"]).fillna(False)
        assert not (no_need & got.isin(["fully", "partly", "no"]).fillna(False)).any(), area
        not_used = no_need | got.isin(["no", "dont_know"]).fillna(False)
        assert not (not_used & substantive).any(), area
    rating_cols = [q.id for q in cb.questions("tsp_survey", group="rating")]
    grid = data[rating_cols].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    grid[(grid > 5)] = np.nan
    count = (~np.isnan(grid)).sum(axis=1)
    spread = np.nanmax(np.where(np.isnan(grid), -1, grid), axis=1) - np.nanmin(
        np.where(np.isnan(grid), 99, grid), axis=1
    )
    assert not ((count >= 10) & (spread == 0)).any()


def test_a_worked_mix_is_accounted_for(tmp_path):
    """Seven rows, worked by hand: 3 good, a copy, a reused id, an EU citizen, a straight-liner."""
    kinds = ["good", "good", "exact_copy", "good", "reused_id", "eu_citizen", "straight_liner"]
    kinds.append("sex_unknown")  # a bad optional answer: the row is kept, the cell set missing
    rows, expected, cells = build(kinds, seed=7)
    path = tmp_path / "mix.csv"
    write_csv(rows, path, "utf-8", ";")
    result = clean(read_table(path), "tsp_survey")
    assert result.accounting_line() == "in 8 = accepted 4 + quarantined 4"
    assert result.invalid[["source_row", "column"]].values.tolist() == [[9, "sex"]]
    assert pd.isna(result.data.loc[result.data["source_row"] == 9, "sex"]).all()
    assert result.quarantine["reason"].tolist() == [
        "duplicate_row",
        "duplicate_id",
        "not_third_country",
        "straight_lining",
    ]
    assert result.quarantine["source_row"].tolist() == [4, 6, 7, 8]


# -- the Inputs bundle --------------------------------------------------------------------------
def _write(path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_load_inputs_cleans_hashes_and_accounts(tmp_path):
    residents = _write(
        tmp_path / "res.csv",
        "municipality;year;residents;data_origin\n"
        "Kauno m.;2021;1000;synthetic\nRiga;2021;5;synthetic\n",
    )
    consultations = _write(
        tmp_path / "cons.csv",
        "consultation_id,municipality,planned_date,status\nK1,Jonava,2021-11-09,held\n",
    )
    inputs = load_inputs(
        {"residents": residents, "consultations": consultations},
        datasets=["residents", "consultations"],
    )
    assert inputs.residents.data["municipality"].tolist() == ["kaunas"]
    assert inputs["consultations"].accepted == 1
    acc = inputs.accounting().set_index("dataset")
    # rows_in, accepted, quarantined, cells_invalidated
    assert acc.loc["residents"].tolist() == [2, 1, 1, 0]
    assert acc.loc["consultations"].tolist() == [1, 1, 0, 0]
    with open(residents, "rb") as f:
        assert inputs.hashes[residents] == hashlib.sha256(f.read()).hexdigest()
    assert inputs.synthetic
    written = inputs.write_quarantine(tmp_path / "q")
    assert sorted(p.name for p in written) == [
        "consultations_quarantine.csv",
        "residents_quarantine.csv",
    ]
    assert read_table(tmp_path / "q" / "residents_quarantine.csv")["municipality"].tolist() == [
        "Riga"
    ]


def test_inputs_without_synthetic_rows_are_not_synthetic(tmp_path):
    residents = _write(tmp_path / "r.csv", "municipality;year;residents\nKaunas;2021;1\n")
    assert not load_inputs({"residents": residents}, datasets=["residents"]).synthetic


def test_missing_input_paths_are_named_together(tmp_path):
    with pytest.raises(InputError) as err:
        load_inputs(
            {"residents": tmp_path / "nope.csv", "population": tmp_path / "gone.csv"},
            datasets=["residents", "population"],
        )
    message = str(err.value)
    assert "nope.csv" in message and "gone.csv" in message


def test_unknown_dataset_name_in_inputs(tmp_path):
    with pytest.raises(InputError, match="tsp_surveys"):
        load_inputs({"tsp_surveys": tmp_path / "x.csv"})


def test_default_inputs_are_the_demo_files():
    from tsp_analysis.inputs import default_paths

    demo = default_paths()
    assert demo["tsp_survey"] == paths.demo_dir() / "tsp_survey.csv"
    assert list(demo) == list(DATASETS)


# -- the committed demo inputs --------------------------------------------------------------------
#: What cleaning must do with each kind of dirty row the generator documents in MANIFEST.json.
DIRTY_QUARANTINED = {
    "duplicate_respondent": "duplicate_row",
    "reused_id": "duplicate_id",  # the later of the two rows only
    "age_out_of_range": "out_of_range",
    "rating_without_use": "impossible_combination",
    "straight_liner": "straight_lining",
    "unknown_municipality": "unknown_municipality",
    "eu_citizen": "not_third_country",
}
DIRTY_ACCEPTED = {"municipality_spelling", "likert_label", "decimal_comma", "country_name"}


@pytest.fixture(scope="module")
def demo():
    import json

    manifest_path = paths.demo_dir() / "MANIFEST.json"
    if not manifest_path.exists():
        pytest.fail("data/demo/MANIFEST.json is missing: the demo inputs are part of the repo")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return load_inputs(), manifest


def test_demo_inputs_clean_with_exactly_the_documented_dirty_rows_quarantined(demo):
    inputs, manifest = demo
    dirty = manifest["dirty_rows"]["tsp_survey.csv"]
    kinds = {e["kind"] for e in dirty}
    assert kinds <= set(DIRTY_QUARANTINED) | DIRTY_ACCEPTED
    assert set(DIRTY_QUARANTINED) <= kinds  # every quarantine rule is exercised by the demo
    expected: dict[int, str] = {}
    for e in dirty:
        if e["kind"] == "reused_id":
            later = max(
                x["source_row"]
                for x in dirty
                if x["resp_id"] == e["resp_id"] and x["kind"] == "reused_id"
            )
            if e["source_row"] == later:
                expected[later] = "duplicate_id"
        elif e["kind"] in DIRTY_QUARANTINED:
            expected[e["source_row"]] = DIRTY_QUARANTINED[e["kind"]]
    tsp = inputs.tsp_survey
    got = dict(zip(tsp.quarantine["source_row"], tsp.quarantine["reason"], strict=True))
    assert got == expected
    assert tsp.rows_in == manifest["files"]["tsp_survey.csv"]["rows"]


def test_demo_dirty_but_valid_rows_are_accepted_with_canonical_values(demo):
    from tsp_analysis.codebook import fold

    inputs, manifest = demo
    cb = load_codebook()
    countries = reference.countries()
    iso = {
        fold(n): c
        for col in ("name_en", "name_lt")
        for n, c in zip(countries[col], countries["iso2"], strict=True)
    }
    data = inputs.tsp_survey.data.set_index("source_row")
    for e in manifest["dirty_rows"]["tsp_survey.csv"]:
        if e["kind"] not in DIRTY_ACCEPTED:
            continue
        cell = data.loc[e["source_row"], e["column"]]
        if e["kind"] == "municipality_spelling":
            assert cell == e["detail"].removeprefix("spelling of ")
        elif e["kind"] == "likert_label":
            q = cb.question("tsp_survey", e["column"])
            labels = cb.values(q.value_set)
            code = labels.loc[
                (labels["label_lt"] == e["value"]) | (labels["label_en"] == e["value"]), "code"
            ].item()
            assert cell == int(code)
        elif e["kind"] == "decimal_comma":
            assert cell == float(e["value"].replace(",", "."))
        elif e["kind"] == "country_name":
            assert cell == iso[fold(e["value"])]


def test_demo_inputs_account_for_every_row_and_say_they_are_synthetic(demo):
    inputs, manifest = demo
    acc = inputs.accounting()
    assert (acc["rows_in"] == acc["accepted"] + acc["quarantined"]).all()
    for name, info in manifest["files"].items():
        dataset = info["dataset"]
        assert inputs[dataset].rows_in == info["rows"], dataset
        assert inputs.hashes[str(paths.demo_dir() / name)] == info["sha256"], name
        if dataset != "tsp_survey":
            assert inputs[dataset].quarantined == 0, dataset
    assert inputs.synthetic
