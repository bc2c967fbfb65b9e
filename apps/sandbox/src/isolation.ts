import { ISOLATION_LAYERS, type IsolationLayer } from './config';
import { IsolationRequirementError } from './errors';
import type { HelloMessage } from './fork-server-messages';

export interface LayerReport {
  layer: IsolationLayer;
  active: boolean;
  detail: string;
}

/** What the pool's fork-servers reported at start-up, in a fixed order. */
export interface IsolationReport {
  layers: LayerReport[];
  python: string;
  executable: string;
  preloaded: string[];
  /** Preload modules that could not be imported, with the error. */
  missing: Record<string, string>;
  baselineAddressSpaceMb: number;
  hugePagesMb: number;
  /** Slots whose report differs from slot 0's (should be none). */
  inconsistentSlots: number[];
}

function layersOf(hello: HelloMessage): LayerReport[] {
  return ISOLATION_LAYERS.map((layer) => {
    const state = hello.layers[layer];
    return state
      ? { layer, active: state.active, detail: state.detail }
      : { layer, active: false, detail: 'not reported by the fork-server' };
  });
}

export function buildIsolationReport(hellos: readonly HelloMessage[]): IsolationReport {
  const first = hellos[0];
  if (!first) throw new Error('no fork-server reported');
  const reference = JSON.stringify(layersOf(first).map((l) => [l.layer, l.active]));
  const inconsistentSlots = hellos
    .map((h, i) => [i, JSON.stringify(layersOf(h).map((l) => [l.layer, l.active]))] as const)
    .filter(([, s]) => s !== reference)
    .map(([i]) => i);
  return {
    layers: layersOf(first),
    python: first.python,
    executable: first.executable,
    preloaded: first.preloaded,
    missing: first.missing,
    baselineAddressSpaceMb: first.baseline_address_space_mb,
    hugePagesMb: first.huge_pages_mb,
    inconsistentSlots,
  };
}

/** Throws IsolationRequirementError when a required layer is not active. */
export function checkRequiredLayers(
  report: IsolationReport,
  required: readonly IsolationLayer[],
): void {
  const missing = report.layers.filter((l) => required.includes(l.layer) && !l.active);
  if (missing.length > 0) throw new IsolationRequirementError(missing);
}

/** Human-readable lines for start-up logs and `--check`. */
export function formatIsolationReport(report: IsolationReport): string {
  const width = Math.max(...report.layers.map((l) => l.layer.length));
  const lines = report.layers.map(
    (l) => `  ${l.active ? 'active     ' : 'UNAVAILABLE'}  ${l.layer.padEnd(width)}  ${l.detail}`,
  );
  const missing = Object.entries(report.missing).map(([m, e]) => `${m} (${e})`);
  return [
    `python ${report.python} (${report.executable}); preloaded: ${report.preloaded.join(', ') || 'none'}` +
      (missing.length > 0 ? `; NOT importable: ${missing.join(', ')}` : ''),
    ...lines,
  ].join('\n');
}
