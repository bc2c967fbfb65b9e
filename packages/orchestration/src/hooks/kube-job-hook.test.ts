import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubernetesJobHook } from './kube-job-hook';

/**
 * A tiny fake Kubernetes API (an external system): create, read, list pods, pod log and delete
 * for one Job, enough for the hook's create → watch → log → delete cycle.
 */
interface FakeKube {
  url: string;
  requests: string[];
  created: Record<string, unknown>[];
  close(): Promise<void>;
}

async function startFakeKube(opts: {
  log: string;
  failed?: boolean;
  completeAfterReads?: number;
  /** The Job already exists (a previous orchestrator created it): create answers 409. */
  exists?: boolean;
}): Promise<FakeKube> {
  const requests: string[] = [];
  const created: Record<string, unknown>[] = [];
  let reads = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = (code: number, v: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      };
      const jobs = url.pathname.match(
        /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/,
      );
      if (jobs && req.method === 'POST' && opts.exists === true) {
        return json(409, { kind: 'Status', code: 409, reason: 'AlreadyExists' });
      }
      if (jobs && req.method === 'POST') {
        const job = JSON.parse(body) as { metadata: Record<string, unknown> };
        created.push(job);
        return json(201, { ...job, metadata: { ...job.metadata, name: 'train-r1-abcde' } });
      }
      if (jobs && req.method === 'GET') {
        reads++;
        const done = reads > (opts.completeAfterReads ?? 1);
        const type = opts.failed === true ? 'Failed' : 'Complete';
        return json(200, {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: jobs[2] },
          status: { conditions: done ? [{ type, status: 'True' }] : [] },
        });
      }
      if (jobs && req.method === 'DELETE') return json(200, { kind: 'Status', status: 'Success' });
      if (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(url.pathname)) {
        return json(200, {
          kind: 'PodList',
          items: [{ metadata: { name: 'train-r1-abcde-pod' } }],
        });
      }
      if (/\/pods\/[^/]+\/log$/.test(url.pathname)) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(opts.log);
        return;
      }
      json(404, { kind: 'Status', code: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    created,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let dir: string;
let template: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rstar-kube-'));
  template = join(dir, 'job.yaml');
  writeFileSync(
    template,
    [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata: { generateName: train-r{round}- }',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: train',
      '          image: trainer:1',
      "          args: ['--sft', '{sft}', '--out', '{out}']",
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Kubernetes Job hooks (fake API server)', () => {
  it('creates the Job from the template, watches it, reads the last log line and deletes it', async () => {
    const kube = await startFakeKube({
      log: 'epoch 1\n{"policy":{"model":"pol-r1"},"loss":0.3}\n',
    });
    try {
      const out = await runKubernetesJobHook({
        template,
        namespace: 'ml',
        timeoutSeconds: 30,
        vars: { round: '1', sft: 's3://b/sft.jsonl', out: 's3://b/round-1' },
        kube: { server: kube.url },
        pollMs: 10,
      });
      expect(out).toMatchObject({
        kind: 'kubernetes-job',
        status: 'succeeded',
        target: ['job/ml/train-r1-abcde'],
        result: { policy: { model: 'pol-r1' }, loss: 0.3 },
      });
      const job = kube.created[0] as {
        metadata: { generateName: string; namespace: string };
        spec: { template: { spec: { containers: { args: string[] }[] } } };
      };
      expect(job.metadata).toMatchObject({ generateName: 'train-r1-', namespace: 'ml' });
      expect(job.spec.template.spec.containers[0]?.args).toEqual([
        '--sft',
        's3://b/sft.jsonl',
        '--out',
        's3://b/round-1',
      ]);
      expect(kube.requests.at(-1)).toMatch(
        /^DELETE \/apis\/batch\/v1\/namespaces\/ml\/jobs\/train-r1-abcde/,
      );
    } finally {
      await kube.close();
    }
  });

  it('reports a failed Job and a timeout, deleting the Job either way', async () => {
    const failing = await startFakeKube({ log: 'Traceback: OOM\n', failed: true });
    try {
      const out = await runKubernetesJobHook({
        template,
        namespace: null,
        timeoutSeconds: 30,
        vars: { round: '1' },
        kube: { server: failing.url },
        pollMs: 10,
      });
      expect(out).toMatchObject({
        status: 'failed',
        error: 'Job train-r1-abcde failed',
        stderrTail: expect.stringContaining('OOM'),
      });
      expect(failing.requests.at(-1)).toMatch(/^DELETE .*\/namespaces\/default\/jobs\//);
    } finally {
      await failing.close();
    }
    const slow = await startFakeKube({ log: '', completeAfterReads: 1_000_000 });
    try {
      const out = await runKubernetesJobHook({
        template,
        namespace: 'ml',
        timeoutSeconds: 1,
        vars: { round: '1' },
        kube: { server: slow.url },
        pollMs: 50,
      });
      expect(out).toMatchObject({ status: 'timeout', error: 'timed out after 1 s' });
      expect(slow.requests.at(-1)).toMatch(/^DELETE /);
    } finally {
      await slow.close();
    }
  });

  it('adopts a Job with a fixed name that already exists, and leaves it running when cancelled', async () => {
    const fixed = join(dir, 'fixed.yaml');
    writeFileSync(
      fixed,
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata: { name: rstar-train-r{round} }',
        'spec: { template: { spec: { restartPolicy: Never, containers: [{ name: t, image: t }] } } }',
      ].join('\n'),
    );
    const kube = await startFakeKube({ log: '{"policy":{"model":"pol-r2"}}\n', exists: true });
    try {
      const out = await runKubernetesJobHook({
        template: fixed,
        namespace: 'ml',
        timeoutSeconds: 30,
        vars: { round: '2' },
        kube: { server: kube.url },
        pollMs: 10,
      });
      expect(out).toMatchObject({
        status: 'succeeded',
        target: ['job/ml/rstar-train-r2'],
        result: { policy: { model: 'pol-r2' } },
      });
      expect(kube.created).toEqual([]);
      expect(kube.requests.at(-1)).toMatch(/^DELETE .*\/jobs\/rstar-train-r2/);
    } finally {
      await kube.close();
    }
    const running = await startFakeKube({ log: '', completeAfterReads: 1_000_000 });
    try {
      const abort = new AbortController();
      const pending = runKubernetesJobHook({
        template: fixed,
        namespace: 'ml',
        timeoutSeconds: 30,
        vars: { round: '3' },
        kube: { server: running.url },
        pollMs: 10,
        signal: abort.signal,
      });
      while (!running.requests.some((r) => r.startsWith('GET '))) {
        await new Promise((r) => setTimeout(r, 10));
      }
      abort.abort();
      const out = await pending;
      expect(out).toMatchObject({ status: 'failed' });
      expect(out.error).toMatch(/left running for the next orchestrator/);
      expect(running.requests.some((r) => r.startsWith('DELETE '))).toBe(false);
    } finally {
      await running.close();
    }
  });
});
