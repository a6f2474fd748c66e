/**
 * Fixed key material for user-token tests (test-only; never used outside the tests): the HS256
 * secret and the ES256 key pair whose public half vitest.config.ts binds as USER_TOKEN_JWKS.
 */

/** USER_TOKEN_SECRET as the workerd tests bind it. */
export const TEST_USER_TOKEN_SECRET = "test-user-token-secret-0123456789abcdef";

/** RANKER_TOKEN as the workerd tests bind it (the live sidecar of the tests requires it). */
export const TEST_RANKER_TOKEN = "test-ranker-token-0123456789abcdef";

/** The ES256 public key of the tests' JWKS. */
export const TEST_ES256_PUBLIC_JWK = {
  kty: "EC",
  x: "feDsm9VAxVCi00RnbW1jriXwWCfA3TDlfVldFOCnBVs",
  y: "zCFN9o5Mk79FgbtlIVUAd-4xahdlfMD8D8SkawDZbf0",
  crv: "P-256",
  kid: "test-es256-1",
  alg: "ES256",
  use: "sig",
} as const;

/** Its private half, for signing test tokens. */
export const TEST_ES256_PRIVATE_JWK = {
  ...TEST_ES256_PUBLIC_JWK,
  d: "4uTgFxXtKw_CKWfabE1BWLDE60PXmRr750EZGqbW5_M",
  use: undefined,
} as const;
