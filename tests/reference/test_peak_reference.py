"""The K/V a transformers 5.23.0 prefill leaves held, against ``lccost.peak``, on CPU.

A small random-weight Gemma 4 text model with ``attention_k_eq_v`` (full layers without
v_proj) and sliding layers of window 8 runs a prompt of L tokens; the bytes of every distinct
storage the returned cache's tensors live on (a sliding layer's (W - 1)-token view keeps the
whole prompt's storage alive, cache_utils.py L241-249) equal
``transformers_held_after_prefill`` minus the weights. This is the measurement, not lccost's
own output: the storage sizes come from torch.

Needs torch and transformers: pip install -e '.[reference]'.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("torch", reason="needs torch: pip install -e '.[reference]'")
pytest.importorskip("transformers", reason="needs transformers: pip install -e '.[reference]'")

from lccost.hf import spec_from_hf_config
from lccost.peak import transformers_held_after_prefill, weight_term
from lccost.reference import build_reference_model, reference_config
from lccost.spec.loader import Document, validate_document
from lccost.workload import Workload

pytestmark = pytest.mark.reference

S, F = "sliding_attention", "full_attention"
CONFIG: dict[str, Any] = {
    "model_type": "gemma4_text",
    "vocab_size": 256,
    "vocab_size_per_layer_input": 256,
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "global_head_dim": 32,
    "sliding_window": 8,
    "layer_types": [S, S, F],
    "hidden_size_per_layer_input": 8,
    "attention_k_eq_v": True,
    "num_global_key_value_heads": 1,
}


def _held_storage_bytes(cache: Any) -> int:
    """Bytes of every distinct storage behind the cache's tensors."""
    import torch

    seen: dict[int, int] = {}
    for layer in cache.layers:
        for tensor in (layer.keys, layer.values):
            if isinstance(tensor, torch.Tensor) and tensor.numel():
                storage = tensor.untyped_storage()
                seen[storage.data_ptr()] = storage.nbytes()
    return sum(seen.values())


@pytest.mark.parametrize("context", [5, 20])
def test_held_after_prefill_matches_the_cache_storage_with_k_eq_v(context: int) -> None:
    import torch

    model = build_reference_model(reference_config(CONFIG), device="cpu", dtype="fp32")
    ids = torch.randint(3, 256, (1, context), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        cache = model(input_ids=ids, use_cache=True).past_key_values
    measured = _held_storage_bytes(cache)
    architecture = validate_document(Document(spec_from_hf_config(CONFIG, "k-eq-v")), "k-eq-v")
    workload = Workload(context, dtype="fp32")
    predicted = (
        transformers_held_after_prefill(architecture, workload)
        - weight_term(architecture, workload).bytes
    )
    # By hand at L: 2 sliding layers x L·2·K·d·4 (K = 2, d = 16) + 1 full layer x L·2·1·32·4
    # = 512·L + 256·L = 768·L: two tensors on the full layer too, though it has no v_proj.
    assert predicted == 768 * context
    assert measured == predicted
