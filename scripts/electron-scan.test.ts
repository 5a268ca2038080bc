import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellCsp } from '../src-main/electron/app-protocol';
import { accepted, parseReport } from './electron-scan';

const script = join(import.meta.dirname, 'electron-scan.ts');
const require = createRequire(import.meta.url);

/** Everything the Electron security checklist says not to do, in one main file. */
const badMain = `
const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({
    webPreferences: { nodeIntegration: true, contextIsolation: false, webSecurity: false },
  });
  win.loadURL('http://example.com/');
});
`;

function runScan(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', script, '--input', input],
      { timeout: 120_000 },
      (_e, stdout, stderr) => done({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe('electron scan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smt-electron-scan-fixture-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails on a main file with nodeIntegration on, naming file, line, check and level', async () => {
    await writeFile(join(dir, 'main.js'), badMain);
    await writeFile(
      join(dir, 'main.test.js'),
      'new BrowserWindow({ webPreferences: { nodeIntegration: true } });',
    );
    const r = await runScan(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`FINDING +${join(dir, 'main.js')}:5 +NODE_INTEGRATION_JS_CHECK +\\[warning\\]`),
    );
    expect(r.stderr).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(r.stderr).toContain('WEB_SECURITY_JS_CHECK');
    // Test files are not part of the shell and are left out.
    expect(r.stderr).not.toContain('main.test.js');
    expect(r.stdout).toMatch(/electron scan: \d+ finding\(s\), 0 accepted, \d+ failing/);
  }, 150_000);

  it('reads every result of a SARIF report', () => {
    const sarif = {
      runs: [
        {
          results: [
            {
              ruleId: 'SANDBOX_JS_CHECK',
              level: 'warning',
              message: { text: 'Use sandbox' },
              locations: [
                { physicalLocation: { artifactLocation: { uri: 'main.ts' }, region: { startLine: 7 } } },
              ],
            },
            {
              ruleId: 'CSP_GLOBAL_CHECK',
              level: 'warning',
              message: { text: 'No CSP' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///' } } }],
            },
          ],
        },
      ],
    };
    expect(parseReport(JSON.stringify(sarif), 'src-main/electron')).toEqual([
      expect.objectContaining({
        check: 'SANDBOX_JS_CHECK',
        level: 'warning',
        file: 'src-main/electron/main.ts',
        line: 7,
      }),
      expect.objectContaining({ check: 'CSP_GLOBAL_CHECK', file: '(whole app)', line: 0 }),
    ]);
    expect(() => parseReport('{"runs": []}', '.')).toThrow();
  });

  it("the accepted CSP remark is the evaluator's only one about the shell's policy", () => {
    expect(accepted.map((a) => a.check)).toContain('CSP_GLOBAL_CHECK');
    // The evaluator the scan uses (a dependency of electronegativity), typed by what is called here.
    const csp = createRequire(require.resolve('@doyensec/electronegativity/package.json'))(
      '@doyensec/csp-evaluator',
    ) as {
      CspParser: new (policy: string) => { csp: unknown };
      CspEvaluator: new (
        csp: unknown,
        version: unknown,
      ) => {
        evaluate(): { directive: string; value: string | undefined; severity: number }[];
      };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(shellCsp).csp, csp.Version.CSP3).evaluate();
    expect(findings.map((f) => [f.directive, f.value, f.severity])).toEqual([
      ['script-src', "'self'", csp.severities.MEDIUM_MAYBE],
    ]);
  });
});
