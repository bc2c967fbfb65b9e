import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { readCorpus } from '@rstar-fleet/corpus';

/**
 * One measured pass over a corpus file, in a process of its own so that its peak RSS is its own
 * (not the generator's, nor the other pass's): `node corpus-pass.js readline|corpus FILE COUNT`
 * prints the Pass as JSON.
 */
export interface Pass {
  items: number;
  seconds: number;
  peakRssMiB: number;
  /** JS memory: V8 heap plus external memory (Buffers, typed arrays such as the dedup index). */
  peakJsMiB: number;
  /** Peaks in the first and last quarters of the pass: equal when memory is constant. */
  firstQuarterRssMiB: number;
  lastQuarterRssMiB: number;
  firstQuarterJsMiB: number;
  lastQuarterJsMiB: number;
}

const MiB = 1024 * 1024;

/** Samples memory on a timer and at every `every`-th item; the pass's item count sorts quarters. */
export async function measure(
  expected: number,
  run: (tick: () => void) => Promise<number>,
): Promise<Pass> {
  const rss = [0, 0, 0, 0];
  const js = [0, 0, 0, 0];
  let seen = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    const q = Math.min(3, Math.floor((4 * seen) / Math.max(1, expected)));
    rss[q] = Math.max(rss[q] ?? 0, m.rss / MiB);
    js[q] = Math.max(js[q] ?? 0, (m.heapUsed + m.external) / MiB);
  };
  const timer = setInterval(sample, 25);
  const start = performance.now();
  const items = await run(() => {
    if (++seen % 5000 === 0) sample();
  });
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  sample();
  return {
    items,
    seconds,
    peakRssMiB: Math.max(...rss),
    peakJsMiB: Math.max(...js),
    firstQuarterRssMiB: rss[0] ?? 0,
    lastQuarterRssMiB: rss[3] ?? 0,
    firstQuarterJsMiB: js[0] ?? 0,
    lastQuarterJsMiB: js[3] ?? 0,
  };
}

async function readlinePass(path: string, tick: () => void): Promise<number> {
  let lines = 0;
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Infinity,
  })) {
    if (line.length > 0) lines++;
    tick();
  }
  return lines;
}

async function corpusPass(path: string, tick: () => void): Promise<number> {
  const stream = readCorpus(path);
  for await (const item of stream) {
    void item;
    tick();
  }
  return stream.stats.read;
}

async function passMain([mode, path, count]: string[]): Promise<void> {
  if (path === undefined || (mode !== 'readline' && mode !== 'corpus')) {
    throw new Error('usage: corpus-pass readline|corpus FILE COUNT');
  }
  const run = mode === 'readline' ? readlinePass : corpusPass;
  const pass = await measure(Number(count), (tick) => run(path, tick));
  process.stdout.write(`${JSON.stringify(pass)}\n`);
}

if (require.main === module) {
  passMain(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`corpus-pass: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  });
}
