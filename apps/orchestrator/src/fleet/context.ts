import {
  openFleetContext,
  openStore,
  resolveRunId,
  type FleetContext,
} from '@rstar-fleet/orchestration';
import { RstarError } from '@rstar-fleet/protocol';
import { readPlanInput, redisPasswordFor, type PlanInput } from './plan-input';

/** Plan, run id and a producer (fail-fast) Redis context, for the short operator commands. */
export async function withFleet<T>(
  planPath: string,
  runFlag: string | undefined,
  body: (ctx: FleetContext, run: string, input: PlanInput) => Promise<T>,
): Promise<T> {
  const input = await readPlanInput(planPath);
  const run = resolveRunId(runFlag, input.plan.name, input.text);
  const password = redisPasswordFor(input.plan);
  const ctx = await openFleetContext(input.plan, {
    connectionName: 'rstar-cli',
    ...(password === undefined ? {} : { redisPassword: password }),
  });
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
  const input = await readPlanInput(planPath);
  const run = resolveRunId(runFlag, input.plan.name, input.text);
  const password = redisPasswordFor(input.plan);
  let ctx: FleetContext;
  try {
    ctx = await openFleetContext(input.plan, {
      connectionName: 'rstar-cli',
      connectTimeoutMs: redisWaitMs,
      ...(password === undefined ? {} : { redisPassword: password }),
    });
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
