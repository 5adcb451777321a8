"""The cost engine: sums the mechanisms' ledgers over layers; no formula lives here.

Decode traffic per step [bytes] = the active weights read once (shared by the batch)
+ batch x (cache read + cache written + embedding rows gathered).
Arithmetic intensity = FLOPs / bytes moved (decode: the traffic above; prefill: every weight
once plus the cache written).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Generic, TypeVar

from lccost.compiled import CompiledModel, Totals, compile_parts
from lccost.conventions import number_format
from lccost.ledger import (
    CONTEXT,
    FORMULA_NAMESPACE,
    Ledger,
    PartCosts,
    compile_formula,
    deferred,
)
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.embeddings import embedding_tables, embeddings_costs, encoder_costs
from lccost.mechanisms.hyper_connections import hyper_connection_costs
from lccost.mechanisms.mtp import mtp_costs
from lccost.mechanisms.norms import norm_costs
from lccost.mechanisms.recurrent import vllm_hybrid_workload
from lccost.spec.model import Architecture
from lccost.workload import Workload, settings_key


@dataclass(frozen=True)
class LayerCost:
    """One decoder layer's attention and feed-forward costs (per sequence)."""

    index: int
    attention: PartCosts
    ffn: PartCosts

    @property
    def parts(self) -> tuple[PartCosts, PartCosts]:
        return (self.attention, self.ffn)

    def total(self, quantity: str) -> int:
        return sum(getattr(part, quantity).total for part in self.parts)


@dataclass(frozen=True)
class ModelCost:
    """One architecture at one workload: its totals (from the compiled fast path,
    ``lccost.compiled``) and, built only when asked for (``--explain``, per-layer tables,
    ``--generate``), every ledger they are the sums of."""

    architecture: Architecture
    workload: Workload

    @cached_property
    def _compiled(self) -> tuple[CompiledModel, FixedFigures]:
        return compiled_model(self.architecture, self.workload)

    @property
    def compiled(self) -> CompiledModel:
        """The fast path: every per-sequence total as a function of L (``lccost.compiled``)."""
        return self._compiled[0]

    @property
    def fixed(self) -> FixedFigures:
        """The figures that do not depend on the context or the batch."""
        return self._compiled[1]

    @cached_property
    def totals(self) -> Totals:
        """Every per-sequence total at the workload's context."""
        return self.compiled.at(self.workload.context_tokens)

    @cached_property
    def _ledgers(self) -> tuple[tuple[LayerCost, ...], tuple[tuple[str, PartCosts], ...]]:
        return part_ledgers(self.architecture, self.workload)

    @property
    def layers(self) -> tuple[LayerCost, ...]:
        """Each decoder layer's ledgers (built on first use)."""
        return self._ledgers[0]

    @property
    def model_parts(self) -> tuple[tuple[str, PartCosts], ...]:
        """The model-level parts' ledgers: embeddings, encoders, mHC (built on first use)."""
        return self._ledgers[1]

    def parts(self) -> Iterable[PartCosts]:
        for layer in self.layers:
            yield from layer.parts
        for _, part in self.model_parts:
            yield part

    def layer_groups(self) -> list[tuple[list[int], LayerCost]]:
        """Layers that cost the same (same spec, same KV source), with their indices."""
        groups: dict[tuple[int, int], tuple[list[int], LayerCost]] = {}
        for layer in self.layers:
            # ``part_ledgers`` hands identical layers the same PartCosts objects.
            key = id(layer.attention), id(layer.ffn)
            groups.setdefault(key, ([], layer))[0].append(layer.index)
        return list(groups.values())

    @cached_property
    def _distinct_parts(self) -> tuple[tuple[PartCosts, int], ...]:
        return distinct_parts(self.layers, self.model_parts)

    def ledger_total(self, quantity: str) -> int:
        """Σ of one per-sequence ledger over every part, from the ledgers (what ``--explain``
        prints); the totals below come from the compiled path and equal it
        (``tests/test_compiled.py``)."""
        return sum(n * getattr(part, quantity).total for part, n in self._distinct_parts)

    # The figures below read ``_compiled`` and ``totals`` directly, not through the other
    # properties: a warm point is a few microseconds, and each property call is ~0.1 of one.

    @property
    def params_total(self) -> int:
        return self._compiled[0].params_total

    @property
    def params_active(self) -> int:
        return self._compiled[0].params_active

    @property
    def params_embedding(self) -> int:
        return self.fixed.params_embedding

    @property
    def params_effective(self) -> int:
        """All parameters except the embedding tables (Gemma's "effective" count)."""
        return self.params_total - self.params_embedding

    @property
    def cache_bytes_per_sequence(self) -> int:
        return self.totals.cache_bytes

    @property
    def kv_cache_bytes(self) -> int:
        return self.workload.batch * self.totals.cache_bytes

    @property
    def prefill_flops(self) -> int:
        return self.workload.batch * self.totals.prefill_flops

    @property
    def decode_flops(self) -> int:
        return self.workload.batch * self.totals.decode_flops

    def fp8_equivalent(self, quantity: str) -> int:
        """FLOPs weighted by operand precision, in "equivalent FP8 FLOPs" (DeepSeek-V4 report
        §1, Fig. 1): each term x bits(its compute format) / 8, so a bf16 product counts 2, an
        fp8 one 1, an fp4 one 1/2 (tensor-core throughput ratios). Unpinned terms use --dtype.
        ``quantity``: ``prefill_flops`` or ``decode_flops``."""
        weighted_bits = self.totals[_FLOP_BITS[quantity]]
        return self.workload.batch * -(-weighted_bits // 8)  # exact: one division at the end

    def generation_flops(self, new_tokens: int, quantity: str = "decode_flops") -> int:
        """FLOPs to generate ``new_tokens`` tokens after the prompt: the decode FLOPs at contexts
        L, L + 1, ..., L + new_tokens - 1, summed exactly.

        Every decode FLOP term depends on the context only through its symbol ``L``, so each
        term is re-evaluated at each position; terms without ``L`` count ``new_tokens`` times.
        Per sequence x batch.
        """
        L0 = self.workload.context_tokens
        return self.workload.batch * sum(
            n * _summed(getattr(part, quantity), L0, new_tokens) for part, n in self._distinct_parts
        )

    @property
    def decode_weight_bytes(self) -> int:
        """Active weights in the weight dtype, read once per decode step for the whole batch."""
        return self.fixed.decode_weight_bytes

    @property
    def embedding_row_bytes(self) -> int:
        """Embedding rows gathered per token: D values, plus N·p for per-layer embeddings."""
        return self.fixed.embedding_row_bytes

    @property
    def decode_cache_read_bytes(self) -> int:
        return self.workload.batch * self.totals.cache_read_bytes

    @property
    def decode_cache_write_bytes(self) -> int:
        return self.workload.batch * self.totals.cache_write_bytes

    @property
    def decode_bytes(self) -> int:
        """Active weights once + batch x (cache read + cache written + embedding rows)."""
        fixed, totals, batch = self._compiled[1], self.totals, self.workload.batch
        return (
            fixed.decode_weight_bytes
            + batch * totals.cache_read_bytes
            + batch * totals.cache_write_bytes
            + batch * fixed.embedding_row_bytes
        )

    @property
    def prefill_bytes(self) -> int:
        """Weights read once (all of them: a long prompt touches every expert) + cache written."""
        return self._compiled[1].weight_bytes + self.workload.batch * self.totals.cache_bytes

    @property
    def decode_intensity(self) -> float:
        moved = self.decode_bytes
        return self.decode_flops / moved if moved else 0.0

    @property
    def prefill_intensity(self) -> float:
        moved = self.prefill_bytes
        return self.prefill_flops / moved if moved else 0.0


_FLOP_BITS = {
    "prefill_flops": Totals._fields.index("prefill_flop_bits"),
    "decode_flops": Totals._fields.index("decode_flop_bits"),
}
"""Where each FLOP quantity's bit-weighted total sits in ``Totals``."""


def _summed(ledger: Ledger, first_context: int, positions: int) -> int:
    """Σ over L = first_context .. first_context + positions - 1 of the ledger's total."""
    total = 0
    for term in ledger:
        symbols = dict(term.symbols)
        if "L" not in symbols:
            total += term.value * positions
            continue
        code = compile_formula(term.formula)
        for L in range(first_context, first_context + positions):
            symbols["L"] = L
            total += eval(code, FORMULA_NAMESPACE, symbols)
    return total


def cost(architecture: Architecture, workload: Workload) -> ModelCost:
    """``architecture`` at ``workload``: totals from the compiled path, ledgers on demand.

    The totals are computed here, so that a workload lccost refuses fails at this call."""
    fast = compiled_model(architecture, workload)
    return _evaluated(architecture, workload, fast, fast[0].at(workload.context_tokens))


def costs_at(
    architecture: Architecture,
    workload: Workload,
    contexts: Sequence[int],
) -> list[ModelCost]:
    """``architecture`` at each of ``contexts`` (the workload's other settings fixed), all
    evaluated in one call of the compiled function (sweeps, ``fit``)."""
    fast = compiled_model(architecture, workload)
    return [
        _evaluated(architecture, workload.with_context(context), fast, totals)
        for context, totals in zip(contexts, fast[0].many(contexts), strict=True)
    ]


def _evaluated(
    architecture: Architecture,
    workload: Workload,
    compiled: tuple[CompiledModel, FixedFigures],
    totals: Totals,
) -> ModelCost:
    """A ``ModelCost`` whose cached properties ``_compiled`` and ``totals`` hold what they would
    compute, already computed (a point's overhead is most of its cost: no dataclass ``__init__``,
    no lock of ``cached_property`` on first use)."""
    model = object.__new__(ModelCost)
    model.__dict__.update(
        architecture=architecture, workload=workload, _compiled=compiled, totals=totals
    )
    return model


def part_ledgers(
    architecture: Architecture,
    workload: Workload,
    compiling: bool = False,
) -> tuple[tuple[LayerCost, ...], tuple[tuple[str, PartCosts], ...]]:
    """Every layer's mechanisms, then the model-level parts, as ledgers at ``workload``; with
    ``compiling``, with L unknown (``lccost.ledger``, compile mode).

    Layers that are the same spec object (a template used many times) with the same KV source
    cost the same, so each is computed once and shared.
    """
    D = architecture.spec.hidden_size
    # vLLM pages a hybrid model's attention and states at one raised block size (evaluated
    # terms: it does not depend on the context).
    layer_workload, token_bytes = vllm_hybrid_workload(architecture.layers, D, workload)
    with deferred() if compiling else nullcontext():
        return _part_ledgers(architecture, workload, compiling, layer_workload, token_bytes)


def _part_ledgers(
    architecture: Architecture,
    workload: Workload,
    compiling: bool,
    layer_workload: Workload,
    token_bytes: int | None,
) -> tuple[tuple[LayerCost, ...], tuple[tuple[str, PartCosts], ...]]:
    spec = architecture.spec
    D, N = spec.hidden_size, len(architecture.layers)
    memo: dict[object, LayerCost] = {}
    layers = []
    for index, layer in enumerate(architecture.layers):
        source = architecture.kv_source(index)
        key = (id(layer), id(source))
        if key not in memo:
            env = LayerEnv(
                D,
                layer_workload,
                kv_source=source,
                attention_token_bytes=token_bytes,
                compiling=compiling,
            )
            memo[key] = LayerCost(
                index,
                layer.attention.tagged(layer.attention.costs(env)),
                layer.ffn.tagged(layer.ffn.costs(env)),
            )
        cached = memo[key]
        layers.append(LayerCost(index, cached.attention, cached.ffn))
    L = CONTEXT if compiling else workload.context_tokens
    model_parts: list[tuple[str, PartCosts]] = [
        (
            "embeddings",
            embeddings_costs(
                spec.vocab_size,
                D,
                spec.tie_word_embeddings,
                spec.per_layer_embeddings,
                N,
                L,
                spec.learned_positions or 0,
                spec.lm_head_bias,
            ),
        ),
    ]
    if spec.encoders:
        model_parts.append(("encoders", encoder_costs(spec.encoders)))
    if spec.hyper_connections is not None:
        model_parts.append(("mhc", hyper_connection_costs(spec.hyper_connections, D, N, L)))
    if spec.norms is not None:
        model_parts.append(("norms", norm_costs(spec.norms, D, N)))
    if spec.mtp is not None and spec.mtp.counted:
        env = LayerEnv(D, layer_workload, attention_token_bytes=token_bytes, compiling=compiling)
        parts = [
            part.costs(env) for layer in spec.mtp.layers for part in (layer.attention, layer.ffn)
        ]
        model_parts.append(("mtp", mtp_costs(parts, len(spec.mtp.layers), D, spec.vocab_size, L)))
    return tuple(layers), tuple(model_parts)


def distinct_parts(
    layers: Iterable[LayerCost],
    model_parts: Iterable[tuple[str, PartCosts]],
) -> tuple[tuple[PartCosts, int], ...]:
    """Each distinct ``PartCosts`` and how often it occurs (``part_ledgers`` hands identical
    layers the same objects), so a total is summed once per distinct layer, not per layer."""
    counts: dict[int, tuple[PartCosts, list[int]]] = {}
    for layer in layers:
        for part in layer.parts:
            counts.setdefault(id(part), (part, [0]))[1][0] += 1
    for _, part in model_parts:
        counts.setdefault(id(part), (part, [0]))[1][0] += 1
    return tuple((part, n[0]) for part, n in counts.values())


@dataclass(frozen=True)
class FixedFigures:
    """What one model costs whatever the context and batch, at one weight dtype."""

    params_embedding: int
    """The gathered embedding tables (token + PLE)."""
    weight_bytes: int
    """Every parameter in the weight dtype, whole bytes."""
    decode_weight_bytes: int
    """Active parameters in the weight dtype, whole bytes."""
    embedding_row_bytes: int
    """Embedding rows gathered per token: D values, plus N·p for per-layer embeddings."""


def fixed_figures(
    architecture: Architecture,
    compiled: CompiledModel,
    dtype: str,
) -> FixedFigures:
    spec, weights = architecture.spec, number_format(dtype)
    ple = spec.per_layer_embeddings
    row_values = spec.hidden_size + (ple.dim * len(architecture.layers) if ple else 0)
    return FixedFigures(
        params_embedding=embedding_tables(
            spec.vocab_size,
            spec.hidden_size,
            ple,
            len(architecture.layers),
            spec.learned_positions or 0,
        ).total,
        weight_bytes=weights.whole_bytes_for(compiled.params_total),
        decode_weight_bytes=weights.whole_bytes_for(compiled.params_active),
        embedding_row_bytes=weights.whole_bytes_for(row_values),
    )


V = TypeVar("V")


class PerArchitecture(Generic[V]):
    """Values computed once per architecture and workload settings (``settings_key``), held
    while the architecture lives: an entry leaves with it (``weakref.finalize``), so an
    ``id`` is never reused stale."""

    def __init__(self) -> None:
        self._by_id: dict[int, dict[tuple[object, ...], V]] = {}

    def get(self, architecture: Architecture, key: tuple[object, ...]) -> V | None:
        per_architecture = self._by_id.get(id(architecture))
        return None if per_architecture is None else per_architecture.get(key)

    def put(self, architecture: Architecture, key: tuple[object, ...], value: V) -> V:
        per_architecture = self._by_id.get(id(architecture))
        if per_architecture is None:
            per_architecture = self._by_id[id(architecture)] = {}
            weakref.finalize(architecture, self._by_id.pop, id(architecture), None)
        per_architecture[key] = value
        return value


_COMPILED: PerArchitecture[tuple[CompiledModel, FixedFigures]] = PerArchitecture()
"""Compiled models by architecture and workload settings."""


def compiled_model(
    architecture: Architecture,
    workload: Workload,
) -> tuple[CompiledModel, FixedFigures]:
    """``architecture`` compiled for ``workload``'s dtype, cache dtype, accounting, FLOP
    convention and block size (any context, any batch), once per process."""
    key = settings_key(workload)
    last = _last[0]
    if last is not None and last[0]() is architecture and key == last[1]:
        return last[2]
    compiled = _compiled_model(architecture, workload, key)
    _last[0] = (weakref.ref(architecture), key, compiled)
    return compiled


def params_total(architecture: Architecture, workload: Workload) -> int:
    """Every parameter of ``architecture``: it does not depend on the context or the batch, so
    it is read from the compiled model (``compiled_model``, found once per process), not by
    costing a point."""
    return compiled_model(architecture, workload)[0].params_total


_Found = tuple[weakref.ref[Architecture], tuple[object, ...], tuple[CompiledModel, FixedFigures]]
_last: list[_Found | None] = [None]
"""The last (weak reference to the architecture, key, compiled model) ``compiled_model`` found: a
run of points asks for the same one again and again, and a key of the same field objects is
equal by identity (``tuple ==`` in C) without hashing a dataclass and two enums (~0.5 us)."""


def _compiled_model(
    architecture: Architecture,
    workload: Workload,
    key: tuple[object, ...],
) -> tuple[CompiledModel, FixedFigures]:
    compiled = _COMPILED.get(architecture, key)
    if compiled is None:
        # At context 0: nothing may read the workload's context in compile mode
        # (tests/test_compiled.py would see one that did).
        at_zero = replace(workload, context_tokens=0, batch=1)
        layers, model_parts = part_ledgers(architecture, at_zero, compiling=True)
        fast = compile_parts(distinct_parts(layers, model_parts), workload.dtype)
        compiled = _COMPILED.put(
            architecture, key, (fast, fixed_figures(architecture, fast, workload.dtype))
        )
    return compiled
