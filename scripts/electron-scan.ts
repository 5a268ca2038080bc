// Runs @doyensec/electronegativity on the Electron shell (main process and preload) and fails on any
// finding. The tool itself exits 0 even with HIGH findings, so this reads its report. The report is
// SARIF: one JSON document written at once (its CSV writer appends rows and writes the header in two
// racing writes, which can lose rows).
//
//   tsx scripts/electron-scan.ts [--input <dir>]      exit 0 clean, 1 findings, 2 the scan did not run
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { z } from 'zod';
import { errorText } from '../src-shared/util/error-text';

const repo = join(import.meta.dirname, '..');

/**
 * Findings reviewed and accepted, each with its reason: the only place a finding may be let through.
 * Matched on the check and its exact message, so another finding of the same check still fails.
 */
export const accepted: readonly { check: string; message: string; reason: string }[] = [
  {
    check: 'PRELOAD_JS_CHECK',
    message: 'Review the use of preload scripts',
    reason:
      'Raised for every preload. Ours runs sandboxed with context isolation and exposes only the named ' +
      "calls and subscriptions of the IPC contract (src-main/electron/preload.test.ts); it is the page's " +
      'only door to the main process, whose handlers check the sender frame and every argument.',
  },
  {
    check: 'CSP_GLOBAL_CHECK',
    message: 'One or more CSP directives detected seems to be vulnerable',
    reason:
      "The evaluator's only remark is script-src 'self' (\"problematic if you host JSONP, Angular or user " +
      "uploaded files\"). 'self' is app://console, which serves nothing but the files of the renderer " +
      'bundle (app-protocol.ts); the page has no network at all (connect-src none).',
  },
];

const Sarif = z.object({
  runs: z
    .array(
      z.object({
        results: z.array(
          z.object({
            ruleId: z.string(),
            level: z.string(),
            message: z.object({ text: z.string() }),
            locations: z
              .array(
                z.object({
                  physicalLocation: z.object({
                    artifactLocation: z.object({ uri: z.string() }),
                    region: z.object({ startLine: z.number() }).optional(),
                  }),
                }),
              )
              .default([]),
          }),
        ),
      }),
    )
    .length(1),
});

export interface Finding {
  check: string;
  /** SARIF level: `warning`, or `note` for what the tool marks as needing a manual review. */
  level: string;
  file: string;
  line: number;
  message: string;
  wiki: string;
}

/** The findings of a SARIF report, with file names relative to the scanned directory. */
export function parseReport(text: string, sourceDir: string): Finding[] {
  const report = Sarif.parse(JSON.parse(text));
  return (report.runs[0]?.results ?? []).map((r) => {
    const where = r.locations[0]?.physicalLocation;
    const uri = where?.artifactLocation.uri ?? 'N/A';
    return {
      check: r.ruleId,
      level: r.level,
      file: uri === 'file:///' ? '(whole app)' : join(sourceDir, uri),
      line: where?.region?.startLine ?? 0,
      message: r.message.text,
      wiki: `https://github.com/doyensec/electronegativity/wiki/${r.ruleId}`,
    };
  });
}

const isAccepted = (f: Finding) => accepted.find((a) => a.check === f.check && a.message === f.message);

/** Scans the JavaScript and TypeScript sources of `dir` (tests left out) and returns what was found. */
export async function scan(dir: string): Promise<Finding[]> {
  const work = await mkdtemp(join(tmpdir(), 'smt-electron-scan-'));
  try {
    // Only the shell's own sources: test files hold stand-ins for Electron objects, not our settings.
    const sources = (await readdir(dir)).filter((f) => /\.(ts|js|cjs|mjs)$/.test(f) && !/\.test\./.test(f));
    if (sources.length === 0) throw new Error(`no sources to scan in ${dir}`);
    const input = join(work, 'src');
    await mkdir(input);
    for (const f of sources) await copyFile(join(dir, f), join(input, f));
    const require = createRequire(import.meta.url);
    const cli = require.resolve('@doyensec/electronegativity/dist/index.js');
    const electronVersion = (require('electron/package.json') as { version: string }).version;
    const output = join(work, 'report.sarif');
    await promisify(execFile)(
      process.execPath,
      [cli, '--input', input, '--output', output, '--relative', '--electron-version', electronVersion],
      { timeout: 120_000 },
    );
    let text: string;
    try {
      text = await readFile(output, 'utf8');
    } catch {
      throw new Error('electronegativity wrote no report');
    }
    const shown = relative(repo, dir);
    return parseReport(text, shown.startsWith('..') || isAbsolute(shown) ? dir : shown);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { input: { type: 'string' } } });
  const dir = values.input ?? join(repo, 'src-main', 'electron');
  let findings: Finding[];
  try {
    findings = await scan(dir);
  } catch (e) {
    console.error(`electron scan: did not run: ${errorText(e)}`);
    return 2;
  }
  const failing = findings.filter((f) => !isAccepted(f));
  for (const f of findings) {
    const acceptedAs = isAccepted(f);
    const line = `${f.file}:${f.line}  ${f.check}  [${f.level}]  ${f.message}  (${f.wiki})`;
    if (acceptedAs) console.log(`accepted  ${line}\n          reason: ${acceptedAs.reason}`);
    else console.error(`FINDING   ${line}`);
  }
  console.log(
    `electron scan: ${findings.length} finding(s), ${findings.length - failing.length} accepted, ${failing.length} failing`,
  );
  return failing.length === 0 ? 0 : 1;
}

if (import.meta.filename === process.argv[1]) process.exitCode = await main();
