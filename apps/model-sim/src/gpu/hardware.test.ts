import { DEFAULT_CHECKPOINT } from '../checkpoint';
import { hardwareOverride } from './hardware';
import { GPU_PRESETS } from './presets';

describe('hardware flags', () => {
  it('applies a preset, then the single flags over it', () => {
    const out = hardwareOverride(
      { gpu: 'a100-7b', prefixCaching: 'off', timeScale: 0.5, maxNumSeqs: 512 },
      DEFAULT_CHECKPOINT,
    );
    expect(out.maxNumSeqs).toBe(512);
    expect(out.kvCacheTokens).toBe(GPU_PRESETS['a100-7b']!.kvCacheTokens);
    expect(out.gpu).toMatchObject({ name: 'a100-7b', prefixCaching: false, timeScale: 0.5 });
    // The preset itself is not changed.
    expect(GPU_PRESETS['a100-7b']!.gpu.prefixCaching).toBe(true);
  });

  it('leaves the fixed latency model alone without GPU flags', () => {
    expect(hardwareOverride({ ttftMs: 40 }, DEFAULT_CHECKPOINT)).toEqual({ ttftMs: 40 });
  });

  it('names the flag of an unknown preset, or of a GPU setting without a GPU model', () => {
    expect(() => hardwareOverride({ gpu: 'tpu' }, DEFAULT_CHECKPOINT)).toThrow(/--gpu.*h200-7b/);
    expect(() => hardwareOverride({ prefixCaching: 'off' }, DEFAULT_CHECKPOINT)).toThrow(
      /--prefix-caching/,
    );
  });
});
