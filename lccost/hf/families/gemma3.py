"""Gemma 3 multimodal: the text decoder of text_config (gemma3_text); the vision tower noted.

Defaults: transformers 5.23.0 models/gemma3/configuration_gemma3.py, Gemma3Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="gemma3", class_name="Gemma3Config",
    source="transformers 5.23.0 models/gemma3/configuration_gemma3.py",
    defaults={
        "text_config": None,
        "vision_config": None,
        "mm_tokens_per_image": 256,
        "boi_token_index": 255999,
        "eoi_token_index": 256000,
        "image_token_index": 262144,
        "tie_word_embeddings": True,
    },
    attribute_map={"image_token_id": "image_token_index", "boi_token_id": "boi_token_index", "eoi_token_id": "eoi_token_index"},
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
    text_model_type="gemma3_text",
    build=build,
)
