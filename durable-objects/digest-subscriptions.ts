/**
 * DigestSubscriptions: who receives the nightly email digest — an admin-managed opt-in list
 * (`/v1/admin/digests/opt-ins`) — and how far each night's run has got. One object
 * (DIGEST_SUBSCRIPTIONS_NAME) holds both in SQLite, so a claim is atomic: the scheduled digest job
 * claims a batch (the next users after the night's cursor, leased to the caller), writes its digests
 * to R2 and completes it; a batch whose lease runs out uncompleted is offered again
 * (shared/digests/digest-subscriptions-contract.ts). Overlapping cron invocations therefore never
 * build the same batch at once, and a night's run continues across as many invocations as it needs.
 */
import { DurableObject } from "cloudflare:workers";
import {
  DIGEST_SUBSCRIPTION_LIMITS,
  type DigestBatchOutcome,
  type DigestClaim,
  type DigestClaimRequest,
  type DigestOptInChange,
  type DigestOptInPage,
  type DigestRunSummary,
} from "../shared/digests/digest-subscriptions-contract";
import { digestDate } from "../shared/digests/digest-layout";

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS opt_ins (user_id TEXT PRIMARY KEY, opted_in_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS runs (
    date TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    batches INTEGER NOT NULL,
    users INTEGER NOT NULL,
    digests INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    manifest_written INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS batches (
    date TEXT NOT NULL,
    batch INTEGER NOT NULL,
    after TEXT NOT NULL,
    last TEXT NOT NULL,
    leased_until INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    written_at INTEGER,
    PRIMARY KEY (date, batch)
  );`;

type RunRow = {
  date: string;
  cursor: string;
  batches: number;
  users: number;
  digests: number;
  failed: number;
  started_at: number;
  finished_at: number | null;
  manifest_written: number;
};

type BatchRow = { batch: number; after: string; last: string; attempts: number };

/** The opt-in list and the nightly runs, with typed RPC methods. */
export class DigestSubscriptions extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.sql.exec(SCHEMA));
  }

  /**
   * Puts users on the list (ids already there are left as they are).
   * @example await env.DIGEST_SUBSCRIPTIONS.getByName("global").optIn(["u00001"]) // → { changed: 1, total: 1 }
   */
  async optIn(userIds: string[], now: number = Date.now()): Promise<DigestOptInChange> {
    let changed = 0;
    this.ctx.storage.transactionSync(() => {
      for (const userId of new Set(userIds)) {
        changed += this.sql.exec(
          `INSERT INTO opt_ins (user_id, opted_in_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`,
          userId,
          now,
        ).rowsWritten;
      }
    });
    return { changed, total: this.total() };
  }

  /** Takes users off the list (ids not on it are ignored). */
  async optOut(userIds: string[]): Promise<DigestOptInChange> {
    let changed = 0;
    this.ctx.storage.transactionSync(() => {
      for (const userId of new Set(userIds)) changed += this.sql.exec(`DELETE FROM opt_ins WHERE user_id = ?`, userId).rowsWritten;
    });
    return { changed, total: this.total() };
  }

  /** One page of the list in user-id order, starting after `after`. */
  async list(after: string | undefined, limit: number): Promise<DigestOptInPage> {
    const size = Math.min(Math.max(1, limit), DIGEST_SUBSCRIPTION_LIMITS.maxPageSize);
    const rows = this.sql
      .exec<{ user_id: string }>(`SELECT user_id FROM opt_ins WHERE user_id > ? ORDER BY user_id LIMIT ?`, after ?? "", size + 1)
      .toArray();
    const userIds = rows.slice(0, size).map((row) => row.user_id);
    return { userIds, cursor: rows.length > size ? userIds.at(-1)! : null, total: this.total() };
  }

  /**
   * Hands out the next piece of the night's work: an expired batch again, else the next users after
   * the cursor as a new batch, else `busy` (other invocations hold the rest) or `done`.
   */
  async claimBatch(request: DigestClaimRequest): Promise<DigestClaim> {
    const { date, now, leaseMs } = request;
    const batchUsers = Math.min(Math.max(1, Math.floor(request.batchUsers)), DIGEST_SUBSCRIPTION_LIMITS.maxBatchUsers);
    return this.ctx.storage.transactionSync((): DigestClaim => {
      let run = this.run(date);
      if (!run) {
        this.forgetRunsBefore(digestDate(Date.parse(`${date}T00:00:00Z`) - DIGEST_SUBSCRIPTION_LIMITS.keepRunDays * 86_400_000));
        this.sql.exec(
          `INSERT INTO runs (date, cursor, batches, users, digests, failed, started_at, finished_at, manifest_written)
           VALUES (?, '', 0, 0, 0, 0, ?, NULL, 0)`,
          date,
          now,
        );
        run = this.run(date)!;
      }
      if (run.finished_at !== null) return { kind: "done", run: summaryOf(run) };

      const expired = this.sql
        .exec<BatchRow>(
          `SELECT batch, after, last, attempts FROM batches WHERE date = ? AND written_at IS NULL AND leased_until <= ? ORDER BY batch LIMIT 1`,
          date,
          now,
        )
        .toArray()[0];
      if (expired) {
        this.sql.exec(
          `UPDATE batches SET leased_until = ?, attempts = attempts + 1 WHERE date = ? AND batch = ?`,
          now + leaseMs,
          date,
          expired.batch,
        );
        const userIds = this.sql
          .exec<{ user_id: string }>(
            `SELECT user_id FROM opt_ins WHERE user_id > ? AND user_id <= ? ORDER BY user_id`,
            expired.after,
            expired.last,
          )
          .toArray()
          .map((row) => row.user_id);
        return { kind: "batch", date, batch: expired.batch, userIds, attempt: expired.attempts + 1 };
      }

      const userIds = this.sql
        .exec<{ user_id: string }>(`SELECT user_id FROM opt_ins WHERE user_id > ? ORDER BY user_id LIMIT ?`, run.cursor, batchUsers)
        .toArray()
        .map((row) => row.user_id);
      if (userIds.length > 0) {
        const batch = run.batches + 1;
        const last = userIds.at(-1)!;
        this.sql.exec(
          `INSERT INTO batches (date, batch, after, last, leased_until, attempts, written_at) VALUES (?, ?, ?, ?, ?, 1, NULL)`,
          date,
          batch,
          run.cursor,
          last,
          now + leaseMs,
        );
        this.sql.exec(`UPDATE runs SET cursor = ?, batches = ?, users = users + ? WHERE date = ?`, last, batch, userIds.length, date);
        return { kind: "batch", date, batch, userIds, attempt: 1 };
      }

      const leased =
        this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM batches WHERE date = ? AND written_at IS NULL`, date).toArray()[0]?.n ?? 0;
      if (leased > 0) return { kind: "busy", date, leased };
      this.sql.exec(`UPDATE runs SET finished_at = ? WHERE date = ?`, now, date);
      return { kind: "done", run: summaryOf(this.run(date)!) };
    });
  }

  /** Marks a claimed batch written (once; a late duplicate completion changes nothing). */
  async completeBatch(date: string, batch: number, outcome: DigestBatchOutcome, now: number = Date.now()): Promise<{ completed: boolean }> {
    return this.ctx.storage.transactionSync(() => {
      const written = this.sql.exec(
        `UPDATE batches SET written_at = ? WHERE date = ? AND batch = ? AND written_at IS NULL`,
        now,
        date,
        batch,
      ).rowsWritten;
      if (written === 0) return { completed: false };
      this.sql.exec(`UPDATE runs SET digests = digests + ?, failed = failed + ? WHERE date = ?`, outcome.digests, outcome.failed, date);
      return { completed: true };
    });
  }

  /** Records that the night's manifest is in R2. */
  async recordManifest(date: string): Promise<void> {
    this.sql.exec(`UPDATE runs SET manifest_written = 1 WHERE date = ?`, date);
  }

  /** The night's progress, or null before its first claim. */
  async runSummary(date: string): Promise<DigestRunSummary | null> {
    const run = this.run(date);
    return run ? summaryOf(run) : null;
  }

  private run(date: string): RunRow | undefined {
    return this.sql.exec<RunRow>(`SELECT * FROM runs WHERE date = ?`, date).toArray()[0];
  }

  private forgetRunsBefore(date: string): void {
    this.sql.exec(`DELETE FROM batches WHERE date < ?`, date);
    this.sql.exec(`DELETE FROM runs WHERE date < ?`, date);
  }

  private total(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM opt_ins`).toArray()[0]?.n ?? 0;
  }
}

function summaryOf(row: RunRow): DigestRunSummary {
  return {
    date: row.date,
    batches: row.batches,
    users: row.users,
    digests: row.digests,
    failed: row.failed,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    manifestWritten: row.manifest_written === 1,
  };
}
