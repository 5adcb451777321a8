"""Named terms: every figure is the sum of terms, each a formula written once with its symbols.

A term is built from a formula in the symbols of the mechanism's source (``"2*D*H*d"``) and the
values of those symbols; its value is the formula evaluated in exact integer arithmetic. The same
formula string is what ``--explain`` prints, with the numbers substituted, so the explanation can
never drift from the arithmetic.

The same ``costs`` code serves two modes (``lccost.mechanisms.base.LayerEnv``):
- ledger mode (a concrete context L): every term is evaluated; ``--explain`` prints the ledgers;
- compile mode (``CONTEXT`` in place of L): terms that depend on L are recorded, not evaluated,
  and ``lccost.compiled`` turns their formula strings into one plain Python function of L per
  model and workload. A value derived from L in Python (tokens held under an accounting) is
  written ``env.per_context(lambda L: ...)``; in compile mode it is a ``ContextDependent``
  holding that very function, called by the compiled code. Both modes run the same formulas, so
  the fast path cannot drift from the explanation (``tests/test_compiled.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from types import CodeType
from typing import NoReturn, cast

from lccost import sums

_ALLOWED_NAMES = {
    "min": min,
    "max": max,
    "cdiv": sums.cdiv,
    "tri": sums.tri,
    "sum_window": sums.sum_window,
    "sum_floor": sums.sum_floor,
    "sum_min_floor": sums.sum_min_floor,
}


FORMULA_NAMESPACE = {"__builtins__": {}, **_ALLOWED_NAMES}
"""The names a formula may use besides its symbols."""


@cache
def compile_formula(formula: str) -> CodeType:
    return compile(formula, f"<formula {formula}>", "eval")


class Symbolic:
    """An integer that depends on the context L, while a model is compiled (module docstring).

    Any arithmetic or comparison on it raises: a mechanism that computes with L in Python,
    outside a formula or ``env.per_context``, fails loudly instead of compiling a wrong number.
    """

    __slots__ = ()

    def _refuse(self, *_: object) -> NoReturn:
        raise TypeError(
            "a cost computes with the context L outside a formula; write it in the "
            "term's formula or in env.per_context(lambda L: ...)"
        )

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __floordiv__ = __rfloordiv__ = __truediv__ = __rtruediv__ = __mod__ = __rmod__ = _refuse
    __pow__ = __rpow__ = __neg__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __eq__ = __ne__ = __bool__ = __index__ = __int__ = __float__ = _refuse
    __hash__ = None  # type: ignore[assignment]


class ContextSymbol(Symbolic):
    """The context L itself (``CONTEXT``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "L"


class ContextDependent(Symbolic):
    """A symbol's value as a function of L: ``fn(L)``, e.g. the tokens an accounting holds."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[int], int]) -> None:
        self.fn = fn

    def __repr__(self) -> str:
        return f"<value of L: {self.fn!r}>"


CONTEXT: int = cast(int, ContextSymbol())
"""Stands for L in compile mode (typed ``int`` so ``costs`` code reads the same in both modes)."""

UNEVALUATED: int = cast(int, Symbolic())
"""The value of a compile-mode term that depends on L: any use of it raises."""


@dataclass(frozen=True, slots=True)
class Term:
    """One named contribution: ``value`` = ``formula`` evaluated with ``symbols``.

    ``compute``: for a FLOP term, the number format its operands are multiplied in when the
    model's spec pins one (``compute_formats``); ``None`` means the weight dtype.
    """

    name: str
    formula: str
    symbols: tuple[tuple[str, int], ...]
    value: int
    compute: str | None = None

    def substituted(self) -> str:
        """The formula with each symbol replaced by its value, e.g. ``2*1536*8*256``."""
        values = dict(self.symbols)

        def replace(match: re.Match[str]) -> str:
            name = match.group(0)
            return f"{values[name]:,}" if name in values else name

        return re.sub(r"[A-Za-z_][A-Za-z_0-9]*", replace, self.formula)


_DEFERRED: ContextVar[bool] = ContextVar("lccost_terms_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Compile mode: no term is evaluated here, every one is left to the compiled code (one
    ``compile`` per model, not one per formula; CPython folds the constant ones)."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def term(name: str, formula: str, **symbols: int) -> Term:
    """Evaluate ``formula`` (Python syntax, ints, ``min``/``max``/``cdiv``) with ``symbols``.

    A symbol that depends on L in compile mode, or compile mode itself (``deferred``), leaves
    the term unevaluated (``UNEVALUATED``).
    """
    if _DEFERRED.get():
        return Term(name, formula, tuple(symbols.items()), UNEVALUATED)
    for symbol in symbols.values():
        if isinstance(symbol, Symbolic):
            return Term(name, formula, tuple(symbols.items()), UNEVALUATED)
    value = eval(compile_formula(formula), FORMULA_NAMESPACE, symbols)
    if not isinstance(value, int):
        raise TypeError(f"formula {formula!r} gave {value!r}, not an integer")
    return Term(name, formula, tuple(symbols.items()), value)


@dataclass(frozen=True, slots=True)
class Ledger:
    """An ordered set of terms; its total is always the sum of its terms."""

    terms: tuple[Term, ...] = ()

    @property
    def total(self) -> int:
        return sum(t.value for t in self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __add__(self, other: Ledger) -> Ledger:
        return Ledger(self.terms + other.terms)

    def computed_in(self, formats: Mapping[str, str]) -> Ledger:
        """The same terms, those named in ``formats`` tagged with their compute format."""
        if not formats:
            return self
        return Ledger(
            tuple(
                Term(t.name, t.formula, t.symbols, t.value, formats.get(t.name, t.compute))
                for t in self.terms
            )
        )


def ledger(*terms: Term | None) -> Ledger:
    """A ledger of the given terms, leaving out ``None`` (a term that does not apply)."""
    return Ledger(tuple(t for t in terms if t is not None))


NO_TERMS = Ledger()


def weight_flops(params: Ledger, tokens: int) -> Ledger:
    """FLOPs of running ``tokens`` tokens through the weights of ``params``: 2·P·tokens each."""
    return Ledger(
        tuple(
            term(t.name, f"2*({t.formula})*tokens", tokens=tokens, **dict(t.symbols))
            for t in params
        )
    )


@dataclass(frozen=True, slots=True)
class PartCosts:
    """What one part of a layer (attention, feed-forward, ...) costs, as ledgers.

    Per sequence: ``cache_bytes`` held after L tokens; ``cache_read_bytes`` and
    ``cache_write_bytes`` moved by one decode step; ``prefill_flops`` for a prompt of L tokens;
    ``decode_flops`` for one new token at context L. Weights: ``params`` (all) and
    ``active_params`` (those one token uses).
    """

    params: Ledger = NO_TERMS
    active_params: Ledger | None = None
    cache_bytes: Ledger = NO_TERMS
    cache_read_bytes: Ledger = NO_TERMS
    cache_write_bytes: Ledger = NO_TERMS
    prefill_flops: Ledger = NO_TERMS
    decode_flops: Ledger = NO_TERMS

    @property
    def active(self) -> Ledger:
        return self.params if self.active_params is None else self.active_params

    def __add__(self, other: PartCosts) -> PartCosts:
        """Both parts' terms, ledger by ledger (a mechanism made of branches sums them)."""
        active = (
            None
            if self.active_params is None and other.active_params is None
            else self.active + other.active
        )
        return PartCosts(
            params=self.params + other.params,
            active_params=active,
            cache_bytes=self.cache_bytes + other.cache_bytes,
            cache_read_bytes=self.cache_read_bytes + other.cache_read_bytes,
            cache_write_bytes=self.cache_write_bytes + other.cache_write_bytes,
            prefill_flops=self.prefill_flops + other.prefill_flops,
            decode_flops=self.decode_flops + other.decode_flops,
        )
