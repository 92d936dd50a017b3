"""The standalone verifier: group, proofs, threshold key, ballots, records, diffs."""

import copy
import subprocess
import sys

import pytest

from urbis.assembly.verifier import group as g
from urbis.assembly.verifier import proofs as p
from urbis.assembly.verifier import threshold as t
from urbis.assembly.verifier.ballots import (
    BallotInvalid,
    Question,
    check_ballot,
    make_ballot,
    new_code,
    public_credential,
    tracker,
)
from urbis.assembly.verifier.record import verify_diff, verify_record
from urbis.assembly.verifier.tally import finish_tally, new_record

EID = "e-2021-board"
QUESTIONS = [{"id": "africa", "title": "Africa", "choices": ["A", "B", "C"], "min": 0, "max": 2},
             {"id": "president", "title": "President", "choices": ["X", "Y"], "min": 1, "max": 1}]
QS = [Question.from_json(q) for q in QUESTIONS]


def _election(n_voters=3, weights=None, threshold=2, trustees=3):
    codes = [new_code() for _ in range(n_voters)]
    weights = weights or [1] * n_voters
    record, shares = new_record(election_id=EID, title="Board", questions=QUESTIONS, threshold=threshold,
                                trustees=[f"T{i}" for i in range(trustees)],
                                credentials=[(public_credential(EID, c), w) for c, w in zip(codes, weights, strict=True)])
    return record, shares, codes


def _cast(record, code, selections):
    ballot = make_ballot(election_id=EID, public_key=bytes.fromhex(record["election"]["public_key"]),
                         questions=QS, selections=selections, code=code)
    record["ballots"] = sorted([b for b in record["ballots"] if b["credential"] != ballot["credential"]]
                               + [ballot], key=tracker)
    record["voters"] = len(record["ballots"])
    return ballot


def test_importing_the_verifier_does_not_import_django():
    code = "import sys, urbis.assembly.verifier; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_group_rejects_the_identity_invalid_encodings_and_garbage():
    assert g.point(g.G.hex()) == g.G
    with pytest.raises(g.GroupError):
        g.point(g.IDENTITY.hex())
    assert g.point(g.IDENTITY.hex(), allow_identity=True) == g.IDENTITY
    for invalid in ("ec" + "ff" * 30 + "7f",    # RFC 9496: s = −1 is no element
                    "ed" + "ff" * 30 + "7f",    # a non-canonical field element
                    "01" + "00" * 31):          # a negative one
        with pytest.raises(g.GroupError):
            g.point(invalid)
    with pytest.raises(g.GroupError):
        g.point("zz" * 32)
    # (more encodings, and the browser's libsodium agreeing, in test_group.py)


def test_scalar_arithmetic_matches_group_arithmetic():
    a, b = g.random_scalar(), g.random_scalar()
    assert g.add(g.base(a), g.base(b)) == g.base(a + b)
    assert g.mul(b, g.base(a)) == g.base(a * b)
    assert g.sub(g.base(a), g.base(a)) == g.IDENTITY
    assert g.mul(g.L, g.G) == g.IDENTITY


def test_discrete_log_finds_small_totals_and_refuses_out_of_range():
    assert [g.discrete_log(g.base(m), 1000) for m in (0, 1, 31, 999, 1000)] == [0, 1, 31, 999, 1000]
    with pytest.raises(g.GroupError):
        g.discrete_log(g.base(1001), 1000)


def test_range_proof_accepts_true_values_and_rejects_false_ones():
    x = g.random_scalar()
    h = g.base(x)
    ctx = ("choice", EID, "q", 0, "cred")
    for m in (0, 1):
        ct, r = p.encrypt(m, h)
        proof = p.prove_range(ct, r, m, 0, 1, h, ctx)
        assert p.verify_range(ct, proof, 0, 1, h, ctx) is True
        assert p.verify_range(ct, proof, 0, 1, h, ("choice", EID, "q", 0, "other")) is False
    ct, r = p.encrypt(2, h)
    with pytest.raises(ValueError):
        p.prove_range(ct, r, 2, 0, 1, h, ctx)
    # a cheating prover who claims 2 is in {0,1} by using m=1's branch fails
    forged = p.prove_range(p.encrypt(1, h, r)[0], r, 1, 0, 1, h, ctx)
    assert p.verify_range(ct, forged, 0, 1, h, ctx) is False


def test_threshold_k_trustees_decrypt_and_k_minus_one_cannot():
    dealing = t.combine_dealings([t.deal(threshold=2, trustees=3) for _ in range(3)])
    for i, share in dealing.shares.items():
        assert t.share_is_valid(dealing.commitments, i, share) is True
    assert t.share_is_valid(dealing.commitments, 1, dealing.shares[2]) is False
    ct, _r = p.encrypt(7, dealing.public_key)
    for pair in ((1, 2), (1, 3), (2, 3)):
        partials = {i: g.mul(dealing.shares[i], ct.alpha) for i in pair}
        assert g.discrete_log(t.decrypt_with(ct.beta, t.combine_partials(partials, 2)), 100) == 7
    only_one = {1: g.mul(dealing.shares[1], ct.alpha)}
    with pytest.raises(ValueError):
        t.combine_partials(only_one, 2)
    # interpolating one share as if it were the secret gives garbage, not the total
    wrong = t.decrypt_with(ct.beta, t.combine_partials(only_one, 1))
    with pytest.raises(g.GroupError):
        g.discrete_log(wrong, 100)


def test_record_with_ballots_verifies_and_gives_the_right_result():
    record, shares, codes = _election(n_voters=4, weights=[1, 1, 2, 1])
    _cast(record, codes[0], [[1, 0, 1], [1, 0]])
    _cast(record, codes[1], [[0, 0, 0], [0, 1]])
    _cast(record, codes[2], [[1, 1, 0], [1, 0]])   # weight 2
    report = verify_record(record)
    assert (report.ok, report.errors, report.ballots, report.proofs) == (True, [], 3, 3 * (3 + 1 + 2 + 1))
    tallied = finish_tally(record, {1: shares[1], 3: shares[3]})   # trustee 2 absent
    report = verify_record(tallied)
    assert (report.ok, report.errors, report.result) == (True, [], [[3, 2, 1], [3, 1]])


def test_revote_replaces_and_counts_once():
    record, shares, codes = _election(n_voters=2)
    _cast(record, codes[0], [[1, 0, 0], [1, 0]])
    _cast(record, codes[0], [[0, 1, 0], [0, 1]])
    tallied = finish_tally(record, {1: shares[1], 2: shares[2]})
    assert verify_record(tallied).result == [[0, 1, 0], [0, 1]]


def test_check_ballot_refuses_every_kind_of_bad_ballot():
    record, _shares, codes = _election(n_voters=2)
    pk = bytes.fromhex(record["election"]["public_key"])
    creds = {c["credential"] for c in record["credentials"]}
    good = make_ballot(election_id=EID, public_key=pk, questions=QS, selections=[[1, 0, 0], [1, 0]], code=codes[0])
    assert check_ballot(good, election_id=EID, public_key=pk, questions=QS, credentials=creds)[1] == 7

    def refused(ballot, **kw):
        with pytest.raises(BallotInvalid) as exc:
            check_ballot(ballot, election_id=kw.get("eid", EID), public_key=pk, questions=QS, credentials=creds)
        return exc.value.code

    assert refused(good, eid="another") == "wrong_election"
    stranger = make_ballot(election_id=EID, public_key=pk, questions=QS, selections=[[1, 0, 0], [1, 0]],
                           code=new_code())
    assert refused(stranger) == "unknown_credential"
    # copied from another voter: same ciphertexts and proofs, re-signed with my own credential
    from urbis.assembly.verifier.ballots import canonical, signing_key
    copied = {k: v for k, v in copy.deepcopy(good).items() if k != "signature"}
    copied["credential"] = public_credential(EID, codes[1])
    copied["signature"] = signing_key(EID, codes[1]).sign(canonical(copied)).signature.hex()
    assert refused(copied) == "bad_proof"
    tampered = copy.deepcopy(good)
    tampered["answers"][0]["choices"][0]["beta"] = tampered["answers"][0]["choices"][1]["beta"]
    assert refused(tampered) == "bad_signature"
    # too many choices (3 > max 2) cannot be proved
    with pytest.raises(ValueError):
        make_ballot(election_id=EID, public_key=pk, questions=QS, selections=[[1, 1, 1], [1, 0]], code=codes[0])
    malformed = copy.deepcopy(good)
    malformed["extra"] = 1
    assert refused(malformed) == "malformed"


def test_verifier_catches_a_tampered_board():
    record, shares, codes = _election(n_voters=3)
    for code, sel in zip(codes, ([[1, 0, 0], [1, 0]], [[0, 1, 0], [1, 0]], [[0, 0, 1], [0, 1]]), strict=True):
        _cast(record, code, sel)
    tallied = finish_tally(record, {2: shares[2], 3: shares[3]})
    assert verify_record(tallied).ok is True

    dropped = copy.deepcopy(tallied)
    dropped["ballots"].pop()
    assert verify_record(dropped).errors == ["the encrypted tally is not the product of the ballots"]

    stuffed = copy.deepcopy(tallied)
    stuffed["ballots"].append(copy.deepcopy(stuffed["ballots"][0]))
    assert verify_record(stuffed).ok is False

    wrong_result = copy.deepcopy(tallied)
    wrong_result["tally"]["result"] = [[2, 1, 0], [2, 1]]
    assert verify_record(wrong_result).ok is False

    swapped_cred = copy.deepcopy(tallied)
    swapped_cred["credentials"][0]["credential"] = public_credential(EID, new_code())
    swapped_cred["credentials"].sort(key=lambda c: c["credential"])
    assert verify_record(swapped_cred).ok is False

    bad_decryption = copy.deepcopy(tallied)
    bad_decryption["tally"]["decryptions"][0]["factors"][0][0]["d"] = g.G.hex()
    assert verify_record(bad_decryption).ok is False

    one_trustee = copy.deepcopy(tallied)
    one_trustee["tally"]["decryptions"] = one_trustee["tally"]["decryptions"][:1]
    assert verify_record(one_trustee).errors == ["fewer than 2 valid decryptions for africa/0"]

    assert verify_record({"format": "nope"}).ok is False
    assert verify_record({"format": "urbis-election-record/2"}).ok is False
    assert verify_record({**tallied, "format": "urbis-election-record/1"}).errors == ["unknown record format"]


def test_verify_diff_accepts_appends_and_revotes_while_open_and_nothing_after_close():
    record, shares, codes = _election(n_voters=3)
    _cast(record, codes[0], [[1, 0, 0], [1, 0]])
    first = copy.deepcopy(record)
    _cast(record, codes[1], [[0, 1, 0], [1, 0]])
    _cast(record, codes[0], [[0, 0, 1], [0, 1]])   # re-vote while open
    assert verify_diff(first, record).errors == []
    removed = copy.deepcopy(record)
    removed["ballots"] = [b for b in removed["ballots"] if b["credential"] != first["ballots"][0]["credential"]]
    assert verify_diff(first, removed).ok is False
    closed = {**copy.deepcopy(record), "status": "closed"}
    later = copy.deepcopy(closed)
    _cast(later, codes[2], [[0, 0, 0], [1, 0]])
    assert verify_diff(closed, later).errors == ["ballots were added after the vote closed"]
    tallied = finish_tally(closed, {1: shares[1], 2: shares[2]})
    assert verify_diff(closed, tallied).errors == []
    assert verify_diff(tallied, closed).ok is False


def test_ballot_with_points_that_are_not_group_elements_is_refused():
    record, _shares, codes = _election(n_voters=1)
    pk = bytes.fromhex(record["election"]["public_key"])
    from urbis.assembly.verifier.ballots import canonical, signing_key
    s_minus_one = "ec" + "ff" * 30 + "7f"  # RFC 9496: not the encoding of any element
    non_canonical = "ed" + "ff" * 30 + "7f"  # s = p: a second spelling of s = 0, the identity
    for field, value in (("alpha", s_minus_one), ("beta", s_minus_one), ("beta", non_canonical),
                         ("alpha", "zz" * 32), ("beta", g.IDENTITY.hex()), ("alpha", g.IDENTITY.hex())):
        ballot = make_ballot(election_id=EID, public_key=pk, questions=QS, selections=[[1, 0, 0], [1, 0]],
                             code=codes[0])
        choice = ballot["answers"][0]["choices"][0]
        choice[field] = value
        body = {k: v for k, v in ballot.items() if k != "signature"}
        ballot["signature"] = signing_key(EID, codes[0]).sign(canonical(body)).signature.hex()
        with pytest.raises(BallotInvalid) as exc:
            check_ballot(ballot, election_id=EID, public_key=pk, questions=QS)
        assert (field, exc.value.code) == (field, "malformed")


@pytest.mark.parametrize("mutate", [
    lambda b: b.update(answers="x"),
    lambda b: b.update(answers=[["not", "a", "dict"], {}]),
    lambda b: b["answers"][0].update(choices={"a": 1, "b": 2, "c": 3}),
    lambda b: b["answers"][0]["choices"][0].update(proof=[[1, 2], [3, 4]]),
    lambda b: b["answers"][0]["choices"][0].update(proof="zz"),
    lambda b: b["answers"][0]["choices"][0].update(alpha=None),
    lambda b: b["answers"][0].update(proof=[["00" * 32, "ff" * 32]] * 3),
    lambda b: b.update(signature=7),
    lambda b: b.update(credential="zz" * 32),
    lambda b: b.update(credential=None),
])
def test_malformed_ballots_are_refused_with_a_code_never_an_exception(mutate):
    record, _shares, codes = _election(n_voters=1)
    pk = bytes.fromhex(record["election"]["public_key"])
    ballot = make_ballot(election_id=EID, public_key=pk, questions=QS, selections=[[1, 0, 0], [1, 0]], code=codes[0])
    credential = ballot["credential"]
    mutate(ballot)
    if ballot["credential"] == credential and isinstance(ballot["signature"], str):
        # re-signed: the parser is what is tested
        from urbis.assembly.verifier.ballots import canonical, signing_key
        body = {k: v for k, v in ballot.items() if k != "signature"}
        ballot["signature"] = signing_key(EID, codes[0]).sign(canonical(body)).signature.hex()
    with pytest.raises(BallotInvalid) as exc:
        check_ballot(ballot, election_id=EID, public_key=pk, questions=QS)
    assert exc.value.code in ("malformed", "bad_signature", "bad_proof")
