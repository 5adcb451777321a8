"""The fast path and ``--explain`` agree on every figure.

``lccost.compiled`` evaluates a point with one generated Python function of L per model and
workload; the ledgers ``--explain`` prints are built term by term from the same formulas. Here
the compiled totals are compared with sums taken over the ledgers' terms, exactly, for every
mechanism kind (the generated architectures of ``conftest.valid_specs`` and every shipped
model), every accounting, both FLOP conventions, several cache dtypes and a grid of contexts
that crosses every page, window and compression boundary.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

import pytest
from conftest import architecture_of, valid_specs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lccost.accounting import LlamaCppParams
from lccost.api import load, make_workload
from lccost.compiled import QUANTITIES, CompiledModel, _inlined, compile_parts
from lccost.conventions import MAX_CONTEXT_TOKENS, Accounting, FlopConvention, number_format
from lccost.engine import cost, part_ledgers
from lccost.errors import LccostError
from lccost.ledger import CONTEXT, ContextDependent, Ledger, PartCosts, deferred, ledger, term
from lccost.mechanisms.attention import Attention
from lccost.mechanisms.base import LayerEnv
from lccost.spec.loader import shipped_configs
from lccost.spec.model import Architecture
from lccost.workload import Workload

GRID = sorted(
    {
        0,
        1,
        2,
        3,
        4,
        5,
        7,
        8,
        9,
        15,
        16,
        17,
        63,
        64,
        65,
        127,
        128,
        129,
        255,
        256,
        257,
        511,
        512,
        513,
        767,
        768,
        769,
        1023,
        1024,
        1025,
        4095,
        4096,
        4097,
        131071,
        131072,
        131073,
        1 << 20,
        (1 << 20) + 5,
        10**9 + 7,
    }
)
"""Contexts at and around every power of two a page, window or compression rate uses."""

KV_DTYPES = (None, "native", "fp8", "int8", "nvfp4")

SHIPPED_GRID = (
    0,
    1,
    3,
    4,
    5,
    127,
    128,
    129,
    255,
    256,
    257,
    767,
    768,
    769,
    4097,
    131072,
    (1 << 20) + 5,
)
"""A smaller grid for the full-size models (every boundary kind, fewer repeats of each)."""


def ledger_figures(architecture: Architecture, workload: Workload) -> tuple[int, ...]:
    """Every per-sequence total, summed term by term over the ledgers, and the FLOPs weighted
    by each term's compute format (bits), as ``--explain`` shows them."""
    layers, model_parts = part_ledgers(architecture, workload)
    parts: list[PartCosts] = [p for layer in layers for p in layer.parts]
    parts += [p for _, p in model_parts]
    totals = [sum(t.value for part in parts for t in getattr(part, q)) for q in QUANTITIES]
    default_bits = number_format(workload.dtype).element_bits
    for quantity in ("prefill_flops", "decode_flops"):
        totals.append(
            sum(
                t.value * (number_format(t.compute).element_bits if t.compute else default_bits)
                for part in parts
                for t in getattr(part, quantity)
            )
        )
    totals.append(sum(p.params.total for p in parts))
    totals.append(sum(p.active.total for p in parts))
    return tuple(totals)


def workload_or_none(
    context: int,
    accounting: Accounting,
    flops: FlopConvention,
    kv_dtype: str | None,
    block_size: int | None,
) -> Workload | None:
    try:
        return make_workload(
            context, accounting=accounting, flops=flops, kv_dtype=kv_dtype, block_size=block_size
        )
    except LccostError:
        return None


def outcome(compute: Any) -> Any:
    """A computation's value, or the refusal it raised (both paths must refuse alike)."""
    try:
        return compute()
    except LccostError as error:
        return f"refused: {error}"


def assert_agree(architecture: Architecture, workload: Workload) -> None:
    def fast() -> tuple[int, ...]:
        model = cost(architecture, workload)
        return (*model.totals, model.params_total, model.params_active)

    assert outcome(fast) == outcome(lambda: ledger_figures(architecture, workload)), (
        architecture.name,
        workload,
    )


@pytest.mark.parametrize("name", sorted(shipped_configs()))
def test_every_shipped_model_agrees_with_its_ledgers(name: str) -> None:
    architecture = load(name)
    for accounting, flops, kv_dtype in itertools.product(
        Accounting, FlopConvention, (None, "native")
    ):
        if workload_or_none(0, accounting, flops, kv_dtype, None) is None:
            continue  # a combination the workload itself refuses (no such engine cache)
        for context in SHIPPED_GRID:
            assert_agree(
                architecture,
                make_workload(context, accounting=accounting, flops=flops, kv_dtype=kv_dtype),
            )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    valid_specs(),
    st.sampled_from(list(Accounting)),
    st.sampled_from(list(FlopConvention)),
    st.sampled_from(KV_DTYPES),
    st.sampled_from([None, 16, 64, 256, 512]),
    st.lists(st.integers(0, 3_000_000), min_size=1, max_size=6),
)
def test_generated_architectures_agree_with_their_ledgers(
    spec: dict[str, Any],
    accounting: Accounting,
    flops: FlopConvention,
    kv_dtype: str | None,
    block_size: int | None,
    contexts: list[int],
) -> None:
    if workload_or_none(0, accounting, flops, kv_dtype, block_size) is None:
        return  # a combination the workload itself refuses (no such engine cache)
    architecture = architecture_of(spec)
    for context in [*contexts, *GRID[::2]]:
        assert_agree(
            architecture,
            make_workload(
                context,
                accounting=accounting,
                flops=flops,
                kv_dtype=kv_dtype,
                block_size=block_size,
            ),
        )


def test_many_contexts_in_one_call_equal_one_at_a_time() -> None:
    architecture = load("deepseek-v4-flash")
    workload = make_workload(0, accounting="vllm", kv_dtype="native")
    compiled = cost(architecture, workload).compiled
    contexts = list(range(0, 5000, 7))
    assert compiled.many(contexts) == [compiled.at(context) for context in contexts]


class _ComputesWithTheContext(Attention):
    """A mechanism that computes with L in Python, outside a formula and ``per_context``."""

    def costs(self, env: LayerEnv) -> PartCosts:
        held = env.context_tokens + 1  # the mistake compile mode must refuse
        return PartCosts(cache_bytes=ledger(term("kv_cache", "n*e", n=held, e=2)))


def test_arithmetic_on_the_context_outside_a_formula_is_refused_when_compiling() -> None:
    spec = _ComputesWithTheContext(query_heads=1, kv_heads=1, head_dim=1)
    env = LayerEnv(8, Workload(0), compiling=True)
    with pytest.raises(TypeError, match="outside a formula"):
        spec.costs(env)
    # Ledger mode is unaffected: the same code at L = 5 holds 6 tokens of 2 bytes.
    assert spec.costs(LayerEnv(8, Workload(5))).cache_bytes.total == 12


def test_a_compiled_point_matches_a_hand_derived_figure() -> None:
    # Llama 3.1 8B, reference, bf16, L = 1000: 32 layers x 8 KV heads x 128 x 2 (K and V)
    # x 2 bytes = 131,072 bytes per token, so 131,072,000 bytes (meta-llama config.json).
    model = cost(load("llama-3.1-8b"), make_workload(1000))
    assert model.kv_cache_bytes == 32 * 8 * 128 * 2 * 2 * 1000


@pytest.mark.parametrize(
    "params",
    [
        LlamaCppParams(n_seq_max=1, kv_unified=False),
        LlamaCppParams(swa_full=True, n_ubatch=128),
    ],
)
def test_llamacpp_settings_are_part_of_the_compiled_model(params: LlamaCppParams) -> None:
    # Two workloads that differ only in llama.cpp's settings must not share a compiled model.
    for name in ("gemma-4-e2b", "deepseek-v4-flash"):
        architecture = load(name)
        for context in SHIPPED_GRID:
            workload = replace(make_workload(context, accounting="llamacpp"), llamacpp=params)
            assert_agree(architecture, workload)


# --- the normalisation of formulas into polynomials (lccost.compiled) ------------------------

BOUNDARIES = (1, 4, 16, 64, 128, 256, 512, 1024, 2048, 4096, 8192)
"""Windows, compression rates, pages, top-k cuts and chunks of the shipped models."""


@st.composite
def contexts(draw: st.DrawFn) -> int:
    """A context at or next to a boundary's multiple, or anywhere up to the largest allowed."""
    near = draw(st.sampled_from(BOUNDARIES)) * draw(st.integers(0, 1 << 12))
    return draw(
        st.one_of(
            st.integers(max(0, near - 2), near + 2),
            st.integers(0, 1 << 22),
            st.integers(0, MAX_CONTEXT_TOKENS),
        )
    )


@pytest.mark.parametrize("accounting", list(Accounting))
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(contexts(), min_size=3, max_size=3))
def test_every_shipped_model_agrees_at_random_contexts(
    accounting: Accounting, drawn: list[int]
) -> None:
    # The polynomial form collects terms across layers and rewrites lccost.sums' closed forms;
    # any slip shows as a difference from the ledgers somewhere, so: every model, every
    # accounting, contexts at boundaries and at the extremes.
    for name in sorted(shipped_configs()):
        architecture = load(name)
        for context in [0, 1, 1 << 20, MAX_CONTEXT_TOKENS, *drawn]:
            workload = workload_or_none(context, accounting, FlopConvention.USEFUL, "native", None)
            if workload is not None:
                assert_agree(architecture, workload)
                assert_agree(architecture, replace(workload, flops=FlopConvention.EXECUTED))


def _one_term_model(formula: str, **symbols: int) -> tuple[CompiledModel, Callable[[int], int]]:
    """A model of one cache term ``formula`` compiled, and the formula evaluated as the ledgers
    do (``lccost.ledger.term`` at a concrete L)."""
    with deferred():
        part = PartCosts(cache_bytes=ledger(term("t", formula, L=CONTEXT, **symbols)))
    compiled = compile_parts([(part, 3)], "bf16")

    def by_ledger(L: int) -> int:
        return 3 * term("t", formula, L=L, **symbols).value

    return compiled, by_ledger


@pytest.mark.parametrize(
    "formula",
    [
        "(L+1)//m - L//m",
        "-(-L//m)*m - L",  # negative numerators: floor, not truncation
        "(m - L)//m + (L - m)%m",
        "(L - m)**2 - L*L + 2*m*L",  # a power expanded, terms that cancel
        "(-m)**3 + L**0 + (-2)**e",
        "min(L, m) + max(m, L) - L - m + min(m, L)",  # the same min twice, any order
        "tri(L%m) + tri(L)//m + sum_window(L, m) + sum_floor(L, m) + sum_min_floor(L, m, e)",
        "cdiv(L, m)*m + cdiv(m - L, m)",
        "sum_floor(L - m, m) + sum_window(L - m*e, m)",  # negative arguments
        "2*m*e*(L+1)*(L+2) - 2*m*e*L*L",
        # a common factor of numerator and divisor: 6L+3 = 3(2L+1), 9 = 3·3; negative divisors
        "(6*L + 3)//9 + (6*L + 3)%9 + (4*L*L - 4*L)//2 + (6*L + 4)//-2 + (6*L + 4)%-2",
        "(2*L + 2)//4 - (L + 1)//2 + (e*L - e)%(e*m) + (-e*L)//(-e)",
    ],
)
def test_the_polynomial_form_equals_the_formula(formula: str) -> None:
    compiled, by_ledger = _one_term_model(formula, m=128, e=5)
    for L in [0, 1, 2, 127, 128, 129, 639, 640, 641, 1 << 20, MAX_CONTEXT_TOKENS]:
        assert compiled.at(L).cache_bytes == by_ledger(L), (formula, L)


def test_like_terms_of_different_layers_are_collected_into_one() -> None:
    # Two layers with L*e and one with L*(e + 1): one monomial, 2*3*L + 4*L = 10*L, and one
    # shared atom L//4 for floor(L/4) written two ways (a single term's form, documented).
    with deferred():
        a = PartCosts(cache_bytes=ledger(term("kv", "L*e + L//m", L=CONTEXT, e=3, m=4)))
        b = PartCosts(cache_bytes=ledger(term("kv", "L*(e+1) + (L//m)*2", L=CONTEXT, e=3, m=4)))
    compiled = compile_parts([(a, 2), (b, 1)], "bf16")
    assert "return new(Totals, (\n        10*L + 4*a1," in compiled.source
    assert compiled.at(1001).cache_bytes == 10 * 1001 + 4 * (1001 // 4)


def test_a_symbol_that_is_not_an_integer_is_refused_when_compiling() -> None:
    with deferred():
        part = PartCosts(cache_bytes=ledger(term("kv", "L*e", L=CONTEXT, e=cast(int, 1.5))))
    with pytest.raises(TypeError, match=r"symbol e = 1\.5 is not an int"):
        compile_parts([(part, 1)], "bf16")


def test_every_closed_form_of_lccost_sums_is_written_out() -> None:
    # Written out, each sum's floor divisions are atoms shared with the rest of the model; a
    # closed form the reader cannot write out would stay a call (correct, only slower).
    names = {"cdiv", "tri", "sum_window", "sum_floor", "sum_min_floor"}
    assert names <= set(_inlined())


def _values_of_L(compiled: CompiledModel) -> int:
    """How many per_context functions one point calls."""
    return compiled.source.split("def many")[0].count("= f_")


class _Held:
    def __init__(self, per_token: int) -> None:
        self.per_token = per_token

    def at(self, L: int) -> int:
        return self.per_token * L


def test_per_context_values_are_shared_only_when_they_are_the_same_function() -> None:
    def rule(m: int) -> Callable[[int], int]:
        return lambda L: L // m

    def pages(held: Callable[[int], int], per_page: int) -> Callable[[int], int]:
        return lambda L: held(L) // per_page

    def model(*values: Callable[[int], int]) -> CompiledModel:
        with deferred():
            terms = [
                term(f"t{i}", "n", n=cast(int, ContextDependent(v))) for i, v in enumerate(values)
            ]
        return compile_parts([(PartCosts(cache_bytes=Ledger(tuple(terms))), 1)], "bf16")

    # Equal captured values, captured functions compared alike: one value of L.
    same = model(pages(rule(4), 2), pages(rule(4), 2))
    assert _values_of_L(same) == 1
    assert same.at(1000).cache_bytes == 2 * (1000 // 4 // 2)
    # Another captured value, another instance's method: each its own value.
    for a, b in ((pages(rule(4), 2), pages(rule(8), 2)), (_Held(2).at, _Held(3).at)):
        different = model(a, b)
        assert _values_of_L(different) == 2
        assert different.at(1000).cache_bytes == a(1000) + b(1000)
