/**
 * `npm run pipeline -- release <action> --local|--remote`: the release commands.
 *
 * - `list` — the pointer and every kept release with its metrics;
 * - `publish [--from artifacts/demo] [--canary <share>]` — publish an artifacts folder as a release
 *   and flip to it (or start it as a canary); prints the release id;
 * - `publish --from-factors <folder> --data <dataset> [--lake …] [--out <folder>]` — the same for
 *   factors a Spark MLlib ALS job trained (docs/spark-als.md): first imported into an artifacts folder
 *   like `train`'s (pipeline/release/import-spark-factors.ts), then published by the same publisher;
 * - `rollback [--to <id>]` — stop a running canary, else make the previous release (or `--to`) current;
 * - `promote` — make the canary current;
 * - `gc [--keep 3]` — delete the oldest releases beyond `keep` that are not current, previous or canary
 *   (their KV records, index and kept folder).
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { ReleaseRecord } from "../../shared/artifacts/release";
import type { ReleaseClient } from "../release/release-client";
import { publishRelease } from "../release/publish-release";
import { IMPORT_SPARK_FACTORS_DEFAULTS, importSparkFactors } from "../release/import-spark-factors";

/** Where releases are kept by default (and where `npm start` points the sidecar). */
export const DEFAULT_RELEASES_DIR = "artifacts/releases";

/** Options of {@link runRelease}. */
export interface ReleaseCommandOptions {
  action: "list" | "publish" | "rollback" | "promote" | "gc";
  client: ReleaseClient;
  /** publish: the artifacts folder (default artifacts/demo). */
  from?: string;
  /** publish: a Spark ALS factors folder to import and publish instead of `from`. */
  fromFactors?: string;
  /** publish --from-factors: the dataset folder (catalogue, popularity, histories), as `train --data`. */
  data?: string;
  /** publish --from-factors: the event lake to merge into it, as `train --lake`. */
  lake?: string;
  /** publish --from-factors: where the imported artifacts are written (default artifacts/spark-als/<dataset>). */
  out?: string;
  /** publish --from-factors: artifact creation time (default: now). */
  createdAt?: Date;
  canary?: number;
  to?: string;
  keep?: number;
  releasesDir?: string;
  write?: (line: string) => void;
}

/** Runs one release action; returns the release id it left serving (or listed as current). */
export async function runRelease(options: ReleaseCommandOptions): Promise<string | null> {
  const write = options.write ?? ((line: string) => console.log(line));
  const log = (line: string) => write(`[release] ${line}`);
  const { client } = options;
  const releasesDir = options.releasesDir ?? DEFAULT_RELEASES_DIR;
  switch (options.action) {
    case "list": {
      const { pointer, releases } = await client.list();
      write(describeReleases(pointer?.current ?? null, pointer?.previous ?? null, pointer?.canary ?? null, releases));
      if (pointer?.canary) {
        const { report } = await client.canaryReport();
        for (const arm of report.arms) {
          const { requests, impressions, clicks } = arm.counters;
          const ctr = `${(arm.ctr.value * 100).toFixed(2)}% [${(arm.ctr.low * 100).toFixed(2)}, ${(arm.ctr.high * 100).toFixed(2)}]`;
          const guardrails = arm.guardrails ? `  guardrails ${JSON.stringify(arm.guardrails)}` : "";
          write(
            `  ${arm.arm.padEnd(8)} ${requests} requests, ${impressions} impressions, ${clicks} clicks, CTR ${ctr}, p99 ${arm.latency_p99_ms ?? "–"} ms${guardrails}`,
          );
        }
      }
      return pointer?.current ?? null;
    }
    case "publish": {
      const published = await publishRelease({
        from: await publishedFolder(options, write),
        releasesDir,
        client,
        mode: options.canary !== undefined ? { kind: "canary", share: options.canary } : { kind: "activate" },
        log,
      });
      write(published.id);
      return published.id;
    }
    case "rollback": {
      const { pointer } = await client.list();
      if (!pointer) throw new Error("no release is published: nothing to roll back");
      if (options.to === undefined && pointer.canary) {
        await client.stopCanary();
        log(`stopped the canary ${pointer.canary.release}; ${pointer.current} serves everyone`);
        write(pointer.current);
        return pointer.current;
      }
      const target = options.to ?? pointer.previous;
      if (!target) throw new Error(`release ${pointer.current} has no previous release to roll back to; name one with --to`);
      const { pointer: next } = await client.activate(target);
      log(`rolled back: ${next.current} serves (was ${pointer.current})`);
      write(next.current);
      return next.current;
    }
    case "promote": {
      const { pointer } = await client.list();
      if (!pointer?.canary) throw new Error("no canary is running: nothing to promote");
      const { pointer: next } = await client.activate(pointer.canary.release);
      log(`promoted the canary: ${next.current} serves everyone (previous: ${next.previous})`);
      write(next.current);
      return next.current;
    }
    case "gc": {
      const keep = options.keep ?? 3;
      const { pointer, releases } = await client.list();
      const inUse = new Set(
        [pointer?.current, pointer?.previous, pointer?.canary?.release].filter((id): id is string => typeof id === "string"),
      );
      const byAge = [...releases].sort((a, b) => b.published_at.localeCompare(a.published_at));
      const doomed = byAge.slice(keep).filter((release) => !inUse.has(release.id));
      for (const release of doomed) {
        await client.unregister(release.id);
        let deleted = 0;
        for (;;) {
          const page = await client.purge(release.id);
          deleted += page.deleted;
          if (!page.remaining) break;
        }
        await rm(join(releasesDir, release.id), { recursive: true, force: true });
        log(`deleted release ${release.id} (${deleted} KV records, its index and ${join(releasesDir, release.id)})`);
      }
      if (doomed.length === 0) log(`nothing to delete: ${releases.length} release(s), keeping ${keep} and those in use`);
      return pointer?.current ?? null;
    }
    default:
      return options.action satisfies never;
  }
}

/** The artifacts folder `publish` publishes: `--from`, or the import of `--from-factors`. */
async function publishedFolder(options: ReleaseCommandOptions, write: (line: string) => void): Promise<string> {
  if (options.fromFactors === undefined) {
    const stray = (["data", "lake", "out"] as const).filter((option) => options[option] !== undefined);
    if (stray.length > 0) throw new Error(`release publish: --${stray.join(", --")} only apply with --from-factors`);
    return options.from ?? "artifacts/demo";
  }
  if (options.from !== undefined) throw new Error("release publish: give --from (an artifacts folder) or --from-factors, not both");
  if (options.data === undefined) {
    throw new Error("release publish --from-factors needs --data <dataset folder> (catalogue metadata, popular lists, user histories)");
  }
  const { out } = await importSparkFactors(
    {
      ...IMPORT_SPARK_FACTORS_DEFAULTS,
      factors: options.fromFactors,
      data: options.data,
      ...(options.lake !== undefined ? { lake: options.lake } : {}),
      ...(options.out !== undefined ? { out: options.out } : {}),
      ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
    },
    write,
  );
  return out;
}

/** A table of releases for `list`. */
export function describeReleases(
  current: string | null,
  previous: string | null,
  canary: { release: string; share: number } | null,
  releases: readonly ReleaseRecord[],
): string {
  if (releases.length === 0) return "no releases published";
  const rows = [...releases]
    .sort((a, b) => b.published_at.localeCompare(a.published_at))
    .map((release) => {
      const role =
        release.id === current
          ? "current"
          : release.id === canary?.release
            ? `canary ${Math.round(canary.share * 100)}%`
            : release.id === previous
              ? "previous"
              : "";
      const ndcg = release.metrics["retrieval_ndcg@10"];
      return `${role.padEnd(12)} ${release.id.padEnd(40)} published ${release.published_at}  ${release.counts.items} items, ${release.counts.users} users${ndcg !== undefined ? `, nDCG@10 ${ndcg.toFixed(4)}` : ""}`;
    });
  return rows.join("\n");
}
