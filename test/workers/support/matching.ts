import type { Identity } from '../../../src/domain/beacon-users/identity';

/** Leslie Knope, with every field filled; `over` replaces fields. */
export function leslie(over: Partial<Identity> = {}): Identity {
  return {
    date_of_birth: '1975-01-18',
    name: { given_name: 'Leslie', family_name: 'Knope' },
    address: { street: '123 Main St.', street2: null, city: 'Pawnee', region: 'IN', postal_code: '47998', country: 'US' },
    email_address: 'leslie.knope@gmail.com',
    phone_number: '+13175551234',
    id_number: { type: 'us_ssn', value: '123456789' },
    ip_address: '203.0.113.7',
    depository_accounts: [{ routing_number: '021000021', account_number: '1234567890', added_at: '2025-01-01T00:00:00Z' }],
    ...over,
  };
}
