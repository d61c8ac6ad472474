/** The rows of an import file, read as a stream: CSV (the columns below, a header line
 * first) or JSONL (one `{client_user_id, user}` per line, as /admin/beacon_user/import takes
 * them). Each row is checked here with the import's own request schema, so a row the
 * deployment would refuse for its shape is refused without a request. */
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { AdminBeaconUserImportRequest } from '../../src/schemas/admin.ts';
import { UsageError } from './admin.ts';

export type ImportFormat = 'csv' | 'jsonl';

/** The CSV columns, in this order or any other. `client_user_id`, `given_name` and
 * `family_name` are required; the others may be left out or left empty (not provided). */
export const CSV_COLUMNS = [
  'client_user_id',
  'given_name',
  'family_name',
  'date_of_birth',
  'email_address',
  'phone_number',
  'street',
  'street2',
  'city',
  'region',
  'postal_code',
  'country',
  'id_type',
  'id_value',
  'ip_address',
  /** `routing:account` pairs separated by `;`, e.g. `021000021:1234567890;011401533:99887766`. */
  'accounts',
] as const;
const REQUIRED_COLUMNS = ['client_user_id', 'given_name', 'family_name'];

/** One user of an import request. */
const ImportEntry = AdminBeaconUserImportRequest.shape.users.element;
export type ImportEntry = z.input<typeof ImportEntry>;

export interface Refusal {
  /** The field, as the import names it (`user.address.postal_code`), or `(row)`. */
  field: string;
  reason: string;
}

export interface Row {
  /** The line of the file the row starts on (the header is line 1 of a CSV). */
  line: number;
  /** As the file gives it, for the refusals report, even when it is not valid. */
  clientUserId: string;
  /** What the import is sent; absent when the row is refused here. */
  entry?: ImportEntry;
  refusals: Refusal[];
}

export function formatOf(file: string, format?: string): ImportFormat {
  const chosen = format ?? (/\.jsonl?$/i.test(file) ? 'jsonl' : /\.csv$/i.test(file) ? 'csv' : undefined);
  if (chosen !== 'csv' && chosen !== 'jsonl') throw new UsageError(`cannot tell the format of ${file}: name it .csv or .jsonl, or pass --format csv|jsonl`);
  return chosen;
}

/** The rows of `file` in order, from the first. */
export function readRows(file: string, format: ImportFormat, check: boolean): AsyncGenerator<Row> {
  return format === 'csv' ? csvRows(file, check) : jsonlRows(file, check);
}

async function* csvRows(file: string, check: boolean): AsyncGenerator<Row> {
  // A record that cannot be parsed (a stray quote, a wrong number of cells) is reported and
  // skipped; it is yielded in its place in the file (the parser reads ahead of the records
  // taken from it, so it knows of a bad record before the records after it are taken).
  const skipped: Row[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: checkHeader,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        skipped.push({ line: Number(error?.lines ?? 0), clientUserId: '', refusals: [{ field: '(row)', reason: `not a CSV record: ${error?.message ?? 'unreadable'}` }] });
        return undefined;
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    // `info.lines` is the line the record ends on; a record spans as many lines as it has
    // line breaks inside quoted cells.
    const line = info.lines - (Object.values(record).join('').match(/\n/g)?.length ?? 0);
    while (skipped[0] && skipped[0].line < line) yield skipped.shift()!;
    yield rowOf(line, record.client_user_id ?? '', fromCsv(record), check);
  }
  yield* skipped;
}

function checkHeader(header: string[]): string[] {
  const unknown = header.filter((column) => !(CSV_COLUMNS as readonly string[]).includes(column));
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (unknown.length || missing.length) {
    throw new UsageError(
      [
        unknown.length ? `unknown column(s): ${unknown.join(', ')}` : '',
        missing.length ? `missing column(s): ${missing.join(', ')}` : '',
        `the columns are: ${CSV_COLUMNS.join(',')}`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return header;
}

/** A CSV record as an import entry: empty cells are left out, and the columns of a part of
 * the identity (address, document) make that part when any of them is given. */
function fromCsv(record: Record<string, string>): ImportEntry | Refusal {
  const cell = (column: (typeof CSV_COLUMNS)[number]) => {
    const value = record[column]?.trim();
    return value ? value : undefined;
  };
  const given = (object: Record<string, unknown>) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
  const address = given({
    street: cell('street'),
    street2: cell('street2'),
    city: cell('city'),
    region: cell('region'),
    postal_code: cell('postal_code'),
    country: cell('country'),
  });
  const idNumber = given({ type: cell('id_type'), value: cell('id_value') });
  const name = given({ given_name: record.given_name?.trim() ?? '', family_name: record.family_name?.trim() ?? '' });
  let accounts: { routing_number: string; account_number: string }[] | undefined;
  const listed = cell('accounts');
  if (listed) {
    const pairs = listed.split(';').map((pair) => pair.trim().split(':'));
    if (pairs.some((pair) => pair.length !== 2 || !pair[0] || !pair[1])) {
      return { field: 'accounts', reason: 'must be routing:account pairs separated by ; (e.g. 021000021:1234567890)' };
    }
    accounts = pairs.map(([routing_number, account_number]) => ({ routing_number: routing_number!.trim(), account_number: account_number!.trim() }));
  }
  return {
    client_user_id: record.client_user_id ?? '',
    user: given({
      name: name.given_name || name.family_name ? name : undefined,
      date_of_birth: cell('date_of_birth'),
      address: Object.keys(address).length ? address : undefined,
      email_address: cell('email_address'),
      phone_number: cell('phone_number'),
      id_number: Object.keys(idNumber).length ? idNumber : undefined,
      ip_address: cell('ip_address'),
      depository_accounts: accounts,
    }) as ImportEntry['user'],
  };
}

async function* jsonlRows(file: string, check: boolean): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      yield { line, clientUserId: '', refusals: [{ field: '(row)', reason: `not JSON: ${(error as Error).message}` }] };
      continue;
    }
    const clientUserId =
      typeof parsed === 'object' && parsed !== null && typeof (parsed as { client_user_id?: unknown }).client_user_id === 'string'
        ? (parsed as { client_user_id: string }).client_user_id
        : '';
    yield rowOf(line, clientUserId, parsed as ImportEntry, check);
  }
}

function rowOf(line: number, clientUserId: string, entry: ImportEntry | Refusal, check: boolean): Row {
  if ('reason' in entry) return { line, clientUserId, refusals: [entry] };
  if (!check) return { line, clientUserId, entry, refusals: [] };
  const result = ImportEntry.safeParse(entry, { reportInput: true });
  return result.success ? { line, clientUserId, entry, refusals: [] } : { line, clientUserId, refusals: result.error.issues.map(refusalOf) };
}

/** A schema issue as the deployment would word it: the field, and the rule it breaks. */
function refusalOf(issue: z.core.$ZodIssue): Refusal {
  const field = issue.path.map(String).join('.') || '(row)';
  if (issue.code === 'unrecognized_keys') return { field: issue.keys.map((key) => (field === '(row)' ? key : `${field}.${key}`)).join(', '), reason: 'not a field of the import' };
  if (issue.input === undefined && issue.code !== 'custom') return { field, reason: 'required' };
  return { field, reason: issue.message };
}
