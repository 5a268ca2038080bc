/** One structured log record; sinks decide how to print or store it. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export type LogSink = (entry: LogEntry) => void;

export const silentLog: LogSink = () => {};

/** A one-line text sink for processes whose stdout is read by people (agents, CLIs). */
export function lineLog(write: (line: string) => void, minLevel: LogEntry['level'] = 'info'): LogSink {
  const rank = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  return ({ level, msg, ...fields }) => {
    if (rank[level] < rank[minLevel]) return;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${level === 'info' ? '' : `${level.toUpperCase()} `}${msg}${extra ? ` ${extra}` : ''}`);
  };
}
