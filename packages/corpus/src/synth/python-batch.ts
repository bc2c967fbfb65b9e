import { spawnSync } from 'node:child_process';
import { RstarError } from '@rstar-fleet/protocol';

export interface PythonRun {
  ok: boolean;
  stdout: string;
  /** `ExceptionType: message` when the program raised. */
  error: string | null;
}

// Runs each program with exec() in a fresh namespace, stdout captured, one JSON result each:
// one interpreter start for thousands of programs keeps the checks fast.
const RUNNER = `
import io, json, sys, contextlib
programs = json.load(sys.stdin)
results = []
for source in programs:
    out = io.StringIO()
    error = None
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, "<step>", "exec"), {"__name__": "__main__"})
    except Exception as e:
        error = type(e).__name__ + ": " + str(e)
    results.append({"ok": error is None, "stdout": out.getvalue(), "error": error})
json.dump(results, sys.stdout)
`;

/**
 * Runs programs under a real CPython (default /usr/bin/python3) in one process: how tests check
 * that what the family and the simulator write is plain Python with the outputs claimed.
 * Throws when the interpreter is missing: a check that cannot run must not pass.
 */
export function runPythonBatch(
  programs: readonly string[],
  python = '/usr/bin/python3',
): PythonRun[] {
  const result = spawnSync(python, ['-c', RUNNER], {
    input: JSON.stringify(programs),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.error !== undefined || result.status !== 0) {
    throw new RstarError(
      'UNAVAILABLE',
      `cannot run ${python}: ${result.error?.message ?? result.stderr}`,
      {
        cause: result.error,
      },
    );
  }
  return JSON.parse(result.stdout) as PythonRun[];
}
