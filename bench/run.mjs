// `npm run bench [-- <section> ...]`: starts the Worker and the floor Worker locally (fresh
// databases, `wrangler dev`, real workerd) and runs the benchmark sections, printing a table
// for each and writing every figure to .bench/results.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_RECEIVER_PORTS, ROOT, startLocalWorker } from '../scripts/local-worker.mjs';
import { TEST_SECRETS } from '../test/secrets.ts';
import { benchCli } from './cli.mjs';
import { benchConsole } from './console.mjs';
import { benchFlood } from './flood.mjs';
import { benchHostile } from './hostile.mjs';
import { benchNetwork } from './network.mjs';
import { benchProgram } from './program.mjs';
import { benchScale } from './scale.mjs';
import { benchUsers } from './users.mjs';
import { benchWebhooks } from './webhooks.mjs';
import { benchWeights } from './weights.mjs';

const SECTIONS = {
  users: benchUsers,
  program: benchProgram,
  scale: benchScale,
  network: benchNetwork,
  hostile: benchHostile,
  weights: benchWeights,
  flood: benchFlood,
  webhooks: benchWebhooks,
  cli: benchCli,
  console: benchConsole,
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
const sections = requested.length ? requested : Object.keys(SECTIONS);

const state = mkdtempSync(join(tmpdir(), 'beacon-bench-'));
const workers = [];
const results = {};
try {
  // Every answer says what it cost in D1 (Beacon-D1-Usage), for the sections that count it.
  const ours = await startLocalWorker({ persistTo: join(state, 'ours'), vars: { ...TEST_SECRETS, D1_USAGE_HEADER: 'on' }, receiverPorts: LOCAL_RECEIVER_PORTS, devTools: false });
  workers.push(ours);
  const floor = await startLocalWorker({ config: 'bench/floor/wrangler.toml', persistTo: join(state, 'floor'), devTools: false });
  workers.push(floor);
  for (const name of sections) {
    results[name] = await SECTIONS[name]({ ours: ours.url, floor: floor.url, state, cpu: { ours: ours.cpuMs, floor: floor.cpuMs } });
  }
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  rmSync(state, { recursive: true, force: true });
}

mkdirSync(join(ROOT, '.bench'), { recursive: true });
writeFileSync(join(ROOT, '.bench', 'results.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
console.log('\nFigures written to .bench/results.json');
