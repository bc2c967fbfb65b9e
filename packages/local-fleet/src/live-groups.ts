/**
 * Process groups of every child this process has spawned and not yet seen exit. The children run
 * detached (their own groups), so nothing else stops them should this process die first: a host
 * calls killAllChildren from `process.on('exit')`, a second Ctrl-C, or a test's last resort.
 */
const liveGroups = new Set<number>();

export function trackGroup(pid: number): void {
  liveGroups.add(pid);
}

export function untrackGroup(pid: number): void {
  liveGroups.delete(pid);
}

/** SIGKILLs a process group; false when it is already empty. */
export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs every child process group still running (synchronous: safe in an exit handler). */
export function killAllChildren(): void {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
}
