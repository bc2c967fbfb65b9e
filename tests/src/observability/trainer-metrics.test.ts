import {
  allExpressions,
  metricNames,
  readDashboard,
  readTrainerMetrics,
  TRAINER_METRICS_PATH,
} from './promql';

/**
 * The trainer (`rstar-train round`, the train hook) is not part of the fleet that
 * metrics.test.ts scrapes, so the dashboard's Training row is checked against the trainer's
 * metrics contract, infra/prometheus/trainer-metrics.json, which the trainer must export. Every
 * other panel and rule is checked against the real fleet there; together no query is unchecked.
 */

const trainer = readTrainerMetrics();
const trainerNames = new Set(trainer.map((m) => m.name));

/** The panels under the row titled `title` (rows are flat in the panel list). */
function rowPanels(title: string) {
  const panels = readDashboard().panels;
  const start = panels.findIndex((p) => p.type === 'row' && p.title === title);
  const end = panels.findIndex((p, i) => i > start && p.type === 'row');
  return start < 0 ? [] : panels.slice(start + 1, end < 0 ? undefined : end);
}

describe('the trainer metrics contract', () => {
  it('names the agreed metrics, typed and labelled by stage, in the naming conventions', () => {
    expect(TRAINER_METRICS_PATH.endsWith('infra/prometheus/trainer-metrics.json')).toBe(true);
    const perStage = [
      'loss',
      'learning_rate',
      'step',
      'planned_steps',
      'samples_per_second',
      'tokens_per_second',
      'eta_seconds',
    ].map((n) => `rstar_trainer_${n}`);
    expect(trainer.map((m) => m.name).sort()).toEqual(
      [...perStage, 'rstar_trainer_truncated_pairs_total', 'rstar_trainer_up'].sort(),
    );
    for (const m of trainer) {
      expect([m.name, m.type === 'counter']).toEqual([m.name, m.name.endsWith('_total')]);
      expect([m.name, m.labels]).toEqual([m.name, perStage.includes(m.name) ? ['stage'] : []]);
    }
  });

  it('the Training row shows every trainer metric and queries nothing else', () => {
    const panels = rowPanels('Training');
    expect(panels.length).toBeGreaterThan(0);
    const used = new Set<string>();
    for (const panel of panels) {
      for (const t of panel.targets ?? []) {
        for (const name of metricNames(t.expr)) {
          expect([panel.title, name, trainerNames.has(name)]).toEqual([panel.title, name, true]);
          used.add(name);
        }
      }
    }
    expect([...used].sort()).toEqual([...trainerNames].sort());
  });

  it('no panel or rule outside the Training row queries a trainer metric', () => {
    const training = new Set(rowPanels('Training').map((p) => `panel "${p.title}"`));
    const elsewhere = allExpressions().filter(
      (e) => !training.has(e.where) && [...metricNames(e.expr)].some((n) => trainerNames.has(n)),
    );
    expect(elsewhere).toEqual([]);
  });
});
