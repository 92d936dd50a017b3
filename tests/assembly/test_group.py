"""The election's group, ristretto255 through libsodium (rbcl), and parallel ballot checking."""

import copy
import hashlib
import os
import sys

import pytest

from urbis.assembly.verifier import group as g
from urbis.assembly.verifier import parallel
from urbis.assembly.verifier.ballots import (
    Question,
    canonical,
    check_ballot,
    make_ballot,
    new_code,
    public_credential,
    signing_key,
    tracker,
)
from urbis.assembly.verifier.record import verify_record
from urbis.assembly.verifier.tally import finish_tally, new_record

# RFC 9496, appendix A.1: the encodings of 0·B … 15·B.
MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]

# RFC 9496, appendix A.2: encodings that are not group elements.
BAD_ENCODINGS = [
    # non-canonical field encodings
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    # negative field elements
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    # non-square x²
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    # negative xy
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    # s = −1, which gives y = 0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]


def test_generator_multiples_are_the_rfc_9496_encodings():
    assert g.G.hex() == MULTIPLES[1]
    assert [g.base(k).hex() for k in range(16)] == MULTIPLES
    assert [g.mul(k, g.G).hex() for k in range(16)] == MULTIPLES
    running, sums = g.IDENTITY, []
    for _ in range(16):
        sums.append(running.hex())
        running = g.add(running, g.G)
    assert sums == MULTIPLES
    assert [g.point(m).hex() for m in MULTIPLES[1:]] == MULTIPLES[1:]
    assert [g.mul(3, g.point(MULTIPLES[5])).hex(), g.sub(g.point(MULTIPLES[9]), g.point(MULTIPLES[4])).hex()] \
        == [MULTIPLES[15], MULTIPLES[5]]


def test_every_invalid_encoding_of_the_rfc_is_rejected_by_every_operation():
    for bad_hex in BAD_ENCODINGS:
        bad = bytes.fromhex(bad_hex)
        assert g.is_valid_point(bad) is False, bad_hex
        with pytest.raises(g.GroupError):
            g.point(bad_hex)
        with pytest.raises(g.GroupError):
            g.point(bad_hex, allow_identity=True)
        for operation in (lambda p: g.mul(3, p), lambda p: g.add(g.G, p), lambda p: g.add(p, g.G),
                          lambda p: g.sub(p, g.G), lambda p: g.sub(g.G, p)):
            with pytest.raises(g.GroupError):
                operation(bad)


def test_identity_in_and_out():
    p = g.base(g.random_scalar())
    assert g.IDENTITY == bytes(32)
    assert (g.is_valid_point(g.IDENTITY), g.is_valid_point(p)) == (False, True)
    with pytest.raises(g.GroupError):
        g.point(g.IDENTITY.hex())
    assert g.point(g.IDENTITY.hex(), allow_identity=True) == g.IDENTITY
    assert [g.base(0), g.base(g.L), g.mul(0, p), g.mul(g.L, p), g.mul(7, g.IDENTITY), g.sub(p, p),
            g.add(p, g.sub(g.IDENTITY, p))] == [g.IDENTITY] * 7
    assert [g.add(g.IDENTITY, p), g.add(p, g.IDENTITY), g.sub(p, g.IDENTITY), g.mul(1, p), g.mul(g.L + 1, p)] \
        == [p] * 5
    assert g.sub(g.IDENTITY, g.G) == g.mul(g.L - 1, g.G) == g.base(-1)


def test_group_arithmetic_matches_scalar_arithmetic():
    a, b = g.random_scalar(), g.random_scalar()
    assert g.add(g.base(a), g.base(b)) == g.base(a + b)
    assert g.sub(g.base(a), g.base(b)) == g.base(a - b)
    assert g.mul(b, g.base(a)) == g.base(a * b) == g.mul(a, g.base(b))


def test_only_32_byte_strings_reach_libsodium():
    for not_a_point in (bytes(31), bytes(33), g.base(2).hex(), bytearray(g.base(2)), None):
        for operation in (lambda p: g.mul(3, p), lambda p: g.add(g.G, p), lambda p: g.sub(p, g.G)):
            with pytest.raises(g.GroupError):
                operation(not_a_point)
        assert g.is_valid_point(not_a_point) is False


def test_scalars_round_trip_and_non_canonical_ones_are_rejected():
    for s in (0, 1, 2, g.L - 1, g.random_scalar()):
        assert g.scalar_from_hex(g.scalar_hex(s)) == s
    assert g.scalar_hex(g.L + 5) == g.scalar_hex(5) == "05" + "00" * 31
    for bad in ((g.L).to_bytes(32, "little").hex(), "ff" * 32, "00" * 31, "00" * 33, "zz" * 32, 7):
        with pytest.raises(g.GroupError):
            g.scalar_from_hex(bad)


def test_fiat_shamir_hash_is_domain_separated_for_this_group():
    def part(raw: bytes) -> bytes:
        return len(raw).to_bytes(4, "big") + raw

    digest = hashlib.sha512(b"urbis-election-v2" + part(b"range") + part(b"\x01\x02") + part(b"12")).digest()
    assert g.hash_to_scalar("range", b"\x01\x02", 12) == int.from_bytes(digest, "little") % g.L
    assert g.hash_to_scalar("range", b"\x01\x02", 12) != g.hash_to_scalar("range", b"\x01", b"\x0212")


def test_discrete_log_of_small_totals():
    assert [g.discrete_log(g.base(m), 300) for m in (0, 1, 17, 299, 300)] == [0, 1, 17, 299, 300]
    with pytest.raises(g.GroupError):
        g.discrete_log(g.base(301), 300)


def test_rbcl_bundled_library_file_is_not_left_behind():
    assert os.path.exists(sys.modules["rbcl._sodium"].lib_path) is False


# ------------------------------------------------------------------------------- parallel checks

EID = "e-parallel"
QUESTIONS = [{"id": "africa", "title": "Africa", "choices": ["A", "B", "C"], "min": 0, "max": 2},
             {"id": "president", "title": "President", "choices": ["X", "Y"], "min": 1, "max": 1}]
QS = [Question.from_json(q) for q in QUESTIONS]
SELECTIONS = [[[1, 0, 0], [1, 0]], [[0, 1, 1], [0, 1]], [[0, 0, 0], [1, 0]], [[1, 1, 0], [0, 1]]]


@pytest.fixture(scope="module")
def tallied():
    codes = [new_code() for _ in range(8)]
    record, shares = new_record(election_id=EID, title="Board", questions=QUESTIONS, threshold=2,
                                trustees=["T1", "T2", "T3"], credentials=[(public_credential(EID, c), 1) for c in codes])
    pk = bytes.fromhex(record["election"]["public_key"])
    ballots = [make_ballot(election_id=EID, public_key=pk, questions=QS, selections=SELECTIONS[i % 4], code=c)
               for i, c in enumerate(codes)]
    record = {**record, "ballots": sorted(ballots, key=tracker), "voters": len(ballots)}
    return finish_tally(record, {1: shares[1], 3: shares[3]}), codes


def _resign(ballot: dict, code: str) -> dict:
    body = {k: v for k, v in ballot.items() if k != "signature"}
    return {**body, "signature": signing_key(EID, code).sign(canonical(body)).signature.hex()}


def _changed(ballots: list[dict], index: int, codes: list[str], change) -> None:
    """Change ballots[index] with change(ballot) and sign it again with its voter's credential."""
    by_credential = {public_credential(EID, c): c for c in codes}
    ballot = copy.deepcopy(ballots[index])
    change(ballot)
    ballots[index] = _resign(ballot, by_credential[ballot["credential"]])


def _tampered(record: dict, codes: list[str]) -> dict:
    """Four kinds of bad ballot on one board: a bad proof, a malformed proof, a stranger, a duplicate."""
    bad = copy.deepcopy(record)
    _changed(bad["ballots"], 1, codes, lambda b: b["answers"][0]["choices"][0].update(
        proof=b["answers"][0]["choices"][1]["proof"]))
    _changed(bad["ballots"], 3, codes, lambda b: b["answers"][1].update(proof="zz"))
    pk = bytes.fromhex(record["election"]["public_key"])
    bad["ballots"].insert(5, make_ballot(election_id=EID, public_key=pk, questions=QS, selections=SELECTIONS[0],
                                         code=new_code()))
    bad["ballots"].append(copy.deepcopy(bad["ballots"][0]))
    return bad


def _report(record: dict, monkeypatch, workers: str):
    monkeypatch.setenv("URBIS_VERIFIER_WORKERS", workers)
    return verify_record(record)


@pytest.fixture
def spy(monkeypatch):
    """Counts the checks that really ran in worker processes, and lets every record count as large."""
    calls = []
    real = parallel._parallel

    def counted(ballots, args, workers):
        out = real(ballots, args, workers)
        calls.append((len(ballots), workers))
        return out

    monkeypatch.setattr(parallel, "_parallel", counted)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    monkeypatch.setattr(parallel, "available_workers", lambda: int(os.environ.get("URBIS_VERIFIER_WORKERS", "1")))
    return calls


def test_parallel_verification_gives_the_same_report_as_serial(tallied, monkeypatch, spy):
    record, _codes = tallied
    serial = _report(record, monkeypatch, "1")
    assert (serial.ok, serial.errors, serial.ballots, serial.result) == (True, [], 8, [[4, 4, 2], [4, 4]])
    assert spy == []
    assert _report(record, monkeypatch, "2") == serial
    assert _report(record, monkeypatch, "3") == serial
    assert spy == [(8, 2), (8, 3)]


def test_parallel_verification_of_a_tampered_record_gives_the_same_errors_in_the_same_order(tallied, monkeypatch,
                                                                                             spy):
    record, codes = tallied
    bad = _tampered(record, codes)
    serial = _report(bad, monkeypatch, "1")
    t = [tracker(b)[:16] for b in bad["ballots"]]
    assert serial.errors == [
        f"ballot {t[1]}: a proof that a choice is 0 or 1 does not verify",
        f"ballot {t[3]}: a proof has the wrong length",
        f"ballot {t[5]}: the credential is not in the published list",
        f"ballot {t[9]}: a second ballot for the same credential",
        "the ballots are not in tracker order",
        "a ballot appears twice",
        "more ballots than member governments that took part",
        "the encrypted tally is not the product of the ballots",
    ]
    assert _report(bad, monkeypatch, "2") == serial
    assert spy == [(10, 2)]


def test_an_unexpected_error_is_raised_at_its_ballot_s_turn_as_in_serial(tallied, monkeypatch, spy):
    record, codes = tallied
    bad = _tampered(record, codes)
    # len(3): a TypeError that check_ballot does not expect, after three refused ballots
    _changed(bad["ballots"], 6, codes, lambda b: b["answers"][0].update(choices=3))
    serial = _report(bad, monkeypatch, "1")
    t = [tracker(b)[:16] for b in bad["ballots"]]
    assert serial.errors == [
        f"ballot {t[1]}: a proof that a choice is 0 or 1 does not verify",
        f"ballot {t[3]}: a proof has the wrong length",
        f"ballot {t[5]}: the credential is not in the published list",
        "the record is malformed: TypeError(\"object of type 'int' has no len()\")",
    ]
    assert _report(bad, monkeypatch, "2") == serial
    assert spy == [(10, 2)]


def test_threaded_processes_use_a_fork_server_with_the_same_report(tallied, monkeypatch, spy):
    record, _codes = tallied
    serial = _report(record, monkeypatch, "1")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 3)  # as under a threaded web server
    assert parallel._context().get_start_method() == "forkserver"
    assert _report(record, monkeypatch, "2") == serial
    assert spy == [(8, 2)]


def test_no_worker_processes_means_serial_with_the_same_report(tallied, monkeypatch):
    record, codes = tallied
    bad = _tampered(record, codes)
    serial = _report(bad, monkeypatch, "1")

    def refuse(*args, **kwargs):
        raise OSError("no processes")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
    monkeypatch.setattr(parallel, "available_workers", lambda: 2)
    assert verify_record(bad) == serial


def test_outcomes_are_in_order_and_serial_outcomes_are_computed_when_asked(tallied, monkeypatch):
    record, codes = tallied
    bad = _tampered(record, codes)
    pk = bytes.fromhex(record["election"]["public_key"])
    creds = {c["credential"] for c in record["credentials"]}
    kwargs = dict(election_id=EID, public_key=pk, questions=QS, credentials=creds)
    for workers in (1, 2):
        monkeypatch.setattr(parallel, "MIN_PARALLEL", 2)
        outcomes = parallel.check_ballots(bad["ballots"], workers=workers, **kwargs)
        summary = []
        for ballot, outcome in zip(bad["ballots"], outcomes, strict=True):
            try:
                cts, n = outcome.result()
                assert (cts, n) == check_ballot(ballot, **kwargs)
                summary.append(n)
            except parallel.BallotInvalid as exc:
                summary.append(exc.code)
        assert summary == [7, "bad_proof", 7, "malformed", 7, "unknown_credential", 7, 7, 7, 7]
