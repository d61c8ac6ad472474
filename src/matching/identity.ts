import type { IdNumberType } from '../vocabulary';

/** A Beacon User's identity data, as stored (sealed) for each version and as compared. */
export interface Identity {
  date_of_birth: string | null;
  name: { given_name: string; family_name: string };
  address: {
    street: string;
    street2: string | null;
    city: string;
    region: string | null;
    postal_code: string | null;
    country: string;
  } | null;
  email_address: string | null;
  phone_number: string | null;
  id_number: { value: string; type: IdNumberType } | null;
  ip_address: string | null;
  depository_accounts: { account_number: string; routing_number: string; added_at: string }[];
}
