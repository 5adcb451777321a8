"""One module per ``model_type`` (see ``lccost.hf``'s docstring for how to add one).

``REFUSED``: causal-LM model types of transformers 5.23.0 that need a mechanism lccost does not
model, with the mechanism named (the census and ``import-hf`` print it)."""

from __future__ import annotations

MODEL_TYPE_NAMES: dict[str, str] = {}
"""Module name -> model_type where they differ (a ``-`` in the model type)."""

REFUSED: dict[str, str] = {
    "mamba": "every layer is a Mamba selective-state-space layer",
    "mamba2": "every layer is a Mamba2 state layer",
    "falcon_mamba": "every layer is a Mamba state layer",
    "rwkv": "every layer is an RWKV recurrent (time-mix) layer",
    "xlstm": "every layer is an xLSTM recurrent layer",
    "recurrent_gemma": "its layers include RG-LRU recurrent blocks",
    "bamba": "its layers include Mamba2 state layers",
    "zamba": "its layers include Mamba state layers",
    "zamba2": "its layers include Mamba2 state layers",
    "jamba": "its layers include Mamba state layers",
    "falcon_h1": "its layers run Mamba2 state mixers in parallel with attention",
    "lfm2_moe": "its layers include short-convolution state layers",
    "olmo_hybrid": "its layers include linear-attention state layers",
    **dict.fromkeys(
        (
            "bert",
            "bert-generation",
            "big_bird",
            "camembert",
            "data2vec-text",
            "electra",
            "ernie",
            "megatron-bert",
            "rembert",
            "roberta",
            "roberta-prelayernorm",
            "roc_bert",
            "roformer",
            "xlm-roberta",
            "xlm-roberta-xl",
            "xmod",
            "xlm",
            "xlnet",
        ),
        "a BERT-style encoder run as a decoder (is_decoder); lccost costs decoder-only LMs",
    ),
    **dict.fromkeys(
        (
            "bart",
            "bigbird_pegasus",
            "blenderbot",
            "blenderbot-small",
            "marian",
            "mbart",
            "mvp",
            "pegasus",
            "plbart",
            "prophetnet",
            "trocr",
            "whisper",
            "musicgen",
            "musicgen_melody",
            "moss_transcribe_diarize",
        ),
        "the decoder of an encoder-decoder model (cross-attention to encoder states); "
        "lccost costs decoder-only LMs",
    ),
    "mllama": "its layers include cross-attention to image states",
    "openai-gpt": "transformers' OpenAIGPT keeps no KV cache (every step recomputes the prefix), "
    "while lccost models cached decoding",
    "reformer": "its layers use LSH and local attention with chunked caches",
    "moshi": "a multi-stream audio-text decoder with a depth transformer",
}
