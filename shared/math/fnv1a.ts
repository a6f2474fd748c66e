/** FNV-1a 32-bit hash: stable, platform-neutral, used for spec hashes and A/B bucketing. */

/** The FNV-1a hash of `text` (UTF-16 code units folded to bytes), as an unsigned 32-bit integer. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    hash ^= code & 0xff;
    hash = Math.imul(hash, 0x01000193);
    hash ^= code >>> 8;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `fnv1a` as 8 lowercase hex digits. */
export function fnv1aHex(text: string): string {
  return fnv1a(text).toString(16).padStart(8, "0");
}
