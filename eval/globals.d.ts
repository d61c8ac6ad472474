// Identity's module (src/domain/beacon-users/identity.ts) pulls in src/lib/crypto.ts, written
// against workerd's Web Crypto: declare the two names Node's types lack, for the type check only.
import type { webcrypto } from 'node:crypto';

declare global {
  interface CryptoKey extends webcrypto.CryptoKey {}
}

declare module 'crypto' {
  namespace webcrypto {
    interface SubtleCrypto {
      timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
    }
  }
}
