import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ROUND_QUEUE, SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { startPrivateRedis, type PrivateRedis } from '@rstar-fleet/local-fleet';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { planText } from '../fleet/orchestrator-fixtures';
import { repoRoot } from './promql';

/**
 * The orchestrator's queue page (bull-board under /queues) in a real headless browser (Debian's
 * chromium driven by puppeteer-core) against a real Redis holding jobs in every state: the page
 * lists the `shards` and `rounds` queues with their counts, basic auth is enforced, and the page
 * is refused on a public address without credentials. Fails when chromium is not installed
 * (`apt-get install chromium`).
 */

jest.setTimeout(120_000);

const bin = join(repoRoot, 'apps', 'cli', 'bin', 'rstar-fleet.js');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const USER = 'ops';
const PASSWORD = 'correct horse battery staple';

interface Child {
  child: ChildProcess;
  lines: string[];
  done: Promise<{ code: number | null; output: string }>;
}

function start(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, // eslint-disable-line no-restricted-properties -- test edge
  });
  const lines: string[] = [];
  let output = '';
  const onData = (c: Buffer): void => {
    output += c.toString();
    lines.push(...c.toString().split('\n').filter(Boolean));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
  return { child, lines, done };
}

async function readyPort(c: Child): Promise<number> {
  for (;;) {
    for (const line of c.lines) {
      try {
        const entry = JSON.parse(line) as { msg?: string; httpPort?: number };
        if (entry.msg === 'orchestrator ready' && typeof entry.httpPort === 'number') {
          return entry.httpPort;
        }
      } catch {
        // not a log line
      }
    }
    const exited = await Promise.race([
      c.done.then((d) => d),
      new Promise<null>((r) => setTimeout(() => r(null), 100)),
    ]);
    if (exited !== null)
      throw new Error(`orchestrator exited ${String(exited.code)}:\n${exited.output}`);
  }
}

/** What the page functions read in the browser (this project compiles without the DOM lib). */
interface BrowserGlobals {
  document: { body: { innerText: string } };
}

let redis: PrivateRedis;
let dir: string;
let prefix: string;
let orchestrator: Child | undefined;
let browser: Browser | undefined;
let holder: Worker | undefined;
let release: (() => void) | undefined;
const queues: Queue[] = [];

beforeAll(async () => {
  if (CHROMIUM === undefined) {
    throw new Error(
      'chromium is not installed (apt-get install chromium): the queue page test needs it',
    );
  }
  redis = await startPrivateRedis();
  dir = mkdtempSync(join(tmpdir(), 'rstar-queue-ui-'));
  prefix = uniquePrefix('qui');
  const connection = bullConnection({
    url: redis.url,
    role: 'producer',
    connectionName: 'qui-test',
  });
  const shards = new Queue(SHARD_QUEUE, { connection, prefix });
  const rounds = new Queue(ROUND_QUEUE, { connection, prefix });
  queues.push(shards, rounds);

  // Jobs in every state on `shards`: one completed, one failed, one active (held by this
  // worker, concurrency 1, so it takes nothing else), then one waiting and one delayed.
  const held = new Promise<void>((resolve) => (release = resolve));
  const settled = new Set<string>();
  holder = new Worker(
    SHARD_QUEUE,
    async (job: Job) => {
      if (job.name === 'ui-fail') throw new Error('ui test failure');
      if (job.name === 'ui-hold') await held;
      return { ok: true };
    },
    {
      connection: bullConnection({ url: redis.url, role: 'worker', connectionName: 'qui-holder' }),
      prefix,
      concurrency: 1,
      autorun: false,
    },
  );
  holder.on('completed', (job) => settled.add(job.name));
  holder.on('failed', (job) => settled.add(job?.name ?? ''));
  await shards.add('ui-complete', {}, { jobId: 'ui-complete' });
  await shards.add('ui-fail', {}, { jobId: 'ui-fail', attempts: 1 });
  await shards.add('ui-hold', {}, { jobId: 'ui-hold' });
  void holder.run();
  while (!(
    settled.has('ui-complete') &&
    settled.has('ui-fail') &&
    (await shards.getActiveCount()) === 1
  )) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await shards.add('ui-wait', {}, { jobId: 'ui-wait' });
  await shards.add('ui-delayed', {}, { jobId: 'ui-delayed', delay: 3_600_000 });
  await rounds.add('ui-round-delayed', {}, { jobId: 'ui-round-delayed', delay: 3_600_000 });

  // The orchestrator (no real worker): it ingests and enqueues round 1, whose three shard jobs
  // wait (the holder is busy) under a parent in `rounds` waiting for its children.
  const plan = join(dir, 'plan.yaml');
  writeFileSync(plan, planText(dir, redis.url, prefix));
  orchestrator = start(
    [
      'run',
      ...['--plan', plan, '--http-port', '0', '--no-progress', '--grace-ms', '2000'],
      ...['--queue-ui', '--queue-ui-user', USER],
    ],
    { RSTAR_QUEUE_UI_PASSWORD: PASSWORD },
  );
  const port = await readyPort(orchestrator);
  base = `http://127.0.0.1:${port}`;
  while ((await shards.getWaitingCount()) < 4) await new Promise((r) => setTimeout(r, 50));

  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // root in a container: chromium's own sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
});

let base = '';

afterAll(async () => {
  await browser?.close();
  orchestrator?.child.kill('SIGTERM');
  await orchestrator?.done;
  release?.();
  await holder?.close();
  await Promise.all(queues.map((q) => q.close()));
  await redis?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('queue page (bull-board) of the orchestrator', () => {
  it('answers 401 without or with wrong credentials', async () => {
    const none = await fetch(`${base}/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    const wrong = await fetch(`${base}/queues/api/queues`, {
      headers: { authorization: basic(USER, 'nope') },
    });
    expect(wrong.status).toBe(401);
    // The rest of the API stays open (probes, scrapes).
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });

  it('lists both queues with their job counts in a real browser', async () => {
    const api = await fetch(`${base}/queues/api/queues`, {
      headers: { authorization: basic(USER, PASSWORD) },
    });
    expect(api.status).toBe(200);
    const body = (await api.json()) as {
      queues: { name: string; counts: Record<string, number> }[];
    };
    const counts = Object.fromEntries(body.queues.map((q) => [q.name, q.counts]));
    expect(counts[SHARD_QUEUE]).toMatchObject({
      active: 1,
      completed: 1,
      failed: 1,
      delayed: 1,
      waiting: 4, // ui-wait and round 1's three shards
    });
    expect(counts[ROUND_QUEUE]).toMatchObject({ delayed: 1, 'waiting-children': 1 });

    const page = await browser!.newPage();
    await page.authenticate({ username: USER, password: PASSWORD });
    const res = await page.goto(`${base}/queues`, { waitUntil: 'networkidle0' });
    expect(res?.status()).toBe(200);
    await page.waitForFunction(
      (a: string, b: string) =>
        (globalThis as unknown as BrowserGlobals).document.body.innerText.includes(a) &&
        (globalThis as unknown as BrowserGlobals).document.body.innerText.includes(b),
      { timeout: 30_000 },
      SHARD_QUEUE,
      ROUND_QUEUE,
    );
    const text = (
      await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.innerText)
    ).replace(/\s+/g, ' ');
    // The overview: both queues with their job totals, and the counts by state (summed over
    // the queues: 2 delayed = one per queue).
    expect(text).toMatch(/\bshards\b.*\b8 Jobs\b/);
    expect(text).toMatch(/\brounds 2 Jobs\b/);
    for (const [state, n] of [
      ['ACTIVE', 1],
      ['WAITING', 4],
      ['WAITING CHILDREN', 1],
      ['COMPLETED', 1],
      ['FAILED', 1],
      ['DELAYED', 2],
    ] as const) {
      expect(text).toMatch(new RegExp(`\\b${state} ${n}\\b`, 'i'));
    }
    // The failed shard's page shows the job and its error.
    await page.goto(`${base}/queues/queue/${SHARD_QUEUE}?status=failed`, {
      waitUntil: 'networkidle0',
    });
    await page.waitForFunction(
      () => (globalThis as unknown as BrowserGlobals).document.body.innerText.includes('ui-fail'),
      {
        timeout: 30_000,
      },
    );
    expect(
      await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.innerText),
    ).toContain('ui test failure');
    await page.close();
  });

  it('refuses the page on a public address without credentials, before touching Redis', async () => {
    const c = start([
      'run',
      ...['--plan', join(dir, 'plan.yaml'), '--http-host', '0.0.0.0', '--http-port', '0'],
      '--queue-ui',
    ]);
    const done = await c.done;
    expect(done.code).not.toBe(0);
    expect(done.output).toMatch(/needs basic auth/);
  });
});
