"""Shared pytest fixtures: a tiny Qwen2 base model and fixture datasets, all built locally."""

from __future__ import annotations

import json
import os

import pytest

PROMPT = (
    "<|user|>:\nWhat is {a} + {b}?\n<|assistant|>: Let's think step by step and solve the "
    "problem with code."
)


def sft_rows(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        a, b = i % 10, (3 * i) % 10
        rows.append(
            {
                "prompt": PROMPT.format(a=a, b=b),
                "completion": f"<code>\nprint({a} + {b})\n<end_of_code>\n<output>{a + b}"
                f"<end_of_output>\n<answer>\\boxed{{{a + b}}}<end_of_answer>",
            }
        )
    return rows


def pair_rows(n: int, offset: int = 0) -> list[dict[str, object]]:
    """Separable pairs: the chosen step prints the sum, the rejected one raises an error."""
    rows = []
    for i in range(offset, offset + n):
        a, b = i % 10, (7 * i + 1) % 10
        rows.append(
            {
                "prompt": PROMPT.format(a=a, b=b),
                "chosen": f"<code>\nprint({a} + {b})\n<end_of_code>\n<output>{a + b}"
                "<end_of_output><end_of_step>",
                "rejected": f"<code>\nprint({a} / 0)\n<end_of_code>\n<output>ZeroDivision"
                "Error<end_of_output><end_of_step>",
                "margin": 0.5,
                "pos_count": 1 + i % 2,
                "neg_count": 2,
            }
        )
    return rows


def write_jsonl(path: str, rows: list[dict]) -> str:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return path


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    from rstar_trainer.testing.tiny_model import write_tiny_base

    return write_tiny_base(str(tmp_path_factory.mktemp("tiny-base")))


@pytest.fixture()
def datasets_dir(tmp_path) -> str:
    d = tmp_path / "store"
    os.makedirs(d)
    write_jsonl(str(d / "sft.jsonl"), sft_rows(16))
    write_jsonl(str(d / "ppm_pairs.jsonl"), pair_rows(16))
    return str(d)
