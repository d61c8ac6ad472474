// Starts the Worker locally with `wrangler dev`, the way an operator runs it: real workerd,
// local D1 (migrated first), the program Durable Objects. Shared by `npm run dev`, the
// end-to-end tests and the benchmark, so that they all run the same thing.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: wrangler resolves `main`, `migrations_dir` and `.dev.vars` from here. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Wrangler's package exports hide `bin/`, so find the CLI through its package.json. It runs
// on this process's Node (Node 24 from the `node` devDependency under `npm run` / `npx`),
// not on whatever `node` the PATH of a child process would find.
const wranglerPackage = createRequire(import.meta.url).resolve('wrangler/package.json');
const WRANGLER = join(dirname(wranglerPackage), JSON.parse(readFileSync(wranglerPackage, 'utf8')).bin.wrangler);

/**
 * @typedef {{ first: number, last: number }} PortRange
 */

/** Where webhook receivers on this machine listen when a local Worker sends to them
 * (WEBHOOK_LOCAL_PORTS), unless configured otherwise: clear of the Worker's own port (8787
 * for `npm run dev`, otherwise a free one the OS picks from its ephemeral range). */
export const LOCAL_RECEIVER_PORTS = /** @type {PortRange} */ ({ first: 9000, last: 9099 });

/** The WEBHOOK_LOCAL_PORTS value of a range. @param {PortRange} range */
export const portRangeVar = ({ first, last }) => `${first}-${last}`;

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
/** How much of wrangler's output to keep for error messages. */
const OUTPUT_TAIL_CHARS = 20_000;

/**
 * @typedef {object} LocalWorkerOptions
 * @property {string} [config] wrangler configuration file, relative to the project root
 * @property {number} [port] port to listen on (127.0.0.1); a free one when left out
 * @property {string} [persistTo] directory for local D1/Durable Object state; wrangler's
 *   default (.wrangler/state) when left out
 * @property {Record<string, string>} [vars] vars and secrets, passed as `--var KEY:VALUE`
 *   (they override .dev.vars)
 * @property {PortRange} [receiverPorts] ports on which webhook receivers on this machine
 *   may listen (passed as WEBHOOK_LOCAL_PORTS); the Worker's own port must lie outside them,
 *   or a member could point its webhooks at the Worker itself
 * @property {string[]} [args] further arguments for `wrangler dev`
 * @property {boolean} [inheritOutput] show wrangler's output on this terminal instead of
 *   capturing it
 * @property {boolean} [devTools] wrangler's local explorer and the request tracing behind it
 *   (default on, as in plain `wrangler dev`). They cost CPU on every request and binding call
 *   and production has neither, so the benchmark turns them off for every Worker it measures.
 *
 * @typedef {object} LocalWorker
 * @property {string} url base URL, e.g. http://127.0.0.1:8787
 * @property {() => Promise<void>} stop stops wrangler and everything it started
 * @property {Promise<number | null>} exited settles with the exit code when wrangler exits
 *   (on its own or through stop)
 * @property {() => string} output the tail of wrangler's output when captured
 * @property {() => number} cpuMs CPU time (user and system, ms) used so far by wrangler and
 *   everything it started (workerd: the Worker, its Durable Objects, the local D1 and the
 *   rest); NaN where /proc is not available
 */

/**
 * Applies the D1 migrations, starts `wrangler dev` and waits until it answers HTTP.
 * @param {LocalWorkerOptions} [options]
 * @returns {Promise<LocalWorker>}
 */
export async function startLocalWorker({ config = 'wrangler.toml', port, persistTo, vars = {}, receiverPorts, args = [], inheritOutput = false, devTools = true } = {}) {
  const [major] = process.versions.node.split('.').map(Number);
  if ((major ?? 0) < 22) {
    throw new Error(`wrangler needs Node >= 22, this is ${process.version}; run through npm run / npx (they use the project's Node)`);
  }
  // wrangler runs in ROOT, so pass the directory as the caller means it.
  const persist = persistTo ? ['--persist-to', resolvePath(persistTo)] : [];
  port = await reservePort(port ?? 0);
  if (receiverPorts && port >= receiverPorts.first && port <= receiverPorts.last) {
    throw new Error(`the Worker's port ${port} is inside the webhook receiver ports ${portRangeVar(receiverPorts)}; choose ports apart`);
  }
  const allVars = receiverPorts ? { ...vars, WEBHOOK_LOCAL_PORTS: portRangeVar(receiverPorts) } : vars;

  // Migrations first, for every D1 database (the control database and each shard): the
  // Worker does not create its tables. Without a TTY, wrangler skips its confirmation prompt.
  // One at a time: local databases share wrangler's state directory, and concurrent runs
  // can find it locked.
  for (const binding of d1Bindings(config)) {
    const migrate = run(['d1', 'migrations', 'apply', binding, '--local', '-c', config, ...persist], inheritOutput);
    const migrated = await migrate.exited;
    if (migrated !== 0) {
      throw new Error(`wrangler d1 migrations apply ${binding} failed (exit ${migrated})${migrate.output() ? `:\n${migrate.output()}` : ''}`);
    }
  }

  const url = `http://127.0.0.1:${port}`;
  const dev = run(
    [
      'dev',
      '-c',
      config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      // No hotkeys: stdin is not the terminal (Ctrl-C is handled by the caller instead).
      '--show-interactive-dev-session=false',
      ...persist,
      ...Object.entries(allVars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
      ...args,
    ],
    inheritOutput,
    devTools ? {} : { X_LOCAL_EXPLORER: 'false', X_LOCAL_OBSERVABILITY: 'false' },
  );

  try {
    await waitUntilServing(url, dev.exited);
  } catch (error) {
    await dev.stop();
    const output = inheritOutput ? '(see its output above)' : `output:\n${dev.output()}`;
    throw new Error(`wrangler dev did not start on ${url}: ${/** @type {Error} */ (error).message}\n${output}`);
  }
  return { url, stop: dev.stop, exited: dev.exited, output: dev.output, cpuMs: () => groupCpuMs(dev.pgid) };
}

/**
 * The D1 bindings of a wrangler configuration's top-level environment (the one `wrangler dev`
 * runs): every `[[d1_databases]]` before the first `[env.…]` section.
 * @param {string} config
 * @returns {string[]}
 */
export function d1Bindings(config) {
  const toml = readFileSync(join(ROOT, config), 'utf8');
  const topLevel = toml.split(/^\[env\./m)[0] ?? '';
  return [...topLevel.matchAll(/^\[\[d1_databases\]\][^[]*?^binding\s*=\s*"([^"]+)"/gm)].map((m) => /** @type {string} */ (m[1]));
}

/**
 * Runs wrangler in its own process group, so that stopping it also stops what it spawned
 * (workerd, esbuild) and a Ctrl-C on the terminal reaches only our process, which then
 * stops wrangler in order.
 * @param {string[]} args
 * @param {boolean} inheritOutput
 * @param {Record<string, string>} [env] further environment for wrangler
 */
function run(args, inheritOutput, env = {}) {
  const child = spawn(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...env },
    stdio: ['ignore', inheritOutput ? 'inherit' : 'pipe', inheritOutput ? 'inherit' : 'pipe'],
    detached: true,
  });
  const pgid = /** @type {number} */ (child.pid);

  // Keep draining the pipes for the whole life of the process: a full pipe would block wrangler.
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  /** @type {Promise<number | null>} */
  const exited = new Promise((resolve) => {
    child.on('exit', (code) => resolve(code)); // null when a signal ended it
    child.on('error', (error) => {
      keep(Buffer.from(`failed to start wrangler: ${error.message}\n`));
      resolve(-1);
    });
  });

  // If this process exits without calling stop (an exception, process.exit), don't leave
  // workerd running: signal the group synchronously on the way out.
  const killOnExit = () => signalGroup(pgid, 'SIGKILL');
  process.on('exit', killOnExit);
  let running = true;
  exited.then(() => {
    running = false;
    if (!groupAlive(pgid)) process.off('exit', killOnExit); // nothing left behind
  });

  /** Asks the group to terminate, waits for it to be gone, and kills what is left. */
  async function stop() {
    signalGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while ((running || groupAlive(pgid)) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
    await exited;
    process.off('exit', killOnExit);
  }

  return { exited, stop, output: () => output, pgid };
}

/**
 * Polls until the server gives any HTTP answer (the app answers 404 JSON for `POST /`).
 * @param {string} url
 * @param {Promise<number | null>} exited
 */
async function waitUntilServing(url, exited) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`wrangler exited with code ${await exited}`);
    try {
      const response = await fetch(`${url}/`, { method: 'POST', signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return;
    } catch {
      await sleep(200); // not listening yet
    }
  }
  throw new Error(`no answer within ${STARTUP_TIMEOUT_MS / 1000}s`);
}

/**
 * Binds and releases a port on 127.0.0.1, to learn that it is free right now; port 0 lets
 * the OS pick one. Checking a fixed port first matters: if another server answers there,
 * the readiness poll would mistake it for ours.
 * @param {number} port
 * @returns {Promise<number>}
 */
function reservePort(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', (error) =>
      reject(new Error(`port ${port} on 127.0.0.1 is not available (${/** @type {NodeJS.ErrnoException} */ (error).code}); is the Worker already running?`)),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts `server` listening on 127.0.0.1 on the first free port of `range`: how a webhook
 * receiver finds a port a local Worker may send to.
 * @param {import('node:net').Server} server
 * @param {PortRange} range
 * @returns {Promise<number>} the port
 */
export async function listenOnFreePort(server, { first, last }) {
  for (let port = first; port <= last; port++) {
    const listening = await new Promise((resolve, reject) => {
      /** @param {NodeJS.ErrnoException} error */
      const onError = (error) => {
        server.off('listening', onListening);
        if (error.code === 'EADDRINUSE') resolve(false);
        else reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(true);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, '127.0.0.1');
    });
    if (listening) return port;
  }
  throw new Error(`no free port on 127.0.0.1 from ${first} to ${last}`);
}

/** @param {number} pgid @param {NodeJS.Signals} signal */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** @param {number} pgid */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * The CPU time (ms) of every live process in a process group, from /proc (Linux).
 * @param {number} pgid
 */
function groupCpuMs(pgid) {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let stat;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      // After "pid (comm) ": state, ppid, pgrp, …, utime (14th field), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return Number.NaN;
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
