"""Gemma 3 multimodal: the text decoder of text_config (gemma3_text); the vision tower noted.

Defaults: transformers 5.23.0 models/gemma3/configuration_gemma3.py, Gemma3Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import MULTIMODAL_IGNORED, build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="gemma3",
    class_name="Gemma3Config",
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
    attribute_map={
        "image_token_id": "image_token_index",
        "boi_token_id": "boi_token_index",
        "eoi_token_id": "eoi_token_index",
    },
    ignored=MULTIMODAL_IGNORED,
    text_model_type="gemma3_text",
    build=build,
)
