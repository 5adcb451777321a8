"""Measure the transformers reference implementation, to check lccost's numbers against it.

Needs the ``reference`` extra (torch 2.13.0, transformers 5.23.0: ``pip install
'lccost[reference]'``); nothing else in lccost imports this module, and it imports torch only
when called.

What is measured, for a prompt of L tokens and then one decode step:

- cache bytes: every floating-point tensor reachable from the returned cache object, each
  distinct view once (K and V that are one tensor, as in DeepSeek V4's compressed layers, count
  once). These are the bytes of the views the cache keeps; the storage behind a sliding window
  can be larger right after a prefill (a view of the whole prompt's K/V), which lccost does not
  describe.
- decode FLOPs: ``torch.utils.flop_counter.FlopCounterMode`` over the one-token forward pass
  (matrix products only, 2 FLOPs per multiply-add, the convention of ``lccost.conventions``).
  Routed experts are counted only with ``experts_implementation`` "eager" or "batched_mm";
  transformers' default "grouped_mm" is invisible to the counter.

On the ``meta`` device no arithmetic runs, so a full-size model is measured in seconds without
its weights; every shape, hence every byte and FLOP count, is the same as on a real device.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lccost.errors import LccostError

INSTALL_HINT = "pip install 'lccost[reference]'"
"""How to get torch and transformers at the versions the reference accounting describes."""

TORCH_DTYPES = {"fp32": "float32", "bf16": "bfloat16", "fp16": "float16"}
"""Weight dtypes a reference model can be built in (lccost name -> torch attribute)."""

_WRAPPED_TEXT_MODELS = ("gemma4", "gemma3", "llama4", "qwen3_5", "qwen3_5_moe")
"""Multimodal model types measured through their text decoder (``text_config``)."""


def require_reference() -> None:
    """Raise ``LccostError`` with the install command when torch or transformers is missing."""
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise LccostError(
            f"the reference comparison needs {' and '.join(missing)}: "
            f"{INSTALL_HINT} (torch 2.13.0, transformers 5.23.0)"
        )


@dataclass(frozen=True)
class ReferencePoint:
    """What the reference does at context L: cache bytes after a prefill of L tokens, FLOPs of
    one decode step after them, and cache bytes after that step (= the cache after L + 1)."""

    context_tokens: int
    cache_bytes: int
    decode_flops: int
    cache_bytes_after_decode: int


def reference_config(data: Mapping[str, Any]) -> Any:
    """A transformers config for ``data`` (a config.json mapping); for Gemma 3/4 multimodal
    configs, the text decoder's config. ``quantization_config`` is dropped: lccost counts
    shapes, and the quantizers need their kernels."""
    from transformers import AutoConfig, PreTrainedConfig

    # save_pretrained writes inf as {"__float__": "Infinity"} (Nemotron-H's time_step_limit);
    # from_pretrained decodes it, and so must this path to build what a user's file describes.
    fields = {
        k: PreTrainedConfig._decode_special_floats(v)
        for k, v in data.items()
        if k != "quantization_config"
    }
    model_type = fields.pop("model_type", None)
    if model_type is None:
        raise LccostError("the config has no model_type")
    config = AutoConfig.for_model(model_type, **fields)
    if model_type in _WRAPPED_TEXT_MODELS:
        config = config.get_text_config()
    return config


def build_reference_model(
    config: Any,
    device: str = "meta",
    dtype: str = "bf16",
    experts: str | None = None,
    seed: int = 0,
) -> Any:
    """The causal LM of ``config`` in eval mode with eager attention, on ``device``.

    ``experts``: the MoE implementation; default "batched_mm" on meta (no data-dependent
    ``nonzero``) and "eager" elsewhere, both counted exactly by FlopCounterMode.
    """
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging

    logging.set_verbosity_error()
    torch.manual_seed(seed)
    torch_dtype = getattr(torch, TORCH_DTYPES[dtype])
    implementation = experts or ("batched_mm" if device == "meta" else "eager")
    config._attn_implementation = "eager"
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(
            config,
            attn_implementation="eager",
            dtype=torch_dtype,
            experts_implementation=implementation,
        )
    return model.eval()


def cache_tensors(
    obj: Any, path: str = "cache", seen: set[int] | None = None
) -> Iterator[tuple[str, Any]]:
    """Every tensor reachable from a transformers cache object, with its attribute path."""
    import torch
    from torch import nn
    from transformers import PreTrainedConfig

    seen = set() if seen is None else seen
    if isinstance(obj, torch.Tensor):
        yield path, obj
        return
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from cache_tensors(value, f"{path}[{key!r}]", seen)
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            yield from cache_tensors(value, f"{path}[{i}]", seen)
    elif isinstance(obj, PreTrainedConfig | nn.Module):
        return
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("transformers"):
        for key, value in vars(obj).items():
            yield from cache_tensors(value, f"{path}.{key}", seen)


def cache_bytes(cache: Any) -> int:
    """Bytes of the floating-point tensors a cache holds, each distinct view counted once."""
    views: set[tuple[Any, ...]] = set()
    total = 0
    for _, tensor in cache_tensors(cache):
        if tensor.dim() == 0 or not tensor.is_floating_point() or tensor.numel() == 0:
            continue  # 0-dim tensors are window sizes (int64); no cache holds float scalars
        # The storage's C++ object identifies it on every device (meta tensors have no data).
        owner = tensor.untyped_storage()._cdata
        key = (owner, tensor.storage_offset(), tuple(tensor.shape), tuple(tensor.stride()))
        if key not in views:
            views.add(key)
            total += tensor.numel() * tensor.element_size()
    return total


def measure_reference(model: Any, context_tokens: int, seed: int = 1) -> ReferencePoint:
    """Prefill ``context_tokens`` random tokens, then decode one under FlopCounterMode."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    device = next(model.parameters()).device
    vocab = model.config.get_text_config().vocab_size
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, vocab, (1, context_tokens + 1), generator=generator).to(device)
    with torch.no_grad():
        cache = model(input_ids=ids[:, :context_tokens], use_cache=True).past_key_values
        prefilled = cache_bytes(cache)
        counter = FlopCounterMode(display=False)
        with counter:
            cache = model(
                input_ids=ids[:, context_tokens:], past_key_values=cache, use_cache=True
            ).past_key_values
    return ReferencePoint(context_tokens, prefilled, counter.get_total_flops(), cache_bytes(cache))


@dataclass(frozen=True)
class VerifyRow:
    """lccost (``--accounting reference --flops executed``) against the reference at one L."""

    context_tokens: int
    reference_cache_bytes: int
    lccost_cache_bytes: int
    reference_decode_flops: int
    lccost_decode_flops: int

    @property
    def cache_exact(self) -> bool:
        return self.reference_cache_bytes == self.lccost_cache_bytes

    @property
    def flops_difference(self) -> float:
        """(lccost - reference) / reference."""
        return (
            self.lccost_decode_flops - self.reference_decode_flops
        ) / self.reference_decode_flops


def first_line(error: BaseException) -> str:
    """An error's message without the C++ stack torch appends ("Exception raised from ...",
    "frame #0: ..."): its first non-empty line."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def verify_hf_config(
    path: Path, contexts: Sequence[int], dtype: str = "bf16", device: str = "meta"
) -> list[VerifyRow]:
    """Import ``path`` with lccost and measure its transformers model at every context."""
    require_reference()
    from lccost.api import make_workload
    from lccost.engine import cost
    from lccost.hf import architecture_from_hf_config, read_hf_config

    if dtype not in TORCH_DTYPES:
        raise LccostError(
            f"dtype {dtype!r} cannot build a reference model; allowed: {', '.join(TORCH_DTYPES)}"
        )
    architecture = architecture_from_hf_config(path)
    data = read_hf_config(path).data
    try:
        model = build_reference_model(reference_config(data), device=device, dtype=dtype)
    except (ValueError, TypeError, KeyError, RuntimeError) as error:
        raise LccostError(
            f"{path}: transformers cannot build this config: {first_line(error)}"
        ) from None
    rows = []
    for context in contexts:
        try:
            point = measure_reference(model, context)
        except (ValueError, TypeError, KeyError, IndexError, RuntimeError) as error:
            raise LccostError(
                f"{path}: the reference model fails at context {context:,}: {first_line(error)}"
            ) from None
        ours = cost(architecture, make_workload(context, dtype=dtype, flops="executed"))
        rows.append(
            VerifyRow(
                context,
                point.cache_bytes,
                ours.kv_cache_bytes,
                point.decode_flops,
                ours.decode_flops,
            )
        )
    return rows
