import { openFleetContext, resolveRunId, type FleetContext } from '@rstar-fleet/orchestration';
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
