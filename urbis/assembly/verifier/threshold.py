"""Threshold election key: Shamir sharing of the key with Feldman commitments, k of n to decrypt.

A dealing is a random polynomial f of degree k−1; trustee i (1…n) holds x_i = f(i); the
commitments C_j = a_j·G are public, so anyone checks a share (x_i·G = Σ i^j·C_j) and the election
key is C_0. `combine_dealings` sums several dealings (one per trustee): with it no single party ever
knows the election secret (a joint-Feldman, dealerless key). Any k partial decryptions combine by
Lagrange interpolation at 0; k−1 of them reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .group import IDENTITY, L, add, base, mul, random_scalar, sub


@dataclass(frozen=True)
class Dealing:
    threshold: int
    commitments: list[bytes]  # C_0 … C_{k-1}
    shares: dict[int, int]    # trustee index → secret share (never published)

    @property
    def public_key(self) -> bytes:
        return self.commitments[0]


def deal(*, threshold: int, trustees: int, secret: int | None = None) -> Dealing:
    if not 1 <= threshold <= trustees:
        raise ValueError("the threshold must be between 1 and the number of trustees")
    coefficients = [random_scalar() if secret is None else secret % L] + [random_scalar()
                                                                         for _ in range(threshold - 1)]
    shares = {i: _evaluate(coefficients, i) for i in range(1, trustees + 1)}
    return Dealing(threshold, [base(a) for a in coefficients], shares)


def combine_dealings(dealings: list[Dealing]) -> Dealing:
    k = dealings[0].threshold
    if any(d.threshold != k for d in dealings):
        raise ValueError("all dealings must have the same threshold")
    commitments = [IDENTITY] * k
    for d in dealings:
        commitments = [add(a, b) for a, b in zip(commitments, d.commitments, strict=True)]
    indices = dealings[0].shares.keys()
    shares = {i: sum(d.shares[i] for d in dealings) % L for i in indices}
    return Dealing(k, commitments, shares)


def _evaluate(coefficients: list[int], x: int) -> int:
    result = 0
    for a in reversed(coefficients):
        result = (result * x + a) % L
    return result


def verification_key(commitments: list[bytes], index: int) -> bytes:
    """Y_i = Σ_j i^j·C_j — what trustee i's share must match."""
    y = IDENTITY
    for j, c in enumerate(commitments):
        y = add(y, mul(pow(index, j, L), c))
    return y


def share_is_valid(commitments: list[bytes], index: int, share: int) -> bool:
    return base(share) == verification_key(commitments, index)


def lagrange_at_zero(index: int, indices: list[int]) -> int:
    num, den = 1, 1
    for j in indices:
        if j != index:
            num = num * j % L
            den = den * (j - index) % L
    return num * pow(den, -1, L) % L


def combine_partials(partials: dict[int, bytes], threshold: int) -> bytes:
    """Σ λ_i·D_i over exactly `threshold` of the given trustees (x·α for the joint secret x)."""
    if len(partials) < threshold:
        raise ValueError("fewer partial decryptions than the threshold")
    chosen = sorted(partials)[:threshold]
    d = IDENTITY
    for i in chosen:
        d = add(d, mul(lagrange_at_zero(i, chosen), partials[i]))
    return d


def decrypt_with(beta: bytes, combined: bytes) -> bytes:
    return sub(beta, combined)
