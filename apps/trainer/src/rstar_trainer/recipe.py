"""The training recipe (rStar-Math's defaults, each a CLI flag) and the shared Trainer setup:
scratch checkpoints for resume, the effective batch via gradient accumulation."""

from __future__ import annotations

import glob
import os
import re
import shutil
from dataclasses import dataclass

from .errors import InputError


@dataclass
class Recipe:
    """Hyper-parameters of one stage. Defaults: rStar-Math's SFT recipe (README launch script
    and paper: LR 7e-6, 2 epochs, effective batch 128, weight decay 0.1, linear, no warmup,
    4096 tokens). The PPM uses the same defaults except the batch (rStar: 512) and 2048 tokens."""

    learning_rate: float = 7e-6
    epochs: float = 2.0
    batch_size: int = 128  # effective: per device x devices x accumulation
    per_device_batch_size: int = 4
    weight_decay: float = 0.1
    scheduler: str = "linear"
    warmup_steps: int = 0
    max_length: int = 4096
    max_grad_norm: float = 1.0
    seed: int = 42
    save_steps: int = 100
    save_total_limit: int = 2
    logging_steps: int = 1
    bf16: bool = False
    gradient_checkpointing: bool = False

    def accumulation(self, world_size: int) -> int:
        per_step = self.per_device_batch_size * world_size
        if self.batch_size % per_step != 0:
            raise InputError(
                f"--batch-size {self.batch_size} is not a multiple of --per-device-batch-size "
                f"{self.per_device_batch_size} x {world_size} device(s)"
            )
        return self.batch_size // per_step


PPM_DEFAULTS = {"batch_size": 512, "per_device_batch_size": 16, "max_length": 2048}


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def training_arguments(recipe: Recipe, output_dir: str):
    """transformers TrainingArguments for `recipe`, checkpoints every `save_steps` in
    `output_dir` (the stage's scratch dir, never the served checkpoint dir)."""
    import torch
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=output_dir,
        per_device_train_batch_size=recipe.per_device_batch_size,
        gradient_accumulation_steps=recipe.accumulation(world_size()),
        learning_rate=recipe.learning_rate,
        weight_decay=recipe.weight_decay,
        num_train_epochs=recipe.epochs,
        lr_scheduler_type=recipe.scheduler,
        warmup_steps=recipe.warmup_steps,
        max_grad_norm=recipe.max_grad_norm,
        seed=recipe.seed,
        data_seed=recipe.seed,
        save_strategy="steps",
        save_steps=recipe.save_steps,
        save_total_limit=recipe.save_total_limit,
        logging_strategy="steps",
        logging_steps=recipe.logging_steps,
        report_to="none",
        disable_tqdm=True,
        remove_unused_columns=False,
        include_num_input_tokens_seen="non_padding",
        bf16=recipe.bf16,
        activation_checkpointing=recipe.gradient_checkpointing,
        dataloader_pin_memory=torch.cuda.is_available(),
        dataloader_num_workers=0,
        save_only_model=False,
    )


_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def resumable_checkpoint(output_dir: str) -> str | None:
    """The newest complete `checkpoint-N` in `output_dir` (trainer_state.json is written last by
    the Trainer), after removing incomplete ones a SIGKILL mid-save left behind."""
    found: list[tuple[int, str]] = []
    for path in glob.glob(os.path.join(output_dir, "checkpoint-*")):
        match = _CHECKPOINT.match(os.path.basename(path))
        if match is None or not os.path.isdir(path):
            continue
        if os.path.isfile(os.path.join(path, "trainer_state.json")):
            found.append((int(match.group(1)), path))
        else:
            shutil.rmtree(path, ignore_errors=True)
    return max(found)[1] if found else None


def quiet_trainer(trainer):
    """Drops the Trainer's stdout printer: stdout carries only the result line (ours go to
    stderr through ProgressCallback)."""
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    return trainer
