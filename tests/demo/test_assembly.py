"""The demo's completed General Assembly: seats, proxies, the adopted plan, a verified Board election."""

import pytest

from urbis.assembly.models import Ballot, Election, Meeting, Participation, Proxy, RollCallVote
from urbis.assembly.selectors import election_record
from urbis.assembly.verifier import verify_record

pytestmark = pytest.mark.django_db


def test_demo_general_assembly_is_completed_and_verifiable(demo):
    meeting = Meeting.objects.get(slug="general-assembly-2021")
    seats = meeting.electorate.count()
    assert (meeting.status, meeting.edition, 120 <= seats <= 160) == ("closed", demo.data["edition"], True)
    assert meeting.opened_at.date().isoformat() == "2021-11-10"
    proxies = Proxy.objects.filter(meeting=meeting).count()
    assert proxies == (seats // 8) // 2
    motion, item = meeting.items.order_by("position")
    voters = RollCallVote.objects.filter(item=motion).count()
    assert (motion.status, motion.result["passed"], motion.result["rule"], voters) == (
        "done", True, "two_thirds", seats - seats // 8 + proxies)
    election = Election.objects.get(item=item)
    assert (election.status, Ballot.objects.filter(election=election).count(),
            Participation.objects.filter(election=election).count()) == ("tallied", voters, voters)
    report = verify_record(election_record(election))
    assert (report.ok, report.errors, report.ballots, report.result) == (True, [], voters, election.result)
    assert sorted(t.decryption is not None for t in election.trustees.all()) == [False, True, True]
    # the key came from the trustees' own ceremony (the offline tool), not from the server
    assert (election.ceremony, [(bool(t.box_public_key), len(t.dealing["shares"]), bool(t.key_proof))
                                for t in election.trustees.order_by("index")]) == ("ready", [(True, 3, True)] * 3)
