from __future__ import annotations

import socket
import urllib.request
from types import SimpleNamespace

from rstar_trainer.monitor import Metrics, ProgressCallback, format_duration

GAUGES = [
    "rstar_trainer_loss",
    "rstar_trainer_learning_rate",
    "rstar_trainer_step",
    "rstar_trainer_planned_steps",
    "rstar_trainer_samples_per_second",
    "rstar_trainer_tokens_per_second",
    "rstar_trainer_eta_seconds",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_progress_goes_to_stderr_and_metrics_to_prometheus(capsys):
    metrics = Metrics()
    port = free_port()
    metrics.serve(port, addr="127.0.0.1")
    try:
        cb = ProgressCallback("sft", metrics, samples_per_step=128)
        state = SimpleNamespace(global_step=0, max_steps=10, num_input_tokens_seen=0)
        cb.on_train_begin(None, state, None)
        cb.on_step_begin(None, state, None)
        state.global_step, state.num_input_tokens_seen = 4, 40_000
        cb.on_log(None, state, None, logs={"loss": 1.5, "learning_rate": 7e-6})
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            text = r.read().decode()
    finally:
        metrics.close()
    for name in GAUGES:
        assert f'{name}{{stage="sft"}}' in text, name
    assert 'rstar_trainer_loss{stage="sft"} 1.5' in text
    assert 'rstar_trainer_step{stage="sft"} 4.0' in text
    assert 'rstar_trainer_planned_steps{stage="sft"} 10.0' in text
    assert "rstar_trainer_truncated_pairs_total 0.0" in text
    assert "rstar_trainer_up 1.0" in text
    err = capsys.readouterr()
    assert err.out == ""
    assert "[rstar-train sft] step 4/10 (40%) loss 1.5000" in err.err
    assert "ETA" in err.err


def test_format_duration():
    assert format_duration(5) == "5s"
    assert format_duration(125) == "2m05s"
    assert format_duration(7322) == "2h02m"
