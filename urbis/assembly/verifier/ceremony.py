"""The trustees' side of the dealerless key ceremony (joint Feldman), without Django.

The same encodings as the browser (static/assembly/trustee.js), so a trustee may use either:

1. `make_box_keypair` — an X25519 key pair; the trustee keeps `key_file(...)` and sends only the
   public key.
2. `make_dealing` — a random polynomial f_i of degree k−1, its Feldman commitments C_{i,m} = a_m·G,
   a Schnorr proof of knowledge of a_0 bound to (election, dealer index), and f_i(j) sealed with
   `crypto_box_seal` to every trustee j (itself included). The polynomial is forgotten on return.
3. `confirm` — open the n shares addressed to this trustee, check each against its dealer's
   commitments, sum them into x_j and answer {verification_key Y_j = x_j·G, proof} or a complaint
   naming the dealers whose share failed.
4. `decrypt` — at the tally, re-derive x_j from the key file and the published dealings, check it
   against Y_j and make the partial decryptions.

`check_dealing` and `combined_commitments` are what the server and the verifier use to check the
public part of a dealing. Nothing here talks to a server: the command-line tool
(`python -m urbis.assembly.verifier.ceremony --help`) reads and writes the JSON files the API serves
(`GET /api/v1/assembly/elections/<id>/ceremony`) and accepts.
"""

from __future__ import annotations

import argparse
import json
import sys

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .group import (
    IDENTITY,
    GroupError,
    L,
    add,
    base,
    point,
    random_scalar,
    scalar_bytes,
    scalar_from_hex,
    scalar_hex,
)
from .proofs import prove_knowledge, verify_knowledge
from .threshold import verification_key

SEALED_SHARE_BYTES = 32 + 48  # a scalar in a libsodium sealed box (ephemeral key + MAC)


class CeremonyError(ValueError):
    """A dealing, a confirmation or a key file is not acceptable; `code` is stable (API error code)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def dealing_context(election_id: str, dealer: int) -> tuple:
    return ("dealing", str(election_id), int(dealer))


def key_context(election_id: str, index: int) -> tuple:
    return ("trustee-key", str(election_id), int(index))


# ------------------------------------------------------------------------------------ round 1

def make_box_keypair() -> dict:
    """A fresh X25519 key pair, hex: {box_public_key, box_secret_key}."""
    sk = PrivateKey.generate()
    return {"box_public_key": bytes(sk.public_key).hex(), "box_secret_key": bytes(sk).hex()}


def key_file(*, election_id: str, index: int, keypair: dict) -> dict:
    """What the trustee keeps: the file `urbis-trustee-<election>-<index>.json`."""
    return {"election": str(election_id), "index": int(index), "box_secret_key": keypair["box_secret_key"],
            "box_public_key": keypair["box_public_key"]}


def check_box_key(text) -> str:
    try:
        raw = bytes.fromhex(text) if isinstance(text, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 32 or raw == bytes(32):
        raise CeremonyError("bad_box_key", "the encryption key is not 32 bytes of hexadecimal")
    return raw.hex()


# ------------------------------------------------------------------------------------ round 2

def _evaluate(coefficients: list[int], x: int) -> int:
    result = 0
    for a in reversed(coefficients):
        result = (result * x + a) % L
    return result


def make_dealing(*, election_id: str, dealer: int, threshold: int, box_public_keys: list[str]) -> dict:
    """Dealer `dealer`'s dealing for trustees 1…n whose box keys are `box_public_keys` (in index order)."""
    coefficients = [random_scalar() for _ in range(threshold)]
    commitments = [base(a) for a in coefficients]
    c, s = prove_knowledge(coefficients[0], commitments[0], dealing_context(election_id, dealer))
    shares = [SealedBox(PublicKey(bytes.fromhex(pk))).encrypt(scalar_bytes(_evaluate(coefficients, j))).hex()
              for j, pk in enumerate(box_public_keys, start=1)]
    return {"commitments": [x.hex() for x in commitments], "proof": [scalar_hex(c), scalar_hex(s)],
            "shares": shares}


def check_dealing(dealing, *, election_id: str, dealer: int, threshold: int, trustees: int) -> list[bytes]:
    """The public checks of a dealing: k valid points, the proof of knowledge of a_0, n sealed shares.
    Returns the commitments; raises CeremonyError."""
    if not isinstance(dealing, dict) or set(dealing) != {"commitments", "proof", "shares"}:
        raise CeremonyError("bad_dealing", "a dealing has exactly: commitments, proof, shares")
    raw = dealing["commitments"]
    if not isinstance(raw, list) or len(raw) != threshold:
        raise CeremonyError("bad_commitment_count", f"a dealing has {threshold} commitments")
    try:
        commitments = [point(c) for c in raw]
    except GroupError as exc:
        raise CeremonyError("bad_commitment", "a commitment is not a point of the group") from exc
    proof = dealing["proof"]
    try:
        if not isinstance(proof, list) or len(proof) != 2:
            raise GroupError("two scalars")
        pair = (scalar_from_hex(proof[0]), scalar_from_hex(proof[1]))
    except GroupError as exc:
        raise CeremonyError("bad_dealing_proof", "the proof is not two scalars") from exc
    if not verify_knowledge(commitments[0], pair, dealing_context(election_id, dealer)):
        raise CeremonyError("bad_dealing_proof", "the proof of knowledge of the dealer's secret does not verify")
    shares = dealing["shares"]
    if not isinstance(shares, list) or len(shares) != trustees:
        raise CeremonyError("bad_share_count", f"a dealing has one sealed share for each of the {trustees} trustees")
    for share in shares:
        try:
            ok = isinstance(share, str) and len(bytes.fromhex(share)) == SEALED_SHARE_BYTES
        except ValueError:
            ok = False
        if not ok:
            raise CeremonyError("bad_sealed_share", f"a sealed share is {SEALED_SHARE_BYTES} bytes of hexadecimal")
    return commitments


def combined_commitments(commitment_lists: list[list[bytes]]) -> list[bytes]:
    """C_m = Σ_i C_{i,m}: the joint key's commitments (C_0 is the election key)."""
    k = len(commitment_lists[0])
    out = [IDENTITY] * k
    for cs in commitment_lists:
        out = [add(a, b) for a, b in zip(out, cs, strict=True)]
    return out


# ------------------------------------------------------------------------------------ round 3

def _dealings_of(ceremony: dict) -> dict[int, dict]:
    return {int(t["index"]): t["dealing"] for t in ceremony["trustees"]}


def open_shares(*, key: dict, dealings: dict[int, dict]) -> tuple[int, list[int]]:
    """Open the shares addressed to this trustee; (x_j, dealers whose share failed its Feldman check)."""
    index = int(key["index"])
    box = SealedBox(PrivateKey(bytes.fromhex(key["box_secret_key"])))
    total, bad = 0, []
    for dealer in sorted(dealings):
        dealing = dealings[dealer]
        try:
            raw = box.decrypt(bytes.fromhex(dealing["shares"][index - 1]))
            if len(raw) != 32:
                raise ValueError("a share is 32 bytes")
            s = int.from_bytes(raw, "little") % L
            commitments = [point(c) for c in dealing["commitments"]]
            ok = base(s) == verification_key(commitments, index)
        except (CryptoError, GroupError, ValueError, KeyError, IndexError, TypeError):
            ok = False
        if ok:
            total = (total + s) % L
        else:
            bad.append(dealer)
    return total, bad


def _check_key(key: dict, election_id: str) -> None:
    if not isinstance(key, dict) or str(key.get("election")) != str(election_id):
        raise CeremonyError("wrong_key_file", "this key file belongs to another election")
    try:
        sk = PrivateKey(bytes.fromhex(key["box_secret_key"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise CeremonyError("wrong_key_file", "this is not a trustee key file") from exc
    if bytes(sk.public_key).hex() != key.get("box_public_key"):
        raise CeremonyError("wrong_key_file", "the key file's two keys do not match")


def confirm(*, key: dict, ceremony: dict) -> dict:
    """This trustee's round-3 answer: {verification_key, proof} or {complaint: [dealers]}."""
    eid = str(ceremony["election"])
    _check_key(key, eid)
    index = int(key["index"])
    mine = next((t for t in ceremony["trustees"] if int(t["index"]) == index), None)
    if mine is None or mine.get("box_public_key") != key["box_public_key"]:
        raise CeremonyError("wrong_key_file", "this key file is not the one registered for this trustee")
    x, bad = open_shares(key=key, dealings=_dealings_of(ceremony))
    if bad:
        return {"complaint": bad}
    y = base(x)
    c, s = prove_knowledge(x, y, key_context(eid, index))
    return {"verification_key": y.hex(), "proof": [scalar_hex(c), scalar_hex(s)]}


def check_confirmation(*, verification_key_hex, proof, election_id: str, index: int,
                       commitments: list[bytes]) -> bytes:
    """The server's and the verifier's check of a confirmation; returns Y_j."""
    try:
        y = point(verification_key_hex)
        if not isinstance(proof, list) or len(proof) != 2:
            raise GroupError("two scalars")
        pair = (scalar_from_hex(proof[0]), scalar_from_hex(proof[1]))
    except GroupError as exc:
        raise CeremonyError("bad_confirmation", "the verification key or its proof is malformed") from exc
    if not verify_knowledge(y, pair, key_context(election_id, index)):
        raise CeremonyError("bad_key_proof", "the proof of knowledge of the key share does not verify")
    if y != verification_key(commitments, index):
        raise CeremonyError("verification_key_mismatch",
                            "the verification key does not match the dealers' commitments")
    return y


# ------------------------------------------------------------------------------------ tally

def secret_share(*, key: dict, ceremony: dict) -> int:
    """x_j, re-derived from the key file and the published dealings and checked against Y_j."""
    eid = str(ceremony["election"])
    _check_key(key, eid)
    index = int(key["index"])
    mine = next((t for t in ceremony["trustees"] if int(t["index"]) == index), None)
    x, bad = open_shares(key=key, dealings=_dealings_of(ceremony))
    if mine is None or bad or base(x).hex() != mine.get("verification_key"):
        raise CeremonyError("not_your_key_file", "this is not your key file")
    return x


def decrypt(*, key: dict, ceremony: dict) -> dict:
    """This trustee's partial decryption of the encrypted tally (`ceremony["encrypted_tally"]`)."""
    from .tally import trustee_decryption

    x = secret_share(key=key, ceremony=ceremony)
    record = {"election": {"id": ceremony["election"], "questions": ceremony["questions"]}}
    return trustee_decryption(record=record, ciphertexts=ceremony["encrypted_tally"], index=int(key["index"]),
                              share=x)


def ceremony_in_memory(*, election_id: str, threshold: int, names: list[str]) -> tuple[dict, dict[int, int]]:
    """Every trustee's three rounds played in this process (tests, the bench, records made offline):
    the finished ceremony (with `commitments`, `public_key` and each trustee's `key_proof`) and each
    trustee's secret x_j — which a real ceremony never brings together in one place."""
    n = len(names)
    if not 1 <= threshold <= n:
        raise ValueError("the threshold must be between 1 and the number of trustees")
    keys = {i: key_file(election_id=election_id, index=i, keypair=make_box_keypair()) for i in range(1, n + 1)}
    trustees = [{"index": i, "name": name, "box_public_key": keys[i]["box_public_key"]}
                for i, name in enumerate(names, start=1)]
    for t in trustees:
        t["dealing"] = make_dealing(election_id=election_id, dealer=t["index"], threshold=threshold,
                                    box_public_keys=[u["box_public_key"] for u in trustees])
    ceremony = {"election": str(election_id), "threshold": threshold, "trustees": trustees}
    shares = {}
    for t in trustees:
        answer = confirm(key=keys[t["index"]], ceremony=ceremony)
        t["verification_key"], t["key_proof"] = answer["verification_key"], answer["proof"]
        shares[t["index"]] = open_shares(key=keys[t["index"]], dealings=_dealings_of(ceremony))[0]
    commitments = combined_commitments([[point(c) for c in t["dealing"]["commitments"]] for t in trustees])
    ceremony["commitments"] = [c.hex() for c in commitments]
    ceremony["public_key"] = ceremony["commitments"][0]
    return ceremony, shares


# ------------------------------------------------------------------------------------ command line

def _read(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _write(path: str, data: dict) -> None:
    text = json.dumps(data, indent=1, sort_keys=True)
    if path == "-":
        print(text)
    else:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m urbis.assembly.verifier.ceremony",
        description="A trustee's side of the Urbis key ceremony, offline. CEREMONY.json is what "
                    "GET /api/v1/assembly/elections/<id>/ceremony answers; each output file is the body "
                    "to POST to the endpoint named in its help.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("keypair", help="round 1: make your key file and the body for …/trustees/<i>/key")
    p.add_argument("--election", required=True)
    p.add_argument("--index", type=int, required=True)
    p.add_argument("--key-file", required=True, help="where to write your secret key file (keep it safe)")
    p.add_argument("--out", default="-", help="the public key to POST (default: print it)")
    p = sub.add_parser("deal", help="round 2: make your dealing, the body for …/trustees/<i>/dealing")
    p.add_argument("--key-file", required=True)
    p.add_argument("--ceremony", required=True)
    p.add_argument("--out", default="-")
    p = sub.add_parser("confirm", help="round 3: check your shares; the body for …/trustees/<i>/confirmation")
    p.add_argument("--key-file", required=True)
    p.add_argument("--ceremony", required=True)
    p.add_argument("--out", default="-")
    p = sub.add_parser("decrypt", help="tally: your partial decryption, the body for …/decryptions")
    p.add_argument("--key-file", required=True)
    p.add_argument("--ceremony", required=True)
    p.add_argument("--out", default="-")
    args = parser.parse_args(argv)
    try:
        if args.command == "keypair":
            pair = make_box_keypair()
            _write(args.key_file, key_file(election_id=args.election, index=args.index, keypair=pair))
            _write(args.out, {"box_public_key": pair["box_public_key"]})
            return 0
        key, ceremony = _read(args.key_file), _read(args.ceremony)
        _check_key(key, str(ceremony["election"]))
        if args.command == "deal":
            keys = [t["box_public_key"] for t in sorted(ceremony["trustees"], key=lambda t: int(t["index"]))]
            _write(args.out, {"dealing": make_dealing(election_id=ceremony["election"], dealer=int(key["index"]),
                                                      threshold=int(ceremony["threshold"]), box_public_keys=keys)})
        elif args.command == "confirm":
            answer = confirm(key=key, ceremony=ceremony)
            _write(args.out, answer)
            if "complaint" in answer:
                print(f"COMPLAINT: the shares from trustee(s) {answer['complaint']} are wrong", file=sys.stderr)
                return 1
        else:
            _write(args.out, {"decryption": decrypt(key=key, ceremony=ceremony)})
    except CeremonyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
