"""Llama 4 multimodal: the text decoder of text_config (llama4_text); the vision tower noted.

Defaults: transformers 5.23.0 models/llama4/configuration_llama4.py, Llama4Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import MULTIMODAL_IGNORED, build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="llama4",
    class_name="Llama4Config",
    source="transformers 5.23.0 models/llama4/configuration_llama4.py",
    defaults={
        "vision_config": None,
        "text_config": None,
        "boi_token_index": 200080,
        "eoi_token_index": 200081,
        "image_token_index": 200092,
        "tie_word_embeddings": False,
    },
    attribute_map={
        "image_token_id": "image_token_index",
        "boi_token_id": "boi_token_index",
        "eoi_token_id": "eoi_token_index",
    },
    ignored=MULTIMODAL_IGNORED,
    text_model_type="llama4_text",
    build=build,
)
