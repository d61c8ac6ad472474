// The operator's CLI import (`npm run network -- import`): BENCH_CLI_USERS generated people
// (default 100,000) from a CSV file into one program, with the CLI's defaults (4 requests of
// 100 users in flight). Users/s and total time, as the operator sees them: from starting the
// command to its summary, the file read, checked and sent, every request acknowledged.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../scripts/local-worker.mjs';
import { writePeopleCsv } from '../test/e2e/support/people.ts';
import { TEST_SECRETS } from '../test/secrets.ts';
import { clientOf, newMembers, printTable } from './lib.mjs';

const USERS = Number(process.env.BENCH_CLI_USERS ?? 100_000);

export async function benchCli({ ours, state }) {
  const [member] = await newMembers(ours, 1);
  const file = join(state, 'cli-import.csv');
  await writePeopleCsv(file, USERS, { seed: 11, prefix: 'cli' });

  const started = Date.now();
  const summary = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/network.ts', 'import', member.programId, file, '--progress-every', '30'], {
      cwd: ROOT,
      env: { ...process.env, BEACON_URL: ours, BEACON_ADMIN_TOKEN: TEST_SECRETS.ADMIN_TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`network import exited with ${code}`))));
  });
  const seconds = (Date.now() - started) / 1000;
  const { beacon_users } = await clientOf(ours).admin('/admin/program/metrics', { program_id: member.programId });
  if (summary.imported !== USERS || beacon_users.total !== USERS) {
    throw new Error(`imported ${summary.imported}, the program holds ${beacon_users.total}, of ${USERS}`);
  }
  const rows = [
    { measure: 'users imported', value: USERS.toLocaleString('en') },
    { measure: 'total time, s', value: seconds.toFixed(1) },
    { measure: 'users/s', value: (USERS / seconds).toFixed(0) },
  ];
  printTable(`CLI import of ${USERS.toLocaleString('en')} users into one program (4 requests of 100 in flight)`, rows);
  return { users: USERS, seconds, usersPerSecond: USERS / seconds };
}
