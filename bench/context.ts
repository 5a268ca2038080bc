import type { LabFixture } from '../tests/helpers/lab-fixture';

/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean;
  /** One private lab (two brokers on free ports in a temp dir) for the whole run. */
  lab: LabFixture;
  /** A temp dir of the run: databases, state dirs, configs. */
  workDir: string;
  /** Progress, on stderr. */
  say(line: string): void;
  /** Node options for every process a scenario starts (`--cpu-prof` when the run is profiled). */
  nodeArgs: string[];
}

/**
 * Runs `fn` with a deadline: a scenario that hangs fails with what it was waiting for (`what` as of the
 * timeout, when it is a function: how far it got).
 */
export async function within<T>(what: string | (() => string), ms: number, fn: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs both, alternating which goes first by round, so neither always follows the other's tail and load
 * from elsewhere on a shared machine falls on both alike.
 */
export async function alternating(
  round: number,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<void> {
  if (round % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}
