import { decodeMs, stepMs } from './cost-model';
import { GPU_PRESETS } from './presets';

const h200 = GPU_PRESETS['h200-7b']!.gpu;
const h100 = GPU_PRESETS['h100-7b']!.gpu;
const a100 = GPU_PRESETS['a100-7b']!.gpu;

describe('GPU cost model', () => {
  it('reproduces the H200 floor: 5.2 ms at batch 1, 8.1 at 128, 20.7 at 512 (context 1024)', () => {
    const decode = (batch: number): number =>
      stepMs(h200, { decodeSeqs: batch, decodeContextTokens: batch * 1024, prefillTokens: 0 });
    expect(decode(1)).toBeCloseTo(5.24, 2);
    expect(decode(128)).toBeCloseTo(8.08, 2);
    expect(decode(512)).toBeCloseTo(20.72, 2);
  });

  it('grows with the batch: nearly flat while memory-bound, steep at large batches', () => {
    let last = 0;
    for (let batch = 1; batch <= 1024; batch++) {
      const ms = decodeMs(h200, batch);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
    }
    const slope = (a: number, b: number): number =>
      (decodeMs(h200, b) - decodeMs(h200, a)) / (b - a);
    expect(slope(128, 256)).toBeGreaterThan(slope(1, 64));
    expect(slope(256, 512)).toBeGreaterThan(slope(128, 256));
    expect(decodeMs(h200, 1024)).toBeGreaterThan(decodeMs(h200, 512)); // extrapolated
  });

  it('charges longer contexts for their KV reads and prefill per uncached token', () => {
    const at = (context: number): number =>
      stepMs(h200, { decodeSeqs: 512, decodeContextTokens: 512 * context, prefillTokens: 0 });
    expect(at(2048)).toBeCloseTo(26.9, 0); // measured: 26.88 ms
    // 2048 prompt tokens at ≈ 40k tokens/s (measured 51.9 ms).
    expect(
      stepMs(h200, { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: 2048 }),
    ).toBeCloseTo(51.2, 1);
    // A small prefill chunk rides along a decode step (memory-bound: the weights are read anyway).
    const decodeOnly = stepMs(h200, {
      decodeSeqs: 64,
      decodeContextTokens: 64 * 1024,
      prefillTokens: 0,
    });
    expect(
      stepMs(h200, { decodeSeqs: 64, decodeContextTokens: 64 * 1024, prefillTokens: 100 }),
    ).toBe(decodeOnly);
  });

  it('orders the presets as the chips do: H200 faster than H100, H100 faster than A100', () => {
    for (const batch of [1, 64, 256, 512]) {
      expect(decodeMs(h200, batch)).toBeLessThan(decodeMs(h100, batch));
      expect(decodeMs(h100, batch)).toBeLessThan(decodeMs(a100, batch));
    }
    expect(a100.prefillTokensPerS).toBeLessThan(h100.prefillTokensPerS);
    // H100 at 256 sequences of 1.5k context: in the notes' 10–17k output tokens/s.
    const ms = stepMs(h100, { decodeSeqs: 256, decodeContextTokens: 256 * 1536, prefillTokens: 0 });
    expect((256 * 1000) / ms).toBeGreaterThan(10_000);
    expect((256 * 1000) / ms).toBeLessThan(17_000);
  });
});
