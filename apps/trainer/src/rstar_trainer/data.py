"""Streaming, validated JSONL readers that land rows in memory-mapped Arrow files.

A 1M-row `sft.jsonl` is read one line at a time, each line validated (file:line and field in
the error), and written by `datasets.Dataset.from_generator` into Arrow files under the job's
scratch dir; training reads them memory-mapped, so rows never sit in memory as Python objects.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from datasets import Dataset, Features, Value

from .errors import DataError, InputError

SFT_FEATURES = Features({"prompt": Value("string"), "completion": Value("string")})
PAIR_FEATURES = Features(
    {
        "prompt": Value("string"),
        "chosen": Value("string"),
        "rejected": Value("string"),
        "pos_count": Value("int64"),
        "neg_count": Value("int64"),
    }
)


@dataclass
class PairCountsReport:
    """Pairs whose `pos_count`/`neg_count` were missing (weighted as if both were 1)."""

    missing_counts: int = 0


def _lines(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            text = raw.strip()
            if text == "":
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as err:
                raise DataError(path, number, None, f"not valid JSON ({err.msg})") from err
            if not isinstance(row, dict):
                raise DataError(path, number, None, "expected a JSON object")
            yield number, row


def _string(path: str, number: int, row: dict[str, Any], field: str, empty_ok: bool) -> str:
    if field not in row:
        raise DataError(path, number, field, "missing")
    value = row[field]
    if not isinstance(value, str):
        raise DataError(path, number, field, f"expected a string, got {type(value).__name__}")
    if not empty_ok and value == "":
        raise DataError(path, number, field, "expected a non-empty string")
    return value


def _count(path: str, number: int, row: dict[str, Any], field: str) -> int | None:
    if field not in row:
        return None
    value = row[field]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataError(path, number, field, f"expected a non-negative integer, got {value!r}")
    return value


def iter_sft(path: str) -> Iterator[dict[str, str]]:
    """Validated `{prompt, completion}` rows (other fields are ignored)."""
    for number, row in _lines(path):
        yield {
            "prompt": _string(path, number, row, "prompt", empty_ok=True),
            "completion": _string(path, number, row, "completion", empty_ok=False),
        }


def iter_pairs(path: str, report: PairCountsReport) -> Iterator[dict[str, Any]]:
    """Validated `{prompt, chosen, rejected, pos_count, neg_count}` rows. `margin` is ignored
    on purpose: rStar's loss has none. Missing counts are taken as 1 and counted in `report`."""
    for number, row in _lines(path):
        pos = _count(path, number, row, "pos_count")
        neg = _count(path, number, row, "neg_count")
        if pos is None or neg is None:
            report.missing_counts += 1
        yield {
            "prompt": _string(path, number, row, "prompt", empty_ok=True),
            "chosen": _string(path, number, row, "chosen", empty_ok=False),
            "rejected": _string(path, number, row, "rejected", empty_ok=False),
            "pos_count": 1 if pos is None else pos,
            "neg_count": 1 if neg is None else neg,
        }


def _check_readable(path: str, what: str) -> None:
    if not os.path.isfile(path):
        raise InputError(f"{what} {path}: no such file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{what} {path}: not readable")


def _stamp(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return (os.path.abspath(path), st.st_size, st.st_mtime_ns)


def _materialize(gen: Any, features: Features, cache_dir: str, path: str, what: str) -> Dataset:
    os.makedirs(cache_dir, exist_ok=True)
    try:
        ds = Dataset.from_generator(
            gen, features=features, cache_dir=cache_dir, keep_in_memory=False
        )
    except Exception as err:  # datasets wraps generator errors; surface ours unchanged
        cause: BaseException | None = err
        while cause is not None:
            if isinstance(cause, DataError):
                raise cause from None
            cause = cause.__cause__ or cause.__context__
        raise
    _refuse_empty(len(ds), path, what)
    return ds


def _refuse_empty(rows: int, path: str, what: str) -> None:
    if rows == 0:
        raise InputError(f"{what} {path}: empty dataset (no rows); nothing to train on")


def load_sft(path: str, cache_dir: str) -> Dataset:
    """The SFT rows of `path` as a memory-mapped Dataset; raises DataError / InputError."""
    _check_readable(path, "SFT dataset")
    # Validate before handing to datasets (its cache is keyed by the generator's code, not the
    # file's bytes): one streaming pass that raises on the first bad line.
    rows = sum(1 for _ in iter_sft(path))
    _refuse_empty(rows, path, "SFT dataset")

    stamp = _stamp(path)

    def gen() -> Iterator[dict[str, str]]:
        _ = stamp  # in the closure, so the Arrow cache is keyed by the file's size and mtime
        yield from iter_sft(path)

    return _materialize(gen, SFT_FEATURES, cache_dir, path, "SFT dataset")


def load_pairs(path: str, cache_dir: str) -> tuple[Dataset, PairCountsReport]:
    """The PPM pairs of `path` as a memory-mapped Dataset, and how many lacked counts."""
    _check_readable(path, "PPM pairs")
    report = PairCountsReport()
    rows = sum(1 for _ in iter_pairs(path, report))
    _refuse_empty(rows, path, "PPM pairs")

    stamp = _stamp(path)

    def gen() -> Iterator[dict[str, Any]]:
        _ = stamp  # in the closure, so the Arrow cache is keyed by the file's size and mtime
        yield from iter_pairs(path, PairCountsReport())

    return _materialize(gen, PAIR_FEATURES, cache_dir, path, "PPM pairs"), report
