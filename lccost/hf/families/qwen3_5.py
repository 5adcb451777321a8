"""Qwen3.5 multimodal: the text decoder of text_config (qwen3_5_text); the vision tower noted.

Defaults: transformers 5.23.0 models/qwen3_5/configuration_qwen3_5.py, Qwen3_5Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import MULTIMODAL_IGNORED, build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="qwen3_5",
    class_name="Qwen3_5Config",
    source="transformers 5.23.0 models/qwen3_5/configuration_qwen3_5.py",
    defaults={
        "text_config": None,
        "vision_config": None,
        "image_token_id": 248056,
        "video_token_id": 248057,
        "vision_start_token_id": 248053,
        "vision_end_token_id": 248054,
        "tie_word_embeddings": False,
    },
    ignored={
        **MULTIMODAL_IGNORED,
        **dict.fromkeys(
            ("vision_start_token_id", "vision_end_token_id"),
            "a multimodal token id; the text decoder's shapes do not depend on it",
        ),
    },
    text_model_type="qwen3_5_text",
    build=build,
)
