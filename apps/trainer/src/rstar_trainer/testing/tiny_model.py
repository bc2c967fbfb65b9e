"""A tiny Qwen2 base model with a locally trained tokenizer: no hub download.

    python -m rstar_trainer.testing.tiny_model OUT_DIR [--hidden 32] [--layers 2]

writes OUT_DIR as a Hugging Face CausalLM checkpoint (config, safetensors, tokenizer.json and
tokenizer_config.json) that `rstar-train` takes as `--base-model`. The tokenizer is a byte-level
BPE trained on a small fixture text (the fleet's prompt format, digits, Python code) with
`<|endoftext|>` as EOS and pad, as Qwen2.5 base tokenizers have; the step tags are NOT in it
(the trainer adds them, as it must for a real base model).
"""

from __future__ import annotations

import argparse
import os
import sys

FIXTURE_TEXT = """<|user|>:
What is 12 + 30?
<|assistant|>: Let's think step by step and solve the problem with code.
<code>
a = 12
b = 30
print(a + b)
<end_of_code>
<output>42<end_of_output>
<answer>The answer is \\boxed{42}<end_of_answer>
Compute the sum of the first 10 positive integers. Find x if 3x - 7 = 11.
def solve():
    total = sum(range(1, 11))
    return total
for i in range(10):
    if i % 2 == 0:
        print(i * i)
0123456789 + - * / = ( ) [ ] { } , . : ; ' " _ < > | ! ? # $ % & ^ ~ \\ @
The quick brown fox jumps over the lazy dog. A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
"""


def build_tokenizer(vocab_size: int = 400):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([FIXTURE_TEXT] * 4, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        model_max_length=4096,
    )


def build_model(tokenizer, hidden: int = 32, layers: int = 2, seed: int = 0):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
    )
    return Qwen2ForCausalLM(config)


def write_tiny_base(out_dir: str, hidden: int = 32, layers: int = 2, seed: int = 0) -> str:
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, hidden=hidden, layers=layers, seed=seed)
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rstar_trainer.testing.tiny_model",
        description="Write a tiny Qwen2 CausalLM base model with a locally trained tokenizer.",
    )
    parser.add_argument("out_dir", help="directory to write (created if missing)")
    parser.add_argument("--hidden", type=int, default=32, help="hidden size (default 32)")
    parser.add_argument("--layers", type=int, default=2, help="decoder layers (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="weight init seed (default 0)")
    args = parser.parse_args(argv)
    write_tiny_base(args.out_dir, hidden=args.hidden, layers=args.layers, seed=args.seed)
    print(args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
