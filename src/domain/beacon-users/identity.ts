import { keyedDigests, type KeyRing } from '../../lib/crypto';
import type { BeaconUserRequestData, BeaconUserUpdateRequestData } from '../../schemas/beacon-user';
import type { Identity } from '../../matching/identity';

export type { Identity };

type Accounts = NonNullable<BeaconUserRequestData['depository_accounts']>;

/** Accounts as given, de-duplicated; an account already on the user keeps its `added_at`. */
function accounts(given: Accounts, existing: Identity['depository_accounts'], now: string): Identity['depository_accounts'] {
  const byKey = new Map(existing.map((a) => [`${a.routing_number}:${a.account_number}`, a]));
  const out = new Map<string, Identity['depository_accounts'][number]>();
  for (const a of given) {
    const key = `${a.routing_number}:${a.account_number}`;
    if (!out.has(key)) {
      out.set(key, { account_number: a.account_number, routing_number: a.routing_number, added_at: byKey.get(key)?.added_at ?? now });
    }
  }
  return [...out.values()];
}

/** Builds every object in a fixed key order, so equal identities serialise equally. */
function normalise(identity: Identity): Identity {
  const { address, id_number } = identity;
  return {
    date_of_birth: identity.date_of_birth,
    name: { given_name: identity.name.given_name, family_name: identity.name.family_name },
    address: address && {
      street: address.street,
      street2: address.street2 ?? null,
      city: address.city,
      region: address.region ?? null,
      postal_code: address.postal_code ?? null,
      country: address.country,
    },
    email_address: identity.email_address,
    phone_number: identity.phone_number,
    id_number: id_number && { value: id_number.value, type: id_number.type },
    ip_address: identity.ip_address,
    depository_accounts: identity.depository_accounts,
  };
}

const EMPTY: Identity = {
  date_of_birth: null,
  name: { given_name: '', family_name: '' },
  address: null,
  email_address: null,
  phone_number: null,
  id_number: null,
  ip_address: null,
  depository_accounts: [],
};

/** The identity of a new user from `/beacon/user/create`. */
export function identityFromRequest(data: BeaconUserRequestData, now: string): Identity {
  return patchIdentity(EMPTY, data, now);
}

/** Patch semantics of `/beacon/user/update`: a given field replaces the old value; a
 * field left out or null is kept. */
export function patchIdentity(current: Identity, patch: BeaconUserUpdateRequestData, now: string): Identity {
  return normalise({
    date_of_birth: patch.date_of_birth ?? current.date_of_birth,
    name: patch.name ?? current.name,
    address: (patch.address as Identity['address'] | null | undefined) ?? current.address,
    email_address: patch.email_address ?? current.email_address,
    phone_number: patch.phone_number ?? current.phone_number,
    id_number: patch.id_number ?? current.id_number,
    ip_address: patch.ip_address ?? current.ip_address,
    depository_accounts: patch.depository_accounts ? accounts(patch.depository_accounts, current.depository_accounts, now) : current.depository_accounts,
  });
}

/** Keyed digests of the identity's data (not of when accounts were added), under each key of
 * the ring, the current one (what is stored) first: two requests carrying the same data have
 * the same digest, whichever key made the stored one. */
export function identityDigests(key: KeyRing, identity: Identity): Promise<string[]> {
  const data = {
    ...identity,
    depository_accounts: identity.depository_accounts.map((a) => [a.routing_number, a.account_number]),
  };
  return keyedDigests(key, 'identity', JSON.stringify(data));
}

/** The spec's `BeaconUserData`: account numbers are shown only as a mask. */
export function identityView(identity: Identity) {
  return {
    date_of_birth: identity.date_of_birth,
    name: identity.name,
    address: identity.address,
    email_address: identity.email_address,
    phone_number: identity.phone_number,
    id_number: identity.id_number,
    ip_address: identity.ip_address,
    depository_accounts: identity.depository_accounts.map((a) => ({
      account_mask: a.account_number.slice(-4),
      routing_number: a.routing_number,
      added_at: a.added_at,
    })),
  };
}
