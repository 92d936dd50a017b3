"""The published record of a secret election, and the checks anyone can run on it.

Record (JSON, `format: "urbis-election-record/2"`):
    election:    id, title, questions [{id, title, choices [names], min, max}], public_key,
                 threshold, commitments [hex] (Feldman, Σ of the trustees' dealings),
                 trustees [{index, name, box_public_key, dealing {commitments, proof, shares},
                            verification_key, key_proof}] — the dealerless key ceremony's public part
    credentials: [{credential, weight}] sorted — published before the vote opens
    status:      "open" | "closed" | "tallied"
    voters:      number of member governments that took part (who, not what)
    participants: their names, sorted (never in the order they voted)
    ballots:     [ballot …] sorted by tracker
    tally:       {ciphertexts [[{alpha, beta}]], decryptions [{trustee, factors [[{d, proof}]]}], result [[int]]}

`verify_record` re-checks everything; `verify_diff` checks that a later snapshot of the board only
extends an earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ballots import BallotInvalid, Question, tracker
from .ceremony import CeremonyError, check_confirmation, check_dealing, combined_commitments
from .group import GroupError, discrete_log, point, scalar_from_hex
from .proofs import ZERO, Ciphertext, verify_partial
from .threshold import combine_partials, decrypt_with, verification_key

FORMAT = "urbis-election-record/2"


@dataclass
class Report:
    ok: bool = True
    errors: list[str] = field(default_factory=list)
    ballots: int = 0
    proofs: int = 0
    result: list[list[int]] | None = None

    def fail(self, message: str) -> None:
        self.ok = False
        self.errors.append(message)


def decryption_context(election_id: str, question_id: str, choice: int, trustee: int) -> tuple:
    return ("tally", election_id, question_id, choice, trustee)


def questions_of(record: dict) -> list[Question]:
    return [Question.from_json(q) for q in record["election"]["questions"]]


def homomorphic_tally(ballots: list[list[list[Ciphertext]]], weights: list[int],
                      questions: list[Question]) -> list[list[Ciphertext]]:
    totals = [[ZERO] * q.choices for q in questions]
    for cts, w in zip(ballots, weights, strict=True):
        for qi, row in enumerate(cts):
            for j, ct in enumerate(row):
                totals[qi][j] = totals[qi][j] + (ct if w == 1 else ct.scaled(w))
    return totals


def verify_record(record: dict) -> Report:
    report = Report()
    try:
        _verify(record, report)
    except (KeyError, TypeError, ValueError, GroupError) as exc:
        report.fail(f"the record is malformed: {exc!r}")
    return report


def _verify(record: dict, report: Report) -> None:
    if record.get("format") != FORMAT:
        report.fail("unknown record format")
        return
    election = record["election"]
    eid = str(election["id"])
    questions = questions_of(record)
    public_key = point(election["public_key"])
    commitments = [point(c) for c in election["commitments"]]
    threshold = int(election["threshold"])
    if len(commitments) != threshold or commitments[0] != public_key:
        report.fail("the election key does not match the trustees' commitments")
    trustee_keys = _verify_ceremony(election, commitments, threshold, report)

    weights: dict[str, int] = {}
    credential_list = [c["credential"] for c in record["credentials"]]
    if credential_list != sorted(credential_list):
        report.fail("the credential list is not sorted")
    for c in record["credentials"]:
        if c["credential"] in weights:
            report.fail("a credential is listed twice")
        point_ok = len(c["credential"]) == 64
        if not point_ok or int(c["weight"]) < 1:
            report.fail("a credential entry is malformed")
        weights[c["credential"]] = int(c["weight"])

    seen: set[str] = set()
    trackers = []
    decoded, ballot_weights = [], []
    from .parallel import check_ballots  # on every core; the same outcomes, in order, as one by one

    outcomes = check_ballots(record["ballots"], election_id=eid, public_key=public_key, questions=questions,
                             credentials=set(weights))
    for ballot, outcome in zip(record["ballots"], outcomes, strict=True):
        t = tracker(ballot)
        trackers.append(t)
        try:
            cts, n = outcome.result()
        except BallotInvalid as exc:
            report.fail(f"ballot {t[:16]}: {exc}")
            continue
        report.proofs += n
        if ballot["credential"] in seen:
            report.fail(f"ballot {t[:16]}: a second ballot for the same credential")
            continue
        seen.add(ballot["credential"])
        decoded.append(cts)
        ballot_weights.append(weights[ballot["credential"]])
    report.ballots = len(decoded)
    if trackers != sorted(trackers):
        report.fail("the ballots are not in tracker order")
    if len(trackers) != len(set(trackers)):
        report.fail("a ballot appears twice")
    if int(record.get("voters", len(decoded))) < len(record["ballots"]):
        report.fail("more ballots than member governments that took part")
    participants = record.get("participants")
    if participants is not None:
        if len(participants) != int(record.get("voters", len(participants))):
            report.fail("the list of member governments that took part does not match their number")
        if participants != sorted(participants) or len(set(participants)) != len(participants):
            report.fail("the list of member governments that took part is not sorted or has a repeat")

    tally = record.get("tally")
    if record.get("status") == "tallied" and not tally:
        report.fail("the election is marked tallied but has no tally")
    if not tally:
        return
    expected = homomorphic_tally(decoded, ballot_weights, questions)
    published = [[Ciphertext(point(c["alpha"], allow_identity=True), point(c["beta"], allow_identity=True))
                  for c in row] for row in tally["ciphertexts"]]
    if published != expected:
        report.fail("the encrypted tally is not the product of the ballots")
        return
    partials: dict[tuple[int, int], dict[int, bytes]] = {}
    for dec in tally["decryptions"]:
        i = int(dec["trustee"])
        if i not in trustee_keys:
            report.fail(f"a decryption by unknown trustee {i}")
            continue
        for qi, (q, row) in enumerate(zip(questions, dec["factors"], strict=True)):
            for j, factor in enumerate(row):
                d = point(factor["d"], allow_identity=True)
                proof = (scalar_from_hex(factor["proof"][0]), scalar_from_hex(factor["proof"][1]))
                if not verify_partial(expected[qi][j], d, proof, trustee_keys[i],
                                      decryption_context(eid, q.id, j, i)):
                    report.fail(f"trustee {i}'s decryption proof for {q.id}/{j} does not verify")
                    continue
                report.proofs += 1
                partials.setdefault((qi, j), {})[i] = d
    bound = sum(ballot_weights)
    result = []
    for qi, q in enumerate(questions):
        row = []
        for j in range(q.choices):
            got = partials.get((qi, j), {})
            if len(got) < threshold:
                report.fail(f"fewer than {threshold} valid decryptions for {q.id}/{j}")
                return
            m_point = decrypt_with(expected[qi][j].beta, combine_partials(got, threshold))
            try:
                row.append(discrete_log(m_point, bound))
            except GroupError:
                report.fail(f"the decrypted total for {q.id}/{j} is out of range")
                return
        result.append(row)
    report.result = result
    if tally.get("result") != result:
        report.fail(f"the published result {tally.get('result')} differs from the decrypted one {result}")
    from .counting import check_elected  # who is elected, re-derived with each question's counting rule

    for problem in check_elected(questions=election["questions"], result=result, ballots=bound,
                                 claimed=tally.get("elected")):
        report.fail(problem)


def _verify_ceremony(election: dict, commitments: list[bytes], threshold: int, report: Report) -> dict[int, bytes]:
    """Every dealer's proof and shape, Σ dealings = the election's commitments, each trustee's key and proof."""
    eid = str(election["id"])
    trustees = sorted(election["trustees"], key=lambda t: int(t["index"]))
    n = len(trustees)
    if [int(t["index"]) for t in trustees] != list(range(1, n + 1)):
        report.fail("the trustees are not numbered 1 to n")
    dealt = []
    for t in trustees:
        try:
            dealt.append(check_dealing(t["dealing"], election_id=eid, dealer=int(t["index"]), threshold=threshold,
                                       trustees=n))
        except CeremonyError as exc:
            report.fail(f"trustee {t['index']}'s dealing is refused: {exc}")
    if len(dealt) == n and (not dealt or combined_commitments(dealt) != commitments):
        report.fail("the election's commitments are not the sum of the trustees' dealings")
    trustee_keys: dict[int, bytes] = {}
    for t in trustees:
        i = int(t["index"])
        y = point(t["verification_key"])
        if y != verification_key(commitments, i):
            report.fail(f"trustee {i}'s verification key does not match the commitments")
        try:
            check_confirmation(verification_key_hex=t["verification_key"], proof=t["key_proof"], election_id=eid,
                               index=i, commitments=commitments)
        except CeremonyError as exc:
            if exc.code != "verification_key_mismatch":  # reported just above
                report.fail(f"trustee {i}'s confirmation is refused: {exc}")
        trustee_keys[i] = y
    if len(trustee_keys) < threshold:
        report.fail("fewer trustees than the threshold")
    return trustee_keys


def verify_diff(earlier: dict, later: dict) -> Report:
    """Check that `later` extends `earlier`: same election and credentials; every credential that had a
    ballot still has one (re-voting may replace it while the vote is open, never after it closed)."""
    report = Report()
    try:
        if earlier.get("election") != later.get("election"):
            report.fail("the election definition changed")
        if earlier.get("credentials") != later.get("credentials"):
            report.fail("the credential list changed")
        order = ["open", "closed", "tallied"]
        if order.index(later.get("status", "open")) < order.index(earlier.get("status", "open")):
            report.fail("the status went backwards")
        before = {b["credential"]: tracker(b) for b in earlier.get("ballots", [])}
        after = {b["credential"]: tracker(b) for b in later.get("ballots", [])}
        for credential, t in before.items():
            if credential not in after:
                report.fail(f"ballot {t[:16]} disappeared")
            elif after[credential] != t and earlier.get("status", "open") != "open":
                report.fail(f"ballot {t[:16]} was replaced after the vote closed")
        if earlier.get("status", "open") != "open" and set(after) != set(before):
            report.fail("ballots were added after the vote closed")
        if earlier.get("tally") and earlier.get("tally") != later.get("tally"):
            report.fail("the tally changed")
        report.ballots = len(after)
    except (KeyError, TypeError, ValueError) as exc:
        report.fail(f"a record is malformed: {exc!r}")
    return report
