import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { explainGrade } from '@rstar-fleet/grader';
import { InvalidInputError, NotFoundError, RstarError } from '@rstar-fleet/protocol';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Grades a predicted answer against a reference answer with @rstar-fleet/grader: the final answer
is taken from the last \\boxed{...} (or \\fbox{...}) of PRED, then compared with REF by exact
mathematical equality (rationals at any size, expressions at random points, intervals, sets,
tuples, matrices, equations, multiple-choice letters). Undecidable pairs count as not equal.

Examples:
  $ rstar-fleet grade '\\frac{1}{2}' '0.5'                 # true
  $ rstar-fleet grade 'So the answer is \\boxed{(2,5)}.' '[2,5]'   # false
  $ rstar-fleet grade --file pairs.jsonl > graded.jsonl

With --file, every input line must be a JSON object with string (or number) fields "pred" and
"ref"; each line is written back, in order, with "equal": true|false added. A bad line is
reported on stderr as FILE:LINE and written back with "equal": null; the exit code stays 0
unless the file cannot be read.
`;

interface GradeFlags {
  file?: string;
  explain?: boolean;
}

export function gradeCommand(io: CliIO): Command {
  return new Command('grade')
    .description('grade a predicted answer (or a whole response) against a reference answer')
    .argument('[PRED]', 'predicted answer, or a whole model response (its last \\boxed{} is used)')
    .argument('[REF]', 'reference answer')
    .option('-f, --file <pairs.jsonl>', 'grade every {"pred","ref"} line of a JSONL file')
    .option('--explain', 'also report the rule that decided each verdict', false)
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async function (
      this: Command,
      pred: string | undefined,
      ref: string | undefined,
      flags: GradeFlags,
    ) {
      if (flags.file !== undefined) {
        if (pred !== undefined) this.error('error: give either PRED REF or --file, not both');
        await gradeFile(flags.file, flags.explain === true, io);
        return;
      }
      if (pred === undefined || ref === undefined)
        this.error('error: missing PRED and REF (or --file)');
      const verdict = explainGrade(pred, ref);
      const line = flags.explain === true ? JSON.stringify(verdict) : String(verdict.equal);
      io.stdout.write(`${line}\n`);
    });
}

async function gradeFile(path: string, explain: boolean, io: CliIO): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  try {
    await once(input, 'open');
  } catch (err) {
    const message = `cannot open ${path}: ${describe(err)}`;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(message, { cause: err });
    }
    throw new RstarError('INVALID_ARGUMENT', message, { cause: err });
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      const out = gradeLine(line, path, lineNo, explain, io);
      if (!io.stdout.write(`${out}\n`)) await once(io.stdout, 'drain');
    }
  } catch (err) {
    if (err instanceof RstarError) throw err;
    throw new RstarError(
      'UNAVAILABLE',
      `cannot read ${path} after line ${lineNo}: ${describe(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** One output line for one input line; bad lines are reported and written back unjudged. */
function gradeLine(
  line: string,
  source: string,
  lineNo: number,
  explain: boolean,
  io: CliIO,
): string {
  let record: Record<string, unknown>;
  try {
    record = parseRecord(line, source, lineNo);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    io.stderr.write(`rstar-fleet grade: ${err.message}\n`);
    const original = tryObject(line);
    return JSON.stringify({ ...(original ?? {}), equal: null });
  }
  const verdict = explainGrade(String(record.pred), String(record.ref));
  return JSON.stringify(
    explain
      ? { ...record, equal: verdict.equal, reason: verdict.reason }
      : { ...record, equal: verdict.equal },
  );
}

function parseRecord(line: string, source: string, lineNo: number): Record<string, unknown> {
  if (line.trim() === '') throw new InvalidInputError('empty line', { source, line: lineNo });
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new InvalidInputError('not valid JSON', { source, line: lineNo }, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError('expected a JSON object with "pred" and "ref"', {
      source,
      line: lineNo,
    });
  }
  const record = value as Record<string, unknown>;
  for (const field of ['pred', 'ref']) {
    const v = record[field];
    const ok = typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) {
      const problem = v === undefined ? 'is missing' : 'must be a string or a number';
      throw new InvalidInputError(problem, { source, line: lineNo, field });
    }
  }
  return record;
}

function tryObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
