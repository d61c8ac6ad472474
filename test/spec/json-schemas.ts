/** Plaid's component schemas as JSON Schema `$defs` (through the one conversion of
 * scripts/plaid-spec.mjs), so tests can check our answers against Plaid's own definitions. */
import { plaidSchemas as convert } from '../../scripts/plaid-spec.mjs';

export const plaidSchemas = () => convert('#/$defs/');
