// Before authentication (issue 9): what a flood of requests from outside costs. Each flood comes
// from one source address at full speed (autocannon, LOAD.connections): the same wrong
// credentials again and again, new wrong credentials every time, a wrong operator token, and
// no credentials at all. For each: requests/s against the floor's cheapest request (one D1
// read), and, from a sequential sample of SAMPLE requests, how many were answered without any
// D1 round trip (Beacon-D1-Usage) and how many were refused by the per-source limit.
import { compareLoads, LOAD, printTable, ratio } from './lib.mjs';

/** More than the per-source limit lets through in its window (wrangler.toml: 1000 per 10 s). */
const SAMPLE = 1200;

const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');
const credentials = () => ({ 'PLAID-CLIENT-ID': hex(12), 'PLAID-SECRET': hex(15) });

const FLOODS = [
  {
    label: 'the same wrong credentials',
    headers: (
      (fixed) => () =>
        fixed
    )(credentials()),
    path: '/beacon/user/get',
  },
  { label: 'new wrong credentials each time', headers: credentials, path: '/beacon/user/get' },
  { label: 'a wrong operator token', headers: () => ({ authorization: `Bearer ${hex(24)}` }), path: '/admin/client/list' },
  { label: 'no credentials', headers: () => ({}), path: '/beacon/user/get' },
];

export async function benchFlood({ ours, floor }) {
  const rows = [];
  let source = 0;
  for (const flood of FLOODS) {
    // A source of its own for the sample, and another for the load.
    const from = () => ({ 'CF-Connecting-IP': `198.18.${Math.floor(source / 250)}.${source % 250}` });
    source++;
    const sampleHeaders = from();
    let withoutD1 = 0;
    let limited = 0;
    let sent = 0;
    const sender = async () => {
      while (sent++ < SAMPLE) {
        const response = await fetch(ours + flood.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...sampleHeaders, ...flood.headers() },
          body: JSON.stringify({ beacon_user_id: 'becusr_0000000000000' }),
        });
        await response.arrayBuffer();
        if (response.status === 429) limited++;
        if (/(^|;\s*)round_trips=0(;|$)/.test(response.headers.get('beacon-d1-usage') ?? '')) withoutD1++;
      }
    };
    await Promise.all(Array.from({ length: LOAD.connections }, sender));
    source++;
    const loadHeaders = from();
    const [refused, floorRead] = await compareLoads(
      { url: ours, next: () => ({ path: flood.path, headers: { ...loadHeaders, ...flood.headers() }, body: { beacon_user_id: 'becusr_0000000000000' } }) },
      { url: floor, next: () => ({ path: '/get', body: { id: 'none' } }) },
    );
    rows.push({
      flood: flood.label,
      'requests/s': refused.rps.toFixed(0),
      'floor read/s': floorRead.rps.toFixed(0),
      'vs floor': ratio(refused.rps, floorRead.rps),
      [`without D1 (of ${SAMPLE})`]: withoutD1,
      'over the source limit': limited,
    });
  }
  printTable(`Floods before authentication (one source each, ${LOAD.connections} connections)`, rows);
  return rows;
}
