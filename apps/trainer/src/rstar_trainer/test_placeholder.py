"""PLACEHOLDER (setup helper): replaced by the trainer's tests."""

import torch


def test_torch_is_the_cpu_build() -> None:
    assert torch.version.cuda is None
