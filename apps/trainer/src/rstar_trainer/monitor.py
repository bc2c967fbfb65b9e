"""Progress with ETA on stderr and the Prometheus gauges, fed by a transformers TrainerCallback.

Metric names are a contract with the Helm chart and the Grafana dashboard (see README):
gauges labelled `stage` ("sft" | "ppm"), the truncation counter and `rstar_trainer_up`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server
from transformers import TrainerCallback


class Metrics:
    """The trainer's Prometheus metrics in their own registry (one per process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()

        def gauge(name: str, doc: str) -> Gauge:
            return Gauge(name, doc, ["stage"], registry=self.registry)

        self.loss = gauge("rstar_trainer_loss", "Training loss of the last logged step")
        self.learning_rate = gauge("rstar_trainer_learning_rate", "Learning rate now")
        self.step = gauge("rstar_trainer_step", "Optimizer steps done")
        self.planned_steps = gauge("rstar_trainer_planned_steps", "Optimizer steps planned")
        self.samples_per_second = gauge(
            "rstar_trainer_samples_per_second", "Training samples per second (this process)"
        )
        self.tokens_per_second = gauge(
            "rstar_trainer_tokens_per_second", "Non-padding tokens per second (this process)"
        )
        self.eta_seconds = gauge("rstar_trainer_eta_seconds", "Estimated seconds left in stage")
        self.truncated_pairs = Counter(
            "rstar_trainer_truncated_pairs",
            "PPM pairs whose chosen or rejected side was truncated to max length",
            registry=self.registry,
        )
        self.up = Gauge("rstar_trainer_up", "1 while the trainer runs", registry=self.registry)
        self._server: Any = None

    def serve(self, port: int, addr: str = "0.0.0.0") -> None:
        """Serves /metrics on `port` (0 = off) until the process exits."""
        if port > 0:
            self._server = start_http_server(port, addr=addr, registry=self.registry)
        self.up.set(1)

    def close(self) -> None:
        self.up.set(0)
        if self._server is not None:
            server, thread = self._server
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
            self._server = None


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class ProgressCallback(TrainerCallback):
    """One stderr line per logged step: step/planned, loss, LR, samples/s, tokens/s, ETA; the
    same numbers on the gauges. Rates and ETA count only the steps this process ran (after a
    resume the restored steps do not inflate them)."""

    def __init__(self, stage: str, metrics: Metrics, samples_per_step: int, quiet: bool = False):
        self.stage = stage
        self.metrics = metrics
        self.samples_per_step = samples_per_step
        self.quiet = quiet
        self.start_step = 0
        self.start_time = 0.0
        self.start_tokens = 0
        self.resumed_from = 0

    def on_train_begin(self, args, state, control, **kwargs):
        self.metrics.planned_steps.labels(self.stage).set(state.max_steps)
        self.start_time = time.monotonic()
        self.start_step = -1  # set at the first step end (after a resume, the restored step)
        return control

    def on_step_begin(self, args, state, control, **kwargs):
        if self.start_step < 0:
            self.start_step = state.global_step
            self.resumed_from = state.global_step
            self.start_tokens = state.num_input_tokens_seen
            self.start_time = time.monotonic()
            self.metrics.step.labels(self.stage).set(state.global_step)
            if state.global_step > 0:
                self._say(
                    always=True,
                    text=f"resumed from checkpoint at step {state.global_step}/{state.max_steps}"
                    f" ({state.max_steps - state.global_step} steps left)",
                )
        return control

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        stage = self.stage
        m = self.metrics
        if "loss" in logs:
            m.loss.labels(stage).set(float(logs["loss"]))
        if "learning_rate" in logs:
            m.learning_rate.labels(stage).set(float(logs["learning_rate"]))
        step, planned = state.global_step, state.max_steps
        m.step.labels(stage).set(step)
        elapsed = max(time.monotonic() - self.start_time, 1e-9)
        done = step - max(self.start_step, 0)
        samples_s = done * self.samples_per_step / elapsed if done > 0 else 0.0
        tokens_s = (state.num_input_tokens_seen - self.start_tokens) / elapsed if done else 0.0
        eta = (planned - step) * elapsed / done if done > 0 else 0.0
        m.samples_per_second.labels(stage).set(samples_s)
        m.tokens_per_second.labels(stage).set(tokens_s)
        m.eta_seconds.labels(stage).set(eta)
        if "loss" in logs:
            pct = 100.0 * step / planned if planned else 100.0
            self._say(
                f"step {step}/{planned} ({pct:.0f}%) loss {float(logs['loss']):.4f}"
                f" lr {float(logs.get('learning_rate', 0.0)):.3g}"
                f" {samples_s:.2f} samples/s {tokens_s:.0f} tokens/s"
                f" ETA {format_duration(eta)}"
            )
        return control

    def on_train_end(self, args, state, control, **kwargs):
        self.metrics.step.labels(self.stage).set(state.global_step)
        self.metrics.eta_seconds.labels(self.stage).set(0)
        return control

    def _say(self, text: str, always: bool = False) -> None:
        if always or not self.quiet:
            print(f"[rstar-train {self.stage}] {text}", file=sys.stderr, flush=True)
