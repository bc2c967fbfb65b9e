import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RstarError } from '@rstar-fleet/protocol';
import type { RunPlan } from './compile-plan';
import { parsePlanFile } from './load-plan';
import { formatIssue, type PlanIssue } from './plan-error';

/**
 * Files a plan names that do not exist or cannot be read (NOT_FOUND, exit 66 in the CLI): one
 * issue per line, `plan.yaml:15, field corpus.path: cannot read corpus /abs/path (ENOENT ...)`.
 */
export class PlanFilesError extends RstarError {
  constructor(readonly issues: readonly PlanIssue[]) {
    super('NOT_FOUND', issues.map(formatIssue).join('\n'));
  }
}

/**
 * Checks that the local files a plan names exist and are readable from `cwd`, where relative
 * paths are resolved (they are relative to the directory the services run in, not to the plan
 * file). Only the corpus today. Kept apart from parsing, which stays pure: callers that run or
 * check the plan where it will run call this after `parsePlan`. `text` is the plan's text, for
 * the lines in the messages. URIs other than `file://` (s3://, https://) are not checked here.
 */
export async function checkPlanFiles(plan: RunPlan, text: string, cwd: string): Promise<void> {
  const path = localPath(plan.corpus.path, cwd);
  if (path === null) return;
  const problem = await unreadable(path);
  if (problem === null) return;
  const line = parsePlanFile(text, plan.source).locate(['corpus', 'path']);
  const shown = plan.corpus.path === path ? path : `${path} (${plan.corpus.path} from ${cwd})`;
  throw new PlanFilesError([
    {
      source: plan.source,
      ...(line === undefined ? {} : { line }),
      field: 'corpus.path',
      message: `cannot read corpus ${shown}: ${problem}`,
    },
  ]);
}

/** The absolute local path of a plan path, or null for a remote URI. */
function localPath(path: string, cwd: string): string | null {
  if (path.startsWith('file://')) return fileURLToPath(path);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return null;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** Why a file cannot be read as a corpus, or null when it can. */
async function unreadable(path: string): Promise<string | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      return stat.isFile() ? null : 'not a regular file';
    } finally {
      await handle.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? 'no such file' : `${e.code ?? 'error'}: ${e.message}`;
  }
}
