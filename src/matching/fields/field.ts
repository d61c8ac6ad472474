/** What a matching field is: how it is read from an identity and normalised once, how two
 * normalised values compare, and which blocking keys it contributes. Each field module
 * defines one; `fields/index.ts` lists them. */
import type { MatchCode } from '../codes';
import type { Identity } from '../identity';

export interface FieldDefinition<Normalised, Result> {
  /** The field's value of an identity, normalised (null, or empty, when not given). */
  normalise(identity: Identity): Normalised;
  /** Symmetric in its code: `code(compare(a, b))` = `code(compare(b, a))`. */
  compare(a: Normalised, b: Normalised): Result;
  /** The field's code in a result; only needed when the result is more than a code. */
  code?(result: Result): MatchCode;
  /** Index keys of a given value that are selective alone (one person's or one household's),
   * as plain strings. Omitted: none. */
  blockingKeys?(value: NonNullable<Normalised>): string[];
  /** Index keys selective only together with the name: `sounds` are its phonetic codes.
   * They come after every field's own keys. Omitted: none. */
  nameKeys?(value: NonNullable<Normalised>, sounds: string[]): string[];
}

/** Types a field definition; a result that is not a code needs its `code`. */
export function defineField<Normalised, Result>(
  definition: FieldDefinition<Normalised, Result> & (Result extends MatchCode ? unknown : { code(result: Result): MatchCode }),
): FieldDefinition<Normalised, Result> {
  return definition;
}
