import { runCli } from '../testing/run-cli';

describe('rstar-fleet requeue flags', () => {
  it.each(['', ' ', '1.5', '-1', '0x1', '1e2', 'abc'])(
    '--shard %j is a usage error (exit 64), never shard 0',
    async (bad) => {
      const { code, stderr } = await runCli(
        'requeue',
        '--plan',
        'no-such-plan.yaml',
        `--shard=${bad}`,
      );
      expect(code).toBe(64);
      expect(stderr).toContain(`expected an integer ≥ 0, got ${JSON.stringify(bad)}`);
    },
  );

  it('--round takes digits only too', async () => {
    const { code, stderr } = await runCli('requeue', '--plan', 'p.yaml', '--failed', '--round=');
    expect(code).toBe(64);
    expect(stderr).toContain('expected an integer ≥ 0, got ""');
  });
});
