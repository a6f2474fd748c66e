/** Which Vectorize slot a release is uploaded to (shared/artifacts/release.ts `pickVectorSlot`). */
import { describe, expect, it } from "vitest";
import { completeSlotOf, pickVectorSlot, type ReleasePointer, type VectorSlotLedger } from "../../../shared/artifacts/release";

const SLOTS = ["VECTORIZE", "VECTORIZE_B", "VECTORIZE_C"];
const held = (release: string, claimedAt: string, complete = true) => ({ release, claimed_at: claimedAt, complete });
const pointer = (current: string, previous: string | null, canary: string | null = null): ReleasePointer => ({
  current,
  previous,
  canary: canary ? { release: canary, share: 0.1 } : null,
  vector_slots: {},
  updated_at: "2026-12-06T00:00:00Z",
});

describe("pickVectorSlot", () => {
  it("keeps a release in the slot it already holds", () => {
    const ledger: VectorSlotLedger = { slots: { VECTORIZE: held("a", "1"), VECTORIZE_B: held("b", "2") } };
    expect(pickVectorSlot("b", SLOTS, ledger, pointer("a", null))).toEqual({ slot: "VECTORIZE_B", displaced: null });
  });

  it("takes a never-used slot first, in VECTORIZE_SLOTS order", () => {
    expect(pickVectorSlot("a", SLOTS, { slots: {} }, null)).toEqual({ slot: "VECTORIZE", displaced: null });
    const ledger: VectorSlotLedger = { slots: { VECTORIZE: held("a", "1"), VECTORIZE_C: held("x", "0") } };
    expect(pickVectorSlot("b", SLOTS, ledger, pointer("a", null))).toEqual({ slot: "VECTORIZE_B", displaced: null });
  });

  it("reclaims the oldest slot whose release the pointer cannot serve, never current, previous or canary", () => {
    const ledger: VectorSlotLedger = { slots: { VECTORIZE: held("a", "3"), VECTORIZE_B: held("b", "1"), VECTORIZE_C: held("c", "2") } };
    // b is previous: c (claimed at 2) is the oldest reclaimable.
    expect(pickVectorSlot("d", SLOTS, ledger, pointer("a", "b"))).toEqual({ slot: "VECTORIZE_C", displaced: "c" });
    // Nothing live but a: b is older than c.
    expect(pickVectorSlot("d", SLOTS, ledger, pointer("a", null))).toEqual({ slot: "VECTORIZE_B", displaced: "b" });
    expect(pickVectorSlot("d", SLOTS, ledger, pointer("a", "b", "c"))).toBeNull();
  });

  it("counts only a complete upload as a release's slot", () => {
    const ledger: VectorSlotLedger = { slots: { VECTORIZE: held("a", "1"), VECTORIZE_B: held("b", "2", false) } };
    expect(completeSlotOf("a", ledger)).toBe("VECTORIZE");
    expect(completeSlotOf("b", ledger)).toBeNull();
    expect(completeSlotOf("z", ledger)).toBeNull();
  });
});
