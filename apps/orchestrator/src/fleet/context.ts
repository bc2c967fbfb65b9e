import {
  openFleetContext,
  openStore,
  resolveRunId,
  type FleetContext,
} from '@rstar-fleet/orchestration';
import { readRedisPassword } from '@rstar-fleet/config';
import { RstarError } from '@rstar-fleet/protocol';
import { readPlanInput, type PlanInput } from './plan-input';

/** The plan, its exact text and the run id a short operator command works on. */
export async function planAndRun(
  planPath: string,
  runFlag: string | undefined,
): Promise<{ input: PlanInput; run: string }> {
  const input = await readPlanInput(planPath);
  return { input, run: resolveRunId(runFlag, input.plan.name, input.text) };
}

/** A producer (fail-fast) Redis context for the CLI; `connectTimeoutMs` bounds the wait for Redis. */
export function openCliContext(input: PlanInput, connectTimeoutMs?: number): Promise<FleetContext> {
  // eslint-disable-next-line no-restricted-properties -- the app's edge: the plan names the variable
  const password = readRedisPassword(input.plan, process.env);
  return openFleetContext(input.plan, {
    connectionName: 'rstar-cli',
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(password === undefined ? {} : { redisPassword: password }),
  });
}

/** Plan, run id and a producer (fail-fast) Redis context, for the short operator commands. */
export async function withFleet<T>(
  planPath: string,
  runFlag: string | undefined,
  body: (ctx: FleetContext, run: string, input: PlanInput) => Promise<T>,
): Promise<T> {
  const { input, run } = await planAndRun(planPath, runFlag);
  const ctx = await openCliContext(input);
  try {
    return await body(ctx, run, input);
  } finally {
    await ctx.close();
  }
}

/** Why Redis could not be reached by a command that can answer without it. */
export interface RedisUnreachable {
  address: string;
  error: string;
}

/**
 * Like withFleet, for commands that can answer from the store alone (status): when Redis cannot
 * be reached within `redisWaitMs`, `offline` runs with the store and why, instead of failing.
 */
export async function withFleetOrStore<T>(
  planPath: string,
  runFlag: string | undefined,
  redisWaitMs: number,
  online: (ctx: FleetContext, run: string) => Promise<T>,
  offline: (
    store: Awaited<ReturnType<typeof openStore>>,
    run: string,
    redis: RedisUnreachable,
  ) => Promise<T>,
): Promise<T> {
  const { input, run } = await planAndRun(planPath, runFlag);
  let ctx: FleetContext;
  try {
    ctx = await openCliContext(input, redisWaitMs);
  } catch (err) {
    if (!(err instanceof RstarError) || err.code !== 'UNAVAILABLE') throw err;
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    const store = await openStore(input.plan.store);
    return offline(store, run, { address: input.plan.redis.url, error: cause });
  }
  try {
    return await online(ctx, run);
  } finally {
    await ctx.close();
  }
}
