import { z } from 'zod';
import { SKILLS } from './ops';
import { answerOf, generateProblem, MAX_STEPS, MIN_STEPS, skillsOf } from './problem';
import { renderQuestion } from './question';
import { canonicalSolution } from './solution';

/**
 * One line of a synthetic corpus file. `solution` is the canonical code-augmented solution in
 * the default step protocol, exactly as the search would store it after the prompt; `difficulty`
 * is the number of reasoning (code) steps, 2–10.
 */
export const synthRecordSchema = z.strictObject({
  id: z.string().min(1),
  problem: z.string().min(1),
  answer: z.string().min(1),
  source: z.literal('synthetic'),
  difficulty: z.number().int().min(MIN_STEPS).max(MAX_STEPS),
  skills: z.array(z.enum(SKILLS)).min(1),
  solution: z.string().min(1),
});
export type SynthRecord = z.infer<typeof synthRecordSchema>;

/** Difficulty bands for reporting, in the spirit of the paper's GSM / MATH / Olympiad levels. */
export type DifficultyBand = 'easy' | 'medium' | 'hard';
export function difficultyBand(steps: number): DifficultyBand {
  return steps <= 4 ? 'easy' : steps <= 7 ? 'medium' : 'hard';
}

export const synthId = (seed: number, index: number): string => `synth-${seed}-${index}`;

/** Record `index` of the synthetic corpus for `seed`; deterministic and independent per index. */
export function synthRecord(seed: number, index: number): SynthRecord {
  const problem = generateProblem(seed, index);
  return {
    id: synthId(seed, index),
    problem: renderQuestion(problem),
    answer: String(answerOf(problem)),
    source: 'synthetic',
    difficulty: problem.ops.length,
    skills: skillsOf(problem),
    solution: canonicalSolution(problem),
  };
}
