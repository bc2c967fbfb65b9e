import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { readCorpus } from '@rstar-fleet/corpus';
import { compileTestTimeOptions, type TestTimeMode } from '@rstar-fleet/mcts';
import { openStore, readRunState, resolveRunId, testTimeModels } from '@rstar-fleet/orchestration';
import { readPlanInput } from '@rstar-fleet/orchestrator/fleet/plan-input';
import { InvalidInputError } from '@rstar-fleet/protocol';
import {
  fleetGrader,
  formatSolveRecord,
  solveRecord,
  TestTimeSolver,
  type PortsTarget,
} from '@rstar-fleet/rollout';
import type { CliIO } from '../cli-io';
import { defined, modelsFromFlags } from '../model-flags';
import type { SolveFlags } from './solve';

/** A problem to answer and, from a corpus file, its known answer. */
interface SolveInput {
  id: string;
  question: string;
  reference: string | null;
}

const DEFAULT_SANDBOX = '127.0.0.1:50051';
const DEFAULT_MAX_TOKENS = 2048;

/** The wiring of `rstar-fleet solve`: models, options, probe, then each problem in turn. */
export async function runSolve(
  problem: string | undefined,
  flags: SolveFlags,
  io: CliIO,
): Promise<void> {
  const { target, source } = await resolveTarget(flags);
  const options = compileTestTimeOptions(
    {
      mode: flags.mode as TestTimeMode,
      ...defined({
        runs: flags.runs,
        seed: flags.seed,
        concurrentRuns: flags.concurrentRuns,
        solutionMaxDepth: flags.maxDepth,
      }),
      mcts: defined({
        candidates: flags.candidates,
        rollouts: flags.rollouts,
        maxDepth: flags.maxDepth,
      }),
      beam: defined({
        candidates: flags.candidates,
        beamWidth: flags.beamWidth,
        maxDepth: flags.maxDepth,
      }),
      selection: defined({
        topK: flags.topK,
        vote: flags.vote as 'plain' | 'weighted' | undefined,
      }),
    },
    'solve',
  );
  const solver = new TestTimeSolver(target, options, { probeTimeoutMs: flags.probeTimeoutMs });
  const trees: WriteStream | null = flags.tree === undefined ? null : createWriteStream(flags.tree);
  try {
    await solver.probe();
    const many = flags.file !== undefined;
    let done = 0;
    for await (const input of problems(problem, flags, io)) {
      const started = process.hrtime.bigint();
      const outcome = await solver.solve(
        { id: input.id, question: input.question },
        many
          ? {}
          : {
              onRun: (r) =>
                io.stderr.write(
                  `solve: run ${r.run + 1}/${options.runs} done (answer ${r.answer?.answer ?? '-'})\n`,
                ),
            },
      );
      const record = await solveRecord(outcome, {
        target: solver.target,
        source,
        options,
        reference: input.reference,
        grader: fleetGrader,
        wallSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
      await write(
        io.stdout,
        flags.json === true ? `${JSON.stringify(record)}\n` : formatSolveRecord(record),
      );
      if (trees !== null) {
        for (const run of outcome.runs) await write(trees, `${JSON.stringify(run.record)}\n`);
      }
      done += 1;
      if (many) {
        io.stderr.write(
          `solve: ${done} problem(s) done; ${input.id}: ${record.answer ?? 'no answer'}` +
            `${record.correct === null ? '' : record.correct ? ' (correct)' : ' (wrong)'}\n`,
        );
      }
    }
  } finally {
    await solver.close();
    if (trees !== null) {
      trees.end();
      await once(trees, 'close');
    }
  }
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The models to ask: from the plan's run (see testTimeModels) or from the flags. */
async function resolveTarget(flags: SolveFlags): Promise<{ target: PortsTarget; source: string }> {
  const sampling = (maxTokens: number): PortsTarget['sampling'] => ({
    temperature: flags.temperature,
    topP: 1,
    maxTokens: flags.maxTokens ?? maxTokens,
  });
  if (flags.plan !== undefined) {
    const input = await readPlanInput(flags.plan);
    const run = resolveRunId(flags.run, input.plan.name, input.text);
    const store = await openStore(input.plan.store);
    const { models, source } = testTimeModels(input.plan, run, await readRunState(store, run));
    return {
      target: {
        ...models,
        sandbox: flags.sandbox === undefined ? models.sandbox : { addresses: [flags.sandbox] },
        sampling: { ...sampling(models.sampling.maxTokens), topP: models.sampling.topP },
      },
      source,
    };
  }
  return {
    target: {
      ...modelsFromFlags(flags),
      sandbox: { addresses: [flags.sandbox ?? DEFAULT_SANDBOX] },
      sampling: sampling(DEFAULT_MAX_TOKENS),
    },
    source: 'the command line',
  };
}

/** The problems: a corpus file's records, else the argument, else all of stdin. */
async function* problems(
  problem: string | undefined,
  flags: SolveFlags,
  io: CliIO,
): AsyncGenerator<SolveInput> {
  if (flags.file !== undefined) {
    const stream = readCorpus(flags.file, { adapter: flags.adapter });
    for await (const item of stream) {
      if (item.type === 'record') {
        const { id, problem: question, answer } = item.record;
        yield { id, question, reference: answer };
      } else if (item.type === 'reject') {
        io.stderr.write(`solve: skipped ${item.error.message}\n`);
      }
    }
    return;
  }
  const text = problem === undefined || problem === '-' ? await readStdin() : problem;
  if (text.trim() === '') throw new InvalidInputError('the problem is empty', { field: 'PROBLEM' });
  yield { id: 'problem', question: text.trim(), reference: null };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
