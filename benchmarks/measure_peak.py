"""Measure a prefill's peak device memory and the memory held after it, on a real GPU.

Run on a CUDA device with transformers installed (the recorded data used 5.23.0):

    python3 benchmarks/measure_peak.py --out peak.json

For each (family, attention implementation, contexts, batch) of ``PLAN`` (config.json files
from configs/hf), with random bf16 weights built on the GPU and
batch 1, the script does what ``generate`` does for its first two tokens (transformers 5.23.0
``generation/utils.py``: a forward over the prompt with ``use_cache=True`` and
``logits_to_keep=1``, then one forward of one token on the returned cache) and records:

- ``weights_allocated_bytes``: ``torch.cuda.memory_allocated()`` after building the model and
  one warm-up forward (weights, buffers, cuBLAS workspace);
- ``prefill_peak_allocated_bytes``: ``torch.cuda.max_memory_allocated()`` over the prefill,
  the peak statistics reset just before it;
- ``after_prefill_allocated_bytes``: allocated once the prefill returned, its output (cache and
  kept logits) held;
- ``decode_peak_allocated_bytes`` / ``after_decode_allocated_bytes``: the same around the
  first decode step, the prefill's output released except the cache;
- ``cache_view_bytes`` / ``cache_storage_bytes``: the cache's tensors as views, and the storage
  they keep alive (a sliding layer's keys are a view into the whole prompt's K/V until the next
  update replaces them: transformers ``cache_utils.DynamicSlidingWindowLayer.update``);
- reserved peaks, ``torch.cuda.mem_get_info`` and timings (CUDA events) of prefill and decode.

Every figure is a measurement: the file it writes is data, not an expectation.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FAMILIES = {
    "llama-3.1-8b": "llama-3.1-8b.json",
    "gemma-4-e2b": "gemma-4-e2b.json",
    "gemma-4-e2b-text": "gemma-4-e2b.json",
    "gemma-4-e4b": "gemma-4-e4b.json",
}
"""Config files per family. ``gemma-4-e2b`` builds the whole model (Gemma4ForConditionalGeneration:
vision and audio towers resident, as lccost counts them); ``-text`` only its text_config."""
PLAN = (
    # (family, attention, contexts, batch)
    ("llama-3.1-8b", "sdpa", (4096, 32768, 65536, 131072), 1),
    ("llama-3.1-8b", "sdpa", (32768,), 2),
    # Eager materialises H x L x L scores (bf16, then an fp32 copy and the fp32 softmax): Llama
    # at 32K would need about 344 GB.
    ("llama-3.1-8b", "eager", (4096,), 1),
    ("gemma-4-e2b", "sdpa", (4096, 32768, 65536, 131072), 1),
    ("gemma-4-e2b", "eager", (4096, 32768), 1),
)
VALIDATION_PLAN = (
    # Measured after lccost's model was written from the runs above, to check it out of sample:
    # another sliding-window shape (two KV heads, 42 layers) and a batch of two.
    ("gemma-4-e4b", "sdpa", (4096, 32768, 131072), 1),
    ("gemma-4-e4b", "eager", (4096,), 1),
    ("gemma-4-e2b", "sdpa", (32768,), 2),
)


def _cuda_sync() -> None:
    import torch

    torch.cuda.synchronize()


def _cache_bytes(cache: Any) -> tuple[int, int]:
    """(bytes of the cache's tensors as views, bytes of the distinct storages they hold)."""
    import torch

    views = 0
    storages: dict[int, int] = {}
    for layer in getattr(cache, "layers", []):
        for name in ("keys", "values"):
            tensor = getattr(layer, name, None)
            if isinstance(tensor, torch.Tensor):
                views += tensor.numel() * tensor.element_size()
                storage = tensor.untyped_storage()
                storages[storage.data_ptr()] = storage.nbytes()
    return views, sum(storages.values())


def _build(family: str, config_dir: Path, attn: str) -> tuple[Any, int]:
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    raw = json.loads((config_dir / FAMILIES[family]).read_text())
    text = raw.get("text_config", raw) if family.endswith("-text") else raw
    config = AutoConfig.for_model(
        text["model_type"], **{k: v for k, v in text.items() if k != "model_type"}
    )
    config._attn_implementation = attn
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = AutoModelForCausalLM.from_config(
            config, dtype=torch.bfloat16, attn_implementation=attn
        )
    model.eval()
    return model, int(getattr(config, "text_config", config).vocab_size)


def _event_ms(fn: Any) -> tuple[Any, float]:
    import torch

    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    result = fn()
    end.record()
    torch.cuda.synchronize()
    return result, start.elapsed_time(end)


def measure_family(
    family: str, attn: str, config_dir: Path, contexts: list[int], decode_steps: int, batch: int = 1
) -> list[dict[str, Any]]:
    import torch

    torch.cuda.init()
    free0, total = torch.cuda.mem_get_info()
    model, vocab = _build(family, config_dir, attn)
    rows = []
    with torch.inference_mode():
        warm = torch.randint(3, min(vocab, 255000), (1, 256), device="cuda")
        out = model(input_ids=warm, use_cache=True, logits_to_keep=1)
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        model(input_ids=nxt, past_key_values=out.past_key_values, use_cache=True, logits_to_keep=1)
        del out, nxt, warm
        gc.collect()
        torch.cuda.empty_cache()
        _cuda_sync()
        weights = torch.cuda.memory_allocated()
        free_warm, _ = torch.cuda.mem_get_info()
        reserved_warm = torch.cuda.memory_reserved()
        params = sum(p.numel() for p in model.parameters())
        for length in contexts:
            row: dict[str, Any] = {
                "family": family,
                "attn_implementation": attn,
                "context_tokens": length,
                "batch": batch,
                "dtype": "bfloat16",
                "params": params,
                "weights_allocated_bytes": weights,
            }
            try:
                ids = torch.randint(3, min(vocab, 255000), (batch, length), device="cuda")
                gc.collect()
                torch.cuda.empty_cache()
                _cuda_sync()
                row["before_prefill_allocated_bytes"] = torch.cuda.memory_allocated()
                torch.cuda.reset_peak_memory_stats()
                out, prefill_ms = _event_ms(
                    lambda ids=ids: model(input_ids=ids, use_cache=True, logits_to_keep=1)
                )
                row["prefill_peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
                row["prefill_peak_reserved_bytes"] = torch.cuda.max_memory_reserved()
                row["after_prefill_allocated_bytes"] = torch.cuda.memory_allocated()
                row["prefill_ms"] = prefill_ms
                cache = out.past_key_values
                row["cache_view_bytes_after_prefill"], row["cache_storage_bytes_after_prefill"] = (
                    _cache_bytes(cache)
                )
                nxt = out.logits[:, -1].argmax(-1, keepdim=True)
                del out
                gc.collect()
                row["after_prefill_cache_only_allocated_bytes"] = torch.cuda.memory_allocated()
                torch.cuda.reset_peak_memory_stats()
                out, decode_ms = _event_ms(
                    lambda nxt=nxt, cache=cache: model(
                        input_ids=nxt, past_key_values=cache, use_cache=True, logits_to_keep=1
                    )
                )
                row["decode_peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
                row["after_decode_allocated_bytes"] = torch.cuda.memory_allocated()
                row["cache_view_bytes_after_decode"], row["cache_storage_bytes_after_decode"] = (
                    _cache_bytes(cache)
                )
                times = [decode_ms]
                for _ in range(decode_steps):
                    nxt = out.logits[:, -1].argmax(-1, keepdim=True)
                    del out
                    out, step_ms = _event_ms(
                        lambda nxt=nxt, cache=cache: model(
                            input_ids=nxt, past_key_values=cache, use_cache=True, logits_to_keep=1
                        )
                    )
                    times.append(step_ms)
                row["decode_first_ms"] = decode_ms
                row["decode_median_ms"] = statistics.median(times[1:] or times)
                row["decode_steps_timed"] = len(times)
                row["max_reserved_bytes"] = torch.cuda.max_memory_reserved()
                del out, cache, nxt, ids
            except torch.OutOfMemoryError as error:
                row["error"] = f"OutOfMemoryError: {str(error).splitlines()[0]}"
                # drop whatever the failed step left, so that empty_cache below frees it
                out = cache = nxt = ids = None  # noqa: F841
            gc.collect()
            torch.cuda.empty_cache()
            row["free_bytes_at_start"] = free0
            row["free_bytes_after_warmup"] = free_warm
            row["reserved_bytes_after_warmup"] = reserved_warm
            row["total_memory_bytes"] = total
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def environment() -> dict[str, Any]:
    import torch
    import transformers

    props = torch.cuda.get_device_properties(0)
    try:
        smi = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        smi = ""
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "gpu_name": props.name,
        "total_memory_bytes": props.total_memory,
        "multi_processor_count": props.multi_processor_count,
        "nvidia_smi": smi,
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "script": "benchmarks/measure_peak.py",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--config-dir", type=Path, default=Path(__file__).resolve().parent.parent / "configs" / "hf"
    )
    parser.add_argument("--family", help="run one family in this process (internal)")
    parser.add_argument("--attn", help="attention implementation (with --family)")
    parser.add_argument("--contexts", help="comma-separated contexts (with --family)")
    parser.add_argument("--decode-steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--plan", choices=("main", "validation"), default="main")
    args = parser.parse_args()
    contexts = [int(c) for c in args.contexts.split(",")] if args.contexts else []
    if args.family:
        rows = measure_family(
            args.family, args.attn, args.config_dir, contexts, args.decode_steps, args.batch
        )
        args.out.write_text(json.dumps(rows))
        return
    # One process per (family, attention): the peaks and the CUDA context of one run do not
    # leak into the next.
    rows: list[dict[str, Any]] = []
    for family, attn, lengths, batch in PLAN if args.plan == "main" else VALIDATION_PLAN:
        part = args.out.with_suffix(f".{family}.{attn}.{batch}.json")
        started = time.time()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--out",
                str(part),
                "--family",
                family,
                "--attn",
                attn,
                "--config-dir",
                str(args.config_dir),
                "--contexts",
                ",".join(map(str, lengths)),
                "--batch",
                str(batch),
                "--decode-steps",
                str(args.decode_steps),
            ],
            check=False,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        print(f"# {family} {attn}: {time.time() - started:.0f} s", flush=True)
        if part.exists():
            rows.extend(json.loads(part.read_text()))
            part.unlink()
    args.out.write_text(json.dumps({"environment": environment(), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
