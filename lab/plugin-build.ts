import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { activemq, brokerTemplates } from './paths';

const run = promisify(execFile);

/** Exactly what the plugin compiles against; without the JMS spec jar javac cannot resolve javax.jms. */
const classpath = [
  'activemq-broker',
  'activemq-client',
  'activemq-jaas',
  'slf4j-api',
  'geronimo-jms_1.1_spec',
].map((name) => join(activemq.lib, `${name}.jar`));

async function javaSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.java')).map((e) => join(e.parentPath, e.name));
}

/**
 * The identity plugin jar, compiled from broker/plugin/src when a source is newer than the jar.
 * Built in a private temp dir and renamed into place, so concurrent labs never see a partial jar.
 */
export async function ensurePluginJar(): Promise<string> {
  const sources = await javaSources(brokerTemplates.pluginSrc);
  if (sources.length === 0) throw new Error(`no Java sources under ${brokerTemplates.pluginSrc}`);
  const newest = Math.max(...(await Promise.all(sources.map(async (s) => (await stat(s)).mtimeMs))));
  const jarTime = await stat(brokerTemplates.pluginJar).then(
    (s) => s.mtimeMs,
    () => -1,
  );
  if (jarTime >= newest) return brokerTemplates.pluginJar;

  for (const jar of classpath) {
    await access(jar).catch(() => {
      throw new Error(`${jar} is missing: install the Debian package activemq`);
    });
  }
  const tmp = join(brokerTemplates.pluginBuild, `tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const classes = join(tmp, 'classes');
  const tmpJar = join(tmp, 'plugin.jar');
  await mkdir(classes, { recursive: true });
  try {
    await tool('javac', [
      '--release',
      '11',
      '-Xlint:all',
      '-Werror',
      '-d',
      classes,
      '-cp',
      classpath.join(':'),
      ...sources,
    ]);
    await tool('jar', ['cf', tmpJar, '-C', classes, '.']);
    await rename(tmpJar, brokerTemplates.pluginJar);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return brokerTemplates.pluginJar;
}

async function tool(cmd: string, args: string[]): Promise<void> {
  try {
    await run(cmd, args, { maxBuffer: 4 << 20 });
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string; code?: string | number };
    if (err.code === 'ENOENT')
      throw new Error(`${cmd} not found: install the Debian package openjdk-17-jdk-headless`);
    throw new Error(
      `building the identity plugin: ${cmd} failed:\n${(err.stderr || err.stdout || err.message).trim()}`,
    );
  }
}

/**
 * A check program from broker/plugin/test (a class with a main that prints `ok: …` or `FAILED: …` lines),
 * compiled against the plugin jar and Debian's ActiveMQ jars into a temp dir. `run` answers the first
 * `ok: `/`FAILED: ` line of the last output and throws with the whole output when the program fails.
 */
export async function pluginCheck(className: string): Promise<{
  run: (...args: string[]) => Promise<string | undefined>;
  output: (...args: string[]) => Promise<string[]>;
  remove: () => Promise<void>;
}> {
  const classes = await mkdtemp(join(tmpdir(), 'smt-plugin-check-'));
  const classpath = `${await ensurePluginJar()}:${activemq.lib}/*`;
  const source = join(brokerTemplates.pluginTest, ...className.split('.')) + '.java';
  await tool('javac', ['--release', '11', '-Xlint:all', '-Werror', '-d', classes, '-cp', classpath, source]);
  const output = async (...args: string[]) => {
    const { stdout } = await run('java', ['-cp', `${classes}:${classpath}`, className, ...args]).catch(
      (e: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`${className} ${args.join(' ')} failed: ${e.stdout ?? ''}${e.stderr ?? e.message}`);
      },
    );
    return stdout.split('\n').filter((l) => l.startsWith('ok: ') || l.startsWith('FAILED: '));
  };
  return {
    output,
    run: async (...args) => (await output(...args))[0],
    remove: () => rm(classes, { recursive: true, force: true }),
  };
}
