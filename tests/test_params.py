"""Parameter files and their validation (SPEC §6: a clear error before any kernel starts)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tsp_analysis.errors import ParameterError
from tsp_analysis.params import DEFAULTS, load_params, validate_params

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params"


def _slugs_from_reference() -> list[str]:
    with open(ROOT / "data/reference/municipalities.csv", encoding="utf-8") as fh:
        return [row["slug"] for row in csv.DictReader(fh)]


def test_every_municipality_has_a_params_file_that_validates():
    files = {p.stem for p in PARAMS.glob("*.yaml")}
    assert set(_slugs_from_reference()) | {"lithuania"} <= files
    for path in sorted(PARAMS.glob("*.yaml")):
        raw = load_params(path)
        assert raw["municipality"] == path.stem
        params = validate_params(raw, str(path))
        assert params["lang"] == "lt"
        assert set(params) == set(DEFAULTS)


def test_country_params_are_valid_for_data_review_only():
    raw = load_params(PARAMS / "lithuania.yaml")
    assert (
        validate_params(raw, "lithuania.yaml", report="data_review")["municipality"] == "lithuania"
    )
    with pytest.raises(ParameterError, match="municipality"):
        validate_params(raw, "lithuania.yaml", report="needs_analysis")


def test_monitoring_takes_all_and_rejects_a_single_municipality():
    assert (
        validate_params({"municipality": "all"}, "x", report="monitoring")["municipality"] == "all"
    )
    with pytest.raises(ParameterError, match="monitoring"):
        validate_params({"municipality": "vilnius"}, "x", report="monitoring")


def test_defaults_are_filled_in():
    params = validate_params({}, "notebook parameters")
    assert params == {
        "municipality": "vilnius",
        "lang": "lt",
        "inputs": {},
        "min_count": 5,
        "min_base": 10,
        "seed": 0,
        "allow_free_text": False,
    }


def test_defaults_are_not_shared_between_calls():
    first = validate_params({}, "a")
    first["inputs"]["tsp_survey"] = "x"
    assert validate_params({}, "b")["inputs"] == {}


def test_unknown_key_names_file_and_key_and_suggests():
    with pytest.raises(ParameterError) as info:
        validate_params({"min_bse": 10}, "params/kaunas.yaml")
    err = info.value
    assert err.file == "params/kaunas.yaml"
    assert err.key == "min_bse"
    assert "min_base" in str(err) and "params/kaunas.yaml" in str(err)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("min_base", "10"),
        ("min_base", 10.0),
        ("min_count", True),
        ("seed", None),
        ("lang", 1),
        ("allow_free_text", "no"),
        ("inputs", ["data/demo/tsp_survey.csv"]),
        ("municipality", 3),
    ],
)
def test_wrong_type_is_rejected(key, value):
    with pytest.raises(ParameterError) as info:
        validate_params({key: value}, "p.yaml")
    assert info.value.key == key
    assert "expected" in str(info.value)


@pytest.mark.parametrize(
    ("given", "suggested"),
    [
        ("Šiaulių", "siauliai"),
        ("kaunass", "kaunas"),
        ("Akmenės r.", "akmene"),
        ("vilnus", "vilnius"),
    ],
)
def test_unknown_municipality_suggests_the_closest_slug(given, suggested):
    with pytest.raises(ParameterError) as info:
        validate_params({"municipality": given}, "p.yaml")
    assert info.value.key == "municipality"
    assert f"did you mean {suggested!r}" in str(info.value)


def test_unrelated_municipality_gets_no_misleading_suggestion():
    with pytest.raises(ParameterError) as info:
        validate_params({"municipality": "xyz"}, "p.yaml")
    assert "did you mean" not in str(info.value)


def test_bad_language_is_rejected():
    with pytest.raises(ParameterError, match="lang"):
        validate_params({"lang": "ru"}, "p.yaml")


def test_negative_seed_is_rejected():
    with pytest.raises(ParameterError) as info:
        validate_params({"seed": -1}, "p.yaml")
    assert info.value.key == "seed" and "negative" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "floor"),
    [
        ("min_count", -1, 3),
        ("min_count", 0, 3),
        ("min_count", 2, 3),
        ("min_base", 0, 5),
        ("min_base", 4, 5),
    ],
)
def test_thresholds_below_their_floor_are_refused(key, value, floor):
    with pytest.raises(ParameterError) as info:
        validate_params({key: value}, "p.yaml")
    assert info.value.key == key
    assert f"below the floor of {floor}" in str(info.value)


def test_thresholds_at_their_floor_are_accepted():
    out = validate_params({"min_count": 3, "min_base": 5}, "p.yaml")
    assert (out["min_count"], out["min_base"]) == (3, 5)


def test_missing_input_path_names_the_dataset(tmp_path):
    with pytest.raises(ParameterError) as info:
        validate_params(
            {"inputs": {"tsp_survey": "nowhere/survey.csv"}}, "p.yaml", base_dir=tmp_path
        )
    assert info.value.key == "inputs.tsp_survey"
    assert "does not exist" in str(info.value) and "survey.csv" in str(info.value)


def test_unknown_dataset_is_rejected(tmp_path):
    (tmp_path / "x.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        validate_params({"inputs": {"tsp_surveys": "x.csv"}}, "p.yaml", base_dir=tmp_path)
    assert "tsp_survey" in str(info.value)


def test_relative_input_paths_resolve_against_base_dir(tmp_path):
    (tmp_path / "survey.csv").write_text("a\n1\n", encoding="utf-8")
    params = validate_params({"inputs": {"tsp_survey": "survey.csv"}}, "p.yaml", base_dir=tmp_path)
    assert params["inputs"] == {"tsp_survey": str((tmp_path / "survey.csv").resolve())}


def test_load_params_reports_broken_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("municipality: [vilnius\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="bad.yaml.*YAML"):
        load_params(bad)
    listing = tmp_path / "list.yaml"
    listing.write_text("- vilnius\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="mapping"):
        load_params(listing)
    with pytest.raises(ParameterError, match="does not exist"):
        load_params(tmp_path / "missing.yaml")


def test_params_module_does_not_import_pandas():
    # The runner validates in its parent process; pandas would add a second to every start.
    code = "import sys, tsp_analysis.params; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_bad_key_is_reported_at_once(tmp_path):
    bad = {
        "municipality": "kaunass",
        "lang": "ru",
        "min_bse": 10,
        "min_count": 2,
        "seed": "x",
        "inputs": {"tsp_survey": "nowhere.csv", "tsp_surveys": "x.csv"},
    }
    with pytest.raises(ParameterError) as info:
        validate_params(bad, "params/kaunas.yaml", base_dir=tmp_path)
    err = info.value
    keys = [key for key, _ in err.problems]
    assert sorted(keys) == sorted(
        [
            "min_bse",
            "seed",
            "municipality",
            "lang",
            "min_count",
            "inputs.tsp_survey",
            "inputs.tsp_surveys",
        ]
    )
    text = str(err)
    assert text.startswith("params/kaunas.yaml: 7 invalid parameters")
    for key in keys:  # one line per key, each naming the file and the key
        assert f"params/kaunas.yaml, key '{key}'" in text
    assert "did you mean 'kaunas'" in text and "did you mean 'min_base'" in text
    assert [e.key for e in err.split()] == keys


def test_a_wrong_type_is_not_also_reported_as_a_bad_value():
    # `seed: "x"` is a type problem; it must not also fail the "not negative" check (or crash it)
    with pytest.raises(ParameterError) as info:
        validate_params({"seed": "x", "municipality": 3}, "p.yaml", "monitoring")
    assert [key for key, _ in info.value.problems] == ["seed", "municipality"]
