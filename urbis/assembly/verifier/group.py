"""The prime-order group: ristretto255 (RFC 9496), through libsodium as bundled by `rbcl`.

ristretto255 is a group of prime order L built on edwards25519: it has no cofactor, so there is no
small-order or mixed-order element to reject, and every 32-byte string is either the canonical
encoding of exactly one group element or invalid. libsodium decodes (and so checks) every point
given to one of its operations and refuses a non-canonical or invalid encoding; the browser uses
the same libsodium functions (`crypto_core_ristretto255_*`, `crypto_scalarmult_ristretto255*`) through
libsodium-wrappers-sumo. See docs/decisions/0005-election-group-ristretto255.md.

Scalars are Python ints modulo L; points are their 32-byte encodings; the identity (neutral element)
is 32 zero bytes, on both sides. Every point read from outside goes through `point()` (or, on the
ballot hot path, straight into an operation, which refuses it the same way); GroupError is the one
error for a bad encoding or scalar.

libsodium answers -1 when a scalar multiplication's result is the identity; in a group of prime
order s·P is the identity only when s ≡ 0 (mod L) or P is the identity, and both cases are answered
here before calling it — so a -1 from libsodium can only mean that P was not a valid encoding.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import secrets
import sys

from rbcl.rbcl import _sodium as _lib  # the libsodium (1.0.18) that rbcl bundles, loaded through ctypes

# rbcl writes its bundled libsodium to a temporary file to load it and never removes it; the library is
# mapped now, so the file can go (on Linux; elsewhere the unlink fails and the file stays, as before).
with contextlib.suppress(AttributeError, KeyError, OSError):
    os.unlink(sys.modules["rbcl._sodium"].lib_path)

L = 2**252 + 27742317777372353535851937790883648493  # the order of the group
IDENTITY = bytes(32)                                    # the neutral element, encoded

_POINT = ctypes.c_char * 32
_add = _lib.crypto_core_ristretto255_add
_sub = _lib.crypto_core_ristretto255_sub
_valid = _lib.crypto_core_ristretto255_is_valid_point
_scalarmult = _lib.crypto_scalarmult_ristretto255
_scalarmult_base = _lib.crypto_scalarmult_ristretto255_base


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


def _encoded(p: bytes) -> bytes:
    """What may be handed to libsodium: exactly 32 bytes (it reads 32, whatever it is given)."""
    if type(p) is not bytes or len(p) != 32:
        raise GroupError("a point is 32 bytes")
    return p


def is_valid_point(p: bytes) -> bool:
    """True for the canonical encoding of a group element other than the identity."""
    return type(p) is bytes and len(p) == 32 and p != IDENTITY and _valid(p) == 1


def point(text: str, *, allow_identity: bool = False) -> bytes:
    """Decode a hex point: the canonical encoding of a group element (the identity only if allowed)."""
    raw = _unhex(text, 32)
    if raw == IDENTITY:
        if allow_identity:
            return raw
        raise GroupError("the identity is not allowed here")
    if _valid(raw) != 1:
        raise GroupError("not a canonical encoding of a ristretto255 element")
    return raw


def add(p: bytes, q: bytes) -> bytes:
    if p == IDENTITY:
        return _encoded(q)
    if q == IDENTITY:
        return _encoded(p)
    out = _POINT()
    if _add(out, _encoded(p), _encoded(q)) != 0:
        raise GroupError("not a canonical encoding of a ristretto255 element")
    return out.raw


def sub(p: bytes, q: bytes) -> bytes:
    if q == IDENTITY:
        return _encoded(p)
    out = _POINT()
    if _sub(out, _encoded(p), _encoded(q)) != 0:
        raise GroupError("not a canonical encoding of a ristretto255 element")
    return out.raw


def mul(s: int, p: bytes) -> bytes:
    """s·P (identity in, identity out; libsodium is only called when the result cannot be the identity)."""
    s %= L
    if s == 0 or p == IDENTITY:
        return IDENTITY
    if p == G:
        return base(s)
    out = _POINT()
    if _scalarmult(out, s.to_bytes(32, "little"), _encoded(p)) != 0:
        raise GroupError("not a canonical encoding of a ristretto255 element")
    return out.raw


def _base(s: int) -> bytes:
    out = _POINT()
    if _scalarmult_base(out, s.to_bytes(32, "little")) != 0:  # pragma: no cover - s is in 1…L−1
        raise GroupError("scalar multiplication failed")
    return out.raw


_SMALL: dict[int, bytes] = {}


def base(s: int) -> bytes:
    """s·G for the standard generator G."""
    s %= L
    if s == 0:
        return IDENTITY
    if s < 64:  # the small multiples (vote values, totals) recur in every proof
        cached = _SMALL.get(s)
        if cached is None:
            cached = _SMALL[s] = _base(s)
        return cached
    return _base(s)


G = base(1)  # e2f2ae0a…2d76, the generator of RFC 9496


def random_scalar() -> int:
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
    h = hashlib.sha512(b"urbis-election-v2")
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
