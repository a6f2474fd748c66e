/**
 * The Vectorize slot ledger in KV (`release:vector-slots`, shared/artifacts/release.ts): which
 * release each slot index holds and whether its upload finished. Written read-modify-write by the
 * admin routes only, like the pointer and the registry (one operator tool at a time).
 */
import { RELEASE_KV_KEYS, type VectorSlotLedger, vectorSlotLedgerSchema } from "../../shared/artifacts/release";

/** The ledger as KV holds it now (not cached: slot decisions must see the latest claim); empty when unset or unreadable. */
export async function readVectorSlotLedger(kv: KVNamespace): Promise<VectorSlotLedger> {
  const parsed = vectorSlotLedgerSchema.safeParse((await kv.get(RELEASE_KV_KEYS.vectorSlots, "json")) ?? { slots: {} });
  return parsed.success ? parsed.data : { slots: {} };
}

/** Replaces the ledger. */
export async function writeVectorSlotLedger(kv: KVNamespace, ledger: VectorSlotLedger): Promise<void> {
  await kv.put(RELEASE_KV_KEYS.vectorSlots, JSON.stringify(ledger));
}
