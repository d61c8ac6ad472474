/** The default duplicate rules, read at run time from src/domain/programs.ts. That module is
 * part of the Worker (D1, Durable Objects), whose types are not Node's; only this value is
 * needed here, so the import is not followed by the Node-side type check. */
import type { MatchRule } from '../src/matching/codes';

const programs = '../src/domain/programs';
export const DEFAULT_DUPLICATE_RULES = ((await import(programs)) as { DEFAULT_DUPLICATE_RULES: MatchRule[] }).DEFAULT_DUPLICATE_RULES;
