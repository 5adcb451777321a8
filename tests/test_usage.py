"""One way to say each thing: options, names, the Python API, and files written safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli

import lccost
from lccost.errors import LccostError

ROOT = Path(__file__).resolve().parent.parent


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    code, out, err = run_cli([*args, "-f", "json"])
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


# --- misused options exit 2, everywhere ----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "llama-3.1-8b", "--dtype", "fp7"],
        ["compare", "llama-3.1-8b", "--kv-dtype", "fp7"],
        ["compare", "llama-3.1-8b", "--hardware", "h100-sxm", "--compute-dtype", "fp7"],
        ["fit", "llama-3.1-8b", "--hardware", "h100-sxm", "--reserve", "200%"],
        ["fit", "llama-3.1-8b", "--hardware", "h100-sxm", "--reserve", "lots"],
        ["sweep", "llama-3.1-8b", "--context", "1M..1k"],
        ["compare", "llama-3.1-8b", "--generate", "1000000"],
        ["compare", "llama-3.1-8b", "--context", "0"],
        ["show", "llama-3.1-8b", "--context", "0"],
        ["sweep", "llama-3.1-8b", "--context", "0,4k"],
        ["compare", "llama-3.1-8b", "--context", "\uff11\uff12\uff18k"],  # full-width 128k
        ["compare", "llama-3.1-8b", "--batch", str(2**20 + 1)],
        ["compare", "llama-3.1-8b", "--block-size", str(2**20 + 1), "--accounting", "vllm"],
        ["compare", "llama-3.1-8b", "--hardware", "h100-sxm", "--gpus", str(2**16 + 1)],
        ["fit", "llama-3.1-8b", "--memory", "1" + "0" * 41 + "GB"],
        ["fit", "llama-3.1-8b", "--memory", "1e41GB"],
        ["verify", "llama-3.1-8b", "-c", "0"],
        ["verify", "llama-3.1-8b", "--dtype", "fp8"],
        ["claims", "--format", "yaml"],
    ],
)
def test_a_misused_option_exits_2_with_one_message(args: list[str]) -> None:
    code, out, err = run_cli(args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and "Value error" not in err
    assert "Error:" in err and out == ""


def test_fit_memory_past_the_bound_prints_no_float_noise() -> None:
    code, _, err = run_cli(["fit", "llama-3.1-8b", "--memory", "1" + "0" * 41 + "GB"])
    assert code == 2 and "1,000,000,000,000,000,000 bytes" in err
    assert "e+" not in err and ".0 GB" not in err


@pytest.mark.parametrize(
    "spelling,canonical",
    [
        ("bfloat16", "bf16"),
        ("BF16", "bf16"),
        ("float16", "fp16"),
        ("FP8", "fp8"),
        ("float32", "fp32"),
    ],
)
def test_common_dtype_spellings_are_accepted(spelling: str, canonical: str) -> None:
    (ours,) = _json(
        ["compare", "llama-3.1-8b", "-c", "1k", "--dtype", spelling, "--kv-dtype", spelling]
    )["results"]
    (theirs,) = _json(["compare", "llama-3.1-8b", "-c", "1k", "--dtype", canonical])["results"]
    assert ours == theirs and ours["dtype"] == canonical


# --- names ---------------------------------------------------------------------------------


def test_model_names_ignore_case() -> None:
    (upper,) = _json(["compare", "LLAMA-3.1-8B", "-c", "1k"])["results"]
    (lower,) = _json(["compare", "llama-3.1-8b", "-c", "1k"])["results"]
    assert upper == lower


def test_a_misspelt_model_gets_a_suggestion() -> None:
    code, _, err = run_cli(["compare", "lama-3.1-8b"])
    assert code == 1 and "did you mean 'llama-3.1-8b'" in err


def test_the_only_h100_profile_is_h100() -> None:
    short = _json(["compare", "llama-3.1-8b", "-c", "1k", "--hardware", "h100"])
    full = _json(["compare", "llama-3.1-8b", "-c", "1k", "--hardware", "h100-sxm"])
    assert short["roofline"] == full["roofline"]
    code, _, err = run_cli(["compare", "llama-3.1-8b", "--hardware", "hh100"])
    assert code == 1 and "did you mean" in err
    # NVIDIA's H20 is another GPU: a prefix is whole words, so h20 does not become the H200
    code, _, err = run_cli(["compare", "llama-3.1-8b", "--hardware", "h20"])
    assert code == 1 and "did you mean" in err


def test_shipped_variants_are_usable_by_name_and_listed() -> None:
    (variant,) = _json(["compare", "gemma-4-e2b-no-kv-sharing", "-c", "128k"])["results"]
    (base,) = _json(["compare", "gemma-4-e2b", "-c", "128k"])["results"]
    # without sharing, layers 15-34 hold their own cache: strictly more than the base
    assert variant["kv_cache_bytes"] > base["kv_cache_bytes"]
    _code, out, _ = run_cli(["list", "--json"])
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["gemma-4-e2b-no-kv-sharing"]["variant"] is True
    assert rows["gemma-4-e2b"]["variant"] is False


# --- help, version, python -m ----------------------------------------------------------------


def test_short_help_and_version() -> None:
    code, out, _ = run_cli(["-h"])
    assert code == 0 and "Usage:" in out
    code, out, _ = run_cli(["compare", "-h"])
    assert code == 0 and "--baseline" in out
    code, out, _ = run_cli(["--version"])
    assert code == 0 and out.strip() == f"lccost {lccost.__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lccost", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == f"lccost {lccost.__version__}"


INTERRUPT_AT_IMPORT = """
import os, signal, sys
class Interrupt:  # Ctrl-C arrives while {module} is being imported
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["lccost", "compare", "llama-3.1-8b", "-c", "1k"]
from lccost.__main__ import run
run()
"""


@pytest.mark.parametrize("module", ["typer", "rich.console", "lccost.engine"])
def test_ctrl_c_at_any_moment_prints_no_traceback(module: str) -> None:
    # typer: while the CLI is imported (its first ~100 ms); rich, lccost.engine: while a
    # command runs. Triggered by an import hook, so the test does not depend on timing.
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT_AT_IMPORT.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "Interrupted." and done.stdout == ""


# --- the Python API -------------------------------------------------------------------------


def test_make_workload_takes_the_cli_context_strings() -> None:
    assert lccost.make_workload("128k").context_tokens == 131072
    assert lccost.make_workload("1M", dtype="bfloat16").dtype == "bf16"


def test_the_api_raises_the_cli_errors() -> None:
    with pytest.raises(LccostError, match="is not a token count"):
        lccost.make_workload("12q")
    with pytest.raises(LccostError, match="unknown dtype 'fp7'"):
        lccost.make_workload(1024, dtype="fp7")
    with pytest.raises(LccostError, match="batch must be 1 to"):
        lccost.make_workload(1024, batch=0)


def test_dir_lists_the_public_api() -> None:
    listed = set(dir(lccost))
    assert {
        "compare",
        "make_workload",
        "sweep",
        "load",
        "analyse",
        "fit",
        "roofline",
        "check_claims",
        "__version__",
    } <= listed
    assert set(lccost.__all__) <= listed


def test_one_api_call_costs_each_model_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from lccost import api, engine

    calls: list[str] = []
    real = engine.cost

    def counting(architecture, workload):  # type: ignore[no-untyped-def]
        calls.append(architecture.name)
        return real(architecture, workload)

    monkeypatch.setattr(api, "cost", counting)
    code, _, err = run_cli(
        [
            "compare",
            "llama-3.1-8b",
            "zaya1-8b",
            "-c",
            "1k",
            "--hardware",
            "h100-sxm",
            "--explain",
            "--baseline",
            "gemma-4-e2b",
        ]
    )
    assert code == 0, err
    assert sorted(calls) == ["gemma-4-e2b", "llama-3.1-8b", "zaya1-8b"]


# --- files ----------------------------------------------------------------------------------

HF = ROOT / "configs" / "hf" / "llama-3.1-8b.json"


def test_import_hf_never_overwrites_its_input(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_bytes(HF.read_bytes())
    code, _, err = run_cli(["import-hf", str(config), "-o", str(config), "--force"])
    assert code == 1 and "input" in err
    assert config.read_bytes() == HF.read_bytes()


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "spec.yaml"
    target.write_text("keep me\n")
    code, _, err = run_cli(["import-hf", str(HF), "-o", str(target)])
    assert code == 1 and "--force" in err and target.read_text() == "keep me\n"
    code, _, err = run_cli(["import-hf", str(HF), "-o", str(target), "--force"])
    assert code == 0, err
    assert "hidden_size: 4096" in target.read_text()
    for command in ("import-hf", "schema"):
        _, out, _ = run_cli([command, "--help"])
        assert "--force" in out


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "schema.json"
    target.write_text("old\n")

    def failing(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing)
    code, _, err = run_cli(["schema", "-o", str(target), "--force"])
    assert code == 1 and "No space left on device" in err and len(err.splitlines()) == 1
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]


@pytest.mark.parametrize("where", ["missing-dir/kv.svg", ".", "exists.svg"])
def test_plot_to_a_bad_path_is_one_line_before_any_output(where: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    (tmp_path / "exists.svg").write_text("<svg/>")
    code, out, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k..4k", "--plot", str(tmp_path / where)]
    )
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert (tmp_path / "exists.svg").read_text() == "<svg/>"


def test_plot_to_an_unwritable_folder(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    # /proc takes no new files from any user, root included (os.access says yes to root there,
    # which let the table print before the write failed).
    code, out, err = run_cli(["sweep", "llama-3.1-8b", "-c", "1k..4k", "--plot", "/proc/kv.svg"])
    assert code == 1 and out == "" and "folder /proc is not writable" in err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, out, err = run_cli(
            ["sweep", "llama-3.1-8b", "-c", "1k..4k", "--plot", str(locked / "kv.svg")]
        )
        # Root may write into a 0500 folder; anyone else may not. Either way nothing half-done.
        if os.geteuid() == 0:
            assert code == 0 and (locked / "kv.svg").stat().st_size > 0
        else:
            assert code == 1 and out == "" and "not writable" in err
    finally:
        locked.chmod(0o700)


def test_plot_without_matplotlib_says_so_before_printing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    code, out, err = run_cli(
        ["sweep", "llama-3.1-8b", "-c", "1k..4k", "--plot", str(tmp_path / "kv.png")]
    )
    assert code == 1 and out == "" and "pip install 'lccost[plot]'" in err


def test_verify_shows_one_line_of_a_reference_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from lccost import reference

    def failing(model: object, context_tokens: int, seed: int = 1) -> None:
        # what torch raises: a message, then the C++ stack it was raised from
        raise RuntimeError(
            "shape mismatch\nException raised from check at aten/x.cpp:12\n"
            "frame #0: c10::Error::Error() + 0x1 (0x7f in libc10.so)"
        )

    monkeypatch.setattr(reference, "build_reference_model", lambda *a, **k: object())
    monkeypatch.setattr(reference, "measure_reference", failing)
    code, _, err = run_cli(["verify", "llama-3.1-8b", "-c", "1k"])
    assert code == 1
    (line,) = err.strip().splitlines()
    assert line.startswith("Error: ") and line.endswith(
        "llama-3.1-8b.json: the reference model fails at context 1,024: shape mismatch"
    )


@pytest.mark.parametrize("command", ["list", "hardware"])
def test_listings_take_format_like_every_command(command: str) -> None:
    code, new, _ = run_cli([command, "-f", "json"])
    assert code == 0
    _, old, _ = run_cli([command, "--json"])  # the old spelling, hidden
    assert json.loads(new) == json.loads(old)
    _, table_csv, _ = run_cli([command, "-f", "csv"])
    assert table_csv.splitlines()[0].startswith("name,")
    _, help_text, _ = run_cli([command, "--help"])
    assert "--format" in help_text and "--json" not in help_text
