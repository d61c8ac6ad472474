import type { Env as WorkerEnv } from '../../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: Record<'control' | 'userShard' | 'indexShard', import('cloudflare:test').D1Migration[]>;
      PLAID_SCHEMAS: Record<string, unknown>;
      FUZZ_CASES: string;
      FUZZ_SEED: string;
    }
    /** Types `exports` from `cloudflare:workers` as the Worker's own entry module. */
    interface GlobalProps {
      mainModule: typeof import('../../src/index');
    }
  }
}
