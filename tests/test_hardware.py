"""Hardware profiles (loading, errors at file:line) and the roofline, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import RunCli, WriteSpec

from lccost import api
from lccost.errors import LccostError, SpecErrors
from lccost.hardware import (
    compute_dtype,
    load_hardware,
    roofline,
    shipped_hardware,
    step_time,
)

GIB = 2**30

# Llama 3.1 8B's shape (meta-llama/Llama-3.1-8B config.json), written here so the hand numbers
# below do not move when the shipped config is edited.
LLAMA_LIKE = """\
name: llama-like
hidden_size: 4096
vocab_size: 128256
max_context: 131072
layer_templates:
  decoder:
    attention: {kind: attention, query_heads: 32, kv_heads: 8, head_dim: 128}
    ffn: {kind: dense, intermediate_size: 14336}
layers:
  - repeat: 32
    layers: [decoder]
"""

# Parameters by hand (D = 4096, H = 32, K = 8, d = 128, I = 14336, V = 128256, 32 layers):
# per layer q 4096*32*128 + k, v 4096*8*128 each + o 32*128*4096 + MLP 3*4096*14336.
LAYER_PARAMS = 4096 * 32 * 128 + 2 * 4096 * 8 * 128 + 32 * 128 * 4096 + 3 * 4096 * 14336
LAYERS_PARAMS = 32 * LAYER_PARAMS  # 6,979,321,856
TABLE = 128256 * 4096  # embedding table = untied LM head: 525,336,576
ALL_PARAMS = LAYERS_PARAMS + 2 * TABLE  # 8,029,995,008
MATMUL_PARAMS = LAYERS_PARAMS + TABLE  # what a token multiplies by (not the gather)

# Decode at L = 4096, batch 1, bf16 (2 bytes a value):
L = 4096
KV_BYTES_PER_TOKEN_LAYER = 2 * 8 * 128 * 2  # K and V, 8 heads x 128, bf16: 4096 B
DECODE_BYTES = (
    2 * MATMUL_PARAMS  # active weights read once
    + 32 * L * KV_BYTES_PER_TOKEN_LAYER  # cache read
    + 32 * KV_BYTES_PER_TOKEN_LAYER  # the new token's K and V written
    + 4096 * 2
)  # one embedding row gathered
DECODE_FLOPS = 2 * MATMUL_PARAMS + 32 * 4 * 32 * 128 * (L + 1)  # QK^T and AV over L + 1 keys
# Prefill of 4096 tokens: every layer for every token, causal triangle, LM head once.
PREFILL_FLOPS = 2 * LAYERS_PARAMS * L + 32 * 4 * 32 * 128 * (L * (L + 1) // 2) + 2 * TABLE
PREFILL_BYTES = 2 * ALL_PARAMS + 32 * L * KV_BYTES_PER_TOKEN_LAYER

# H100 SXM datasheet: 3.35 TB/s; BF16 tensor 1,979 TFLOPS with sparsity, dense one half.
H100_BANDWIDTH = 3_350_000_000_000
H100_BF16 = 1_979_000_000_000_000 // 2


@pytest.fixture
def llama_like(write_spec: WriteSpec) -> Path:
    return write_spec(LLAMA_LIKE, "llama-like.yaml")


def test_hand_numbers_agree_with_the_engine_inputs(llama_like: Path) -> None:
    # The roofline's inputs: the engine's decode and prefill figures equal the hand derivation.
    mc = api.model_cost(llama_like, api.make_workload(L))
    assert (mc.decode_bytes, mc.decode_flops) == (DECODE_BYTES, DECODE_FLOPS)
    assert (mc.prefill_flops, mc.prefill_bytes) == (PREFILL_FLOPS, PREFILL_BYTES)


def test_h100_profile_states_the_datasheet_figures() -> None:
    h100 = load_hardware("h100-sxm")
    # Capacity is the usable total torch reports (81,082 MiB in the cited log), not 80 GiB.
    assert h100.memory_bytes == 81_082 * 2**20
    assert h100.memory_bandwidth_bytes_per_s == H100_BANDWIDTH
    assert h100.peak_flops_per_s.bf16 == H100_BF16
    assert h100.peak_flops_per_s.fp8 == 3_958_000_000_000_000 // 2
    assert h100.sources


def test_decode_step_on_h100_is_memory_bound_and_matches_hand_arithmetic(llama_like: Path) -> None:
    result = roofline(api.model_cost(llama_like, api.make_workload(L)), load_hardware("h100-sxm"))
    # 15,546,327,040 B / 3.35e12 B/s = 4.6407 ms; 17,157,324,800 FLOP / 989.5e12 = 0.0173 ms.
    assert result.decode.memory_s == pytest.approx(DECODE_BYTES / H100_BANDWIDTH, rel=1e-12)
    assert result.decode.compute_s == pytest.approx(DECODE_FLOPS / H100_BF16, rel=1e-12)
    assert result.decode.bound == "memory"
    assert result.decode.seconds == pytest.approx(0.0046407, rel=1e-4)
    assert result.decode_tokens_per_s == pytest.approx(H100_BANDWIDTH / DECODE_BYTES, rel=1e-12)


def test_prefill_on_h100_is_compute_bound_and_gives_ttft(llama_like: Path) -> None:
    result = roofline(api.model_cost(llama_like, api.make_workload(L)), load_hardware("h100-sxm"))
    # 61,574,775,570,432 FLOP / 989.5e12 FLOP/s = 62.23 ms > 16,596,860,928 B / 3.35e12 = 4.95 ms
    assert result.prefill.bound == "compute"
    assert result.ttft_s == pytest.approx(PREFILL_FLOPS / H100_BF16, rel=1e-12)
    assert result.ttft_s == pytest.approx(0.062228, rel=1e-4)


def test_batch_multiplies_tokens_per_step_but_weights_are_read_once(llama_like: Path) -> None:
    result = roofline(
        api.model_cost(llama_like, api.make_workload(L, batch=64)), load_hardware("h100-sxm")
    )
    # Weights once, the per-sequence traffic 64 times.
    per_sequence = DECODE_BYTES - 2 * MATMUL_PARAMS
    step = (2 * MATMUL_PARAMS + 64 * per_sequence) / H100_BANDWIDTH
    assert result.decode.seconds == pytest.approx(step, rel=1e-12)
    assert result.decode_tokens_per_s == pytest.approx(64 / step, rel=1e-12)


def test_tensor_parallel_splits_flops_and_bytes_evenly(llama_like: Path) -> None:
    mc = api.model_cost(llama_like, api.make_workload(L))
    one, four = (roofline(mc, load_hardware("h100-sxm"), gpus) for gpus in (1, 4))
    assert four.decode.memory_s == pytest.approx(DECODE_BYTES / (4 * H100_BANDWIDTH), rel=1e-12)
    assert four.ttft_s == pytest.approx(one.ttft_s / 4, rel=1e-12)
    assert "not modelled" in four.communication


def test_step_time_takes_the_larger_of_compute_and_memory() -> None:
    # 2e12 FLOP at 1e12 FLOP/s = 2 s; 1e12 B at 1e12 B/s = 1 s: compute-bound, 2 s.
    step = step_time(2 * 10**12, 10**12, 10**12, 10**12)
    assert (step.seconds, step.bound) == (2.0, "compute")
    # On 2 devices: 1 s and 0.5 s.
    assert step_time(2 * 10**12, 10**12, 10**12, 10**12, devices=2).seconds == 1.0


def test_weights_without_native_support_run_in_bf16() -> None:
    a100, b200 = load_hardware("a100-80gb"), load_hardware("b200")
    assert compute_dtype(a100, "fp8") == "bf16"  # Ampere has no fp8 tensor cores
    assert compute_dtype(b200, "nvfp4") == "fp4"
    assert compute_dtype(a100, "int4") == "bf16"
    with pytest.raises(LccostError, match="states no fp8 peak"):
        compute_dtype(a100, "bf16", requested="fp8")


def test_every_shipped_profile_loads_with_sources() -> None:
    names = set(shipped_hardware())
    assert {
        "h100-sxm",
        "h200",
        "b200",
        "a100-80gb",
        "l40s",
        "rtx-4090",
        "mi300x",
        "m3-max",
        "m4-max",
    } <= names
    for name in names:
        profile = load_hardware(name)
        assert profile.sources and profile.peak_flops_per_s.stated()


def test_apple_peaks_are_marked_as_estimates() -> None:
    assert set(load_hardware("m4-max").estimated) == {"fp32", "fp16", "bf16"}


def test_profile_found_by_its_display_name() -> None:
    assert load_hardware("H100 SXM").name == "H100 SXM"


def test_profile_errors_point_at_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\n"
        "memory_bytes: '80'\n"
        "memory_bandwidth_bytes_per_s: 1_000_000_000\n"
        "peak_flops_per_s:\n"
        "  bf16: 1_000_000_000_000\n"
        "  fp64: 1\n"
        "sources: [{ref: my datasheet}]\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecErrors) as caught:
        load_hardware(path)
    text = str(caught.value)
    assert f"{path}:2: memory_bytes: got '80'; allowed: a whole number" in text
    assert (
        f"{path}:6: peak_flops_per_s.fp64: unknown field; allowed here: fp32, bf16, fp16, "
        "fp8, int8, fp4"
    ) in text


def test_profile_missing_field_says_what_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\nmemory_bytes: 1\npeak_flops_per_s: {bf16: 1}\nsources: [{ref: x}]\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SpecErrors,
        match=r"memory_bandwidth_bytes_per_s: required field is "
        r"missing; allowed: a whole number",
    ):
        load_hardware(path)


def test_cli_compare_with_hardware_adds_roofline_json(run_cli: RunCli, llama_like: Path) -> None:
    code, out, err = run_cli(
        [
            "compare",
            str(llama_like),
            "--context",
            "4k",
            "--hardware",
            "h100-sxm",
            "--format",
            "json",
        ]
    )
    assert code == 0, err
    data = json.loads(out)
    assert len(data["roofline"]) == len(data["results"]) == 1
    decode = data["roofline"][0]["decode"]
    assert (decode["bytes"], decode["bound"]) == (DECODE_BYTES, "memory")
    assert decode["seconds"] == pytest.approx(DECODE_BYTES / H100_BANDWIDTH, rel=1e-12)


def test_cli_sweep_csv_gains_roofline_columns(run_cli: RunCli, llama_like: Path) -> None:
    code, out, err = run_cli(
        [
            "sweep",
            str(llama_like),
            "--context",
            "4k,8k",
            "--hardware",
            "h100-sxm",
            "--gpus",
            "2",
            "--format",
            "csv",
        ]
    )
    assert code == 0, err
    header, first, second = out.splitlines()
    columns = header.split(",")
    assert columns[-12:] == [
        "hardware",
        "gpus",
        "compute_dtype",
        "decode_step_s",
        "decode_tokens_per_s",
        "decode_bound",
        "ttft_s",
        "prefill_bound",
        "fits",
        "weights_and_cache_bytes",
        "peak_bytes",
        "capacity_bytes",
    ]
    row = dict(zip(columns, first.split(","), strict=True))
    assert (row["context"], row["gpus"], row["decode_bound"]) == ("4096", "2", "memory")
    assert float(row["decode_step_s"]) == pytest.approx(
        DECODE_BYTES / (2 * H100_BANDWIDTH), rel=1e-12
    )
    assert second.split(",")[1] == "8192"


def test_cli_show_prints_the_roofline_table(run_cli: RunCli, llama_like: Path) -> None:
    code, out, err = run_cli(
        ["show", str(llama_like), "--context", "4k", "--no-costs", "--hardware", "h100-sxm"]
    )
    assert code == 0, err
    assert "roofline: H100 SXM" in out and "4.641" in out  # decode ms per step, by hand above


def test_cli_user_profile_by_path(run_cli: RunCli, llama_like: Path, tmp_path: Path) -> None:
    # A device of 1 TB/s and 1 PFLOP/s bf16: decode = 15,546,327,040 B / 1e12 B/s = 15.546 ms.
    profile = tmp_path / "mine.yaml"
    profile.write_text(
        "name: Mine\nmemory_bytes: 1_000_000_000_000\n"
        "memory_bandwidth_bytes_per_s: 1_000_000_000_000\n"
        "peak_flops_per_s: {bf16: 1_000_000_000_000_000}\n"
        "sources: [{ref: test}]\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(
        ["compare", str(llama_like), "-c", "4k", "--hardware", str(profile), "--format", "json"]
    )
    assert code == 0, err
    assert json.loads(out)["roofline"][0]["decode"]["seconds"] == pytest.approx(0.01554632704)


def test_cli_unknown_hardware_lists_the_shipped_ones(run_cli: RunCli, llama_like: Path) -> None:
    code, _, err = run_cli(["compare", str(llama_like), "--hardware", "h999"])
    assert code == 1
    assert err.startswith("Error: hardware 'h999'") and "h100-sxm" in err


def test_cli_hardware_lists_profiles(run_cli: RunCli) -> None:
    code, out, err = run_cli(["hardware", "--json"])
    assert code == 0, err
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["mi300x"]["memory_bytes"] == 196_592 * 2**20  # torch on ROCm, cited log
    assert rows["mi300x"]["name"] == "MI300X"


def test_h200_capacity_is_what_the_device_measured() -> None:
    # tests/data/device/peak_h200.json: torch.cuda.get_device_properties(0).total_memory.
    measured = json.loads(
        (Path(__file__).parent / "data" / "device" / "peak_h200.json").read_text()
    )["environment"]["total_memory_bytes"]
    assert load_hardware("h200").memory_bytes == measured == 150_109_880_320


def test_every_profile_sources_its_capacity() -> None:
    from lccost.hardware import shipped_hardware

    for stem in shipped_hardware():
        profile = load_hardware(stem)
        covered = [s for s in profile.sources if "memory_bytes" in s.covers]
        assert covered, f"{stem}: no source covers memory_bytes"
        assert any(note.startswith("Capacity:") for note in profile.notes), stem
