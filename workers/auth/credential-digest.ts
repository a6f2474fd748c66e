/**
 * SHA-256 of credentials, the one place the Worker hashes them: the admin key is compared digest to
 * digest in constant time (equal lengths, so nothing leaks through timing), and server keys are
 * stored and looked up by the hex of the same digest. A request's credential is hashed once.
 */

/** The SHA-256 digest of `text` (UTF-8). */
export async function credentialDigest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/** Lower-case hex of a digest. */
export function digestHex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

let adminDigest: { token: string; digest: Promise<ArrayBuffer> } | null = null;

/** True when the credential with `digest` is the admin key `adminToken` (its digest cached per isolate). */
export async function isAdminKey(digest: ArrayBuffer, adminToken: string): Promise<boolean> {
  if (adminDigest?.token !== adminToken) adminDigest = { token: adminToken, digest: credentialDigest(adminToken) };
  return crypto.subtle.timingSafeEqual(digest, await adminDigest.digest);
}
