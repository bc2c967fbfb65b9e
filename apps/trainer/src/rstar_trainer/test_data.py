from __future__ import annotations

import json

import pytest

from rstar_trainer.data import load_pairs, load_sft
from rstar_trainer.errors import DataError, InputError
from rstar_trainer.store import resolve_dataset


def write(path, lines):
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return str(path)


GOOD_SFT = json.dumps({"prompt": "q", "completion": "a", "problem_id": "p1"})


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("{not json", None, "not valid JSON"),
        ("[1, 2]", None, "expected a JSON object"),
        (json.dumps({"prompt": "q"}), "completion", "missing"),
        (json.dumps({"prompt": "q", "completion": 3}), "completion", "expected a string, got int"),
        (json.dumps({"prompt": "q", "completion": ""}), "completion", "non-empty"),
        (json.dumps({"prompt": None, "completion": "a"}), "prompt", "expected a string"),
    ],
)
def test_a_malformed_sft_line_names_file_line_and_field(tmp_path, line, field, message):
    path = write(tmp_path / "sft.jsonl", [GOOD_SFT, "", line, GOOD_SFT])
    with pytest.raises(DataError) as err:
        load_sft(path, str(tmp_path / "cache"))
    assert err.value.line == 3 and err.value.field == field
    assert str(err.value).startswith(f"{path}:3")
    assert message in str(err.value)
    if field is not None:
        assert f"field {field!r}" in str(err.value)


def test_pair_counts_are_validated_and_missing_ones_counted(tmp_path):
    row = {"prompt": "p", "chosen": "c", "rejected": "r", "margin": 0.3}
    path = write(
        tmp_path / "pairs.jsonl",
        [json.dumps({**row, "pos_count": 2, "neg_count": 3}), json.dumps(row)],
    )
    data, report = load_pairs(path, str(tmp_path / "cache"))
    assert report.missing_counts == 1
    assert data["pos_count"] == [2, 1] and data["neg_count"] == [3, 1]
    assert "margin" not in data.column_names  # rStar's loss has no margin
    bad = write(tmp_path / "bad.jsonl", [json.dumps({**row, "pos_count": -1, "neg_count": 1})])
    with pytest.raises(DataError, match=r"bad.jsonl:1: field 'pos_count'"):
        load_pairs(bad, str(tmp_path / "cache2"))


def test_empty_and_missing_datasets_are_refused(tmp_path):
    empty = write(tmp_path / "sft.jsonl", ["", "  "])
    with pytest.raises(InputError, match="empty dataset"):
        load_sft(empty, str(tmp_path / "cache"))
    with pytest.raises(InputError, match="no such file"):
        load_pairs(str(tmp_path / "nope.jsonl"), str(tmp_path / "cache"))


def test_rows_are_read_into_memory_mapped_arrow(tmp_path):
    path = write(tmp_path / "sft.jsonl", [GOOD_SFT] * 50)
    data = load_sft(path, str(tmp_path / "cache"))
    assert len(data) == 50
    assert data.cache_files and data.cache_files[0]["filename"].startswith(str(tmp_path / "cache"))
    # A changed file is read again (the cache is keyed by the file's size and mtime).
    write(tmp_path / "sft.jsonl", [GOOD_SFT] * 7)
    assert len(load_sft(path, str(tmp_path / "cache"))) == 7


def test_store_keys_and_foreign_paths_resolve_under_the_store_dir(tmp_path):
    store = tmp_path / "store"
    (store / "runs" / "r" / "round-1").mkdir(parents=True)
    f = store / "runs" / "r" / "round-1" / "sft.jsonl"
    f.write_text(GOOD_SFT + "\n")
    assert resolve_dataset(str(f), None, "SFT") == str(f)
    assert resolve_dataset("runs/r/round-1/sft.jsonl", str(store), "SFT") == str(f)
    elsewhere = "/srv/orchestrator/store/runs/r/round-1/sft.jsonl"
    assert resolve_dataset(elsewhere, str(store), "SFT") == str(f)
    with pytest.raises(InputError, match="s3:// datasets are not supported"):
        resolve_dataset("s3://bucket/runs/r/round-1/sft.jsonl", str(store), "SFT")
    with pytest.raises(InputError, match="no such file"):
        resolve_dataset("runs/r/round-9/sft.jsonl", str(store), "SFT")
