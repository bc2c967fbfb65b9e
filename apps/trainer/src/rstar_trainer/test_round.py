"""`rstar-train round` as the orchestrator runs it: a separate process, the hook contract."""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from rstar_trainer.conftest import sft_rows, write_jsonl

CLI = os.path.join(os.path.dirname(sys.executable), "rstar-train")
TINY = [
    *(["--sft-batch-size", "4", "--sft-per-device-batch-size", "2", "--sft-lr", "1e-3"]),
    *(["--ppm-batch-size", "4", "--ppm-per-device-batch-size", "2", "--ppm-lr", "1e-3"]),
    "--quiet",
]


def round_args(store: str, models: str, base: str, run: str = "exp-1") -> list[str]:
    return [
        *("round", "--run", run, "--round", "2"),
        *("--sft", os.path.join(store, "sft.jsonl"), "--pairs"),
        os.path.join(store, "ppm_pairs.jsonl"),
        *("--base-model", base, "--models-dir", models),
    ]


def read_json(path: str):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def run_cli(args: list[str], env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize("command", [[], ["sft"], ["ppm"], ["round"]])
def test_help_on_every_subcommand(command):
    out = run_cli([*command, "--help"], timeout=60)
    assert out.returncode == 0, out.stderr
    assert "usage: rstar-train" in out.stdout


def test_round_keeps_the_hook_contract_and_a_rerun_exits_at_once(tiny_base, datasets_dir, tmp_path):
    models = str(tmp_path / "models")
    first = run_cli([*round_args(datasets_dir, models, tiny_base), *TINY])
    assert first.returncode == 0, first.stderr[-3000:]
    line = '{"policy":{"model":"rstar-policy-r2"},"ppm":{"model":"rstar-ppm-r2"}}'
    assert first.stdout.splitlines()[-1] == line
    out = os.path.join(models, "exp-1", "round-2")
    assert sorted(os.listdir(out)) == [".work", "DONE", "policy", "ppm", "train-report.json"]
    report = read_json(os.path.join(out, "train-report.json"))
    assert report["sft"]["final_step"] == report["sft"]["planned_steps"] == 8
    assert report["ppm"]["final_step"] == report["ppm"]["planned_steps"] == 8
    assert not glob.glob(os.path.join(out, ".work", "*", "checkpoints"))  # scratch removed

    started = time.monotonic()
    again = run_cli([*round_args(datasets_dir, models, tiny_base), *TINY])
    assert again.returncode == 0
    assert again.stdout.splitlines()[-1] == line
    assert "DONE exists: nothing to do" in again.stderr
    assert time.monotonic() - started < 20  # no model loaded, no training


def test_inputs_come_from_the_job_environment(tiny_base, datasets_dir, tmp_path):
    models = tmp_path / "models"
    env = {
        "RSTAR_RUN": "exp-env",
        "RSTAR_ROUND": "3",
        "RSTAR_SFT": "runs/x/sft.jsonl",  # a store key, under RSTAR_STORE_DIR
        "RSTAR_PAIRS": os.path.join(datasets_dir, "ppm_pairs.jsonl"),
        "RSTAR_OUT": "/store/runs/exp-env/round-3",
        "RSTAR_BASE_MODEL": tiny_base,
        "RSTAR_MODELS_DIR": str(models),
        "RSTAR_POLICY_MODEL_NAME": "p-r3",
        "RSTAR_PPM_MODEL_NAME": "q-r3",
        "RSTAR_STORE_DIR": str(tmp_path / "store-mount"),
    }
    os.makedirs(tmp_path / "store-mount" / "runs" / "x")
    write_jsonl(str(tmp_path / "store-mount" / "runs" / "x" / "sft.jsonl"), sft_rows(4))
    out = run_cli(["round", *TINY, "--sft-epochs", "1", "--ppm-epochs", "1"], env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.splitlines()[-1] == '{"policy":{"model":"p-r3"},"ppm":{"model":"q-r3"}}'
    assert os.path.isfile(models / "exp-env" / "round-3" / "DONE")


def test_sigkill_mid_training_then_rerun_resumes(tiny_base, tmp_path):
    store = tmp_path / "store"
    os.makedirs(store)
    write_jsonl(str(store / "sft.jsonl"), sft_rows(48))
    write_jsonl(str(store / "ppm_pairs.jsonl"), [json.loads(json.dumps(r)) for r in _pairs()])
    models = str(tmp_path / "models")
    args = [
        *round_args(str(store), models, tiny_base),
        *TINY,
        *(["--sft-save-steps", "1", "--sft-batch-size", "2", "--sft-per-device-batch-size", "2"]),
        *(["--ppm-epochs", "1"]),
    ]
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ckpts = os.path.join(models, "exp-1", "round-2", ".work", "sft", "checkpoints")
    deadline = time.monotonic() + 240
    killed_at = 0
    while time.monotonic() < deadline and proc.poll() is None:
        done = [
            int(p.split("-")[-1])
            for p in glob.glob(os.path.join(ckpts, "checkpoint-*"))
            if os.path.isfile(os.path.join(p, "trainer_state.json"))
        ]
        if done and max(done) >= 3:
            os.kill(proc.pid, signal.SIGKILL)
            killed_at = max(done)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    assert killed_at >= 3, "the first run finished or stalled before a checkpoint"
    assert proc.returncode == -signal.SIGKILL
    out_dir = os.path.join(models, "exp-1", "round-2")
    assert not os.path.exists(os.path.join(out_dir, "DONE"))
    assert not os.path.exists(os.path.join(out_dir, "policy"))  # nothing half-written served

    rerun = run_cli(args)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    report = read_json(os.path.join(out_dir, "train-report.json"))
    planned = report["sft"]["planned_steps"]
    assert planned == 48  # 48 rows / batch 2, 2 epochs
    resumed = report["sft"]["resumed_from_step"]
    assert killed_at <= resumed < planned  # fewer steps left ...
    assert report["sft"]["final_step"] == planned  # ... same final step count
    assert f"resumed from checkpoint at step {resumed}/{planned}" in rerun.stderr
    assert f"sft: finished at step {planned}/{planned} (resumed from step {resumed})" in (
        rerun.stderr
    )
    assert os.path.isfile(os.path.join(out_dir, "DONE"))


def _pairs():
    from rstar_trainer.conftest import pair_rows

    return pair_rows(4)


@pytest.mark.parametrize(
    "case",
    ["malformed", "empty", "no-base-model", "models-dir-unwritable", "no-sft-env"],
)
def test_bad_input_stops_before_training_with_a_clear_message(
    case, tiny_base, datasets_dir, tmp_path
):
    models = str(tmp_path / "models")
    base = tiny_base
    env: dict[str, str] = {}
    if case == "malformed":
        with open(os.path.join(datasets_dir, "sft.jsonl"), "a", encoding="utf-8") as f:
            f.write('{"prompt": "q", "completion": 5}\n')
        expected = f"{datasets_dir}/sft.jsonl:17: field 'completion': expected a string, got int"
    elif case == "empty":
        open(os.path.join(datasets_dir, "ppm_pairs.jsonl"), "w").close()
        expected = "ppm_pairs.jsonl: empty dataset (no rows)"
    elif case == "no-base-model":
        base = str(tmp_path / "missing-model")
        expected = f"base model {base}: no such directory"
    elif case == "models-dir-unwritable":
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        models = str(blocker / "models")  # a path under a regular file: never writable
        expected = f"models dir {models}/exp-1/round-2: not writable"
    else:
        expected = "missing: --sft (RSTAR_SFT)"
    args = round_args(datasets_dir, models, base)
    if case == "no-sft-env":
        i = args.index("--sft")
        del args[i : i + 2]
        env = {"RSTAR_SFT": ""}
    out = run_cli([*args, *TINY], env=env, timeout=120)
    assert out.returncode == 2, out.stderr[-2000:]
    assert expected in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("rstar-train round: error:")
    assert "Traceback" not in out.stderr
    assert "step 1/" not in out.stderr  # nothing trained
    assert not glob.glob(os.path.join(str(tmp_path), "**", "DONE"), recursive=True)
    assert not glob.glob(os.path.join(str(tmp_path), "**", "policy"), recursive=True)


def test_sft_then_ppm_as_separate_commands(tiny_base, datasets_dir, tmp_path):
    small = ["--batch-size", "4", "--per-device-batch-size", "2", "--epochs", "1", "--lr", "1e-3"]
    policy, ppm = str(tmp_path / "policy"), str(tmp_path / "ppm")
    sft = run_cli(
        ["sft", "--data", f"{datasets_dir}/sft.jsonl", "--base-model", tiny_base, "--out", policy]
        + small
    )
    assert sft.returncode == 0, sft.stderr[-2000:]
    assert json.loads(sft.stdout.splitlines()[-1])["final_step"] == 4
    out = run_cli(
        ["ppm", "--data", f"{datasets_dir}/ppm_pairs.jsonl", "--policy", policy, "--out", ppm]
        + small
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.splitlines()[-1])["rows"] == 16
    config = read_json(os.path.join(ppm, "config.json"))
    assert config["architectures"] == ["Qwen2ForSequenceClassification"]
