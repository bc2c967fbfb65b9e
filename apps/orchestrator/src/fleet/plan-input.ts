import { readFile } from 'node:fs/promises';
import { parsePlan, type RunPlan } from '@rstar-fleet/config';
import { NotFoundError } from '@rstar-fleet/protocol';

/** The plan and its exact text (the run id hashes the text; plan.yaml keeps it). */
export interface PlanInput {
  plan: RunPlan;
  text: string;
}

export async function readPlanInput(path: string): Promise<PlanInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new NotFoundError(`cannot read plan ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { plan: parsePlan(text, path), text };
}
