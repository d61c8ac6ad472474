// Before authentication (issue 9): what a flood of requests from outside costs. Each flood comes
// from one source address at full speed (autocannon, LOAD.connections): the same wrong
// credentials again and again, new wrong credentials every time, a wrong operator token, no
// credentials at all, and wrong console sign-ins (a new email each time, so that only the
// address's count of failures stops them). For each: requests/s against the floor's cheapest
// request (one D1 read), and, from a sample of SAMPLE requests, how many were answered without
// any D1 round trip (Beacon-D1-Usage), how many were refused by the per-source limit, and —
// for sign-ins — how many passwords were checked and how many attempts were told to wait.
import { consoleForm } from '../scripts/console-admin.mjs';
import { compareLoads, LOAD, printTable, ratio } from './lib.mjs';

/** More than the per-source limit lets through in its window (wrangler.toml: 1000 per 10 s). */
const SAMPLE = 1200;

const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
const credentials = () => ({ 'PLAID-CLIENT-ID': hex(12), 'PLAID-SECRET': hex(15) });

const SAME = credentials();
const API_BODY = { beacon_user_id: 'becusr_0000000000000' };
const api = (path, headers) => async () => () => ({ path, headers: headers(), body: API_BODY });

/** A browser at the sign-in page (its pre-session cookie and form token), then the form again
 * and again with a wrong password, each time for another email address. */
async function signIns(ours, source) {
  const { cookie, csrf } = await consoleForm(await fetch(`${ours}/console/sign-in`, { headers: source }));
  if (!csrf) throw new Error('the sign-in page had no form token');
  const headers = { cookie, origin: ours, 'content-type': 'application/x-www-form-urlencoded' };
  let n = 0;
  return () => ({
    path: '/console/sign-in',
    headers,
    body: new URLSearchParams({ _csrf: csrf, email: `guess-${n++}@bench.example`, password: 'not the password', code: '000000' }).toString(),
  });
}

const FLOODS = [
  {
    label: 'the same wrong credentials',
    prepare: api('/beacon/user/get', () => SAME),
  },
  { label: 'new wrong credentials each time', prepare: api('/beacon/user/get', credentials) },
  { label: 'a wrong operator token', prepare: api('/admin/client/list', () => ({ authorization: `Bearer ${hex(24)}` })) },
  { label: 'no credentials', prepare: api('/beacon/user/get', () => ({})) },
  { label: 'wrong console sign-ins, a new email each', prepare: (ours, source) => signIns(ours, source) },
];

export async function benchFlood({ ours, floor }) {
  const rows = [];
  let source = 0;
  const from = () => ({ 'CF-Connecting-IP': `198.18.${Math.floor(source / 250)}.${source++ % 250}` });
  for (const flood of FLOODS) {
    // A source of its own for the sample, and another for the load.
    const sampleSource = from();
    const sample = await flood.prepare(ours, sampleSource);
    const counts = { withoutD1: 0, limited: 0, checked: 0, waiting: 0 };
    let sent = 0;
    const sender = async () => {
      while (sent++ < SAMPLE) {
        const { path, headers, body } = sample();
        const response = await fetch(ours + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...sampleSource, ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        const text = await response.text();
        if (response.status === 429) {
          if (/Too many failed sign-ins/.test(text)) counts.waiting++;
          else counts.limited++;
        }
        if (path === '/console/sign-in' && response.status === 400) counts.checked++;
        if (/(^|;\s*)round_trips=0(;|$)/.test(response.headers.get('beacon-d1-usage') ?? '')) counts.withoutD1++;
      }
    };
    await Promise.all(Array.from({ length: LOAD.connections }, sender));
    const loadSource = from();
    const next = await flood.prepare(ours, loadSource);
    const [refused, floorRead] = await compareLoads(
      {
        url: ours,
        next: () => {
          const request = next();
          return { ...request, headers: { ...loadSource, ...request.headers } };
        },
      },
      { url: floor, next: () => ({ path: '/get', body: { id: 'none' } }) },
    );
    const signIn = flood.label.includes('sign-in');
    rows.push({
      flood: flood.label,
      'requests/s': refused.rps.toFixed(0),
      'floor read/s': floorRead.rps.toFixed(0),
      'vs floor': ratio(refused.rps, floorRead.rps),
      [`without D1 (of ${SAMPLE})`]: counts.withoutD1,
      'over the source limit': counts.limited,
      'passwords checked': signIn ? counts.checked : '—',
      'told to wait': signIn ? counts.waiting : '—',
    });
  }
  printTable(`Floods before authentication (one source each, ${LOAD.connections} connections)`, rows);
  return rows;
}
