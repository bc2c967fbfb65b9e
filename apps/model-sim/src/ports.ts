import { runMiniPython } from '@rstar-fleet/corpus';
import type {
  ExecutionResult,
  ExecutorPort,
  PolicyPort,
  RewardPort,
  StepCandidate,
  StepProtocol,
} from '@rstar-fleet/mcts';
import type { Checkpoint } from './checkpoint';
import { generate } from './generate';
import { ppmValue } from './ppm';
import { countTokens } from './tokens';

/**
 * The simulator as in-process search ports (no HTTP): what calibration, benchmarks and fast tests
 * drive `createMcts` with. `checkpoint()` is read on every call, so a loop can swap checkpoints
 * between rounds. The executor runs the family's Python subset exactly (mini-python), which the
 * tests hold equal to CPython on everything the simulator writes.
 */
export interface SimPorts {
  policy: PolicyPort;
  executor: ExecutorPort;
  reward: RewardPort;
}

export function createSimPorts(
  checkpoint: () => Checkpoint,
  protocol: StepProtocol,
  maxTokens = 1024,
): SimPorts {
  return {
    policy: {
      expand(request): Promise<StepCandidate[]> {
        const choices = generate(
          {
            prompt: request.prompt,
            n: request.n,
            maxTokens,
            temperature: 1,
            seed: request.seed,
            stop: request.stop,
            includeStopInOutput: false,
          },
          checkpoint(),
          protocol,
        );
        const prompt = countTokens(request.prompt);
        return Promise.resolve(
          choices.map((c) => ({
            text: c.text,
            stop: c.stopReason,
            finishReason: c.finishReason,
            tokens: { prompt, completion: c.completionTokens },
          })),
        );
      },
    },
    executor: {
      execute(programs): Promise<ExecutionResult[]> {
        return Promise.resolve(
          programs.map((program) => {
            const run = runMiniPython(program);
            return {
              status: run.status === 'ok' ? 'ok' : 'error',
              stdout: run.stdout,
              stderr: run.stderr,
            };
          }),
        );
      },
    },
    reward: {
      score(prefixes): Promise<number[]> {
        return Promise.resolve(prefixes.map((p) => ppmValue(p, checkpoint(), protocol)));
      },
    },
  };
}
