/**
 * Little-endian float32 encoding for tests of the sidecar's binary bodies, written with a DataView
 * (independent of the code under test).
 */
import { FEATURE_SPEC } from "../../shared/features/feature-spec";

/** Little-endian float32 bytes of `rows` (each FEATURE_SPEC.size values). */
export function encodeRows(rows: number[][]): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(rows.length * FEATURE_SPEC.size * 4);
  const view = new DataView(bytes.buffer);
  rows.flat().forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return bytes;
}

/** The little-endian float32 values of `bytes`. */
export function decodeScores(bytes: ArrayBuffer): number[] {
  const view = new DataView(bytes);
  return Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}
