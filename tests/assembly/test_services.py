"""Services of the assembly: electorate, proxies, quorum, roll calls, secret elections and attacks."""

import copy
import hashlib

import pytest
from nacl.signing import VerifyKey

from tests.assembly.factories import QUESTIONS, make_assembly, make_election
from tests.factories import OrganisationFactory, UserFactory
from urbis.assembly import services
from urbis.assembly.models import (
    Ballot,
    ElectorateMember,
    Participation,
    Proxy,
    RollCallLogEntry,
    RollCallVote,
)
from urbis.assembly.selectors import election_record, meeting_state
from urbis.assembly.verifier import make_ballot, verify_record
from urbis.assembly.verifier.ballots import Question, canonical
from urbis.assembly.verifier.group import scalar_from_hex
from urbis.assembly.verifier.tally import trustee_decryption
from urbis.core.errors import Conflict, PermissionDenied, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db
QS = [Question.from_json(q) for q in QUESTIONS]


def _present(a, *indices):
    for i in indices:
        services.record_heartbeat(meeting=a.meeting, user=a.delegates[i])


def _ballot(election, code, selections):
    return make_ballot(election_id=str(election.public_id), public_key=bytes.fromhex(election.public_key),
                       questions=QS, selections=selections, code=code)


def _snapshot(a):
    return (list(ElectorateMember.objects.values_list("member_id", "weight", "delegate_id").order_by("id")),
            list(Proxy.objects.values_list("grantor_id", "holder_id").order_by("id")),
            list(Ballot.objects.values_list("tracker", flat=True).order_by("tracker")),
            list(Participation.objects.values_list("member_id", flat=True).order_by("member_id")),
            list(RollCallVote.objects.values_list("member_id", "choice").order_by("id")))


def test_editing_the_electorate_after_opening_is_refused_and_audited():
    a = make_assembly(3)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    before = _snapshot(a)
    with pytest.raises(Conflict) as exc:
        services.set_seat(meeting=a.meeting, member=a.members[0], delegate=a.delegates[1], weight=3, actor=a.staff)
    assert exc.value.code == "electorate_frozen"
    with pytest.raises(Conflict):
        services.appoint_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.staff)
    with pytest.raises(Conflict):
        services.build_electorate(meeting=a.meeting, actor=a.staff)
    assert _snapshot(a) == before
    refused = AuditEntry.objects.filter(action="assembly.electorate.edit_refused").order_by("id")
    assert [(e.data["service"], e.actor_id) for e in refused] == [
        ("set_seat", a.staff.pk), ("appoint_proxy", a.staff.pk), ("build_electorate", a.staff.pk)]


def test_build_electorate_seats_only_members_in_good_standing():
    a = make_assembly(2)
    OrganisationFactory(dues_paid=False)
    OrganisationFactory(membership_status="suspended")
    OrganisationFactory(kind="ngo")
    fresh = OrganisationFactory()
    assert services.build_electorate(meeting=a.meeting, actor=a.staff) == 1
    assert set(a.meeting.electorate.values_list("member_id", flat=True)) == {a.members[0].pk, a.members[1].pk,
                                                                               fresh.pk}
    with pytest.raises(ValidationFailed):
        services.set_seat(meeting=a.meeting, member=OrganisationFactory(dues_paid=False), actor=a.staff)


def test_proxy_over_the_cap_is_refused():
    a = make_assembly(4, proxy_cap=1)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[1], holder=a.members[0], actor=a.staff)
    before = _snapshot(a)
    with pytest.raises(Conflict) as exc:
        services.appoint_proxy(meeting=a.meeting, grantor=a.members[2], holder=a.members[0], actor=a.staff)
    assert (exc.value.code, _snapshot(a)) == ("proxy_cap", before)
    with pytest.raises(ValidationFailed) as exc:
        services.appoint_proxy(meeting=a.meeting, grantor=a.members[0], holder=a.members[1], actor=a.staff)
    assert exc.value.code == "proxy_chain"


def test_quorum_follows_presence_and_an_item_cannot_open_without_it():
    a = make_assembly(5)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[2], holder=a.members[0], actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    item = services.add_item(meeting=a.meeting, kind="motion", title="Plan", majority_rule="two_thirds", actor=a.staff)
    _present(a, 0)
    with pytest.raises(Conflict) as exc:
        services.open_item(item=item, actor=a.staff)
    assert exc.value.code == "no_quorum"
    _present(a, 1)
    state = meeting_state(a.meeting)
    assert (state.present, state.representation.by) == (
        {a.members[0].pk, a.members[1].pk}, {a.members[0].pk: a.members[0].pk, a.members[1].pk: a.members[1].pk,
                                             a.members[2].pk: a.members[0].pk})
    assert services.open_item(item=item, actor=a.staff).quorum_at_open == {"have": 3, "needed": 3, "total": 5}


def test_presence_from_on_site_check_in(monkeypatch):
    a = make_assembly(3)
    import urbis.registration.selectors as reg

    monkeypatch.setattr(reg, "checked_in_user_ids", lambda *, edition, on_day=None: {a.delegates[2].pk})
    assert meeting_state(a.meeting).present == {a.members[2].pk}


def test_roll_call_motion_passes_by_name_with_a_signed_hash_chain():
    a = make_assembly(4)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[3], holder=a.members[0], actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    _present(a, 0, 1, 2)
    item = services.add_item(meeting=a.meeting, kind="motion", title="Strategic action plan 2021–2023",
                             majority_rule="two_thirds", actor=a.staff)
    services.open_item(item=item, actor=a.staff)
    for member, user, choice in [(0, 0, "yes"), (1, 1, "yes"), (2, 2, "no"), (3, 0, "yes")]:
        services.cast_roll_call(item=item, member=a.members[member], user=a.delegates[user], choice=choice)
    item = services.close_item(item=item, actor=a.staff)
    assert item.result == {"passed": True, "yes": 3, "no": 1, "abstain": 0, "rule": "two_thirds", "voters": 4,
                           "electorate": 4, "electorate_weight": 4}
    proxy_vote = RollCallVote.objects.get(member=a.members[3])
    assert (proxy_vote.via, proxy_vote.cast_by) == (a.members[0], a.delegates[0])
    key = VerifyKey(services.server_signing_key().verify_key.encode())
    prev = "0" * 64
    for entry in RollCallLogEntry.objects.filter(item=item).order_by("seq"):
        digest = hashlib.sha256(canonical({"seq": entry.seq, "prev": prev, "payload": entry.payload})).hexdigest()
        assert (entry.prev_hash, entry.hash) == (prev, digest)
        key.verify(bytes.fromhex(digest), bytes.fromhex(entry.signature))
        prev = entry.hash
    assert RollCallLogEntry.objects.filter(item=item).count() == 4


def test_roll_call_attacks_change_nothing():
    a = make_assembly(4, proxy_cap=1)
    services.appoint_proxy(meeting=a.meeting, grantor=a.members[3], holder=a.members[2], actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    _present(a, 0, 1)
    item = services.add_item(meeting=a.meeting, kind="motion", title="M", quorum_rule="third", actor=a.staff)
    services.open_item(item=item, actor=a.staff)
    services.cast_roll_call(item=item, member=a.members[0], user=a.delegates[0], choice="yes")
    before = _snapshot(a)
    attempts = [
        (dict(member=a.members[0], user=a.delegates[0], choice="no"), "already_voted"),
        (dict(member=a.members[1], user=UserFactory(), choice="no"), "not_a_delegate"),
        (dict(member=a.members[1], user=a.delegates[0], choice="no"), "not_representing"),
        (dict(member=a.members[3], user=a.delegates[0], choice="no"), "proxy_refused"),   # holder 2 absent
        (dict(member=a.members[1], user=a.delegates[1], choice="maybe"), "bad_choice"),
    ]
    for kwargs, code in attempts:
        with pytest.raises((Conflict, PermissionDenied, ValidationFailed)) as exc:
            services.cast_roll_call(item=item, **kwargs)
        assert exc.value.code == code
    services.close_item(item=item, actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.cast_roll_call(item=item, member=a.members[1], user=a.delegates[1], choice="yes")
    assert exc.value.code == "voting_closed"
    assert _snapshot(a) == before


def _open_election(n=4, **kw):
    a = make_assembly(n, **kw)
    item, election, codes, shares = make_election(a)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    _present(a, *range(n))
    services.open_item(item=item, actor=a.staff)
    election.refresh_from_db()
    return a, item, election, codes, shares


def test_secret_election_end_to_end_with_one_trustee_absent_and_verified_after_every_batch():
    a, item, election, codes, shares = _open_election(4, weights=[1, 1, 2, 1])
    picks = [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]]
    trackers = []
    for i, pick in enumerate(picks):
        trackers.append(services.cast_ballot(election=election, member=a.members[i], user=a.delegates[i],
                                             ballot=_ballot(election, codes[a.members[i].pk], [pick])))
        report = verify_record(election_record(election))
        assert (report.ok, report.errors, report.ballots) == (True, [], i + 1)
    # the board lists the ballots by tracker; each delegate finds theirs
    record = election_record(election)
    assert [b["credential"] for b in record["ballots"]] == [b.credential for b in Ballot.objects.order_by("tracker")]
    assert sorted(trackers) == sorted(Ballot.objects.values_list("tracker", flat=True))
    services.close_item(item=item, actor=a.staff)
    election.refresh_from_db()
    # trustees 1 and 3 decrypt in their own browser (here: with the verifier package); trustee 2 is absent
    for t in election.trustees.filter(index__in=[1, 3]).order_by("index"):
        decryption = trustee_decryption(record=election_record(election), ciphertexts=election.encrypted_tally,
                                        index=t.index, share=scalar_from_hex(shares[t.index]))
        services.submit_decryption(trustee=t, user=t.user, decryption=decryption)
    election.refresh_from_db()
    item.refresh_from_db()
    weighted = [1 + 2, 1 + 2, 1]
    assert (election.status, election.result) == ("tallied", [weighted])
    assert item.result["elected"] == [{"elected": [0, 1], "tied": []}]
    report = verify_record(election_record(election))
    assert (report.ok, report.errors, report.result) == (True, [], [weighted])
    from urbis.assembly.documents import minutes_pdf
    assert minutes_pdf(a.meeting)[:5] == b"%PDF-"


def test_secret_ballots_leave_no_link_to_members_in_audit_or_tables():
    a, item, election, codes, _shares = _open_election(3)
    ballot = _ballot(election, codes[a.members[0].pk], [[1, 0, 0]])
    services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0], ballot=ballot)
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "election", "credential", "tracker", "body"}
    texts = [str(e.data) + e.object_repr for e in AuditEntry.objects.all()]
    assert [t for t in texts if ballot["credential"] in t or ballot["signature"] in t] == []


def test_revote_replaces_the_earlier_ballot():
    a, item, election, codes, _shares = _open_election(3)
    code = codes[a.members[0].pk]
    first = services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0],
                                 ballot=_ballot(election, code, [[1, 0, 0]]))
    second = services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0],
                                  ballot=_ballot(election, code, [[0, 1, 0]]))
    assert list(Ballot.objects.values_list("tracker", flat=True)) == [second]
    assert first != second
    assert Participation.objects.count() == 1


def test_ballot_attacks_change_nothing():
    a, item, election, codes, _shares = _open_election(4)
    mine = codes[a.members[0].pk]
    good = _ballot(election, mine, [[1, 0, 0]])
    services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0], ballot=good)
    before = _snapshot(a)
    stranger = UserFactory()
    tampered = copy.deepcopy(good)
    tampered["answers"][0]["choices"][0]["proof"][0][0] = tampered["answers"][0]["choices"][0]["proof"][1][0]
    from urbis.assembly.verifier.ballots import signing_key
    body = {k: v for k, v in tampered.items() if k != "signature"}
    tampered["signature"] = signing_key(str(election.public_id), mine).sign(canonical(body)).signature.hex()
    copied = copy.deepcopy(good)
    other = codes[a.members[1].pk]
    copied["credential"] = signing_key(str(election.public_id), other).verify_key.encode().hex()
    copied["signature"] = signing_key(str(election.public_id), other).sign(
        canonical({k: v for k, v in copied.items() if k != "signature"})).signature.hex()
    from urbis.assembly.verifier.ballots import new_code
    attempts = [
        (dict(member=a.members[0], user=a.delegates[0], ballot=good), "replayed_ballot"),
        (dict(member=a.members[1], user=stranger, ballot=good), "not_a_delegate"),
        (dict(member=a.members[1], user=a.delegates[0], ballot=good), "not_representing"),
        (dict(member=a.members[0], user=a.delegates[0], ballot=tampered), "bad_proof"),
        (dict(member=a.members[1], user=a.delegates[1], ballot=copied), "bad_proof"),
        (dict(member=a.members[1], user=a.delegates[1], ballot=_ballot(election, new_code(), [[1, 0, 0]])),
         "unknown_credential"),
        (dict(member=a.members[1], user=a.delegates[1], ballot={"nonsense": True}), "malformed"),
    ]
    for kwargs, code in attempts:
        with pytest.raises((Conflict, PermissionDenied, ValidationFailed)) as exc:
            services.cast_ballot(election=election, **kwargs)
        assert exc.value.code == code
    services.close_item(item=item, actor=a.staff)
    with pytest.raises(Conflict) as exc:
        services.cast_ballot(election=election, member=a.members[1], user=a.delegates[1],
                             ballot=_ballot(election, codes[a.members[1].pk], [[0, 1, 0]]))
    assert exc.value.code == "voting_closed"
    assert _snapshot(a) == before


def test_k_minus_one_trustees_cannot_tally_and_a_wrong_share_is_refused():
    a, item, election, codes, shares = _open_election(3)
    services.cast_ballot(election=election, member=a.members[0], user=a.delegates[0],
                         ballot=_ballot(election, codes[a.members[0].pk], [[1, 0, 0]]))
    services.close_item(item=item, actor=a.staff)
    election.refresh_from_db()
    t1, t2 = election.trustees.order_by("index")[:2]
    record = election_record(election)
    wrong = trustee_decryption(record=record, ciphertexts=election.encrypted_tally, index=2,
                               share=scalar_from_hex(shares[1]))
    with pytest.raises(ValidationFailed) as exc:
        services.submit_decryption(trustee=t2, user=t2.user, decryption=wrong)
    assert exc.value.code == "bad_decryption"
    with pytest.raises(PermissionDenied):
        services.submit_decryption(trustee=t2, user=t1.user, decryption=wrong)
    services.submit_decryption(trustee=t1, user=t1.user, decryption=trustee_decryption(
        record=record, ciphertexts=election.encrypted_tally, index=1, share=scalar_from_hex(shares[1])))
    election.refresh_from_db()
    assert (election.status, election.result) == ("closed", [])


def test_election_set_up_has_no_key_and_credentials_need_a_registrar():
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="election", title="E", actor=a.staff)
    trustees = [UserFactory(), UserFactory()]
    election = services.create_election(item=item, questions=QUESTIONS, trustees=trustees, threshold=2, actor=a.staff)
    election.refresh_from_db()
    assert (election.ceremony, election.public_key, election.commitments) == ("keys", "", [])
    assert list(election.trustees.values_list("index", "user_id", "box_public_key", "dealing", "verification_key")) == [
        (1, trustees[0].pk, "", None, ""), (2, trustees[1].pk, "", None, "")]
    from urbis.assembly.verifier.ballots import new_code, public_credential
    creds = [(public_credential(str(election.public_id), new_code()), 1) for _ in range(2)]
    with pytest.raises(PermissionDenied):
        services.publish_credentials(election=election, credentials=creds, actor=a.staff)   # the operator
    registrar = UserFactory()
    services.appoint_registrar(user=registrar, actor=a.staff)
    with pytest.raises(ValidationFailed):
        services.publish_credentials(election=election, credentials=creds[:1], actor=registrar)
    assert services.publish_credentials(election=election, credentials=creds, actor=registrar) == 2


def test_online_presence_expires_after_the_window():
    import datetime as dt

    from django.utils import timezone

    a = make_assembly(2)
    now = timezone.now()
    services.record_heartbeat(meeting=a.meeting, user=a.delegates[0], at=now - dt.timedelta(seconds=89))
    services.record_heartbeat(meeting=a.meeting, user=a.delegates[1], at=now - dt.timedelta(seconds=91))
    assert meeting_state(a.meeting, now=now).present == {a.members[0].pk}


def test_substitute_votes_when_designated_and_the_delegate_cannot_twice():
    a = make_assembly(2)
    substitute = UserFactory()
    services.set_seat(meeting=a.meeting, member=a.members[1], delegate=a.delegates[1], substitute=substitute,
                      actor=a.staff)
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    services.record_heartbeat(meeting=a.meeting, user=substitute)
    services.record_heartbeat(meeting=a.meeting, user=a.delegates[0])
    item = services.add_item(meeting=a.meeting, kind="motion", title="M", actor=a.staff)
    services.open_item(item=item, actor=a.staff)
    services.cast_roll_call(item=item, member=a.members[1], user=substitute, choice="abstain")
    with pytest.raises(Conflict):
        services.cast_roll_call(item=item, member=a.members[1], user=a.delegates[1], choice="yes")
    assert list(RollCallVote.objects.values_list("member_id", "cast_by_id", "choice")) == [
        (a.members[1].pk, substitute.pk, "abstain")]


def _full_rule(meeting, member, user):
    """The reference answer: representation over the whole meeting (as the live quorum panel computes it)."""
    state = meeting_state(meeting, also_present_user=user)
    via = state.representation.by.get(member.pk)
    if via is None:
        return "proxy_refused" if member.pk in state.representation.refused else "not_representing"
    seat = state.seat_of[via]
    return via if user.pk in (seat.delegate_id, seat.substitute_id) else "not_representing"


@pytest.mark.parametrize("seed", range(4))
def test_can_cast_for_agrees_with_the_whole_meeting_representation(seed):
    import random

    rng = random.Random(seed)
    a = make_assembly(7, proxy_cap=rng.choice([1, 2]), slug=f"eq{seed}")
    members = a.members
    for grantor in rng.sample(members, 4):
        holder = rng.choice([m for m in members if m != grantor])
        try:
            services.appoint_proxy(meeting=a.meeting, grantor=grantor, holder=holder, actor=a.staff)
        except (Conflict, ValidationFailed):
            pass
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for i in rng.sample(range(7), 3):
        services.record_heartbeat(meeting=a.meeting, user=a.delegates[i])
    for member in members:
        for user in a.delegates:
            try:
                got = services._can_cast_for(meeting=a.meeting, member=member, user=user).pk
            except PermissionDenied as exc:
                got = exc.code
            assert got == _full_rule(a.meeting, member, user), (member, user)
