"""The census: every causal-LM model type of transformers 5.23.0, imported by lccost and measured.

``python -m lccost.hf.census`` (needs the ``reference`` extra: torch 2.13.0, transformers
5.23.0). For every model type in ``MODEL_FOR_CAUSAL_LM_MAPPING_NAMES``, its default config and
the non-default variants of ``VARIANTS`` are each written with ``save_pretrained`` (so the file
is what a user has), imported by lccost, built by transformers on the meta device (no weights,
no arithmetic: every shape is real) and prefilled at ``contexts`` tokens (short, and past every
window and compression boundary). Verdict per row:

- ``exact``: the cache bytes after each prefill (``lccost.reference.cache_bytes``) and
  ``sum(p.numel() for p in model.parameters())`` equal lccost's ``kv_cache_bytes``
  (``--accounting reference``, bf16) and ``params_total``;
- ``refused``: lccost refuses the file, and the reason is its error;
- ``wrong``: lccost imports it and a number differs (CI fails on any such row);
- ``unbuildable``: transformers itself cannot build or run the config on the meta device (the
  reason is its error); lccost's answer is not checked.

The results are written to tests/data/census.json (with the versions and the date) and
docs/coverage.md is generated from it (``coverage_markdown``); tests/test_census_data.py fails
when the two drift or a row is wrong.
"""

from __future__ import annotations

import argparse
import datetime
import json
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lccost.errors import LccostError

ROOT = Path(__file__).resolve().parent.parent.parent
CENSUS_JSON = ROOT / "tests" / "data" / "census.json"
COVERAGE_MD = ROOT / "docs" / "coverage.md"
README_MD = ROOT / "README.md"
README_START, README_END = "<!-- census:families -->", "<!-- /census:families -->"

S, F = "sliding_attention", "full_attention"

VARIANTS: dict[str, list[dict[str, Any]]] = {
    "llama": [
        {
            "num_key_value_heads": 8,
            "head_dim": 64,
            "attention_bias": True,
            "mlp_bias": True,
            "tie_word_embeddings": True,
        }
    ],
    "mistral": [{"sliding_window": 64, "head_dim": 96}],
    "qwen2": [{"use_sliding_window": True, "sliding_window": 64, "max_window_layers": 4}],
    "qwen3": [{"use_sliding_window": True, "sliding_window": 64, "max_window_layers": 30}],
    "qwen3_moe": [{"num_experts": 16, "mlp_only_layers": [0, 3], "decoder_sparse_step": 2}],
    "gemma2": [{"sliding_window": 64, "layer_types": [S, F, F] * 8 + [S, F]}],
    "gemma3_text": [{"sliding_window": 64, "sliding_window_pattern": 3}],
    "gemma3": [
        {"text_config": {"num_hidden_layers": 8, "sliding_window": 64, "sliding_window_pattern": 4}}
    ],
    "gemma4": [
        {
            "text_config": {
                "num_hidden_layers": 12,
                "sliding_window": 64,
                "num_kv_shared_layers": 4,
                "global_head_dim": 256,
            }
        }
    ],
    "gemma4_text": [
        {
            "sliding_window": 64,
            "num_kv_shared_layers": 10,
            "attention_k_eq_v": True,
            "num_global_key_value_heads": 1,
            "global_head_dim": 128,
        }
    ],
    "gpt_oss": [{"sliding_window": 64, "num_local_experts": 8}],
    "deepseek_v2": [{"num_experts_per_tok": 6, "first_k_dense_replace": 1, "q_lora_rank": None}],
    "minicpm3": [{"v_head_dim": None, "q_lora_rank": 512}],
    "glm4_moe_lite": [{"head_dim": 32, "mlp_layer_types": ["dense"] * 3 + ["sparse"] * 44}],
    "nemotron": [{"head_dim": 128, "num_key_value_heads": 8}],
    "ministral": [{"head_dim": 128, "sliding_window": 64}],
    "cohere": [{"use_qk_norm": True, "attention_bias": True}],
    "cohere2": [{"sliding_window": 64, "sliding_window_pattern": 2}],
    "olmo3": [{"sliding_window": 64, "num_key_value_heads": 8}],
    "exaone4": [{"sliding_window": 64, "sliding_window_pattern": 3}],
    "glm4_moe": [{"use_qk_norm": True, "first_k_dense_replace": 3, "n_shared_experts": 2}],
    "laguna": [
        {
            "gating": "per-element",
            "sliding_window": 64,
            "layer_types": [F, S, S, S] * 10,
            "num_attention_heads_per_layer": [48, 64] * 20,
        }
    ],
    "zaya": [{"sliding_window": 64, "layer_types": ["hybrid", "hybrid_sliding"] * 20}],
    "deepseek_v4": [
        {
            "compress_rates": {
                "compressed_sparse_attention": 8,
                "heavily_compressed_attention": 64,
            },
            "sliding_window": 64,
            "num_hidden_layers": 6,
        }
    ],
    "deepseek_v3": [{"q_lora_rank": None, "first_k_dense_replace": 5, "n_shared_experts": 2}],
    "stablelm": [{"qk_layernorm": True, "use_qkv_bias": True, "use_parallel_residual": True}],
    "phi": [{"qk_layernorm": True}],
    "falcon": [
        {"new_decoder_architecture": True, "num_attention_heads": 64, "hidden_size": 4096},
        {
            "new_decoder_architecture": True,
            "num_kv_heads": 8,
            "num_attention_heads": 64,
            "hidden_size": 4096,
        },
        {"multi_query": False, "bias": True},
    ],
    "gpt_bigcode": [{"multi_query": False}],
    "granitemoeshared": [{"shared_intermediate_size": 1024}],
    "qwen2_moe": [{"shared_expert_intermediate_size": 0, "mlp_only_layers": [1]}],
    "starcoder2": [{"sliding_window": 64, "use_bias": False}],
    "phi3": [{"sliding_window": 64}],
    "granite_swa": [{"sliding_window": 32}],
    "opt": [{"enable_bias": False, "do_layer_norm_before": False}],
    "hunyuan_v1_dense": [{"head_dim": 128, "num_key_value_heads": 8}],
    "hunyuan_v1_moe": [{"head_dim": 128, "num_experts": 4, "moe_topk": 2}],
    "dots1": [
        {
            "n_routed_experts": 8,
            "num_experts_per_tok": 2,
            "n_shared_experts": 1,
            "first_k_dense_replace": 1,
            "max_window_layers": 30,
            "num_hidden_layers": 40,
        }
    ],
    # hybrids: layer patterns off the defaults, the optional biases on
    "qwen3_next": [
        {
            "num_hidden_layers": 6,
            "full_attention_interval": 3,
            "mlp_only_layers": [1],
            "num_experts": 16,
        }
    ],
    "qwen3_5_text": [{"num_hidden_layers": 6, "full_attention_interval": 2}],
    "qwen3_5_moe_text": [{"num_hidden_layers": 4, "num_experts": 16}],
    "qwen3_5": [{"text_config": {"num_hidden_layers": 6, "full_attention_interval": 3}}],
    "qwen3_5_moe": [{"text_config": {"num_hidden_layers": 4, "num_experts": 16}}],
    "kimi_linear": [{"num_hidden_layers": 6, "q_lora_rank": 256, "num_experts": 16}],
    "minimax": [{"num_hidden_layers": 4, "head_dim": 64, "num_experts": 4}],
    "lfm2": [{"num_hidden_layers": 6, "full_attn_idxs": [2, 5], "conv_bias": True}],
    "nemotron_h": [
        {
            "num_hidden_layers": 5,
            "use_bias": True,
            "use_conv_bias": False,
            "layers_block_type": ["mamba", "mlp", "attention", "moe", "mamba"],
        }
    ],
    "llama4": [
        {
            "text_config": {
                "num_hidden_layers": 4,
                "interleave_moe_layer_step": 2,
                "attention_chunk_size": 64,
            }
        }
    ],
    "llama4_text": [
        {"num_hidden_layers": 4, "interleave_moe_layer_step": 2, "attention_chunk_size": 64}
    ],
    "granitemoehybrid": [
        {
            "num_hidden_layers": 3,
            "layer_types": ["mamba", "attention", "mamba"],
            "attention_bias": True,
            "mamba_proj_bias": True,
            "num_local_experts": 4,
        }
    ],
}
"""Non-default variants per model type: keyword arguments of its configuration class."""


def variants(model_type: str) -> list[dict[str, Any]]:
    """The non-default variants of ``model_type``: ``VARIANTS``, else (for a type lccost
    imports) three layers instead of the default count, set through its canonical name."""
    from lccost.hf import family

    if model_type in VARIANTS:
        return VARIANTS[model_type]
    return [{"num_hidden_layers": 3}] if family(model_type) is not None else []


DEFAULT_CONTEXTS = (7, 4100)
"""Prefill lengths: inside every window, and past the 4096 windows and 128 compression rates."""

ROW_TIMEOUT_S = 120


def _window_contexts(data: dict[str, Any]) -> list[int]:
    """Extra prefill lengths just past a window the config sets (when not huge)."""
    text = data.get("text_config") if isinstance(data.get("text_config"), dict) else data
    assert isinstance(text, dict)
    window = text.get("sliding_window")
    if (
        isinstance(window, int)
        and not isinstance(window, bool)
        and 8 < window <= 16384
        and window + 3 not in DEFAULT_CONTEXTS
    ):
        return [window + 3]
    return []


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]


def _measure(data: dict[str, Any], contexts: Sequence[int]) -> tuple[int, dict[str, int]]:
    """transformers' parameter count and cache bytes after a prefill of each length (meta)."""
    import torch

    from lccost.reference import build_reference_model, cache_bytes, reference_config

    reference = reference_config(data)
    model = build_reference_model(reference, device="meta", dtype="bf16")
    params = sum(p.numel() for p in model.parameters())
    measured: dict[str, int] = {}
    for L in contexts:
        ids = torch.zeros((1, L), dtype=torch.long, device="meta")
        with torch.no_grad():
            out = model(input_ids=ids, use_cache=True)
        measured[str(L)] = cache_bytes(out.past_key_values)
    return params, measured


def census_row(
    model_type: str,
    variant: str,
    kwargs: dict[str, Any],
    contexts: Sequence[int] = DEFAULT_CONTEXTS,
) -> dict[str, Any]:
    """One row: save the config, import it with lccost, measure transformers, compare."""
    from transformers import AutoConfig

    from lccost.api import make_workload
    from lccost.engine import cost
    from lccost.hf import architecture_from_hf_config

    row: dict[str, Any] = {"model_type": model_type, "variant": variant}
    try:
        config = AutoConfig.for_model(model_type, **kwargs)
    except Exception as error:  # transformers refuses the variant itself
        return {**row, "verdict": "unbuildable", "reason": f"config: {_first_line(error)}"}
    with tempfile.TemporaryDirectory() as folder:
        config.save_pretrained(folder)
        path = Path(folder) / "config.json"
        data = json.loads(path.read_text())
        lengths = [*contexts, *_window_contexts(data)]
        try:
            architecture = architecture_from_hf_config(path, name=model_type)
        except LccostError as error:
            reason = str(error).replace(str(path), "config.json").splitlines()[0]
            row.update(verdict="refused", reason=reason)
            from lccost.hf import family

            if family(model_type) is None:
                return row  # no family module: nothing imported, nothing to excuse
            try:
                _measure(data, contexts[:1])
            except _Timeout:
                raise
            except Exception as built:
                row["reason"] += f" (transformers cannot build it either: {type(built).__name__})"
                row["reference_fails"] = True
            return row
        except Exception as error:  # lccost must never fail this way: a defect, reported
            return {
                **row,
                "verdict": "wrong",
                "reason": f"lccost raised {type(error).__name__}: {_first_line(error)}",
            }
    try:
        params, measured = _measure(data, lengths)
    except _Timeout:
        raise
    except Exception as error:
        return {
            **row,
            "verdict": "unbuildable",
            "reason": f"transformers on meta: {type(error).__name__}: {_first_line(error)}",
        }
    ours = {
        L: cost(architecture, make_workload(int(L), dtype="bf16")).kv_cache_bytes for L in measured
    }
    ours_params = cost(architecture, make_workload(1, dtype="bf16")).params_total
    row.update(
        reference_params=params,
        lccost_params=ours_params,
        reference_cache_bytes=measured,
        lccost_cache_bytes=ours,
    )
    exact = params == ours_params and all(measured[L] == ours[L] for L in measured)
    row["verdict"] = "exact" if exact else "wrong"
    return row


def causal_lm_model_types() -> list[str]:
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    return sorted(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES)


def run_census(
    only: Sequence[str] | None = None, log: Any = sys.stderr
) -> Iterator[dict[str, Any]]:
    """Every row of the census (or of the model types in ``only``)."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    signal.signal(signal.SIGALRM, _alarm)
    for model_type in only or causal_lm_model_types():
        for variant, kwargs in [
            ("default", {}),
            *((f"variant {i + 1}", v) for i, v in enumerate(variants(model_type))),
        ]:
            signal.alarm(ROW_TIMEOUT_S)
            try:
                row = census_row(model_type, variant, kwargs)
            except _Timeout:
                row = {
                    "model_type": model_type,
                    "variant": variant,
                    "verdict": "unbuildable",
                    "reason": f"timed out after {ROW_TIMEOUT_S} s",
                }
            finally:
                signal.alarm(0)
            if variant != "default":
                row["config"] = kwargs
            print(
                f"{model_type:28} {variant:10} {row['verdict']:11} {row.get('reason', '')}"
                f"{_diff(row)}",
                file=log,
                flush=True,
            )
            yield row


def _diff(row: dict[str, Any]) -> str:
    if row["verdict"] != "wrong" or "reference_params" not in row:
        return ""
    return (
        f" params {row['reference_params']} vs {row['lccost_params']} "
        f"({row['lccost_params'] - row['reference_params']:+}); cache "
        f"{row['reference_cache_bytes']} vs {row['lccost_cache_bytes']}"
    )


def summary(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Model types by verdict (``type_verdicts``), counted."""
    counts = {"exact": 0, "refused": 0, "wrong": 0, "unbuildable": 0}
    for verdict in type_verdicts(rows).values():
        counts[verdict] += 1
    return counts


def type_verdicts(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """One verdict per model type: wrong when any row is; exact when some row is exact (every
    row lccost imported matched; a variant it refuses keeps its reason in the table); refused
    when lccost refuses every row; else unbuildable (transformers builds none)."""
    by_type: dict[str, list[str]] = {}
    for row in rows:
        by_type.setdefault(row["model_type"], []).append(row["verdict"])
    verdicts = {}
    for model_type, kinds in by_type.items():
        if "wrong" in kinds:
            verdicts[model_type] = "wrong"
        elif "exact" in kinds:
            verdicts[model_type] = "exact"
        elif "refused" in kinds:
            verdicts[model_type] = "refused"
        else:
            verdicts[model_type] = "unbuildable"
    return verdicts


def coverage_markdown(census: dict[str, Any]) -> str:
    """docs/coverage.md, generated from the census data (tests check it does not drift)."""
    rows = census["rows"]
    counts = summary(rows)
    lines = [
        "# Hugging Face config.json coverage",
        "",
        "Generated by `python -m lccost.hf.census` from `tests/data/census.json` (transformers "
        f"{census['transformers']}, torch {census['torch']}, {census['date']}); do not edit by "
        "hand.",
        "",
        "Every causal-LM model type transformers registers, its default config and the "
        "non-default variants of `lccost.hf.census.VARIANTS`, each written by `save_pretrained`, "
        "built on the meta device and prefilled at "
        f"{', '.join(map(str, census['contexts']))} tokens (and just past its window): "
        "**exact** means lccost's `params_total` and `kv_cache_bytes` (`--accounting "
        "reference`, bf16) equal transformers' parameter count and cache bytes at every "
        "length; **refused** gives lccost's reason; **unbuildable** means transformers itself "
        "cannot build or run that config on the meta device. A model type counts as exact when "
        "every row lccost imports matches (a variant lccost refuses keeps its reason).",
        "",
        f"Model types: **{counts['exact']} exact**, {counts['refused']} refused, "
        f"{counts['wrong']} wrong, {counts['unbuildable']} unbuildable "
        f"(of {sum(counts.values())}).",
        "",
        "| model_type | config | verdict | parameters | reason |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        params = f"{row['reference_params']:,}" if "reference_params" in row else ""
        reason = str(row.get("reason", "")).replace("|", "\\|")
        config = row["variant"]
        if "config" in row:
            config += ": `" + json.dumps(row["config"], separators=(",", ":")) + "`"
        lines.append(f"| {row['model_type']} | {config} | {row['verdict']} | {params} | {reason} |")
    return "\n".join(lines) + "\n"


def exact_families(census: dict[str, Any]) -> list[str]:
    """Model types whose every census row is exact (README's list)."""
    return sorted(t for t, v in type_verdicts(census["rows"]).items() if v == "exact")


def readme_block(census: dict[str, Any]) -> str:
    """README's list of exactly imported model types, between its census markers."""
    families = exact_families(census)
    return (
        f"{README_START}\n{len(families)} model types, exact in parameters and cache bytes: "
        + ", ".join(f"`{t}`" for t in families)
        + f".\n{README_END}"
    )


def with_readme_block(readme: str, census: dict[str, Any]) -> str:
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    return readme[:start] + readme_block(census) + readme[end:]


def write_docs(census: dict[str, Any]) -> None:
    """docs/coverage.md and README's family list, from the census data."""
    COVERAGE_MD.write_text(coverage_markdown(census))
    README_MD.write_text(with_readme_block(README_MD.read_text(), census))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lccost.hf.census", description=__doc__)
    parser.add_argument(
        "--only",
        nargs="*",
        help="model types to run (default: all); with --only nothing is written",
    )
    parser.add_argument(
        "--write", action="store_true", help="write census.json and coverage.md (full runs only)"
    )
    parser.add_argument(
        "--supported",
        action="store_true",
        help="run only the model types lccost has an importer for",
    )
    parser.add_argument(
        "--unsupported",
        action="store_true",
        help="run only the model types lccost has no importer for",
    )
    parser.add_argument("--out", type=Path, help="with --only/--supported: write the rows here")
    parser.add_argument(
        "--merge",
        type=Path,
        help="replace census.json's rows of the model "
        "types in this rows file (from --out), then "
        "regenerate the documents",
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="only regenerate coverage.md and README's list from census.json",
    )
    args = parser.parse_args(argv)
    if args.render:
        write_docs(json.loads(CENSUS_JSON.read_text()))
        return 0
    if args.merge:
        update = json.loads(args.merge.read_text())
        census = (
            json.loads(CENSUS_JSON.read_text())
            if CENSUS_JSON.exists()
            else {key: update[key] for key in ("transformers", "torch", "contexts")}
            | {"date": update["date"], "rows": []}
        )
        types = {r["model_type"] for r in update["rows"]}
        rows = [r for r in census["rows"] if r["model_type"] not in types] + update["rows"]
        census["rows"] = sorted(rows, key=lambda r: str(r["model_type"]))  # stable: variants
        census["date"] = update["date"]
        CENSUS_JSON.write_text(json.dumps(census, indent=1) + "\n")
        write_docs(census)
        return 0
    import torch
    import transformers

    only = args.only
    if args.supported:
        from lccost.hf import supported_model_types

        only = [t for t in causal_lm_model_types() if t in set(supported_model_types())]
    if args.unsupported:
        from lccost.hf import supported_model_types

        only = [t for t in causal_lm_model_types() if t not in set(supported_model_types())]
    rows = list(run_census(only))
    print(summary(rows), file=sys.stderr)
    if args.out and only:
        args.out.write_text(
            json.dumps(
                {
                    "transformers": transformers.__version__,
                    "torch": torch.__version__,
                    "contexts": list(DEFAULT_CONTEXTS),
                    "date": datetime.date.today().isoformat(),
                    "rows": rows,
                },
                indent=1,
            )
            + "\n"
        )
    if args.write and not args.only:
        census = {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "date": datetime.date.today().isoformat(),
            "contexts": list(DEFAULT_CONTEXTS),
            "rows": rows,
        }
        CENSUS_JSON.write_text(json.dumps(census, indent=1) + "\n")
        write_docs(census)
    return 1 if any(r["verdict"] == "wrong" for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
