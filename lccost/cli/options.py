"""Options shared by the commands, written once."""

from __future__ import annotations

from typing import Annotated

import typer

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
    "--kv-dtype", help="Cache dtype (default: --dtype), or 'native': each cache part in the "
                       "format the spec pins (e.g. DeepSeek's fp8 + bf16 rope entries).")]
AccountingOption = Annotated[Accounting, typer.Option(
    "--accounting", help="Which cache: 'reference' (what transformers holds, to the byte), "
                         "'full-context' (every owning layer holds all L tokens: the textbook "
                         "formula; DeepSeek V4 windows hold W, docs/accountings.md), "
                         "'vllm' (vLLM 0.33's paged blocks and cache layouts), "
                         "'llamacpp' (llama.cpp's allocation for -c L: context padded to 256, "
                         "sliding layers window + 512).")]
FlopsOption = Annotated[FlopConvention, typer.Option(
    "--flops", help="'useful' (causal triangle, window/top-k clamped) or 'executed' (what an "
                    "eager reference runs: full L x L scores, dense where it computes densely).")]
BlockSize = Annotated[int | None, typer.Option(
    "--block-size", min=1,
    help="Page size in tokens for --accounting vllm. Default: the size vLLM uses for the "
         "mechanism (16; 64 for DeepSeek V3.2's sparse MLA; 256 for DeepSeek V4).")]
Units = Annotated[ByteUnit, typer.Option("--units", help="Human byte unit: GB (10^9) or GiB "
                                                         "(2^30). "
                                                         "JSON and CSV always give exact bytes.")]
Explain = Annotated[bool, typer.Option("--explain", help="Under each figure, the terms that make "
                                                         "it: formula, numbers, value.")]
