"""GPU check (optional): SFT and PPM on a small locally built Qwen2 in bf16 on one GPU.

    python -m rstar_trainer.testing.gpu_check OUT_DIR [--steps 300]

Builds a small base model (hidden 512, 8 layers) and a synthetic dataset, runs `train_sft` and
`train_ppm` for about `--steps` optimizer steps each with bf16, and prints one JSON line with
samples/s, tokens/s and peak GPU memory per stage (the numbers in apps/trainer/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rstar_trainer.testing.gpu_check")
    parser.add_argument("out_dir")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--layers", type=int, default=8)
    args = parser.parse_args(argv)

    import torch

    from rstar_trainer.conftest import pair_rows, sft_rows, write_jsonl
    from rstar_trainer.data import load_pairs, load_sft
    from rstar_trainer.monitor import Metrics
    from rstar_trainer.ppm import train_ppm
    from rstar_trainer.recipe import Recipe
    from rstar_trainer.sft import train_sft
    from rstar_trainer.testing.tiny_model import write_tiny_base

    assert torch.cuda.is_available(), "no CUDA device"
    out = args.out_dir
    os.makedirs(out, exist_ok=True)
    base = write_tiny_base(os.path.join(out, "base"), hidden=args.hidden, layers=args.layers)
    batch = 16
    rows = args.steps * batch // 2  # 2 epochs
    sft = load_sft(write_jsonl(os.path.join(out, "sft.jsonl"), sft_rows(rows)), out + "/c1")
    pairs, _ = load_pairs(
        write_jsonl(os.path.join(out, "pairs.jsonl"), pair_rows(rows)), out + "/c2"
    )
    report: dict = {
        "gpu": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "model": f"Qwen2 hidden {args.hidden}, {args.layers} layers",
    }
    for stage in ("sft", "ppm"):
        recipe = Recipe(
            learning_rate=1e-4,
            epochs=2,
            batch_size=batch,
            per_device_batch_size=batch,
            bf16=True,
            save_steps=100,
            logging_steps=50,
        )
        torch.cuda.reset_peak_memory_stats()
        started = time.monotonic()
        if stage == "sft":
            result = train_sft(sft, base, f"{out}/policy", f"{out}/w-sft", recipe, Metrics())
        else:
            result = train_ppm(
                pairs, f"{out}/policy", f"{out}/ppm", f"{out}/w-ppm", recipe, Metrics()
            )
        seconds = time.monotonic() - started
        report[stage] = {
            "steps": result.final_step,
            "rows": result.rows,
            "seconds": round(seconds, 1),
            "samples_per_second": round(result.final_step * batch / seconds, 1),
            "peak_gpu_memory_mib": round(torch.cuda.max_memory_allocated() / 2**20),
            "first_loss": result.first_loss,
            "final_loss": result.final_loss,
        }
    print(json.dumps(report), flush=True)
    with open(os.path.join(out, "gpu-check.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
