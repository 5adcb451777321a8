"""Options shared by the commands, written once."""

from __future__ import annotations

from typing import Annotated

import typer

from lccost.accounting import LLAMACPP_UBATCH, LlamaCppParams
from lccost.conventions import Accounting, ByteUnit, FlopConvention, parse_context

CONTEXT_HELP = ("Context length L in tokens: 131072, 128k, 128K, 1M or 1m (k = 1024, "
                "M = 1048576). Decode is costed for one new token with L tokens cached; "
                "prefill for a prompt of L tokens.")


def _context(text: str | int) -> int:
    if isinstance(text, int):  # the default
        return text
    try:
        return parse_context(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Context = Annotated[int, typer.Option("--context", "-c", parser=_context, metavar="TOKENS",
                                      help=CONTEXT_HELP)]
Batch = Annotated[int, typer.Option("--batch", "-b", min=1,
                                    help="Sequences decoded together (cache scales, weights do "
                                         "not).")]
DType = Annotated[str, typer.Option(
    "--dtype", help="Weight dtype: fp32, bf16, fp16, fp8, int8, int4, fp4, mxfp4, nvfp4.")]
KvDType = Annotated[str | None, typer.Option(
    "--kv-dtype", help="Cache dtype (default: --dtype; llama.cpp: fp16), or 'native': the "
                       "engine's own format: the spec's pins (DeepSeek's fp8 + bf16 rope "
                       "entries) for reference, vLLM's layouts (fp8_ds_mla) for vllm, F16 for "
                       "llamacpp.")]
AccountingOption = Annotated[Accounting, typer.Option(
    "--accounting", help="Which cache: 'reference' (what transformers holds, to the byte), "
                         "'full-context' (every owning layer holds all L tokens: the textbook "
                         "formula; DeepSeek V4 windows hold W, docs/accountings.md), "
                         "'vllm' (vLLM 0.33's paged blocks and cache layouts), "
                         "'llamacpp' (llama.cpp's allocation for -c L at llama-server's "
                         "defaults unless --parallel, --kv-unified, --swa-full, "
                         "--ubatch-size).")]
FlopsOption = Annotated[FlopConvention, typer.Option(
    "--flops", help="'useful' (causal triangle, window/top-k clamped) or 'executed' (what an "
                    "eager reference runs: full L x L scores, dense where it computes densely).")]
BlockSize = Annotated[int | None, typer.Option(
    "--block-size", min=1,
    help="Page size in tokens for --accounting vllm. Default: the size vLLM's backend "
         "selection picks for the mechanism on --hardware (Hopper without it): 16 for "
         "attention; 64 for DeepSeek V3.2's sparse MLA; dense MLA 16, 32 on Blackwell; 256 for "
         "DeepSeek V4.")]
Units = Annotated[ByteUnit, typer.Option("--units", help="Human byte unit: GB (10^9) or GiB "
                                                         "(2^30). "
                                                         "JSON and CSV always give exact bytes.")]
Explain = Annotated[bool, typer.Option("--explain", help="Under each figure, the terms that make "
                                                         "it: formula, numbers, value.")]
Parallel = Annotated[int | None, typer.Option(
    "--parallel", min=1, metavar="N",
    help="llama.cpp (--accounting llamacpp): sequences the cache is sized for, llama-server's "
         "-np. Default: llama-server's auto, 4 slots with a unified cache.")]
KvUnified = Annotated[bool | None, typer.Option(
    "--kv-unified/--no-kv-unified",
    help="llama.cpp: one cache stream shared by all sequences. Default: llama-server's, on "
         "when --parallel is left at auto, off when given.")]
SwaFull = Annotated[bool | None, typer.Option(
    "--swa-full/--no-swa-full",
    help="llama.cpp: sliding layers keep the whole context. Default: off (llama-server, "
         "llama-cli); the C library and llama-cpp-python default to on.")]
UbatchSize = Annotated[int | None, typer.Option(
    "--ubatch-size", min=1, metavar="N",
    help="llama.cpp: physical batch the sliding cache keeps room for. Default: 512.")]


def llamacpp_params(accounting: Accounting, parallel: int | None, kv_unified: bool | None,
                    swa_full: bool | None, ubatch: int | None) -> LlamaCppParams:
    """llama-server's settings with the llama.cpp options given; they need --accounting
    llamacpp."""
    given = [name for name, value in (("--parallel", parallel), ("--kv-unified", kv_unified),
                                      ("--swa-full", swa_full), ("--ubatch-size", ubatch))
             if value is not None]
    if given and accounting is not Accounting.LLAMACPP:
        raise typer.BadParameter(f"{', '.join(given)} size llama.cpp's cache; use with "
                                 "--accounting llamacpp")
    return LlamaCppParams.server(parallel, kv_unified, bool(swa_full),
                                 LLAMACPP_UBATCH if ubatch is None else ubatch)
