import { RstarError, type RoundManifest } from '@rstar-fleet/protocol';
import { manifestChecks, SandboxProbeClients } from './dependency-health';

/** What a probe looks at: the servers a target names. */
export type ProbedTarget = Pick<RoundManifest, 'policy' | 'ppm' | 'sandbox'>;

/**
 * Asks every dependency `target` names (sandbox health, policy and PPM `/health`) once, in
 * parallel, each within `timeoutMs`, so an unreachable server fails a command or a job in
 * seconds, naming it (RstarError UNAVAILABLE: `ppm sim http://… unreachable: …`), instead of
 * after the searches' outage retries.
 */
export async function probeDependencies(target: ProbedTarget, timeoutMs: number): Promise<void> {
  const sandboxes = new SandboxProbeClients(timeoutMs);
  try {
    const failures = await Promise.all(
      manifestChecks(target, sandboxes).map(async (check) => {
        try {
          await check.probe(AbortSignal.timeout(timeoutMs));
          return null;
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          return new RstarError(
            'UNAVAILABLE',
            `${check.dependency} ${check.endpoint} unreachable: ${detail}`,
            { cause: err },
          );
        }
      }),
    );
    const failed = failures.find((f) => f !== null);
    if (failed !== undefined && failed !== null) throw failed;
  } finally {
    sandboxes.close();
  }
}
