"""The fast path: one plain Python function of L per (architecture, workload without its context),
generated once from the very terms ``--explain`` prints.

The engine runs every mechanism's ``costs`` once in compile mode (``lccost.ledger``): terms that
do not depend on L are evaluated to integers, the others keep their formula string and symbols.
``compile_parts`` writes each per-sequence total as one Python expression: the constant terms
summed, plus each L-dependent formula with its symbols replaced by their values (``L`` stays a
variable; a value computed from L in Python, ``env.per_context``, becomes a call of that same
function). Layers whose expressions are the same text are written once with their count. The
expressions are compiled by CPython once (it folds the constant products), so a point costs a
few dozen integer operations: no strings, no ``eval`` per term, no ledger objects.

Exactness: the compiled code evaluates the same formula strings with the same values in Python's
exact integers, and ``tests/test_compiled.py`` checks it against the ledgers' sums for every
mechanism kind, accounting and FLOP convention over a grid of contexts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, cast

from lccost.conventions import number_format
from lccost.ledger import (
    FORMULA_NAMESPACE,
    ContextDependent,
    ContextSymbol,
    PartCosts,
    Symbolic,
    Term,
)

QUANTITIES = (
    "cache_bytes",
    "cache_read_bytes",
    "cache_write_bytes",
    "prefill_flops",
    "decode_flops",
)
"""The per-sequence ledgers a point sums, in ``Totals`` order."""


class Totals(NamedTuple):
    """Every per-sequence total of one model at one context L.

    ``*_flop_bits``: the FLOPs weighted by the bits of each term's compute format (its pinned
    ``compute_formats`` entry, else the weight dtype); divided by 8 they are "equivalent FP8
    FLOPs" (``lccost.engine.ModelCost.fp8_equivalent``).
    """

    cache_bytes: int
    cache_read_bytes: int
    cache_write_bytes: int
    prefill_flops: int
    decode_flops: int
    prefill_flop_bits: int
    decode_flop_bits: int


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def _same_function(a: Callable[[int], int], b: Callable[[int], int]) -> bool:
    """Whether two ``per_context`` functions compute the same value: the same code, defaults
    and captured values (pure functions of L and what they capture)."""
    if a is b:
        return True
    code_a, code_b = getattr(a, "__code__", None), getattr(b, "__code__", None)
    if code_a is None or code_a is not code_b:
        return False
    cells_a = tuple(c.cell_contents for c in getattr(a, "__closure__", None) or ())
    cells_b = tuple(c.cell_contents for c in getattr(b, "__closure__", None) or ())
    try:
        return bool(
            cells_a == cells_b
            and getattr(a, "__defaults__", None) == getattr(b, "__defaults__", None)
        )
    except Exception:  # a captured value that cannot be compared: treat as different
        return False


@dataclass(frozen=True)
class CompiledModel:
    """One model at one workload (context aside), compiled: ``at(L)`` and ``many(contexts)``."""

    params_total: int
    params_active: int
    at: Callable[[int], Totals]
    """Every per-sequence total at context L."""
    many: Callable[[Iterable[int]], list[Totals]]
    """``at`` for each context, in one call (sweeps, ``fit``)."""
    source: str
    """The generated code (for reading and debugging)."""


class _Writer:
    """Turns terms into Python expressions, naming each distinct context-dependent value once."""

    def __init__(self) -> None:
        self.namespace: dict[str, object] = dict(FORMULA_NAMESPACE)
        self.functions: list[tuple[Callable[[int], int], str]] = []
        self.prelude: list[str] = []

    def _variable(self, value: ContextDependent) -> str:
        for fn, name in self.functions:
            if _same_function(fn, value.fn):
                return name
        name = f"v{len(self.functions)}"
        self.functions.append((value.fn, name))
        self.namespace[f"f_{name}"] = value.fn
        self.prelude.append(f"{name} = f_{name}(L)")
        return name

    def expression(self, term: Term) -> str:
        symbols = dict(term.symbols)

        def replace(match: re.Match[str]) -> str:
            name = match.group(0)
            if name not in symbols:
                return name  # a function of the formula namespace: min, cdiv, tri, ...
            value = symbols[name]
            if isinstance(value, ContextSymbol):
                return "L"
            if isinstance(value, ContextDependent):
                return self._variable(value)
            if type(value) is not int:
                raise TypeError(f"term {term.name!r}: symbol {name} = {value!r} is not an int")
            return f"({value})"

        return f"({_NAME.sub(replace, term.formula)})"


def _is_symbolic(term: Term) -> bool:
    return not isinstance(term.value, int)


def compile_parts(parts: Sequence[tuple[PartCosts, int]], dtype: str) -> CompiledModel:
    """Compile the per-sequence totals of ``parts`` (each ``PartCosts`` built in compile mode,
    with how many times it occurs) into one function of L. ``dtype``: the weight dtype, for the
    compute format of FLOP terms that pin none."""
    writer = _Writer()
    default_bits = number_format(dtype).element_bits

    def total(quantity: str, weighted: bool = False) -> str:
        """One expression: Σ over parts of occurrences x Σ of the part's terms."""
        constant = 0
        counts: dict[str, int] = {}  # expression text -> occurrences
        for part, occurrences in parts:
            fixed: list[str] = []  # terms without L first, so that CPython folds them
            varying: list[str] = []
            for term in getattr(part, quantity):
                bits = (
                    (number_format(term.compute).element_bits if term.compute else default_bits)
                    if weighted
                    else 1
                )
                if not _is_symbolic(term):
                    constant += occurrences * bits * term.value
                    continue
                expression = writer.expression(term)
                expression = expression if bits == 1 else f"{bits}*{expression}"
                depends = any(isinstance(v, Symbolic) for _, v in term.symbols)
                (varying if depends else fixed).append(expression)
            if fixed or varying:
                text = "+".join(fixed + varying)
                counts[text] = counts.get(text, 0) + occurrences
        return " + ".join([str(constant)] + [f"{n}*({text})" for text, n in counts.items()])

    outputs = [total(q) for q in QUANTITIES]
    outputs += [total("prefill_flops", weighted=True), total("decode_flops", weighted=True)]
    params = f"({total('params')}, {total('active')})"
    prelude = "".join(f"    {line}\n" for line in writer.prelude)
    source = (
        f"def at(L):\n{prelude}    return Totals({', '.join(outputs)})\n\n"
        "def many(contexts):\n    return [at(L) for L in contexts]\n\n"
        f"def params():\n    return {params}\n"
    )
    writer.namespace["Totals"] = Totals
    code = compile(source, "<lccost compiled costs>", "exec")
    exec(code, writer.namespace)  # our own generated source, from the mechanisms' formulas
    params_total, params_active = cast(Callable[[], tuple[int, int]], writer.namespace["params"])()
    return CompiledModel(
        params_total,
        params_active,
        cast(Callable[[int], Totals], writer.namespace["at"]),
        cast(Callable[[Iterable[int]], list[Totals]], writer.namespace["many"]),
        source,
    )
