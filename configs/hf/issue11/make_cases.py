"""Write the two config.json files of issue 11 with transformers 5.23.0 and measure them.

Run with the ``reference`` extra (torch 2.13.0, transformers 5.23.0):
``python tests/data/hf/issue11/make_cases.py``. It writes, next to itself,
``<case>/config.json`` (``save_pretrained``, exactly what a user has) and ``expected.json``:
transformers' parameter count (``sum(p.numel() for p in model.parameters())``) and the bytes of
the cache after prefills of each length (meta device, bf16, eager attention), measured by
``lccost.reference``. tests/test_hf_issue_cases.py checks lccost against these numbers.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTEXTS = [7, 600, 4100]

CASES = {
    # Gemma 4 text decoder whose full-attention layers have head_dim 128 instead of the class's
    # global_head_dim 512: save_pretrained writes it as per_layer_config overrides.
    "gemma4-per-layer-head-dim": ("gemma4_text", {
        "num_hidden_layers": 12, "hidden_size": 1536, "intermediate_size": 6144,
        "num_attention_heads": 8, "num_key_value_heads": 1, "head_dim": 256,
        "global_head_dim": 128, "sliding_window": 512, "vocab_size": 262144,
        "hidden_size_per_layer_input": 256, "vocab_size_per_layer_input": 262144,
    }),
    # Qwen3-MoE with 16 experts: the class's attribute_map writes num_experts as
    # num_local_experts (the old importer took the class default, 128).
    "qwen3-moe-16-experts": ("qwen3_moe", {"num_experts": 16}),
}


def main() -> None:
    import torch
    import transformers
    from transformers import AutoConfig

    from lccost.reference import build_reference_model, cache_bytes, reference_config

    expected: dict[str, object] = {"transformers": transformers.__version__,
                                   "torch": torch.__version__,
                                   "date": datetime.date.today().isoformat(), "cases": {}}
    for name, (model_type, kwargs) in CASES.items():
        folder = HERE / name
        AutoConfig.for_model(model_type, **kwargs).save_pretrained(folder)
        data = json.loads((folder / "config.json").read_text())
        model = build_reference_model(reference_config(data), device="meta", dtype="bf16")
        cache = {}
        for L in CONTEXTS:
            ids = torch.zeros((1, L), dtype=torch.long, device="meta")
            with torch.no_grad():
                cache[str(L)] = cache_bytes(model(input_ids=ids, use_cache=True).past_key_values)
        expected["cases"][name] = {  # type: ignore[index]
            "params": sum(p.numel() for p in model.parameters()), "cache_bytes_bf16": cache}
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
