import { createHash } from 'node:crypto';
import { runIdSchema, InvalidInputError } from '@rstar-fleet/protocol';

/** sha256 (hex) of the plan text: identifies the plan a run was started with. */
export function planHash(planText: string): string {
  return createHash('sha256').update(planText, 'utf8').digest('hex');
}

/** `<plan name>-<8 hex of sha256(plan text)>`: the same plan resumes the same run. */
export function defaultRunId(planName: string, planText: string): string {
  return `${planName}-${planHash(planText).slice(0, 8)}`.slice(0, 80);
}

/** The run id to use: the given one (validated) or the plan's default. */
export function resolveRunId(
  given: string | undefined,
  planName: string,
  planText: string,
): string {
  const run = given ?? defaultRunId(planName, planText);
  const parsed = runIdSchema.safeParse(run);
  if (!parsed.success) {
    throw new InvalidInputError(
      `run id ${JSON.stringify(run)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      { field: 'run' },
    );
  }
  return run;
}
