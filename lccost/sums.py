"""Closed forms of the sums that causal prefill produces, usable inside ledger formulas.

Token i (1-based) of a prompt sees i tokens under full causal attention; the sums below add
what each token of a prompt of L tokens sees under each mechanism, exactly, in O(1).
"""

from __future__ import annotations


def cdiv(a: int, b: int) -> int:
    """ceil(a / b) for integers: -(-a // b)."""
    return -(-a // b)


def tri(n: int) -> int:
    """1 + 2 + ... + n = n(n+1)/2 (causal attention over n tokens)."""
    return n * (n + 1) // 2


def sum_window(n: int, w: int) -> int:
    """sum_{i=1..n} min(i, w): a window of w keys (the current token included)."""
    m = min(n, w)
    return tri(m) + (n - m) * w


def sum_floor(n: int, m: int) -> int:
    """sum_{i=1..n} floor(i/m): compressed entries visible to token i when every m tokens make one.

    With q = floor(n/m), r = n mod m: blocks j = 1..q-1 contribute j for m tokens each, block q
    contributes q for r + 1 tokens: m q (q-1)/2 + q (r+1).
    """
    q, r = divmod(n, m)
    return m * q * (q - 1) // 2 + q * (r + 1)


def sum_min_floor(n: int, m: int, k: int) -> int:
    """sum_{i=1..n} min(floor(i/m), k): compressed entries seen through a top-k of k.

    floor(i/m) >= k from i = k m on, so the sum is sum_floor(min(n, k m - 1), m) plus k for each
    of the remaining max(0, n - k m + 1) tokens.
    """
    cut = k * m
    return sum_floor(min(n, cut - 1), m) + k * max(0, n - cut + 1)
