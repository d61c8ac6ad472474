import type { z } from 'zod';
import { errors } from '../errors';

/** Validates a request body against its schema and turns zod's issues into Plaid's
 * errors: unknown fields first (a misspelt field usually also makes one missing, and
 * the unknown name is the better hint), then every missing field, then the first
 * invalid field with the rule it breaks. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;

  const unknown: string[] = [];
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const issue of flatten(result.error.issues)) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      unknown.push(...issue.keys.map((key) => (path ? `${path}.${key}` : key)));
    } else if (issue.input === undefined && issue.code !== 'custom') {
      // Absent, whatever the field's type (enums report `invalid_value`, not `invalid_type`).
      missing.push(path);
    } else {
      invalid.push(path ? `${path}: ${issue.message}` : issue.message);
    }
  }
  if (unknown.length) throw errors.unknownFields(unknown);
  if (missing.length) throw errors.missingFields(missing);
  throw errors.invalidField(invalid[0] ?? 'the request is invalid');
}

/** Union issues carry their branches' issues; report the branch that came closest. */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
    return flatten(closest.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}
