"""The engine accountings against their engines' own source (issue 17): llama.cpp's entry points
and knobs, storage formats per engine, vLLM's page size per device.

Sources, read at the pinned commits (rules and file:line in ``lccost.accounting``):
- llama.cpp 0c1e57098 (vendored by llama-cpp-python 0.3.36): ``src/llama-context.cpp:290-306``
  (n_ctx = GGML_PAD(L, 256); n_ctx_seq), ``src/llama-kv-cache-iswa.cpp:73-81`` (sliding cells
  GGML_PAD(min(kv_size, n_swa x (unified ? n_seq_max : 1) + n_ubatch), 256), or kv_size with
  swa_full), ``src/llama-kv-cache.cpp:84,233-234`` (n_stream = unified ? 1 : n_seq_max),
  ``src/llama-kv-cache-dsa.cpp:33-53`` (V3.2: K-only MLA cache + indexer keys, type_k),
  entry-point defaults ``common/common.h:453-457,574-575,589-590``, ``common/arg.cpp:1403``,
  ``tools/server/server.cpp:156-161``, ``src/llama-context.cpp:3756-3789``;
- vLLM 0.33.0 (wheel, commit 4ba787ec9): ``platforms/cuda.py:84-181`` (backend priorities),
  ``v1/attention/backends/flashinfer.py:585-604``, ``flash_attn.py:357-367``,
  ``mla/flashinfer_mla.py:204-205``, ``mla/indexer.py:286``, ``v1/attention/backend.py:155-163``.

Every expected value is arithmetic from the architecture (its YAML) and those rules. L = 128K.
Gemma 4 E2B: 15 layers own a cache, 12 sliding (W = 512, 1 KV head x 256: 1,024 B per token in
F16) and 3 full (1 x 512: 2,048 B); layers 15-34 reuse them and hold nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli
from typer.testing import CliRunner

from lccost import api
from lccost.accounting import LlamaCppParams, VllmDevice, vllm_pages
from lccost.cli.app import get_app
from lccost.conventions import Accounting
from lccost.errors import LccostError

L = 131072
LCPP, VLLM = Accounting.LLAMACPP, Accounting.VLLM
GEMMA_FULL = 3 * L * 2048  # 805,306,368: the three full layers hold n_ctx = L cells each


def _json(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(get_app(), [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    first: dict[str, object] = report["results"][0]
    return first


# --- llama.cpp: entry points and knobs ----------------------------------------------------------


def test_entry_point_defaults_follow_the_source() -> None:
    # (n_seq_max, kv_unified, swa_full, n_ubatch) per entry point, from the files above
    server, cli, library = LlamaCppParams.server(), LlamaCppParams.cli(), LlamaCppParams.library()
    assert (server.n_seq_max, server.kv_unified, server.swa_full, server.n_ubatch) == (
        4,
        True,
        False,
        512,
    )
    assert (cli.n_seq_max, cli.kv_unified, cli.swa_full, cli.n_ubatch) == (1, False, False, 512)
    assert (library.n_seq_max, library.kv_unified, library.swa_full, library.n_ubatch) == (
        1,
        False,
        True,
        512,
    )
    # an explicit --parallel leaves kv_unified false (server.cpp:156-161 only sets it for auto)
    assert LlamaCppParams.server(parallel=4).kv_unified is False
    assert LlamaCppParams.server(parallel=4, kv_unified=True).kv_unified is True


@pytest.mark.parametrize(
    ("options", "expected", "label"),
    [
        # llama-server defaults: 4 slots, unified: sliding GGML_PAD(min(L, 512 x 4 + 512), 256)
        # = 2,560 cells x 12 layers x 1,024 B = 31,457,280 -> 836,763,648 B
        (
            (),
            GEMMA_FULL + 12 * 2560 * 1024,
            "llama-server defaults: -c L, --parallel 4, kv_unified true, swa_full false",
        ),
        # --parallel 1 (as llama-cli): GGML_PAD(512 + 512, 256) = 1,024 cells -> 817,889,280 B
        (("--parallel", "1"), GEMMA_FULL + 12 * 1024 * 1024, "--parallel 1, kv_unified false"),
        # --swa-full (as the C library and llama-cpp-python): sliding layers hold n_ctx = L cells
        # -> 15 owners x L x their bytes = 2,415,919,104 B
        (("--swa-full",), GEMMA_FULL + 12 * L * 1024, "swa_full true"),
        # --parallel 4 given explicitly: not unified, 4 streams of n_ctx_seq = L / 4 = 32,768
        # cells; sliding GGML_PAD(min(32,768, 512 + 512), 256) = 1,024 per stream -> 4,096
        (("--parallel", "4"), GEMMA_FULL + 12 * 4096 * 1024, "--parallel 4, kv_unified false"),
        # --ubatch-size 1024, one sequence: GGML_PAD(512 + 1,024, 256) = 1,536 cells
        (
            ("--parallel", "1", "--ubatch-size", "1024"),
            GEMMA_FULL + 12 * 1536 * 1024,
            "--ubatch-size 1024",
        ),
    ],
)
def test_gemma_4_e2b_per_llamacpp_entry_point(
    options: tuple[str, ...], expected: int, label: str
) -> None:
    result = _json(
        "compare", "gemma-4-e2b", "--context", "128k", "--accounting", "llamacpp", *options
    )
    assert result["kv_cache_bytes"] == expected
    assert label in str(result["accounting_settings"])
    assert result["kv_dtype"] == "fp16"  # type_k / type_v default F16


def test_done_when_numbers_are_the_issue_s() -> None:
    assert GEMMA_FULL + 12 * 2560 * 1024 == 836_763_648
    assert GEMMA_FULL + 12 * 1024 * 1024 == 817_889_280
    assert GEMMA_FULL + 12 * L * 1024 == 2_415_919_104


def test_the_table_caption_names_the_entry_point() -> None:
    result = CliRunner().invoke(
        get_app(), ["compare", "gemma-4-e2b", "--accounting", "llamacpp"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "accounting: llamacpp (llama.cpp 0c1e57098, llama-server defaults" in text
    assert "KV cache (MB)" in text and "836.764" in text  # the unit is in the header


def test_llamacpp_options_need_the_llamacpp_accounting() -> None:
    result = CliRunner().invoke(get_app(), ["compare", "gemma-4-e2b", "--parallel", "1"])
    assert result.exit_code == 2
    assert "--accounting llamacpp" in result.output


def test_sweep_keeps_the_llamacpp_knobs_at_every_context() -> None:
    workload = api.make_workload(1024, accounting=LCPP, llamacpp=LlamaCppParams.cli())
    report = api.sweep(["gemma-4-e2b"], [1024, L], workload)
    # L = 1,024 (one sequence): full 3 x 1,024 x 2,048; sliding min(1,024, 1,024) = 1,024
    assert [r.kv_cache_bytes for r in report.results] == [
        3 * 1024 * 2048 + 12 * 1024 * 1024,
        GEMMA_FULL + 12 * 1024 * 1024,
    ]


# --- storage formats per engine -----------------------------------------------------------------


def test_deepseek_v32_native_under_llamacpp_is_llamacpp_s_f16_layout() -> None:
    # llama.cpp has no fp8_ds_mla: a K-only MLA cache of 512 + 64 values and 128-value indexer
    # keys, both type_k = F16: (576 + 128) x 2 = 1,408 B x 61 layers x L = 11,257,511,936 B
    result = _json(
        "compare",
        "deepseek-v3.2",
        "--context",
        "128k",
        "--accounting",
        "llamacpp",
        "--kv-dtype",
        "native",
    )
    assert result["kv_cache_bytes"] == 61 * L * 1408 == 11_257_511_936
    assert result["kv_cache_bytes"] != 61 * L * (656 + 132)  # DeepSeek's fp8 layout
    assert result["kv_dtype"] == "fp16"


def test_llamacpp_refuses_cache_types_it_does_not_have(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        ["compare", "deepseek-v3.2", "--accounting", "llamacpp", "--kv-dtype", "fp8"]
    )
    assert (code, out) == (1, "")
    assert err.startswith("Error: --accounting llamacpp: llama.cpp has no fp8 cache")
    assert len(err.splitlines()) == 1


def test_llamacpp_cache_is_f16_whatever_the_weight_dtype() -> None:
    # Llama 3.1 8B: 32 layers x 8 KV heads x 128 x 2 (K, V) x 2 B (F16), not 4 B for fp32
    # weights (llama.cpp's type_k default does not follow the weights)
    workload = api.make_workload(L, dtype="fp32", accounting=LCPP)
    assert api.model_cost("llama-3.1-8b", workload).cache_bytes_per_sequence == 32 * L * 4096
    bf16 = api.make_workload(L, dtype="fp32", kv_dtype="fp32", accounting=LCPP)
    assert api.model_cost("llama-3.1-8b", bf16).cache_bytes_per_sequence == 32 * L * 8192


# --- vLLM: the page follows the device ----------------------------------------------------------


def test_vllm_pages_per_device() -> None:
    # (attention, dense MLA, sparse MLA) from the backend each device's list puts first
    hopper, blackwell = VllmDevice("H100", (9, 0)), VllmDevice("B200", (10, 0))
    assert (
        vllm_pages(hopper).attention,
        vllm_pages(hopper).dense_mla,
        vllm_pages(hopper).sparse_mla,
    ) == (16, 16, 64)
    assert (
        vllm_pages(blackwell).attention,
        vllm_pages(blackwell).dense_mla,
        vllm_pages(blackwell).sparse_mla,
    ) == (16, 32, 64)
    assert vllm_pages(blackwell).attention_backend == "FLASHINFER"
    with pytest.raises(LccostError, match="not modelled"):
        vllm_pages(VllmDevice("V100", (7, 0)))


def test_gemma_on_b200_uses_blackwell_s_page_and_says_so() -> None:
    # FLASHINFER is first on SM 10.0 and takes 16-token pages: the sliding layers keep 32
    # pages of 16 = 512 slots (skipped = L - 511 -> 8,160 of 8,192 blocks freed)
    result = _json(
        "compare", "gemma-4-e2b", "--context", "128k", "--accounting", "vllm", "--hardware", "b200"
    )
    assert result["kv_cache_bytes"] == GEMMA_FULL + 12 * 512 * 1024
    settings = str(result["accounting_settings"])
    assert "B200 (SM 10.0)" in settings
    assert "pages of 16 tokens for attention (FLASHINFER)" in settings
    default = _json("compare", "gemma-4-e2b", "--accounting", "vllm")
    assert "Hopper (SM 9.0), the default without --hardware" in str(default["accounting_settings"])


DENSE_MLA = """\
name: dense-mla
description: one DeepSeek-V3 MLA layer (no indexer)
hidden_size: 7168
vocab_size: 129280
layers:
  - attention: {kind: mla, query_heads: 128, q_lora_rank: 1536, kv_lora_rank: 512,
                qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128}
    ffn: {kind: dense, intermediate_size: 18432}
"""


def test_dense_mla_pages_in_32_on_blackwell(tmp_path: Path) -> None:
    # FLASHINFER_MLA takes 32 or 64, not 16: L = 1,000 -> cdiv(1,000, 32) = 32 pages = 1,024
    # slots x 576 x 2 B; on Hopper FLASH_ATTN_MLA: cdiv(1,000, 16) = 63 pages = 1,008 slots
    spec = tmp_path / "dense-mla.yaml"
    spec.write_text(DENSE_MLA, encoding="utf-8")
    blackwell = api.make_workload(1000, accounting=VLLM, hardware="b200")
    hopper = api.make_workload(1000, accounting=VLLM, hardware="h100-sxm")
    assert api.model_cost(spec, blackwell).cache_bytes_per_sequence == 1024 * 1152
    assert api.model_cost(spec, hopper).cache_bytes_per_sequence == 1008 * 1152


def test_vllm_refuses_a_device_whose_backend_choice_is_not_modelled() -> None:
    with pytest.raises(LccostError, match="no cuda_capability"):
        api.make_workload(L, accounting=VLLM, hardware="mi300x")
    # the hardware's capability matters only to vllm
    assert api.make_workload(L, accounting=LCPP, hardware="mi300x").vllm_device is None
    # sparse MLA and DeepSeek V4 pages are modelled on SM 9.0 and 10.x only
    ampere = api.make_workload(L, accounting=VLLM, hardware="a100-80gb")
    for model in ("deepseek-v3.2", "deepseek-v4-flash"):
        with pytest.raises(LccostError, match="not modelled"):
            api.model_cost(model, ampere)


def test_vllm_refuses_fp8_head_dim_512_on_hopper() -> None:
    # FA4's fp8 kernel pages in 64 on SM 9.0 while Gemma 4's 256-wide layers run FA3
    with pytest.raises(LccostError, match="head dim 512"):
        api.model_cost("gemma-4-e2b", api.make_workload(L, kv_dtype="fp8", accounting=VLLM))
    # head dim 128 is paged in 16 as usual: Llama 3.1 8B, 32 x 8 x 128 x 2 x 1 B
    llama = api.model_cost("llama-3.1-8b", api.make_workload(L, kv_dtype="fp8", accounting=VLLM))
    assert llama.cache_bytes_per_sequence == 32 * L * 2048


def test_the_vllm_engine_pages_on_the_hardware_under_any_accounting(run_cli: RunCli) -> None:
    from lccost.peak import Engine

    # --engine vllm under --accounting reference holds the cache as vLLM pages it on the
    # device: the B200's capability (configs/hardware/b200.yaml: cuda_capability "10.0"),
    # not the Hopper default; the reference figures do not change with it.
    reference = api.make_workload(L, hardware="b200")
    assert reference.vllm_device is None
    paged = api.with_engine_device(reference, Engine.VLLM, "b200")
    assert paged.vllm_device == VllmDevice("B200", (10, 0))
    assert api.with_engine_device(reference, Engine.TRANSFORMERS, "b200") is reference
    assert (
        api.model_cost("gemma-4-e2b", paged).cache_bytes_per_sequence
        == api.model_cost("gemma-4-e2b", reference).cache_bytes_per_sequence
    )
    # a device whose page choice is not modelled is refused, as --accounting vllm refuses it
    # (it used to answer on Hopper's pages)
    for command in (["fit", "gemma-4-e2b"], ["compare", "gemma-4-e2b", "--context", "4k"]):
        code, out, err = run_cli([*command, "--hardware", "m3-max", "--engine", "vllm"])
        assert code == 1 and out == ""
        assert err.startswith("Error: --engine vllm: Apple M3 Max has no cuda_capability"), err
