"""Running one training stage (SFT or PPM) to its end: resume, train, save, report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .monitor import ProgressCallback
from .recipe import quiet_trainer, resumable_checkpoint


@dataclass
class StageResult:
    planned_steps: int
    final_step: int
    resumed_from_step: int
    rows: int
    truncated: int
    first_loss: float | None
    final_loss: float | None


def run_stage(
    trainer: Any,
    tokenizer: Any,
    out_dir: str,
    progress: ProgressCallback,
    rows: int,
    truncated: int,
) -> StageResult:
    """Trains from the newest complete checkpoint of the stage (if any) and saves the model with
    its tokenizer (rank 0 writes the tokenizer; every rank takes part in saving a sharded model)."""
    quiet_trainer(trainer)
    trainer.train(resume_from_checkpoint=resumable_checkpoint(trainer.args.output_dir))
    trainer.save_model(out_dir)
    if trainer.is_world_process_zero():
        tokenizer.save_pretrained(out_dir)
    losses = [float(e["loss"]) for e in trainer.state.log_history if "loss" in e]
    return StageResult(
        planned_steps=trainer.state.max_steps,
        final_step=trainer.state.global_step,
        resumed_from_step=progress.resumed_from,
        rows=rows,
        truncated=truncated,
        first_loss=losses[0] if losses else None,
        final_loss=losses[-1] if losses else None,
    )
