"""Import a Hugging Face ``config.json`` as an lccost architecture spec.

``spec_from_hf_config`` maps the fields of one ``model_type`` to an lccost spec mapping (the same
data a YAML spec holds); ``architecture_from_hf_config`` reads a file and validates that mapping
through the normal schema (``lccost.spec.loader.validate_document``), so an imported model is
checked exactly like a hand-written one. ``spec_to_yaml`` writes the mapping as a YAML spec that
``lccost`` loads back (``lccost import-hf``).

A field the file leaves out takes the default of the transformers 5.23.0 configuration class of
its ``model_type`` (``HF_DEFAULTS``, read from ``transformers/models/*/configuration_*.py``; the
class defaults are copied, transformers is not imported). Derived defaults (``head_dim`` =
hidden_size / num_attention_heads, the default ``layer_types`` patterns) follow each class's
``__post_init__`` and are written where they are used, with the source named.

The layer structure follows what the transformers 5.23.0 modelling code builds from the config,
since that is what ``--accounting reference`` describes. Storage formats pinned for
``--kv-dtype native`` are not part of a config.json and are left out.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lccost.errors import SpecError
from lccost.spec.loader import Document, validate_document
from lccost.spec.model import Architecture

MAX_CONFIG_BYTES = 4_000_000
"""Larger than any config.json (the largest carry per-layer lists of a few hundred entries)."""

_REQUIRED = object()

HF_DEFAULTS: dict[str, dict[str, Any]] = {
    # transformers 5.23.0 models/gemma4/configuration_gemma4.py, Gemma4TextConfig (class fields;
    # global_head_dim and num_global_key_value_heads are kwargs popped in __post_init__).
    "gemma4_text": {
        "vocab_size": 262_144, "hidden_size": 2304, "intermediate_size": 9216,
        "num_hidden_layers": 30, "num_attention_heads": 8, "num_key_value_heads": 4,
        "head_dim": 256, "max_position_embeddings": 131_072, "tie_word_embeddings": True,
        "sliding_window": 512, "layer_types": None, "use_bidirectional_attention": None,
        "vocab_size_per_layer_input": 262_144, "hidden_size_per_layer_input": 256,
        "attention_k_eq_v": False, "num_kv_shared_layers": 0, "enable_moe_block": False,
        "use_double_wide_mlp": False, "global_head_dim": 512, "num_global_key_value_heads": None,
    },
    # transformers 5.23.0 models/laguna/configuration_laguna.py, LagunaConfig.
    "laguna": {
        "vocab_size": 100352, "hidden_size": 2048, "intermediate_size": 8192,
        "num_hidden_layers": 40, "num_attention_heads": 48, "num_key_value_heads": 8,
        "max_position_embeddings": 131072, "tie_word_embeddings": False, "sliding_window": 512,
        "moe_intermediate_size": 512, "shared_expert_intermediate_size": 512,
        "num_experts_per_tok": 8, "num_experts": 256, "layer_types": None, "head_dim": 128,
        "gating": True, "num_attention_heads_per_layer": None, "mlp_layer_types": None,
    },
    # transformers 5.23.0 models/zaya/configuration_zaya.py, ZayaConfig.
    "zaya": {
        "vocab_size": 262272, "hidden_size": 2048, "num_hidden_layers": 40,
        "num_attention_heads": 8, "num_key_value_heads": 2, "max_position_embeddings": 131072,
        "tie_word_embeddings": True, "sliding_window": None, "moe_intermediate_size": 2048,
        "num_experts_per_tok": 1, "num_experts": 16, "layer_types": None, "head_dim": 128,
        "router_hidden_size": 256, "cca_time0": 2, "cca_time1": 2,
    },
    # transformers 5.23.0 models/deepseek_v4/configuration_deepseek_v4.py, DeepseekV4Config
    # (default_compress_rates, default_num_hash_layers and default_partial_rotary_factor are
    # class attributes used by __post_init__).
    "deepseek_v4": {
        "vocab_size": 129280, "hidden_size": 4096, "moe_intermediate_size": 2048,
        "num_hidden_layers": 43, "num_attention_heads": 64, "num_key_value_heads": 1,
        "head_dim": 512, "q_lora_rank": 1024, "num_experts_per_tok": 6, "n_routed_experts": 256,
        "n_shared_experts": 1, "max_position_embeddings": 1048576, "layer_types": None,
        "compress_ratios": None,
        "compress_rates": {"compressed_sparse_attention": 4, "heavily_compressed_attention": 128},
        "compress_rate_csa": None, "compress_rate_hca": None, "hc_mult": 4,
        "hc_sinkhorn_iters": 20, "mlp_layer_types": None, "num_hash_layers": 3,
        "sliding_window": 128, "o_groups": 8, "o_lora_rank": 1024, "index_n_heads": 64,
        "index_head_dim": 128, "index_topk": 512, "tie_word_embeddings": False,
        "partial_rotary_factor": None, "qk_rope_head_dim": None,
    },
    # transformers 5.23.0 models/deepseek_v32/configuration_deepseek_v32.py, DeepseekV32Config.
    "deepseek_v32": {
        "vocab_size": 129280, "hidden_size": 7168, "intermediate_size": 18432,
        "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
        "n_shared_experts": 1, "n_routed_experts": 256, "kv_lora_rank": 512, "q_lora_rank": 1536,
        "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
        "num_experts_per_tok": 8, "max_position_embeddings": 163840, "tie_word_embeddings": False,
        "mlp_layer_types": None, "index_topk": 2048, "index_head_dim": 128, "index_n_heads": 64,
        "first_k_dense_replace": 3,
    },
    # transformers 5.23.0 models/deepseek_v3/configuration_deepseek_v3.py, DeepseekV3Config.
    "deepseek_v3": {
        "vocab_size": 129280, "hidden_size": 7168, "intermediate_size": 18432,
        "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
        "n_shared_experts": 1, "n_routed_experts": 256, "kv_lora_rank": 512, "q_lora_rank": 1536,
        "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
        "num_experts_per_tok": 8, "first_k_dense_replace": 3, "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
    },
    # transformers 5.23.0 models/llama/configuration_llama.py, LlamaConfig.
    "llama": {
        "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": None,
        "max_position_embeddings": 2048, "tie_word_embeddings": False, "head_dim": None,
    },
    # transformers 5.23.0 models/mistral/configuration_mistral.py, MistralConfig.
    "mistral": {
        "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
        "head_dim": None, "max_position_embeddings": 4096 * 32, "tie_word_embeddings": False,
        "sliding_window": 4096,
    },
    # transformers 5.23.0 models/qwen2/configuration_qwen2.py, Qwen2Config (no head_dim field:
    # modeling_qwen2.py reads getattr(config, "head_dim", None) or hidden_size // heads).
    "qwen2": {
        "vocab_size": 151936, "hidden_size": 4096, "intermediate_size": 22016,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
        "max_position_embeddings": 32768, "tie_word_embeddings": False,
        "use_sliding_window": False, "sliding_window": 4096, "max_window_layers": 28,
        "layer_types": None, "head_dim": None,
    },
    # transformers 5.23.0 models/qwen3/configuration_qwen3.py, Qwen3Config.
    "qwen3": {
        "vocab_size": 151936, "hidden_size": 4096, "intermediate_size": 22016,
        "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32,
        "head_dim": 128, "max_position_embeddings": 32768, "tie_word_embeddings": False,
        "use_sliding_window": False, "sliding_window": 4096, "max_window_layers": 28,
        "layer_types": None,
    },
    # transformers 5.23.0 models/qwen3_moe/configuration_qwen3_moe.py, Qwen3MoeConfig (no
    # head_dim field: modeling_qwen3_moe.py reads getattr(config, "head_dim", hidden // heads)).
    "qwen3_moe": {
        "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 6144,
        "num_hidden_layers": 24, "num_attention_heads": 32, "num_key_value_heads": 4,
        "max_position_embeddings": 32768, "tie_word_embeddings": False,
        "use_sliding_window": False, "sliding_window": 4096, "decoder_sparse_step": 1,
        "moe_intermediate_size": 768, "num_experts_per_tok": 8, "num_experts": 128,
        "mlp_only_layers": None, "head_dim": None,
    },
    # transformers 5.23.0 models/gemma2/configuration_gemma2.py, Gemma2Config.
    "gemma2": {
        "vocab_size": 256000, "hidden_size": 2304, "intermediate_size": 9216,
        "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4,
        "head_dim": 256, "max_position_embeddings": 8192, "tie_word_embeddings": True,
        "sliding_window": 4096, "layer_types": None,
    },
    # transformers 5.23.0 models/gemma3/configuration_gemma3.py, Gemma3TextConfig
    # (sliding_window_pattern is a kwarg read in __post_init__, default 6).
    "gemma3_text": {
        "vocab_size": 262_208, "hidden_size": 2304, "intermediate_size": 9216,
        "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4,
        "head_dim": 256, "max_position_embeddings": 131_072, "tie_word_embeddings": True,
        "sliding_window": 4096, "layer_types": None, "sliding_window_pattern": 6,
        "use_bidirectional_attention": False,
    },
    # transformers 5.23.0 models/gpt_oss/configuration_gpt_oss.py, GptOssConfig.
    "gpt_oss": {
        "num_hidden_layers": 36, "num_local_experts": 128, "vocab_size": 201088,
        "hidden_size": 2880, "intermediate_size": 2880, "head_dim": 64,
        "num_attention_heads": 64, "num_key_value_heads": 8, "sliding_window": 128,
        "tie_word_embeddings": False, "max_position_embeddings": 131072,
        "num_experts_per_tok": 4, "layer_types": None,
    },
}
"""Class defaults of the transformers 5.23.0 configuration classes, for the fields read here."""

_CLASS_NAMES = {
    "gemma4_text": "Gemma4TextConfig", "laguna": "LagunaConfig", "zaya": "ZayaConfig",
    "deepseek_v4": "DeepseekV4Config", "deepseek_v32": "DeepseekV32Config",
    "deepseek_v3": "DeepseekV3Config", "llama": "LlamaConfig", "mistral": "MistralConfig",
    "qwen2": "Qwen2Config", "qwen3": "Qwen3Config", "qwen3_moe": "Qwen3MoeConfig",
    "gemma2": "Gemma2Config", "gemma3_text": "Gemma3TextConfig", "gpt_oss": "GptOssConfig",
}

_WRAPPERS = {"gemma4": "gemma4_text", "gemma3": "gemma3_text"}
"""Multimodal model types whose text decoder is described by ``text_config``."""


class _Fields:
    """One config mapping read against its class defaults, with errors that name the field."""

    def __init__(self, data: Mapping[str, Any], model_type: str, file: str, prefix: str = "",
                 text: str | None = None) -> None:
        self.data, self.defaults = data, HF_DEFAULTS[model_type]
        self.model_type, self.file, self.prefix, self.text = model_type, file, prefix, text
        self.defaulted: dict[str, Any] = {}

    def error(self, key: str, message: str) -> SpecError:
        return SpecError(self.file, message,
                         line=_key_line(self.text, key, self.prefix.rstrip(".") or None),
                         field=f"{self.prefix}{key}")

    def get(self, key: str) -> Any:
        if key in self.data:
            return self.data[key]
        default = self.defaults.get(key, _REQUIRED)
        if default is _REQUIRED:  # pragma: no cover - every key read has a default
            raise self.error(key, "is required")
        self.defaulted[key] = default
        return default

    def integer(self, key: str, minimum: int = 1) -> int:
        return self._check_int(key, self.get(key), minimum)

    def opt_integer(self, key: str, minimum: int = 1) -> int | None:
        value = self.get(key)
        return None if value is None else self._check_int(key, value, minimum)

    def _check_int(self, key: str, value: Any, minimum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"got {value!r}; allowed: a whole number such as 4096")
        if value < minimum:
            raise self.error(key, f"got {value}; allowed: a number >= {minimum}")
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise self.error(key, f"got {value!r}; allowed: true or false")
        return value

    def int_list(self, key: str, length: int, minimum: int = 0) -> list[int] | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(key, f"got {value!r}; allowed: a list of whole numbers")
        if len(value) < length:
            raise self.error(key, f"has {len(value)} entries; num_hidden_layers is {length}")
        return [self._check_int(key, v, minimum) for v in value]

    def str_list(self, key: str, length: int, allowed: tuple[str, ...]) -> list[str] | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"got {value!r}; allowed: a list of {', '.join(allowed)}")
        if len(value) < length:
            raise self.error(key, f"has {len(value)} entries; num_hidden_layers is {length}")
        bad = sorted({v for v in value[:length] if v not in allowed})
        if bad:
            raise self.error(key, f"has {', '.join(map(repr, bad))}; allowed: "
                                  f"{', '.join(allowed)}")
        return list(value[:length])

    def defaults_note(self) -> str | None:
        if not self.defaulted:
            return None
        values = ", ".join(f"{self.prefix}{k} = {json.dumps(v)}"
                           for k, v in sorted(self.defaulted.items()))
        return (f"Not in the config file, taken from the transformers 5.23.0 "
                f"{_CLASS_NAMES[self.model_type]} class defaults: {values}.")


def _key_line(text: str | None, key: str, within: str | None = None) -> int | None:
    """The line of the first ``"key":`` in the JSON text, after ``"within":`` if given (errors
    point at the field; a text_config field is looked for after ``"text_config"``)."""
    if text is None:
        return None
    start = 0
    if within is not None:
        outer = re.search(rf'"{re.escape(within)}"\s*:', text)
        start = outer.end() if outer else 0
    match = re.compile(rf'"{re.escape(key)}"\s*:').search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


# ------------------------------------------------------------------------------------ shared bits
def _attention(H: int, K: int, d: int, window: int | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": "attention", "query_heads": H, "kv_heads": K, "head_dim": d}
    if window is not None:
        spec["window"] = window
    spec.update(extra)
    return spec


def _dense(intermediate: int) -> dict[str, Any]:
    return {"kind": "dense", "intermediate_size": intermediate}


def _moe(experts: int, active: int, width: int, shared: int = 0,
         shared_width: int | None = None, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": "moe", "experts": experts, "active_experts": active,
                            "expert_intermediate_size": width}
    if shared:
        spec["shared_experts"] = shared
        if shared_width is not None and shared_width != width:
            spec["shared_intermediate_size"] = shared_width
    spec.update(extra)
    return spec


def _head_dim(f: _Fields) -> int:
    """``head_dim`` or, when null/absent, hidden_size // num_attention_heads (the Llama,
    Mistral and Qwen classes' ``__post_init__`` / modelling fallback)."""
    head_dim = f.opt_integer("head_dim")
    if head_dim is not None:
        return head_dim
    return f.integer("hidden_size") // f.integer("num_attention_heads")


def _kv_heads(f: _Fields) -> int:
    """``num_key_value_heads``; null means MHA (``__post_init__``: = num_attention_heads)."""
    kv = f.opt_integer("num_key_value_heads")
    return kv if kv is not None else f.integer("num_attention_heads")


def _alternating(n: int, pattern: int) -> list[str]:
    """Gemma's default ``layer_types``: every ``pattern``-th layer full, the others sliding."""
    return ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]


_ATTENTION_TYPES = ("full_attention", "sliding_attention")


class _Import:
    """What a family builder returns: top-level fields, one layer mapping per layer, notes."""

    def __init__(self, top: dict[str, Any], layers: list[dict[str, Any]],
                 notes: list[str] | None = None) -> None:
        self.top, self.layers, self.notes = top, layers, notes or []


def _top(f: _Fields, tie: bool | None = None) -> dict[str, Any]:
    top: dict[str, Any] = {
        "hidden_size": f.integer("hidden_size"), "vocab_size": f.integer("vocab_size"),
        "tie_word_embeddings": f.flag("tie_word_embeddings") if tie is None else tie,
    }
    max_context = f.opt_integer("max_position_embeddings")
    if max_context is not None:
        top["max_context"] = max_context
    return top


# ----------------------------------------------------------------------------------- families
def _gemma4(f: _Fields, tie: bool | None) -> _Import:
    """Gemma 4 text decoder (modeling_gemma4.py: Gemma4TextAttention L1150-1200, Gemma4TextMLP
    L1059-1067, per-layer inputs L1353-1357 and L1574-1589; kv_sharing_modes in
    configuration_gemma4.py)."""
    N, H = f.integer("num_hidden_layers"), f.integer("num_attention_heads")
    if f.flag("enable_moe_block"):
        raise f.error("enable_moe_block", "is true: Gemma 4's parallel MoE block (dense MLP plus "
                                          "routed experts in every layer) is not modelled by "
                                          "lccost; only dense Gemma 4 models can be imported")
    types = f.str_list("layer_types", N, _ATTENTION_TYPES) or _alternating(N, 6)
    notes = []
    if types[-1] != "full_attention":  # Gemma4TextConfig.__post_init__ forces it, with a warning
        types[-1] = "full_attention"
        notes.append("The last layer is full attention: transformers forces it "
                     "(Gemma4TextConfig.__post_init__), whatever layer_types says.")
    window = f.integer("sliding_window")
    if f.get("use_bidirectional_attention") == "all":  # __post_init__: exclusive bounds
        window = window // 2 + 1
    k_eq_v = f.flag("attention_k_eq_v")
    global_kv = f.opt_integer("num_global_key_value_heads")
    full_kv = global_kv if (k_eq_v and global_kv is not None) else f.integer("num_key_value_heads")
    shared = f.integer("num_kv_shared_layers", minimum=0)
    if shared >= N:
        raise f.error("num_kv_shared_layers", f"is {shared}, but the model has {N} layers; at "
                                              "least the first layer must hold its own cache")
    first_shared = N - shared
    double_wide = f.flag("use_double_wide_mlp")
    intermediate = f.integer("intermediate_size")
    layers = []
    for i, kind in enumerate(types):
        if kind == "full_attention":
            attention = _attention(H, full_kv, f.integer("global_head_dim"),
                                   **({"k_eq_v": True} if k_eq_v else {}))
        else:
            attention = _attention(H, f.integer("num_key_value_heads"), f.integer("head_dim"),
                                   window)
        wide = double_wide and shared > 0 and i >= first_shared
        layers.append({"attention": attention, "ffn": _dense(intermediate * (2 if wide else 1))})
    top = _top(f, tie)
    ple_dim = f.integer("hidden_size_per_layer_input", minimum=0)
    if ple_dim:
        top["per_layer_embeddings"] = {"dim": ple_dim,
                                       "vocab_size": f.integer("vocab_size_per_layer_input")}
    if shared:
        top["kv_sharing"] = {"first_shared_layer": first_shared}
    return _Import(top, layers, notes)


def _laguna(f: _Fields) -> _Import:
    """Laguna (modeling_laguna.py: LagunaAttention with g_proj L324-356, LagunaDecoderLayer
    L412-419, LagunaSparseMoeBlock with one shared expert L218-229)."""
    N, K = f.integer("num_hidden_layers"), f.integer("num_key_value_heads")
    d = f.integer("head_dim")
    types = f.str_list("layer_types", N, _ATTENTION_TYPES) or ["full_attention"] * N
    heads = f.int_list("num_attention_heads_per_layer", N, minimum=1) \
        or [f.integer("num_attention_heads")] * N
    notes = []
    mlp_types = f.str_list("mlp_layer_types", N, ("dense", "sparse"))
    if mlp_types is None and "mlp_only_layers" in f.data:
        # Not a LagunaConfig field (transformers ignores it and makes only layer 0 dense);
        # third-party Laguna configs use it for the dense layers, so it is honoured here.
        only = f.int_list("mlp_only_layers", 0, minimum=0) or []
        mlp_types = ["dense" if i in only else "sparse" for i in range(N)]
        notes.append("mlp_only_layers is not a transformers 5.23.0 LagunaConfig field; it "
                     "decides the dense layers here (transformers would make only layer 0 dense).")
    mlp_types = mlp_types or ["dense"] + ["sparse"] * (N - 1)
    gating = f.get("gating")
    # LagunaAttention: gate_per_head = gating is True or gating == "per-head"; anything else
    # (False, "per-element") builds the per-element g_proj, which the forward pass applies.
    gate = "per_head" if gating is True or gating == "per-head" else "per_element"
    if gating is False:
        notes.append("gating is false, but transformers 5.23.0 LagunaAttention still builds and "
                     "applies a per-element gate (gate_per_head is False): counted as such.")
    window = f.integer("sliding_window")
    layers = []
    for i in range(N):
        attention = _attention(heads[i], K, d, window if types[i] == "sliding_attention" else None,
                               output_gate=gate)
        if mlp_types[i] == "dense":
            ffn = _dense(f.integer("intermediate_size"))
        else:
            ffn = _moe(f.integer("num_experts"), f.integer("num_experts_per_tok"),
                       f.integer("moe_intermediate_size"), 1,
                       f.integer("shared_expert_intermediate_size"))
        layers.append({"attention": attention, "ffn": ffn})
    return _Import(_top(f), layers, notes)


def _zaya(f: _Fields) -> _Import:
    """ZAYA1 (modeling_zaya.py: ZayaCCAProjection, ZayaRouter with the extra skip class
    L506-533, ZayaExperts)."""
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", N, ("hybrid", "hybrid_sliding")) or ["hybrid"] * N
    window = f.opt_integer("sliding_window")
    if "hybrid_sliding" in types and window is None:
        raise f.error("sliding_window", "is null, but layer_types has hybrid_sliding layers "
                                        "(ZayaConfig requires a window for them)")
    layers = []
    for kind in types:
        attention: dict[str, Any] = {
            "kind": "cca", "query_heads": f.integer("num_attention_heads"),
            "kv_heads": f.integer("num_key_value_heads"), "head_dim": f.integer("head_dim"),
            "conv_kernel": f.integer("cca_time0"), "grouped_conv_kernel": f.integer("cca_time1"),
        }
        if kind == "hybrid_sliding":
            attention["window"] = window
        ffn = _moe(f.integer("num_experts"), f.integer("num_experts_per_tok"),
                   f.integer("moe_intermediate_size"),
                   router_hidden_size=f.integer("router_hidden_size"),
                   extra_router_classes=1)
        layers.append({"attention": attention, "ffn": ffn})
    return _Import(_top(f), layers)


_V4_RATIO_TO_TYPE = {0: "sliding_attention", 4: "compressed_sparse_attention",
                     128: "heavily_compressed_attention"}
_V4_TYPES = tuple(_V4_RATIO_TO_TYPE.values())


def _deepseek_v4(f: _Fields) -> _Import:
    """DeepSeek V4 (DeepseekV4Config.__post_init__: layer_types > compress_ratios > 2 HCA then
    HCA/CSA interleaved; mlp_layer_types > num_hash_layers; partial_rotary_factor >
    qk_rope_head_dim / head_dim; modeling_deepseek_v4.py for the shapes)."""
    N, H = f.integer("num_hidden_layers"), f.integer("num_attention_heads")
    c = f.integer("head_dim")
    if f.integer("num_key_value_heads") != 1:
        raise f.error("num_key_value_heads", f"is {f.get('num_key_value_heads')}; DeepSeek V4 "
                                             "attention has one shared K=V head (1)")
    types = f.str_list("layer_types", N, _V4_TYPES)
    if types is None:
        ratios = f.int_list("compress_ratios", N, minimum=0)
        if ratios is not None:
            bad = sorted({r for r in ratios[:N] if r not in _V4_RATIO_TO_TYPE})
            if bad:
                raise f.error("compress_ratios", f"has {bad}; allowed: 0 (sliding window only), "
                                                 "4 (CSA), 128 (HCA), as in transformers")
            types = [_V4_RATIO_TO_TYPE[r] for r in ratios[:N]]
        else:
            interleave = ["compressed_sparse_attention" if i % 2 else
                          "heavily_compressed_attention" for i in range(max(N - 2, 0))]
            types = ["heavily_compressed_attention"] * min(N, 2) + interleave
    rates = dict(f.get("compress_rates") or {})
    for key, legacy in (("compressed_sparse_attention", "compress_rate_csa"),
                        ("heavily_compressed_attention", "compress_rate_hca")):
        if f.opt_integer(legacy) is not None:
            rates[key] = f.integer(legacy)
        rates.setdefault(key, HF_DEFAULTS["deepseek_v4"]["compress_rates"][key])
        if isinstance(rates[key], bool) or not isinstance(rates[key], int) or rates[key] < 2:
            raise f.error("compress_rates", f"{key} is {rates[key]!r}; allowed: a whole "
                                            "number >= 2")
    mlp_types = f.str_list("mlp_layer_types", N, ("hash_moe", "moe"))
    if mlp_types is None:
        n_hash = f.integer("num_hash_layers", minimum=0)
        mlp_types = ["hash_moe"] * min(N, n_hash) + ["moe"] * max(0, N - n_hash)
    factor = f.get("partial_rotary_factor")
    if factor is None:
        rope = f.opt_integer("qk_rope_head_dim", minimum=0)
        rope_dim = rope if rope is not None else c * 64 // 512  # default_partial_rotary_factor
    elif isinstance(factor, int | float) and not isinstance(factor, bool) and 0 <= factor <= 1:
        rope_dim = int(c * factor)  # DeepseekV4Config: int(head_dim * partial_rotary_factor)
    else:
        raise f.error("partial_rotary_factor", f"got {factor!r}; allowed: a number from 0 to 1")
    base = {
        "query_heads": H, "head_dim": c, "rope_head_dim": rope_dim,
        "q_lora_rank": f.integer("q_lora_rank"), "output_groups": f.integer("o_groups"),
        "output_rank": f.integer("o_lora_rank"), "window": f.integer("sliding_window"),
    }
    indexer = {"heads": f.integer("index_n_heads"), "head_dim": f.integer("index_head_dim"),
               "top_k": f.integer("index_topk")}
    layers = []
    for kind, mlp in zip(types, mlp_types, strict=True):
        if kind == "sliding_attention":
            attention = {"kind": "v4_sliding", **base}
        elif kind == "heavily_compressed_attention":
            attention = {"kind": "hca", **base,
                         "compress_rate": rates["heavily_compressed_attention"]}
        else:
            attention = {"kind": "csa", **base,
                         "compress_rate": rates["compressed_sparse_attention"],
                         "indexer": dict(indexer)}
        # DeepseekV4SparseMoeBlock builds one shared DeepseekV4MLP of moe_intermediate_size,
        # whatever n_shared_experts says (modeling_deepseek_v4.py L1137).
        ffn = _moe(f.integer("n_routed_experts"), f.integer("num_experts_per_tok"),
                   f.integer("moe_intermediate_size"), 1)
        if mlp == "hash_moe":
            ffn["routing"] = "hash"
        layers.append({"attention": attention, "ffn": ffn})
    top = _top(f)
    top["hyper_connections"] = {"streams": f.integer("hc_mult"),
                                "sinkhorn_iterations": f.integer("hc_sinkhorn_iters", minimum=0)}
    notes = []
    if f.integer("n_shared_experts", minimum=0) != 1:
        notes.append(f"n_shared_experts is {f.get('n_shared_experts')}, but transformers "
                     "5.23.0 builds one shared expert of moe_intermediate_size in every layer "
                     "(DeepseekV4SparseMoeBlock); counted as one.")
    return _Import(top, layers, notes)


def _mla_layers(f: _Fields, indexer: dict[str, int] | None, mlp_types: list[str]) -> list[Any]:
    attention: dict[str, Any] = {"kind": "mla", "query_heads": f.integer("num_attention_heads")}
    q_lora = f.opt_integer("q_lora_rank")
    if q_lora is not None:
        attention["q_lora_rank"] = q_lora
    attention.update({
        "kv_lora_rank": f.integer("kv_lora_rank"),
        "qk_nope_head_dim": f.integer("qk_nope_head_dim"),
        "qk_rope_head_dim": f.integer("qk_rope_head_dim"), "v_head_dim": f.integer("v_head_dim"),
    })
    if indexer is not None:
        attention["indexer"] = indexer
    layers = []
    for mlp in mlp_types:
        if mlp == "dense":
            ffn = _dense(f.integer("intermediate_size"))
        else:
            # One shared MLP of moe_intermediate_size x n_shared_experts (DeepseekV3MoE,
            # DeepseekV32MoE) = n_shared_experts experts of moe_intermediate_size.
            ffn = _moe(f.integer("n_routed_experts"), f.integer("num_experts_per_tok"),
                       f.integer("moe_intermediate_size"), f.integer("n_shared_experts", minimum=0))
        layers.append({"attention": dict(attention), "ffn": ffn})
    return layers


def _deepseek_v32(f: _Fields) -> _Import:
    """DeepSeek V3.2 (DeepseekV32Config.__post_init__: mlp_layer_types defaults to
    first_k_dense_replace dense layers; every layer is MLA with the lightning indexer)."""
    N = f.integer("num_hidden_layers")
    if "n_routed_experts" not in f.data and "num_experts" in f.data:  # __post_init__ BC
        f.data = {**f.data, "n_routed_experts": f.data["num_experts"]}
    mlp_types = f.str_list("mlp_layer_types", N, ("dense", "sparse"))
    if mlp_types is None:
        dense = min(f.integer("first_k_dense_replace", minimum=0), N)
        mlp_types = ["dense"] * dense + ["sparse"] * (N - dense)
    indexer = {"heads": f.integer("index_n_heads"), "head_dim": f.integer("index_head_dim"),
               "top_k": f.integer("index_topk")}
    return _Import(_top(f), _mla_layers(f, indexer, mlp_types))


def _deepseek_v3(f: _Fields) -> _Import:
    """DeepSeek V3 (modeling_deepseek_v3.py L492: MoE from layer first_k_dense_replace on)."""
    N = f.integer("num_hidden_layers")
    dense = min(f.integer("first_k_dense_replace", minimum=0), N)
    return _Import(_top(f), _mla_layers(f, None, ["dense"] * dense + ["sparse"] * (N - dense)))


def _dense_gqa(f: _Fields, windows: list[int | None]) -> _Import:
    H, K, d = f.integer("num_attention_heads"), _kv_heads(f), _head_dim(f)
    ffn = _dense(f.integer("intermediate_size"))
    layers = [{"attention": _attention(H, K, d, w), "ffn": dict(ffn)} for w in windows]
    return _Import(_top(f), layers)


def _llama(f: _Fields) -> _Import:
    return _dense_gqa(f, [None] * f.integer("num_hidden_layers"))


def _mistral(f: _Fields) -> _Import:
    """Mistral: ``sliding_window`` (default 4096; null = full) on every layer
    (modeling_mistral.py passes config.sliding_window to every layer's attention)."""
    return _dense_gqa(f, [f.opt_integer("sliding_window")] * f.integer("num_hidden_layers"))


def _qwen_windows(f: _Fields, has_layer_types: bool) -> list[int | None]:
    """Qwen2/Qwen3 ``__post_init__``: the window only with use_sliding_window; default
    layer_types = sliding from layer max_window_layers on."""
    N = f.integer("num_hidden_layers")
    window = f.opt_integer("sliding_window") if f.flag("use_sliding_window") else None
    types = f.str_list("layer_types", N, _ATTENTION_TYPES) if has_layer_types else None
    if types is None:
        if not has_layer_types:  # Qwen3MoeConfig has no layer_types: the window on every layer
            return [window] * N
        start = f.integer("max_window_layers", minimum=0)
        types = ["sliding_attention" if window is not None and i >= start else "full_attention"
                 for i in range(N)]
    return [window if t == "sliding_attention" else None for t in types]


def _qwen(f: _Fields) -> _Import:
    return _dense_gqa(f, _qwen_windows(f, has_layer_types=True))


def _qwen3_moe(f: _Fields) -> _Import:
    """Qwen3-MoE (modeling_qwen3_moe.py L308: MoE where layer_idx not in mlp_only_layers and
    (layer_idx + 1) % decoder_sparse_step == 0; no shared expert)."""
    H, K, d = f.integer("num_attention_heads"), _kv_heads(f), _head_dim(f)
    only = f.int_list("mlp_only_layers", 0, minimum=0) or []
    step = f.integer("decoder_sparse_step")
    experts = f.integer("num_experts", minimum=0)
    layers = []
    for i, window in enumerate(_qwen_windows(f, has_layer_types=False)):
        sparse = i not in only and experts > 0 and (i + 1) % step == 0
        ffn = (_moe(experts, f.integer("num_experts_per_tok"), f.integer("moe_intermediate_size"))
               if sparse else _dense(f.integer("intermediate_size")))
        layers.append({"attention": _attention(H, K, d, window), "ffn": ffn})
    return _Import(_top(f), layers)


def _gemma_sliding(f: _Fields, pattern: int, tie: bool | None = None,
                   bidirectional: bool = False) -> _Import:
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", N, _ATTENTION_TYPES) or _alternating(N, pattern)
    window = f.opt_integer("sliding_window")
    if window is not None and bidirectional:  # Gemma3TextConfig.__post_init__
        window = window // 2 + 1
    H, K = f.integer("num_attention_heads"), f.integer("num_key_value_heads")
    d = f.integer("head_dim")
    ffn = _dense(f.integer("intermediate_size"))
    layers = [{"attention": _attention(H, K, d, window if t == "sliding_attention" else None),
               "ffn": dict(ffn)} for t in types]
    return _Import(_top(f, tie), layers)


def _gemma2(f: _Fields) -> _Import:
    """Gemma 2: default layer_types alternate sliding / full (Gemma2Config.__post_init__)."""
    return _gemma_sliding(f, 2)


def _gemma3(f: _Fields, tie: bool | None) -> _Import:
    """Gemma 3 text: default pattern sliding_window_pattern (6: five sliding, one full)."""
    return _gemma_sliding(f, f.integer("sliding_window_pattern"), tie,
                          bool(f.get("use_bidirectional_attention")))


def _gpt_oss(f: _Fields) -> _Import:
    """gpt-oss: default layer_types alternate sliding (128) / full; every layer a MoE of
    num_local_experts with gated experts of intermediate_size (modeling_gpt_oss.py L68-80)."""
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", N, _ATTENTION_TYPES) or _alternating(N, 2)
    H, K, d = f.integer("num_attention_heads"), _kv_heads(f), f.integer("head_dim")
    window = f.opt_integer("sliding_window")
    ffn = _moe(f.integer("num_local_experts"), f.integer("num_experts_per_tok"),
               f.integer("intermediate_size"))
    layers = [{"attention": _attention(H, K, d, window if t == "sliding_attention" else None),
               "ffn": dict(ffn)} for t in types]
    return _Import(_top(f), layers)


_FAMILIES: dict[str, Callable[[_Fields], _Import]] = {
    "laguna": _laguna, "zaya": _zaya, "deepseek_v4": _deepseek_v4,
    "deepseek_v32": _deepseek_v32, "deepseek_v3": _deepseek_v3, "llama": _llama,
    "mistral": _mistral, "qwen2": _qwen, "qwen3": _qwen, "qwen3_moe": _qwen3_moe,
    "gemma2": _gemma2, "gpt_oss": _gpt_oss,
}

SUPPORTED_MODEL_TYPES = tuple(sorted({*_FAMILIES, "gemma4", "gemma4_text", "gemma3",
                                      "gemma3_text"}))
"""The ``model_type`` values ``import-hf`` understands."""


# ------------------------------------------------------------------------------------ assembly
def _layer_name(layer: dict[str, Any]) -> str:
    attention, ffn = layer["attention"], layer["ffn"]
    kind = attention["kind"]
    if kind == "attention":
        part = "sliding" if "window" in attention else "full"
    elif kind == "cca":
        part = "cca_sliding" if "window" in attention else "cca"
    else:
        part = {"v4_sliding": "swa"}.get(kind, kind)
    if ffn["kind"] == "dense":
        return f"{part}_dense"
    return f"{part}_moe_hash" if ffn.get("routing") == "hash" else f"{part}_moe"


MAX_REPEAT_PERIOD = 8
"""Longest block of layers ``_compress`` looks for when folding repeats."""


def _compress(names: list[str]) -> list[Any]:
    """Fold a layer sequence into ``repeat`` entries: at each position the repeated block
    (up to ``MAX_REPEAT_PERIOD`` layers) that covers the most layers."""
    entries: list[Any] = []
    i, n = 0, len(names)
    while i < n:
        best_period, best_count = 1, 1
        for period in range(1, min(MAX_REPEAT_PERIOD, (n - i) // 2) + 1):
            block, count = names[i:i + period], 1
            while names[i + count * period:i + (count + 1) * period] == block:
                count += 1
            if count >= 2 and period * count > best_period * best_count:
                best_period, best_count = period, count
        if best_count == 1:
            entries.append(names[i])
        else:
            entries.append({"repeat": best_count, "layers": names[i:i + best_period]})
        i += best_period * best_count
    return entries


def _assemble(name: str, description: str, result: _Import, sources: list[dict[str, str]],
              notes: list[str]) -> dict[str, Any]:
    templates: dict[str, dict[str, Any]] = {}
    by_key: dict[str, str] = {}
    sequence = []
    for layer in result.layers:
        key = json.dumps(layer, sort_keys=True)
        if key not in by_key:
            base = _layer_name(layer)
            label, suffix = base, 2
            while label in templates:
                label, suffix = f"{base}_{suffix}", suffix + 1
            by_key[key] = label
            templates[label] = copy.deepcopy(layer)
        sequence.append(by_key[key])
    spec: dict[str, Any] = {"name": name, "description": description, **result.top,
                            "layer_templates": templates, "layers": _compress(sequence),
                            "sources": sources}
    if notes:
        spec["notes"] = notes
    return spec


def _model_type(config: Mapping[str, Any], file: str, text: str | None) -> str:
    model_type = config.get("model_type")
    supported = ", ".join(SUPPORTED_MODEL_TYPES)
    if model_type is None:
        raise SpecError(file, f"has no model_type; lccost import-hf reads these: {supported}")
    if model_type not in SUPPORTED_MODEL_TYPES:
        raise SpecError(file, f"model_type {model_type!r} is not supported; supported: "
                              f"{supported}", line=_key_line(text, "model_type"),
                        field="model_type")
    return str(model_type)


def spec_from_hf_config(config: Mapping[str, Any], name: str | None = None,
                        source: str = "config.json", text: str | None = None) -> dict[str, Any]:
    """An lccost spec mapping (what a YAML spec holds) for a Hugging Face ``config.json``.

    ``source`` is the file named in errors and in ``sources``; ``text`` (the file's JSON text)
    lets errors give the line of a bad field. The mapping is not validated here:
    ``architecture_from_hf_config`` and ``lccost import-hf`` run it through the spec schema.
    """
    if not isinstance(config, Mapping):
        raise SpecError(source, f"must be a JSON object of config fields, not a "
                                f"{type(config).__name__}")
    model_type = _model_type(config, source, text)
    if model_type in _WRAPPERS:
        text_model_type = _WRAPPERS[model_type]
        text_config = config.get("text_config") or {}
        if not isinstance(text_config, Mapping):
            raise SpecError(source, f"got {text_config!r}; allowed: an object of text decoder "
                                    "fields", field="text_config")
        fields = _Fields(text_config, text_model_type, source, "text_config.", text)
        # The top-level tie_word_embeddings (Gemma4Config / Gemma3Config, default true) applies
        # when text_config does not give one.
        tie = text_config.get("tie_word_embeddings", config.get("tie_word_embeddings", True))
        if not isinstance(tie, bool):
            raise SpecError(source, f"got {tie!r}; allowed: true or false",
                            field="tie_word_embeddings")
        result = (_gemma4(fields, tie) if text_model_type == "gemma4_text"
                  else _gemma3(fields, tie))
        towers = [key for key in ("vision_config", "audio_config") if config.get(key)]
        if towers:
            verb = "describe" if len(towers) > 1 else "describes"
            result.notes.append(f"{' and '.join(towers)} {verb} encoders whose parameters a "
                                "config.json does not count: they are not imported (list them "
                                "under encoders to include them in params_total).")
    else:
        fields = _Fields(config, model_type, source, "", text)
        if model_type == "gemma4_text":
            result = _gemma4(fields, None)
        elif model_type == "gemma3_text":
            result = _gemma3(fields, None)
        else:
            result = _FAMILIES[model_type](fields)
    name = name or str(config.get("_name_or_path") or model_type)
    sources = [{"ref": f"imported from {source} (model_type {model_type}) by lccost import-hf",
                "covers": "every field of this spec"}]
    notes = list(result.notes)
    defaults = fields.defaults_note()
    if defaults:
        notes.append(defaults)
    return _assemble(name, f"Imported from {source} (model_type {model_type}).", result,
                     sources, notes)


def _read_config(path: Path) -> str:
    if not path.exists():
        raise SpecError(str(path), "no such file")
    if path.is_dir():
        raise SpecError(str(path), "is a directory; give its config.json")
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise SpecError(str(path), f"is {path.stat().st_size:,} bytes; a config.json is at most "
                                   f"{MAX_CONFIG_BYTES:,} bytes")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(str(path), f"is not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise SpecError(str(path), f"cannot be read: {error.strerror}") from None


def read_hf_config(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed JSON object of a config.json and its text; errors name the file and line."""
    text = _read_config(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(str(path), f"is not valid JSON: {error.msg} (column {error.colno})",
                        line=error.lineno) from None
    if not isinstance(data, dict):
        raise SpecError(str(path), f"must be a JSON object of config fields, not a "
                                   f"{type(data).__name__}")
    return data, text


def default_name(path: Path) -> str:
    """``models/ZAYA1-8B/config.json`` -> ``ZAYA1-8B``; ``zaya1-8b.json`` -> ``zaya1-8b``."""
    return path.parent.name if path.name == "config.json" and path.parent.name else path.stem


def hf_spec(path: Path, name: str | None = None) -> dict[str, Any]:
    """The spec mapping imported from the config.json at ``path``, validated."""
    data, text = read_hf_config(path)
    spec = spec_from_hf_config(data, name or default_name(path), str(path), text)
    validate_document(Document(spec), str(path))
    return spec


def architecture_from_hf_config(path: Path, name: str | None = None) -> Architecture:
    """The validated, expanded architecture of a Hugging Face config.json."""
    data, text = read_hf_config(path)
    spec = spec_from_hf_config(data, name or default_name(path), str(path), text)
    return validate_document(Document(spec), str(path))


def spec_to_yaml(spec: Mapping[str, Any]) -> str:
    """The spec mapping as YAML that ``lccost`` loads back (no anchors, YAML 1.2 safe):
    mechanisms on one line each, sources and notes as blocks."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def dump(part: dict[str, Any], flow: bool | None, width: int) -> str:
        if not part:
            return ""
        return str(yaml.dump(part, Dumper=_Dumper, sort_keys=False, default_flow_style=flow,
                             width=width, allow_unicode=True))

    body = {k: v for k, v in spec.items() if k not in ("sources", "notes")}
    tail = {k: spec[k] for k in ("sources", "notes") if k in spec}
    header = "# Generated by lccost import-hf; edit freely (check with `lccost validate`).\n"
    return header + dump(body, None, 100) + dump(tail, False, 10_000)
