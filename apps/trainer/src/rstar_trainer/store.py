"""Where the round's datasets are: the hook's `{sft}`/`{pairs}` values mapped to files.

Supported: a path that exists (the orchestrator's dir store gives absolute paths); a store key
(`runs/<run>/round-<r>/sft.jsonl`) resolved under `--store-dir` (the Job mounts the dir store at
/store); and an absolute path of the orchestrator's machine that does not exist here, resolved
by its `runs/...` suffix under `--store-dir`. Not supported: `s3://` URIs (mount the store, or
copy the two files and pass their paths).
"""

from __future__ import annotations

import os

from .errors import InputError


def resolve_dataset(value: str, store_dir: str | None, what: str) -> str:
    if value == "":
        raise InputError(f"{what}: empty (set the flag or its RSTAR_* variable)")
    if value.startswith("s3://"):
        raise InputError(
            f"{what} {value}: s3:// datasets are not supported by rstar-train; mount the dir "
            "store (--store-dir, RSTAR_STORE_DIR) or pass local file paths"
        )
    if os.path.exists(value):
        return value
    candidates: list[str] = []
    if store_dir is not None:
        if not os.path.isabs(value):
            candidates.append(os.path.join(store_dir, value))
        marker = value.rfind("/runs/")
        if marker >= 0:
            candidates.append(os.path.join(store_dir, value[marker + 1 :]))
    for candidate in candidates:
        if os.path.exists(candidate):
            return candidate
    tried = ", ".join([value, *candidates])
    raise InputError(f"{what} {value}: no such file (tried {tried})")
