from __future__ import annotations

import json
import math
import os

import pytest
import torch
from prometheus_client import generate_latest
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from rstar_trainer.conftest import pair_rows, write_jsonl
from rstar_trainer.data import load_pairs
from rstar_trainer.monitor import Metrics
from rstar_trainer.ppm import (
    PairCollator,
    fit_pair,
    load_ppm_from_policy,
    make_pairwise_trainer_class,
    pair_weights,
    rstar_pair_loss,
    score_sequences,
    tokenize_pairs,
    train_ppm,
)
from rstar_trainer.recipe import Recipe
from rstar_trainer.testing.tiny_model import write_tiny_base


def nls(x: float) -> float:
    """-log sigmoid(x), by hand."""
    return math.log1p(math.exp(-x))


def test_loss_on_a_hand_computed_2x2_example_is_rstars_formula():
    # Two pairs; counts 2x2 (w = 1/4) and 1x3 (w = 1/3); summed, not averaged (rStar rm.py).
    chosen = torch.tensor([1.0, 0.2], dtype=torch.float64)
    rejected = torch.tensor([0.5, 0.7], dtype=torch.float64)
    loss = rstar_pair_loss(chosen, rejected, torch.tensor([2, 1]), torch.tensor([2, 3]))
    expected = nls(0.5) / 4 + nls(-0.5) / 3
    assert abs(float(loss) - expected) < 1e-6
    # A zero count falls back to 1/(pos+neg), as rStar does.
    w = pair_weights(torch.tensor([0, 2]), torch.tensor([3, 0]))
    assert w.tolist() == pytest.approx([1 / 3, 1 / 2], abs=1e-12)


def test_the_trainer_applies_that_loss_to_model_scores(tiny_base, tmp_path):
    tokenizer, model = load_ppm_from_policy(tiny_base, bf16=False)
    model.eval()  # no head dropout, so the loss is a function of the scores alone
    rows = pair_rows(2)
    ds = tokenize_pairs(_as_dataset(rows), tokenizer, 4096, None)
    batch = PairCollator(tokenizer.pad_token_id)([ds[0], ds[1]])
    trainer = make_pairwise_trainer_class()(
        model=model, args=_args(tmp_path), train_dataset=ds, data_collator=None
    )
    with torch.no_grad():
        loss = trainer.compute_loss(model, batch)
        scores = score_sequences(model, batch["input_ids"], batch["attention_mask"])
    c, r = scores[:2].tolist(), scores[2:].tolist()
    w = [1 / (row["pos_count"] * row["neg_count"]) for row in rows]
    expected = nls(c[0] - r[0]) * w[0] + nls(c[1] - r[1]) * w[1]
    assert abs(float(loss) - expected) < 1e-6
    # The score is read at the last non-pad token: padding more does not change it.
    padded = PairCollator(tokenizer.pad_token_id)([ds[0], ds[1]])
    wide = torch.nn.functional.pad(padded["input_ids"], (0, 5), value=tokenizer.pad_token_id)
    mask = torch.nn.functional.pad(padded["attention_mask"], (0, 5), value=0)
    with torch.no_grad():
        again = score_sequences(model, wide, mask)
    assert torch.allclose(scores, again, atol=1e-6)


def test_separable_pairs_rank_on_held_out_and_the_fold_scores_exactly(tmp_path):
    base = write_tiny_base(str(tmp_path / "base"), hidden=32, layers=2, seed=1)
    train = load_pairs(write_jsonl(str(tmp_path / "p.jsonl"), pair_rows(48)), str(tmp_path / "c"))
    recipe = Recipe(
        learning_rate=3e-3,
        epochs=4,
        batch_size=8,
        per_device_batch_size=8,
        weight_decay=0.0,
        max_length=256,
        save_steps=1000,
    )
    out = str(tmp_path / "ppm")
    keep: dict = {}
    result = train_ppm(train[0], base, out, str(tmp_path / "w"), recipe, Metrics(), True, keep)
    assert result.final_step == result.planned_steps == 24

    # Held-out pairs (other numbers): chosen above rejected.
    held = pair_rows(20, offset=100)
    model, tokenizer = keep["model"].eval(), keep["tokenizer"]
    ds = tokenize_pairs(_as_dataset(held), tokenizer, 256, None)
    batch = PairCollator(tokenizer.pad_token_id)([ds[i] for i in range(len(ds))])
    with torch.no_grad():
        trained = score_sequences(model, batch["input_ids"], batch["attention_mask"])
    n = len(held)
    accuracy = float((trained[:n] > trained[n:]).float().mean())
    assert accuracy >= 0.9, accuracy

    # The fold: a one-label regression *ForSequenceClassification checkpoint that transformers
    # (and vLLM) load as it is, scoring what the trained head scored.
    with open(os.path.join(out, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    assert config["architectures"] == ["Qwen2ForSequenceClassification"]
    assert len(config["id2label"]) == 1
    assert config["problem_type"] == "regression"
    assert config["pad_token_id"] == tokenizer.pad_token_id
    folded = AutoModelForSequenceClassification.from_pretrained(out).eval()
    assert folded.config.num_labels == 1
    texts = [h["prompt"] + side for h in held[:6] for side in (h["chosen"], h["rejected"])]
    served_tok = AutoTokenizer.from_pretrained(out)
    for text, idx in zip(texts, range(len(texts)), strict=True):
        ids = served_tok(text, return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            logit = folded(**ids).logits[0, 0]
            mine = score_sequences(model, ids["input_ids"], ids["attention_mask"])[0]
        assert abs(float(logit) - float(mine)) < 1e-5, (idx, float(logit), float(mine))
    # And in a right-padded batch, as the server batches them.
    enc = served_tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    with torch.no_grad():
        batch_logits = folded(**enc).logits[:, 0]
        mine = score_sequences(model, enc["input_ids"], enc["attention_mask"])
    assert torch.allclose(batch_logits, mine, atol=1e-5)


def test_truncation_keeps_the_newest_tokens_and_is_counted(tiny_base, tmp_path):
    assert fit_pair([1, 2, 3], [4, 5], 5) == ([1, 2, 3, 4, 5], False)
    assert fit_pair([1, 2, 3], [4, 5], 4) == ([2, 3, 4, 5], True)
    assert fit_pair([1, 2, 3], [4, 5, 6, 7], 3) == ([5, 6, 7], True)
    rows = pair_rows(6)
    rows[1]["chosen"] = rows[1]["chosen"] * 30  # far over max_length
    rows[4]["rejected"] = rows[4]["rejected"] * 30
    data = load_pairs(write_jsonl(str(tmp_path / "p.jsonl"), rows), str(tmp_path / "c"))[0]
    metrics = Metrics()
    recipe = Recipe(epochs=1, batch_size=2, per_device_batch_size=2, max_length=200)
    result = train_ppm(
        data, tiny_base, str(tmp_path / "ppm"), str(tmp_path / "w"), recipe, metrics, True
    )
    assert result.truncated == 2
    assert result.rows == 6  # nothing dropped
    text = generate_latest(metrics.registry).decode()
    assert "rstar_trainer_truncated_pairs_total 2.0" in text


def _as_dataset(rows):
    from datasets import Dataset

    from rstar_trainer.data import PAIR_FEATURES

    keep = [{k: r[k] for k in PAIR_FEATURES} for r in rows]
    return Dataset.from_list(keep, features=PAIR_FEATURES)


def _args(tmp_path):
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(tmp_path / "args"), report_to="none", remove_unused_columns=False
    )
