"""Multimodal wrappers (Gemma 3, Gemma 4): the text decoder from ``text_config``, the towers noted.

The reference accounting describes the text decoder (transformers' ``get_text_config()``);
vision and audio towers are not described by a config.json's shapes alone, so they are not
imported: a note says so, and a spec lists them under ``encoders`` to count them.
"""

from __future__ import annotations

from lccost.hf.core import Built, Fields

TOWERS = ("vision_config", "audio_config")

MULTIMODAL_IGNORED: dict[str, str] = dict.fromkeys(
    (
        "mm_tokens_per_image",
        "boi_token_index",
        "eoi_token_index",
        "image_token_index",
        "boi_token_id",
        "eoi_token_id",
        "image_token_id",
        "video_token_id",
        "boa_token_id",
        "eoa_token_index",
        "audio_token_id",
        "eoa_token_id",
        "vision_soft_tokens_per_image",
    ),
    "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
)
"""Wrapper fields of Gemma3Config / Gemma4Config that no text-decoder cost depends on."""


def build_wrapper(f: Fields) -> Built:
    """The text family's build on ``f.text``; tie_word_embeddings from text_config, else the
    wrapper's (both classes default to tied)."""
    from lccost.hf import family

    assert f.text is not None and f.family.text_model_type is not None
    text_family = family(f.family.text_model_type)
    assert text_family is not None
    built = text_family.build(f.text)
    if not f.text.has("tie_word_embeddings") and f.has("tie_word_embeddings"):
        built.top["tie_word_embeddings"] = f.flag("tie_word_embeddings")
    f.mark_used("tie_word_embeddings", *TOWERS)
    towers = [key for key in TOWERS if f.has(key) and f.get(key)]
    if towers:
        verb = "describe" if len(towers) > 1 else "describes"
        built.notes.append(
            f"{' and '.join(towers)} {verb} encoders whose parameters a "
            "config.json does not count: they are not imported (list them under "
            "encoders to include them in params_total)."
        )
    return built
