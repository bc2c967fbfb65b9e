"""rStar-Math's step and chat tags, added to the tokenizer as SPECIAL tokens (as rStar's released
trainer does), so each is one token; the serving side sends `skip_special_tokens: false` so the
tags survive detokenisation and stop strings on them fire."""

from __future__ import annotations

from typing import Any

# train/train_SFT.py of microsoft/rStar (rStar-math branch), in its order.
STEP_TAGS: tuple[str, ...] = (
    "<code>",
    "<end_of_step>",
    "<end_of_code>",
    "<output>",
    "<end_of_output>",
    "<answer>",
    "<end_of_answer>",
    "<|user|>",
    "<|assistant|>",
    "<refine>",
    "<end_of_refine>",
    "\n<|assistant|>",
    "<error_info>",
    "<end_of_error_info>",
    "<BACK>",
)


def add_step_tags(tokenizer: Any, model: Any | None = None) -> int:
    """Adds the tags missing from `tokenizer` as special tokens (and a pad token = EOS when it
    has none, as rStar does), resizing `model`'s embeddings. Returns how many tokens were added.
    Idempotent: a round's policy tokenizer already has them when the PPM starts from it."""
    added = 0
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    missing = [t for t in STEP_TAGS if t not in tokenizer.get_vocab()]
    if missing:
        added = tokenizer.add_special_tokens(
            {"extra_special_tokens": missing}, replace_extra_special_tokens=False
        )
    if model is not None and model.get_input_embeddings().weight.shape[0] < len(tokenizer):
        model.resize_token_embeddings(len(tokenizer))
    if model is not None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return added
