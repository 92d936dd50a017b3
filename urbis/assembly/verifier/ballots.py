"""Credentials, ballots and their checks — the same encodings as `static/assembly/ballot.js`.

A ballot (JSON):
    {"election": ID, "credential": hex Ed25519 public key,
     "answers": [{"question": QID,
                  "choices": [{"alpha": hex, "beta": hex, "proof": [[c, s], [c, s]]}, …],
                  "proof": [[c, s], …]}],          # range proof on the sum, min…max
     "signature": hex}                             # Ed25519 over the canonical JSON without it
The tracker is the SHA-256 of the canonical JSON of the whole ballot.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from .group import IDENTITY, GroupError, scalar_from_hex, scalar_hex
from .proofs import Ciphertext, encrypt, prove_range, verify_range

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no I, L, O, U, 0, 1: read aloud and typed safely
CODE_LENGTH = 20                                  # 20 symbols of 30 ≈ 98 bits


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)


def credential_seed(election_id: str, code: str) -> bytes:
    return hashlib.sha512(f"urbis-credential-v1|{election_id}|{normalise_code(code)}".encode()).digest()[:32]


def signing_key(election_id: str, code: str) -> SigningKey:
    return SigningKey(credential_seed(election_id, code))


def public_credential(election_id: str, code: str) -> str:
    return signing_key(election_id, code).verify_key.encode().hex()


def tracker(ballot: dict) -> str:
    return hashlib.sha256(canonical(ballot)).hexdigest()


@dataclass(frozen=True)
class Question:
    id: str
    choices: int
    min: int
    max: int

    @classmethod
    def from_json(cls, data: dict) -> Question:
        q = cls(str(data["id"]), len(data["choices"]), int(data["min"]), int(data["max"]))
        if not 0 <= q.min <= q.max <= q.choices:
            raise ValueError("a question's min and max selections are inconsistent")
        return q


def _choice_context(election_id: str, question_id: str, index: int, credential: str) -> tuple:
    return ("choice", election_id, question_id, index, credential)


def _sum_context(election_id: str, question_id: str, credential: str) -> tuple:
    return ("sum", election_id, question_id, credential)


def make_ballot(*, election_id: str, public_key: bytes, questions: list[Question], selections: list[list[int]],
                code: str) -> dict:
    """Encrypt and sign a ballot (used by tests, the bench and the demo; browsers use ballot.js)."""
    key = signing_key(election_id, code)
    credential = key.verify_key.encode().hex()
    answers = []
    for q, chosen in zip(questions, selections, strict=True):
        if len(chosen) != q.choices or any(v not in (0, 1) for v in chosen):
            raise ValueError("each choice must be 0 or 1")
        total_r, total, total_ct = 0, 0, None
        choices = []
        for j, v in enumerate(chosen):
            ct, r = encrypt(v, public_key)
            proof = prove_range(ct, r, v, 0, 1, public_key, _choice_context(election_id, q.id, j, credential))
            choices.append({"alpha": ct.alpha.hex(), "beta": ct.beta.hex(),
                            "proof": [[scalar_hex(c), scalar_hex(s)] for c, s in proof]})
            total_r, total = total_r + r, total + v
            total_ct = ct if total_ct is None else total_ct + ct
        proof = prove_range(total_ct, total_r, total, q.min, q.max, public_key,
                            _sum_context(election_id, q.id, credential))
        answers.append({"question": q.id, "choices": choices,
                        "proof": [[scalar_hex(c), scalar_hex(s)] for c, s in proof]})
    ballot = {"election": election_id, "credential": credential, "answers": answers}
    ballot["signature"] = key.sign(canonical(ballot)).signature.hex()
    return ballot


class BallotInvalid(ValueError):
    """Why a ballot is refused; `code` is stable for the API."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def _encoding(text) -> bytes:
    try:
        raw = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError as exc:
        raise GroupError("not hexadecimal") from exc
    if len(raw) != 32 or raw == IDENTITY:
        raise GroupError("not a 32-byte point encoding")
    return raw


def _pairs(raw, size: int) -> list[tuple[int, int]]:
    if not isinstance(raw, list) or len(raw) != size:
        raise BallotInvalid("malformed", "a proof has the wrong length")
    try:
        return [(scalar_from_hex(c), scalar_from_hex(s)) for c, s in raw]
    except (TypeError, ValueError) as exc:
        raise BallotInvalid("malformed", "a proof is not a list of scalars") from exc


def check_ballot(ballot: dict, *, election_id: str, public_key: bytes, questions: list[Question],
                 credentials: set[str] | None = None) -> tuple[list[list[Ciphertext]], int]:
    """Check one ballot; return its ciphertexts per question and the number of proofs checked.

    Raises BallotInvalid. `credentials`, when given, is the published list the credential must be in.
    """
    if not isinstance(ballot, dict) or set(ballot) != {"election", "credential", "answers", "signature"}:
        raise BallotInvalid("malformed", "a ballot has exactly the keys election, credential, answers, signature")
    if ballot["election"] != election_id:
        raise BallotInvalid("wrong_election", "the ballot is for another election")
    credential = ballot["credential"]
    if not isinstance(credential, str) or len(credential) != 64:
        raise BallotInvalid("malformed", "the credential is not a 32-byte hex key")
    if credentials is not None and credential not in credentials:
        raise BallotInvalid("unknown_credential", "the credential is not in the published list")
    body = {k: v for k, v in ballot.items() if k != "signature"}
    try:
        VerifyKey(bytes.fromhex(credential)).verify(canonical(body), bytes.fromhex(ballot["signature"]))
    except (BadSignatureError, ValueError, TypeError) as exc:
        raise BallotInvalid("bad_signature", "the credential's signature does not verify") from exc
    answers = ballot["answers"]
    if not isinstance(answers, list) or len(answers) != len(questions):
        raise BallotInvalid("malformed", "the ballot does not answer every question")
    result, proofs = [], 0
    for q, answer in zip(questions, answers, strict=True):
        if not isinstance(answer, dict) or answer.get("question") != q.id or len(answer.get("choices", [])) != q.choices:
            raise BallotInvalid("malformed", "an answer does not match its question")
        cts = []
        for j, choice in enumerate(answer["choices"]):
            try:
                # Encodings only: libsodium decodes and checks each point (a canonical ristretto255
                # encoding) when the proof multiplies it by its non-zero challenge shares (verify_range).
                ct = Ciphertext(_encoding(choice["alpha"]), _encoding(choice["beta"]))
                valid = verify_range(ct, _pairs(choice.get("proof"), 2), 0, 1, public_key,
                                     _choice_context(election_id, q.id, j, credential))
            except (GroupError, KeyError, TypeError) as exc:
                raise BallotInvalid("malformed", "a ciphertext is not made of group elements") from exc
            if not valid:
                raise BallotInvalid("bad_proof", "a proof that a choice is 0 or 1 does not verify")
            proofs += 1
            cts.append(ct)
        total = cts[0]
        for ct in cts[1:]:
            total = total + ct
        try:
            valid = verify_range(total, _pairs(answer.get("proof"), q.max - q.min + 1), q.min, q.max, public_key,
                                 _sum_context(election_id, q.id, credential))
        except GroupError as exc:  # pragma: no cover - the choices' points were decoded by their proofs
            raise BallotInvalid("malformed", "the sum of the choices is not a group element") from exc
        if not valid:
            raise BallotInvalid("bad_proof", "the proof on the number of choices does not verify")
        proofs += 1
        result.append(cts)
    return result, proofs
