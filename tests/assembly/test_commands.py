"""The verify-election and verify-diff commands (and the `urbis` CLI name)."""

import copy
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from urbis.assembly.verifier import make_ballot, tracker
from urbis.assembly.verifier.ballots import Question, new_code, public_credential
from urbis.assembly.verifier.tally import finish_tally, new_record

QUESTIONS = [{"id": "q", "title": "Q", "choices": ["a", "b"], "min": 0, "max": 1}]


def _records():
    codes = [new_code(), new_code()]
    record, shares = new_record(election_id="e1", title="E", questions=QUESTIONS, threshold=2, trustees=["x", "y", "z"],
                                credentials=[(public_credential("e1", c), 1) for c in codes])
    first = None
    for code, pick in zip(codes, ([1, 0], [0, 1]), strict=True):
        record["ballots"] = sorted(record["ballots"] + [make_ballot(
            election_id="e1", public_key=bytes.fromhex(record["election"]["public_key"]),
            questions=[Question.from_json(QUESTIONS[0])], selections=[pick], code=code)], key=tracker)
        record["voters"] = len(record["ballots"])
        first = first or copy.deepcopy(record)
    return first, finish_tally(record, {1: shares[1], 3: shares[3]})


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_verify_election_accepts_a_good_record_and_rejects_a_tampered_one(tmp_path, capsys):
    _first, final = _records()
    call_command("verify_election", _write(tmp_path, "good.json", final))
    assert capsys.readouterr().out == "OK: 2 ballots, 10 proofs checked; result [[1, 1]]\n"
    bad = copy.deepcopy(final)
    bad["tally"]["result"] = [[2, 0]]
    with pytest.raises(CommandError):
        call_command("verify_election", _write(tmp_path, "bad.json", bad))
    with pytest.raises(CommandError):
        call_command("verify_election", str(tmp_path / "missing.json"))


def test_verify_diff(tmp_path, capsys):
    first, final = _records()
    call_command("verify_diff", _write(tmp_path, "a.json", first), _write(tmp_path, "b.json", final))
    assert capsys.readouterr().out == "OK: the later snapshot extends the earlier one (2 ballots)\n"
    with pytest.raises(CommandError):
        call_command("verify_diff", _write(tmp_path, "b2.json", final), _write(tmp_path, "a2.json", first))


def test_urbis_cli_name_maps_to_the_command(tmp_path):
    _first, final = _records()
    out = subprocess.run([sys.executable, "-m", "urbis.cli", "verify-election", _write(tmp_path, "r.json", final)],
                         capture_output=True, text=True)
    assert (out.returncode, out.stdout.strip()) == (0, "OK: 2 ballots, 10 proofs checked; result [[1, 1]]")


def test_standalone_verifier_module_runs_without_django(tmp_path):
    first, final = _records()
    good = _write(tmp_path, "g.json", final)
    code = (f"import runpy, sys; sys.argv = ['v', {good!r}]; "
            "import urbis.assembly.verifier.__main__ as m; rc = m.main(sys.argv[1:]); "
            "print('django' in sys.modules); raise SystemExit(rc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (out.returncode, out.stdout.splitlines()) == (0, ["OK: 2 ballots, 10 proofs checked; result [[1, 1]]",
                                                             "False"])
    bad = copy.deepcopy(final)
    bad["ballots"].pop()
    out = subprocess.run([sys.executable, "-m", "urbis.assembly.verifier", _write(tmp_path, "b.json", bad)],
                         capture_output=True, text=True)
    assert out.returncode == 1
