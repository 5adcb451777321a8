"""DeepSeek V4 (DeepseekV4Config.__post_init__: layer_types > legacy compress_ratios > 2 HCA then
HCA/CSA interleaved; mlp_layer_types > num_hash_layers; partial_rotary_factor > legacy
qk_rope_head_dim / head_dim; modeling_deepseek_v4.py for the shapes).

Defaults: transformers 5.23.0 models/deepseek_v4/configuration_deepseek_v4.py, DeepseekV4Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse

RATIO_TO_TYPE = {
    0: "sliding_attention",
    4: "compressed_sparse_attention",
    128: "heavily_compressed_attention",
}
V4_TYPES = tuple(RATIO_TO_TYPE.values())
DEFAULT_RATES = {"compressed_sparse_attention": 4, "heavily_compressed_attention": 128}
"""DeepseekV4Config.default_compress_rates."""


def build(f: Fields) -> Built:
    n, H = f.layers(), f.integer("num_attention_heads")
    c = f.integer("head_dim")
    if f.integer("num_key_value_heads") != 1:
        f.report(
            "num_key_value_heads",
            f"is {f.get('num_key_value_heads')}; DeepSeek V4 attention has one shared K=V head (1)",
        )
    for key in ("attention_bias", "mlp_bias"):
        if f.flag(key):
            refuse(f, key, "is true: biases in DeepSeek V4's projections")
    types = f.str_list("layer_types", n, V4_TYPES)
    ratios = f.int_list("compress_ratios", None, minimum=0)
    if types is None:
        if ratios is not None:
            bad = sorted({r for r in ratios[:n] if r not in RATIO_TO_TYPE})
            if bad or len(ratios) < n:
                f.report(
                    "compress_ratios",
                    f"has {bad or len(ratios)}; allowed: one per layer of 0 "
                    "(sliding window only), 4 (CSA), 128 (HCA)",
                )
                ratios = [0] * n
            types = [RATIO_TO_TYPE[r] for r in ratios[:n]]
        else:
            interleave = [
                "compressed_sparse_attention" if i % 2 else "heavily_compressed_attention"
                for i in range(max(n - 2, 0))
            ]
            types = ["heavily_compressed_attention"] * min(n, 2) + interleave
    raw_rates = f.get("compress_rates")
    rates = dict(DEFAULT_RATES)
    if raw_rates is not None:
        if not isinstance(raw_rates, dict):
            f.report(
                "compress_rates", f"got {raw_rates!r}; allowed: an object of layer type -> rate"
            )
        else:
            rates.update(raw_rates)
    for key, legacy in (
        ("compressed_sparse_attention", "compress_rate_csa"),
        ("heavily_compressed_attention", "compress_rate_hca"),
    ):
        legacy_rate = f.opt_int(legacy, minimum=2)
        if legacy_rate is not None:
            rates[key] = legacy_rate
        rate = rates[key]
        if isinstance(rate, bool) or not isinstance(rate, int) or rate < 2:
            f.report("compress_rates", f"{key} is {rate!r}; allowed: a whole number >= 2")
            rates[key] = 2
    mlp_types = f.str_list("mlp_layer_types", n, ("hash_moe", "moe"))
    n_hash = f.integer("num_hash_layers", minimum=0)
    if mlp_types is None:
        mlp_types = ["hash_moe"] * min(n, n_hash) + ["moe"] * max(0, n - n_hash)
    factor = f.number("partial_rotary_factor", 0.0, 1.0)
    legacy_rope = f.opt_int("qk_rope_head_dim", minimum=0)
    if factor is None:
        # DeepseekV4Config: legacy qk_rope_head_dim / head_dim, else default_partial_rotary_factor
        rope_dim = legacy_rope if legacy_rope is not None else c * 64 // 512
    else:
        rope_dim = int(c * factor)  # DeepseekV4Config: int(head_dim * partial_rotary_factor)
    base = {
        "query_heads": H,
        "head_dim": c,
        "rope_head_dim": rope_dim,
        "q_lora_rank": f.integer("q_lora_rank"),
        "output_groups": f.integer("o_groups"),
        "output_rank": f.integer("o_lora_rank"),
        "window": f.integer("sliding_window"),
    }
    indexer = {
        "heads": f.integer("index_n_heads"),
        "head_dim": f.integer("index_head_dim"),
        "top_k": f.integer("index_topk"),
    }
    experts, active = f.integer("n_routed_experts"), f.integer("num_experts_per_tok")
    width = f.integer("moe_intermediate_size")
    f.integer("n_shared_experts", minimum=0)
    layers = []
    for kind, mlp in zip(types, mlp_types, strict=True):
        attention: dict[str, object]
        if kind == "sliding_attention":
            attention = {"kind": "v4_sliding", **base}
        elif kind == "heavily_compressed_attention":
            attention = {"kind": "hca", **base, "compress_rate": rates[kind]}
        else:
            attention = {
                "kind": "csa",
                **base,
                "compress_rate": rates[kind],
                "indexer": dict(indexer),
            }
        # DeepseekV4SparseMoeBlock builds one shared DeepseekV4MLP of moe_intermediate_size,
        # whatever n_shared_experts says (modeling_deepseek_v4.py L1137).
        ffn = b.moe(experts, active, width, 1)
        if mlp == "hash_moe":
            ffn["routing"] = "hash"
        layers.append({"attention": attention, "ffn": ffn})
    top = b.top(f)
    top["hyper_connections"] = {
        "streams": f.integer("hc_mult"),
        "sinkhorn_iterations": f.integer("hc_sinkhorn_iters", minimum=0),
    }
    return Built(top, layers)


FAMILY = Family(
    model_type="deepseek_v4",
    class_name="DeepseekV4Config",
    source="transformers 5.23.0 models/deepseek_v4/configuration_deepseek_v4.py",
    defaults={
        "vocab_size": 129280,
        "hidden_size": 4096,
        "moe_intermediate_size": 2048,
        "num_hidden_layers": 43,
        "num_attention_heads": 64,
        "num_key_value_heads": 1,
        "head_dim": 512,
        "q_lora_rank": 1024,
        "num_experts_per_tok": 6,
        "n_routed_experts": 256,
        "n_shared_experts": 1,
        "max_position_embeddings": 1048576,
        "layer_types": None,
        "compress_rates": None,
        "compress_rope_theta": 160000.0,
        "hc_mult": 4,
        "hc_sinkhorn_iters": 20,
        "hc_eps": 1e-06,
        "mlp_layer_types": None,
        "swiglu_limit": 10.0,
        "sliding_window": 128,
        "o_groups": 8,
        "o_lora_rank": 1024,
        "index_n_heads": 64,
        "index_head_dim": 128,
        "index_topk": 512,
        "num_nextn_predict_layers": 1,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "partial_rotary_factor": None,
        "qk_rope_head_dim": None,
        "compress_ratios": None,
        "compress_rate_csa": None,
        "compress_rate_hca": None,
        "num_hash_layers": 3,
    },
    attribute_map={
        "num_local_experts": "n_routed_experts",
        "intermediate_size": "moe_intermediate_size",
    },
    ignored={
        "compress_rope_theta": "a RoPE constant",
        "hc_eps": "a numerical constant",
        "swiglu_limit": "an activation clamp",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
        "n_shared_experts": "transformers 5.23.0 builds one shared expert whatever it says "
        "(DeepseekV4SparseMoeBlock)",
    },
    build=build,
)
