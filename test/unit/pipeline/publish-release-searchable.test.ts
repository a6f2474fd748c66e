/** The publisher waits until an upload reads back before it registers the release (Vectorize applies writes later). */
import { describe, expect, it } from "vitest";
import { awaitSearchable } from "../../../pipeline/release/publish-release";
import type { ReleaseClient } from "../../../pipeline/release/release-client";

/** A client whose index returns the probe ids only from the `visibleFrom`-th read on. */
function client(visibleFrom: number) {
  let reads = 0;
  const fake = {
    readVectors: async (_id: string, ids: string[]) => {
      reads += 1;
      return { vectors: reads >= visibleFrom ? ids.map((id) => ({ id })) : ids.slice(0, 1).map((id) => ({ id })) };
    },
  };
  return { client: fake as unknown as ReleaseClient, reads: () => reads };
}

describe("awaitSearchable", () => {
  it("returns at once when the index answers every probe id", async () => {
    const fake = client(1);
    await awaitSearchable(fake.client, "r1", ["a", "b"], 10_000, () => {});
    expect(fake.reads()).toBe(1);
  });

  it("polls until the last upload reads back", async () => {
    const fake = client(3);
    const lines: string[] = [];
    await awaitSearchable(fake.client, "r1", ["a", "b"], 10_000, (line) => lines.push(line));
    expect(fake.reads()).toBe(3);
    expect(lines.join("\n")).toMatch(/searchable after/);
  });

  it("fails with what is missing when the upload never becomes readable", async () => {
    const fake = client(Number.POSITIVE_INFINITY);
    await expect(awaitSearchable(fake.client, "r1", ["a", "b"], 1500, () => {})).rejects.toThrow(
      /1 of 2 uploaded vectors still unreadable/,
    );
  });
});
