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
- ``vllm``: (k - 1)·C (vLLM 0.33.0 ``model_executor/layers/mamba/mamba_utils.py``
  ``MambaStateShapeCalculator``: conv state ``(conv_kernel - 1, conv_dim)``), one state per
  sequence, the page padded to the attention page (``lccost.accounting.vllm_hybrid_block_size``
  and ``StateLayerVllm``);
- ``llamacpp``: (k - 1)·C in fp32, one recurrent cell per sequence (ggml-org/llama.cpp
  ``src/llama-memory-recurrent.cpp``: ``r_l`` of ``hparams.n_embd_r()`` = (d_conv - 1)·C and
  ``s_l`` of ``hparams.n_embd_s()`` per cell, ``mem_size = max(1, n_seq_max)``, type_r = type_s
  = ``GGML_TYPE_F32`` as ``llama_model::create_memory`` passes them).

The recurrent state (SSM or delta-rule matrix) is the same size in every accounting.

State dtypes: ``--kv-dtype X`` stores every state in X. Otherwise the conv state is in the
weight dtype (the reference's activations) and the recurrent state in the dtype the spec pins
(``state_dtype``; transformers 5.23.0 keeps the Mamba2 and gated-delta states in fp32 whatever
the weights: ``mamba2_chunk_scan`` and ``torch_chunk_gated_delta_rule`` compute in float32 and
the cache allocates ``zeros_like`` of the result); llama.cpp: fp32 both.

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

from lccost.accounting import vllm_hybrid_block_size
from lccost.conventions import NATIVE_KV, Accounting, number_format
from lccost.errors import LccostError
from lccost.ledger import Ledger, Term, ledger, term
from lccost.mechanisms.base import LayerEnv
from lccost.mechanisms.storage import DTypeName

LLAMACPP_STATE_DTYPE = "fp32"
"""llama.cpp's recurrent cells are fp32 (``type_r``/``type_s`` = ``GGML_TYPE_F32``)."""


def conv_state_steps(conv_kernel: int, accounting: Accounting) -> int:
    """Steps of conv input kept: k under ``reference``, k - 1 elsewhere (module docstring)."""
    return conv_kernel if accounting is Accounting.REFERENCE else conv_kernel - 1


def state_dtype(env: LayerEnv, pinned: DTypeName | None) -> str:
    """The dtype a state is stored in: ``--kv-dtype`` when one is given, fp32 under llamacpp,
    else ``pinned`` (the spec's dtype for this state) or the weight dtype."""
    workload = env.workload
    if workload.accounting is Accounting.LLAMACPP:
        return LLAMACPP_STATE_DTYPE
    if workload.kv_dtype not in (None, NATIVE_KV):
        return workload.effective_kv_dtype
    return pinned or workload.dtype


def state_term(env: LayerEnv, name: str, values: str, pinned: DTypeName | None = None,
               **symbols: int) -> Term:
    """A state of ``values`` (a product of ``symbols``) values in ``state_dtype``, in whole
    bytes: ``cdiv(values·bits, 8)``, plus ``cdiv(values, g)·sb`` scale bytes for a block-scaled
    format (g values per scale of sb bytes)."""
    fmt = number_format(state_dtype(env, pinned))
    if fmt.scale_block:
        return term(name, f"cdiv({values}*bits, 8) + cdiv({values}, g)*sb", bits=fmt.element_bits,
                    g=fmt.scale_block, sb=fmt.scale_bytes, **symbols)
    return term(name, f"cdiv({values}*bits, 8)", bits=fmt.element_bits, **symbols)


def conv_state_term(env: LayerEnv, channels: int, conv_kernel: int,
                    pinned: DTypeName | None = None) -> Term:
    """The conv state: ``steps·C`` values (``conv_state_steps``), as ``state_term``."""
    steps = conv_state_steps(conv_kernel, env.workload.accounting)
    return state_term(env, "conv_state", "steps*C", pinned, steps=steps, C=channels)


def state_costs(env: LayerEnv, states: tuple[Term, ...], attention_token_bytes: int | None
                ) -> tuple[Ledger, Ledger, Ledger]:
    """(held, read per decode step, written per decode step) for a layer's fixed states.

    Each step reads every state and writes it back whole. Under ``vllm`` the states of one
    sequence occupy one page padded to the attention page of the model's attention layers
    (``attention_token_bytes`` per token: vLLM 0.33.0 ``platforms/interface.py``
    ``_align_hybrid_block_size``, ``mamba_page_size_padded = attn_page_size``); held is that
    page. A model without attention layers keeps the unpadded page.
    """
    moved = ledger(*states)
    if env.workload.accounting is not Accounting.VLLM:
        return moved, moved, moved
    if attention_token_bytes is None:
        raise LccostError(
            "--accounting vllm: a model whose fixed-size states are not padded to an attention "
            "page (no attention layer) is not modelled; use reference, full-context or llamacpp")
    total = sum(t.value for t in states)
    block = vllm_hybrid_block_size(total, attention_token_bytes, env.block_size())
    return ledger(term("state_page", "B*e", B=block, e=attention_token_bytes)), moved, moved


def conv_flops(channels: int, conv_kernel: int, L: int, executed: bool) -> tuple[Term, Term]:
    """(prefill of L, decode at L) FLOPs of a depthwise causal conv (module docstring)."""
    C, k = channels, conv_kernel
    if executed:
        return (term("conv", "2*C*k*(max(L, k)+k-1)*min(L, 1)", C=C, k=k, L=L),
                term("conv", "2*C*k*2", C=C, k=k))
    return term("conv", "2*C*k*L", C=C, k=k, L=L), term("conv", "2*C*k", C=C, k=k)
