"""`urbis demo` builds the same demo edition every time: two fresh builds of every step, in two processes
with different string-hash seeds (PYTHONHASHSEED), each on its own new SQLite database, give the same
registrations, check-ins, attendances, award decisions and votes, roll-call result and Board election."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run in each build's process after the build: what the demo edition holds, as JSON.
SUMMARY = """
import hashlib, json, os
from collections import Counter
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from urbis.assembly.models import AgendaItem, Election, Meeting, Proxy, RollCallVote
from urbis.awards.models import PublicVote, Submission
from urbis.program.models import Edition
from urbis.registration.models import Attendance, Certificate, CheckIn, Registration

def counts(qs, *fields):
    return dict(sorted(Counter("/".join(str(v) for v in row) for row in qs.values_list(*fields)).items()))

def digest(qs, *fields):
    rows = sorted(repr(row) for row in qs.values_list(*fields))
    return [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]

edition = Edition.objects.get(slug="guangzhou-2021")
regs = Registration.objects.filter(edition=edition)
meeting = Meeting.objects.get(slug="general-assembly-2021")
motion = AgendaItem.objects.get(meeting=meeting, kind="motion")
election = Election.objects.get(item__meeting=meeting)
print(json.dumps({
    "registrations": {"total": regs.count(), "status": counts(regs, "status"), "mode": counts(regs, "mode"),
                      "category": counts(regs, "category"), "country": counts(regs, "country"),
                      "people": digest(regs, "email", "status", "mode", "category", "organisation__slug")},
    "checkins": CheckIn.objects.filter(edition=edition).count(),
    "checkins_by_session": digest(CheckIn.objects.filter(edition=edition), "registration__email", "day",
                                  "session_code", "gate"),
    "attendances": Attendance.objects.filter(edition=edition).count(),
    "attended": Attendance.objects.filter(edition=edition, attended=True).count(),
    "attendance_rows": digest(Attendance.objects.filter(edition=edition), "registration__email", "session_code",
                              "seconds", "joins"),
    "certificates": Certificate.objects.filter(registration__edition=edition).count(),
    "submissions": counts(Submission.objects.all(), "status"),
    "decisions": digest(Submission.objects.all(), "title", "applicant__slug", "status"),
    "public_votes": PublicVote.objects.count(),
    "votes_by_submission": counts(PublicVote.objects.all(), "submission__applicant__slug"),
    "seats": meeting.electorate.count(),
    "proxies": digest(Proxy.objects.filter(meeting=meeting), "grantor__slug", "holder__slug"),
    "motion": {key: motion.result.get(key) for key in ("yes", "no", "abstain", "passed", "voters")},
    "roll_call": digest(RollCallVote.objects.filter(item=motion), "member__slug", "via__slug", "choice"),
    "election": {"status": election.status, "ballots": election.ballots.count(), "result": election.result},
}, sort_keys=True))
"""


def _env(data_dir: Path, hash_seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("URBIS_")}
    env.update(URBIS_DATA_DIR=str(data_dir), PYTHONHASHSEED=hash_seed, DJANGO_SETTINGS_MODULE="config.settings")
    return env


def _run_all(commands: list[tuple[list[str], dict[str, str]]]) -> list[str]:
    """Run the commands side by side; their outputs, or fail with the error of the first that failed."""
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for cmd, env in commands]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, f"{proc.args} failed:\n{out[-3000:]}\n{err[-3000:]}"
    return [out for out, _err in outputs]


def _step_lines(output: str) -> list[str]:
    """The build's step lines (members … assembly) without their timings."""
    lines = output.split("Building the demo edition at scale 1…\n", 1)[1].split("\nBuilt in ", 1)[0].splitlines()
    return [re.sub(r" \[\d+\.\d s\]$", "", line) for line in lines]


def test_two_builds_in_processes_with_different_hash_seeds_are_identical(tmp_path):
    builds = [(tmp_path / "first", "1"), (tmp_path / "second", "4242")]
    outputs = _run_all([([sys.executable, "-m", "urbis.cli", "demo", "--no-serve"], _env(folder, seed))
                        for folder, seed in builds])
    summaries = [json.loads(out) for out in _run_all([([sys.executable, "-c", SUMMARY], _env(folder, seed))
                                                       for folder, seed in builds])]
    first, second = summaries
    assert first == second
    assert _step_lines(outputs[0]) == _step_lines(outputs[1])
    # the summaries describe a whole demo edition (the fixed sizes of the steps), not two empty databases
    assert (first["registrations"]["total"], sum(first["submissions"].values()), first["public_votes"],
            first["election"]["status"], first["election"]["ballots"]) == (880, 273, 2400, "tallied",
                                                                          first["motion"]["voters"])
