import { Command } from 'commander';
import { z } from 'zod';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Writes N synthetic multi-step arithmetic word problems (2-10 steps; skills: rates, fractions,
percentages, remainders, unit conversion, simple equations) as JSONL records
  {id, problem, answer, source: "synthetic", difficulty, skills, solution}
where solution is the canonical code-augmented solution in the default step protocol. The same
--seed always writes the same file; record i does not depend on --count.

Example:
  $ rstar-fleet corpus synth --count 747000 --seed 1 --out synth.jsonl
`;

const flagsSchema = z.object({
  count: z.coerce.number().int().min(0).max(100_000_000),
  seed: z.coerce.number().int().min(0).max(0xffff_ffff),
  out: z.string().min(1),
});

/** `corpus synth`: the synthetic problem generator (added to the `corpus` group). */
export function synthCommand(io: CliIO): Command {
  return new Command('synth')
    .description('write a deterministic synthetic corpus of multi-step arithmetic word problems')
    .requiredOption('-n, --count <N>', 'number of problems')
    .option('-s, --seed <S>', 'family seed (0..2^32-1)', '0')
    .requiredOption('-o, --out <file.jsonl>', 'output JSONL file')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async (raw: Record<string, unknown>) => {
      const parsed = flagsSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidInputError(issue?.message ?? 'invalid flags', {
          field: `--${String(issue?.path[0] ?? 'flags')}`,
        });
      }
      const { count, seed, out } = parsed.data;
      const { writeSynthCorpus } = await import('@rstar-fleet/corpus');
      const started = Date.now();
      await writeSynthCorpus(out, count, seed);
      io.stderr.write(
        `rstar-fleet corpus synth: wrote ${count} problems (seed ${seed}) to ${out} in ${
          (Date.now() - started) / 1000
        } s\n`,
      );
    });
}
