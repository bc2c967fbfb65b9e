import { ContextOverflowError, InvalidInputError } from '@rstar-fleet/protocol';
import { PortError } from '../errors';
import type { ExecutionResult, ExecutorPort, PolicyPort } from '../ports';
import { toRecord } from '../record';
import {
  checkRecordInvariants,
  exactGrader,
  runToyProgram,
  scriptedPolicy,
  scriptedReward,
  scriptedStep as step,
} from '../testing';
import { createMcts } from './mcts';
import { deriveSeed } from './seed';

function recordingExecutor(override?: (program: string) => ExecutionResult | undefined) {
  const calls: string[][] = [];
  const executor: ExecutorPort = {
    execute(programs) {
      calls.push([...programs]);
      return Promise.resolve(programs.map((p) => override?.(p) ?? runToyProgram(p)));
    },
  };
  return { executor, calls };
}

const problem = { id: 'p', question: 'q', reference: '2' };

describe('expansion', () => {
  it('deduplicates identical step texts and counts the duplicates', async () => {
    const policy = scriptedPolicy({
      '0': [step.answer('2'), step.answer('2'), step.answer('3'), step.answer('2')],
    });
    const { executor } = recordingExecutor();
    const result = await createMcts(
      { policy, executor, grader: exactGrader },
      { collapseAnswers: false },
    ).search(problem);
    expect(result.tree.root.children.map((c) => c.answer)).toEqual(['2', '3']);
    expect(result.stats).toMatchObject({ candidates: 4, duplicates: 2 });
  });

  it("keeps only the first answer when any candidate is one (rStar's llm_generate); collapseAnswers: false keeps all", async () => {
    const script = {
      '0': [step.code('<code>\nx = 1\n'), step.answer('3'), step.answer('2')],
      '0.0': [step.answer('2')],
    };
    const { executor } = recordingExecutor();
    const plain = await createMcts(
      { policy: scriptedPolicy(script), executor, grader: exactGrader },
      { rollouts: 1, collapseAnswers: false },
    ).search(problem);
    expect(plain.tree.root.children).toHaveLength(3);
    const collapsed = await createMcts(
      { policy: scriptedPolicy(script), executor, grader: exactGrader },
      { rollouts: 1 },
    ).search(problem);
    expect(collapsed.tree.root.children.map((c) => c.answer)).toEqual(['3']);
  });

  it('runs the cumulative program of the open code block, siblings in one batched call', async () => {
    const policy = scriptedPolicy({
      '0': [step.code('<code>\nx = 1\n')],
      '0.0': [step.code('y = x + 1\n'), step.close('print(x)\n')],
      '0.0.0': [step.close('print(y)\n')],
      '0.0.0.0': [step.code('<code>\nz = 5\n')],
      '0.0.0.0.0': [step.answer('2')],
      '0.0.1': [step.answer('1')],
    });
    const { executor, calls } = recordingExecutor();
    const result = await createMcts(
      { policy, executor, grader: exactGrader },
      { rollouts: 4 },
    ).search(problem);
    expect(calls).toEqual([
      ['\nx = 1\n'],
      ['\nx = 1\ny = x + 1\n', '\nx = 1\nprint(x)\n'],
      ['\nx = 1\ny = x + 1\nprint(y)\n'],
      // A new block after a closed one starts from scratch.
      ['\nz = 5\n'],
    ]);
    expect(result.stats.executions).toBe(5);
    const texts = [...result.tree.nodes()].map((n) => n.text);
    expect(texts).toContain('print(y)\n<end_of_code>\n<output>2<end_of_output>');
  });

  it('uses the executor\'s status, not the word "error" in the output, to detect failures', async () => {
    const policy = scriptedPolicy({
      '0': [
        step.close('<code>\nprint_error_count = 0\n'),
        step.code('<code>\nslow = 1\n'),
        step.code('<code>\nbig = 1\n'),
      ],
      '0.0': [step.answer('2')],
    });
    const { executor } = recordingExecutor((program) => {
      if (program.includes('print_error_count'))
        return { status: 'ok', stdout: 'error: none', stderr: '' };
      if (program.includes('slow')) return { status: 'timeout', stdout: '', stderr: '' };
      if (program.includes('big')) return { status: 'memory', stdout: '', stderr: 'MemoryError' };
      return undefined;
    });
    const record = toRecord(
      await createMcts({ policy, executor, grader: exactGrader }).search(problem),
    );
    const [ok, slow, big] = record.nodes.slice(1, 4);
    expect(ok).toMatchObject({
      kind: 'code-close',
      text: expect.stringContaining('<output>error: none<end_of_output>') as unknown,
    });
    expect(ok?.terminal).toBeUndefined();
    expect(slow).toMatchObject({ terminal: 'code-error', exec: 'timeout', q: -1, n: 1 });
    expect(big).toMatchObject({ terminal: 'code-error', exec: 'memory' });
  });

  it('makes non-answer steps deeper than maxDepth depth-limit terminals without executing them', async () => {
    // rStar's count: maxDepth 2 allows code at depths 1 and 2 and an answer at depth 3.
    const policy = scriptedPolicy({
      '0': [step.code('<code>\nx = 1\n')],
      '0.0': [step.code('w = 0\n')],
      '0.0.0': [step.code('y = 2\n'), step.answer('2')],
    });
    const { executor, calls } = recordingExecutor();
    const record = toRecord(
      await createMcts(
        { policy, executor, grader: exactGrader },
        { maxDepth: 2, collapseAnswers: false },
      ).search(problem),
    );
    expect(record.nodes.find((n) => n.id === '0.0.0.0')).toMatchObject({
      terminal: 'depth-limit',
      q: -1,
      n: 1,
    });
    expect(record.nodes.find((n) => n.id === '0.0.0.1')).toMatchObject({
      terminal: 'answer',
      correct: true,
    });
    expect(calls).toHaveLength(2);
    expect(record.stats.terminals['depth-limit']).toBe(1);
    expect(checkRecordInvariants(record)).toEqual([]);
  });

  it('turns a context overflow into an invalid terminal and keeps searching', async () => {
    const inner = scriptedPolicy({
      '0': [step.code('<code>\nx = 1\n'), step.code('<code>\nx = 2\n')],
      '0.1': [step.answer('2')],
    });
    const policy: PolicyPort = {
      expand(request) {
        if (request.nodeId === '0.0') {
          return Promise.reject(
            new ContextOverflowError('too long', { requested: 5000, limit: 4096 }),
          );
        }
        return inner.expand(request);
      },
    };
    const { executor } = recordingExecutor();
    const record = toRecord(
      await createMcts({ policy, executor, grader: exactGrader }).search(problem),
    );
    expect(record.nodes.find((n) => n.id === '0.0')).toMatchObject({
      terminal: 'invalid',
      q: -1,
      n: 1,
    });
    expect(record.stats).toMatchObject({ contextOverflows: 1, solved: true });
    expect(record.nodes[0]?.exhausted).toBe(true);
    expect(checkRecordInvariants(record)).toEqual([]);
  });

  it('turns an empty expansion into an invalid terminal', async () => {
    const policy = scriptedPolicy({ '0': [step.code('<code>\nx = 1\n')], '0.0': [] });
    const { executor } = recordingExecutor();
    const record = toRecord(
      await createMcts({ policy, executor, grader: exactGrader }).search(problem),
    );
    expect(record.nodes.find((n) => n.id === '0.0')).toMatchObject({ terminal: 'invalid' });
    expect(record.nodes[0]?.exhausted).toBe(true);
  });

  it('sends n, depth, the stop list and a seed derived from the search seed and node id', async () => {
    const policy = scriptedPolicy({
      '0': [step.code('<code>\nx = 1\n')],
      '0.0': [step.answer('2')],
    });
    const { executor } = recordingExecutor();
    await createMcts({ policy, executor, grader: exactGrader }, { candidates: 5, seed: 7 }).search(
      problem,
    );
    expect(
      policy.calls.map(({ nodeId, n, depth, seed, stop }) => ({ nodeId, n, depth, seed, stop })),
    ).toEqual([
      {
        nodeId: '0',
        n: 5,
        depth: 1,
        seed: deriveSeed(7, '0'),
        stop: ['<end_of_step>', '<end_of_code>', '<end_of_answer>'],
      },
      {
        nodeId: '0.0',
        n: 5,
        depth: 2,
        seed: deriveSeed(7, '0.0'),
        stop: ['<end_of_step>', '<end_of_code>', '<end_of_answer>'],
      },
    ]);
    expect(deriveSeed(7, '0')).not.toBe(deriveSeed(8, '0'));
    expect(deriveSeed(7, '0')).not.toBe(deriveSeed(7, '0.0'));
    expect(Number.isInteger(deriveSeed(7, '0')) && deriveSeed(7, '0') >= 0).toBe(true);
  });

  it('sums token counts reported by the policy', async () => {
    const policy: PolicyPort = {
      expand: () =>
        Promise.resolve([
          { ...step.answer('2'), tokens: { prompt: 30, completion: 7 } },
          { ...step.answer('4'), tokens: { prompt: 30, completion: 8 } },
        ]),
    };
    const { executor } = recordingExecutor();
    const result = await createMcts({ policy, executor, grader: exactGrader }).search(problem);
    expect([result.stats.promptTokens, result.stats.completionTokens]).toEqual([60, 15]);
  });
});

describe('port failures', () => {
  const okPolicy = scriptedPolicy({
    '0': [step.code('<code>\nx = 1\n'), step.answer('2')],
    '0.0': [step.answer('2')],
  });
  const { executor } = recordingExecutor();

  it('fails the search with a PortError naming the port and keeping the cause', async () => {
    const cause = new Error('connection reset');
    const policy: PolicyPort = { expand: () => Promise.reject(cause) };
    const err = await createMcts({ policy, executor, grader: exactGrader })
      .search(problem)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortError);
    expect(err).toMatchObject({ port: 'policy', code: 'INTERNAL', cause });
  });

  it('rejects answers that break the port contract', async () => {
    const short: ExecutorPort = { execute: () => Promise.resolve([]) };
    await expect(
      createMcts(
        { policy: okPolicy, executor: short, grader: exactGrader },
        { collapseAnswers: false },
      ).search(problem),
    ).rejects.toMatchObject({
      port: 'executor',
      message: expect.stringContaining('expected 1 results') as unknown,
    });
    const badReward = { score: () => Promise.resolve([3]) };
    await expect(
      createMcts(
        { policy: okPolicy, executor, grader: exactGrader, reward: badReward },
        { qRule: 'ppm', collapseAnswers: false },
      ).search(problem),
    ).rejects.toMatchObject({ port: 'reward' });
    const badPolicy: PolicyPort = { expand: () => Promise.resolve([{ text: 1 }] as never) };
    await expect(
      createMcts({ policy: badPolicy, executor, grader: exactGrader }).search(problem),
    ).rejects.toMatchObject({
      port: 'policy',
    });
    const badGrader = { equal: () => 'yes' as never };
    await expect(
      createMcts({ policy: okPolicy, executor, grader: badGrader }).search(problem),
    ).rejects.toMatchObject({
      port: 'grader',
    });
  });
});

describe('options and inputs', () => {
  const ports = {
    policy: scriptedPolicy({}),
    executor: recordingExecutor().executor,
    grader: exactGrader,
  };

  it('validates options once, naming the field', () => {
    expect(() => createMcts(ports, { rollouts: 0 })).toThrow('field mcts.rollouts');
    expect(() => createMcts(ports, { unvisited: 'none' as never })).toThrow('field mcts.unvisited');
    expect(() => createMcts(ports, { roolouts: 3 } as never)).toThrow('field mcts.roolouts');
    expect(() => createMcts(ports, { protocol: { stepEnd: '' } })).toThrow(
      'field mcts.protocol.stepEnd',
    );
    expect(() => createMcts(ports, { qRule: 'ppm' })).toThrow(InvalidInputError);
    expect(() => createMcts(ports, { qRule: 'ppm' })).toThrow('field ports.reward');
  });

  it('applies rStar defaults', () => {
    expect(createMcts(ports).options).toMatchObject({
      rollouts: 16,
      candidates: 8,
      maxDepth: 16,
      c: 2,
      unvisited: 'zero',
      qRule: 'terminal',
      concurrency: 1,
      collapseAnswers: true,
      errorsThreshold: 1,
    });
  });

  it('needs a reward port for test-time search and a valid problem', async () => {
    await expect(createMcts(ports).search({ id: 'p', question: 'q' })).rejects.toThrow(
      'field ports.reward',
    );
    await expect(
      createMcts(ports).search({ id: '', question: 'q', reference: '1' }),
    ).rejects.toThrow('field problem.id');
  });

  it('a reward port alone does not switch the terminal rule to PPM scoring', async () => {
    const reward = scriptedReward([], 0.5);
    const policy = scriptedPolicy({
      '0': [step.code('<code>\nx = 1\n')],
      '0.0': [step.answer('2')],
    });
    const result = await createMcts({ ...ports, policy, reward }).search(problem);
    expect(reward.calls).toEqual([]);
    expect(result.tree.root.children[0]?.ppm).toBeNull();
  });
});
