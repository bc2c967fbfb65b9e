"""SFT of the policy: completion-only loss on `{prompt, completion}` rows, EOS appended.

Tokenisation follows rStar's train_SFT.py: prompt+completion+EOS encoded as one string, the
prompt's token prefix masked (labels -100), right-truncated at `max_length` (except a prompt
that alone fills the window: it loses its oldest tokens so half the window is completion).
Step tags are special tokens (see tags.py), so each is exactly one token.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import torch

from .monitor import Metrics, ProgressCallback
from .recipe import Recipe, training_arguments, world_size
from .stage import StageResult, run_stage
from .tags import add_step_tags

IGNORE = -100


def common_prefix(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def tokenize_sft_batch(tokenizer: Any, max_length: int):
    """A `datasets.map(batched=True)` function: input_ids and labels (prompt masked)."""
    eos = tokenizer.eos_token or ""

    def fn(batch: dict[str, list[str]]) -> dict[str, list[Any]]:
        prompts = batch["prompt"]
        fulls = [p + c + eos for p, c in zip(prompts, batch["completion"], strict=True)]
        prompt_ids = tokenizer(prompts, add_special_tokens=False)["input_ids"]
        full_ids = tokenizer(fulls, add_special_tokens=False)["input_ids"]
        out_ids: list[list[int]] = []
        out_labels: list[list[int]] = []
        truncated: list[bool] = []
        for p, f in zip(prompt_ids, full_ids, strict=True):
            # Normally the prompt's tokens are a prefix of the whole; where a merge crosses the
            # boundary, mask only the shared prefix (the boundary token is then learned).
            masked = len(p) if f[: len(p)] == p else common_prefix(p, f)
            labels = [IGNORE] * masked + f[masked:]
            truncated.append(len(f) > max_length)
            if masked >= max_length - 1:
                # A prompt that fills the window would leave no completion token (a NaN loss
                # for an all-masked batch): cut it from the start instead, keeping the first
                # half-window of the completion.
                keep = min(len(f) - masked, max(1, max_length // 2))
                start = masked + keep - max_length
                f, labels = f[start : masked + keep], labels[start : masked + keep]
            out_ids.append(f[:max_length])
            out_labels.append(labels[:max_length])
        return {"input_ids": out_ids, "labels": out_labels, "truncated": truncated}

    return fn


@dataclass
class PadCollator:
    """Right padding; padded labels are -100 and the attention mask marks real tokens."""

    pad_token_id: int

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        width = max(len(r["input_ids"]) for r in rows)
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            n = len(r["input_ids"])
            ids[i, :n] = torch.tensor(r["input_ids"])
            labels[i, :n] = torch.tensor(r["labels"])
            mask[i, :n] = 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def load_tokenizer_and_causal_lm(path: str, bf16: bool):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    dtype = torch.bfloat16 if bf16 else torch.float32
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
    return tokenizer, model


def train_sft(
    dataset: Any,
    base_model: str,
    out_dir: str,
    work_dir: str,
    recipe: Recipe,
    metrics: Metrics,
    quiet: bool = False,
) -> StageResult:
    """Fine-tunes `base_model` on `dataset` (prompt, completion) and saves the policy (a CausalLM
    dir with its tokenizer) to `out_dir`. Checkpoints go to `work_dir`; an existing one resumes."""
    from transformers import Trainer

    tokenizer, model = load_tokenizer_and_causal_lm(base_model, recipe.bf16)
    add_step_tags(tokenizer, model)
    tokenized = dataset.map(
        tokenize_sft_batch(tokenizer, recipe.max_length),
        batched=True,
        remove_columns=dataset.column_names,
        cache_file_name=os.path.join(work_dir, "sft-tokenized.arrow"),
        desc="tokenizing SFT rows",
    )
    truncated = int(sum(tokenized["truncated"]))
    if truncated:
        print(
            f"[rstar-train sft] {truncated} of {len(tokenized)} rows were longer than "
            f"--max-length {recipe.max_length} and were right-truncated",
            file=sys.stderr,
            flush=True,
        )
    tokenized = tokenized.remove_columns(["truncated"])
    args = training_arguments(recipe, os.path.join(work_dir, "checkpoints"))
    per_step = recipe.per_device_batch_size * world_size() * args.gradient_accumulation_steps
    progress = ProgressCallback("sft", metrics, per_step, quiet)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=tokenized,
        data_collator=PadCollator(tokenizer.pad_token_id),
        processing_class=tokenizer,
        callbacks=[progress],
    )
    return run_stage(trainer, tokenizer, out_dir, progress, len(tokenized), truncated)
