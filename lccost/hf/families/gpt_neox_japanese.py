"""GPT-NeoX Japanese (modeling_gpt_neox_japanese.py: MHA with a dense bias in the last layer only,
an ungated MLP of hidden_size x intermediate_multiple_size without biases, LayerNorms with bias).

Defaults: transformers 5.23.0 models/gpt_neox_japanese/configuration_gpt_neox_japanese.py,
GPTNeoXJapaneseConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        f.report("num_attention_heads", f"is {H}, which does not divide hidden_size ({D})")
    ffn = b.dense(D * f.integer("intermediate_multiple_size"), gated=False)
    # GPTNeoXJapaneseLayer: the attention's dense_bias exists only in the last layer.
    return Built(
        b.top(f, per_layer_norms=4, final_norms=2),
        [
            {"attention": b.attention(H, H, D // max(H, 1), o_bias=i == n - 1), "ffn": dict(ffn)}
            for i in range(n)
        ],
    )


FAMILY = Family(
    model_type="gpt_neox_japanese",
    class_name="GPTNeoXJapaneseConfig",
    source="transformers 5.23.0 models/gpt_neox_japanese/configuration_gpt_neox_japanese.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 2560,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "intermediate_multiple_size": 4,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": True,
    },
    build=build,
)
