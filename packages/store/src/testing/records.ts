import type { SearchRecord } from '@rstar-fleet/protocol';

/**
 * A minimal valid search record for `problemId`; `padding` characters of question text make it
 * as large as a real tree, so appends take long enough for a kill to land mid-write.
 */
export function searchRecordFor(problemId: string, padding = 0): SearchRecord {
  return {
    v: 1,
    problemId,
    question: `What is 1 + 1? ${'x'.repeat(padding)}`,
    reference: '2',
    prompt: '<|user|>:\nWhat is 1 + 1?\n<|assistant|>:',
    search: {
      algorithm: 'mcts',
      qRule: 'terminal',
      candidates: 1,
      maxDepth: 16,
      seed: 0,
      collapseAnswers: false,
      rollouts: 1,
    },
    stats: {
      rollouts: 1,
      expansions: 1,
      candidates: 1,
      duplicates: 0,
      executions: 0,
      ppmCalls: 0,
      ppmScored: 0,
      promptTokens: 0,
      completionTokens: 0,
      contextOverflows: 0,
      terminals: { answer: 1, 'code-error': 0, invalid: 0, 'depth-limit': 0 },
      correct: 1,
      wrong: 0,
      solved: true,
    },
    nodes: [
      { id: '0', parent: null, depth: 0, text: '', kind: 'root', q: 1, n: 1, exhausted: true },
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
    ],
  };
}
