/** `npm run lab -- <command>`: see usage in cli-args.ts and docs/lab.md. */
import { UsageError } from '../src-node/command-line';
import { parseLabArgs, renderStatusJson, renderStatusText, usage } from './cli-args';
import {
  consoleProfilePath,
  killBroker,
  labDir,
  labDown,
  labStatus,
  labUp,
  provision,
  provisionConsole,
  revoke,
} from './lab';
import { ensurePluginJar } from './plugin-build';
import { errorText } from '../src-shared/util/error-text';

async function main(argv: string[]): Promise<number> {
  const command = parseLabArgs(argv);
  if (command.cmd === 'help') {
    console.log(usage);
    return 0;
  }
  if (command.cmd === 'build-plugin') {
    console.log(await ensurePluginJar());
    return 0;
  }
  const opts = { dir: labDir(command.dir === undefined ? {} : { dir: command.dir }) };
  switch (command.cmd) {
    case 'up': {
      const brokers = await labUp({ ...opts, ...(command.heapMb ? { heapMb: command.heapMb } : {}) });
      console.log(renderStatusText(brokers));
      console.log(`console profile: ${consoleProfilePath(opts)}`);
      return 0;
    }
    case 'down':
      await labDown(opts);
      console.log(`lab in ${opts.dir} stopped`);
      return 0;
    case 'status': {
      const brokers = await labStatus(opts);
      console.log(command.json ? renderStatusJson(brokers) : renderStatusText(brokers));
      return 0;
    }
    case 'provision':
      await provision(command.rids, opts, command.days === undefined ? {} : { days: command.days });
      console.log(`provisioned ${command.rids.length} remote${command.rids.length === 1 ? '' : 's'}`);
      return 0;
    case 'provision-console': {
      const files = await provisionConsole(command.id, opts, command.role);
      console.log(`console ${command.id}: role ${command.role}`);
      console.log(`certificate ${files.certFile}\nkey         ${files.keyFile}\nCA          ${files.caFile}`);
      return 0;
    }
    case 'revoke':
      await revoke(command.rid, opts);
      console.log(`revoked ${command.rid}`);
      return 0;
    case 'kill':
      console.log(`killed ${command.broker} (pid ${await killBroker(command.broker, opts)})`);
      return 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`lab: ${e.message}\n\n${usage}`);
      process.exit(2);
    }
    console.error(`lab: ${errorText(e)}`);
    process.exit(1);
  },
);
