"""The CLI end to end: parsing, the JSON contract, ratios, sweeps and errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import run_cli


def results(args: list[str]) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run_cli([*args, "--format", "json"])
    assert code == 0, err
    report = json.loads(out)
    assert report["schema_version"] == 3
    return report["results"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("text", ["131072", "128k", "128K"])
def test_context_spellings_are_the_same_tokens(text: str) -> None:
    (result,) = results(["compare", "llama-3.1-8b", "--context", text])
    assert result["context"] == 131072
    # 2 x 32 layers x 8 KV heads x 128 x 131,072 tokens x 2 B = 16 GiB
    assert result["kv_cache_bytes"] == 2 * 32 * 8 * 128 * 131072 * 2 == 16 * 2**30


def test_one_m_is_two_to_the_twenty() -> None:
    (result,) = results(["compare", "llama-3.1-8b", "-c", "1m"])
    assert result["context"] == 2**20


def test_baseline_gives_ratios() -> None:
    (result,) = results(
        [
            "compare",
            "deepseek-v4-pro",
            "--baseline",
            "deepseek-v3.2",
            "--context",
            "1M",
            "--kv-dtype",
            "native",
        ]
    )
    assert result["baseline"] == "deepseek-v3.2"
    # deepseek.md §2: V4-Pro 5,031.4 B/token vs V3.2 788 B x 61 layers = 48,068 B/token
    assert result["ratios"]["kv_cache_bytes"] == pytest.approx(0.1048, abs=5e-4)


def test_json_names_accounting_and_conventions() -> None:
    _code, out, _ = run_cli(
        [
            "compare",
            "gemma-4-e2b",
            "--accounting",
            "full-context",
            "--flops",
            "executed",
            "-f",
            "json",
        ]
    )
    report = json.loads(out)
    assert report["conventions"]["accounting"] == "full-context"
    assert report["conventions"]["flops_per_mac"] == 2
    assert report["results"][0]["accounting"] == "full-context"
    assert report["results"][0]["flop_convention"] == "executed"


def test_three_accountings_give_three_labelled_numbers_for_gemma() -> None:
    values = {}
    for mode in ("reference", "full-context", "vllm"):
        code, out, _ = run_cli(
            ["compare", "gemma-4-e2b", "--context", "128k", "--accounting", mode]
        )
        assert code == 0
        assert f"accounting: {mode}" in " ".join(out.split())
        values[mode] = results(["compare", "gemma-4-e2b", "--accounting", mode])[0][
            "kv_cache_bytes"
        ]
    # full-context: 15 owning layers at 131,072 tokens: 12 x 1,024 B + 3 x 2,048 B per token
    assert values["full-context"] == 131072 * (12 * 1024 + 3 * 2048)
    assert values["reference"] == 12 * 511 * 1024 + 3 * 131072 * 2048
    assert len(set(values.values())) == 3


def test_sweep_range_is_powers_of_two_and_csv_has_exact_integers() -> None:
    code, out, err = run_cli(["sweep", "llama-3.1-8b", "--context", "1k..8k", "-f", "csv"])
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["context"]) for r in rows] == [1024, 2048, 4096, 8192]
    # 2 x 32 x 8 x 128 x 2 B = 131,072 B per token
    assert [int(r["kv_cache_bytes"]) for r in rows] == [
        131072 * n for n in (1024, 2048, 4096, 8192)
    ]


def test_show_lists_whose_kv_each_gemma_layer_reads() -> None:
    _code, out, _ = run_cli(["show", "gemma-4-e2b", "--json"])
    layers = json.loads(out)["results"][0]["layers"]
    assert len(layers) == 35
    sources = [layer["kv_source_layer"] for layer in layers]
    # gemma4.md §2.1: shared sliding layers read layer 13, shared full layers layer 14
    assert sources[:15] == [None] * 15
    assert {sources[i] for i in range(15, 35) if (i + 1) % 5} == {13}
    assert {sources[i] for i in (19, 24, 29, 34)} == {14}
    assert all(layer["cache_bytes"] == 0 for layer in layers[15:])


def test_explain_prints_formulas_with_numbers() -> None:
    code, out, _ = run_cli(["compare", "llama-3.1-8b", "--context", "1k", "--explain"])
    assert code == 0
    assert "n*e" in out
    assert "1,024*4,096" in out.replace("\n", "")  # 1,024 tokens x 4,096 B per token


def test_list_names_every_shipped_model() -> None:
    _code, out, _ = run_cli(["list", "--json"])
    names = {row["name"] for row in json.loads(out)}
    assert {
        "gemma-4-e2b",
        "gemma-4-e4b",
        "laguna-xs.2",
        "zaya1-8b",
        "deepseek-v3.2",
        "deepseek-v4-pro",
        "deepseek-v4-flash",
        "llama-3.1-8b",
    } <= names


def test_unknown_model_is_a_one_paragraph_error() -> None:
    code, _out, err = run_cli(["compare", "no-such-model"])
    assert code == 1
    assert "Traceback" not in err
    assert "no-such-model" in err and "gemma-4-e2b" in err


@pytest.mark.parametrize("context", ["-5", "12q", "1.5k"])
def test_bad_context_is_a_usage_error(context: str) -> None:
    code, _, err = run_cli(["compare", "llama-3.1-8b", "--context", context])
    assert code == 2
    assert "Traceback" not in err


def test_claims_command_passes() -> None:
    code, out, err = run_cli(["claims", "--format", "json"])
    assert code == 0, err
    assert all(claim["passed"] for claim in json.loads(out))


def test_generate_sums_the_decode_flops_of_each_new_token() -> None:
    (one,) = results(["compare", "llama-3.1-8b", "-c", "4k"])
    (three,) = results(["compare", "llama-3.1-8b", "-c", "4k", "--generate", "3"])
    # each further position adds one key to 32 layers: 32 x 4 x 32 heads x 128 = 524,288 FLOPs
    assert three["generate_tokens"] == 3
    assert three["generate_decode_flops"] == 3 * one["decode_flops"] + 524288 * (0 + 1 + 2)


def test_the_command_table_is_what_each_module_registers() -> None:
    # main registers only the invoked command's module (lccost.cli.app.COMMAND_MODULES): the
    # table must name every command, in the full app's order, with the module that registers it.
    import typer

    from lccost.cli.app import COMMAND_MODULES, _app_for, get_app

    assert [c.name for c in get_app().registered_commands] == list(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        one = typer.Typer()
        __import__(f"lccost.cli.{module}", fromlist=["register"]).register(one)
        assert name in [c.name for c in one.registered_commands]
        assert [c.name for c in _app_for([name, "--help"]).registered_commands] == [name]


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["compar"], ["-h", "compare"]])
def test_anything_but_a_command_first_runs_the_full_app(args: list[str]) -> None:
    from lccost.cli.app import COMMAND_MODULES, _app_for

    assert [c.name for c in _app_for(args).registered_commands] == list(COMMAND_MODULES)


def test_a_mistyped_command_is_still_suggested() -> None:
    code, _, err = run_cli(["compar", "llama-3.1-8b"])
    assert code == 2
    assert "No such command 'compar'" in err
