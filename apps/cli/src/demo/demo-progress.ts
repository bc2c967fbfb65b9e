import { Presets, SingleBar } from 'cli-progress';
import { describeChildEvent, type ChildEvent } from '@rstar-fleet/local-fleet';
import type { FleetObserver, RoundDoneEvent, RunStatus } from '@rstar-fleet/orchestration';

/** The demo's view of a run: a bar per round phase on a terminal, a line per step otherwise. */
export interface DemoProgress extends FleetObserver {
  /** A line for people (services started, teardown). */
  note(text: string): void;
  /** What the supervisor reports: a service died, came back, was given up on. */
  child(event: ChildEvent): void;
  /**
   * What `rstar-fleet status` shows about the fleet's health, polled: each worker's record of
   * the services it depends on (sandbox, policy, PPM, Redis) and whether Redis answers.
   */
  health(status: Pick<RunStatus, 'workers' | 'redis'>): void;
  /** Round events seen so far (the table is built from them). */
  readonly rounds: RoundDoneEvent[];
  stop(): void;
}

/** Without a terminal, the trees done are written at most this often (and only when they moved). */
const PLAIN_PROGRESS_EVERY_MS = 10_000;
/** Lines of a dead service's last output shown on the console (its log has them all). */
const CONSOLE_LAST_LINES = 3;
/** A longer line (a JSON log line, an error) is cut there on the console. */
const CONSOLE_WIDTH = 160;

const cut = (text: string): string =>
  text.length <= CONSOLE_WIDTH ? text : `${text.slice(0, CONSOLE_WIDTH - 1)}…`;

interface Outage {
  /** `sandbox 127.0.0.1:50051` */
  what: string;
  since: number;
  detail: string;
  workers: string[];
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
const ago = (ms: number): string => `${Math.max(0, Math.round((Date.now() - ms) / 1000))} s`;

/**
 * The dependencies down right now, by `<kind> <endpoint>`: from the workers' health records
 * (what each worker cannot reach, since when, why) and from Redis not answering the status.
 */
function outagesOf(status: Pick<RunStatus, 'workers' | 'redis'>): Map<string, Outage> {
  const down = new Map<string, Outage>();
  if (!status.redis.reachable) {
    const what = `redis ${hostOf(status.redis.address)}`;
    down.set(what, { what, since: Date.now(), detail: status.redis.error ?? '', workers: [] });
  }
  for (const record of status.workers) {
    for (const dep of record.dependencies) {
      if (dep.up) continue;
      const what = `${dep.dependency} ${dep.endpoint}`;
      const outage = down.get(what) ?? {
        what,
        since: Date.parse(dep.since),
        detail: [dep.code, dep.error].filter((s) => s !== null).join(': '),
        workers: [],
      };
      outage.since = Math.min(outage.since, Date.parse(dep.since));
      outage.workers.push(record.worker);
      down.set(what, outage);
    }
  }
  return down;
}

/** `host:port` of a URL (no scheme, no credentials). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A supervisor event for the console: its last lines few and cut. */
function consoleLine(event: ChildEvent): string {
  const shown =
    'lastLines' in event
      ? { ...event, lastLines: event.lastLines.slice(-CONSOLE_LAST_LINES).map(cut) }
      : event;
  return describeChildEvent(shown);
}

export function demoProgress(stderr: NodeJS.WritableStream): DemoProgress {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  const rounds: RoundDoneEvent[] = [];
  const perShard = new Map<number, number>();
  let bar: SingleBar | null = null;
  let label = '';
  let phaseKey = '';
  let units = 0;
  let done = 0;
  let plainDone = 0;
  let plainAt = 0;
  /** Dependencies down (health), and services between a crash and their return (supervisor). */
  let outages = new Map<string, Outage>();
  const restarting = new Map<string, number>();

  /** What is wrong now, for the bar: `sandbox 127.0.0.1:50051 down 12 s; model-sim restarting`. */
  const alert = (): string => {
    const parts = [
      ...[...outages.values()].map((o) => `${o.what} down ${ago(o.since)}`),
      ...[...restarting.keys()].map((name) => `${name} restarting`),
    ];
    return parts.length === 0 ? '' : ` | ${parts.join('; ')}`;
  };
  const startBar = (): void => {
    bar = new SingleBar(
      {
        stream: stderr,
        format: `  ${label} [{bar}] {value}/{total} trees | {duration}s{alert}`,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(units, Math.min(done, units), { alert: alert() });
  };
  const stopBar = (): void => {
    bar?.stop();
    bar = null;
  };
  /** A line above the bar; the bar goes on below it. */
  const say = (text: string): void => {
    const resume = bar !== null;
    stopBar();
    stderr.write(`${text}\n`);
    if (resume) startBar();
  };
  const refresh = (): void => bar?.update(Math.min(done, units), { alert: alert() });

  return {
    rounds,
    note: (text) => {
      stopBar();
      stderr.write(`${text}\n`);
    },
    child(event) {
      if (event.kind === 'crashed') {
        restarting.set(event.child, event.at.getTime());
        say(`  ! ${consoleLine(event)}`);
      } else if (event.kind === 'restarted') {
        restarting.delete(event.child);
        say(`  ${consoleLine(event)}`);
      } else if (event.kind === 'gave-up') {
        restarting.delete(event.child);
        say(`  ! ${consoleLine(event)}`);
      }
      refresh();
    },
    health(status) {
      const now = outagesOf(status);
      for (const [what, outage] of now) {
        const before = outages.get(what);
        if (before !== undefined) {
          outage.since = Math.min(outage.since, before.since);
          continue;
        }
        const from = outage.workers.length === 0 ? '' : ` from ${outage.workers.join(', ')}`;
        const why = outage.detail === '' ? '' : ` (${cut(outage.detail)})`;
        say(`  ! ${what} unreachable${from} since ${clock(outage.since)}${why}`);
      }
      for (const [what, outage] of outages) {
        if (!now.has(what)) say(`  ${what} reachable again (down ${ago(outage.since)})`);
      }
      outages = now;
      refresh();
    },
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
      plainDone = 0;
      plainAt = Date.now();
      label = e.phase === 0 ? `round ${e.round}` : `round ${e.round} escalation ${e.phase}`;
      if (!tty) {
        stderr.write(`  ${label}: searching ${e.problems} problems (${e.units} trees)\n`);
        return;
      }
      startBar();
    },
    shardProgress(e) {
      if (`${e.round}/${e.phase}` !== phaseKey) return;
      perShard.set(e.shard, e.unitsDone);
      done = 0;
      for (const v of perShard.values()) done += v;
      if (bar !== null) return refresh();
      if (!tty && done > plainDone && Date.now() - plainAt >= PLAIN_PROGRESS_EVERY_MS) {
        plainDone = done;
        plainAt = Date.now();
        stderr.write(`  ${label}: ${Math.min(done, units)}/${units} trees${alert()}\n`);
      }
    },
    roundStatus(round, status) {
      if (status === 'training' || status === 'deploying' || status === 'extracting') {
        stopBar();
        stderr.write(`  round ${round}: ${status}\n`);
      }
    },
    roundDone(e) {
      rounds.push(e);
      stopBar();
      stderr.write(
        `  round ${e.round}: solved ${e.stats.solved}/${e.stats.problems} ` +
          `(${e.stats.solvedPercent}%), ${e.stats.sftRows} SFT rows, ${e.stats.pairs} pairs` +
          (e.stats.wallTimeSeconds === null ? '' : `, ${e.stats.wallTimeSeconds.toFixed(0)} s`) +
          '\n',
      );
    },
    stop: stopBar,
  };
}
