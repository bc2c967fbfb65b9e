import { InvalidInputError } from './errors';
import {
  EvalRunRecordSchema,
  evalRunKey,
  parseEvalRunRecordJson,
  type EvalRunRecord,
} from './eval-record';
import { VersionMismatchError } from './version-error';

const record: EvalRunRecord = {
  v: 1,
  benchmark: 'math500',
  mode: 'system2',
  problemId: 'test/algebra/1.json',
  reference: '\\frac{1}{2}',
  run: 3,
  seed: 1003,
  answer: '0.5',
  score: 0.91,
  nodeId: '0.1.0',
  correct: true,
  cost: {
    policyCalls: 40,
    candidates: 320,
    executions: 120,
    ppmCalls: 40,
    ppmScored: 320,
    promptTokens: 9000,
    completionTokens: 4000,
  },
  wallMs: 1234,
  gpuSeconds: null,
};

describe('EvalRunRecordSchema', () => {
  it('accepts a run record and refuses unknown fields and modes', () => {
    expect(EvalRunRecordSchema.parse(record)).toEqual(record);
    expect(EvalRunRecordSchema.safeParse({ ...record, extra: 1 }).success).toBe(false);
    expect(EvalRunRecordSchema.safeParse({ ...record, mode: 'pass@1' }).success).toBe(false);
    expect(EvalRunRecordSchema.safeParse({ ...record, v: 2 }).success).toBe(false);
  });
});

describe('evalRunKey', () => {
  it('names benchmark, mode, problem and seed, so each run of each mode is its own unit', () => {
    expect(evalRunKey(record)).toBe('math500/system2/test/algebra/1.json@1003');
    expect(evalRunKey({ ...record, mode: 'greedy' })).not.toBe(evalRunKey(record));
    expect(evalRunKey({ ...record, seed: 1004 })).not.toBe(evalRunKey(record));
  });
});

describe('parseEvalRunRecordJson', () => {
  const where = { source: 'results/0.jsonl', line: 7 };

  it('reads a results-log line back, and names file:line and the field of a bad one', () => {
    expect(parseEvalRunRecordJson(JSON.stringify(record), where)).toEqual(record);
    const bad = (text: string): unknown => {
      try {
        return parseEvalRunRecordJson(text, where);
      } catch (err) {
        return err;
      }
    };
    const notJson = bad('{"v": 1,');
    expect(notJson).toBeInstanceOf(InvalidInputError);
    expect((notJson as Error).message).toContain('results/0.jsonl:7');
    const missing = bad(JSON.stringify({ ...record, correct: undefined }));
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect((missing as InvalidInputError).where.field).toBe('correct');
    expect(bad(JSON.stringify({ ...record, v: 2 }))).toBeInstanceOf(VersionMismatchError);
  });
});
