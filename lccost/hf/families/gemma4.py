"""Gemma 4 multimodal: the text decoder of text_config (gemma4_text); vision and audio towers noted.

Defaults: transformers 5.23.0 models/gemma4/configuration_gemma4.py, Gemma4Config."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.wrapper import MULTIMODAL_IGNORED, build_wrapper


def build(f: Fields) -> Built:
    return build_wrapper(f)


FAMILY = Family(
    model_type="gemma4",
    class_name="Gemma4Config",
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
    ignored=MULTIMODAL_IGNORED,
    text_model_type="gemma4_text",
    build=build,
)
