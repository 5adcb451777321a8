"""Peak device memory of a prefill and of the first decode step, for a named engine.

Weights + cache is what a model holds at rest. A prefill holds more: activations of the whole
prompt, and in transformers the sliding layers keep the whole prompt's K/V until the next step.
This module is the one owner of those terms, per engine; each term names the line of the
engine's code that allocates it. Bytes are exact integers; B = batch, L = prompt tokens,
b = bytes of one activation element (the weight dtype: bf16 2), h = hidden size.

Each layer's shape comes from its mechanism through the declared interface
(``MechanismSpec.peak_attention`` / ``peak_mlp``); a mechanism that declares none is refused,
naming the layer. e, one token's K/V bytes, is the mechanism's own ``reference`` cache entry, so
the peak and ``kv_cache_bytes`` cannot disagree (two tensors even with Gemma 4's
``attention_k_eq_v``: modeling_gemma4.py L1226-1236).

``transformers`` (5.23.0, ``model(input_ids, use_cache=True, logits_to_keep=1)`` as
``generate`` calls it, generation/utils.py L2950-2954; measured on an H200:
tests/data/device/peak_h200.json). The peak is the largest of a few points of the forward, each
= what is resident + what that point adds:

- resident for the whole forward: the weights; ``input_ids`` (int64, 8BL: the caller's);
  ``position_ids`` (int64, 8L, modeling_llama.py L377, modeling_gemma4.py Gemma4TextModel);
  one cos/sin pair per distinct head width, in the activation dtype (2·L·d·b each,
  modeling_llama.py L116, modeling_gemma4.py L1147; batch-independent: position_ids is (1, L));
  ``inputs_embeds`` (BLh·b), which the model's forward keeps while ``hidden_states`` moves on
  (modeling_llama.py L388); per-layer embeddings where the spec has them (BLNp·b,
  modeling_gemma4.py L1781); the masks that are materialised (below); and the K/V of every layer
  run so far over the WHOLE prompt, sliding layers included: ``DynamicSlidingWindowLayer.update``
  keeps a (W-1)-token view of ``torch.cat([keys, new])``, so the whole prompt's storage stays
  alive until the next update replaces it (cache_utils.py L241-249).
- the attention point of layer l: the layer's input and its normalised copy (2 BLh·b), the
  query (BLHd·b), and
  - ``sdpa``: the output (BLHd·b); where the layer's mask is materialised (sliding layers with
    L >= W; full layers pass ``is_causal`` and no mask, masking_utils.py
    ``_ignore_causal_mask_sdpa`` L267) PyTorch converts the boolean mask to an additive one in
    the query dtype (b·BL², aten/src/ATen/native/transformers/attention.cpp
    ``convert_boolean_attn_mask``); K and V repeated to H heads (2 BLHd·b) where transformers
    calls ``repeat_kv`` (a mask or d > 256: integrations/sdpa_attention.py ``use_gqa_in_sdpa``)
    and the repeat copies (K > 1: with one KV head the reshape is a view);
  - ``eager``: the scores in bf16, their fp32 copy and the fp32 softmax, 10·BHL² bytes
    (modeling_llama.py L193-197: ``softmax(..., dtype=float32)`` casts its input first), and
    the repeated K and V as above (modeling_llama.py L190-191).
- the MLP point of layer l: the layer's input, the residual after attention and the normalised
  input (3 BLh·b), and the gated MLP's three BLI tensors alive at once (act(gate), up and their
  product: ``down_proj(act_fn(gate_proj(x)) * up_proj(x))``, modeling_llama.py L163); 2 for an
  ungated MLP.
- per-layer embeddings (Gemma 4): their projection norm runs in fp32 over BLNp values before
  the first layer (modeling_gemma4.py L213-221, L1781-1790): the projection (BLNp·b), its fp32
  copy and the normalised fp32 result (2·4·BLNp) and two fp32 BLN means.
- Gemma 4's multimodal wrapper (a spec with ``encoders`` and per-layer embeddings:
  ``Gemma4Model.forward``) keeps its own ``llm_inputs_embeds`` (BLh·b), the raw per-layer
  embeddings (BLNp·b, from the first layer on) and four boolean placeholder masks and a copy of
  the ids (12 BL).
- Layers that reuse another layer's K/V (``kv_sharing``) see only the kept position in a prefill
  (``_maybe_slice_kv_shared_inputs``, modeling_gemma4.py L1794): they add no point.

Materialised masks (resident from the first layer): ``sdpa``: a boolean L² mask for sliding
layers when L >= W, expanded over the batch as a view (masking_utils.py L554; SDPA's additive
copy of it is per sequence, b·BL²: measured at batch 2); ``eager``: an additive b·BL² mask per
layer type (full, sliding), ``torch.where`` over the expanded boolean one.

The first decode step starts from what the prefill left (the whole prompt's K/V in every layer
that owns a cache) and, layer by layer, ``torch.cat`` builds the new K then V while the old one
is alive (cache_utils.py L136, L242): the peak is the largest "held + one new K or V".

``vllm`` (function names at vllm-project/vllm commit 001999d2; its snapshot was too large to
fetch for line numbers): the KV cache is a pool pre-allocated from ``gpu_memory_utilization`` x
capacity after the weights and a profiling forward of ``max_num_batched_tokens`` tokens
(vllm/v1/worker/gpu_worker.py ``determine_available_memory``); prompts longer than that are
prefilled in chunks (chunked prefill, vllm/v1/core/sched/scheduler.py), so activations are
bounded by the chunk, not by L. Modelled: weights, the paged cache (``--accounting vllm``) and
the chunk's activations (residual and normalised hidden 2Th·b, the fused gate_up output and its
activation 3TI·b, vllm/model_executor/layers/activation.py ``SiluAndMul``) and the sampler's
fp32 logits for ``max_num_seqs`` dummy requests (gpu_model_runner.py ``_dummy_sampler_run``).
Not modelled: CUDA graph pools, torch.compile workspaces, NCCL buffers, the non-torch memory
vLLM measures at start; they live in the 1 - gpu_memory_utilization share. Not measured on a
device here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from lccost.conventions import Accounting, number_format
from lccost.engine import PerArchitecture, cost, params_total
from lccost.errors import LccostError
from lccost.mechanisms.base import LayerEnv, PeakAttention, PeakMLP
from lccost.spec.model import Architecture
from lccost.workload import Workload, settings_key


class Engine(StrEnum):
    """Whose peak memory: ``transformers`` (5.23.0 eager/sdpa), ``vllm`` or ``none`` (weights
    + cache only, nothing else modelled)."""

    TRANSFORMERS = "transformers"
    VLLM = "vllm"
    NONE = "none"


class AttentionImpl(StrEnum):
    """transformers' ``attn_implementation``."""

    SDPA = "sdpa"
    EAGER = "eager"


ACTIVATION_BYTES = {"bf16": 2, "fp16": 2, "fp32": 4}
"""Bytes of one activation element for the weight dtypes transformers runs natively."""

INT64_BYTES = 8
FP32_BYTES = 4
SDPA_GQA_MAX_HEAD_DIM = 256
"""integrations/sdpa_attention.py ``use_gqa_in_sdpa``: SDPA's own GQA only for d <= 256."""
EAGER_SCORE_BYTES = 10
"""Bytes per score element at eager's softmax: bf16 scores (2) + fp32 copy (4) + fp32 result (4)."""

VLLM_DEFAULT_MAX_NUM_SEQS = 256
"""``vllm serve``'s max_num_seqs below 70 GiB (vllm/engine/arg_utils.py
``EngineArgs.get_batch_defaults``, commit 001999d2)."""
VLLM_DEFAULT_MAX_BATCHED_TOKENS = 2048
"""``vllm serve``'s max_num_batched_tokens below 70 GiB (``get_batch_defaults``; also
``SchedulerConfig.DEFAULT_MAX_NUM_BATCHED_TOKENS``, vllm/config/scheduler.py L30, commit
01230b40)."""
VLLM_LARGE_DEVICE_BYTES = 70 * 2**30
"""``get_batch_defaults``: devices of at least 70 GiB other than A100 get 8192 tokens and 1024
sequences under ``vllm serve`` (16384 under the ``LLM`` class)."""


def vllm_batch_defaults(capacity_bytes: int, device_name: str = "") -> tuple[int, int]:
    """(max_num_batched_tokens, max_num_seqs) that ``vllm serve`` picks on this device."""
    if capacity_bytes >= VLLM_LARGE_DEVICE_BYTES and "a100" not in device_name.lower():
        return 8192, 1024
    return VLLM_DEFAULT_MAX_BATCHED_TOKENS, VLLM_DEFAULT_MAX_NUM_SEQS


@dataclass(frozen=True)
class PeakTerm:
    """One allocation alive at the peak: what it is, its bytes and where the engine makes it."""

    name: str
    bytes: int
    source: str


@dataclass(frozen=True)
class PeakMemory:
    """The peak of one phase under one engine: where it happens and every term alive there."""

    engine: Engine
    phase: str
    where: str
    terms: tuple[PeakTerm, ...]
    not_modelled: str = ""

    @property
    def total_bytes(self) -> int:
        return sum(term.bytes for term in self.terms)

    @property
    def dominant(self) -> PeakTerm:
        """The largest term (weights included)."""
        return max(self.terms, key=lambda term: term.bytes)

    @property
    def dominant_activation(self) -> PeakTerm:
        """The largest term other than the weights and the cache."""
        rest = [t for t in self.terms if t.name not in ("weights", "cache")]
        return max(rest, key=lambda term: term.bytes) if rest else self.dominant


def _activation_bytes(workload: Workload) -> int:
    try:
        return ACTIVATION_BYTES[workload.dtype]
    except KeyError:
        raise LccostError(
            f"the transformers peak is modelled for bf16, fp16 and fp32 weights, "
            f"not {workload.dtype}"
        ) from None


_LAYERS: PerArchitecture[tuple[tuple[PeakAttention, PeakMLP], ...]] = PerArchitecture()
"""``_layers`` by architecture and workload settings (``settings_key``)."""


def _layers(
    architecture: Architecture, workload: Workload
) -> tuple[tuple[PeakAttention, PeakMLP], ...]:
    """Every layer's (attention, MLP) shape for the peak (``MechanismSpec.peak_attention`` /
    ``peak_mlp``), or a refusal naming the first layer whose mechanism does not model it.

    The shapes do not depend on the context or the batch (they are asked at context 0, batch
    1, so none can read them), so they are found once per architecture and settings, and once
    per distinct layer (a template used many times is one spec object): a peak is evaluated
    dozens of times in ``lccost.fit``'s bisections and at every point of a sweep."""
    key = settings_key(workload)
    known = _LAYERS.get(architecture, key)
    if known is not None:
        return known
    spec = architecture.spec
    if spec.hyper_connections is not None:
        raise LccostError(
            f"{architecture.name}: the peak memory is not modelled for "
            "hyper-connections; use --engine none (weights + cache)"
        )
    env = LayerEnv(spec.hidden_size, replace(workload, context_tokens=0, batch=1))
    shapes: dict[int, tuple[PeakAttention | None, PeakMLP | None]] = {}
    layers = []
    for index, layer in enumerate(architecture.layers):
        if id(layer) not in shapes:
            shapes[id(layer)] = layer.attention.peak_attention(env), layer.ffn.peak_mlp()
        attention, ffn = shapes[id(layer)]
        if attention is None or ffn is None:
            raise LccostError(
                f"{architecture.name}: the peak memory is modelled for layers of softmax "
                f"attention and a dense MLP; layer {index} is {layer.attention.kind} + "
                f"{layer.ffn.kind} (not modelled: "
                f"{layer.attention.summary() if attention is None else layer.ffn.summary()}); "
                "use --engine none (weights + cache)"
            )
        layers.append((attention, ffn))
    return _LAYERS.put(architecture, key, tuple(layers))


def _shared_from(architecture: Architecture) -> int:
    """The first layer that reuses another's K/V (it and later ones see one position)."""
    sharing = architecture.spec.kv_sharing
    return sharing.first_shared_layer if sharing is not None else len(architecture.layers)


def weight_term(architecture: Architecture, workload: Workload) -> PeakTerm:
    """Every parameter resident in the weight dtype."""
    return PeakTerm(
        "weights",
        number_format(workload.dtype).whole_bytes_for(params_total(architecture, workload)),
        "params_total in the weight dtype (every parameter resident)",
    )


def _sliding_mask(attention: PeakAttention, tokens: int) -> bool:
    """transformers materialises a sliding layer's mask once L >= W (masking_utils.py L267)."""
    return attention.window is not None and tokens >= attention.window


def transformers_prefill_peak(
    architecture: Architecture,
    workload: Workload,
    attn: AttentionImpl = AttentionImpl.SDPA,
) -> PeakMemory:
    """The peak allocated during ``model(prompt of L tokens)`` (module docstring)."""
    B, L = workload.batch, workload.context_tokens
    b = _activation_bytes(workload)
    h = architecture.spec.hidden_size
    layers = _layers(architecture, workload)
    spec = architecture.spec
    ple = spec.per_layer_embeddings
    n_layers = len(layers)
    wrapper = ple is not None and bool(spec.encoders)
    weights = weight_term(architecture, workload)

    base = [
        weights,
        PeakTerm("input ids", INT64_BYTES * B * L, "the caller's int64 input_ids"),
    ]
    resident = [
        PeakTerm(
            "position ids", INT64_BYTES * L, "int64 position_ids (1, L): modeling_llama.py L377"
        ),
        PeakTerm(
            "rotary tables",
            sum(2 * L * d * b for d in sorted({a.head_dim for a, _ in layers})),
            "cos and sin (1, L, d) per head width in the activation dtype: "
            "modeling_llama.py L116, modeling_gemma4.py L1147",
        ),
        PeakTerm(
            "hidden-state copies",
            B * L * h * b,
            "inputs_embeds, kept by the model's forward: modeling_llama.py L388",
        ),
    ]
    if ple is not None:
        resident.append(
            PeakTerm(
                "per-layer embeddings",
                B * L * n_layers * ple.dim * b,
                "projected per-layer inputs: modeling_gemma4.py L1781-1790",
            )
        )
    if wrapper:
        assert ple is not None
        resident.append(
            PeakTerm(
                "multimodal wrapper",
                B * L * (n_layers * ple.dim * b + h * b + 12),
                "Gemma4Model.forward: raw per-layer inputs, llm_inputs_embeds, 4 bool masks, ids",
            )
        )
    sliding_masked = any(_sliding_mask(a, L) for a, _ in layers)
    if attn is AttentionImpl.SDPA:
        # Built by broadcasting and expanded over the batch (a view): one L x L of bool.
        mask_bytes = L * L if sliding_masked else 0
        mask_source = (
            "boolean sliding-window mask, (1, 1, L, L) expanded to the batch: "
            "masking_utils.py sdpa_mask L554"
        )
    else:
        kinds = 1 + (1 if any(a.window is not None for a, _ in layers) else 0)
        mask_bytes = kinds * B * L * L * b
        mask_source = (
            "additive mask per layer type, torch.where over the expanded boolean "
            "one, so (B, 1, L, L): masking_utils.py eager_mask"
        )
    if mask_bytes:
        resident.append(PeakTerm("attention masks", mask_bytes, mask_source))

    candidates: list[tuple[str, list[PeakTerm]]] = []
    if ple is not None:
        pn = B * L * n_layers * ple.dim
        points = [
            PeakTerm("hidden-state copies", B * L * h * b, "inputs_embeds"),
            PeakTerm(
                "per-layer embeddings",
                2 * pn * b,
                "raw per-layer inputs and their projection: modeling_gemma4.py L1781",
            ),
            PeakTerm(
                "per-layer norm (fp32)",
                2 * FP32_BYTES * pn + 2 * FP32_BYTES * B * L * n_layers,
                "RMSNorm in fp32: modeling_gemma4.py L213-221",
            ),
        ]
        if wrapper:
            points.append(
                PeakTerm(
                    "multimodal wrapper",
                    B * L * (h * b + 12),
                    "Gemma4Model.forward: llm_inputs_embeds, masks, ids",
                )
            )
        candidates.append(("per-layer embedding projection", points))

    cache_so_far = 0
    for index, (attention, ffn) in enumerate(layers[: _shared_from(architecture)]):
        if attention.owns_cache:
            cache_so_far += B * L * attention.kv_bytes_per_token
        cache = PeakTerm(
            "cache",
            cache_so_far,
            "every layer run so far holds the whole prompt's K/V, sliding layers "
            "too: cache_utils.py L241-249",
        )
        H, K, d = attention.query_heads, attention.kv_heads, attention.head_dim
        masked = _sliding_mask(attention, L)
        attention_terms = [
            PeakTerm(
                "hidden-state copies",
                2 * B * L * h * b,
                "layer input and its norm: modeling_llama.py L294-295",
            ),
            PeakTerm("query", B * L * H * d * b, "query after rotary"),
        ]
        repeats = H > K and K > 1
        if attn is AttentionImpl.SDPA:
            attention_terms.append(PeakTerm("attention output", B * L * H * d * b, "SDPA's output"))
            if masked:
                attention_terms.append(
                    PeakTerm(
                        "SDPA mask conversion",
                        B * L * L * b,
                        "boolean mask made additive in the query dtype: aten attention.cpp "
                        "convert_boolean_attn_mask",
                    )
                )
            repeats = repeats and (masked or d > SDPA_GQA_MAX_HEAD_DIM)
        else:
            attention_terms.append(
                PeakTerm(
                    "attention scores",
                    EAGER_SCORE_BYTES * B * H * L * L,
                    "bf16 scores, fp32 copy, fp32 softmax: modeling_llama.py L193-197",
                )
            )
        if repeats:
            attention_terms.append(
                PeakTerm(
                    "repeated K/V", 2 * B * L * H * d * b, "repeat_kv: modeling_llama.py L168-177"
                )
            )
        candidates.append((f"layer {index} attention ({attn})", [cache, *attention_terms]))
        width = ffn.activation_tensors
        candidates.append(
            (
                f"layer {index} MLP",
                [
                    cache,
                    PeakTerm(
                        "hidden-state copies",
                        3 * B * L * h * b,
                        "layer input, residual and norm: modeling_llama.py L294-310",
                    ),
                    PeakTerm(
                        "MLP intermediate",
                        width * B * L * ffn.intermediate_size * b,
                        "act(gate), up and their product: modeling_llama.py L163",
                    ),
                ],
            )
        )

    def total(point: tuple[str, list[PeakTerm]]) -> int:
        extra = [] if point[0].startswith("per-layer") else resident
        return sum(t.bytes for t in [*base, *extra, *point[1]])

    where, terms = max(candidates, key=total)
    held = [] if where.startswith("per-layer") else resident
    return PeakMemory(
        Engine.TRANSFORMERS,
        "prefill",
        where,
        _merge([*base, *held, *terms]),
        "CUDA context, cuBLAS workspace and allocator fragmentation (--reserve)",
    )


def _merge(terms: list[PeakTerm]) -> tuple[PeakTerm, ...]:
    """Terms of the same name summed (sources joined), in first-seen order."""
    merged: dict[str, PeakTerm] = {}
    for term in terms:
        if term.bytes == 0:
            continue
        if term.name in merged:
            old = merged[term.name]
            merged[term.name] = PeakTerm(
                term.name, old.bytes + term.bytes, f"{old.source}; {term.source}"
            )
        else:
            merged[term.name] = term
    return tuple(merged.values())


def transformers_held_after_prefill(architecture: Architecture, workload: Workload) -> int:
    """Bytes held once the prefill returned, until the first decode step: weights + every
    cache-owning layer's K/V of the whole prompt (cache_utils.py L241-249) [bytes]."""
    B, L = workload.batch, workload.context_tokens
    layers = _layers(architecture, workload)
    prompt_cache = sum(B * L * a.kv_bytes_per_token for a, _ in layers if a.owns_cache)
    return weight_term(architecture, workload).bytes + prompt_cache


def transformers_decode_peak(architecture: Architecture, workload: Workload) -> PeakMemory:
    """The first decode step after a prefill of L tokens (module docstring): the prompt's K/V
    still held, replaced layer by layer by ``torch.cat`` (cache_utils.py L136, L242)."""
    B, L = workload.batch, workload.context_tokens
    b = _activation_bytes(workload)
    layers = _layers(architecture, workload)
    weights = weight_term(architecture, workload)
    owned = [a for a, _ in layers if a.owns_cache]
    before = [B * L * a.kv_bytes_per_token for a in owned]
    # After its update a sliding layer keeps the last W - 1 tokens (cache_utils.py L246).
    after = [B * min(L + 1, (a.window or L + 2) - 1) * a.kv_bytes_per_token for a in owned]
    held = sum(before)
    worst_held, worst_new, worst_layer = held, 0, 0
    for index in range(len(owned)):
        # K and V are two tensors of e / 2 each (``PeakAttention``), built one at a time.
        new_tensor = after[index] // 2
        if held + new_tensor > worst_held + worst_new:
            worst_held, worst_new, worst_layer = held, new_tensor, index
        held += after[index] - before[index]
    h = architecture.spec.hidden_size
    widest = max(f.intermediate_size for _, f in layers)
    activations = B * (4 * h + 3 * widest) * b + B * architecture.spec.vocab_size * FP32_BYTES
    return PeakMemory(
        Engine.TRANSFORMERS,
        "decode",
        f"cache layer {worst_layer} update",
        (
            weights,
            PeakTerm(
                "cache",
                worst_held,
                "the prompt's K/V (sliding layers too) until each layer's "
                "update replaces it: cache_utils.py L241-249",
            ),
            PeakTerm(
                "cache update",
                worst_new,
                "torch.cat builds the new K or V while the old one "
                "is alive: cache_utils.py L136, L242",
            ),
            PeakTerm(
                "decode activations",
                activations,
                "one token's hidden copies and MLP, and fp32 logits (bound)",
            ),
        ),
        "CUDA context, cuBLAS workspace and allocator fragmentation (--reserve)",
    )


def vllm_paged(workload: Workload) -> Workload:
    """The workload whose cache the ``vllm`` peak holds: ``workload`` under ``--accounting
    vllm``, whatever accounting it was asked in (``lccost fit`` searches that cache's stride)."""
    return replace(workload, accounting=Accounting.VLLM)


def vllm_peak(
    architecture: Architecture,
    workload: Workload,
    max_batched_tokens: int = VLLM_DEFAULT_MAX_BATCHED_TOKENS,
    max_num_seqs: int = VLLM_DEFAULT_MAX_NUM_SEQS,
) -> PeakMemory:
    """Weights + the paged cache of the batch at L (``--accounting vllm``) + the activations of
    one chunk of ``max_batched_tokens`` tokens + the sampler's dummy logits (module docstring)."""
    if max_batched_tokens < 1:
        raise LccostError(f"max_batched_tokens must be 1 or more, not {max_batched_tokens}")
    b = _activation_bytes(workload)
    layers = _layers(architecture, workload)
    h = architecture.spec.hidden_size
    cache = cost(architecture, vllm_paged(workload)).cache_bytes_per_sequence * workload.batch
    T = min(max_batched_tokens, max(1, workload.batch * workload.context_tokens))
    widest = max(f.intermediate_size for _, f in layers)
    return PeakMemory(
        Engine.VLLM,
        "prefill",
        f"chunk of {T:,} tokens",
        (
            weight_term(architecture, workload),
            PeakTerm("cache", cache, "paged KV cache of the batch (--accounting vllm)"),
            PeakTerm(
                "chunk activations",
                T * (2 * h + 3 * widest) * b,
                "residual + normed hidden, gate_up and SiluAndMul output of one chunk: "
                "vllm/model_executor/layers/activation.py",
            ),
            PeakTerm(
                "sampler logits",
                max_num_seqs * architecture.spec.vocab_size * FP32_BYTES,
                "fp32 logits of max_num_seqs dummy requests: gpu_model_runner.py "
                "_dummy_sampler_run",
            ),
        ),
        "CUDA graphs, torch.compile, NCCL and non-torch memory: inside 1 - "
        "gpu_memory_utilization (--reserve); not measured on a device",
    )


def engine_peak(
    architecture: Architecture,
    workload: Workload,
    engine: Engine,
    attn: AttentionImpl = AttentionImpl.SDPA,
    max_batched_tokens: int = VLLM_DEFAULT_MAX_BATCHED_TOKENS,
    max_num_seqs: int = VLLM_DEFAULT_MAX_NUM_SEQS,
) -> PeakMemory:
    """The larger of the prefill and first-decode peaks under ``engine`` (``none``: weights +
    the workload's cache, nothing else)."""
    if engine is Engine.TRANSFORMERS:
        prefill = transformers_prefill_peak(architecture, workload, attn)
        decode = transformers_decode_peak(architecture, workload)
        return prefill if prefill.total_bytes >= decode.total_bytes else decode
    if engine is Engine.VLLM:
        return vllm_peak(architecture, workload, max_batched_tokens, max_num_seqs)
    cache = cost(architecture, workload).cache_bytes_per_sequence * workload.batch
    return PeakMemory(
        Engine.NONE,
        "rest",
        "weights + cache",
        (
            weight_term(architecture, workload),
            PeakTerm("cache", cache, f"{workload.accounting} accounting"),
        ),
        "activations and everything else (--reserve)",
    )


@dataclass(frozen=True)
class PeakSummary:
    """The figures a report shows for one model at one workload under ``engine`` [bytes]:
    ``prefill_peak_bytes`` and ``decode_peak_bytes`` (first decode step after the prefill),
    with the terms of each (``prefill``, ``decode``) for ``--explain``."""

    engine: Engine
    prefill: PeakMemory
    decode: PeakMemory

    @property
    def prefill_peak_bytes(self) -> int:
        return self.prefill.total_bytes

    @property
    def decode_peak_bytes(self) -> int:
        return self.decode.total_bytes


def peak_summary(
    architecture: Architecture,
    workload: Workload,
    engine: Engine,
    attn: AttentionImpl = AttentionImpl.SDPA,
    max_batched_tokens: int = VLLM_DEFAULT_MAX_BATCHED_TOKENS,
    max_num_seqs: int = VLLM_DEFAULT_MAX_NUM_SEQS,
) -> PeakSummary:
    """Prefill and decode peaks under ``engine`` (the integration point for reports). Under
    vllm both are the chunked-prefill peak (the pool is allocated once); under none both are
    weights + cache. Raises ``LccostError`` where the engine's peak is not modelled."""
    if engine is Engine.TRANSFORMERS:
        return PeakSummary(
            engine,
            transformers_prefill_peak(architecture, workload, attn),
            transformers_decode_peak(architecture, workload),
        )
    if engine is Engine.VLLM:
        single = vllm_peak(architecture, workload, max_batched_tokens, max_num_seqs)
    else:
        single = engine_peak(architecture, workload, engine, attn, max_batched_tokens, max_num_seqs)
    return PeakSummary(engine, single, single)


def unmodelled_reason(
    architecture: Architecture, engine: Engine, workload: Workload | None = None
) -> str | None:
    """Why ``engine``'s peak is not modelled for ``architecture`` at ``workload`` (default: the
    standard workload; whether a mechanism is modelled does not depend on it) (``None``: it is)."""
    if engine is Engine.NONE:
        return None
    try:
        _layers(architecture, workload or Workload(context_tokens=0))
        if workload is not None:
            _activation_bytes(workload)
    except LccostError as error:
        return f"{engine} peak not modelled: {str(error).split(': ', 1)[-1].split('; use')[0]}"
    return None


def default_engine(accounting: str) -> Engine:
    """The engine whose cache accounting is in use: reference -> transformers, vllm -> vllm,
    any other -> none."""
    return {"reference": Engine.TRANSFORMERS, "vllm": Engine.VLLM}.get(str(accounting), Engine.NONE)


@dataclass(frozen=True)
class ReportPeak:
    """The peaks a report shows for one result: ``summary`` under ``engine`` (with the vLLM
    chunk and sequences it assumed), or ``None`` and ``reason`` where the peak is not modelled
    (the report prints n/a and the reason, never a guess)."""

    engine: Engine
    label: str
    summary: PeakSummary | None
    reason: str | None = None


def report_peak(
    architecture: Architecture,
    workload: Workload,
    engine: Engine | None = None,
    capacity_bytes: int | None = None,
    device_name: str = "",
    attn: AttentionImpl = AttentionImpl.SDPA,
) -> ReportPeak:
    """``prefill_peak_bytes`` and ``decode_peak_bytes`` of one result under ``engine`` (default:
    the accounting's, ``default_engine``). vllm: the chunk and sequence count ``vllm serve``
    picks on a device of ``capacity_bytes`` (``vllm_batch_defaults``; without a device, its
    defaults below 70 GiB). ``none``, an unmodelled mechanism or dtype: no figures, a reason."""
    chosen = engine if engine is not None else default_engine(workload.accounting)
    if chosen is Engine.NONE:
        why = (
            "--engine none"
            if engine is not None
            else f"the {workload.accounting} accounting names no engine"
        )
        return ReportPeak(
            chosen,
            str(chosen),
            None,
            f"{why}: no activations are modelled; give --engine transformers or vllm",
        )
    chunk, sequences = (
        vllm_batch_defaults(capacity_bytes, device_name)
        if capacity_bytes is not None
        else (VLLM_DEFAULT_MAX_BATCHED_TOKENS, VLLM_DEFAULT_MAX_NUM_SEQS)
    )
    label = (
        f"{chosen} ({attn})"
        if chosen is Engine.TRANSFORMERS
        else f"{chosen} (max_num_batched_tokens {chunk:,}, max_num_seqs {sequences:,})"
    )
    try:
        summary = peak_summary(architecture, workload, chosen, attn, chunk, sequences)
    except LccostError as error:
        reason = str(error).split("; use --engine none")[0].removeprefix(f"{architecture.name}: ")
        return ReportPeak(chosen, label, None, f"{chosen} peak not modelled: {reason}")
    return ReportPeak(chosen, label, summary)


def peak_not_asked(workload: Workload) -> ReportPeak:
    """A sweep's result without peaks: each point's peak is a walk over every layer, far slower
    than the compiled sweep, so a sweep computes them only when ``--engine`` or ``--hardware``
    asks; the figures are null and say so (never a guess)."""
    engine = default_engine(workload.accounting)
    return ReportPeak(
        engine,
        str(engine),
        None,
        "a sweep computes the peaks when asked: give --engine (or --hardware)",
    )


def parse_engine(name: str | Engine | None) -> Engine | None:
    """``--engine``'s value as an ``Engine`` (None: the accounting's default), or a refusal
    naming the allowed values."""
    if name is None or isinstance(name, Engine):
        return name
    try:
        return Engine(name)
    except ValueError:
        raise LccostError(
            f"{name!r} is not an engine; allowed: {', '.join(e.value for e in Engine)}"
        ) from None
