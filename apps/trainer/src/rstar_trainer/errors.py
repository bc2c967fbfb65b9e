"""Errors the CLI reports as one clear line and a non-zero exit (before any training starts)."""

from __future__ import annotations


class TrainerError(Exception):
    """A problem with the trainer's input or environment; `exit_code` is the process's exit."""

    exit_code = 1


class InputError(TrainerError):
    """Bad flags, environment or datasets (exit 2, like argparse's usage errors)."""

    exit_code = 2


class DataError(InputError):
    """A malformed JSONL line: names the file, the 1-based line and the field."""

    def __init__(self, path: str, line: int, field: str | None, message: str) -> None:
        where = f"{path}:{line}" + (f": field {field!r}" if field is not None else "")
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.field = field
