import { InvalidInputError } from './errors';
import { parseSearchRecord, parseSearchRecordJson, type SearchRecord } from './search-record';

function validRecord(): SearchRecord {
  return {
    v: 1,
    problemId: 'p1',
    question: 'What is 1 + 1?',
    reference: '2',
    prompt: '<|user|>:\nWhat is 1 + 1?\n<|assistant|>:',
    search: {
      algorithm: 'mcts',
      qRule: 'terminal',
      candidates: 2,
      maxDepth: 16,
      seed: 0,
      collapseAnswers: false,
      rollouts: 1,
      c: 2,
      unvisited: 'zero',
      concurrency: 1,
    },
    stats: {
      rollouts: 1,
      expansions: 1,
      candidates: 2,
      duplicates: 0,
      executions: 0,
      ppmCalls: 0,
      ppmScored: 0,
      promptTokens: 0,
      completionTokens: 0,
      contextOverflows: 0,
      terminals: { answer: 2, 'code-error': 0, invalid: 0, 'depth-limit': 0 },
      correct: 1,
      wrong: 1,
      solved: true,
    },
    nodes: [
      { id: '0', parent: null, depth: 0, text: '', kind: 'root', q: 0, n: 2, exhausted: true },
      {
        id: '0.0',
        parent: '0',
        depth: 1,
        text: '\\boxed{2}<end_of_answer>',
        kind: 'answer',
        terminal: 'answer',
        q: 1,
        n: 1,
        answer: '2',
        correct: true,
      },
      {
        id: '0.1',
        parent: '0',
        depth: 1,
        text: '\\boxed{3}<end_of_answer>',
        kind: 'answer',
        terminal: 'answer',
        q: -1,
        n: 1,
        answer: '3',
        correct: false,
      },
    ],
  };
}

function fieldOfError(input: unknown): string | undefined {
  try {
    parseSearchRecord(input, { source: 'shard-1.jsonl', line: 7 });
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.message).toMatch(/^shard-1\.jsonl:7/);
    return e.where.field;
  }
  throw new Error('expected the record to be rejected');
}

describe('search record schema', () => {
  it('accepts a valid record and keeps it intact', () => {
    const record = validRecord();
    expect(parseSearchRecord(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('names the offending field', () => {
    const badQ = validRecord() as unknown as { nodes: Record<string, unknown>[] };
    (badQ.nodes[1] as Record<string, unknown>).q = 'high';
    expect(fieldOfError(badQ)).toBe('nodes.1.q');

    const badVersion = { ...validRecord(), v: 2 };
    expect(fieldOfError(badVersion)).toBe('v');

    const noStats = { ...validRecord(), stats: undefined };
    expect(fieldOfError(noStats)).toBe('stats');
  });

  it('rejects trees that do not hang together', () => {
    const orphan = validRecord();
    orphan.nodes[2] = { ...orphan.nodes[2]!, parent: '0.9' };
    expect(fieldOfError(orphan)).toBe('nodes.2.parent');

    const depth = validRecord();
    depth.nodes[1] = { ...depth.nodes[1]!, depth: 3 };
    expect(fieldOfError(depth)).toBe('nodes.1.depth');

    const dup = validRecord();
    dup.nodes[2] = { ...dup.nodes[2]!, id: '0.0' };
    expect(fieldOfError(dup)).toBe('nodes.2.id');

    const qTooBig = validRecord();
    qTooBig.nodes[1] = { ...qTooBig.nodes[1]!, q: 2 };
    expect(fieldOfError(qTooBig)).toBe('nodes.1.q');

    const underTerminal = validRecord();
    underTerminal.nodes.push({ ...underTerminal.nodes[2]!, id: '0.0.0', parent: '0.0', depth: 2 });
    expect(fieldOfError(underTerminal)).toBe('nodes.3.parent');

    const gradedAtTestTime = { ...validRecord(), reference: null };
    expect(fieldOfError(gradedAtTestTime)).toBe('nodes.1.correct');

    const rootless = validRecord();
    rootless.nodes[0] = { ...rootless.nodes[0]!, kind: 'code' };
    expect(fieldOfError(rootless)).toBe('nodes.0.kind');
  });

  it('counts further problems in the message', () => {
    const bad = validRecord() as unknown as Record<string, unknown>;
    bad.problemId = '';
    bad.prompt = 5;
    expect(() => parseSearchRecord(bad)).toThrow(/and 1 more problem/);
  });

  it('parses JSON lines and reports bad JSON with its location', () => {
    expect(parseSearchRecordJson(JSON.stringify(validRecord())).problemId).toBe('p1');
    expect(() => parseSearchRecordJson('{"v":1,', { source: 'r.jsonl', line: 3 })).toThrow(
      'r.jsonl:3: search record is not valid JSON',
    );
  });
});
