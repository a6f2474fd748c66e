/**
 * The client README's example (test/workers/openapi.test.ts runs it against the Worker): show a
 * user their recommendations, then record that they clicked the first one.
 */
import type { EdgeRecsClient } from "./edge-recs-client";

/** What the example did: the items shown and how many events were accepted. */
export interface ExampleOutcome {
  shown: string[];
  accepted: number;
}

/** Recommends for `userId` and records a click on the first item. */
export async function recommendAndClick(api: EdgeRecsClient, userId: string): Promise<ExampleOutcome> {
  const { data, error } = await api.GET("/v1/recommendations", { params: { query: { user_id: userId, n: 5 } } });
  if (error) throw new Error(`recommendations failed: ${error.error.code}: ${error.error.message}`);
  const first = data.items[0];
  if (!first) return { shown: [], accepted: 0 };
  const posted = await api.POST("/v1/events", {
    body: {
      event_id: `click-${data.request_id}`,
      user_id: userId,
      item_id: first.item_id,
      type: "click",
      request_id: data.request_id,
      position: 0,
    },
  });
  if (posted.error) throw new Error(`events failed: ${posted.error.error.code}`);
  return { shown: data.items.map((item) => item.item_id), accepted: posted.data.accepted };
}
