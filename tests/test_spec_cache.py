"""Specs are validated once per process and shipped specs once per installation, and a changed
file is always read again (``lccost.spec.cache``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WriteSpec

from lccost.api import load, make_workload
from lccost.engine import cost
from lccost.spec import cache as spec_cache

SPEC = """\
name: tiny
hidden_size: 64
vocab_size: 100
layers:
  - attention: {kind: attention, query_heads: 4, kv_heads: %d, head_dim: 16}
    ffn: {kind: dense, intermediate_size: 128}
"""


def test_an_edited_spec_is_read_again(write_spec: WriteSpec) -> None:
    path = write_spec(SPEC % 1)
    # 1 layer x 1 KV head x 16 x 2 (K and V) x 2 bytes (bf16) = 64 bytes per token
    assert cost(load(path), make_workload(10)).kv_cache_bytes == 64 * 10
    assert load(path) is load(path)  # validated once
    path.write_text(SPEC % 2, encoding="utf-8")  # 2 KV heads: 128 bytes per token
    assert cost(load(path), make_workload(10)).kv_cache_bytes == 128 * 10


def test_an_edited_parent_is_read_again(write_spec: WriteSpec) -> None:
    parent = write_spec(SPEC % 1, name="parent.yaml")
    child = write_spec("extends: parent.yaml\nname: child\n", name="child.yaml")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 64 * 10
    parent.write_text(SPEC % 4, encoding="utf-8")
    assert cost(load(child), make_workload(10)).kv_cache_bytes == 256 * 10


def _kv_bytes_in_a_fresh_process(cache_dir: Path) -> str:
    code = (
        "from lccost.api import load, make_workload; from lccost.engine import cost; "
        "print(cost(load('llama-3.1-8b'), make_workload(1000)).kv_cache_bytes)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "LCCOST_CACHE_DIR": str(cache_dir)},
        check=True,
    )
    return done.stdout.strip()


def test_shipped_specs_are_kept_across_processes_and_a_bad_cache_is_ignored(tmp_path: Path) -> None:
    # Llama 3.1 8B at L = 1000: 32 layers x 8 KV heads x 128 x 2 x 2 bytes x 1000 tokens.
    expected = str(32 * 8 * 128 * 2 * 2 * 1000)
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected
    kept = list(tmp_path.glob("spec-*.pickle"))
    assert len(kept) == 1
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected  # read from the cache
    kept[0].write_bytes(b"not a pickle")
    assert _kv_bytes_in_a_fresh_process(tmp_path) == expected  # validated again


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCCOST_CACHE_DIR", "off")
    assert spec_cache.cache_dir() is None
