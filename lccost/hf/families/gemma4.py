"""Gemma 4 multimodal: the text decoder of text_config (gemma4_text); vision and audio towers
noted.

Defaults: transformers 5.23.0 models/gemma4/configuration_gemma4.py, Gemma4Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="gemma4", class_name="Gemma4Config",
    source="transformers 5.23.0 models/gemma4/configuration_gemma4.py",
    defaults={
        "text_config": None,
        "vision_config": None,
        "audio_config": None,
        "boi_token_id": 255999,
        "eoi_token_id": 258882,
        "image_token_id": 258880,
        "video_token_id": 258884,
        "boa_token_id": 256000,
        "eoa_token_index": 258883,
        "audio_token_id": 258881,
        "tie_word_embeddings": True,
    },
    ignored={
        "mm_tokens_per_image": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "boi_token_index": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "eoi_token_index": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "image_token_index": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "boi_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "eoi_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "image_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "video_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "boa_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "eoa_token_index": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "audio_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "eoa_token_id": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "vision_soft_tokens_per_image": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
        "initializer_range": "a multimodal token id or tower setting; the text decoder's shapes do not depend on it",
    },
    text_model_type="gemma4_text",
    build=build,
)
