"""`rstar-train round`: one round of rStar-Math training as the fleet's train hook.

The contract (infra/k8s/train-job.yaml): SFT the policy from the BASE model on the round's
sft.jsonl, initialise the PPM from that policy and train it on ppm_pairs.jsonl, write
`<models>/<run>/round-<r>/{policy,ppm}` and then `DONE`, and print the hook result JSON as the
last stdout line. Restartable: DONE present -> print the same line and exit 0 at once; killed
mid-training -> the rerun resumes from the newest complete checkpoint in `.work/`.

Nothing half-written is marked done: each checkpoint is saved to `<name>.partial` and renamed
into place only when complete; a stage's `.work/<stage>.json` marker is written after the
rename, and DONE (itself written to a temp file and renamed) only after both stages.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from .errors import InputError
from .recipe import Recipe
from .store import resolve_dataset


@dataclass
class RoundConfig:
    run: str
    round: int
    sft: str
    pairs: str
    base_model: str
    models_dir: str
    policy_model_name: str
    ppm_model_name: str
    out: str | None
    store_dir: str | None
    metrics_port: int
    sft_recipe: Recipe
    ppm_recipe: Recipe
    quiet: bool = False


def round_dir(cfg: RoundConfig) -> str:
    return os.path.join(cfg.models_dir, cfg.run, f"round-{cfg.round}")


def hook_line(result: dict[str, Any]) -> str:
    return json.dumps(result, separators=(",", ":"))


def say(text: str) -> None:
    print(f"[rstar-train round] {text}", file=sys.stderr, flush=True)


def write_atomic(path: str, text: str) -> None:
    tmp = f"{path}.tmp-{uuid.uuid4().hex[:8]}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def done_result(cfg: RoundConfig) -> dict[str, Any] | None:
    """The hook result recorded in DONE, or None when the round is not done."""
    path = os.path.join(round_dir(cfg), "DONE")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.loads(f.read())


def check_base_model(path: str) -> None:
    if not os.path.isdir(path):
        raise InputError(
            f"base model {path}: no such directory (RSTAR_BASE_MODEL / --base-model must be a "
            "local Hugging Face checkpoint directory)"
        )
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise InputError(f"base model {path}: no config.json (not a Hugging Face checkpoint)")


def check_writable(directory: str) -> None:
    try:
        os.makedirs(directory, exist_ok=True)
        probe = os.path.join(directory, f".write-probe-{uuid.uuid4().hex[:8]}")
        with open(probe, "w", encoding="utf-8") as f:
            f.write("ok")
        os.remove(probe)
    except OSError as err:
        raise InputError(f"models dir {directory}: not writable ({err.strerror})") from err


def validate(cfg: RoundConfig) -> tuple[str, str]:
    """Every check that needs no training: names, paths, recipe arithmetic. Returns the dataset
    files."""
    if cfg.run == "" or "/" in cfg.run or cfg.run in (".", ".."):
        raise InputError(f"run {cfg.run!r}: expected a run id (no '/')")
    if cfg.round < 1:
        raise InputError(f"round {cfg.round}: expected a positive integer")
    for name, value in (("policy", cfg.policy_model_name), ("ppm", cfg.ppm_model_name)):
        if value.strip() == "":
            raise InputError(f"{name} model name: empty")
    from .recipe import world_size

    cfg.sft_recipe.accumulation(world_size())
    cfg.ppm_recipe.accumulation(world_size())
    sft = resolve_dataset(cfg.sft, cfg.store_dir, "SFT dataset (RSTAR_SFT / --sft)")
    pairs = resolve_dataset(cfg.pairs, cfg.store_dir, "PPM pairs (RSTAR_PAIRS / --pairs)")
    check_base_model(cfg.base_model)
    check_writable(round_dir(cfg))
    return sft, pairs


def run_round(cfg: RoundConfig) -> dict[str, Any]:
    """Trains the round (or finds it done) and returns the hook result."""
    done = done_result(cfg)
    if done is not None:
        say(f"{os.path.join(round_dir(cfg), 'DONE')} exists: nothing to do")
        return done
    sft_path, pairs_path = validate(cfg)

    # Heavy imports only when there is work to do (a done round answers in well under a second).
    import datasets

    from accelerate import PartialState

    from .data import load_pairs, load_sft
    from .monitor import Metrics
    from .ppm import train_ppm
    from .sft import train_sft

    datasets.disable_progress_bars()
    state = PartialState()
    base = round_dir(cfg)
    work = os.path.join(base, ".work")
    os.makedirs(work, exist_ok=True)
    sft_rows = load_sft(sft_path, os.path.join(work, "data"))
    pairs, counts = load_pairs(pairs_path, os.path.join(work, "data"))
    if counts.missing_counts:
        say(
            f"warning: {counts.missing_counts} of {len(pairs)} pairs in {pairs_path} have no "
            "pos_count/neg_count; weighted as 1/(1*1)"
        )
    say(
        f"run {cfg.run} round {cfg.round}: {len(sft_rows)} SFT rows, {len(pairs)} pairs; "
        f"base {cfg.base_model}; writing {base}"
    )
    metrics = Metrics()
    if state.is_main_process:
        metrics.serve(cfg.metrics_port)
    report: dict[str, Any] = {"missing_pair_counts": counts.missing_counts}
    try:
        policy_dir = os.path.join(base, "policy")
        report["sft"] = _stage(
            state,
            "sft",
            work,
            policy_dir,
            lambda out, stage_work: train_sft(
                sft_rows, cfg.base_model, out, stage_work, cfg.sft_recipe, metrics, cfg.quiet
            ),
        )
        report["ppm"] = _stage(
            state,
            "ppm",
            work,
            os.path.join(base, "ppm"),
            lambda out, stage_work: train_ppm(
                pairs, policy_dir, out, stage_work, cfg.ppm_recipe, metrics, cfg.quiet
            ),
        )
    finally:
        metrics.close()
    result = {"policy": {"model": cfg.policy_model_name}, "ppm": {"model": cfg.ppm_model_name}}
    if state.is_main_process:
        write_atomic(os.path.join(base, "train-report.json"), json.dumps(report, indent=2) + "\n")
        # Scratch checkpoints and tokenized caches go; the report stays for the operator.
        shutil.rmtree(os.path.join(work, "sft"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "ppm"), ignore_errors=True)
        shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)
        write_atomic(os.path.join(base, "DONE"), hook_line(result) + "\n")
    state.wait_for_everyone()
    return result


def _stage(state: Any, stage: str, work: str, final_dir: str, train: Any) -> dict[str, Any]:
    """Runs one stage unless its marker says it finished; the checkpoint appears at
    `final_dir` only complete (written to `<final_dir>.partial`, then renamed)."""
    marker = os.path.join(work, f"{stage}.json")
    if os.path.isfile(marker) and os.path.isdir(final_dir):
        say(f"{stage}: already trained ({final_dir}); skipping")
        with open(marker, encoding="utf-8") as f:
            return json.load(f)
    partial = f"{final_dir}.partial"
    stage_work = os.path.join(work, stage)
    if state.is_main_process:
        # A previous attempt may have died after writing some files: never serve those.
        shutil.rmtree(final_dir, ignore_errors=True)
        shutil.rmtree(partial, ignore_errors=True)
        os.makedirs(stage_work, exist_ok=True)
    state.wait_for_everyone()
    result = train(partial, stage_work)
    summary = asdict(result)
    if state.is_main_process:
        os.replace(partial, final_dir)
        write_atomic(marker, json.dumps(summary, indent=2) + "\n")
        say(
            f"{stage}: finished at step {result.final_step}/{result.planned_steps}"
            + (
                f" (resumed from step {result.resumed_from_step})"
                if result.resumed_from_step
                else ""
            )
            + f", final loss {result.final_loss}; wrote {final_dir}"
        )
    state.wait_for_everyone()
    return summary
