// `npm run network -- <command>`: the operator's CLI, over a deployment's admin plane.
// BEACON_URL and BEACON_ADMIN_TOKEN come from the environment. Answers are printed as JSON
// on stdout; progress, notes and errors go to stderr. `--help` works on every command.
import { Command, InvalidArgumentError, Option } from 'commander';
import { AdminError, AdminPlane, UsageError } from './network/admin.ts';
import { importFile } from './network/import.ts';
import { duration, lineProgress, terminalProgress } from './network/progress.ts';
import { CSV_COLUMNS, formatOf } from './network/rows.ts';

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const admin = () => AdminPlane.fromEnvironment(process.env, (reason, delay) => process.stderr.write(`retrying in ${(delay / 1000).toFixed(1)}s: ${reason}\n`));

/** Runs a command, turning the deployment's refusals and bad usage into a message and an exit code. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<unknown>) =>
  async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`network: ${error.message}`);
        process.exitCode = 2;
      } else if (error instanceof AdminError) {
        console.error(`network: ${error.message}`);
        process.exitCode = 1;
      } else throw error;
    }
  };

/** Every page of a list, following `next_cursor`. */
async function everyPage(path: string, key: string, all: boolean) {
  const plane = admin();
  const items: unknown[] = [];
  let cursor: string | null = null;
  if (!all) return plane.call(path, {});
  do {
    const page: Record<string, unknown> = await plane.call(path, cursor ? { cursor } : {});
    items.push(...(page[key] as unknown[]));
    cursor = page.next_cursor as string | null;
  } while (cursor);
  return { [key]: items, next_cursor: null };
}

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
const shardNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a shard number (0, 1, …)');
  return n;
};

const program = new Command('network')
  .description('Operate a Beacon Network deployment through its admin plane.')
  .addHelpText(
    'after',
    `
Environment:
  BEACON_URL           the deployment's base URL, e.g. https://beacon.example.com
  BEACON_ADMIN_TOKEN   its ADMIN_TOKEN (the operator's bearer token)

Answers are JSON on stdout. Requests that fail with 429, 5xx or no answer are retried with backoff.`,
  )
  .showHelpAfterError();

const client = program.command('client').description('member companies: their credentials and settings');
client
  .command('create')
  .description('create a member company; prints its client_id and secret (shown once: store it now)')
  .requiredOption('--name <name>', 'the company’s name')
  .option('--webhook-url <url>', 'where its webhooks go (https)')
  .action(run(async (o: { name: string; webhookUrl?: string }) => print(await admin().call('/admin/client/create', { name: o.name, webhook_url: o.webhookUrl }))));
client
  .command('list')
  .description('list member companies (a page of 25, or --all)')
  .option('--all', 'every page')
  .action(run(async (o: { all?: boolean }) => print(await everyPage('/admin/client/list', 'clients', Boolean(o.all)))));
client
  .command('get')
  .description('show a member company')
  .argument('<client_id>')
  .action(run(async (clientId: string) => print(await admin().call('/admin/client/get', { client_id: clientId }))));
client
  .command('update')
  .description('rename a member, set or remove its webhook URL, or choose the shard of its new programs')
  .argument('<client_id>')
  .option('--name <name>', 'a new name')
  .option('--webhook-url <url>', 'a new webhook URL (https)')
  .option('--no-webhook-url', 'remove the webhook URL (events are then skipped, and can be re-sent)')
  .option('--program-shard <n>', 'the user shard its new programs go to', shardNumber)
  .action(
    run(async (clientId: string, o: { name?: string; webhookUrl?: string | false; programShard?: number }) =>
      print(
        await admin().call('/admin/client/update', {
          client_id: clientId,
          name: o.name,
          webhook_url: o.webhookUrl === false ? null : o.webhookUrl,
          program_shard: o.programShard,
        }),
      ),
    ),
  );
client
  .command('disable')
  .description('refuse a member’s credentials (at once here, within 5 s everywhere)')
  .argument('<client_id>')
  .action(run(async (clientId: string) => print(await admin().call('/admin/client/update', { client_id: clientId, disabled: true }))));
client
  .command('enable')
  .description('accept a disabled member’s credentials again')
  .argument('<client_id>')
  .action(run(async (clientId: string) => print(await admin().call('/admin/client/update', { client_id: clientId, disabled: false }))));
client
  .command('rotate-secret')
  .description('give a member a new secret (shown once); the old one stops working at once')
  .argument('<client_id>')
  .action(run(async (clientId: string) => print(await admin().call('/admin/client/secret/rotate', { client_id: clientId }))));

const programs = program.command('program').description('Beacon Programs of any member');
programs
  .command('get')
  .description('show a program: its settings, its client and the shard it lives in')
  .argument('<program_id>')
  .action(run(async (programId: string) => print(await admin().call('/admin/program/get', { program_id: programId }))));
programs
  .command('metrics')
  .description('how many Beacon Users a program has, by status, and what its Durable Object has cost in D1')
  .argument('<program_id>')
  .action(run(async (programId: string) => print(await admin().call('/admin/program/metrics', { program_id: programId }))));

program
  .command('console-admin')
  .description('a member company’s analysts in the console')
  .command('create')
  .description('create a member’s first console admin; prints its one-time setup link (valid 72 h, shown once: send it to that person)')
  .argument('<client_id>')
  .requiredOption('--email <address>', 'the admin’s email address, used to sign in')
  .action(run(async (clientId: string, o: { email: string }) => print(await admin().call('/admin/dashboard_user/create', { client_id: clientId, email_address: o.email }))));

program
  .command('webhook-key')
  .description('the webhook signing key')
  .command('rotate')
  .description('sign new webhooks with a new key; the previous one keeps verifying for 24 h 5 min')
  .action(run(async () => print(await admin().call('/admin/webhook_key/rotate', {}))));

const deadLetters = program.command('dead-letter').description('fan-out pages that failed every retry');
deadLetters
  .command('list')
  .description('list them, newest first (a page of 25, or --all)')
  .option('--all', 'every page')
  .action(run(async (o: { all?: boolean }) => print(await everyPage('/admin/fanout/dead_letter/list', 'dead_letters', Boolean(o.all)))));
deadLetters
  .command('retry')
  .description('send one again (safe: the fan-out is idempotent)')
  .argument('<dead_letter_id>')
  .action(run(async (id: string) => print(await admin().call('/admin/fanout/dead_letter/retry', { dead_letter_id: id }))));

program
  .command('shard')
  .description('the databases')
  .command('list')
  .description('every database: its size, and each user shard’s programs and whether it takes new ones')
  .action(run(async () => print(await admin().call('/admin/shard/list', {}))));

program
  .command('import')
  .description('import a member’s existing users into a program from a CSV or JSONL file of any size')
  .argument('<program_id>', 'the program (becprg_…)')
  .argument('<file>', 'users.csv or users.jsonl')
  .addOption(new Option('--format <format>', 'the file’s format (default: from its name)').choices(['csv', 'jsonl']))
  .option('--concurrency <n>', 'requests of 100 users in flight at once', positiveInteger, 4)
  .option('--restart', 'start from the top, dropping the checkpoint and the refusals report')
  .option('--no-local-checks', 'send every row and let the deployment decide (when this checkout’s rules differ from the deployment’s)')
  .option('--progress-every <seconds>', 'without a terminal: a progress line this often', positiveInteger, 10)
  .addHelpText(
    'after',
    `
CSV: a header line, then one user a line. Columns (any order; only the first three are required,
empty cells are "not provided"):
  ${CSV_COLUMNS.join(',')}
  accounts holds depository accounts as routing:account pairs separated by ";".
JSONL: one {"client_user_id": …, "user": {…}} a line, as /admin/beacon_user/import takes them.

Next to the file: <file>.checkpoint.json (rows done, written after each acknowledged request; run
the same command again to resume) and <file>.refusals.csv (row,client_user_id,field,reason:
the line of each refused row and why). Rows already imported come back unchanged if sent again.`,
  )
  .action(
    run(async (programId: string, file: string, o: { format?: string; concurrency: number; restart?: boolean; localChecks: boolean; progressEvery: number }) => {
      const plane = admin();
      const progress = process.stderr.isTTY ? terminalProgress() : lineProgress(o.progressEvery * 1000);
      // Ctrl-C: stop sending, let the requests in flight finish, keep the checkpoint. Twice: now.
      const interrupted = new AbortController();
      const onSignal = () => {
        if (interrupted.signal.aborted) process.exit(130);
        progress.note('Stopping: waiting for the requests in flight (Ctrl-C again to quit at once; the checkpoint keeps what is done).');
        interrupted.abort();
      };
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      const result = await importFile(plane, {
        programId,
        file,
        format: formatOf(file, o.format),
        concurrency: o.concurrency,
        check: o.localChecks,
        restart: Boolean(o.restart),
        progress,
        signal: interrupted.signal,
      }).catch((error: unknown) => {
        if (error instanceof AdminError) console.error(`network: the import stopped; what was done is in ${file}.checkpoint.json, and the same command resumes from there.`);
        throw error;
      });
      const rate = result.seconds ? Math.round(result.rowsThisRun / result.seconds) : 0;
      print({
        complete: result.complete,
        rows: result.rows,
        imported: result.imported,
        refused: result.refused,
        this_run: { rows: result.rowsThisRun, seconds: Number(result.seconds.toFixed(1)), users_per_second: rate },
        refusals_report: result.reportPath,
        checkpoint: result.checkpointPath,
      });
      if (!result.complete) {
        console.error(`network: interrupted after ${duration(result.seconds)}; run the same command again to resume.`);
        process.exitCode = 130;
      }
    }),
  );

await program.parseAsync();
