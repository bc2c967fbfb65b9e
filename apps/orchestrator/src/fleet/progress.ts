import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { Logger } from 'pino';
import type { FleetObserver } from '@rstar-fleet/orchestration';

/**
 * What `rstar-fleet run` shows: progress bars on a TTY (one per phase, units done), line logs
 * otherwise. The shard progress events carry per-shard totals; the bar sums them.
 */
export function progressObserver(
  log: Logger,
  tty: NodeJS.WritableStream | null,
): FleetObserver & { stop(): void } {
  const bars =
    tty === null
      ? null
      : new MultiBar(
          {
            stream: tty,
            clearOnComplete: false,
            hideCursor: true,
            format: ' {label} [{bar}] {value}/{total} units | {percentage}% | ETA {eta_formatted}',
          },
          Presets.shades_classic,
        );
  let bar: SingleBar | null = null;
  let key = '';
  const perShard = new Map<number, number>();
  return {
    ingestDone(summary) {
      log.info({ ...summary }, 'corpus ingested');
    },
    phaseStarted(e) {
      log.info({ ...e }, 'phase started');
      key = `${e.round}/${e.phase}`;
      perShard.clear();
      bar?.stop();
      bar = bars?.create(e.units, 0, { label: `round ${e.round} phase ${e.phase}` }) ?? null;
    },
    shardProgress(e) {
      if (`${e.round}/${e.phase}` !== key) return;
      perShard.set(e.shard, e.unitsDone);
      let total = 0;
      for (const v of perShard.values()) total += v;
      bar?.update(total);
    },
    roundStatus(round, status) {
      log.info({ round, status }, 'round status');
    },
    roundDone(e) {
      bar?.stop();
      log.info(
        {
          round: e.round,
          problems: e.stats.problems,
          solved: e.stats.solved,
          solvedPercent: e.stats.solvedPercent,
          sftRows: e.stats.sftRows,
          pairs: e.stats.pairs,
          failedShards: e.stats.failedShards.length,
          train: e.hooks.train?.status ?? null,
          deploy: e.hooks.deploy?.status ?? null,
        },
        'round done',
      );
    },
    runDone(state) {
      log.info({ run: state.run, status: state.status }, 'run done');
    },
    stop() {
      bars?.stop();
    },
  };
}
