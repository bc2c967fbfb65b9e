import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalSolution,
  generateProblem,
  MAX_STEPS,
  MIN_STEPS,
  parseQuestion,
  renderQuestion,
  runMiniPython,
  runPythonBatch,
  SKILLS,
  synthRecord,
  synthRecordSchema,
  TAGS,
  writeSynthCorpus,
} from './index';

/** The program of the canonical solution: the code between the block tags, tags removed. */
function programOf(solution: string): string {
  const start = solution.indexOf(TAGS.codeStart) + TAGS.codeStart.length;
  const end = solution.indexOf(TAGS.codeEnd);
  return solution.slice(start, end).split(TAGS.stepEnd).join('');
}

describe('synthetic problem family', () => {
  it('is deterministic per seed and index, and differs across seeds', () => {
    expect(synthRecord(7, 3)).toEqual(synthRecord(7, 3));
    expect(synthRecord(7, 3).problem).not.toBe(synthRecord(8, 3).problem);
  });

  it('emits valid records covering every skill and difficulty', () => {
    const skills = new Set<string>();
    const steps = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const record = synthRecordSchema.parse(synthRecord(1, i));
      record.skills.forEach((s) => skills.add(s));
      steps.add(record.difficulty);
      expect(record.answer).toMatch(/^\d+$/);
    }
    expect([...skills].sort()).toEqual([...SKILLS].sort());
    expect(Math.min(...steps)).toBe(MIN_STEPS);
    expect(Math.max(...steps)).toBe(MAX_STEPS);
  });

  it('parses back every question it writes (the recovery grammar)', () => {
    for (let i = 0; i < 5000; i++) {
      const problem = generateProblem(3, i);
      expect(parseQuestion(renderQuestion(problem))).toEqual(problem);
    }
    expect(parseQuestion('What is 1 + 1?')).toBeNull();
  });

  it('writes canonical solutions whose code runs under plain Python with the claimed answer', () => {
    const records = Array.from({ length: 600 }, (_, i) => synthRecord(11, i));
    const programs = records.map((r) => programOf(r.solution));
    const runs = runPythonBatch(programs);
    records.forEach((record, i) => {
      expect(runs[i]).toEqual({ ok: true, stdout: `${record.answer}\n`, error: null });
      expect(runMiniPython(programs[i] ?? '').stdout).toBe(`${record.answer}\n`);
      expect(record.solution).toContain(`<output>${record.answer}<end_of_output>`);
      expect(record.solution.endsWith(`\\boxed{${record.answer}}\n<end_of_answer>`)).toBe(true);
    });
  });

  it('agrees with CPython on failures and exact fractions', () => {
    const programs = [
      'from fractions import Fraction\nx = Fraction(7, 2) * 3\nprint(x)\nprint(x // 2)\nprint(x % 4)',
      'v2 = v2 + 1',
      'x = Fraction(1, 2)',
      'from fractions import Fraction\nprint(Fraction(3, 0))',
      'print((-7) // 2)\nprint(-7 % 3)',
    ];
    const python = runPythonBatch(programs);
    programs.forEach((program, i) => {
      const mini = runMiniPython(program);
      expect(mini.status === 'ok').toBe(python[i]?.ok);
      expect(mini.stdout).toBe(python[i]?.stdout);
      if (!mini.status.startsWith('ok')) {
        expect(mini.stderr.split(':')[0]).toBe(python[i]?.error?.split(':')[0]);
      }
    });
  });

  it('writes a JSONL file deterministically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-'));
    await writeSynthCorpus(join(dir, 'a.jsonl'), 300, 5);
    await writeSynthCorpus(join(dir, 'b.jsonl'), 300, 5);
    const a = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8'));
    const lines = a.trimEnd().split('\n');
    expect(lines).toHaveLength(300);
    expect(JSON.parse(lines[42] ?? '')).toEqual(synthRecord(5, 42));
    expect(canonicalSolution(generateProblem(5, 42))).toBe(synthRecord(5, 42).solution);
  });
});
