// Scripts: the operator CLI — `npm run tixing -- campaigns list|show|watch|stats|deliveries|analytics|pause|resume|
// cancel` and `notify status` on @cloudbase/node-sdk, against a CloudBase environment (TCB_ENV +
// TENCENTCLOUD_SECRETID/SECRETKEY) or the emulator (the variables `npm start` prints). pause/resume/cancel run core's
// lifecycle use cases (the same rules as the admin pages) with the API key's access to the database.
import { parseArgs } from 'node:util';
import appConfig from '../config/tixing.json';
import {
  analyticsCommand, CliError, deliveriesCommand, lifecycleCommand, listCommand, notifyStatusCommand, showCommand, statsCommand,
  type Out,
} from './cli/commands';
import { connect } from './cli/node-db';
import { watchCommand } from './cli/watch';
import { importUsersCommand } from './cli/users';
import { statusCommand } from './cli/ops';

export const USAGE = `Usage: npm run tixing -- campaigns <command> [options]
       npm run tixing -- notify status <key> [--json]
       npm run tixing -- status [--json]                    sending or paused for the daily quota (until when), latest alerts

  campaigns list [--status <s>] [--limit <n>] [--json]     campaigns, newest first, with progress
  campaigns show <id> [--json]                             one campaign and its exact stats
  campaigns watch <id> [--interval <seconds>]              live progress bar, rate and ETA until final (Ctrl-C stops)
  campaigns stats <id>                                     exact stats as JSON (from deliveries)
  campaigns analytics <id> [--json]                        funnel, CTR, sends per hour, grant conversion per placement
  campaigns deliveries <id> [--status <s>] [--limit <n>] [--after <deliveryId>] [--json]
  users import <file.csv> [--json]                         user profiles (openid,nickname,tags,tz,<attributes>…) with
                                                           progress; bad rows listed by line (exit 1), good rows kept
  campaigns pause <id>                                     stop sending (resume continues where it stopped)
  campaigns resume <id>
  campaigns cancel <id>                                    stop for good; pending deliveries are cancelled
  notify status <key> [--limit <n>] [--json]               what happened to the messages sent under a notify key

Connection (environment): TCB_ENV, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY [, TENCENTCLOUD_SESSIONTOKEN];
for the emulator, export what \`npm start\` prints (TCB_CONTEXT_CNFG={"URL":"http://127.0.0.1:8787/admin"} …).
  --env <id>   override TCB_ENV`;

export async function run(argv: string[], out: Out, err: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      limit: { type: 'string' },
      after: { type: 'string' },
      interval: { type: 'string' },
      env: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, id] = positionals;
  if (values.help || group === undefined) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  if (group === 'status') {
    await statusCommand(connect(process.env, values.env ? { env: values.env } : undefined).database, out, Date.now(), { json: values.json });
    return 0;
  }
  if (group === 'users') {
    if (command !== 'import' || !id) throw new CliError(`usage: users import <file.csv> [--json]\n\n${USAGE}`);
    const conn = connect(process.env, values.env ? { env: values.env } : undefined);
    err(`users import into ${conn.target}`);
    return importUsersCommand(conn.database, id, out, err, { json: values.json, now: () => Date.now() });
  }
  if (group !== 'campaigns' && group !== 'notify') throw new CliError(`unknown command ${positionals.join(' ')}\n\n${USAGE}`);
  // A group alone (`npm run tixing -- campaigns`) asks what it can do: the usage, not an error.
  if (command === undefined) {
    out(USAGE);
    return 0;
  }
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new CliError(`--${name} must be a positive number`);
    return x;
  };
  const needId = (): string => {
    if (!id) throw new CliError(group === 'notify' ? `notify ${command} needs a notify key` : `campaigns ${command} needs a campaign id`);
    return id;
  };
  if (group === 'notify' && command !== 'status') throw new CliError(`unknown command notify ${command}\n\n${USAGE}`);
  const limit = num(values.limit, 'limit');
  const conn = connect(process.env, values.env ? { env: values.env } : undefined);
  const db = conn.database;
  if (group === 'notify') {
    await notifyStatusCommand(db, out, needId(), { json: values.json, zone: appConfig.zone, limit });
    return 0;
  }
  switch (command) {
    case 'pause':
    case 'resume':
    case 'cancel':
      await lifecycleCommand(db, out, command, needId());
      return 0;
    case 'analytics':
      await analyticsCommand(db, out, needId(), { json: values.json });
      return 0;
    case 'list':
      await listCommand(db, out, { status: values.status, limit, json: values.json });
      return 0;
    case 'show':
      await showCommand(db, out, needId(), { json: values.json });
      return 0;
    case 'stats':
      await statsCommand(db, out, needId());
      return 0;
    case 'deliveries':
      await deliveriesCommand(db, out, needId(), { status: values.status, limit, after: values.after, json: values.json });
      return 0;
    case 'watch': {
      const intervalMs = (num(values.interval, 'interval') ?? 2) * 1000;
      let stopped = false;
      let wake: (() => void) | null = null;
      const onSigint = () => {
        stopped = true;
        wake?.();
      };
      process.on('SIGINT', onSigint);
      err(`watching ${needId()} on ${conn.target} (Ctrl-C to stop)`);
      try {
        await watchCommand(db, needId(), intervalMs, {
          write: (t) => process.stdout.write(t),
          isTTY: Boolean(process.stdout.isTTY),
          now: () => Date.now(),
          stopped: () => stopped,
          sleep: (ms) =>
            new Promise<void>((resolve) => {
              const t = setTimeout(resolve, ms);
              wake = () => {
                clearTimeout(t);
                resolve();
              };
            }),
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      return stopped ? 130 : 0;
    }
    default:
      throw new CliError(`unknown command campaigns ${command}\n\n${USAGE}`);
  }
}

if (require.main === module) {
  run(process.argv.slice(2), (l) => console.log(l), (l) => console.error(l))
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      console.error(e instanceof CliError || e instanceof Error ? `tixing: ${e.message}` : e);
      process.exit(1);
    });
}
