import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleetServices, type FleetServices } from './harness';
import { planText, resetSimulator, type PlanServices } from './orchestrator-fixtures';

/** What an orchestrator suite's tests see of the fleet (see useFleetServices). */
export interface FleetSuite {
  /** The fleet's services, started once for the file. */
  readonly services: FleetServices;
  /** This test's own directory (plan, corpus, hook, store), new for each test. */
  readonly dir: string;
  /** The services as a plan names them. */
  where(): PlanServices;
  /**
   * The orchestrator suites' two-round plan (planText) in this test's directory, written to
   * `plan.yaml` where the workers read it; its text and path.
   */
  writePlan(prefix: string, options?: Parameters<typeof planText>[3]): WrittenPlan;
}

export interface WrittenPlan {
  text: string;
  path: string;
}

/**
 * The jest set-up of the suites that drive the orchestrator against the real fleet (harness.ts):
 * the services start once per file and stop after it; each test gets a fresh directory and the
 * simulator back on its base checkpoint, and its workers are stopped and its directory removed
 * after it. Call at the top level of a test file.
 */
export function useFleetServices(dirPrefix: string): FleetSuite {
  let services: FleetServices | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    services = await startFleetServices();
  });

  afterAll(async () => {
    await services?.teardown();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    await resetSimulator(suite.services.simUrl);
  });

  afterEach(async () => {
    await services?.stopWorkers();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const suite: FleetSuite = {
    get services(): FleetServices {
      if (services === undefined) throw new Error('the fleet services start in beforeAll');
      return services;
    },
    get dir(): string {
      if (dir === undefined) throw new Error("a test's directory is made in beforeEach");
      return dir;
    },
    where: () => ({
      redisUrl: suite.services.redisUrl,
      sandbox: suite.services.sandbox.address,
      simUrl: suite.services.simUrl,
    }),
    writePlan: (prefix, options) => {
      const text = planText(suite.dir, suite.where(), prefix, options);
      const path = join(suite.dir, 'plan.yaml');
      writeFileSync(path, text);
      return { text, path };
    },
  };
  return suite;
}
