// `npm run fuzz [-- --n <cases>] [-- --seed <seed>]`: the fuzz test of every endpoint
// (test/workers/fuzz-integration.test.ts) at volume; `npm test` runs it at 300 cases.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ROOT } from './local-worker.mjs';

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
if (!/^\d+$/.test(values.n)) {
  console.error('usage: npm run fuzz -- --n <cases> [--seed <seed>]');
  process.exit(2);
}
const { status } = spawnSync('npx', ['vitest', 'run', 'test/workers/fuzz-integration.test.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_CASES: values.n, ...(values.seed ? { FUZZ_SEED: values.seed } : {}) },
});
process.exit(status ?? 1);
