import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// vLLM dropped `--task` (a current `vllm serve` rejects it); the PPM is served as a pooling model
// (`--runner pooling`, auto-detected for a *ForSequenceClassification checkpoint). Every place
// that tells an operator how to start the PPM must say so, and none may still say `--task`.

const repoRoot = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** Files under the deploy surfaces (docs, manifests, chart, scripts, examples, READMEs). */
function deployFiles(): string[] {
  const out: string[] = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(repoRoot, dir))) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(join(repoRoot, path)).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  for (const dir of ['docs', 'infra', 'helm', 'scripts', 'examples']) walk(dir);
  for (const group of ['apps', 'packages']) {
    for (const name of readdirSync(join(repoRoot, group))) {
      const readme = join(group, name, 'README.md');
      if (statSync(join(repoRoot, group, name)).isDirectory() && exists(readme)) out.push(readme);
    }
  }
  return out.map((p) => relative(repoRoot, join(repoRoot, p)));
}

function exists(path: string): boolean {
  try {
    statSync(join(repoRoot, path));
    return true;
  } catch {
    return false;
  }
}

describe('vLLM serving flags in the deploy docs and manifests', () => {
  it('never tell anyone to run vLLM with --task', () => {
    const files = deployFiles();
    expect(files).toEqual(expect.arrayContaining(['docs/deploy.md', 'infra/k8s/train-job.yaml']));
    const hits = files.flatMap((path) =>
      read(path)
        .split('\n')
        .flatMap((line, i) => (/--task\b/.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it.each([
    ['infra/k8s/train-job.yaml', /--runner pooling/],
    ['scripts/vllm-rollout.sh', /--runner pooling/],
    ['docs/deploy.md', /--runner=pooling/],
    ['infra/compose.yaml', /- --runner=pooling/],
    ['scripts/local-gpu-vllm.sh', /--runner pooling/],
  ])('%s starts the PPM with --runner pooling', (path, pattern) => {
    expect(read(path)).toMatch(pattern);
  });
});
