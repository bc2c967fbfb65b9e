import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ChildEvent } from './events';

/**
 * What the supervisor does when a child exits without being asked to: `always` starts it again
 * (a Kubernetes Deployment's `restartPolicy: Always`), `never` lets it stay down (a test that
 * crashes a service on purpose and looks at the outage, a one-shot command).
 */
export type RestartPolicy = 'always' | 'never';

/** How a LocalFleet supervises its children; every field optional (defaults below). */
export interface SupervisorOptions {
  /** What happens when a child exits on its own. Default `always`. */
  restart?: RestartPolicy;
  /**
   * Pause before the first restart after a crash; each further crash in a row doubles it
   * (Kubernetes' CrashLoopBackOff, with local-sized numbers). Default 500 ms.
   */
  backoffInitialMs?: number;
  /** The longest pause between restarts. Default 8 000 ms. */
  backoffMaxMs?: number;
  /**
   * A child that stayed up this long before it crashed is restarted after the initial pause
   * again (its earlier crashes no longer count towards the doubling). Default 30 000 ms.
   */
  backoffResetMs?: number;
  /**
   * Give up on a child (CrashLoopError, nothing restarted any more) once it has crashed this
   * many times within `giveUpWindowMs`; a restart that does not get ready counts as a crash.
   * Default 5.
   */
  giveUpCrashes?: number;
  /** The window of `giveUpCrashes`. Default 60 000 ms. */
  giveUpWindowMs?: number;
  /**
   * How long a child may take to get ready (its readiness check passes) on each start; past it
   * the child is killed and the start fails. Default 60 000 ms.
   */
  readyTimeoutMs?: number;
  /** `stop()`: SIGTERM, then SIGKILL of the child's process group after this long. Default 10 000 ms. */
  stopGraceMs?: number;
  /** Output lines kept per child (stdout and stderr, across restarts). Default 400. */
  keepLines?: number;
  /** Lines of a dead child's last output quoted in its crash report. Default 20. */
  reportLines?: number;
  /**
   * Every event (started, crashed, restarted, gave up, stopped), as it happens: the host writes
   * it to the console and to the run's log (`describeChildEvent` words it). Default: none.
   */
  onEvent?: (event: ChildEvent) => void;
  /** Every line a child writes (stdout and stderr), e.g. to a log file. Default: none. */
  onLine?: (child: string, line: string) => void;
}

export type CompiledSupervisorOptions = Readonly<Required<SupervisorOptions>>;

export const SUPERVISOR_DEFAULTS: CompiledSupervisorOptions = Object.freeze({
  restart: 'always',
  backoffInitialMs: 500,
  backoffMaxMs: 8_000,
  backoffResetMs: 30_000,
  giveUpCrashes: 5,
  giveUpWindowMs: 60_000,
  readyTimeoutMs: 60_000,
  stopGraceMs: 10_000,
  keepLines: 400,
  reportLines: 20,
  onEvent: () => undefined,
  onLine: () => undefined,
});

function int(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`expected an integer ≥ ${min}, got ${value}`, { field });
  }
  return value;
}

/** Validates once, at the fleet's construction; errors name the field (`supervisor.stopGraceMs`). */
export function compileSupervisorOptions(
  options: SupervisorOptions = {},
): CompiledSupervisorOptions {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as SupervisorOptions;
  const o = { ...SUPERVISOR_DEFAULTS, ...given };
  if (o.restart !== 'always' && o.restart !== 'never') {
    throw new InvalidInputError(`expected always or never, got ${String(o.restart)}`, {
      field: 'supervisor.restart',
    });
  }
  const backoffInitialMs = int(o.backoffInitialMs, 'supervisor.backoffInitialMs', 0);
  return Object.freeze({
    restart: o.restart,
    backoffInitialMs,
    backoffMaxMs: int(o.backoffMaxMs, 'supervisor.backoffMaxMs', backoffInitialMs),
    backoffResetMs: int(o.backoffResetMs, 'supervisor.backoffResetMs', 0),
    giveUpCrashes: int(o.giveUpCrashes, 'supervisor.giveUpCrashes', 1),
    giveUpWindowMs: int(o.giveUpWindowMs, 'supervisor.giveUpWindowMs', 1),
    readyTimeoutMs: int(o.readyTimeoutMs, 'supervisor.readyTimeoutMs', 1),
    stopGraceMs: int(o.stopGraceMs, 'supervisor.stopGraceMs', 0),
    keepLines: int(o.keepLines, 'supervisor.keepLines', 1),
    reportLines: int(o.reportLines, 'supervisor.reportLines', 0),
    onEvent: o.onEvent,
    onLine: o.onLine,
  });
}
