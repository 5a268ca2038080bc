import { describe, expect, it } from 'vitest';
import {
  NOTICE_INTERVAL_MS,
  initialNotices,
  takeNotices,
  type FiredAlert,
  type NoticeState,
} from './notices';

const alert = (n: number, rule: FiredAlert['rule'] = 'remote-offline'): FiredAlert => ({
  id: `a-${n}`,
  rule,
  subject: `r${n}`,
  message: `r${n} has been silent for 130 s`,
});

/** Steps through (time, fired) pairs; returns every notice's title and ids per step. */
function run(steps: [number, FiredAlert[]][]) {
  let state: NoticeState = initialNotices;
  return steps.map(([at, fired]) => {
    const step = takeNotices(state, fired, at);
    state = step.state;
    return step.notices.map((n) => [n.title, n.alertIds.join(',')]);
  });
}

describe('alert notices', () => {
  const M = NOTICE_INTERVAL_MS;
  const cases: [string, [number, FiredAlert[]][], string[][][]][] = [
    ['one alert: told at once', [[0, [alert(1)]]], [[['Remote offline: r1', 'a-1']]]],
    [
      'a burst: the first at once, the rest summarised a minute later',
      [
        [0, [alert(1), alert(2)]],
        [10_000, [alert(3)]],
        [M - 1, []],
        [M, []],
      ],
      [[['Remote offline: r1', 'a-1']], [], [], [['2 more remote offline alerts', 'a-2,a-3']]],
    ],
    [
      'after a quiet minute the next is told on its own',
      [
        [0, [alert(1)]],
        [M, []],
        [M + 5, [alert(2)]],
      ],
      [[['Remote offline: r1', 'a-1']], [], [['Remote offline: r2', 'a-2']]],
    ],
    [
      'a new alert just when the queue is due joins the summary',
      [
        [0, [alert(1), alert(2)]],
        [M, [alert(3)]],
      ],
      [[['Remote offline: r1', 'a-1']], [['2 more remote offline alerts', 'a-2,a-3']]],
    ],
    [
      'rules are throttled each on their own',
      [
        [0, [alert(1)]],
        [1, [alert(2, 'cpu-high'), alert(3)]],
      ],
      [[['Remote offline: r1', 'a-1']], [['CPU high: r2', 'a-2']]],
    ],
    [
      'one more: singular',
      [
        [0, [alert(1), alert(2)]],
        [M, []],
      ],
      [[['Remote offline: r1', 'a-1']], [['1 more remote offline alert', 'a-2']]],
    ],
    [
      'a summary starts a new minute: what comes within it waits for the next',
      [
        [0, [alert(1), alert(2)]],
        [M, []],
        [M + 1, [alert(3)]],
        [2 * M, []],
      ],
      [
        [['Remote offline: r1', 'a-1']],
        [['1 more remote offline alert', 'a-2']],
        [],
        [['1 more remote offline alert', 'a-3']],
      ],
    ],
  ];
  for (const [name, steps, expected] of cases) {
    it(name, () => expect(run(steps)).toEqual(expected));
  }

  it('never raises more than one notice per rule per minute', () => {
    let state: NoticeState = initialNotices;
    const told: number[] = [];
    for (let t = 0, n = 0; t < 10 * M; t += 5_000) {
      const step = takeNotices(state, [alert(n++), alert(n++)], t);
      state = step.state;
      told.push(...step.notices.map((x) => x.at));
    }
    for (let i = 1; i < told.length; i++)
      expect((told[i] ?? 0) - (told[i - 1] ?? 0)).toBeGreaterThanOrEqual(M);
    expect(told.length).toBe(10);
  });

  it('cuts a long summary body to the contract limit', () => {
    const many = Array.from({ length: 500 }, (_, i) => alert(i));
    const [first] = run([
      [0, many],
      [M, []],
    ]).slice(1);
    expect(first?.[0]?.[0]).toBe('499 more remote offline alerts');
    const step = takeNotices(takeNotices(initialNotices, many, 0).state, [], M);
    expect(step.notices[0]?.body.length).toBeLessThanOrEqual(1_000);
  });
});
