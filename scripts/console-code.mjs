// `npm run console:code`: the current authenticator code of the sandbox console admin that
// `npm run dev` created (its secret is in .wrangler/sandbox-credentials.json), for signing in
// at /console locally without a phone. A code is good once: for a second sign-in within the
// same 30 seconds, wait for the next one.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { totpCode } from './console-admin.mjs';
import { ROOT } from './local-worker.mjs';

const CREDENTIALS = join(ROOT, '.wrangler', 'sandbox-credentials.json');
const secret = existsSync(CREDENTIALS) ? JSON.parse(readFileSync(CREDENTIALS, 'utf8')).console?.totp_secret : undefined;
if (!secret) {
  console.error(`No console admin in ${relative(ROOT, CREDENTIALS)}: run \`npm run dev\` first.`);
  process.exit(1);
}
const period = 30;
const left = period - (Math.floor(Date.now() / 1000) % period);
console.log(`${totpCode(secret)}  (good for ${left} s more)`);
