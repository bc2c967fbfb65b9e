import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { NotFoundError } from '@rstar-fleet/protocol';
import { compilePlan, type RunPlan } from './compile-plan';
import { PlanError, dottedPath, type PlanIssue } from './plan-error';
import { planFileSchema, type PlanFile } from './plan-schema';

/** Finds the line of a field, or of its nearest written ancestor when it is missing. */
export type Locate = (path: readonly PropertyKey[]) => number | undefined;

export interface ParsedPlanFile {
  file: PlanFile;
  locate: Locate;
}

/**
 * Parses and validates plan text (no defaults applied): YAML syntax errors and every schema
 * issue are reported together in one PlanError, each with `source:line, field`.
 */
export function parsePlanFile(text: string, source = 'plan.yaml'): ParsedPlanFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PlanError(
      doc.errors.map((e) => ({
        source,
        line: e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line,
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const locate: Locate = (path) => lineOf(doc, lineCounter, path);
  const value: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  const result = planFileSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) =>
      toPlanIssues(issue, [], source, doc, lineCounter),
    );
    // In file order (stable: issues on one line keep zod's order).
    throw new PlanError(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return { file: result.data, locate };
}

/** Parses, validates and compiles plan text into a fully-defaulted RunPlan. */
export function parsePlan(text: string, source = 'plan.yaml'): RunPlan {
  const { file, locate } = parsePlanFile(text, source);
  return compilePlan(file, { source, locate });
}

/** Reads a plan file; a missing file is NOT_FOUND, anything wrong inside is a PlanError. */
export async function loadPlan(path: string): Promise<RunPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new NotFoundError(`cannot read plan ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parsePlan(text, path);
}

type Issue = z.core.$ZodIssue;

/**
 * One zod issue → plan issues with lines. Unknown keys become one issue per key (at the key's
 * line); a union that failed inside the branch whose type matched reports that branch's issues.
 */
function toPlanIssues(
  issue: Issue,
  base: readonly PropertyKey[],
  source: string,
  doc: Document,
  lc: LineCounter,
): PlanIssue[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const at = [...path, key];
      return {
        source,
        ...lineField(doc, lc, at),
        message: 'unknown key (a typo?)',
      };
    });
  }
  if (issue.code === 'invalid_union') {
    const matched = issue.errors.filter(
      (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
    );
    const [branch] = matched;
    if (matched.length === 1 && branch !== undefined) {
      return branch.flatMap((i) => toPlanIssues(i, path, source, doc, lc));
    }
  }
  const node = nodeAt(doc, path);
  let message = issue.message;
  // zod's own wording ("Invalid input: expected object, received array") for plan readers.
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input')) {
    if (issue.expected === 'object') message = 'expected a mapping (key: value)';
    if (issue.expected === 'array') message = 'expected a list';
  }
  if (node === undefined) {
    message = 'required';
  } else if (
    isScalar(node) &&
    String(node.value).length <= 120 &&
    !message.startsWith('unknown variable')
  ) {
    message = `${message}, got ${JSON.stringify(node.value)}`;
  }
  return [{ source, ...lineField(doc, lc, path), message }];
}

function lineField(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
): { line?: number; field?: string } {
  const line = lineOf(doc, lc, path);
  return {
    ...(line === undefined ? {} : { line }),
    ...(path.length === 0 ? {} : { field: dottedPath(path) }),
  };
}

/** The node at `path`, undefined when any part is missing. */
function nodeAt(doc: Document, path: readonly PropertyKey[]): unknown {
  let node: unknown = doc.contents;
  for (const key of path) {
    const next = child(node, key);
    if (next === undefined) return undefined;
    node = next.value;
  }
  return node;
}

function child(node: unknown, key: PropertyKey): { value: unknown; at: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    return pair === undefined ? undefined : { value: pair.value, at: pair.key };
  }
  if (isSeq(node) && typeof key === 'number') {
    const item: unknown = node.items[key];
    return item === undefined ? undefined : { value: item, at: item };
  }
  return undefined;
}

function lineOf(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let line = startLine(node, lc);
  for (const key of path) {
    const next = child(node, key);
    if (next === undefined) break;
    line = startLine(next.at, lc) ?? line;
    node = next.value;
  }
  return line;
}

function startLine(node: unknown, lc: LineCounter): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range === undefined ? undefined : lc.linePos(range[0]).line;
}
