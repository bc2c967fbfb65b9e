#!/usr/bin/env python3
"""Writes a tiny random-weight llama GGUF for the llama-server contract suite.

Run with PYTHONPATH set to the gguf-py directory of the llama.cpp source that built the server
(scripts/llama-server.js puts it next to the binary), so the file format matches that server:

    PYTHONPATH=<cache>/gguf-py python3 scripts/write-tiny-gguf.py OUT.gguf --seed 1 \
        --stop-tag '<end_of_step>' --stop-tag '<end_of_code>' --tag '<code>' ...

The model is a bigram chain: embeddings are one-hot (n_embd = n_vocab), attention and FFN write
zero into the residual stream (their output projections are zero, the other weights random), so
the logits of the next token depend on the last token only, through a seeded random transition
matrix in `output.weight`. That keeps samples random but lets a prompt's last character steer
them. Ordinary tokens lead to the stop tags often (at temperature 0.7 a step is ~15 tokens).
Trigger characters, never sampled after ordinary tokens, make a case certain; they are printed
as JSON on stdout so the tests do not keep their own copy:

    loop        repeats itself: a step that runs to n_predict or the context end
    eos         ends on EOS at once
    answer      emits the last --stop-tag at once (a word stop with empty text)
    bad_bytes   half of the seeds emit the byte 0xFF then EOS: text that is not UTF-8

Vocabulary: SentencePiece ("llama") with <unk> <s> </s>, the 256 byte tokens, the tags as
USER_DEFINED tokens (whole tokens in prompts and printed as text without --special), the
printable ASCII characters and a few words. No torch: numpy only.
"""

import argparse
import json
import sys

import numpy as np
from gguf import GGUFWriter, TokenType

SPACE = "\u2581"  # SentencePiece's space
WORDS = ["print", "answer", "x", "y", "=", "+", "1", "2", "return", "def"]
TRIGGERS = {"loop": "#", "eos": "@", "answer": "~", "bad_bytes": "^"}
NEVER = -40.0  # logit of a transition that must not be sampled
CERTAIN = 40.0
# Head size 64: this build's CPU matmul crashes at load on odd head sizes (102 did).
HEAD_SIZE = 64


def vocabulary(tags: list[str]) -> tuple[list[str], list[int], list[float]]:
    tokens = ["<unk>", "<s>", "</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [TokenType.BYTE] * 256
    tokens += tags
    types += [TokenType.USER_DEFINED] * len(tags)
    pieces = [SPACE] + [chr(c) for c in range(0x21, 0x7F)]
    # Each word with every prefix, so SentencePiece's pair merges can build it.
    for word in WORDS:
        for spaced in (word, SPACE + word):
            for end in range(2, len(spaced) + 1):
                if spaced[:end] not in pieces:
                    pieces.append(spaced[:end])
    tokens += pieces
    types += [TokenType.NORMAL] * len(pieces)
    # SentencePiece merges the pair with the highest score first: prefer longer pieces.
    scores = [0.0] * (len(tokens) - len(pieces)) + [float(len(p)) for p in pieces]
    # Pad to a multiple of HEAD_SIZE so whole heads span the (one-hot) width.
    while len(tokens) % HEAD_SIZE:
        tokens.append(f"<unused{len(tokens)}>")
        types.append(TokenType.UNUSED)
        scores.append(0.0)
    return tokens, [int(t) for t in types], scores


def transitions(
    tokens: list[str], tags: list[str], stop_tags: list[str], rng: np.random.Generator
) -> np.ndarray:
    n = len(tokens)
    index = {t: i for i, t in enumerate(tokens)}
    eos = index["</s>"]
    newline = index["<0x0A>"]
    ordinary = [
        i
        for i, t in enumerate(tokens)
        if i > newline
        and t not in tags
        and t not in TRIGGERS.values()
        and not t.startswith(("<0x", "<unused"))
    ]
    logits = np.full((n, n), NEVER, dtype=np.float32)
    for row in range(n):
        logits[row, ordinary] = rng.normal(0.0, 1.0, len(ordinary))
        logits[row, newline] = 1.0
        logits[row, eos] = -1.0
        for tag in tags:
            logits[row, index[tag]] = 1.5 if tag in stop_tags else 0.0
    # The triggers: certain successors.
    for name, char in TRIGGERS.items():
        row = index[char]
        logits[row, :] = NEVER
        if name == "loop":
            logits[row, row] = CERTAIN
        elif name == "eos":
            logits[row, eos] = CERTAIN
        elif name == "answer":
            logits[row, index[stop_tags[-1]]] = CERTAIN
        else:
            logits[row, index["<0xFF>"]] = 0.0
            logits[row, index["a"]] = 0.0
    logits[index["<0xFF>"], :] = NEVER
    logits[index["<0xFF>"], eos] = CERTAIN
    return logits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stop-tag", action="append", default=[], dest="stop_tags")
    parser.add_argument("--tag", action="append", default=[], dest="tags")
    parser.add_argument("--context", type=int, default=4096)
    args = parser.parse_args()
    if not args.stop_tags:
        parser.error("at least one --stop-tag")
    tags = args.tags + args.stop_tags
    rng = np.random.default_rng(args.seed)

    tokens, types, scores = vocabulary(tags)
    n_vocab = len(tokens)
    n_embd = n_vocab  # one-hot embeddings
    n_ff = 64
    n_head = n_embd // HEAD_SIZE

    w = GGUFWriter(args.out, "llama")
    w.add_name("rstar-fleet tiny bigram")
    w.add_context_length(args.context)
    w.add_embedding_length(n_embd)
    w.add_block_count(1)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(HEAD_SIZE)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_vocab_size(n_vocab)
    w.add_file_type(0)  # all F32
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_scores(scores)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(True)

    def rand(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.02, shape).astype(np.float32)

    # After the final RMS norm a one-hot row becomes sqrt(n_embd) times itself.
    logits = transitions(tokens, tags, args.stop_tags, rng)
    w.add_tensor("token_embd.weight", np.eye(n_vocab, n_embd, dtype=np.float32))
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", np.ascontiguousarray(logits.T / np.sqrt(n_embd)))
    w.add_tensor("blk.0.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("blk.0.attn_q.weight", rand(n_embd, n_embd))
    w.add_tensor("blk.0.attn_k.weight", rand(n_embd, n_embd))
    w.add_tensor("blk.0.attn_v.weight", rand(n_embd, n_embd))
    w.add_tensor(
        "blk.0.attn_output.weight", np.zeros((n_embd, n_embd), dtype=np.float32)
    )
    w.add_tensor("blk.0.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("blk.0.ffn_gate.weight", rand(n_ff, n_embd))
    w.add_tensor("blk.0.ffn_up.weight", rand(n_ff, n_embd))
    w.add_tensor("blk.0.ffn_down.weight", np.zeros((n_embd, n_ff), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    json.dump({"path": args.out, "vocab": n_vocab, "triggers": TRIGGERS}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
