import { open } from 'node:fs/promises';
import { isErrno } from './errors';

/**
 * Makes a directory entry (a created or renamed file) durable. Without it a power loss after
 * `rename` can bring back the old name. Some filesystems refuse fsync on a directory; there the
 * rename is as durable as the platform allows, so those errors are not fatal.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!isErrno(err, 'EISDIR', 'EINVAL', 'EPERM', 'EBADF')) throw err;
  } finally {
    await handle?.close();
  }
}
