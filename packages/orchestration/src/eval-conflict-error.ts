import { RstarError, type EvalManifest } from '@rstar-fleet/protocol';

/** Differences named one by one in the message; the rest are counted. */
const LISTED = 8;

/**
 * An evaluation of the same name and round exists with other settings: it is never mixed with
 * the new one (its records would count under settings they were not searched with).
 */
export class EvalConflictError extends RstarError {
  constructor(
    readonly stored: EvalManifest,
    readonly wanted: EvalManifest,
    readonly differences: readonly string[],
  ) {
    const what = differences
      .slice(0, LISTED)
      .map((path) => `${path}: ${show(stored, path)} → ${show(wanted, path)}`);
    const more = differences.length > LISTED ? [`… and ${differences.length - LISTED} more`] : [];
    super(
      'FAILED_PRECONDITION',
      `evaluation "${stored.name}" of run ${stored.run}, round ${stored.round} exists with other ` +
        `settings (${[...what, ...more].join('; ')}); pass --name to start another evaluation`,
    );
  }
}

function show(manifest: EvalManifest, path: string): string {
  let value: unknown = manifest;
  for (const part of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  return value === undefined ? '(none)' : JSON.stringify(value);
}
