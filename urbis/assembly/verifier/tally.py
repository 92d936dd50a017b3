"""The tally side: the encrypted sum of the board, a trustee's partial decryption, the result."""

from __future__ import annotations

from .group import discrete_log, point, scalar_hex
from .parallel import check_ballots
from .proofs import Ciphertext, partial_decrypt
from .record import FORMAT, decryption_context, homomorphic_tally, questions_of
from .threshold import combine_partials, decrypt_with


def encrypted_tally(record: dict, *, checked: bool = False) -> list[list[dict]]:
    """The weighted homomorphic sum of the board's ballots, per question and choice.

    `checked=True` skips re-verifying ballots that were verified when they were cast (the server's own
    board); the verifier always re-checks everything.
    """
    eid = str(record["election"]["id"])
    questions = questions_of(record)
    pk = point(record["election"]["public_key"])
    weights = {c["credential"]: int(c["weight"]) for c in record["credentials"]}
    if not checked:
        outcomes = check_ballots(record["ballots"], election_id=eid, public_key=pk, questions=questions,
                                 credentials=set(weights))
    decoded, ws = [], []
    for i, ballot in enumerate(record["ballots"]):
        if checked:
            cts = [[Ciphertext(bytes.fromhex(c["alpha"]), bytes.fromhex(c["beta"])) for c in answer["choices"]]
                   for answer in ballot["answers"]]
        else:
            cts, _n = outcomes[i].result()
        decoded.append(cts)
        ws.append(weights[ballot["credential"]])
    totals = homomorphic_tally(decoded, ws, questions)
    return [[{"alpha": ct.alpha.hex(), "beta": ct.beta.hex()} for ct in row] for row in totals]


def _cts(ciphertexts: list[list[dict]]) -> list[list[Ciphertext]]:
    return [[Ciphertext(point(c["alpha"], allow_identity=True), point(c["beta"], allow_identity=True))
             for c in row] for row in ciphertexts]


def trustee_decryption(*, record: dict, ciphertexts: list[list[dict]], index: int, share: int) -> dict:
    """Trustee `index`'s partial decryption of the encrypted tally, with its proofs."""
    from .group import base

    eid = str(record["election"]["id"])
    y = base(share)
    factors = []
    for q, row in zip(questions_of(record), _cts(ciphertexts), strict=True):
        out = []
        for j, ct in enumerate(row):
            d, (c, s) = partial_decrypt(share, ct, y, decryption_context(eid, q.id, j, index))
            out.append({"d": d.hex(), "proof": [scalar_hex(c), scalar_hex(s)]})
        factors.append(out)
    return {"trustee": index, "factors": factors}


def combine_result(*, record: dict, ciphertexts: list[list[dict]], decryptions: list[dict], bound: int) -> list[list[int]]:
    """Combine `threshold` partial decryptions into the totals (checks none of the proofs; the verifier does)."""
    k = int(record["election"]["threshold"])
    cts = _cts(ciphertexts)
    result = []
    for qi, row in enumerate(cts):
        out = []
        for j, ct in enumerate(row):
            partials = {int(d["trustee"]): point(d["factors"][qi][j]["d"], allow_identity=True) for d in decryptions}
            out.append(discrete_log(decrypt_with(ct.beta, combine_partials(partials, k)), bound))
        result.append(out)
    return result


def new_record(*, election_id: str, title: str, questions: list[dict], threshold: int, trustees: list[str],
               credentials: list[tuple[str, int]]) -> tuple[dict, dict[int, int]]:
    """A fresh open record and the trustees' secret shares (for tests, the bench and the demo; the web app
    builds the same record from its tables). The key comes from a full key ceremony played here by every
    trustee with the offline tool's functions (verifier/ceremony.py)."""
    from .ceremony import ceremony_in_memory

    ceremony, shares = ceremony_in_memory(election_id=election_id, threshold=threshold, names=trustees)
    record = {
        "format": FORMAT,
        "election": {
            "id": election_id, "title": title, "questions": questions,
            "public_key": ceremony["public_key"], "threshold": threshold,
            "commitments": ceremony["commitments"],
            "trustees": [{k: t[k] for k in ("index", "name", "box_public_key", "dealing", "verification_key",
                                             "key_proof")} for t in ceremony["trustees"]],
        },
        "credentials": sorted(({"credential": c, "weight": w} for c, w in credentials),
                              key=lambda c: c["credential"]),
        "status": "open", "voters": 0, "ballots": [],
    }
    return record, shares


def finish_tally(record: dict, shares: dict[int, int]) -> dict:
    """Close and tally `record` with the given trustees' shares (at least the threshold of them)."""
    cts = encrypted_tally(record)
    decryptions = [trustee_decryption(record=record, ciphertexts=cts, index=i, share=s)
                   for i, s in sorted(shares.items())]
    weights = {c["credential"]: int(c["weight"]) for c in record["credentials"]}
    bound = sum(weights[b["credential"]] for b in record["ballots"])
    result = combine_result(record=record, ciphertexts=cts, decryptions=decryptions, bound=bound)
    return {**record, "status": "tallied", "tally": {"ciphertexts": cts, "decryptions": decryptions, "result": result}}
