import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';

/** Fully qualified name of the sandbox service, as health checks and reflection know it. */
export const SANDBOX_SERVICE_NAME = 'rstar.sandbox.v1.Sandbox';

/** The options every loader of sandbox.proto uses, so both ends agree on the JS shapes. */
export const SANDBOX_PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The package root (where package.json and proto/ live), found the same way from src and dist. */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === '@rstar-fleet/protocol') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`@rstar-fleet/protocol: package root not found above ${__dirname}`);
    dir = parent;
  }
}

/** Directory to pass as `includeDirs` when loading `rstar/sandbox/v1/sandbox.proto`. */
export const PROTO_INCLUDE_DIR = join(packageRoot(), 'proto');

/** Absolute path of the sandbox contract. */
export const SANDBOX_PROTO_PATH = join(
  PROTO_INCLUDE_DIR,
  'rstar',
  'sandbox',
  'v1',
  'sandbox.proto',
);

let cached: protoLoader.PackageDefinition | undefined;

/** The loaded sandbox package definition (loaded once per process). */
export function loadSandboxPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync('rstar/sandbox/v1/sandbox.proto', {
    ...SANDBOX_PROTO_LOADER_OPTIONS,
    includeDirs: [PROTO_INCLUDE_DIR],
  });
  return cached;
}
