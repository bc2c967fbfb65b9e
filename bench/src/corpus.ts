import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeSynthCorpus } from '@rstar-fleet/corpus';
import type { BenchResult } from './bench-result';
import type { Pass } from './corpus-pass';

/**
 * Corpus streaming at full scale: a 747k-problem synthetic JSONL file (the paper's corpus size,
 * written by the corpus package's own generator) read through `readCorpus` — line splitting,
 * JSON, adapter, hashing, ids, zod validation, duplicate detection — against the same-run
 * baseline of plain `readline` over the same file. Each pass runs in a fresh process with memory
 * sampled throughout: a reader that held the corpus would grow with the file, a streaming one
 * stays flat.
 */
export interface CorpusBenchOptions {
  /** Problems in the synthetic file. Default 747,000. */
  count?: number;
  seed?: number;
}

async function runPass(mode: 'readline' | 'corpus', path: string, count: number): Promise<Pass> {
  const script = join(__dirname, 'corpus-pass.js');
  const { stdout } = await promisify(execFile)(process.execPath, [
    script,
    mode,
    path,
    String(count),
  ]);
  return JSON.parse(stdout) as Pass;
}

export async function benchCorpus(options: CorpusBenchOptions = {}): Promise<BenchResult> {
  const count = options.count ?? 747_000;
  const dir = await mkdtemp(join(tmpdir(), 'rstar-corpus-bench-'));
  const path = join(dir, 'synth.jsonl');
  try {
    await writeSynthCorpus(path, count, options.seed ?? 1);
    const bytes = (await stat(path)).size;
    const baseline = await runPass('readline', path, count);
    const target = await runPass('corpus', path, count);
    return {
      name: 'corpus-streaming',
      description:
        'readCorpus over a 747k-problem synthetic JSONL file: problems/s and peak memory, against plain readline over the same file',
      metrics: {
        'problems/s (readCorpus)': Math.round(target.items / target.seconds),
        'lines/s (readline baseline)': Math.round(baseline.items / baseline.seconds),
        'throughput vs baseline (x)': baseline.seconds / target.seconds,
        'peak RSS MiB (readCorpus)': target.peakRssMiB,
        'peak RSS MiB (baseline)': baseline.peakRssMiB,
        'peak RSS vs baseline (x)': target.peakRssMiB / baseline.peakRssMiB,
        'peak JS memory MiB (readCorpus)': target.peakJsMiB,
        'peak JS memory MiB (baseline)': baseline.peakJsMiB,
        'RSS growth, first → last quarter MiB':
          target.lastQuarterRssMiB - target.firstQuarterRssMiB,
        'problems read': target.items,
      },
      notes: [
        `${count} problems, ${(bytes / 2 ** 20).toFixed(0)} MiB of JSONL; one pass each, each in a fresh process`,
        `readCorpus peaks, first / last quarter of the file: RSS ${target.firstQuarterRssMiB.toFixed(0)} / ${target.lastQuarterRssMiB.toFixed(0)} MiB, JS ${target.firstQuarterJsMiB.toFixed(0)} / ${target.lastQuarterJsMiB.toFixed(0)} MiB (only the duplicate indexes grow: text and id, 8 MiB each at 747k)`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
