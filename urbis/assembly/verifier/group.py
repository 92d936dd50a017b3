"""The prime-order group: the order-L subgroup of edwards25519, through libsodium (PyNaCl).

PyNaCl exposes the `crypto_core_ed25519_*` and `crypto_scalarmult_ed25519_*noclamp` bindings (not the
ristretto255 ones), and libsodium-wrappers in the browser exposes the same functions, so both sides use
them. Every point read from outside goes through `point()`, which rejects anything that is not a
canonical encoding of a point of the prime-order subgroup (small-order and mixed-order points
included) — that check is what makes this group safe to use for ElGamal and Chaum–Pedersen proofs.

Scalars are Python ints modulo L; points are 32-byte encodings.
"""

from __future__ import annotations

import hashlib

from nacl import bindings as _b

L = 2**252 + 27742317777372353535851937790883648493  # order of the prime-order subgroup
IDENTITY = bytes([1]) + bytes(31)                       # the neutral element, encoded
G = _b.crypto_scalarmult_ed25519_base_noclamp((1).to_bytes(32, "little"))  # the standard base point


class GroupError(ValueError):
    """An encoding is not a valid group element or scalar."""


def scalar_bytes(s: int) -> bytes:
    return (s % L).to_bytes(32, "little")


def scalar_from_hex(text: str) -> int:
    raw = _unhex(text, 32)
    s = int.from_bytes(raw, "little")
    if s >= L:
        raise GroupError("non-canonical scalar")
    return s


def scalar_hex(s: int) -> str:
    return scalar_bytes(s).hex()


def _unhex(text: str, size: int) -> bytes:
    if not isinstance(text, str):
        raise GroupError("expected a hexadecimal string")
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise GroupError("not hexadecimal") from exc
    if len(raw) != size:
        raise GroupError(f"expected {size} bytes")
    return raw


def is_valid_point(p: bytes) -> bool:
    return len(p) == 32 and bool(_b.crypto_core_ed25519_is_valid_point(p))


def point(text: str, *, allow_identity: bool = False) -> bytes:
    """Decode a hex point and check it lies in the prime-order subgroup."""
    raw = _unhex(text, 32)
    if allow_identity and raw == IDENTITY:
        return raw
    if not is_valid_point(raw):
        raise GroupError("not a point of the prime-order group")
    return raw


def add(p: bytes, q: bytes) -> bytes:
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    return _b.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    if q == IDENTITY:
        return p
    if p == q:
        return IDENTITY
    return _b.crypto_core_ed25519_sub(p, q)


def mul(s: int, p: bytes) -> bytes:
    """s·P; libsodium refuses the identity as input or output, so those cases are answered here."""
    s %= L
    if s == 0 or p == IDENTITY:
        return IDENTITY
    if p == G:
        return _b.crypto_scalarmult_ed25519_base_noclamp(scalar_bytes(s))
    return _b.crypto_scalarmult_ed25519_noclamp(scalar_bytes(s), p)


_SMALL: dict[int, bytes] = {}


def base(s: int) -> bytes:
    s %= L
    if s == 0:
        return IDENTITY
    if s < 64:  # the small multiples (vote values, totals) recur in every proof
        cached = _SMALL.get(s)
        if cached is None:
            cached = _SMALL[s] = _b.crypto_scalarmult_ed25519_base_noclamp(scalar_bytes(s))
        return cached
    return _b.crypto_scalarmult_ed25519_base_noclamp(scalar_bytes(s))


def random_scalar() -> int:
    import secrets

    while True:
        s = int.from_bytes(secrets.token_bytes(64), "little") % L
        if s:
            return s


def _encode_part(part: bytes | str | int) -> bytes:
    if isinstance(part, int):
        part = str(part)
    if isinstance(part, str):
        part = part.encode("utf-8")
    return len(part).to_bytes(4, "big") + part


def hash_to_scalar(*parts: bytes | str | int) -> int:
    """Fiat–Shamir challenge: SHA-512 of the length-prefixed parts, reduced modulo L."""
    h = hashlib.sha512(b"urbis-election-v1")
    for part in parts:
        h.update(_encode_part(part))
    return int.from_bytes(h.digest(), "little") % L


def discrete_log(target: bytes, bound: int) -> int:
    """The m in [0, bound] with m·G = target, by baby-step giant-step; GroupError if there is none."""
    if target == IDENTITY:
        return 0
    step = max(1, int(bound**0.5) + 1)
    baby: dict[bytes, int] = {}
    current = IDENTITY
    for j in range(step):
        baby.setdefault(current, j)
        current = add(current, G)
    giant = base(step)
    gamma = target
    for i in range(step + 1):
        j = baby.get(gamma)
        if j is not None and i * step + j <= bound:
            return i * step + j
        gamma = sub(gamma, giant)
    raise GroupError("the total is out of range")
