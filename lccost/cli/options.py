"""Options shared by the commands, written once.

Every option value is checked while the command line is parsed, so a misused option exits 2
with click's usage message, whichever option it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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

CONTEXT_HELP = ("Context length L in tokens: 131072, 128k, 128K, 1M or 1m (k = 1024, "
                "M = 1048576). Decode is costed for one new token with L tokens cached; "
                "prefill for a prompt of L tokens.")


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


Context = Annotated[int, typer.Option("--context", "-c", parser=parse_tokens, metavar="TOKENS",
                                      help=CONTEXT_HELP)]
Batch = Annotated[int, typer.Option("--batch", "-b", min=1, max=MAX_BATCH,
                                    help="Sequences decoded together (cache scales, weights do "
                                         f"not); 1 to {MAX_BATCH:,}.")]
DType = Annotated[str, typer.Option(
    "--dtype", parser=parse_dtype, metavar="DTYPE",
    help="Weight dtype: fp32, bf16, fp16, fp8, int8, int4, fp4, mxfp4, nvfp4 (bfloat16, "
         "float16, ... also accepted).")]
KvDType = Annotated[str | None, typer.Option(
    "--kv-dtype", parser=parse_kv_dtype, metavar="DTYPE",
    help="Cache dtype (default: --dtype), or 'native': each cache part in the "
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
    "--block-size", min=1, max=MAX_BLOCK_SIZE,
    help="Page size in tokens for --accounting vllm. Default: the size vLLM uses for the "
         "mechanism (16; 64 for DeepSeek V3.2's sparse MLA; 256 for DeepSeek V4).")]
Units = Annotated[ByteUnit, typer.Option("--units", help="Human byte unit: GB (10^9) or GiB "
                                                         "(2^30). "
                                                         "JSON and CSV always give exact bytes.")]
Explain = Annotated[bool, typer.Option("--explain", help="Under each figure, the terms that make "
                                                         "it: formula, numbers, value.")]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Force = Annotated[bool, typer.Option(
    "--force", help="Replace the output file if it exists (without it, an existing file is "
                    "never overwritten).")]
OutputFile = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write to this file instead of standard output (refused if the "
                           "file exists, unless --force).")]
