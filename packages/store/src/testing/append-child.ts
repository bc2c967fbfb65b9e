import { FileSystemStore } from '../fs-store';
import { openShardResults } from '../shard-results';
import { searchRecordFor } from './records';

/**
 * Crash-test child: appends problems p-0 … p-<count-1> to shard 0's results as fast as it can,
 * printing each outcome, until the parent kills it with SIGKILL.
 * argv: <store root> <count> <padding>
 */
async function main(): Promise<void> {
  const [root = '', count = '0', padding = '0'] = process.argv.slice(2);
  const log = await openShardResults(new FileSystemStore(root), 'crash', 0, 0);
  process.stdout.write(`open ${log.size} ${log.recovery.tornBytes}\n`);
  for (let i = 0; i < Number(count); i += 1) {
    const outcome = await log.append(
      searchRecordFor(`p-${i}`, Number(padding) + (i % 7) * 150_000),
    );
    process.stdout.write(`${outcome} p-${i}\n`);
  }
  await log.close();
  process.stdout.write('done\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
