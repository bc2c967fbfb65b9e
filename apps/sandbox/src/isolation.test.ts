import { IsolationRequirementError } from './errors';
import type { HelloMessage } from './fork-server-messages';
import { buildIsolationReport, checkRequiredLayers, formatIsolationReport } from './isolation';

function hello(layers: HelloMessage['layers']): HelloMessage {
  return {
    type: 'hello',
    protocol: 1,
    pid: 1,
    python: '3.11.2',
    executable: '/usr/bin/python3',
    preloaded: ['math', 'sympy'],
    missing: { numpy: "ModuleNotFoundError: No module named 'numpy'" },
    baseline_address_space_mb: 90,
    huge_pages_mb: 36,
    layers,
    probe: {},
  };
}

describe('isolation report', () => {
  const slot0 = hello({
    uid: { active: true, detail: 'uid 60100' },
    network: { active: false, detail: 'unshare failed: EPERM' },
  });

  it('lists every layer in a fixed order, unreported ones as unavailable', () => {
    const report = buildIsolationReport([slot0]);
    expect(report.layers.map((l) => l.layer)).toEqual([
      'uid',
      'pid',
      'network',
      'filesystem',
      'seccomp',
      'ipc',
      'cpu',
      'rlimits',
      'env',
      'cleanup',
    ]);
    expect(report.layers[0]).toEqual({ layer: 'uid', active: true, detail: 'uid 60100' });
    expect(report.layers[1]).toMatchObject({ layer: 'pid', active: false });
    expect(report.inconsistentSlots).toEqual([]);
  });

  it('flags slots that report different layers', () => {
    const other = hello({
      uid: { active: false, detail: 'not root' },
      network: slot0.layers.network!,
    });
    expect(buildIsolationReport([slot0, other]).inconsistentSlots).toEqual([1]);
  });

  it('fails on required layers that are unavailable, naming why', () => {
    const report = buildIsolationReport([slot0]);
    expect(() => checkRequiredLayers(report, ['uid'])).not.toThrow();
    expect(() => checkRequiredLayers(report, ['uid', 'network'])).toThrow(
      IsolationRequirementError,
    );
    expect(() => checkRequiredLayers(report, ['network'])).toThrow(
      'network (unshare failed: EPERM)',
    );
  });

  it('formats active and unavailable layers and missing modules', () => {
    const text = formatIsolationReport(buildIsolationReport([slot0]));
    expect(text).toContain('NOT importable: numpy');
    expect(text).toMatch(/active\s+uid\s+uid 60100/);
    expect(text).toMatch(/UNAVAILABLE\s+network\s+unshare failed: EPERM/);
  });
});
