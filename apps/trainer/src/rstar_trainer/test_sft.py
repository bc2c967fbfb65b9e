from __future__ import annotations

import os

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from rstar_trainer.conftest import sft_rows, write_jsonl
from rstar_trainer.data import load_sft
from rstar_trainer.monitor import Metrics
from rstar_trainer.recipe import Recipe
from rstar_trainer.sft import IGNORE, tokenize_sft_batch, train_sft
from rstar_trainer.tags import STEP_TAGS, add_step_tags


def test_each_step_tag_is_one_special_token(tiny_base):
    tokenizer = AutoTokenizer.from_pretrained(tiny_base)
    # The base tokenizer splits them (as a real base model's does) ...
    assert len(tokenizer("<end_of_step>", add_special_tokens=False)["input_ids"]) > 1
    model = AutoModelForCausalLM.from_pretrained(tiny_base)
    add_step_tags(tokenizer, model)
    for tag in STEP_TAGS:
        ids = tokenizer(tag, add_special_tokens=False)["input_ids"]
        assert len(ids) == 1, (tag, ids)
        assert tag in tokenizer.all_special_tokens
    # ... and the embeddings cover the new ids.
    assert model.get_input_embeddings().weight.shape[0] >= len(tokenizer)
    text = "x = 1<end_of_step>"
    assert tokenizer.decode(tokenizer(text)["input_ids"], skip_special_tokens=False) == text


def test_prompt_tokens_are_masked_and_eos_appended(tiny_base):
    tokenizer = AutoTokenizer.from_pretrained(tiny_base)
    add_step_tags(tokenizer)
    rows = sft_rows(3)
    out = tokenize_sft_batch(tokenizer, 4096)(
        {"prompt": [r["prompt"] for r in rows], "completion": [r["completion"] for r in rows]}
    )
    for row, ids, labels in zip(rows, out["input_ids"], out["labels"], strict=True):
        n_prompt = len(tokenizer(row["prompt"], add_special_tokens=False)["input_ids"])
        assert labels[:n_prompt] == [IGNORE] * n_prompt
        assert labels[n_prompt:] == ids[n_prompt:]
        assert all(label != IGNORE for label in labels[n_prompt:])
        assert ids[-1] == tokenizer.eos_token_id
        completion = tokenizer.decode(ids[n_prompt:], skip_special_tokens=False)
        assert completion == row["completion"] + tokenizer.eos_token
    # Truncation is right-truncation at max_length (labels too), and it is reported.
    short = tokenize_sft_batch(tokenizer, 8)({"prompt": ["a"], "completion": ["b" * 40]})
    assert len(short["input_ids"][0]) == 8 and short["truncated"] == [True]
    # A prompt longer than the window keeps its newest tokens and half a window of completion.
    long_prompt = tokenize_sft_batch(tokenizer, 8)(
        {"prompt": ["a " * 40], "completion": ["b" * 40]}
    )
    ids, labels = long_prompt["input_ids"][0], long_prompt["labels"][0]
    assert len(ids) == 8 and labels[:4] == [IGNORE] * 4 and IGNORE not in labels[4:]


def test_sft_loss_falls_and_the_policy_loads_and_generates(tiny_base, tmp_path):
    data = write_jsonl(str(tmp_path / "sft.jsonl"), sft_rows(16))
    rows = load_sft(data, str(tmp_path / "cache"))
    out = str(tmp_path / "policy")
    recipe = Recipe(
        learning_rate=3e-3, epochs=4, batch_size=4, per_device_batch_size=2, save_steps=1000
    )
    result = train_sft(rows, tiny_base, out, str(tmp_path / "work"), recipe, Metrics(), True)
    assert result.final_step == result.planned_steps == 16
    assert result.first_loss is not None and result.final_loss is not None
    assert result.final_loss < result.first_loss - 0.5, result

    model = AutoModelForCausalLM.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    assert len(tokenizer("<end_of_step>", add_special_tokens=False)["input_ids"]) == 1
    assert os.path.isfile(os.path.join(out, "tokenizer.json"))
    prompt = tokenizer(rows[0]["prompt"], return_tensors="pt")
    with torch.no_grad():
        first = model(**prompt, labels=prompt["input_ids"]).loss
        generated = model.generate(**prompt, max_new_tokens=5, do_sample=False)
    assert generated.shape[1] == prompt["input_ids"].shape[1] + 5
    # Trained: the completion is much likelier than under the untrained base.
    base = AutoModelForCausalLM.from_pretrained(tiny_base)
    full = tokenizer(rows[0]["prompt"] + rows[0]["completion"], return_tensors="pt")
    with torch.no_grad():
        trained_loss = model(**full, labels=full["input_ids"]).loss
        base.resize_token_embeddings(len(tokenizer))
        base_loss = base(**full, labels=full["input_ids"]).loss
    assert trained_loss < base_loss - 0.5, (float(trained_loss), float(base_loss), float(first))
