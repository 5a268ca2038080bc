/**
 * The end of a test on the lab's real remotes: stops them all by PID and says what was left running.
 */
import { pidAlive } from '../../lab/process';
import { stopRealRemotes, type RealRemote } from '../../lab/real-remotes';

/** Stops every agent, named and kea-dhcp4 of `remotes`; returns how many PIDs they ran and those still alive. */
export async function stopCountingLeftovers(
  remotes: readonly RealRemote[],
): Promise<{ pids: number; alive: number[] }> {
  const pids = remotes.flatMap((r) => r.pids());
  await stopRealRemotes(remotes);
  return { pids: pids.length, alive: pids.filter(pidAlive) };
}
