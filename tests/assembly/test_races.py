"""Races with real concurrent clients on PostgreSQL (each thread has its own connection)."""

import threading

import pytest
from django.db import connection, connections

from tests.assembly.factories import QUESTIONS, make_assembly, make_election
from tests.helpers import requires_postgres
from urbis.assembly import services
from urbis.assembly.models import Ballot, Election, Participation
from urbis.assembly.selectors import election_record
from urbis.assembly.verifier import make_ballot, verify_record
from urbis.assembly.verifier.ballots import Question
from urbis.assembly.verifier.tally import encrypted_tally

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
QS = [Question.from_json(q) for q in QUESTIONS]


def _open(n=3):
    a = make_assembly(n)
    item, election, codes, _shares = make_election(a)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=item, actor=a.staff)
    election.refresh_from_db()
    return a, item, election, codes


def _run(workers):
    barrier = threading.Barrier(len(workers))
    outcomes = []

    def wrap(fn):
        try:
            barrier.wait()
            outcomes.append(("ok", fn()))
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            outcomes.append((type(exc).__name__, None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _hundred_ballots(election, code):
    picks = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]
    return [make_ballot(election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                        questions=QS, selections=[picks[i % 4]], code=code) for i in range(100)]


def _cast_all(a, election, ballots, *, lock):
    def worker(b):
        return lambda: services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0], ballot=b,
                                            lock=lock)
    return _run([worker(b) for b in ballots])


def test_hundred_concurrent_ballots_from_one_member_count_once():
    a, item, election, codes = _open()
    outcomes = _cast_all(a, election, _hundred_ballots(election, codes[a.members[0].pk]), lock=True)
    assert [kind for kind, _ in outcomes] == ["ok"] * 100
    assert (Ballot.objects.count(), Participation.objects.count()) == (1, 1)
    report = verify_record(election_record(election))
    assert (report.ok, report.ballots) == (True, 1)


def test_control_without_the_lock_the_race_shows():
    a, item, election, codes = _open()
    outcomes = _cast_all(a, election, _hundred_ballots(election, codes[a.members[0].pk]), lock=False)
    failures = [kind for kind, _ in outcomes if kind != "ok"]
    # without the lock, concurrent re-votes collide: the database constraint has to stop them with errors
    assert len(failures) > 0
    assert set(failures) <= {"IntegrityError"}
    assert Ballot.objects.count() == 1


def test_close_versus_vote_every_ballot_is_in_the_tally_or_refused():
    a, item, election, codes = _open(6)
    ballots = [make_ballot(election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                           questions=QS, selections=[[1, 0, 0]], code=codes[m.pk]) for m in a.members]
    workers = [(lambda i=i: services.cast_ballot(election=election, member=a.members[i], user=a.delegates[i],
                                                 ballot=ballots[i])) for i in range(6)]
    workers.append(lambda: services.close_item(item=item, actor=a.staff))
    outcomes = _run(workers)
    kinds = sorted(kind for kind, _ in outcomes)
    assert set(kinds) <= {"ok", "Conflict"}
    election = Election.objects.get(pk=election.pk)
    accepted = sum(1 for kind, _ in outcomes if kind == "ok") - 1
    assert Ballot.objects.count() == accepted
    assert election.encrypted_tally == encrypted_tally(election_record(election))
    connection.close()
