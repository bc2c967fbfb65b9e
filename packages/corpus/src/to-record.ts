import type { Adapter, Row, RowAt } from './adapters';
import { ProblemRecordSchema, type ProblemRecord } from './record';
import { CorpusRecordError } from './reject';
import { problemDigest, sha256Hex } from './text-hash';

export type RecordResult =
  { record: ProblemRecord; textDigest: string; idDigest: string } | { error: CorpusRecordError };

/** Hex digits of the text hash in hash-based ids: 64 bits, collision-free at corpus scale. */
const HASH_ID_HEX = 16;

/**
 * One source row to a validated record. Ids are stable across runs: the row's own id under the
 * dataset label when it has one, else a hash of the normalised problem text.
 */
export function toRecord(adapter: Adapter, row: Row, at: RowAt, dataset: string): RecordResult {
  let adapted;
  try {
    adapted = adapter.map(row, at);
  } catch (err) {
    if (err instanceof CorpusRecordError) return { error: err };
    throw err;
  }
  const textDigest = problemDigest(adapted.problem);
  const local = adapted.sourceId ?? `h${textDigest.slice(0, HASH_ID_HEX)}`;
  const meta =
    adapted.meta !== undefined && Object.keys(adapted.meta).length > 0 ? adapted.meta : undefined;
  const candidate = {
    id: `${dataset}-${local}`,
    problem: adapted.problem.trim(),
    answer: unwrapMath(adapted.answer.trim()),
    source: adapted.subset === undefined ? dataset : `${dataset}/${adapted.subset}`,
    ...(meta === undefined ? {} : { meta }),
  };
  const parsed = ProblemRecordSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    return {
      error: new CorpusRecordError(
        'invalid-record',
        `record ${field}: ${issue?.message ?? 'invalid'}`,
        {
          source: at.file,
          line: at.line,
          field,
        },
      ),
    };
  }
  const idDigest = sha256Hex(parsed.data.id);
  return { record: parsed.data, textDigest, idDigest };
}

/** `$210$` → `210`: answer keys (Gaokao) wrap whole answers in math delimiters the grader skips. */
function unwrapMath(answer: string): string {
  const m = /^\$\$?([^$]+?)\$?\$$/.exec(answer);
  return m?.[1]?.trim() || answer;
}
