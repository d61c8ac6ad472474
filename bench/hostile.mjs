// Bounded work per request (issue 9): /beacon/user/create of worst-case identities — names,
// streets and cities built from the character that folding expands most (U+FDFA "ﷺ", 18
// characters), the longest email allowed — in a program holding 50 of them that share their
// blocking keys (one birth date, one family name, one house), so every create compares 50
// worst-case candidates. Measured against ordinary people in a program of the same size, at the
// same load; also ordinary people sharing their keys with 50 candidates (the cost of the
// candidates alone) and worst-case identities sharing no key (the cost of such an identity
// alone). Target: worst-case p50 ≤ 2× the ordinary p50.
import { MAX_TEXT_LENGTH } from '../src/matching/text.ts';
import { alternatingCreateLatency, importPeople, LATENCY_RATE, LOAD, ms, newMembers, person, printTable, random, ratio } from './lib.mjs';

const CANDIDATES = 50; // the most a check compares (MAX_CANDIDATES)
const FDFA = '\uFDFA';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A word of random letters: given names that are not near each other, so no pair is a
 * duplicate and the checks measure comparing, not recording duplicates. */
const word = (rand, n) => Array.from({ length: n }, () => BASE36[10 + Math.floor(rand() * 26)]).join('');
/** Two characters unique to the n-th identity, so that mailboxes and streets differ by one or
 * two edits: the edit distance runs the full length of the value. */
const tag = (n) => BASE36[Math.floor(n / 36) % 36] + BASE36[n % 36];

/** Everything at the validation limits, from the most expanding character. */
function worstCase(rand, n) {
  return {
    date_of_birth: '1961-07-23',
    name: { given_name: `${word(rand, 8)} ${FDFA.repeat(91)}`, family_name: FDFA.repeat(100) },
    address: { street: `1 ${tag(n)} ${FDFA.repeat(75)}`, street2: FDFA.repeat(50), city: FDFA.repeat(100), region: 'IN', postal_code: '46001', country: 'US' },
    // 240 characters, the last two kept after normalisation unique.
    email_address: `${'a'.repeat(MAX_TEXT_LENGTH - 2)}${tag(n)}${'a'.repeat(240 - MAX_TEXT_LENGTH)}@example.com`,
  };
}

/** A birth date of its own for the n-th identity (for 26,880 of them). */
const uniqueDate = (n) => {
  const pad = (x) => String(x).padStart(2, '0');
  return `${1920 + (n % 80)}-${pad(1 + (Math.floor(n / 80) % 12))}-${pad(1 + (Math.floor(n / 960) % 28))}`;
};

/** The same shape with ordinary text: the cost of 50 candidates without the expansion. */
function ordinary(rand, n) {
  return {
    date_of_birth: '1961-07-23',
    name: { given_name: word(rand, 8), family_name: 'Knope' },
    address: { street: `1 ${tag(n)} Main St`, street2: 'Apt 4', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    email_address: `leslie.knope${tag(n)}@example.com`,
  };
}

export async function benchHostile({ ours }) {
  const rand = random(9);
  const [normal, shared, hostile, alone] = await newMembers(ours, 4);
  const kinds = [
    { label: 'ordinary people', member: normal, identity: (r) => person(r) },
    { label: `ordinary, sharing keys with ${CANDIDATES}`, member: shared, identity: ordinary },
    { label: `worst case, sharing keys with ${CANDIDATES}`, member: hostile, identity: worstCase },
    // The cost of such an identity itself (validation, sealing, indexing), without candidates.
    { label: 'worst case, sharing no key', member: alone, identity: (r, n) => ({ ...worstCase(r, n), date_of_birth: uniqueDate(n), address: null }) },
  ].map((kind) => {
    let n = 0;
    return { ...kind, identity: (r) => kind.identity(r, n++) };
  });
  // Each program starts with CANDIDATES users of its kind.
  for (const kind of kinds) {
    const held = Array.from({ length: CANDIDATES }, () => kind.identity(rand));
    await importPeople(ours, kind.member, CANDIDATES, rand, 'held', (i) => held[i]);
  }
  const figures = await alternatingCreateLatency(ours, kinds, rand, 'measured');
  const [base] = figures;
  const rows = figures.map((f) => ({
    creates: f.label,
    p50: ms(f.p50),
    p99: ms(f.p99),
    'p50 / ordinary': ratio(f.p50, base.p50),
    'p99 / ordinary': ratio(f.p99, base.p99),
    errors: f.errors,
  }));
  printTable(`/beacon/user/create of worst-case identities (${LATENCY_RATE} req/s, open loop; median of ${LOAD.rounds} alternating rounds)`, rows);
  return rows;
}
