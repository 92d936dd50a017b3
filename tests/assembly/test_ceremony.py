"""The trustees' dealerless key ceremony: services, API, pages, the offline tool and the verifier."""

import copy
import json
import subprocess
import sys

import pytest
from django.urls import reverse
from nacl.public import PrivateKey, PublicKey, SealedBox

from tests.assembly.factories import QUESTIONS, make_assembly
from tests.assembly.test_races import _run
from tests.factories import UserFactory
from tests.helpers import requires_postgres
from urbis.assembly import services
from urbis.assembly.models import Election, Trustee
from urbis.assembly.selectors import ceremony_state, election_record
from urbis.assembly.verifier import ceremony as tool
from urbis.assembly.verifier import group as g
from urbis.assembly.verifier import proofs, verify_record
from urbis.assembly.verifier.ballots import Question, make_ballot, new_code, public_credential
from urbis.assembly.verifier.proofs import prove_knowledge
from urbis.assembly.verifier.threshold import verification_key
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db
QS = [Question.from_json(q) for q in QUESTIONS]


def _setup(n_members=3, trustees=3, threshold=2):
    a = make_assembly(n_members)
    item = services.add_item(meeting=a.meeting, kind="election", title="Board election", quorum_rule="majority",
                             actor=a.staff)
    a.trustees = [UserFactory() for _ in range(trustees)]
    election = services.create_election(item=item, questions=QUESTIONS, trustees=a.trustees, threshold=threshold,
                                        actor=a.staff)
    return a, item, election


def _keys(election):
    eid = str(election.public_id)
    return {t.index: tool.key_file(election_id=eid, index=t.index, keypair=tool.make_box_keypair())
            for t in election.trustees.order_by("index")}


def _round1(election, keys):
    for t in election.trustees.order_by("index"):
        services.submit_trustee_key(election=election, index=t.index, user=t.user,
                                    box_public_key=keys[t.index]["box_public_key"])


def _dealing(election, index, keys):
    return tool.make_dealing(election_id=str(election.public_id), dealer=index, threshold=election.threshold,
                             box_public_keys=[keys[i]["box_public_key"] for i in sorted(keys)])


def _round2(election, keys):
    for t in election.trustees.order_by("index"):
        services.submit_dealing(election=election, index=t.index, user=t.user, dealing=_dealing(election, t.index, keys))


def _round3(election, keys):
    state = ceremony_state(election)
    for t in election.trustees.order_by("index"):
        answer = tool.confirm(key=keys[t.index], ceremony=state)
        services.submit_confirmation(election=election, index=t.index, user=t.user, **answer)


def _snapshot(election):
    election = Election.objects.get(pk=election.pk)
    return ((election.ceremony, election.ceremony_failure, election.public_key, election.commitments),
            list(Trustee.objects.filter(election=election).order_by("index").values_list(
                "user_id", "box_public_key", "dealing", "verification_key", "key_proof", "complaint")),
            AuditEntry.objects.count())


def _ceremony_actions(election):
    return list(AuditEntry.objects.filter(object_id=str(election.pk), action__startswith="assembly.ceremony")
                .order_by("id").values_list("action", "data"))


# ------------------------------------------------------------------------------------ the whole ceremony


def test_whole_ceremony_through_services_and_no_secret_is_ever_stored(monkeypatch):
    a, item, election = _setup()
    drawn = []   # every scalar the trustees' tool draws (polynomial coefficients and proof nonces)
    real = tool.random_scalar
    monkeypatch.setattr(tool, "random_scalar", lambda: drawn.append(real()) or drawn[-1])
    monkeypatch.setattr(proofs, "random_scalar", lambda: drawn.append(real()) or drawn[-1])
    keys = _keys(election)
    assert ceremony_state(election)["status"] == "keys"
    for t in election.trustees.order_by("index"):
        services.submit_trustee_key(election=election, index=t.index, user=t.user,
                                    box_public_key=keys[t.index]["box_public_key"])
        election.refresh_from_db()
        assert (election.ceremony, election.ceremony_progress()) == (
            ("keys", {"done": t.index, "total": 3}) if t.index < 3 else ("dealings", {"done": 0, "total": 3}))
    _round2(election, keys)
    election.refresh_from_db()
    assert (election.ceremony, election.public_key) == ("confirmations", "")
    _round3(election, keys)
    election.refresh_from_db()
    dealings = [t.dealing for t in election.trustees.order_by("index")]
    combined = tool.combined_commitments([[g.point(c) for c in d["commitments"]] for d in dealings])
    assert (election.ceremony, election.public_key, election.commitments) == (
        "ready", combined[0].hex(), [c.hex() for c in combined])
    state = ceremony_state(election)
    shares = {i: tool.secret_share(key=k, ceremony=state) for i, k in keys.items()}
    assert [t.verification_key for t in election.trustees.order_by("index")] == [
        g.base(shares[i]).hex() for i in (1, 2, 3)]
    assert _ceremony_actions(election) == (
        [("assembly.ceremony.key", {"index": i}) for i in (1, 2, 3)]
        + [("assembly.ceremony.dealing", {"index": i}) for i in (1, 2, 3)]
        + [("assembly.ceremony.confirmed", {"index": i}) for i in (1, 2, 3)]
        + [("assembly.ceremony.ready", {"public_key": election.public_key})])
    # nothing the server stored holds a trustee's x_j, any coefficient a_m (a_0 included) or a box secret key
    secrets = [g.scalar_hex(x) for x in shares.values()] + [g.scalar_hex(x) for x in drawn] + [
        k["box_secret_key"] for k in keys.values()]
    assert len(drawn) == 3 * (2 + 1) + 3   # 3 dealers × (k coefficients + 1 nonce) + 3 confirmation nonces
    stored = json.dumps([list(Election.objects.values()), list(Trustee.objects.values()),
                         list(AuditEntry.objects.values())], default=str)
    assert [s for s in secrets if s in stored] == []


def test_whole_ceremony_through_the_api_then_vote_and_tally_without_trustee_2(client):
    a, item, election = _setup()
    eid = str(election.public_id)
    base = f"/api/v1/assembly/elections/{eid}"
    trustees = list(election.trustees.order_by("index"))
    keys = {}
    for t in trustees:
        client.force_login(t.user)
        assert main_keypair(eid, t.index, keys) == 0
        r = client.post(f"{base}/trustees/{t.index}/key", {"box_public_key": keys[t.index]["box_public_key"]},
                        content_type="application/json")
        assert r.status_code == 201
    assert r.json() == {"ceremony": "dealings", "failure": {}, "public_key": ""}
    for t in trustees:
        client.force_login(t.user)
        state = client.get(f"{base}/ceremony").json()
        box = [x["box_public_key"] for x in state["trustees"]]
        r = client.post(f"{base}/trustees/{t.index}/dealing",
                        {"dealing": tool.make_dealing(election_id=eid, dealer=t.index, threshold=2, box_public_keys=box)},
                        content_type="application/json")
        assert r.status_code == 201
    assert r.json()["ceremony"] == "confirmations"
    for t in trustees:
        client.force_login(t.user)
        state = client.get(f"{base}/ceremony").json()
        r = client.post(f"{base}/trustees/{t.index}/confirmation", tool.confirm(key=keys[t.index], ceremony=state),
                        content_type="application/json")
        assert r.status_code == 201
    election.refresh_from_db()
    assert r.json() == {"ceremony": "ready", "failure": {}, "public_key": election.public_key}

    # credentials, vote, close; trustee 1 alone cannot decrypt, 1 and 3 can (trustee 2 absent)
    codes = _publish_and_open(a, item, election)
    votes = [[[1, 0, 1]], [[0, 1, 0]], [[1, 0, 0]]]
    for member, delegate, selections in zip(a.members, a.delegates, votes, strict=True):
        services.cast_ballot(election=election, member=member, user=delegate, ballot=make_ballot(
            election_id=eid, public_key=bytes.fromhex(election.public_key), questions=QS, selections=selections,
            code=codes[member.pk]))
    services.close_item(item=item, actor=a.staff)
    client.force_login(trustees[0].user)
    state = client.get(f"{base}/ceremony").json()
    assert state["election_status"] == "closed"
    r = client.post(f"{base}/decryptions", {"decryption": tool.decrypt(key=keys[1], ceremony=state)},
                    content_type="application/json")
    election.refresh_from_db()
    assert (r.status_code, r.json(), election.result) == (201, {"status": "closed"}, [])
    client.force_login(trustees[2].user)
    r = client.post(f"{base}/decryptions", {"decryption": tool.decrypt(key=keys[3], ceremony=state)},
                    content_type="application/json")
    election.refresh_from_db()
    assert (r.status_code, r.json(), election.result) == (201, {"status": "tallied"}, [[2, 1, 1]])
    report = verify_record(election_record(election))
    assert (report.ok, report.errors, report.result) == (True, [], [[2, 1, 1]])


def main_keypair(eid, index, keys):
    """Round 1 with the offline tool's command line (in process), keeping the key file in `keys`."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "key.json")
        out = os.path.join(d, "public.json")
        code = tool.main(["keypair", "--election", eid, "--index", str(index), "--key-file", path, "--out", out])
        keys[index] = json.load(open(path, encoding="utf-8"))
        assert json.load(open(out, encoding="utf-8")) == {"box_public_key": keys[index]["box_public_key"]}
    return code


def _publish_and_open(a, item, election):
    registrar = UserFactory()
    services.appoint_registrar(user=registrar, actor=a.staff)
    eid = str(election.public_id)
    seats = list(a.meeting.electorate.order_by("member__name"))
    codes = {s.member_id: new_code() for s in seats}
    services.publish_credentials(election=election, actor=registrar,
                                 credentials=[(public_credential(eid, codes[s.member_id]), s.weight) for s in seats])
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    services.open_item(item=item, actor=a.staff)
    election.refresh_from_db()
    return codes


# ------------------------------------------------------------------------------------ complaint and restart


def _bad_dealing_for(election, dealer, victim, keys):
    """A dealing whose share to `victim` is not f(victim) (every other part is right)."""
    good = _dealing(election, dealer, keys)
    wrong = SealedBox(PublicKey(bytes.fromhex(keys[victim]["box_public_key"]))).encrypt(g.scalar_bytes(12345))
    good["shares"][victim - 1] = wrong.hex()
    return good


def test_a_wrong_share_gives_a_complaint_the_ceremony_fails_and_a_restart_succeeds(client):
    a, item, election = _setup()
    keys = _keys(election)
    _round1(election, keys)
    trustees = list(election.trustees.order_by("index"))
    for t in trustees:
        dealing = _bad_dealing_for(election, 3, 2, keys) if t.index == 3 else _dealing(election, t.index, keys)
        services.submit_dealing(election=election, index=t.index, user=t.user, dealing=dealing)   # public checks pass
    state = ceremony_state(election)
    assert [tool.confirm(key=keys[i], ceremony=state).get("complaint") for i in (1, 2, 3)] == [None, [3], None]
    services.submit_confirmation(election=election, index=1, user=trustees[0].user,
                                 **tool.confirm(key=keys[1], ceremony=state))
    services.submit_complaint(election=election, index=2, user=trustees[1].user, dealers=[3])
    election.refresh_from_db()
    assert (election.ceremony, election.ceremony_failure, election.public_key) == (
        "failed", {"trustee": 2, "dealers": [3]}, "")
    before = _snapshot(election)
    with pytest.raises(Conflict) as exc:
        services.submit_confirmation(election=election, index=3, user=trustees[2].user,
                                     **tool.confirm(key=keys[3], ceremony=state))
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)
    # the staff page and the board say what happened
    client.force_login(a.staff)
    page = client.get(reverse("assembly:staff_meeting", args=[a.meeting.slug])).content.decode()
    assert "Key ceremony failed: trustee 2 reported a bad share from trustee 3 — restart it" in page
    # the vote cannot open on a failed ceremony
    codes_ok = _try_open(a, item)
    assert codes_ok == "key_not_ready"
    # staff restart (through the page): every round is cleared
    r = client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "restart_ceremony"]),
                    {"election": election.pk})
    assert r.status_code == 302
    election.refresh_from_db()
    assert (election.ceremony, election.ceremony_failure, election.public_key, election.commitments) == (
        "keys", {}, "", [])
    assert list(election.trustees.order_by("index").values_list(
        "box_public_key", "dealing", "verification_key", "key_proof", "complaint")) == [("", None, "", None, None)] * 3
    assert _ceremony_actions(election)[-2:] == [
        ("assembly.ceremony.complaint", {"index": 2, "dealers": [3]}),
        ("assembly.ceremony.restarted", {"ceremony": "failed", "failure": {"trustee": 2, "dealers": [3]}})]
    keys = _keys(election)
    _round1(election, keys)
    _round2(election, keys)
    _round3(election, keys)
    election.refresh_from_db()
    assert election.ceremony == "ready"
    assert _try_open(a, item) == "opened"


def _try_open(a, item):
    from urbis.assembly.models import AgendaItem

    election = Election.objects.get(item=item)
    if election.credentials_published_at is None:
        registrar = UserFactory()
        services.appoint_registrar(user=registrar, actor=a.staff)
        eid = str(election.public_id)
        services.publish_credentials(election=election, actor=registrar, credentials=[
            (public_credential(eid, new_code()), s.weight) for s in a.meeting.electorate.all()])
    a.meeting.refresh_from_db()
    if a.meeting.status == "draft":
        services.open_meeting(meeting=a.meeting, actor=a.staff)
    for d in a.delegates:
        services.record_heartbeat(meeting=a.meeting, user=d)
    try:
        services.open_item(item=AgendaItem.objects.get(pk=item.pk), actor=a.staff)
    except Conflict as exc:
        assert (AgendaItem.objects.get(pk=item.pk).status, Election.objects.get(pk=election.pk).status) == (
            "pending", "setup")
        return exc.code
    return "opened"


def test_opening_the_vote_before_the_key_is_ready_is_refused_and_then_the_ceremony_is_frozen():
    a, item, election = _setup()
    keys = _keys(election)
    _round1(election, keys)
    _round2(election, keys)
    assert _try_open(a, item) == "key_not_ready"
    _round3(election, keys)
    assert _try_open(a, item) == "opened"
    before = _snapshot(election)
    with pytest.raises(Conflict) as exc:
        services.restart_ceremony(election=election, actor=a.staff)
    assert (exc.value.code, _snapshot(election)) == ("ceremony_closed", before)
    with pytest.raises(Conflict) as exc:
        services.replace_trustee(election=election, index=2, user=UserFactory(), actor=a.staff)
    assert (exc.value.code, _snapshot(election)) == ("ceremony_closed", before)
    with pytest.raises(Conflict) as exc:
        services.submit_trustee_key(election=election, index=1, user=election.trustees.get(index=1).user,
                                    box_public_key=tool.make_box_keypair()["box_public_key"])
    assert (exc.value.code, _snapshot(election)) == ("ceremony_closed", before)


def test_staff_replace_a_trustee_before_the_vote_which_restarts_the_ceremony(client):
    a, item, election = _setup()
    keys = _keys(election)
    _round1(election, keys)
    old = election.trustees.get(index=2).user
    new = UserFactory()
    client.force_login(a.staff)
    r = client.post(reverse("assembly:staff_action", args=[a.meeting.slug, "replace_trustee"]),
                    {"election": election.pk, "index": 2, "email": new.email})
    assert r.status_code == 302
    election.refresh_from_db()
    assert (election.ceremony, list(election.trustees.order_by("index").values_list("user_id", "box_public_key"))) == (
        "keys", [(a.trustees[0].pk, ""), (new.pk, ""), (a.trustees[2].pk, "")])
    assert _ceremony_actions(election)[-1] == (
        "assembly.ceremony.trustee_replaced", {"index": 2, "before": old.pk, "after": new.pk})
    before = _snapshot(election)
    with pytest.raises(PermissionDenied):
        services.submit_trustee_key(election=election, index=2, user=old, box_public_key=keys[2]["box_public_key"])
    with pytest.raises(ValidationFailed) as exc:   # someone who already is a trustee
        services.replace_trustee(election=election, index=2, user=a.trustees[0], actor=a.staff)
    assert exc.value.code == "bad_trustees"
    with pytest.raises(NotFound):
        services.replace_trustee(election=election, index=9, user=UserFactory(), actor=a.staff)
    assert _snapshot(election) == before
    # a non-staff person cannot restart or replace
    client.force_login(a.trustees[0])
    for action in ("restart_ceremony", "replace_trustee"):
        r = client.post(reverse("assembly:staff_action", args=[a.meeting.slug, action]),
                        {"election": election.pk, "index": 1, "email": a.trustees[0].email})
        assert r.status_code == 403
    assert _snapshot(election) == before


# ------------------------------------------------------------------------------------ bad input


def _tampered(election, keys, how):
    d = _dealing(election, 1, keys)
    eid = str(election.public_id)
    if how == "bad_proof":
        d["proof"] = _dealing(election, 1, keys)["proof"]     # a proof for another a_0
    elif how == "proof_for_another_dealer":
        other = tool.make_dealing(election_id=eid, dealer=2, threshold=2, box_public_keys=[
            keys[i]["box_public_key"] for i in (1, 2, 3)])
        d = other                                             # a valid dealing, but bound to dealer 2
    elif how == "too_many_commitments":
        d["commitments"].append(g.base(5).hex())
    elif how == "too_few_commitments":
        d["commitments"] = d["commitments"][:1]
    elif how == "identity_commitment":
        d["commitments"][1] = g.IDENTITY.hex()
    elif how == "small_order_commitment":
        d["commitments"][1] = bytes(32).hex()
    elif how == "not_hex_commitment":
        d["commitments"][1] = "zz" * 32
    elif how == "too_few_shares":
        d["shares"] = d["shares"][:2]
    elif how == "too_many_shares":
        d["shares"].append(d["shares"][0])
    elif how == "short_share":
        d["shares"][0] = d["shares"][0][:-2]
    elif how == "extra_field":
        d["polynomial"] = ["00" * 32]
    elif how == "not_a_dict":
        d = ["nope"]
    elif how == "proof_not_scalars":
        d["proof"] = ["ff" * 32, "00" * 32]
    return d


@pytest.mark.parametrize(("how", "code"), [
    ("bad_proof", "bad_dealing_proof"), ("proof_for_another_dealer", "bad_dealing_proof"),
    ("too_many_commitments", "bad_commitment_count"), ("too_few_commitments", "bad_commitment_count"),
    ("identity_commitment", "bad_commitment"), ("small_order_commitment", "bad_commitment"),
    ("not_hex_commitment", "bad_commitment"), ("too_few_shares", "bad_share_count"),
    ("too_many_shares", "bad_share_count"), ("short_share", "bad_sealed_share"), ("extra_field", "bad_dealing"),
    ("not_a_dict", "validation_failed"), ("proof_not_scalars", "bad_dealing_proof")])
def test_a_tampered_dealing_is_refused_with_its_code_and_nothing_changes(client, how, code):
    a, item, election = _setup()
    keys = _keys(election)
    _round1(election, keys)
    before = _snapshot(election)
    client.force_login(election.trustees.get(index=1).user)
    r = client.post(f"/api/v1/assembly/elections/{election.public_id}/trustees/1/dealing",
                    {"dealing": _tampered(election, keys, how)}, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (422, code, before)


def test_bad_box_keys_and_confirmations_are_refused_and_nothing_changes(client):
    a, item, election = _setup()
    eid = str(election.public_id)
    base = f"/api/v1/assembly/elections/{eid}/trustees"
    t1 = election.trustees.get(index=1).user
    client.force_login(t1)
    before = _snapshot(election)
    for bad in ("", "zz" * 32, "ab" * 31, "00" * 32):
        r = client.post(f"{base}/1/key", {"box_public_key": bad}, content_type="application/json")
        assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (422, "bad_box_key", before)
    keys = _keys(election)
    services.submit_trustee_key(election=election, index=1, user=t1, box_public_key=keys[1]["box_public_key"])
    before = _snapshot(election)
    r = client.post(f"{base}/1/key", {"box_public_key": keys[2]["box_public_key"]}, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (409, "already_submitted", before)
    client.force_login(election.trustees.get(index=2).user)
    r = client.post(f"{base}/2/key", {"box_public_key": keys[1]["box_public_key"]}, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (422, "duplicate_box_key", before)
    for i in (2, 3):
        services.submit_trustee_key(election=election, index=i, user=election.trustees.get(index=i).user,
                                    box_public_key=keys[i]["box_public_key"])
    _round2(election, keys)
    state = ceremony_state(election)
    good = tool.confirm(key=keys[1], ceremony=state)
    other = tool.confirm(key=keys[2], ceremony=state)
    client.force_login(t1)
    before = _snapshot(election)
    x2 = tool.open_shares(key=keys[2], dealings={t["index"]: t["dealing"] for t in state["trustees"]})[0]
    c, s = prove_knowledge(x2, g.base(x2), tool.key_context(eid, 1))   # a valid proof, but of trustee 2's key
    cases = [
        ({"verification_key": good["verification_key"], "proof": other["proof"]}, 422, "bad_key_proof"),
        ({"verification_key": other["verification_key"], "proof": [g.scalar_hex(c), g.scalar_hex(s)]}, 422,
         "verification_key_mismatch"),
        ({"verification_key": "zz", "proof": good["proof"]}, 422, "bad_confirmation"),
        ({"verification_key": good["verification_key"]}, 422, "bad_confirmation"),
        ({"complaint": []}, 422, "bad_complaint"),
        ({"complaint": [0]}, 422, "bad_complaint"),
        ({"complaint": [4]}, 422, "bad_complaint"),
        ({"complaint": ["x"]}, 422, "validation_failed"),
    ]
    for body, status, code in cases:
        r = client.post(f"{base}/1/confirmation", body, content_type="application/json")
        assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (status, code, before), body
    r = client.post(f"{base}/1/confirmation", good, content_type="application/json")
    assert r.status_code == 201


def test_round_order_is_enforced():
    a, item, election = _setup()
    keys = _keys(election)
    t = {x.index: x.user for x in election.trustees.all()}
    services.submit_trustee_key(election=election, index=1, user=t[1], box_public_key=keys[1]["box_public_key"])
    before = _snapshot(election)
    with pytest.raises(Conflict) as exc:   # dealing before every key is in
        services.submit_dealing(election=election, index=1, user=t[1], dealing=_dealing(election, 1, keys))
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)
    with pytest.raises(Conflict) as exc:
        services.submit_confirmation(election=election, index=1, user=t[1], verification_key=g.G.hex(),
                                     proof=["00" * 32, "00" * 32])
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)
    with pytest.raises(Conflict) as exc:
        services.submit_complaint(election=election, index=1, user=t[1], dealers=[2])
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)
    for i in (2, 3):
        services.submit_trustee_key(election=election, index=i, user=t[i], box_public_key=keys[i]["box_public_key"])
    before = _snapshot(election)
    with pytest.raises(Conflict) as exc:   # a key after the keys round
        services.submit_trustee_key(election=election, index=1, user=t[1],
                                    box_public_key=tool.make_box_keypair()["box_public_key"])
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)
    services.submit_dealing(election=election, index=1, user=t[1], dealing=_dealing(election, 1, keys))
    before = _snapshot(election)
    with pytest.raises(Conflict) as exc:   # a second dealing
        services.submit_dealing(election=election, index=1, user=t[1], dealing=_dealing(election, 1, keys))
    assert (exc.value.code, _snapshot(election)) == ("already_submitted", before)
    with pytest.raises(Conflict) as exc:   # a confirmation before every dealing is in
        services.submit_confirmation(election=election, index=1, user=t[1], verification_key=g.G.hex(),
                                     proof=["00" * 32, "00" * 32])
    assert (exc.value.code, _snapshot(election)) == ("wrong_round", before)


def test_api_round_order_answers_409(client):
    a, item, election = _setup()
    keys = _keys(election)
    user = election.trustees.get(index=1).user
    client.force_login(user)
    r = client.post(f"/api/v1/assembly/elections/{election.public_id}/trustees/1/dealing",
                    {"dealing": _dealing(election, 1, keys)}, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "wrong_round")


def test_only_the_trustee_themself_may_post_for_their_index(client):
    a, item, election = _setup()
    keys = _keys(election)
    url = f"/api/v1/assembly/elections/{election.public_id}/trustees/1/key"
    body = {"box_public_key": keys[1]["box_public_key"]}
    before = _snapshot(election)
    r = client.post(url, body, content_type="application/json")                        # anonymous
    assert (r.status_code, _snapshot(election)) == (401, before)
    client.force_login(election.trustees.get(index=2).user)                             # another trustee
    r = client.post(url, body, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (403, "not_this_trustee", before)
    client.force_login(a.staff)                                                         # the operator
    r = client.post(url, body, content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (403, "not_this_trustee", before)
    client.force_login(UserFactory())            # a stranger does not even see the draft meeting's ceremony
    r = client.post(url, body, content_type="application/json")
    assert (r.status_code, _snapshot(election)) == (404, before)
    client.force_login(election.trustees.get(index=1).user)
    r = client.post(f"/api/v1/assembly/elections/{election.public_id}/trustees/9/key", body,
                    content_type="application/json")
    assert (r.status_code, r.json()["error"]["code"], _snapshot(election)) == (404, "no_such_trustee", before)
    r = client.post(url, body, content_type="application/json")                         # the trustee
    assert r.status_code == 201


def test_ceremony_state_is_visible_to_trustees_and_staff_and_to_all_once_the_meeting_is_open(client):
    a, item, election = _setup()
    url = f"/api/v1/assembly/elections/{election.public_id}/ceremony"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(a.staff)
    assert client.get(url).status_code == 200
    client.force_login(election.trustees.get(index=3).user)
    state = client.get(url).json()
    assert (state["status"], [(t["index"], t["box_public_key"], t["dealing"]) for t in state["trustees"]]) == (
        "keys", [(1, "", None), (2, "", None), (3, "", None)])
    services.open_meeting(meeting=a.meeting, actor=a.staff)
    client.logout()
    assert client.get(url).status_code == 200
    # a dealing is published only once every trustee has dealt (no dealer sees the others' first)
    keys = _keys(election)
    _round1(election, keys)
    services.submit_dealing(election=election, index=1, user=a.trustees[0], dealing=_dealing(election, 1, keys))
    state = client.get(url).json()
    record = election_record(election)
    assert ([(t["dealt"], t["dealing"]) for t in state["trustees"]],
            [t["dealing"] for t in record["election"]["trustees"]]) == (
        [(True, None), (False, None), (False, None)], [None, None, None])
    for i in (2, 3):
        services.submit_dealing(election=election, index=i, user=a.trustees[i - 1],
                                dealing=_dealing(election, i, keys))
    stored = [t.dealing for t in election.trustees.order_by("index")]
    assert [t["dealing"] for t in client.get(url).json()["trustees"]] == stored != [None] * 3


def test_trustee_page_allowed_and_denied_and_shows_the_round(client):
    a, item, election = _setup()
    url = reverse("assembly:trustee", args=[election.public_id])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(a.staff)
    assert client.get(url).status_code == 403
    client.force_login(election.trustees.get(index=1).user)
    r = client.get(url)
    page = r.content.decode()
    assert (r.status_code, 'id="make-key"' in page, "Key ceremony: waiting for trustee keys 0/3" in page) == (
        200, True, True)
    keys = _keys(election)
    _round1(election, keys)
    page = client.get(url).content.decode()
    assert ('id="make-key"' in page, 'id="make-dealing"' in page,
            "Key ceremony: waiting for dealings 0/3" in page) == (False, True, True)
    assert client.post(url).status_code == 405
    # the board says where the ceremony stands, to whoever sees the meeting
    client.force_login(a.staff)
    board = client.get(reverse("assembly:board", args=[election.public_id])).content.decode()
    assert "Key ceremony: waiting for dealings 0/3" in board


# ------------------------------------------------------------------------------------ tally and the tool


def test_k_minus_one_cannot_decrypt_k_can_and_a_wrong_key_file_is_refused():
    from tests.assembly.factories import open_election

    a = make_assembly(3)
    item, election, codes, shares = open_election(a)
    eid = str(election.public_id)
    for member, delegate in zip(a.members, a.delegates, strict=True):
        services.cast_ballot(election=election, member=member, user=delegate, ballot=make_ballot(
            election_id=eid, public_key=bytes.fromhex(election.public_key), questions=QS, selections=[[1, 1, 0]],
            code=codes[member.pk]))
    services.close_item(item=item, actor=a.staff)
    election.refresh_from_db()
    state = ceremony_state(election)
    stranger = tool.key_file(election_id=eid, index=1, keypair=tool.make_box_keypair())
    with pytest.raises(tool.CeremonyError) as exc:
        tool.decrypt(key=stranger, ceremony=state)
    assert exc.value.code == "not_your_key_file"
    with pytest.raises(tool.CeremonyError) as exc:
        tool.decrypt(key={**stranger, "election": "another"}, ceremony=state)
    assert exc.value.code == "wrong_key_file"
    t1, t3 = election.trustees.get(index=1), election.trustees.get(index=3)
    from urbis.assembly.verifier.tally import trustee_decryption

    services.submit_decryption(trustee=t1, user=t1.user, decryption=trustee_decryption(
        record=election_record(election), ciphertexts=election.encrypted_tally, index=1,
        share=g.scalar_from_hex(shares[1])))
    election.refresh_from_db()
    assert (election.status, election.result) == ("closed", [])    # k − 1 = 1 trustee: nothing decrypted
    services.submit_decryption(trustee=t3, user=t3.user, decryption=trustee_decryption(
        record=election_record(election), ciphertexts=election.encrypted_tally, index=3,
        share=g.scalar_from_hex(shares[3])))
    election.refresh_from_db()
    assert (election.status, election.result) == ("tallied", [[3, 3, 0]])   # trustee 2 never came


def test_offline_tool_runs_every_round_from_json_files(tmp_path):
    eid, n, k = "e-offline", 3, 2
    keys, publics = {}, {}
    for i in range(1, n + 1):
        assert tool.main(["keypair", "--election", eid, "--index", str(i), "--key-file", str(tmp_path / f"k{i}.json"),
                          "--out", str(tmp_path / f"p{i}.json")]) == 0
        keys[i] = json.loads((tmp_path / f"k{i}.json").read_text())
        publics[i] = json.loads((tmp_path / f"p{i}.json").read_text())["box_public_key"]
    ceremony = {"election": eid, "threshold": k, "questions": [], "trustees": [
        {"index": i, "name": f"T{i}", "box_public_key": publics[i]} for i in range(1, n + 1)]}
    (tmp_path / "c.json").write_text(json.dumps(ceremony))
    for i in range(1, n + 1):
        assert tool.main(["deal", "--key-file", str(tmp_path / f"k{i}.json"), "--ceremony", str(tmp_path / "c.json"),
                          "--out", str(tmp_path / f"d{i}.json")]) == 0
        ceremony["trustees"][i - 1]["dealing"] = json.loads((tmp_path / f"d{i}.json").read_text())["dealing"]
        tool.check_dealing(ceremony["trustees"][i - 1]["dealing"], election_id=eid, dealer=i, threshold=k, trustees=n)
    (tmp_path / "c.json").write_text(json.dumps(ceremony))
    commitments = tool.combined_commitments([[g.point(c) for c in t["dealing"]["commitments"]]
                                             for t in ceremony["trustees"]])
    for i in range(1, n + 1):
        assert tool.main(["confirm", "--key-file", str(tmp_path / f"k{i}.json"), "--ceremony", str(tmp_path / "c.json"),
                          "--out", str(tmp_path / f"v{i}.json")]) == 0
        answer = json.loads((tmp_path / f"v{i}.json").read_text())
        assert tool.check_confirmation(verification_key_hex=answer["verification_key"], proof=answer["proof"],
                                       election_id=eid, index=i, commitments=commitments) == verification_key(
                                           commitments, i)
    # another trustee's key file is refused by confirm
    (tmp_path / "wrong.json").write_text(json.dumps({**keys[1], "index": 2}))
    assert tool.main(["confirm", "--key-file", str(tmp_path / "wrong.json"), "--ceremony", str(tmp_path / "c.json"),
                      "--out", str(tmp_path / "x.json")]) == 2
    out = subprocess.run([sys.executable, "-m", "urbis.assembly.verifier.ceremony", "--help"], capture_output=True,
                         text=True, check=True)
    assert [w in out.stdout for w in ("keypair", "deal", "confirm", "decrypt")] == [True] * 4


def test_a_complaint_from_the_offline_tool(tmp_path):
    eid = "e-complaint"
    keys = {i: tool.key_file(election_id=eid, index=i, keypair=tool.make_box_keypair()) for i in (1, 2)}
    box = [keys[1]["box_public_key"], keys[2]["box_public_key"]]
    d1 = tool.make_dealing(election_id=eid, dealer=1, threshold=1, box_public_keys=box)
    d2 = tool.make_dealing(election_id=eid, dealer=2, threshold=1, box_public_keys=box)
    d2["shares"][0] = SealedBox(PrivateKey(bytes.fromhex(keys[1]["box_secret_key"])).public_key).encrypt(
        g.scalar_bytes(1)).hex()
    ceremony = {"election": eid, "threshold": 1, "trustees": [
        {"index": 1, "box_public_key": box[0], "dealing": d1}, {"index": 2, "box_public_key": box[1], "dealing": d2}]}
    (tmp_path / "c.json").write_text(json.dumps(ceremony))
    (tmp_path / "k.json").write_text(json.dumps(keys[1]))
    assert tool.main(["confirm", "--key-file", str(tmp_path / "k.json"), "--ceremony", str(tmp_path / "c.json"),
                      "--out", str(tmp_path / "v.json")]) == 1
    assert json.loads((tmp_path / "v.json").read_text()) == {"complaint": [2]}


# ------------------------------------------------------------------------------------ the verifier


def _full_record():
    from tests.assembly.factories import open_election
    from urbis.assembly.verifier.tally import trustee_decryption

    a = make_assembly(3)
    item, election, codes, shares = open_election(a)
    eid = str(election.public_id)
    for member, delegate, sel in zip(a.members, a.delegates, ([1, 0, 0], [0, 1, 1], [1, 1, 0]), strict=True):
        services.cast_ballot(election=election, member=member, user=delegate, ballot=make_ballot(
            election_id=eid, public_key=bytes.fromhex(election.public_key), questions=QS, selections=[sel],
            code=codes[member.pk]))
    services.close_item(item=item, actor=a.staff)
    election.refresh_from_db()
    for i in (1, 3):
        t = election.trustees.get(index=i)
        services.submit_decryption(trustee=t, user=t.user, decryption=trustee_decryption(
            record=election_record(election), ciphertexts=election.encrypted_tally, index=i,
            share=g.scalar_from_hex(shares[i])))
    return election_record(Election.objects.get(pk=election.pk))


def test_verifier_accepts_the_full_record_and_catches_any_tampered_dealing():
    record = _full_record()
    report = verify_record(record)
    assert (report.ok, report.errors, report.result) == (True, [], [[2, 2, 1]])
    assert record["format"] == "urbis-election-record/2"
    assert sorted(record["election"]["trustees"][0]) == [
        "box_public_key", "dealing", "index", "key_proof", "name", "verification_key"]

    def errors_after(change):
        r = copy.deepcopy(record)
        change(r["election"])
        return verify_record(r).errors

    other = g.base(7).hex()
    # C_{2,1} is not covered by the proof, but then the sum of the dealings is not the election's commitments
    assert errors_after(lambda e: e["trustees"][1]["dealing"]["commitments"].__setitem__(1, other)) == [
        "the election's commitments are not the sum of the trustees' dealings"]
    assert errors_after(lambda e: e["trustees"][1]["dealing"]["commitments"].__setitem__(0, other)) == [
        "trustee 2's dealing is refused: the proof of knowledge of the dealer's secret does not verify"]
    assert errors_after(lambda e: e["trustees"][0]["dealing"]["proof"].__setitem__(
        1, e["trustees"][2]["dealing"]["proof"][1])) == [
        "trustee 1's dealing is refused: the proof of knowledge of the dealer's secret does not verify"]
    assert errors_after(lambda e: e["trustees"][2]["dealing"]["shares"].pop()) == [
        "trustee 3's dealing is refused: a dealing has one sealed share for each of the 3 trustees"]
    assert errors_after(lambda e: e["trustees"][1].__setitem__("verification_key", other)) == [
        "trustee 2's verification key does not match the commitments",
        "trustee 2's confirmation is refused: the proof of knowledge of the key share does not verify"]
    assert errors_after(lambda e: e["trustees"][1].__setitem__("key_proof", e["trustees"][0]["key_proof"])) == [
        "trustee 2's confirmation is refused: the proof of knowledge of the key share does not verify"]
    assert errors_after(lambda e: e["commitments"].__setitem__(1, other)) == [
        "the election's commitments are not the sum of the trustees' dealings",
        "trustee 1's verification key does not match the commitments",
        "trustee 2's verification key does not match the commitments",
        "trustee 3's verification key does not match the commitments"]
    assert errors_after(lambda e: e.__setitem__("public_key", other))[0] == (
        "the election key does not match the trustees' commitments")
    assert errors_after(lambda e: e["trustees"][0].__setitem__("dealing", None)) == [
        "trustee 1's dealing is refused: a dealing has exactly: commitments, proof, shares"]


# ------------------------------------------------------------------------------------ races (PostgreSQL)


def _ceremony_until_confirmations(trustees=6):

    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="election", title="E", actor=a.staff)
    users = [UserFactory() for _ in range(trustees)]
    election = services.create_election(item=item, questions=QUESTIONS, trustees=users, threshold=3, actor=a.staff)
    eid = str(election.public_id)
    keys = {i: tool.key_file(election_id=eid, index=i, keypair=tool.make_box_keypair()) for i in range(1, trustees + 1)}
    for i, u in enumerate(users, start=1):
        services.submit_trustee_key(election=election, index=i, user=u, box_public_key=keys[i]["box_public_key"])
    box = [keys[i]["box_public_key"] for i in sorted(keys)]
    for i, u in enumerate(users, start=1):
        services.submit_dealing(election=election, index=i, user=u, dealing=tool.make_dealing(
            election_id=eid, dealer=i, threshold=3, box_public_keys=box))
    state = ceremony_state(election)
    answers = {i: tool.confirm(key=keys[i], ceremony=state) for i in keys}
    return election, users, answers


def _confirm_all(election, users, answers, *, lock):
    def worker(i, u):
        return lambda: services.submit_confirmation(election=election, index=i, user=u, lock=lock, **answers[i])
    return _run([worker(i, u) for i, u in enumerate(users, start=1)])


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_make_the_key_exactly_once():
    election, users, answers = _ceremony_until_confirmations()
    outcomes = _confirm_all(election, users, answers, lock=True)
    election.refresh_from_db()
    assert [kind for kind, _ in outcomes] == ["ok"] * 6
    assert (election.ceremony, AuditEntry.objects.filter(action="assembly.ceremony.ready").count()) == ("ready", 1)
    assert election.public_key == election.commitments[0] != ""


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_last_confirmation_misses_the_others():
    election, users, answers = _ceremony_until_confirmations()
    outcomes = _confirm_all(election, users, answers, lock=False)
    election.refresh_from_db()
    assert [kind for kind, _ in outcomes] == ["ok"] * 6
    # every trustee confirmed, but each saw the others still missing: the key was never made
    assert (election.ceremony, election.trustees.exclude(verification_key="").count()) == ("confirmations", 6)


@pytest.mark.parametrize(("language", "button", "status"), [
    ("fr", "Créer ma clé", "Cérémonie des clés : en attente des clés des scrutateurs 0/3"),
    ("es", "Crear mi clave", "Ceremonia de claves: esperando las claves de los custodios 0/3"),
    ("zh-hans", "生成我的密钥", "密钥仪式：等待监票人的密钥 0/3")])
def test_trustee_page_is_translated(client, language, button, status):
    from django.conf import settings as django_settings

    a, item, election = _setup()
    client.force_login(election.trustees.get(index=1).user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("assembly:trustee", args=[election.public_id])).content.decode()
    assert (f">{button}</button>" in page, status in page) == (True, True)
