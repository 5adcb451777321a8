"""What every layer with a fixed-size state shares: the causal short convolution in front of it
and the rules for counting its states under each accounting.

Symbols: C conv channels, k conv kernel (``conv_kernel``, ``linear_conv_kernel_dim``,
``conv_L_cache``), L context tokens.

Conv state [values] after L tokens, by accounting:
- ``reference``: k·C. transformers 5.23.0 keeps ``conv_kernel_size`` = k steps, not the k - 1 a
  causal convolution needs (``cache_utils.py`` ``LinearAttentionLayer.lazy_initialization``
  allocates ``(*shape[:-1], conv_kernel_size)``; ``update_conv_state`` keeps the last
  ``conv_kernel_size``), in the activations' dtype;
- ``full-context``: (k - 1)·C, the state the recurrence needs (defined here: a state layer's
  full context is its state; it does not grow with L);
- ``vllm``: (k - 1)·C (vLLM ``model_executor/layers/mamba/mamba_utils.py``
  ``MambaStateShapeCalculator``: conv state ``(conv_kernel - 1, conv_dim)``), one state per
  sequence (prefix caching off, ``mamba_cache_mode`` "none"), the page padded to the attention
  page (``vllm_hybrid_workload``);
- ``llamacpp``: (k - 1)·C in fp32, one recurrent cell per sequence slot, ``n_seq_max`` of them
  (4 under llama-server's defaults; ggml-org/llama.cpp @0054ee8
  ``src/llama-memory-recurrent.cpp``: per layer ``r`` of ``hparams.n_embd_r()`` =
  (d_conv - 1)·C values and ``s`` of ``hparams.n_embd_s()`` (the recurrent state) values, each
  ``mem_size·(1 + n_rs_seq)`` rows, ``mem_size = max(1, n_seq_max)`` and no rollback
  snapshots, ``n_rs_seq`` = 0; ``src/llama-model.cpp`` ``create_memory`` passes type_r = type_s =
  ``GGML_TYPE_F32`` for recurrent and hybrid models).

The recurrent state (SSM or delta-rule matrix) is the same size in every accounting.

State dtypes: ``--kv-dtype X`` stores every state in X. Otherwise the conv state is in the
weight dtype (the reference's activations) and the recurrent state in the dtype the spec pins
(``state_dtype``; transformers 5.23.0 keeps the Mamba2 and gated-delta states in fp32 whatever
the weights: ``mamba2_chunk_scan`` and ``torch_chunk_gated_delta_rule`` compute in float32 and
the cache allocates ``zeros_like`` of the result); vLLM: the weight dtype both (its defaults);
llama.cpp: fp32 both.

Short convolution [FLOPs]: depthwise, k multiply-adds per channel per output.
- decode, useful: 2·C·k (one output). Executed: 2·C·k·2: the reference convolves the k cached
  steps and the new one without padding, which gives two outputs and keeps the last
  (``causal_conv1d_update``: ``F.conv1d(cat([conv_state, x]), padding=0)[..., -1:]``).
- prefill of L, useful: 2·C·k·L. Executed: 2·C·k·(max(L, k) + k - 1): the prompt, padded to k
  steps when shorter (``update_conv_state``), convolved with padding k - 1 on both sides
  (``causal_conv1d_fn``: ``F.conv1d(padding=k - 1)[..., :L]``).

References: transformers 5.23.0 ``cache_utils.py``, ``models/nemotron_h``, ``models/qwen3_next``,
``models/lfm2``; vLLM 0.33.0 ``mamba_utils.py``, ``v1/kv_cache_interface.py`` ``MambaSpec``;
llama.cpp ``src/llama-memory-recurrent.cpp``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from lccost.accounting import vllm_hybrid_block_size
from lccost.conventions import NATIVE_KV, Accounting, number_format
from lccost.ledger import Ledger, Term, ledger, term
from lccost.mechanisms.base import LayerEnv
from lccost.storage import DTypeName
from lccost.workload import Workload

if TYPE_CHECKING:
    from lccost.spec.model import Layer

LLAMACPP_STATE_DTYPE = "fp32"
"""llama.cpp's recurrent cells are fp32 (``type_r``/``type_s`` = ``GGML_TYPE_F32``)."""


def conv_state_steps(conv_kernel: int, accounting: Accounting) -> int:
    """Steps of conv input kept: k under ``reference``, k - 1 elsewhere (module docstring)."""
    return conv_kernel if accounting is Accounting.REFERENCE else conv_kernel - 1


def state_dtype(env: LayerEnv, pinned: DTypeName | None) -> str:
    """The dtype a state is stored in (module docstring): fp32 under llamacpp; the weight dtype
    under vllm (its defaults ``--mamba-cache-dtype auto`` and ``--mamba-ssm-cache-dtype auto``:
    ``MambaStateDtypeCalculator._mamba_state_dtype``, model dtype for both; ``--kv-dtype`` does
    not apply to them); otherwise ``--kv-dtype`` when one is given, else ``pinned`` or the
    weight dtype."""
    workload = env.workload
    if workload.accounting is Accounting.LLAMACPP:
        return LLAMACPP_STATE_DTYPE
    if workload.accounting is Accounting.VLLM:
        return workload.dtype
    if workload.kv_dtype not in (None, NATIVE_KV):
        return workload.effective_kv_dtype
    return pinned or workload.dtype


def state_term(
    env: LayerEnv, name: str, values: str, pinned: DTypeName | None = None, **symbols: int
) -> Term:
    """A state of ``values`` (a product of ``symbols``) values in ``state_dtype``, in whole
    bytes: ``cdiv(values·bits, 8)``, plus ``cdiv(values, g)·sb`` scale bytes for a block-scaled
    format (g values per scale of sb bytes)."""
    fmt = number_format(state_dtype(env, pinned))
    if fmt.scale_block:
        return term(
            name,
            f"cdiv({values}*bits, 8) + cdiv({values}, g)*sb",
            bits=fmt.element_bits,
            g=fmt.scale_block,
            sb=fmt.scale_bytes,
            **symbols,
        )
    return term(name, f"cdiv({values}*bits, 8)", bits=fmt.element_bits, **symbols)


def conv_state_term(
    env: LayerEnv, channels: int, conv_kernel: int, pinned: DTypeName | None = None
) -> Term:
    """The conv state: ``steps·C`` values (``conv_state_steps``), as ``state_term``."""
    steps = conv_state_steps(conv_kernel, env.workload.accounting)
    return state_term(env, "conv_state", "steps*C", pinned, steps=steps, C=channels)


def state_costs(
    env: LayerEnv, states: tuple[Term, ...], attention_token_bytes: int | None
) -> tuple[Ledger, Ledger, Ledger]:
    """(held, read per decode step, written per decode step) for a layer's fixed states.

    Each step reads every state and writes it back whole; after 0 tokens none is held. Under
    ``vllm`` the states of one sequence occupy one page padded to the attention page,
    B x ``attention_token_bytes`` with B the block that ``vllm_hybrid_workload`` raised (vLLM
    0.33.0 ``platforms/interface.py`` ``_align_hybrid_block_size``: ``mamba_page_size_padded =
    attn_page_size``).
    """
    # Nothing is allocated before the first token (transformers initialises the states
    # lazily, vLLM when the request is scheduled): every held term carries s = min(L, 1).
    started = env.per_context(lambda L: min(L, 1))
    moved = ledger(*states)

    def held(factor: str, **extra: int) -> Ledger:
        return Ledger(
            tuple(
                term(t.name, f"s*{factor}({t.formula})", s=started, **extra, **dict(t.symbols))
                for t in states
            )
        )

    if env.workload.accounting is Accounting.LLAMACPP:
        # one recurrent cell per sequence slot (rs_size = max(1, n_seq_max))
        return held("cells*", cells=env.workload.llamacpp.n_seq_max), moved, moved
    if env.workload.accounting is not Accounting.VLLM or attention_token_bytes is None:
        # (vllm without an attention page to pad to: one unpadded state page per sequence,
        # MambaSpec)
        return held(""), moved, moved
    return (
        ledger(term("state_page", "s*B*e", s=started, B=env.block_size(), e=attention_token_bytes)),
        moved,
        moved,
    )


def vllm_hybrid_workload(
    layers: Sequence[Layer], hidden_size: int, workload: Workload
) -> tuple[Workload, int | None]:
    """Under ``vllm``, for a model with fixed-size states beside attention layers: the workload
    with vLLM's hybrid block size, and the attention bytes per token its state pages are padded
    to. Otherwise ``workload`` unchanged and None.

    vLLM 0.33.0 ``platforms/interface.py`` ``_align_hybrid_block_size``: the attention page of
    one token (``attn_page_size_1_token``, the model's attention K/V) and the largest state page
    (``MambaSpec.page_size_bytes``, the states of one sequence) give ``attn_block_size = B x
    cdiv(mamba_page_size, B x attn_page_size_1_token)`` (``lccost.accounting.
    vllm_hybrid_block_size``), which becomes the block size of every attention layer; each
    state page is padded to ``attn_block_size x attn_page_size_1_token``. Qwen3-Next in bf16:
    state 3·8192·2 + 32·128·128·4 = 2,146,304 B, attention 2·2·256·2 = 2,048 B per token, B = 16:
    block 16 x 66 = 1,056 tokens.
    """
    if workload.accounting is not Accounting.VLLM:
        return workload, None
    env = LayerEnv(hidden_size, workload)
    state = max(
        (s for layer in layers if (s := layer.attention.vllm_state_bytes(env)) is not None),
        default=None,
    )
    if state is None:
        return workload, None
    token_bytes = next(
        (b for layer in layers if (b := layer.attention.vllm_page_token_bytes(env)) is not None),
        None,
    )
    if token_bytes is None:
        return workload, None
    block = vllm_hybrid_block_size(state, token_bytes, env.block_size())
    return replace(workload, block_size=block), token_bytes


def conv_flops(channels: int, conv_kernel: int, L: int, executed: bool) -> tuple[Term, Term]:
    """(prefill of L, decode at L) FLOPs of a depthwise causal conv (module docstring)."""
    C, k = channels, conv_kernel
    if executed:
        return (
            term("conv", "2*C*k*(max(L, k)+k-1)*min(L, 1)", C=C, k=k, L=L),
            term("conv", "2*C*k*2", C=C, k=k),
        )
    return term("conv", "2*C*k*L", C=C, k=k, L=L), term("conv", "2*C*k", C=C, k=k)
