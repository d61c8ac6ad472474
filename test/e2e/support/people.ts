/** Files of generated people for the import CLI's tests and benchmark: distinct people (each
 * family name 8 random letters, each email its own), from a fixed seed. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { random } from '../../random.ts';

const GIVEN = ['Leslie', 'April', 'Ann', 'Donna', 'Ben', 'Ron', 'Tom', 'Jerry', 'Chris', 'Andy', 'Mark', 'Craig'];
const CITIES = [
  ['Pawnee', 'IN', '46001'],
  ['Eagleton', 'IN', '46002'],
  ['Chicago', 'IL', '60601'],
  ['Denver', 'CO', '80202'],
];

export const HEADER =
  'client_user_id,given_name,family_name,date_of_birth,email_address,phone_number,street,street2,city,region,postal_code,country,id_type,id_value,ip_address,accounts';

/** One person as a CSV line of the import's columns (the `client_user_id` is `<prefix>-<i>`). */
export function personLine(rand: () => number, prefix: string, i: number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const family = letters(1).toUpperCase() + letters(7);
  const given = pick(GIVEN);
  const [city, region, zip] = pick(CITIES);
  const dob = `${1940 + Math.floor(rand() * 60)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  return [
    `${prefix}-${i}`,
    given,
    family,
    dob,
    `${given.toLowerCase()}.${family.toLowerCase()}.${i}@example.com`,
    `+1312${digits(7)}`,
    `${1 + Math.floor(rand() * 9999)} ${letters(1).toUpperCase()}${letters(5)} St`,
    '',
    city,
    region,
    zip,
    'US',
    '',
    '',
    `198.51.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}`,
    '',
  ].join(',');
}

/** Writes `count` people to `path` as an import CSV. */
export async function writePeopleCsv(path: string, count: number, { seed = 1, prefix = 'person' } = {}): Promise<void> {
  const rand = random(seed);
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${personLine(rand, prefix, i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
