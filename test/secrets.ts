/** Fixed secrets for tests and local benchmarks; never used by a deployment. */
export const TEST_SECRETS = {
  ADMIN_TOKEN: 'test-admin-token-0123456789abcdef0123456789',
  PII_ENCRYPTION_KEY: 't1:dGVzdC1waWktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=',
  HMAC_KEY: 't1:dGVzdC1obWFjLWtleS1mb3ItYmVhY29uLW5ldHdvcmsh',
  WEBHOOK_SEALING_KEY: 't1:dGVzdC13ZWJob29rLXNlYWxpbmcta2V5LTMyLWJ5dGU=',
} as const;

/** Keys a key rotation moves to (new ids, new values), for the rotation tests. */
export const ROTATED_TEST_KEYS = {
  PII_ENCRYPTION_KEY: 'r2:cm90YXRlZC1waWktZW5jcnlwdGlvbi1rZXktMzItYnk=',
  HMAC_KEY: 'r2:cm90YXRlZC1obWFjLWtleS1mb3ItYmVhY29uLW5ldHc=',
  WEBHOOK_SEALING_KEY: 'r2:cm90YXRlZC13ZWJob29rLXNlYWxpbmcta2V5LTMyLWI=',
} as const;
