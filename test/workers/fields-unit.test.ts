import { describe, expect, it } from 'vitest';
import { Address, ClientUserId, IdNumber, isAbaRoutingNumber, PastDate, PhoneNumber } from '../../src/schemas/fields';

describe('field rules', () => {
  it('checks ABA routing numbers', () => {
    for (const valid of ['021000021', '011000015', '121000358', '026009593']) expect(isAbaRoutingNumber(valid)).toBe(true);
    for (const invalid of ['021000022', '12345678', '0210000210', 'abcdefghi', '000000001']) expect(isAbaRoutingNumber(invalid)).toBe(false);
  });

  it('accepts leap days only in leap years', () => {
    expect(PastDate.safeParse('2000-02-29').success).toBe(true);
    expect(PastDate.safeParse('1900-02-29').success).toBe(false);
    expect(PastDate.safeParse('2023-02-29').success).toBe(false);
  });

  it('accepts E.164 numbers of plausible length, including Plaid’s example', () => {
    for (const valid of ['+19876543212', '+14155552671', '+447911123456', '+33612345678']) expect(PhoneNumber.safeParse(valid).success).toBe(true);
    for (const invalid of ['19876543212', '+1 415 555 2671', '+1415555267', '+0123456789', '+99912345']) expect(PhoneNumber.safeParse(invalid).success).toBe(false);
  });

  it('validates regions against the country and allows countries without postal codes', () => {
    expect(Address.safeParse({ street: '1 Queen St W', city: 'Toronto', region: 'ON', country: 'CA', postal_code: 'M5H 2N2' }).success).toBe(true);
    expect(Address.safeParse({ street: '1 Queen St W', city: 'Toronto', region: 'IN', country: 'CA' }).success).toBe(false);
    expect(Address.safeParse({ street: '1 Queen’s Rd Central', city: 'Hong Kong', country: 'HK' }).success).toBe(true);
    expect(Address.safeParse({ street: '1 Main St', city: 'Pawnee', country: 'US', postal_code: '46001-1234' }).success).toBe(false);
  });

  it('strips formatting from id numbers and applies per-type digit counts', () => {
    expect(IdNumber.parse({ value: '123 45 6789', type: 'us_ssn' })).toEqual({ value: '123456789', type: 'us_ssn' });
    expect(IdNumber.parse({ value: 'AB.123/456', type: 'mx_curp' })).toEqual({ value: 'AB123456', type: 'mx_curp' });
    expect(IdNumber.safeParse({ value: '1234', type: 'us_ssn' }).success).toBe(false);
    expect(IdNumber.safeParse({ value: 'abc!', type: 'mx_curp' }).success).toBe(false);
  });

  it('keeps PII out of client_user_id', () => {
    expect(ClientUserId.safeParse('your-db-id-3b24110').success).toBe(true);
    expect(ClientUserId.safeParse('user-sandbox-b0e2c4ee-a763-4df5-bfe9-46a46bce993d').success).toBe(true);
    expect(ClientUserId.safeParse('12345').success).toBe(true);
    expect(ClientUserId.safeParse('someone@example.com').success).toBe(false);
    expect(ClientUserId.safeParse('+1 415 555 2671').success).toBe(false);
    expect(ClientUserId.safeParse('x'.repeat(129)).success).toBe(false);
  });
});
