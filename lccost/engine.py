"""The cost engine: sums the mechanisms' ledgers over layers; no formula lives here.

Decode traffic per step [bytes] = the active weights read once (shared by the batch)
+ batch x (cache read + cache written + embedding rows gathered).
Arithmetic intensity = FLOPs / bytes moved (decode: the traffic above; prefill: every weight
once plus the cache written).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from lccost.conventions import number_format
from lccost.ledger import FORMULA_NAMESPACE, Ledger, PartCosts, compile_formula
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.embeddings import embedding_tables, embeddings_costs, encoder_costs
from lccost.mechanisms.hyper_connections import hyper_connection_costs
from lccost.mechanisms.mtp import mtp_costs
from lccost.mechanisms.norms import norm_costs
from lccost.mechanisms.recurrent import vllm_hybrid_workload
from lccost.spec.model import Architecture
from lccost.workload import Workload


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
    """Every ledger of one architecture at one workload, and the totals derived from them."""

    architecture: Architecture
    workload: Workload
    layers: tuple[LayerCost, ...]
    model_parts: tuple[tuple[str, PartCosts], ...]

    def parts(self) -> Iterable[PartCosts]:
        for layer in self.layers:
            yield from layer.parts
        for _, part in self.model_parts:
            yield part

    def layer_groups(self) -> list[tuple[list[int], LayerCost]]:
        """Layers that cost the same (same spec, same KV source), with their indices."""
        groups: dict[tuple[int, int], tuple[list[int], LayerCost]] = {}
        for layer in self.layers:
            # ``cost`` hands identical layers the same PartCosts objects.
            key = id(layer.attention), id(layer.ffn)
            groups.setdefault(key, ([], layer))[0].append(layer.index)
        return list(groups.values())

    @cached_property
    def _distinct_parts(self) -> tuple[tuple[PartCosts, int], ...]:
        """Each distinct ``PartCosts`` and how often it occurs (``cost`` hands identical layers
        the same objects), so a total is summed once per distinct layer, not per layer."""
        counts: dict[int, tuple[PartCosts, list[int]]] = {}
        for part in self.parts():
            counts.setdefault(id(part), (part, [0]))[1][0] += 1
        return tuple((part, n[0]) for part, n in counts.values())

    def _sum(self, quantity: str) -> int:
        return sum(n * getattr(part, quantity).total for part, n in self._distinct_parts)

    @cached_property
    def params_total(self) -> int:
        return self._sum("params")

    @cached_property
    def params_active(self) -> int:
        return self._sum("active")

    @cached_property
    def params_embedding(self) -> int:
        spec = self.architecture.spec
        return embedding_tables(spec.vocab_size, spec.hidden_size, spec.per_layer_embeddings,
                                len(self.architecture.layers), spec.learned_positions or 0).total

    @property
    def params_effective(self) -> int:
        """All parameters except the embedding tables (Gemma's "effective" count)."""
        return self.params_total - self.params_embedding

    @cached_property
    def cache_bytes_per_sequence(self) -> int:
        return self._sum("cache_bytes")

    @property
    def kv_cache_bytes(self) -> int:
        return self.workload.batch * self.cache_bytes_per_sequence

    @property
    def prefill_flops(self) -> int:
        return self.workload.batch * self._sum("prefill_flops")

    @property
    def decode_flops(self) -> int:
        return self.workload.batch * self._sum("decode_flops")

    def fp8_equivalent(self, quantity: str) -> int:
        """FLOPs weighted by operand precision, in "equivalent FP8 FLOPs" (DeepSeek-V4 report
        §1, Fig. 1): each term x bits(its compute format) / 8, so a bf16 product counts 2, an
        fp8 one 1, an fp4 one 1/2 (tensor-core throughput ratios). Unpinned terms use --dtype."""
        weighted_bits = 0  # exact: one division by 8 at the end
        for part, n in self._distinct_parts:
            for term in getattr(part, quantity):
                bits = number_format(term.compute or self.workload.dtype).element_bits
                weighted_bits += n * term.value * bits
        return self.workload.batch * -(-weighted_bits // 8)

    def generation_flops(self, new_tokens: int, quantity: str = "decode_flops") -> int:
        """FLOPs to generate ``new_tokens`` tokens after the prompt: the decode FLOPs at contexts
        L, L + 1, ..., L + new_tokens - 1, summed exactly.

        Every decode FLOP term depends on the context only through its symbol ``L``, so each
        term is re-evaluated at each position; terms without ``L`` count ``new_tokens`` times.
        Per sequence x batch.
        """
        L0 = self.workload.context_tokens
        return self.workload.batch * sum(n * _summed(getattr(part, quantity), L0, new_tokens)
                                         for part, n in self._distinct_parts)

    @cached_property
    def decode_weight_bytes(self) -> int:
        """Active weights in the weight dtype, read once per decode step for the whole batch."""
        return number_format(self.workload.dtype).whole_bytes_for(self.params_active)

    @cached_property
    def embedding_row_bytes(self) -> int:
        """Embedding rows gathered per token: D values, plus N·p for per-layer embeddings."""
        spec = self.architecture.spec
        ple = spec.per_layer_embeddings
        values = spec.hidden_size + (ple.dim * len(self.architecture.layers) if ple else 0)
        return number_format(self.workload.dtype).whole_bytes_for(values)

    @property
    def decode_cache_read_bytes(self) -> int:
        return self.workload.batch * self._sum("cache_read_bytes")

    @property
    def decode_cache_write_bytes(self) -> int:
        return self.workload.batch * self._sum("cache_write_bytes")

    @property
    def decode_bytes(self) -> int:
        return (self.decode_weight_bytes + self.decode_cache_read_bytes
                + self.decode_cache_write_bytes + self.workload.batch * self.embedding_row_bytes)

    @property
    def prefill_bytes(self) -> int:
        """Weights read once (all of them: a long prompt touches every expert) + cache written."""
        weights = number_format(self.workload.dtype).whole_bytes_for(self.params_total)
        return weights + self.kv_cache_bytes

    @property
    def decode_intensity(self) -> float:
        return self.decode_flops / self.decode_bytes if self.decode_bytes else 0.0

    @property
    def prefill_intensity(self) -> float:
        return self.prefill_flops / self.prefill_bytes if self.prefill_bytes else 0.0


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
    """Cost ``architecture`` at ``workload``: every layer's mechanisms, then model-level parts.

    Layers that are the same spec object (a template used many times) with the same KV source
    cost the same, so each is computed once.
    """
    spec = architecture.spec
    D, N = spec.hidden_size, len(architecture.layers)
    # vLLM pages a hybrid model's attention and states at one raised block size.
    layer_workload, token_bytes = vllm_hybrid_workload(architecture.layers, D, workload)
    memo: dict[object, LayerCost] = {}
    layers = []
    for index, layer in enumerate(architecture.layers):
        source = architecture.kv_source(index)
        key = (id(layer), id(source))
        if key not in memo:
            env = LayerEnv(D, layer_workload, kv_source=source, attention_token_bytes=token_bytes)
            memo[key] = LayerCost(index, layer.attention.tagged(layer.attention.costs(env)),
                                  layer.ffn.tagged(layer.ffn.costs(env)))
        cached = memo[key]
        layers.append(LayerCost(index, cached.attention, cached.ffn))
    L = workload.context_tokens
    model_parts: list[tuple[str, PartCosts]] = [
        ("embeddings", embeddings_costs(spec.vocab_size, D, spec.tie_word_embeddings,
                                        spec.per_layer_embeddings, N, L,
                                        spec.learned_positions or 0, spec.lm_head_bias)),
    ]
    if spec.encoders:
        model_parts.append(("encoders", encoder_costs(spec.encoders)))
    if spec.hyper_connections is not None:
        model_parts.append(("mhc", hyper_connection_costs(spec.hyper_connections, D, N, L)))
    if spec.norms is not None:
        model_parts.append(("norms", norm_costs(spec.norms, D, N)))
    if spec.mtp is not None and spec.mtp.counted:
        env = LayerEnv(D, layer_workload, attention_token_bytes=token_bytes)
        parts = [part.costs(env) for layer in spec.mtp.layers for part in (layer.attention,
                                                                              layer.ffn)]
        model_parts.append(("mtp", mtp_costs(parts, len(spec.mtp.layers), D, spec.vocab_size,
                                             L)))
    return ModelCost(architecture, workload, tuple(layers), tuple(model_parts))
