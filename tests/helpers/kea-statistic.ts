/**
 * One of Kea's own statistics, asked on kea-dhcp4's control socket directly, not through the agent: what
 * the console's pool numbers are checked against (docs/dhcp.md, "Pools").
 *
 *   await keaStatistic(kea.socketPath, 'subnet[71].assigned-addresses'); // 2
 */
import { KEA_SUCCESS, keaCommand } from '../../src-agent/targets/kea-control';

export async function keaStatistic(socketPath: string, name: string): Promise<number> {
  const answer = await keaCommand(socketPath, 'statistic-get', { name }, 5000);
  if (answer.result !== KEA_SUCCESS)
    throw new Error(`statistic-get ${name}: ${answer.text ?? answer.result}`);
  // Kea answers {name: [[value, timestamp], …]}, newest first; an unknown name answers {} (NaN: no match).
  const samples = (answer.arguments as Record<string, [number, string][]> | undefined)?.[name];
  return samples?.[0]?.[0] ?? Number.NaN;
}
