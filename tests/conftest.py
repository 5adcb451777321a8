"""Shared fixtures: the CLI run in-process through its error boundary, and spec files on disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run_cli as _run_cli
from hypothesis import settings

# The suite draws the same examples on every run (a red build is then the change's, never the
# dice's) and keeps no example database. `LCCOST_HYPOTHESIS=explore pytest` draws new examples
# each run and replays its own failures, to look for the next bug.
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("LCCOST_HYPOTHESIS", "fixed"))

RunCli = Callable[[list[str]], tuple[int, str, str]]
WriteSpec = Callable[..., Path]


@pytest.fixture
def run_cli() -> RunCli:
    """``run_cli(["validate", path])`` -> (exit code, stdout, stderr), through
    ``lccost.cli.app.main``."""
    return _run_cli


@pytest.fixture
def write_spec(tmp_path: Path) -> WriteSpec:
    """``write_spec(text, name="spec.yaml")`` -> the path of ``text`` written under tmp_path
    (``text`` may be ``bytes``, written as is)."""

    def write(text: str | bytes, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


# --- generated valid specs (hypothesis), shared by the property and fuzz tests -------------

from typing import Any  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

COMPRESS_RATES = (2, 4, 8, 16, 128)
"""Compression rates drawn for CSA/HCA; all divide 256, so contexts that are multiples of 256
close every block (no partly filled compressor buffer) and fill whole vLLM/llama.cpp pages."""


@st.composite
def attention_specs(draw: st.DrawFn, window: bool | None = None) -> dict[str, Any]:
    kv_heads = draw(st.integers(1, 4))
    spec: dict[str, Any] = {
        "kind": "attention",
        "query_heads": kv_heads * draw(st.integers(1, 4)),
        "kv_heads": kv_heads,
        "head_dim": draw(st.sampled_from([8, 16, 64])),
        "k_eq_v": draw(st.booleans()),
        "output_gate": draw(st.sampled_from(["none", "per_head", "per_element"])),
    }
    if window is True or (window is None and draw(st.booleans())):
        spec["window"] = draw(st.integers(1, 600))
    return spec


@st.composite
def mla_specs(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "kind": "mla",
        "query_heads": draw(st.integers(1, 8)),
        "kv_lora_rank": draw(st.integers(1, 64)),
        "qk_nope_head_dim": draw(st.integers(1, 32)),
        "qk_rope_head_dim": draw(st.integers(1, 16)),
        "v_head_dim": draw(st.integers(1, 32)),
    }
    if draw(st.booleans()):
        spec["q_lora_rank"] = draw(st.integers(1, 64))
    if draw(st.booleans()):
        spec["indexer"] = {
            "heads": draw(st.integers(1, 4)),
            "head_dim": draw(st.integers(1, 32)),
            "top_k": draw(st.integers(1, 300)),
        }
    return spec


@st.composite
def cca_specs(draw: st.DrawFn) -> dict[str, Any]:
    kv_heads = draw(st.integers(1, 4))
    spec: dict[str, Any] = {
        "kind": "cca",
        "query_heads": kv_heads * draw(st.integers(1, 4)),
        "kv_heads": kv_heads,
        "head_dim": draw(st.sampled_from([8, 16, 32])),
        "conv_kernel": draw(st.integers(1, 4)),
        "grouped_conv_kernel": draw(st.integers(1, 4)),
    }
    if draw(st.booleans()):
        spec["window"] = draw(st.integers(1, 600))
    return spec


@st.composite
def v4_specs(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    kind = kind or draw(st.sampled_from(["csa", "hca", "v4_sliding"]))
    head_dim = draw(st.sampled_from([16, 32, 64]))
    spec: dict[str, Any] = {
        "kind": kind,
        "query_heads": draw(st.integers(1, 8)),
        "head_dim": head_dim,
        "rope_head_dim": draw(st.integers(0, head_dim)),
        "q_lora_rank": draw(st.integers(1, 64)),
        "output_groups": draw(st.sampled_from([1, 2, 4])),
        "output_rank": draw(st.integers(1, 32)),
        "window": draw(st.integers(1, 300)),
    }
    if kind != "v4_sliding":
        spec["compress_rate"] = draw(st.sampled_from(COMPRESS_RATES))
    if kind == "csa":
        spec["indexer"] = {
            "heads": draw(st.integers(1, 4)),
            "head_dim": draw(st.integers(1, 32)),
            "top_k": draw(st.integers(1, 64)),
        }
    return spec


@st.composite
def ffn_specs(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 9)) == 0:
        return {"kind": "none"}  # a mixer-only block
    if draw(st.booleans()):
        return {
            "kind": "dense",
            "intermediate_size": draw(st.integers(1, 256)),
            "gated": draw(st.booleans()),
        }
    experts = draw(st.integers(1, 16))
    spec: dict[str, Any] = {
        "kind": "moe",
        "experts": experts,
        "active_experts": draw(st.integers(1, experts)),
        "expert_intermediate_size": draw(st.integers(1, 64)),
        "shared_experts": draw(st.integers(0, 2)),
        "routing": draw(st.sampled_from(["learned", "hash"])),
    }
    if draw(st.booleans()):
        spec["router_hidden_size"] = draw(st.integers(1, 16))
        spec["extra_router_classes"] = draw(st.integers(0, 1))
    return spec


@st.composite
def state_specs(draw: st.DrawFn) -> dict[str, Any]:
    """The fixed-state and chunked mixers (``lccost.mechanisms.recurrent`` and neighbours)."""
    kind = draw(
        st.sampled_from(
            [
                "mamba2",
                "gated_deltanet",
                "kimi_delta",
                "lightning",
                "short_conv",
                "chunked_attention",
            ]
        )
    )
    if kind == "mamba2":
        groups = draw(st.integers(1, 2))
        return {
            "kind": kind,
            "heads": groups * draw(st.integers(1, 4)),
            "head_dim": draw(st.sampled_from([8, 16])),
            "state_size": draw(st.integers(1, 16)),
            "groups": groups,
            "conv_kernel": draw(st.integers(2, 4)),
            "chunk_size": draw(st.sampled_from([4, 8, 128])),
        }
    if kind == "gated_deltanet":
        key_heads = draw(st.integers(1, 2))
        return {
            "kind": kind,
            "key_heads": key_heads,
            "value_heads": key_heads * draw(st.integers(1, 2)),
            "key_head_dim": draw(st.sampled_from([4, 8])),
            "value_head_dim": draw(st.sampled_from([4, 8])),
            "conv_kernel": draw(st.integers(2, 4)),
        }
    if kind == "kimi_delta":
        return {
            "kind": kind,
            "heads": draw(st.integers(1, 4)),
            "head_dim": draw(st.sampled_from([4, 8])),
            "conv_kernel": draw(st.integers(2, 4)),
        }
    if kind == "lightning":
        return {
            "kind": kind,
            "heads": draw(st.integers(1, 4)),
            "head_dim": draw(st.sampled_from([4, 8])),
            "block_size": draw(st.sampled_from([4, 256])),
        }
    if kind == "short_conv":
        return {"kind": kind, "conv_kernel": draw(st.integers(2, 4))}
    kv_heads = draw(st.integers(1, 4))
    return {
        "kind": kind,
        "query_heads": kv_heads * draw(st.integers(1, 4)),
        "kv_heads": kv_heads,
        "head_dim": draw(st.sampled_from([8, 16])),
        "chunk": draw(st.integers(1, 600)),
    }


ANY_ATTENTION = st.one_of(
    attention_specs(),
    mla_specs(),
    cca_specs(),
    v4_specs(),
    state_specs(),
    st.fixed_dictionaries({"kind": st.just("none")}),  # an MLP-only block (a new dict each)
)


@st.composite
def valid_specs(draw: st.DrawFn, sharing: bool | None = None) -> dict[str, Any]:
    """A small random architecture as a spec mapping (what a YAML file holds): 1-6 layers of
    any mechanism, then, with ``sharing``, layers that read an earlier layer's cache, by the
    ``kv_sharing`` rule or by explicit ``kv_source_layer``."""
    owners = [
        {"attention": draw(ANY_ATTENTION), "ffn": draw(ffn_specs())}
        for _ in range(draw(st.integers(1, 6)))
    ]
    spec: dict[str, Any] = {
        "name": "generated",
        "hidden_size": draw(st.integers(1, 256)),
        "vocab_size": draw(st.integers(1, 1000)),
        "tie_word_embeddings": draw(st.booleans()),
        "layers": list(owners),
    }
    if draw(st.booleans()):
        spec["per_layer_embeddings"] = {
            "dim": draw(st.integers(1, 16)),
            "vocab_size": draw(st.integers(1, 100)),
        }
    if draw(st.booleans()):
        spec["hyper_connections"] = {"streams": draw(st.integers(1, 4))}
    # The last owner of each window among plain attention layers: what the rule points at.
    last_of_window = {
        layer["attention"].get("window"): i
        for i, layer in enumerate(owners)
        if layer["attention"]["kind"] == "attention"
    }
    share = draw(st.booleans()) if sharing is None else sharing
    if share and last_of_window:
        readers = draw(
            st.lists(st.sampled_from(sorted(last_of_window.values())), min_size=1, max_size=4)
        )
        by_rule = draw(st.booleans())
        for source in readers:
            attention = dict(owners[source]["attention"])
            attention["query_heads"] = attention["kv_heads"] * draw(st.integers(1, 4))
            if not by_rule:
                attention["kv_source_layer"] = source
            spec["layers"].append({"attention": attention, "ffn": draw(ffn_specs())})
        if by_rule:
            spec["kv_sharing"] = {"first_shared_layer": len(owners)}
    return spec


def without_sharing(spec: dict[str, Any]) -> dict[str, Any]:
    """The same architecture with every layer holding its own cache."""
    layers = [
        {
            **layer,
            "attention": {k: v for k, v in layer["attention"].items() if k != "kv_source_layer"},
        }
        for layer in spec["layers"]
    ]
    return {**{k: v for k, v in spec.items() if k != "kv_sharing"}, "layers": layers}


def architecture_of(spec: dict[str, Any]) -> Any:
    """Validate and expand a spec mapping, as the loader does for a file."""
    from lccost.spec.loader import Document, validate_document

    return validate_document(Document(spec), "<generated>")
