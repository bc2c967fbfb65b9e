"""`rstar-train`: sft, ppm and round (the fleet's train hook). `--help` on each subcommand."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields
from typing import Any

from .errors import InputError, TrainerError
from .recipe import PPM_DEFAULTS, Recipe

RECIPE_FLAGS: dict[str, tuple[str, type, str]] = {
    # field: (flag, type, help)
    "learning_rate": ("lr", float, "peak learning rate"),
    "epochs": ("epochs", float, "epochs over the dataset"),
    "batch_size": ("batch-size", int, "effective batch (per device x devices x accumulation)"),
    "per_device_batch_size": ("per-device-batch-size", int, "micro-batch per device"),
    "weight_decay": ("weight-decay", float, "AdamW weight decay"),
    "scheduler": ("scheduler", str, "LR schedule (transformers lr_scheduler_type)"),
    "warmup_steps": ("warmup-steps", int, "warmup steps"),
    "max_length": ("max-length", int, "max tokens per sequence"),
    "max_grad_norm": ("max-grad-norm", float, "gradient clipping norm"),
    "seed": ("seed", int, "data order and init seed"),
    "save_steps": ("save-steps", int, "checkpoint every N optimizer steps (resume points)"),
    "save_total_limit": ("save-total-limit", int, "scratch checkpoints kept"),
    "logging_steps": ("logging-steps", int, "progress line and metrics every N steps"),
}
BOOL_FLAGS: dict[str, tuple[str, str]] = {
    "bf16": ("bf16", "bf16 mixed precision (GPUs)"),
    "gradient_checkpointing": ("gradient-checkpointing", "recompute activations (saves memory)"),
}


def add_recipe_args(parser: argparse.ArgumentParser, prefix: str, defaults: Recipe) -> None:
    group = parser.add_argument_group(f"{prefix or 'training'} recipe (rStar-Math's defaults)")
    dash = f"{prefix}-" if prefix else ""
    for name, (flag, kind, text) in RECIPE_FLAGS.items():
        default = getattr(defaults, name)
        group.add_argument(
            f"--{dash}{flag}",
            dest=f"{prefix}_{name}",
            type=kind,
            default=default,
            help=f"{text} (default {default})",
        )
    for name, (flag, text) in BOOL_FLAGS.items():
        group.add_argument(
            f"--{dash}{flag}",
            dest=f"{prefix}_{name}",
            action=argparse.BooleanOptionalAction,
            default=getattr(defaults, name),
            help=f"{text} (default {'on' if getattr(defaults, name) else 'off'})",
        )


def recipe_from(args: argparse.Namespace, prefix: str) -> Recipe:
    values = {f.name: getattr(args, f"{prefix}_{f.name}") for f in fields(Recipe)}
    for name, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise InputError(f"--{prefix + '-' if prefix else ''}{name}: must be >= 0")
    for name in ("batch_size", "per_device_batch_size", "max_length", "save_steps"):
        if values[name] <= 0:
            raise InputError(f"{name.replace('_', '-')}: must be > 0, got {values[name]}")
    return Recipe(**values)


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rstar-train",
        description=(
            "rStar-Math's trainer for rstar-fleet: SFT of the policy, the process preference "
            "model (PPM), and `round`, the fleet's train hook doing both."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sft = sub.add_parser(
        "sft",
        help="fine-tune a policy on sft.jsonl (completion-only loss)",
        description="Fine-tune the policy from a base model on {prompt, completion} rows "
        "(prompt tokens masked, EOS appended, step tags added as special tokens) and save a "
        "CausalLM directory with its tokenizer.",
    )
    sft.add_argument("--data", required=True, help="sft.jsonl ({prompt, completion} per line)")
    sft.add_argument("--base-model", required=True, help="base model directory (HF checkpoint)")
    sft.add_argument("--out", required=True, help="output directory for the policy")
    sft.add_argument("--work-dir", help="scratch checkpoints (default <out>.work)")
    sft.add_argument("--metrics-port", type=int, default=0, help="Prometheus port (0 = off)")
    add_recipe_args(sft, "", Recipe())

    ppm = sub.add_parser(
        "ppm",
        help="train the PPM on ppm_pairs.jsonl from a fine-tuned policy",
        description="Train the process preference model from a policy directory with rStar's "
        "weighted Bradley-Terry loss and save it as a one-label *ForSequenceClassification "
        "checkpoint (raw score, problem_type regression) that vLLM serves as it is.",
    )
    ppm.add_argument(
        "--data",
        required=True,
        help="ppm_pairs.jsonl ({prompt, chosen, rejected, pos_count, neg_count} per line)",
    )
    ppm.add_argument("--policy", required=True, help="the round's fine-tuned policy directory")
    ppm.add_argument("--out", required=True, help="output directory for the PPM")
    ppm.add_argument("--work-dir", help="scratch checkpoints (default <out>.work)")
    ppm.add_argument("--metrics-port", type=int, default=0, help="Prometheus port (0 = off)")
    add_recipe_args(ppm, "", Recipe(**PPM_DEFAULTS))

    rnd = sub.add_parser(
        "round",
        help="the fleet's train hook: SFT then PPM, DONE, the hook result line",
        description="One round as the fleet's train hook (infra/k8s/train-job.yaml). Every "
        "input is a flag or its RSTAR_* variable (the flag wins). Writes "
        "<models-dir>/<run>/round-<round>/{policy,ppm}, then DONE, and prints "
        '{"policy":{"model":...},"ppm":{"model":...}} as the last stdout line. Exits 0 at '
        "once when DONE exists; resumes from its own checkpoints after a kill.",
    )
    rnd.add_argument("--run", default=env("RSTAR_RUN"), help="run id (RSTAR_RUN)")
    rnd.add_argument("--round", default=env("RSTAR_ROUND"), help="round number (RSTAR_ROUND)")
    rnd.add_argument(
        "--sft", default=env("RSTAR_SFT"), help="sft.jsonl path or store key (RSTAR_SFT)"
    )
    rnd.add_argument(
        "--pairs",
        default=env("RSTAR_PAIRS"),
        help="ppm_pairs.jsonl path or store key (RSTAR_PAIRS)",
    )
    rnd.add_argument(
        "--out", default=env("RSTAR_OUT"), help="the round's store dir (RSTAR_OUT; informational)"
    )
    rnd.add_argument(
        "--base-model",
        default=env("RSTAR_BASE_MODEL"),
        help="base model dir (RSTAR_BASE_MODEL); every round fine-tunes the base, as rStar does",
    )
    rnd.add_argument(
        "--models-dir", default=env("RSTAR_MODELS_DIR"), help="checkpoints root (RSTAR_MODELS_DIR)"
    )
    rnd.add_argument(
        "--policy-model-name",
        default=env("RSTAR_POLICY_MODEL_NAME"),
        help="served policy name (RSTAR_POLICY_MODEL_NAME; default rstar-policy-r<round>)",
    )
    rnd.add_argument(
        "--ppm-model-name",
        default=env("RSTAR_PPM_MODEL_NAME"),
        help="served PPM name (RSTAR_PPM_MODEL_NAME; default rstar-ppm-r<round>)",
    )
    rnd.add_argument(
        "--store-dir",
        default=env("RSTAR_STORE_DIR", "/store"),
        help="the dir store's mount, for store keys (RSTAR_STORE_DIR; default /store)",
    )
    rnd.add_argument(
        "--metrics-port",
        type=int,
        default=int(env("RSTAR_METRICS_PORT", "0")),
        help="Prometheus /metrics port, 0 = off (RSTAR_METRICS_PORT; default 0, the Job uses 9410)",
    )
    rnd.add_argument("--quiet", action="store_true", help="no per-step progress lines")
    add_recipe_args(rnd, "sft", Recipe())
    add_recipe_args(rnd, "ppm", Recipe(**PPM_DEFAULTS))
    return parser


def _required(args: argparse.Namespace, names: list[str]) -> None:
    missing = [n for n in names if getattr(args, n) in (None, "")]
    if missing:
        flags = ", ".join(f"--{n.replace('_', '-')} (RSTAR_{n.upper()})" for n in missing)
        raise InputError(f"missing: {flags}")


def _round(args: argparse.Namespace) -> int:
    from .round import RoundConfig, hook_line, run_round

    _required(args, ["run", "round", "sft", "pairs", "base_model", "models_dir"])
    try:
        number = int(args.round)
    except ValueError as err:
        raise InputError(f"--round {args.round!r}: expected an integer") from err
    cfg = RoundConfig(
        run=args.run,
        round=number,
        sft=args.sft,
        pairs=args.pairs,
        base_model=args.base_model,
        models_dir=args.models_dir,
        policy_model_name=args.policy_model_name or f"rstar-policy-r{number}",
        ppm_model_name=args.ppm_model_name or f"rstar-ppm-r{number}",
        out=args.out,
        store_dir=args.store_dir,
        metrics_port=args.metrics_port,
        sft_recipe=recipe_from(args, "sft"),
        ppm_recipe=recipe_from(args, "ppm"),
        quiet=args.quiet,
    )
    result = run_round(cfg)
    from accelerate import PartialState

    if PartialState().is_main_process:
        print(hook_line(result), flush=True)
    return 0


def _stage(args: argparse.Namespace, stage: str) -> int:
    from .data import load_pairs, load_sft
    from .monitor import Metrics
    from .round import check_base_model, check_writable

    recipe = recipe_from(args, "")
    work = args.work_dir or f"{args.out.rstrip('/')}.work"
    check_writable(work)
    metrics = Metrics()
    metrics.serve(args.metrics_port)
    try:
        if stage == "sft":
            from .sft import train_sft

            check_base_model(args.base_model)
            rows = load_sft(args.data, os.path.join(work, "data"))
            result = train_sft(rows, args.base_model, args.out, work, recipe, metrics)
        else:
            from .ppm import train_ppm

            check_base_model(args.policy)
            pairs, _ = load_pairs(args.data, os.path.join(work, "data"))
            result = train_ppm(pairs, args.policy, args.out, work, recipe, metrics)
    finally:
        metrics.close()
    print(json.dumps({"out": args.out, **result.__dict__}, separators=(",", ":")), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "round":
            return _round(args)
        return _stage(args, args.command)
    except TrainerError as err:
        print(f"rstar-train {args.command}: error: {err}", file=sys.stderr, flush=True)
        return err.exit_code


def run() -> Any:
    sys.exit(main())


if __name__ == "__main__":
    run()
