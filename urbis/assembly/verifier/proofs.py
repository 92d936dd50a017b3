"""Exponential ElGamal and the zero-knowledge proofs of the election.

- `encrypt(m, h)`: (α, β) = (r·G, m·G + r·H) for the election key H.
- Disjunctive Chaum–Pedersen proof that a ciphertext encrypts one value of {lo … hi}
  (the 0/1 proof of each choice, the range proof on the sum of a question's choices).
- Chaum–Pedersen proof of a correct partial decryption (log_G Y = log_α D).
- Schnorr proof of knowledge of a trustee's secret.

Every challenge is a Fiat–Shamir hash over a context that names the election, the question and the
voter's public credential, so a proof copied into another voter's ballot, another question or
another election does not verify. A proof is stored in compact form: a (challenge, response) pair
per value; the verifier recomputes the commitments from the verification equations.
"""

from __future__ import annotations

from dataclasses import dataclass

from .group import IDENTITY, G, add, base, hash_to_scalar, mul, random_scalar, sub
from .group import L as L_ORDER


@dataclass(frozen=True)
class Ciphertext:
    alpha: bytes
    beta: bytes

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(add(self.alpha, other.alpha), add(self.beta, other.beta))

    def scaled(self, k: int) -> Ciphertext:
        return Ciphertext(mul(k, self.alpha), mul(k, self.beta))


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(m: int, h: bytes, r: int | None = None) -> tuple[Ciphertext, int]:
    r = random_scalar() if r is None else r
    return Ciphertext(base(r), add(base(m), mul(r, h))), r


def _commitments(ct: Ciphertext, h: bytes, w: int, c: int, s: int) -> tuple[bytes, bytes]:
    """A_w = s·G − c·α ; B_w = s·H − c·(β − w·G)."""
    a = sub(base(s), mul(c, ct.alpha))
    b = sub(mul(s, h), mul(c, sub(ct.beta, base(w))))
    return a, b


def prove_range(ct: Ciphertext, r: int, m: int, lo: int, hi: int, h: bytes,
                context: tuple) -> list[tuple[int, int]]:
    """Disjunctive proof that ct encrypts one of lo…hi (knowing it is m, with randomness r)."""
    if not lo <= m <= hi:
        raise ValueError("the value is outside the range it is proved to be in")
    pairs: dict[int, tuple[int, int]] = {}
    commits: dict[int, tuple[bytes, bytes]] = {}
    k = random_scalar()
    for w in range(lo, hi + 1):
        if w == m:
            commits[w] = (base(k), mul(k, h))
        else:
            c_w, s_w = random_scalar(), random_scalar()
            pairs[w] = (c_w, s_w)
            commits[w] = _commitments(ct, h, w, c_w, s_w)
    c = _challenge(ct, h, [commits[w] for w in range(lo, hi + 1)], context)
    c_m = (c - sum(pc for pc, _s in pairs.values())) % L_ORDER
    pairs[m] = (c_m, (k + c_m * r) % L_ORDER)
    return [pairs[w] for w in range(lo, hi + 1)]


def verify_range(ct: Ciphertext, proof: list[tuple[int, int]], lo: int, hi: int, h: bytes,
                 context: tuple) -> bool:
    """Check a disjunctive proof. Every challenge share must be non-zero (an honest prover's is zero with
    probability 2⁻²⁵²), so α and β always reach libsodium through a multiplication by a non-zero scalar,
    which decodes them: a ciphertext need not be checked separately before its proof."""
    if len(proof) != hi - lo + 1 or not all(c_w for c_w, _s in proof):
        return False
    commits = [_commitments(ct, h, w, c_w, s_w) for w, (c_w, s_w) in zip(range(lo, hi + 1), proof, strict=True)]
    c = _challenge(ct, h, commits, context)
    return c == sum(c_w for c_w, _s in proof) % L_ORDER


def _challenge(ct: Ciphertext, h: bytes, commits: list[tuple[bytes, bytes]], context: tuple) -> int:
    parts: list = [*context, h, ct.alpha, ct.beta]
    for a, b in commits:
        parts += [a, b]
    return hash_to_scalar("range", *parts)


# --- decryption -------------------------------------------------------------------------------

def partial_decrypt(x: int, ct: Ciphertext, y: bytes, context: tuple) -> tuple[bytes, tuple[int, int]]:
    """D = x·α with a Chaum–Pedersen proof that log_G Y = log_α D."""
    d = mul(x, ct.alpha)
    k = random_scalar()
    a, b = base(k), mul(k, ct.alpha)
    c = hash_to_scalar("decrypt", *context, y, ct.alpha, d, a, b)
    return d, (c, (k + c * x) % L_ORDER)


def verify_partial(ct: Ciphertext, d: bytes, proof: tuple[int, int], y: bytes, context: tuple) -> bool:
    c, s = proof
    a = sub(base(s), mul(c, y))
    b = sub(mul(s, ct.alpha), mul(c, d))
    return c == hash_to_scalar("decrypt", *context, y, ct.alpha, d, a, b)


# --- knowledge of a secret (trustee key) ------------------------------------------------------

def prove_knowledge(x: int, y: bytes, context: tuple) -> tuple[int, int]:
    k = random_scalar()
    c = hash_to_scalar("pok", *context, y, base(k))
    return c, (k + c * x) % L_ORDER


def verify_knowledge(y: bytes, proof: tuple[int, int], context: tuple) -> bool:
    c, s = proof
    return c == hash_to_scalar("pok", *context, y, sub(base(s), mul(c, y)))


__all__ = ["Ciphertext", "ZERO", "encrypt", "prove_range", "verify_range", "partial_decrypt",
           "verify_partial", "prove_knowledge", "verify_knowledge", "G"]
