"""Writes src/__fixtures__/plain-zstd.parquet: a small Parquet file compressed with ZSTD.

pyarrow is the writer most published Parquet files come from; hyparquet-writer cannot write
ZSTD. Run once with the trainer's venv (it has pyarrow) and commit the output, so the corpus
tests need no Python:

    apps/trainer/.venv/bin/python packages/corpus/scripts/make-zstd-fixture.py
"""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

OUT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "__fixtures__"
    / "plain-zstd.parquet"
)

# 12 rows in row groups of 5; row 7 has no answer (null) and must be rejected at line 7.
ids = [f"z{i}" for i in range(1, 13)]
problems = [f"What is {i} times {i + 1}?" for i in range(1, 13)]
answers = [None if i == 7 else str(i * (i + 1)) for i in range(1, 13)]

table = pa.table({"id": ids, "problem": problems, "answer": answers})
pq.write_table(table, OUT, compression="zstd", row_group_size=5)
meta = pq.ParquetFile(OUT).metadata
codecs = {
    meta.row_group(g).column(c).compression
    for g in range(meta.num_row_groups)
    for c in range(meta.num_columns)
}
assert codecs == {"ZSTD"}, codecs
print(f"wrote {OUT} ({meta.num_rows} rows, {meta.num_row_groups} row groups, {codecs})")
