"""Options shared by the commands, written once.

Every option value is checked while the command line is parsed, so a misused option exits 2
with click's usage message, whichever option it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lccost.accounting import LLAMACPP_UBATCH, LlamaCppParams
from lccost.conventions import (
    MAX_BATCH,
    MAX_BLOCK_SIZE,
    Accounting,
    ByteUnit,
    FlopConvention,
    canonical_dtype,
    parse_context,
)
from lccost.render.formats import OutputFormat

CONTEXT_HELP = (
    "Context length L in tokens: 131072, 128k, 128K, 1M or 1m (k = 1024, "
    "M = 1048576). Decode is costed for one new token with L tokens cached; "
    "prefill for a prompt of L tokens."
)


def parse_tokens(text: str | int) -> int:
    """A context option: ``128k`` and friends, 1 token or more; a usage error otherwise."""
    if isinstance(text, int):  # the default
        return text
    try:
        tokens = parse_context(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if tokens < 1:
        raise typer.BadParameter(f"context {text!r}: a context is 1 token or more")
    return tokens


def parse_dtype(text: str | None) -> str | None:
    """A number format in any common spelling (``bfloat16``, ``BF16``); a usage error else."""
    if text is None:
        return None
    try:
        return canonical_dtype(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def parse_kv_dtype(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return canonical_dtype(text, native=True)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Context = Annotated[
    int, typer.Option("--context", "-c", parser=parse_tokens, metavar="TOKENS", help=CONTEXT_HELP)
]
Batch = Annotated[
    int,
    typer.Option(
        "--batch",
        "-b",
        min=1,
        max=MAX_BATCH,
        help=f"Sequences decoded together (cache scales, weights do not); 1 to {MAX_BATCH:,}.",
    ),
]
DType = Annotated[
    str,
    typer.Option(
        "--dtype",
        parser=parse_dtype,
        metavar="DTYPE",
        help="Weight dtype: fp32, bf16, fp16, fp8, int8, int4, fp4, mxfp4, nvfp4 (bfloat16, "
        "float16, ... also accepted).",
    ),
]
KvDType = Annotated[
    str | None,
    typer.Option(
        "--kv-dtype",
        parser=parse_kv_dtype,
        metavar="DTYPE",
        help="Cache dtype (default: --dtype; llama.cpp: fp16), or 'native': the engine's own "
        "format: the spec's pins (DeepSeek's fp8 + bf16 rope entries) for reference, vLLM's "
        "layouts (fp8_ds_mla) for vllm, F16 for llamacpp.",
    ),
]
AccountingOption = Annotated[
    Accounting,
    typer.Option(
        "--accounting",
        help="Which cache: 'reference' (what transformers holds, to the byte), "
        "'full-context' (every owning layer holds all L tokens: the textbook "
        "formula; DeepSeek V4 windows hold W, docs/accountings.md), "
        "'vllm' (vLLM 0.33's paged blocks and cache layouts), "
        "'llamacpp' (llama.cpp's allocation for -c L at llama-server's "
        "defaults unless --parallel, --kv-unified, --swa-full, "
        "--ubatch-size).",
    ),
]
FlopsOption = Annotated[
    FlopConvention,
    typer.Option(
        "--flops",
        help="'useful' (causal triangle, window/top-k clamped) or 'executed' (what an "
        "eager reference runs: full L x L scores, dense where it computes densely).",
    ),
]
BlockSize = Annotated[
    int | None,
    typer.Option(
        "--block-size",
        min=1,
        max=MAX_BLOCK_SIZE,
        help="Page size in tokens for --accounting vllm. Default: the size vLLM's backend "
        "selection picks for the mechanism on --hardware (Hopper without it): 16 for "
        "attention; 64 for DeepSeek V3.2's sparse MLA; dense MLA 16, 32 on Blackwell; 256 for "
        "DeepSeek V4.",
    ),
]
Units = Annotated[
    ByteUnit,
    typer.Option(
        "--units",
        help="Human byte unit: GB (10^9) or GiB (2^30). JSON and CSV always give exact bytes.",
    ),
]
Explain = Annotated[
    bool,
    typer.Option(
        "--explain", help="Under each figure, the terms that make it: formula, numbers, value."
    ),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace the output file if it exists (without it, an existing file is "
        "never overwritten).",
    ),
]
OutputFile = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file instead of standard output (refused if the "
        "file exists, unless --force).",
    ),
]
Parallel = Annotated[
    int | None,
    typer.Option(
        "--parallel",
        min=1,
        metavar="N",
        help="llama.cpp (--accounting llamacpp): sequences the cache is sized for, llama-server's "
        "-np. Default: llama-server's auto, 4 slots with a unified cache.",
    ),
]
KvUnified = Annotated[
    bool | None,
    typer.Option(
        "--kv-unified/--no-kv-unified",
        help="llama.cpp: one cache stream shared by all sequences. Default: llama-server's, on "
        "when --parallel is left at auto, off when given.",
    ),
]
SwaFull = Annotated[
    bool | None,
    typer.Option(
        "--swa-full/--no-swa-full",
        help="llama.cpp: sliding layers keep the whole context. Default: off (llama-server, "
        "llama-cli); the C library and llama-cpp-python default to on.",
    ),
]
UbatchSize = Annotated[
    int | None,
    typer.Option(
        "--ubatch-size",
        min=1,
        metavar="N",
        help="llama.cpp: physical batch the sliding cache keeps room for. Default: 512.",
    ),
]


def llamacpp_params(
    accounting: Accounting,
    parallel: int | None,
    kv_unified: bool | None,
    swa_full: bool | None,
    ubatch: int | None,
) -> LlamaCppParams:
    """llama-server's settings with the llama.cpp options given; they need --accounting
    llamacpp."""
    given = [
        name
        for name, value in (
            ("--parallel", parallel),
            ("--kv-unified", kv_unified),
            ("--swa-full", swa_full),
            ("--ubatch-size", ubatch),
        )
        if value is not None
    ]
    if given and accounting is not Accounting.LLAMACPP:
        raise typer.BadParameter(
            f"{', '.join(given)} size llama.cpp's cache; use with --accounting llamacpp"
        )
    return LlamaCppParams.server(
        parallel, kv_unified, bool(swa_full), LLAMACPP_UBATCH if ubatch is None else ubatch
    )


ENGINES = ("transformers", "vllm", "none")
"""``lccost.peak.Engine``'s values, written here so ``--help`` does not import the engine."""


def parse_engine_name(text: str | None) -> str | None:
    if text is not None and text not in ENGINES:
        raise typer.BadParameter(f"{text!r} is not an engine; allowed: {', '.join(ENGINES)}")
    return text


EngineOption = Annotated[
    str | None,
    typer.Option(
        "--engine",
        metavar="ENGINE",
        callback=parse_engine_name,
        help="Whose peak memory to report (prefill_peak_bytes, decode_peak_bytes; table columns): "
        "transformers (5.23.0, sdpa) or vllm (chunked prefill, vllm serve's defaults); none "
        "gives n/a. JSON and CSV always carry the peaks of the --accounting's engine "
        "(reference: transformers, vllm: vllm); a model whose peak is not modelled gets n/a "
        "and the reason.",
    ),
]
