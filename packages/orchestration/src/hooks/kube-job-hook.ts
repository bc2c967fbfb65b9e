import { readFile } from 'node:fs/promises';
import type { CoreV1Api } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { HOOK_VARIABLE_PATTERN } from '@rstar-fleet/config';
import type { HookOutcome } from '../run-state';
import type { KubeAccess } from '../types';
import { parseHookResultLine } from './last-line';

export interface KubeJobHookOptions {
  /** Path of the Job manifest template (YAML); `{var}` substituted in its text. */
  template: string;
  /** Namespace; default the manifest's, else kube.namespace, else `default`. */
  namespace: string | null;
  timeoutSeconds: number;
  vars: Partial<Record<string, string>>;
  kube: KubeAccess;
  signal?: AbortSignal;
  /** Poll interval while watching the Job. Default 2000 ms. */
  pollMs?: number;
}

interface JobManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec?: unknown;
}

/**
 * A Kubernetes Job hook (@kubernetes/client-node): create the Job from the template with the
 * variables substituted, watch it to completion within the timeout, read the last log line of
 * its pod (the hook result), and delete the Job with its pods (propagation Background) in every
 * case. Never throws: failures are outcomes with a reason.
 */
export async function runKubernetesJobHook(options: KubeJobHookOptions): Promise<HookOutcome> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  let target: string[] = [options.template];
  const outcome = (
    status: HookOutcome['status'],
    result: Record<string, unknown> | null,
    error: string | null,
    stderrTail = '',
  ): HookOutcome => ({
    kind: 'kubernetes-job',
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    target,
    exitCode: null,
    result,
    stderrTail,
    error,
  });
  // ESM-only library: loaded with a dynamic import (Node's require(esm) also works at runtime).
  const k8s = await import('@kubernetes/client-node');
  const yaml = await import('yaml');
  let manifest: JobManifest;
  try {
    const text = (await readFile(options.template, 'utf8')).replace(
      HOOK_VARIABLE_PATTERN,
      (whole, name: string) => options.vars[name] ?? whole,
    );
    manifest = yaml.parse(text) as JobManifest;
  } catch (err) {
    return outcome(
      'failed',
      null,
      `cannot read Job template ${options.template}: ${(err as Error).message}`,
    );
  }
  if (manifest?.kind !== 'Job') {
    return outcome('failed', null, `${options.template}: expected a manifest of kind Job`);
  }
  const kc = new k8s.KubeConfig();
  if (options.kube.server !== undefined) {
    kc.loadFromClusterAndUser(
      { name: 'hook', server: options.kube.server, skipTLSVerify: true },
      { name: 'hook' },
    );
  } else if (options.kube.kubeconfig !== undefined) {
    kc.loadFromFile(options.kube.kubeconfig);
  } else {
    kc.loadFromDefault();
  }
  const current = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespace =
    options.namespace ??
    manifest.metadata?.namespace ??
    options.kube.namespace ??
    current ??
    'default';
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const body = { ...manifest, metadata: { ...manifest.metadata, namespace } };
  // A template with a fixed name (unique per run and round, as the chart's is) survives an
  // orchestrator restart: the Job keeps training, and the next orchestrator adopts it here
  // (409 AlreadyExists) instead of failing or starting a second one. With generateName there
  // is nothing to adopt by, so a cancelled hook deletes its Job.
  const fixedName = manifest.metadata?.name;
  let name: string;
  try {
    const created = await batch.createNamespacedJob({ namespace, body: body as never });
    name = created.metadata?.name ?? fixedName ?? '';
  } catch (err) {
    if (statusCode(err) !== 409 || fixedName === undefined) {
      return outcome('failed', null, `cannot create Job in ${namespace}: ${describe(err)}`);
    }
    name = fixedName;
  }
  target = [`job/${namespace}/${name}`];
  let keepJob = false;
  const deadline = started + options.timeoutSeconds * 1000;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        keepJob = fixedName !== undefined;
        return outcome(
          'failed',
          null,
          keepJob ? `cancelled; Job ${name} left running for the next orchestrator` : 'cancelled',
        );
      }
      const job = await batch.readNamespacedJob({ name, namespace });
      const conditions = job.status?.conditions ?? [];
      const complete = conditions.some((c) => c.type === 'Complete' && c.status === 'True');
      const failed = conditions.some((c) => c.type === 'Failed' && c.status === 'True');
      if (complete || failed) {
        const log = await lastPodLog(core, namespace, name);
        if (failed) return outcome('failed', null, `Job ${name} failed`, log.slice(-4000));
        const parsed = parseHookResultLine(log);
        return 'error' in parsed
          ? outcome('failed', null, parsed.error, log.slice(-4000))
          : outcome('succeeded', parsed.result, null);
      }
      if (Date.now() >= deadline) {
        return outcome('timeout', null, `timed out after ${options.timeoutSeconds} s`);
      }
      await sleep(Math.min(options.pollMs ?? 2000, Math.max(0, deadline - Date.now())));
    }
  } catch (err) {
    return outcome('failed', null, `watching Job ${name}: ${describe(err)}`);
  } finally {
    if (!keepJob) {
      await batch
        .deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })
        .catch(() => undefined);
    }
  }
}

async function lastPodLog(core: CoreV1Api, namespace: string, job: string): Promise<string> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` });
  const pod = pods.items.at(-1)?.metadata?.name;
  if (pod === undefined) return '';
  const log = await core.readNamespacedPodLog({ name: pod, namespace, tailLines: 20 });
  return typeof log === 'string' ? log : String(log);
}

/** HTTP status of a client-node ApiException (`code`), else undefined. */
function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
