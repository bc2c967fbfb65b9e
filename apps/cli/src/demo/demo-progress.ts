import { Presets, SingleBar } from 'cli-progress';
import type { FleetObserver, RoundDoneEvent } from '@rstar-fleet/orchestration';

/** The demo's view of a run: a bar per round phase on a terminal, a line per step otherwise. */
export interface DemoProgress extends FleetObserver {
  /** A line for people (services started, teardown). */
  note(text: string): void;
  /** Round events seen so far (the table is built from them). */
  readonly rounds: RoundDoneEvent[];
  stop(): void;
}

export function demoProgress(stderr: NodeJS.WritableStream): DemoProgress {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const rounds: RoundDoneEvent[] = [];
  const perShard = new Map<number, number>();
  let bar: SingleBar | null = null;
  let phaseKey = '';
  let units = 0;
  let done = 0;
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  const say = (text: string): void => {
    stopBar();
    stderr.write(`${text}\n`);
  };
  return {
    rounds,
    note: say,
    ingestDone(summary) {
      const rejects = summary.rejects > 0 ? `, ${summary.rejects} rejected` : '';
      say(`  corpus: ${summary.problems} problems in ${summary.shards} shards${rejects}`);
    },
    phaseStarted(e) {
      stopBar();
      phaseKey = `${e.round}/${e.phase}`;
      perShard.clear();
      units = e.units;
      done = 0;
      const label = e.phase === 0 ? `round ${e.round}` : `round ${e.round} escalation ${e.phase}`;
      if (!tty) {
        stderr.write(`  ${label}: searching ${e.problems} problems (${e.units} trees)\n`);
        return;
      }
      bar = new SingleBar(
        {
          stream: stderr,
          format: `  ${label} [{bar}] {value}/{total} trees | {duration}s`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(e.units, 0);
    },
    shardProgress(e) {
      if (`${e.round}/${e.phase}` !== phaseKey) return;
      perShard.set(e.shard, e.unitsDone);
      done = 0;
      for (const v of perShard.values()) done += v;
      bar?.update(Math.min(done, units));
    },
    roundStatus(round, status) {
      if (status === 'training' || status === 'deploying' || status === 'extracting') {
        say(`  round ${round}: ${status}`);
      }
    },
    roundDone(e) {
      rounds.push(e);
      say(
        `  round ${e.round}: solved ${e.stats.solved}/${e.stats.problems} ` +
          `(${e.stats.solvedPercent}%), ${e.stats.sftRows} SFT rows, ${e.stats.pairs} pairs` +
          (e.stats.wallTimeSeconds === null ? '' : `, ${e.stats.wallTimeSeconds.toFixed(0)} s`),
      );
    },
    stop: stopBar,
  };
}
