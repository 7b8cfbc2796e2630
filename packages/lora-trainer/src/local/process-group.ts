/** Whether a process (or, with a negative id, any process of a group) exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a whole process group: SIGTERM, then SIGKILL after `graceMs` if any member is left. Returns when the group
 * is gone (or after the SIGKILL).
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<void> {
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // The group is already gone.
    }
  };
  send('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(-pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(-pgid)) send('SIGKILL');
  for (let i = 0; i < 40 && isAlive(-pgid); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}
