import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program with an argument array (never a shell, so zone names and paths are never parsed as
 * shell text) and resolves with its exit code and output instead of throwing: the callers' failure
 * reasons are the tools' own messages. A missing program or a timeout is code -1 with the cause.
 */
export function runTool(file: string, args: readonly string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) return resolve({ code: 0, stdout, stderr });
      const code = typeof error.code === 'number' ? error.code : -1;
      const cause =
        error.code === 'ENOENT'
          ? `${file} not found`
          : error.killed
            ? `${file} ${args[0] ?? ''} timed out after ${timeoutMs} ms`
            : '';
      resolve({
        code,
        stdout,
        stderr: cause === '' ? stderr : `${cause}${stderr === '' ? '' : `\n${stderr}`}`,
      });
    });
  });
}

/** The tool's own words for a failure: stderr, else stdout, else the exit code. */
export function toolMessage(r: ToolResult): string {
  const text = (r.stderr.trim() || r.stdout.trim()).trim();
  return text === '' ? `exit code ${r.code}` : text;
}
