"""The fast path: one plain Python function of L per (architecture, workload without its context),
generated once from the very terms ``--explain`` prints.

The engine runs every mechanism's ``costs`` once in compile mode (``lccost.ledger``): no term is
evaluated, each keeps its formula string and symbols. ``compile_parts`` reads each formula (with
``ast``) as a polynomial with integer coefficients over *atoms*: ``L`` itself, each value computed
from L in Python (``env.per_context``: a call of that same function), and each sub-expression that
is not ring arithmetic (a call such as ``sum_window(L, 128)`` or ``min(n, 512)``, a floor division,
a remainder), whose arguments are read the same way. Then it collects like terms across every
term, part and layer of a total: every per-sequence total becomes Σ coefficient x product of
atoms, each distinct atom computed once per call and shared by all the totals (the prefill FLOPs
and their bit-weighted sum have the same atoms). So a point costs one call per distinct atom and
a few integer products per total: no strings, no ``eval`` per term, no ledger objects.

Exactness: only +, - and x (and a power with a small constant exponent, a repeated product) are
rewritten, and integer ring arithmetic is exact in Python; an atom is evaluated by the very
expression the formula writes, with its arguments as Python computes them; a sub-expression
without L is folded to the integer Python gives for it. ``tests/test_compiled.py`` checks the
compiled totals against the ledgers' sums for every mechanism kind, accounting and FLOP
convention over a grid of contexts and at random contexts.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FunctionType
from typing import NamedTuple, cast

from lccost import sums
from lccost.conventions import number_format
from lccost.ledger import (
    FORMULA_NAMESPACE,
    ContextDependent,
    ContextSymbol,
    PartCosts,
    Term,
    compile_formula,
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


def _same_function(a: object, b: object, depth: int = 0) -> bool:
    """Whether two ``per_context`` functions compute the same value: plain functions with the
    same code, defaults and captured values (pure functions of L and what they capture), a
    captured function compared the same way (a page count of a rule, ``compressed._pages``), a
    few levels deep; other callables (``Workload.state_bytes_rule``'s, methods) and captured
    values by their own equality."""
    if a is b:
        return True
    try:
        if type(a) is not FunctionType or type(b) is not FunctionType:
            return bool(a == b)
        if a.__code__ is not b.__code__ or depth > _SAME_FUNCTION_DEPTH:
            return False
        cells_a = tuple(c.cell_contents for c in a.__closure__ or ())
        cells_b = tuple(c.cell_contents for c in b.__closure__ or ())
        return (
            len(cells_a) == len(cells_b)
            and all(_same_function(x, y, depth + 1) for x, y in zip(cells_a, cells_b, strict=True))
            and bool(a.__defaults__ == b.__defaults__)
        )
    except Exception:  # a captured value that cannot be compared: treat as different
        return False


_SAME_FUNCTION_DEPTH = 3


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


Monomial = tuple[int, ...]
"""A product of atoms, by index (sorted, repeated for a power); () is the constant 1."""

Polynomial = dict[Monomial, int]
"""Σ coefficient x monomial; no zero coefficient is kept."""

_RING = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
_OTHER_OPERATORS: dict[type[ast.operator], tuple[str, Callable[[int, int], object]]] = {
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
    ast.LShift: ("<<", operator.lshift),
    ast.RShift: (">>", operator.rshift),
    ast.BitAnd: ("&", operator.and_),
    ast.BitOr: ("|", operator.or_),
    ast.BitXor: ("^", operator.xor),
}
"""Operators kept as atoms (with L) or folded as Python computes them (without)."""
_LARGEST_EXPANDED_POWER = 8
"""A power of an expression with L up to this constant exponent is expanded into products."""


@cache
def _parsed(formula: str) -> ast.expr:
    return ast.parse(formula, mode="eval").body


class _NotAnInt:
    """A symbol whose value is not an int: refused where a formula reads it."""

    def __init__(self, term: str, symbol: str, value: object) -> None:
        self.message = f"term {term!r}: symbol {symbol} = {value!r} is not an int"

    def __str__(self) -> str:
        return self.message


_Env = dict[str, "Polynomial | _NotAnInt"]
"""What each name of a formula stands for."""


@cache
def _inlined() -> dict[str, tuple[list[str], list[ast.stmt]]]:
    """The functions of ``lccost.sums`` that formulas call, read from their source: name ->
    (parameters, body without the docstring), for those whose body is only assignments to names,
    ``q, r = divmod(x, y)`` and a final return (all of them today). The compiled code then
    computes their sub-expressions as atoms shared with the rest of the model (``L//4`` of
    ``sum_floor(L, 4)`` is the ``L//4`` of a compressed cache) instead of calling them."""
    try:
        tree = ast.parse(Path(sums.__file__).read_text(encoding="utf-8"))
    except OSError:  # no source beside the module: the calls stay calls
        return {}
    out: dict[str, tuple[list[str], list[ast.stmt]]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or FORMULA_NAMESPACE.get(node.name) is not getattr(
            sums, node.name, None
        ):
            continue
        arguments = node.args
        if (
            arguments.posonlyargs
            or arguments.vararg
            or arguments.kwonlyargs
            or arguments.kwarg
            or arguments.defaults
            or node.decorator_list
        ):
            continue
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        parameters = [a.arg for a in arguments.args]
        if (
            body
            and all(_simple(s) for s in body[:-1])
            and _returns(body[-1])
            and _names_known(body, parameters)
        ):
            out[node.name] = (parameters, body)
    return out


def _names_known(body: list[ast.stmt], parameters: list[str]) -> bool:
    """Whether every name the body reads is a parameter, a name assigned before, a function of
    the formula namespace or ``divmod`` (read by ``_Normaliser._body``): nothing the generated
    code could not see."""
    known = {*parameters, *FORMULA_NAMESPACE, "divmod"}
    for statement in body:
        value = statement.value if isinstance(statement, ast.Assign | ast.Return) else None
        if value is None:
            return False
        read = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
        if not read <= known:
            return False
        if isinstance(statement, ast.Assign):
            known |= {n.id for n in ast.walk(statement.targets[0]) if isinstance(n, ast.Name)}
    return True


def _simple(statement: ast.stmt) -> bool:
    """``name = expression`` or ``q, r = divmod(x, y)``."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    target, value = statement.targets[0], statement.value
    if isinstance(target, ast.Name):
        return True
    return (
        isinstance(target, ast.Tuple)
        and len(target.elts) == 2
        and all(isinstance(t, ast.Name) for t in target.elts)
        and isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "divmod"
        and len(value.args) == 2
        and not value.keywords
        and not any(isinstance(a, ast.Starred) for a in value.args)
    )


def _returns(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Return) and statement.value is not None


def _accumulate(out: Polynomial, monomial: Monomial, coefficient: int) -> None:
    """``out += coefficient x monomial``, keeping no zero coefficient."""
    total = out.get(monomial, 0) + coefficient
    if total:
        out[monomial] = total
    else:
        out.pop(monomial, None)


def _add(a: Polynomial, b: Polynomial, sign: int = 1) -> Polynomial:
    out = dict(a)
    for monomial, coefficient in b.items():
        _accumulate(out, monomial, sign * coefficient)
    return out


def _multiply(a: Polynomial, b: Polynomial) -> Polynomial:
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            _accumulate(out, tuple(sorted(ma + mb)), ca * cb)
    return out


def _constant(value: int) -> Polynomial:
    return {(): value} if value else {}


def _constant_value(poly: Polynomial) -> int | None:
    """The polynomial's value when it has no atom, else None."""
    if not poly:
        return 0
    if len(poly) == 1 and () in poly:
        return poly[()]
    return None


class _Normaliser:
    """Reads formulas as polynomials over atoms, each atom named once (module docstring)."""

    def __init__(self) -> None:
        self.namespace: dict[str, object] = dict(FORMULA_NAMESPACE)
        self.names: list[str] = ["L"]
        """Each atom's variable in the generated code; atom 0 is L."""
        self.lines: list[str] = []
        """The assignment of each atom after L, in order (an atom's arguments come first)."""
        self._by_text: dict[str, int] = {"L": 0}
        self._memo: dict[object, Polynomial] = {}
        self._functions: list[tuple[Callable[[int], int], int]] = []

    # --- atoms ---------------------------------------------------------------------------

    def _atom(self, text: str) -> Polynomial:
        index = self._by_text.get(text)
        if index is None:
            index = self._by_text[text] = len(self.names)
            name = f"a{index}"
            self.names.append(name)
            self.lines.append(f"{name} = {text}")
        return {(index,): 1}

    def _function(self, fn: Callable[[int], int]) -> Polynomial:
        for known, index in self._functions:
            if known is fn:
                return {(index,): 1}
        for known, index in self._functions:
            if _same_function(known, fn):
                self._functions.append((fn, index))  # found at once next time
                return {(index,): 1}
        index = len(self.names)
        name = f"v{index}"
        self.names.append(name)
        self.namespace[f"f_{name}"] = fn
        what = getattr(fn, "__qualname__", type(fn).__name__)
        self.lines.append(f"{name} = f_{name}(L)  # {what}")
        self._functions.append((fn, index))
        return {(index,): 1}

    # --- reading a formula -----------------------------------------------------------------

    def term(self, term: Term) -> Polynomial:
        """The term's formula with its symbols bound, as a polynomial over atoms (the same
        polynomial object for the same formula and values: do not modify it)."""
        for _, value in term.symbols:
            if type(value) is not int:
                break
        else:  # most terms: no L
            constant_key = (term.formula, term.symbols)
            known = self._memo.get(constant_key)
            if known is None:
                known = self._evaluated(term)
                if known is None:
                    env: _Env = {name: _constant(value) for name, value in term.symbols}
                    known = self._read(_parsed(term.formula), env)
                self._memo[constant_key] = known
            return known
        key: list[object] = [term.formula]
        env = {}
        symbolic = False
        for name, value in term.symbols:
            poly: Polynomial
            if type(value) is int:
                poly = _constant(value)
            elif isinstance(value, ContextSymbol):
                poly = {(0,): 1}
                symbolic = True
            elif isinstance(value, ContextDependent):
                poly = self._function(value.fn)
                symbolic = True
            else:  # refused where the formula uses it
                env[name] = _NotAnInt(term.name, name, value)
                key += (name, id(value))
                continue
            env[name] = poly
            key += (name, *poly.items())
        memo_key = tuple(key)
        known = self._memo.get(memo_key)
        if known is None:
            known = None if symbolic else self._evaluated(term)
            if known is None:
                known = self._read(_parsed(term.formula), env)
            self._memo[memo_key] = known
        return known

    @staticmethod
    def _evaluated(term: Term) -> Polynomial | None:
        """A term without L: its value as the ledgers evaluate it (``lccost.ledger.term``);
        None when that is not an integer (read as written instead)."""
        try:
            value = eval(compile_formula(term.formula), FORMULA_NAMESPACE, dict(term.symbols))
        except Exception:
            return None
        return _constant(value) if type(value) is int else None

    def _read(self, node: ast.expr, env: _Env) -> Polynomial:
        """``node`` as a polynomial, its names bound by ``env``."""
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return _constant(node.value)
        if isinstance(node, ast.Name) and node.id in env:
            value = env[node.id]
            if isinstance(value, _NotAnInt):
                raise TypeError(str(value))
            return value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self._read(node.operand, env)
            return operand if isinstance(node.op, ast.UAdd) else _add({}, operand, -1)
        if isinstance(node, ast.BinOp):
            return self._binary(node, env)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in FORMULA_NAMESPACE
            and node.func.id not in env
            and not node.keywords
            and not any(isinstance(a, ast.Starred) for a in node.args)
        ):
            return self._call(node.func.id, [self._read(a, env) for a in node.args])
        return self._atom(self._verbatim(node, env))

    def _binary(self, node: ast.BinOp, env: _Env) -> Polynomial:
        left, right = self._read(node.left, env), self._read(node.right, env)
        return self._operation(type(node.op), left, right) or self._atom(self._verbatim(node, env))

    def _operation(
        self, op: type[ast.operator], left: Polynomial, right: Polynomial
    ) -> Polynomial | None:
        """``left op right``; None for an operator no formula uses (then read as written)."""
        if op is ast.Add:
            return _add(left, right)
        if op is ast.Sub:
            return _add(left, right, -1)
        if op is ast.Mult:
            return _multiply(left, right)
        operator = _OTHER_OPERATORS.get(op)
        if operator is None:
            return None
        symbol, compute = operator
        a, b = _constant_value(left), _constant_value(right)
        if op is ast.Pow and b is not None and 0 <= b <= _LARGEST_EXPANDED_POWER and a is None:
            power: Polynomial = {(): 1}
            for _ in range(b):
                power = _multiply(power, left)
            return power
        if a is not None and b is not None:
            folded = self._fold(lambda: compute(a, b))
            if folded is not None:
                return folded
        if op in (ast.FloorDiv, ast.Mod) and a is None and b:
            # g x P // (g x k) = P // k and g x P % (g x k) = g x (P % k) for g > 0 (exact for
            # Python's floored division): a common factor of the numerator's coefficients and the
            # divisor leaves, and with k = ±1 the atom goes (2*q*q - 2*q, not (4*q*q - 4*q)//2).
            g = math.gcd(b, *left.values())
            if g > 1:
                reduced, k = {m: c // g for m, c in left.items()}, b // g
                if op is ast.FloorDiv:
                    if k in (1, -1):
                        return {m: c * k for m, c in reduced.items()}
                    return self._atom(f"{self._operand(reduced)}//{k}")
                if k in (1, -1):
                    return {}
                return _multiply(_constant(g), self._atom(f"{self._operand(reduced)}%{k}"))
        return self._atom(f"{self._operand(left)}{symbol}{self._operand(right)}")

    def _call(self, name: str, arguments: list[Polynomial]) -> Polynomial:
        """``name(*arguments)``: folded without L; a function of ``lccost.sums`` written out
        (``_inlined``), its body read like a formula; else an atom."""
        values = [_constant_value(p) for p in arguments]
        if all(v is not None for v in values):
            fn = cast(Callable[..., object], FORMULA_NAMESPACE[name])
            folded = self._fold(lambda: fn(*values))
            if folded is not None:
                return folded
        inlined = _inlined().get(name)
        if inlined is not None and len(inlined[0]) == len(arguments):
            return self._body(inlined[1], dict(zip(inlined[0], arguments, strict=True)))
        texts = [self.render(p) for p in arguments]
        if name in ("min", "max"):
            texts = sorted(set(texts))  # min and max of integers: any order, repeats dropped
            if len(texts) == 1:
                return arguments[0]
        return self._atom(f"{name}({', '.join(texts)})")

    def _body(self, statements: list[ast.stmt], env: _Env) -> Polynomial:
        """A function body of the forms ``_inlined`` accepts, its parameters bound by ``env``."""
        for statement in statements:
            if isinstance(statement, ast.Return):
                assert statement.value is not None  # _inlined accepts no bare return
                return self._read(statement.value, env)
            assert isinstance(statement, ast.Assign)
            target, value = statement.targets[0], statement.value
            if isinstance(target, ast.Name):
                env[target.id] = self._read(value, env)
                continue
            # q, r = divmod(x, y): (x // y, x % y), Python's definition of divmod for ints
            assert isinstance(target, ast.Tuple) and isinstance(value, ast.Call)
            x, y = (self._read(a, env) for a in value.args)
            quotient, remainder = (cast(ast.Name, t).id for t in target.elts)
            env[quotient] = cast(Polynomial, self._operation(ast.FloorDiv, x, y))
            env[remainder] = cast(Polynomial, self._operation(ast.Mod, x, y))
        raise AssertionError("an inlined function without a return")  # _inlined refuses it

    @staticmethod
    def _fold(compute: Callable[[], object]) -> Polynomial | None:
        """The integer a sub-expression without L evaluates to; None when it is not an integer
        or raises (then it stays as written, to raise or give what it gives at every point, as
        the ledgers do)."""
        try:
            value = compute()
        except Exception:
            return None
        return _constant(value) if type(value) is int else None

    def _verbatim(self, node: ast.expr, env: _Env) -> str:
        """``node`` as written, its names replaced by their values or atoms."""
        normaliser = self

        class Substitute(ast.NodeTransformer):
            def visit_Name(self, name: ast.Name) -> ast.expr:
                if name.id not in env:
                    return name
                text = normaliser.render(normaliser._read(name, env))
                return ast.parse(f"({text})", mode="eval").body

        tree = Substitute().visit(ast.parse(ast.unparse(node), mode="eval"))
        return f"({ast.unparse(tree)})"

    # --- writing --------------------------------------------------------------------------

    def _operand(self, poly: Polynomial) -> str:
        """A polynomial as an operand of a binary operator: parenthesized unless one name or a
        non-negative integer."""
        text = self.render(poly)
        if text.isidentifier() or text.isdigit():
            return text
        return f"({text})"

    def render(self, poly: Polynomial, names: dict[Monomial, str] | None = None) -> str:
        """``c1*a1 + c2*a1*a2 ... + c0`` in a fixed order (by degree and atom, the constant last);
        ``names``: variables that hold products computed once."""
        if not poly:
            return "0"
        out = ""
        for monomial in sorted(poly, key=lambda m: (not m, len(m), m)):
            coefficient = poly[monomial]
            if names and monomial in names:
                factors = [names[monomial]]
            else:
                factors = [self.names[i] for i in monomial]
            magnitude = abs(coefficient)
            text = "*".join(([str(magnitude)] if magnitude != 1 or not factors else []) + factors)
            if not out:
                out = text if coefficient > 0 else f"-{text}"
            else:
                out += f" + {text}" if coefficient > 0 else f" - {text}"
        return out


def _as_multiple(poly: Polynomial, of: Polynomial) -> tuple[int | None, Polynomial]:
    """(k, poly - k x ``of``) for the integer k that leaves the fewest terms, when that saves
    more than the one product it costs; else (None, poly)."""
    counts: dict[int, int] = {}
    for monomial, coefficient in of.items():
        k, remainder = divmod(poly.get(monomial, 0), coefficient)
        if not remainder and k:
            counts[k] = counts.get(k, 0) + 1
    if not counts:
        return None, poly
    k = max(counts, key=lambda c: (counts[c], c))
    residual = _add(poly, {m: k * c for m, c in of.items()}, -1)
    return (k, residual) if len(residual) + 1 < len(poly) else (None, poly)


def compile_parts(parts: Sequence[tuple[PartCosts, int]], dtype: str) -> CompiledModel:
    """Compile the per-sequence totals of ``parts`` (each ``PartCosts`` built in compile mode,
    with how many times it occurs) into one function of L. ``dtype``: the weight dtype, for the
    compute format of FLOP terms that pin none."""
    normaliser = _Normaliser()
    default_bits = number_format(dtype).element_bits

    read: dict[int, Polynomial] = {}  # by id(term): a term in several totals is read once

    def total(quantity: str, weighted: bool = False) -> Polynomial:
        """Σ over parts of occurrences x Σ of the part's terms (x each term's bits)."""
        out: Polynomial = {}
        for part, occurrences in parts:
            for term in getattr(part, quantity):
                factor = occurrences
                if weighted:
                    factor *= (
                        number_format(term.compute).element_bits if term.compute else default_bits
                    )
                poly = read.get(id(term))
                if poly is None:
                    poly = read[id(term)] = normaliser.term(term)
                for monomial, coefficient in poly.items():
                    out[monomial] = out.get(monomial, 0) + factor * coefficient
        return {monomial: c for monomial, c in out.items() if c}

    totals = [total(q) for q in QUANTITIES]
    totals += [total("prefill_flops", weighted=True), total("decode_flops", weighted=True)]
    params = [total("params"), total("active")]
    params_total, params_active = (_constant_value(p) for p in params)
    if params_total is None or params_active is None:
        raise TypeError("a parameter count depends on the context L")

    # A bit-weighted FLOP total is mostly its FLOP total times the bits of the weight dtype:
    # written k x that total plus what differs (integer ring arithmetic, exact), it costs one
    # product and the terms of other precisions instead of all of its own terms.
    multiples: dict[int, tuple[int, int]] = {}  # weighted total -> (its FLOP total, k)
    for weighted, flops in ((5, 3), (6, 4)):
        k, residual = _as_multiple(totals[weighted], totals[flops])
        if k is not None:
            multiples[weighted] = flops, k
            totals[weighted] = residual

    # Products of atoms that more than one total uses are computed once.
    uses: dict[Monomial, int] = {}
    for poly in totals:
        for monomial in poly:
            if len(monomial) > 1:
                uses[monomial] = uses.get(monomial, 0) + 1
    products = {m: f"p{i}" for i, m in enumerate(sorted(m for m, n in uses.items() if n > 1))}
    body = [*normaliser.lines]
    body += [f"{name} = {'*'.join(normaliser.names[i] for i in m)}" for m, name in products.items()]
    values = [normaliser.render(p, products) for p in totals]
    for weighted, (flops, k) in multiples.items():
        if f"t{flops}" not in values:
            body.append(f"t{flops} = {values[flops]}  # {QUANTITIES[flops]}")
            values[flops] = f"t{flops}"
        rest = "" if not totals[weighted] else values[weighted]
        values[weighted] = f"{k}*t{flops}" + (
            "" if not rest else f" - {rest[1:]}" if rest.startswith("-") else f" + {rest}"
        )

    def block(indent: str, opening: str, closing: str) -> str:
        """The statements of one point at ``indent``, its totals between ``opening`` and
        ``closing``."""
        lines = [*body, f"{opening}new(Totals, (", *(f"    {v}," for v in values), f")){closing}"]
        return "".join(f"{indent}{line}\n" for line in lines)

    source = (
        "# new(Totals, (...)) is tuple.__new__: a Totals without NamedTuple's Python __new__\n"
        f"def at(L):\n{block('    ', 'return ', '')}\n"
        "def many(contexts):\n    out = []\n    append = out.append\n    for L in contexts:\n"
        f"{block('        ', 'append(', ')')}    return out\n"
    )
    normaliser.namespace["Totals"] = Totals
    normaliser.namespace["new"] = tuple.__new__
    code = compile(source, "<lccost compiled costs>", "exec")
    exec(code, normaliser.namespace)  # our own generated source, from the mechanisms' formulas
    return CompiledModel(
        params_total,
        params_active,
        cast(Callable[[int], Totals], normaliser.namespace["at"]),
        cast(Callable[[Iterable[int]], list[Totals]], normaliser.namespace["many"]),
        source,
    )
