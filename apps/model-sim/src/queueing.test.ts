import { compileStepProtocol } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT } from './checkpoint';
import type { Sleep } from './latency';
import { createSimServer } from './server';
import { SimState } from './state';

describe('queueing seen through the HTTP server', () => {
  it('reports running and waiting sequences in /metrics and keeps the hardware latency across loads', async () => {
    const parked: (() => void)[] = [];
    const sleep: Sleep = () => new Promise<void>((resolve) => parked.push(resolve));
    const state = new SimState(DEFAULT_CHECKPOINT, compileStepProtocol(), sleep, {
      maxNumSeqs: 2,
    });
    const sim = createSimServer(state);
    const base = `http://127.0.0.1:${await sim.listen(0)}`;
    try {
      const complete = (): Promise<Response> =>
        fetch(`${base}/v1/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prompt: 'x', max_tokens: 64 }),
        });
      const requests = [complete(), complete(), complete()];
      const gauge = async (name: string): Promise<number> => {
        const text = await (await fetch(`${base}/metrics`)).text();
        return Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text)?.[1]);
      };
      while (parked.length < 2 || (await gauge('vllm:num_requests_waiting')) < 1) {
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(await gauge('vllm:num_requests_running')).toBe(2);
      expect(await gauge('vllm:num_requests_waiting')).toBe(1);
      while (parked.length > 0 || state.scheduler.snapshot().running > 0) {
        parked.shift()?.();
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const res of await Promise.all(requests)) expect(res.status).toBe(200);
      expect(await gauge('vllm:num_requests_running')).toBe(0);

      state.load({ ...DEFAULT_CHECKPOINT, name: 'r1' });
      expect(state.checkpoint.latency.maxNumSeqs).toBe(2);
    } finally {
      await sim.close(100);
    }
  });
});
