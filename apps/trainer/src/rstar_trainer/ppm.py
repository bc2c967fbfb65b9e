"""The process preference model (PPM): rStar-Math's pairwise Bradley-Terry training.

The model IS the served checkpoint: `AutoModelForSequenceClassification(num_labels=1)` built
from this round's SFT policy (decoder weights kept, `lm_head` dropped, a new bias-free `score`
head), with `problem_type: "regression"` so vLLM and transformers return the raw score. The
score is read at the last non-pad token (right padding), as rStar's `rm.py` reads it and as
vLLM's LAST pooling does; training applies rStar's dropout 0.1 before the head.

Loss (rStar `train/rm.py`): for each pair, -log sigmoid(r_chosen - r_rejected) x w, where
w = 1/(pos_count x neg_count), or 1/(pos_count + neg_count) when either count is 0; SUMMED over
the micro-batch (not averaged), then divided by the gradient-accumulation steps as the
Trainer does for rStar. No tanh in training (the fleet applies tanh(x/5) at inference), no
margin (the rows' `margin` column is ignored), no EOS appended.

Truncation (never a silent drop): prompt and response are encoded separately (as rStar does)
and concatenated. When prompt+response exceeds `max_length`, tokens are removed from the START
of the prompt, keeping the newest `max_length` tokens, because the score is read at the end;
a response alone longer than `max_length` keeps its last `max_length` tokens. A pair with
either side cut counts once in `truncated pairs` (stderr, train-report.json and the
`rstar_trainer_truncated_pairs_total` counter).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from .monitor import Metrics, ProgressCallback
from .recipe import Recipe, training_arguments, world_size
from .stage import StageResult, run_stage
from .tags import add_step_tags

HEAD_DROPOUT = 0.1


def pair_weights(pos_count: torch.Tensor, neg_count: torch.Tensor) -> torch.Tensor:
    """rStar's per-pair factor: 1/(pos·neg), or 1/(pos+neg) when either is 0."""
    pos = pos_count.to(torch.float64)
    neg = neg_count.to(torch.float64)
    product = pos * neg
    total = (pos + neg).clamp(min=1.0)
    return torch.where(product > 0, 1.0 / product.clamp(min=1.0), 1.0 / total)


def rstar_pair_loss(
    chosen: torch.Tensor, rejected: torch.Tensor, pos_count: torch.Tensor, neg_count: torch.Tensor
) -> torch.Tensor:
    """Σ_i -log σ(r_c,i - r_r,i) · w_i over the batch (rStar's summed, weighted BT loss)."""
    w = pair_weights(pos_count, neg_count).to(chosen.dtype)
    return (-F.logsigmoid(chosen - rejected) * w).sum()


def fit_pair(prompt: list[int], response: list[int], max_length: int) -> tuple[list[int], bool]:
    """prompt+response cut to `max_length` by the rule in the module docstring."""
    if len(prompt) + len(response) <= max_length:
        return prompt + response, False
    if len(response) >= max_length:
        return response[len(response) - max_length :], True
    keep = max_length - len(response)
    return prompt[len(prompt) - keep :] + response, True


def tokenize_pairs_batch(tokenizer: Any, max_length: int):
    def enc(texts: list[str]) -> list[list[int]]:
        return tokenizer(texts, add_special_tokens=False)["input_ids"]

    def fn(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        prompts, chosen, rejected = (
            enc(batch["prompt"]),
            enc(batch["chosen"]),
            enc(batch["rejected"]),
        )
        out: dict[str, list[Any]] = {"chosen_ids": [], "rejected_ids": [], "truncated": []}
        for p, c, r in zip(prompts, chosen, rejected, strict=True):
            c_ids, c_cut = fit_pair(p, c, max_length)
            r_ids, r_cut = fit_pair(p, r, max_length)
            out["chosen_ids"].append(c_ids)
            out["rejected_ids"].append(r_ids)
            out["truncated"].append(c_cut or r_cut)
        out["pos_count"] = list(batch["pos_count"])
        out["neg_count"] = list(batch["neg_count"])
        return out

    return fn


@dataclass
class PairCollator:
    """Chosen rows then rejected rows in one right-padded batch, with the pair counts."""

    pad_token_id: int

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        seqs = [r["chosen_ids"] for r in rows] + [r["rejected_ids"] for r in rows]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        return {
            "input_ids": ids,
            "attention_mask": mask,
            "pos_count": torch.tensor([r["pos_count"] for r in rows], dtype=torch.long),
            "neg_count": torch.tensor([r["neg_count"] for r in rows], dtype=torch.long),
        }


def score_sequences(
    model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, dropout: float = 0.0
) -> torch.Tensor:
    """The PPM score of each row: the `score` head on the final hidden state (after the final
    norm) at the last non-pad position (attention_mask.sum - 1; right padding)."""
    backbone = getattr(model, model.base_model_prefix)
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    last = attention_mask.sum(dim=-1) - 1
    h = hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
    if dropout > 0:
        h = F.dropout(h, p=dropout, training=model.training)
    return model.score(h.to(model.score.weight.dtype)).squeeze(-1).float()


def make_pairwise_trainer_class():
    from transformers import Trainer

    class PairwiseTrainer(Trainer):
        """HF Trainer with rStar's loss; the Trainer divides it by the accumulation steps."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Our loss is a per-micro-batch sum that the Trainer must scale by 1/GA (as the
            # transformers version rStar used did), whatever the model's forward signature says.
            self.model_accepts_loss_kwargs = False
            self.loss_is_scaled_for_ga = False

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            scores = score_sequences(
                model, inputs["input_ids"], inputs["attention_mask"], dropout=HEAD_DROPOUT
            )
            n = inputs["pos_count"].shape[0]
            loss = rstar_pair_loss(scores[:n], scores[n:], inputs["pos_count"], inputs["neg_count"])
            return (loss, {"scores": scores}) if return_outputs else loss

    return PairwiseTrainer


def load_ppm_from_policy(policy_dir: str, bf16: bool):
    """The PPM to train: the policy's decoder with a new one-label regression `score` head."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(policy_dir)
    model = AutoModelForSequenceClassification.from_pretrained(
        policy_dir,
        num_labels=1,
        problem_type="regression",
        dtype=torch.bfloat16 if bf16 else torch.float32,
    )
    # The head in fp32 as rStar keeps it (and as vLLM evaluates pooling heads).
    model.score.to(torch.float32)
    # A no-op for this round's policy (it has the tags); a base model gets them here.
    add_step_tags(tokenizer, model)
    model.config.id2label = {0: "score"}
    model.config.label2id = {"score": 0}
    return tokenizer, model


def tokenize_pairs(dataset: Any, tokenizer: Any, max_length: int, cache_file: str | None):
    kwargs: dict[str, Any] = {} if cache_file is None else {"cache_file_name": cache_file}
    return dataset.map(
        tokenize_pairs_batch(tokenizer, max_length),
        batched=True,
        remove_columns=dataset.column_names,
        desc="tokenizing PPM pairs",
        **kwargs,
    )


def train_ppm(
    dataset: Any,
    policy_dir: str,
    out_dir: str,
    work_dir: str,
    recipe: Recipe,
    metrics: Metrics,
    quiet: bool = False,
    keep: dict[str, Any] | None = None,
) -> StageResult:
    """Trains the PPM from `policy_dir` on `dataset` and saves the one-label
    `*ForSequenceClassification` checkpoint vLLM serves as it is to `out_dir`."""
    tokenizer, model = load_ppm_from_policy(policy_dir, recipe.bf16)
    tokenized = tokenize_pairs(
        dataset, tokenizer, recipe.max_length, os.path.join(work_dir, "ppm-tokenized.arrow")
    )
    truncated = int(sum(tokenized["truncated"]))
    metrics.truncated_pairs.inc(truncated)
    if truncated:
        print(
            f"[rstar-train ppm] {truncated} of {len(tokenized)} pairs were longer than "
            f"--max-length {recipe.max_length}: prompt tokens were cut from the start "
            "(the newest tokens kept); none was dropped",
            file=sys.stderr,
            flush=True,
        )
    tokenized = tokenized.remove_columns(["truncated"])
    args = training_arguments(recipe, os.path.join(work_dir, "checkpoints"))
    per_step = recipe.per_device_batch_size * world_size() * args.gradient_accumulation_steps
    progress = ProgressCallback("ppm", metrics, per_step, quiet)
    trainer = make_pairwise_trainer_class()(
        model=model,
        args=args,
        train_dataset=tokenized,
        data_collator=PairCollator(tokenizer.pad_token_id),
        processing_class=tokenizer,
        callbacks=[progress],
    )
    result = run_stage(trainer, tokenizer, out_dir, progress, len(tokenized), truncated)
    if keep is not None:  # tests compare the trained head with the saved checkpoint
        keep["model"] = trainer.model
        keep["tokenizer"] = tokenizer
    return result
