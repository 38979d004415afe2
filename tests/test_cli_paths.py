"""Every command, given a bad path, says so in one line and exits 1 or 2: never a traceback
(issue 9, finding 8)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tsp_analysis.cli import main
from tsp_analysis.paths import demo_dir

RESIDENTS = str(demo_dir() / "residents.csv")


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    """A missing path, a folder, a file, an unreadable file and /proc."""
    folder = tmp_path / "folder"
    folder.mkdir()
    a_file = tmp_path / "a_file.csv"
    a_file.write_text("resp_id;municipality\n", encoding="utf-8")
    unreadable = tmp_path / "unreadable.csv"
    if os.geteuid() == 0:  # root reads any mode: a file whose read fails is the honest test
        unreadable.symlink_to("/proc/self/mem")
    else:
        unreadable.write_text("resp_id\nA\n", encoding="utf-8")
        unreadable.chmod(0)
    return {
        "missing": str(tmp_path / "missing" / "tsp_survey.csv"),
        "folder": str(folder),
        "file": str(a_file),
        "unreadable": str(unreadable),
        "proc": "/proc",
    }


def _run(argv: list[str], capsys) -> tuple[int, list[str]]:
    status = main(argv)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return status, [line for line in captured.err.splitlines() if line.strip()]


# command line → the kind of bad path it gets (where each place is a mistake)
CASES = {
    "validate-missing": (["validate", "{missing}"], "missing"),
    "validate-folder-for-file": (["validate", "{folder}"], "folder"),
    "validate-unreadable": (["validate", "{unreadable}"], "unreadable"),
    "validate-proc": (["validate", "{proc}"], "proc"),
    "validate-file-without-rows": (["validate", "{file}"], "file"),
    "clean-missing": (["clean", "{missing}", "--out", "{tmp}/out"], "missing"),
    "clean-folder-for-file": (["clean", "{folder}", "--out", "{tmp}/out"], "folder"),
    "clean-file-for-folder": (["clean", RESIDENTS, "--out", "{file}"], "file"),
    "clean-unreadable": (["clean", "{unreadable}", "--out", "{tmp}/out"], "unreadable"),
    "clean-proc-input": (["clean", "{proc}", "--out", "{tmp}/out"], "proc"),
    "clean-proc-out": (["clean", RESIDENTS, "--out", "{proc}"], "proc"),
    "clean-out-under-missing-file": (["clean", RESIDENTS, "--out", "{file}/sub"], "file"),
    "synth-file-for-folder": (["synth", "--out", "{file}"], "file"),
    "synth-proc": (["synth", "--out", "{proc}"], "proc"),
    "synth-unreadable": (["synth", "--out", "{unreadable}"], "unreadable"),
    "run-file-for-folder": (["run", "--out", "{file}"], "file"),
    "run-proc": (["run", "--out", "{proc}"], "proc"),
    "run-proc-forced": (["run", "--out", "{proc}", "--force"], "proc"),
    "run-unreadable": (["run", "--out", "{unreadable}"], "unreadable"),
    "run-missing-notebooks": (
        ["run", "--notebooks", "{missing}", "--out", "{tmp}/out", "--no-progress"],
        "missing",
    ),
    "run-missing-params": (
        ["run", "--params", "{missing}", "--out", "{tmp}/out", "--no-progress"],
        "missing",
    ),
    "run-file-for-params-folder": (
        ["run", "--params", "{file}", "--out", "{tmp}/out", "--no-progress"],
        "file",
    ),
    "run-proc-params": (
        ["run", "--params", "{proc}", "--out", "{tmp}/out", "--no-progress"],
        "proc",
    ),
    "run-folder-for-notebook": (
        ["run", "--notebooks", "{folder}", "--out", "{tmp}/out", "--no-progress"],
        "folder",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_path_is_one_clear_line_and_exit_1_or_2(case, places, tmp_path, capsys):
    argv, place = CASES[case]
    argv = [a.format(tmp=tmp_path, **places) for a in argv]
    status, err = _run(argv, capsys)
    assert status in (1, 2)
    if argv[0] == "validate":
        return  # validate prints its problems on stdout: checked below
    assert len(err) == 1, err
    command = argv[0]
    assert err[0].startswith(f"tsp-analysis {command}: ")
    assert Path(places[place]).name in err[0] or places[place] in err[0]


def test_validate_names_the_bad_path_and_what_was_expected(places, capsys):
    for place, words in {
        "missing": "an existing file or folder",
        "folder": "a folder with .csv, .xlsx or .sav files",
        "unreadable": "a file this user may read",
        "proc": "a folder with .csv, .xlsx or .sav files",
    }.items():
        assert main(["validate", places[place]]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0] == f"{places[place]}; expected {words}"


def test_run_refuses_a_folder_of_someone_elses_files_unless_forced(tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<h1>our intranet</h1>", encoding="utf-8")
    (out / "manifest.json").write_text('{"name": "intranet"}', encoding="utf-8")
    status, err = _run(["run", "--out", str(out), "--no-progress"], capsys)
    assert status == 2
    assert err == [
        f"tsp-analysis run: {out}: --out holds files that are not a tsp-analysis output "
        f"(index.html, manifest.json); choose an empty folder, or pass --force to write there "
        f"anyway"
    ]
    assert (out / "index.html").read_text(encoding="utf-8") == "<h1>our intranet</h1>"


def test_an_earlier_output_folder_is_accepted(tmp_path):
    from tsp_analysis.outdir import report_folder

    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    (out / "manifest.json").write_text(
        json.dumps({"generator": "tsp-analysis 0.1.0", "reports": []}), encoding="utf-8"
    )
    assert report_folder(out) == out
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(Exception, match="not a tsp-analysis output"):
        report_folder(out)
    assert report_folder(out, force=True) == out


def test_hashing_covers_exactly_the_files_the_reader_reads(tmp_path):
    from tsp_analysis.inputs import file_hashes
    from tsp_analysis.readers import read_table
    from tsp_analysis.runner.cache import Hasher

    folder = tmp_path / "survey"
    (folder / "older").mkdir(parents=True)
    (folder / "part1.csv").write_text("resp_id;age\nA;30\n", encoding="utf-8")
    (folder / "older" / "part0.csv").write_text("resp_id;age\nZ;40\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not read", encoding="utf-8")
    (folder / "~$part1.xlsx").write_bytes(b"lock")
    read = set(read_table(folder)["source_file"])
    assert read == {str(folder / "part1.csv")}
    assert set(file_hashes(folder)) == read
    assert [Path(p).name for p in Hasher().files([folder])] == ["part1.csv"]
    # /proc is listed, not walked; nothing in it is an input file
    assert Hasher().files([Path("/proc")]) == {}
    assert file_hashes("/proc") == {}
