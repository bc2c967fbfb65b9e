import { FileSystemStore } from '../fs-store';

/**
 * Crash-test child: rewrites one object forever, alternating two large versions, printing after
 * each write, until the parent kills it with SIGKILL.
 * argv: <store root> <size>
 */
async function main(): Promise<void> {
  const [root = '', size = '0'] = process.argv.slice(2);
  const store = new FileSystemStore(root);
  for (let i = 0; ; i += 1) {
    await store.write('runs/w/round-0/stats.json', (i % 2 === 0 ? 'a' : 'b').repeat(Number(size)));
    process.stdout.write(`wrote ${i}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
