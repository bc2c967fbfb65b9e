import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ROUND_PLAN,
  runSimRounds,
  type Checkpoint,
  type RoundOutcome,
} from '@rstar-fleet/model-sim';
import type { DemoOptions } from './demo-options';
import { JsonlWriter } from './jsonl-writer';

/** One round as the demo reports it: the loop's outcome plus the checkpoint it trained. */
export interface DemoRound {
  outcome: RoundOutcome;
  trained: Checkpoint;
  dir: string;
}

export interface DemoProgress {
  start(round: number, total: number): void;
  advance(): void;
  stop(): void;
}

/**
 * The main job on built-in defaults, until the fleet runs it: rStar-Math's four rounds of
 * self-evolution in process, on the SIMULATED policy and PPM (apps/model-sim) over the synthetic
 * problem family — search every problem (rounds 1–2 terminal-guided Q, 3–4 PPM-augmented),
 * extract SFT rows and preference pairs, train the next simulated checkpoint on them, repeat.
 * Every tree's search record, the datasets and each trained checkpoint are written under
 * `<out>/<run id>/round-<r>/` in the store's layout (one shard per round).
 */
export async function runSelfEvolutionDemo(
  options: DemoOptions,
  runId: string,
  progress: DemoProgress,
): Promise<DemoRound[]> {
  const plan = ROUND_PLAN.slice(0, options.rounds);
  const runDir = join(options.out, runId);
  const rounds: DemoRound[] = [];
  let results: JsonlWriter | null = null;
  let current = 0;

  const openRound = async (round: number): Promise<void> => {
    current = round;
    await mkdir(join(runDir, `round-${round}`, 'results'), { recursive: true });
    results = new JsonlWriter(join(runDir, `round-${round}`, 'results', '0.jsonl'));
    const trees = plan[round - 1]?.trees ?? 1;
    progress.start(round, options.problems * trees);
  };

  try {
    await runSimRounds({
      problems: options.problems,
      seed: options.seed,
      plan,
      observer: {
        async searched(round, record) {
          if (round !== current) await openRound(round);
          await results?.write(record);
          progress.advance();
        },
        async roundDone(outcome, data) {
          progress.stop();
          await results?.close();
          results = null;
          const dir = join(runDir, `round-${outcome.round}`);
          await Promise.all([
            writeJsonl(join(dir, 'sft.jsonl'), data.sft),
            writeJsonl(join(dir, 'ppm_pairs.jsonl'), data.pairs),
            writeJson(join(dir, 'stats.json'), outcome),
            writeJson(join(dir, 'checkpoint.json'), data.trained),
          ]);
          rounds.push({ outcome, trained: data.trained, dir });
        },
      },
    });
  } finally {
    progress.stop();
    await (results as JsonlWriter | null)?.close();
  }
  return rounds;
}

async function writeJsonl(path: string, rows: readonly unknown[]): Promise<void> {
  const writer = new JsonlWriter(path);
  await writer.write(...rows);
  await writer.close();
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
