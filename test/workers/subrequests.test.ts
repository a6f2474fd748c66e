/**
 * The per-request subrequest count (workers/metrics/subrequest-counter.ts) and the isolate caches
 * it makes visible: a response reports its calls in `timings_ms.subrequests`, the wrapped env
 * counts real binding calls and shares the isolate cache with the plain one, and a warm isolate
 * serves a returning user with fewer calls than a cold one.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { countSubrequests, subrequestFetch, subrequestsOf } from "../../workers/metrics/subrequest-counter";
import { forgetKvValues, readPopularList } from "../../workers/store/kv-store";
import { fanOf, seedFixture } from "./fixture";
import { call, json } from "./helpers";

beforeAll(seedFixture);

describe("subrequest counter", () => {
  it("counts KV reads, Durable Object calls and counted fetches, by binding", async () => {
    const counted = countSubrequests(env);
    await counted.KV.get("no-such-key");
    await counted.USER_SESSION.getByName("subrequest-user").snapshot();
    await subrequestFetch(counted, "RANKER_URL")("http://127.0.0.1:9/").catch(() => undefined);
    expect(subrequestsOf(counted)?.byBinding).toEqual({ KV: 1, USER_SESSION: 1, RANKER_URL: 1 });
    expect(subrequestsOf(counted)?.total).toBe(3);
    expect(subrequestsOf(env)).toBeUndefined();
    expect(counted.LOG_LEVEL).toBe(env.LOG_LEVEL);
  });

  it("shares the isolate cache with the plain binding: a value cached through one is not read again through the other", async () => {
    forgetKvValues(env.KV, kvKeys.popularAll);
    await readPopularList(env.KV);
    const counted = countSubrequests(env);
    await readPopularList(counted.KV);
    expect(subrequestsOf(counted)?.total).toBe(0);
    forgetKvValues(counted.KV, kvKeys.popularAll);
    await readPopularList(counted.KV);
    expect(subrequestsOf(counted)?.total).toBe(1);
  });

  it("reports each recommendation's calls, fewer once the isolate holds the lists, the block record and the item vectors", async () => {
    forgetKvValues(env.KV);
    const first = await json(await call(`/v1/recommendations?user_id=${fanOf(0)}&n=5`));
    const again = await json(await call(`/v1/recommendations?user_id=${fanOf(0)}&n=5`));
    expect(first.timings_ms.subrequests).toEqual(expect.any(Number));
    expect(again.timings_ms.subrequests).toBeGreaterThan(0); // the session object at least
    expect(again.timings_ms.subrequests).toBeLessThan(first.timings_ms.subrequests);
  });
});
