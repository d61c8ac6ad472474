/** email_address: compared as the mailbox it delivers to. */
import type { MatchCode } from '../codes';
import { editDistance, MAX_TEXT_LENGTH } from '../text';
import { defineField } from './field';

export interface NormalisedEmail {
  /** The mailbox: `local@domain`, lower case, provider aliases removed (see below). */
  mailbox: string;
  local: string;
  domain: string;
}

/** Domains that are another name for the same mail service. */
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };
/** Providers that ignore dots in the local part: "j.smith" and "jsmith" are one Gmail inbox. */
const DOTS_IGNORED = new Set(['gmail.com']);
/** Providers that deliver `name+anything` to `name` (sub-addressing). Limited to the big
 * consumer providers, where it is documented; elsewhere "+" may be a real part of the name. */
const PLUS_TAGS = new Set([
  'gmail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'fastmail.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
]);

/** Lower case throughout: providers treat local parts case-insensitively in practice. The
 * dots and "+tag" rules are applied because they name one inbox: a user re-entered as
 * "Leslie.Knope+2@gmail.com" is the same person, and is a common way to open a second account. */
export function normaliseEmail(value: string | null): NormalisedEmail | null {
  if (!value) return null;
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0) return { mailbox: email, local: email, domain: '' };
  const domain = DOMAIN_ALIASES[email.slice(at + 1)] ?? email.slice(at + 1);
  let local = email.slice(0, at);
  if (PLUS_TAGS.has(domain)) local = local.replace(/\+.*$/, '');
  if (DOTS_IGNORED.has(domain)) local = local.replace(/\./g, '');
  local = local.slice(0, MAX_TEXT_LENGTH);
  return { mailbox: `${local}@${domain}`, local, domain };
}

/**
 * match: the same mailbox.
 * partial_match: the same distinctive local part (6+ characters) at another provider, or one
 * typo in the local part at the same provider.
 */
export function compareEmail(a: NormalisedEmail | null, b: NormalisedEmail | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a.mailbox === b.mailbox) return 'match';
  const distinctive = Math.min(a.local.length, b.local.length) >= 6;
  if (distinctive && a.local === b.local) return 'partial_match';
  if (distinctive && a.domain === b.domain && editDistance(a.local, b.local, 1) === 1) return 'partial_match';
  return 'no_match';
}

export const emailAddressField = defineField({
  normalise: (identity) => normaliseEmail(identity.email_address),
  compare: compareEmail,
  blockingKeys: (email) => [`email:${email.mailbox}`],
});
