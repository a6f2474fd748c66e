/**
 * Real-time benchmarks against a running local system (`npm start`), loopback only:
 *
 * - **freshness** — for each trial: read a user's list, post one event (`not_interested` on the
 *   top item, or a `click` for a brand-new user), then immediately read again. Reports how long
 *   the very next request took after the event was accepted (the time from an accepted event to
 *   a changed response; target < 100 ms locally), and in how many trials that very next response
 *   had changed (the top item gone; the new user personalised by the session vector).
 * - **ingestion** — batches of events posted through `POST /v1/events` by concurrent clients for
 *   a bounded time: accepted events per second through the Worker (event log, user Durable
 *   Objects and trending shards included). The users' objects are created first, in a separate
 *   untimed warm-up whose rate is reported on its own: locally each new Durable Object is a new
 *   SQLite file on disk, which dominates a cold run and says nothing about the steady state.
 *
 * Every request carries `Authorization: Bearer <key>` (see `scripts/worker-credential.ts`).
 */
import { summarizeLatencies, type LatencySummary } from "./latency-summary";

/** Options of {@link runRealtimeBench}. */
export interface RealtimeBenchOptions {
  /** Base URL of the Worker; must be a loopback address. */
  url: string;
  /** The credential sent as `Authorization: Bearer <key>`; it must act for any user (the admin key or a server key), as the bench uses many. */
  key: string;
  /** Trained users to take freshness trials with (each trial uses one, once). */
  users: string[];
  /** Catalogue items events may refer to. */
  items: string[];
  /** Freshness trials per kind. */
  trials: number;
  /** Items per recommendation request. */
  n: number;
  /** Events per ingestion batch and concurrent ingestion clients. */
  batchSize: number;
  concurrency: number;
  /** Time limit of the ingestion phase. */
  ingestSeconds: number;
  /** Distinct users the ingestion events are spread over. */
  ingestUsers: number;
}

/** Freshness of one kind of event. */
export interface FreshnessResult {
  trials: number;
  /** Trials whose very next response reflected the event. */
  changed_on_next_request: number;
  /** Latency of posting the event (until it was accepted). */
  event_post: LatencySummary;
  /** From the event being accepted to the changed response arriving (the next request's latency). */
  accepted_to_changed_response: LatencySummary;
}

/** What the benchmark measured. */
export interface RealtimeBenchResult {
  freshness: { not_interested: FreshnessResult; first_click_new_user: FreshnessResult };
  ingestion: {
    /** The untimed warm-up that created the users' objects (one impression each). */
    warm_up: { users: number; seconds: number; users_per_second: number };
    seconds: number;
    batches: number;
    batch_size: number;
    concurrency: number;
    accepted: number;
    events_per_second: number;
    batch_latency: LatencySummary;
    errors: number;
    /** Failed batches by API error code (or HTTP status). */
    error_codes: Record<string, number>;
  };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const EVENT_TYPES = ["impression", "impression", "impression", "view", "click", "complete", "like", "skip"] as const;

interface RecommendationsBody {
  items: { item_id: string; source: string }[];
  user_vector?: { source: string | null };
}

/** Runs both phases. */
export async function runRealtimeBench(options: RealtimeBenchOptions): Promise<RealtimeBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const run = Date.now().toString(36);
  const authorization = { authorization: `Bearer ${options.key}` };
  const recommend = async (userId: string): Promise<RecommendationsBody> => {
    const response = await fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(userId)}&n=${options.n}`, base), {
      headers: authorization,
    });
    if (!response.ok) throw new Error(`GET /v1/recommendations → ${response.status}`);
    return (await response.json()) as RecommendationsBody;
  };
  const post = async (body: unknown): Promise<{ accepted: number }> => {
    const response = await fetch(new URL("/v1/events", base), {
      method: "POST",
      headers: { ...authorization, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      throw new Error(body?.error?.code ?? `http_${response.status}`);
    }
    return (await response.json()) as { accepted: number };
  };

  const freshness = async (
    users: string[],
    makeEvent: (user: string, before: RecommendationsBody) => object,
    changed: (before: RecommendationsBody, after: RecommendationsBody) => boolean,
  ): Promise<FreshnessResult> => {
    const posts: number[] = [];
    const nexts: number[] = [];
    let changedCount = 0;
    for (const user of users) {
      const before = await recommend(user);
      const started = performance.now();
      const accepted = await post(makeEvent(user, before));
      const acceptedAt = performance.now();
      if (accepted.accepted !== 1) throw new Error(`event for ${user} was not accepted`);
      const after = await recommend(user);
      nexts.push(performance.now() - acceptedAt);
      posts.push(acceptedAt - started);
      if (changed(before, after)) changedCount++;
    }
    return {
      trials: users.length,
      changed_on_next_request: changedCount,
      event_post: summarizeLatencies(posts),
      accepted_to_changed_response: summarizeLatencies(nexts),
    };
  };

  // Warm-up: load the vector index and compile the code paths before measuring.
  for (const user of options.users.slice(0, 5)) await recommend(user);

  const trained = options.users.slice(0, options.trials);
  const notInterested = await freshness(
    trained,
    (user, before) => ({ event_id: `bench-${run}-ni-${user}`, user_id: user, item_id: before.items[0]!.item_id, type: "not_interested" }),
    (before, after) => !after.items.some((item) => item.item_id === before.items[0]!.item_id),
  );
  const newcomers = Array.from({ length: options.trials }, (_, i) => `bench-${run}-new-${i}`);
  const firstClick = await freshness(
    newcomers,
    (user, before) => ({ event_id: `bench-${run}-fc-${user}`, user_id: user, item_id: before.items[0]!.item_id, type: "click" }),
    (before, after) => before.user_vector?.source === null && after.user_vector?.source === "session",
  );

  const warmUpStarted = performance.now();
  const ingestUsers = Array.from({ length: options.ingestUsers }, (_, u) => `bench-${run}-u${u}`);
  for (let u = 0; u < ingestUsers.length; u += options.batchSize) {
    await post({
      events: ingestUsers.slice(u, u + options.batchSize).map((user, j) => ({
        event_id: `bench-${run}-w${u + j}`,
        user_id: user,
        item_id: options.items[(u + j) % options.items.length]!,
        type: "impression",
      })),
    });
  }
  const warmUpSeconds = (performance.now() - warmUpStarted) / 1000;

  const deadline = performance.now() + options.ingestSeconds * 1000;
  const batchLatencies: number[] = [];
  let batches = 0;
  let accepted = 0;
  let errors = 0;
  const errorCodes: Record<string, number> = {};
  let sequence = 0;
  const started = performance.now();
  const client = async () => {
    while (performance.now() < deadline) {
      const events = Array.from({ length: options.batchSize }, () => {
        const i = sequence++;
        return {
          event_id: `bench-${run}-e${i}`,
          user_id: ingestUsers[i % ingestUsers.length]!,
          item_id: options.items[(i * 7919) % options.items.length]!,
          type: EVENT_TYPES[i % EVENT_TYPES.length]!,
        };
      });
      const sent = performance.now();
      try {
        const result = await post({ events });
        accepted += result.accepted;
        batches++;
        batchLatencies.push(performance.now() - sent);
      } catch (error) {
        errors++;
        const code = error instanceof Error ? error.message : "unknown";
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  return {
    freshness: { not_interested: notInterested, first_click_new_user: firstClick },
    ingestion: {
      warm_up: {
        users: ingestUsers.length,
        seconds: Math.round(warmUpSeconds * 100) / 100,
        users_per_second: Math.round(ingestUsers.length / warmUpSeconds),
      },
      seconds: Math.round(seconds * 100) / 100,
      batches,
      batch_size: options.batchSize,
      concurrency: options.concurrency,
      accepted,
      events_per_second: Math.round(accepted / seconds),
      batch_latency: summarizeLatencies(batchLatencies),
      errors,
      error_codes: errorCodes,
    },
  };
}
