"""The trainer never fetches Hub kernels unless the operator asks for them."""

from __future__ import annotations

import os
import subprocess
import sys


def _hub_kernels_enabled(env: dict[str, str]) -> str:
    code = (
        "import rstar_trainer\n"
        "from transformers.integrations import hub_kernels\n"
        "print(hub_kernels._kernels_enabled())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_hub_kernels_are_off_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if k != "USE_HUB_KERNELS"}
    assert _hub_kernels_enabled(env) == "False"


def test_an_operator_can_turn_hub_kernels_on() -> None:
    env = {**os.environ, "USE_HUB_KERNELS": "YES"}
    assert _hub_kernels_enabled(env) == "True"
