/**
 * Publishes an artifacts folder (what `train` writes) as a release: copies it to
 * `<releases dir>/<id>/` (immutable: an existing folder must hold the same manifest), uploads its KV
 * records under `rel/<id>/` and its item vectors into the release's own index (an embedded index of
 * its own, or a Vectorize slot, in its namespace), waits until they are searchable, registers it, and
 * then — only then — flips the pointer (or starts a canary). Until the flip nothing that serves
 * changes; the flip is one KV write, so no response mixes two releases. The ranking sidecar loads
 * the release's model from the releases folder when the edge first asks for it
 * (SIDECAR_RELEASES_DIR) and keeps the previous one while the edge still asks for it.
 */
import { createReadStream } from "node:fs";
import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { ITEM_METADATA_INDEXES } from "../../shared/artifacts/item-metadata";
import { releaseIdSchema } from "../../shared/artifacts/release";
import type { ReleaseClient } from "./release-client";
import { isFile } from "../data/file-kind";

/** Options of {@link publishRelease}. */
export interface PublishReleaseOptions {
  /** The artifacts folder to publish (its manifest.json names the release id). */
  from: string;
  /** Where releases are kept (the sidecar's SIDECAR_RELEASES_DIR). */
  releasesDir: string;
  client: ReleaseClient;
  /** Flip the pointer to it (default), start it as a canary for this share of users, or only upload and register. */
  mode: { kind: "activate" } | { kind: "canary"; share: number } | { kind: "register" };
  /** Progress lines. */
  log?: (line: string) => void;
  /** How long to wait for uploaded vectors to become searchable (Vectorize applies writes asynchronously); default 5 minutes. */
  searchableWithinMs?: number;
}

/** What was published. */
export interface PublishedRelease {
  id: string;
  folder: string;
  kvRecords: number;
  vectors: number;
  /** False when the Worker already had it registered (a re-run); the pointer still moves as asked. */
  uploaded: boolean;
}

/** KV records per upload call and vectors per upsert call (the Worker's limits). */
const KV_BATCH = 500;
const VECTOR_BATCH = 1000;
/** Vectors of the last upload call read back to see the upload searchable, and how often. */
const PROBE_IDS = 20;
const PROBE_EVERY_MS = 1000;

/**
 * Waits until the release's index returns every probe id. Vectorize applies mutations in order, a
 * few seconds after they are acknowledged: once the last call's vectors read back, all do, and the
 * pointer may move. The embedded index answers at once.
 */
export async function awaitSearchable(
  client: ReleaseClient,
  id: string,
  probe: string[],
  withinMs: number,
  log: (line: string) => void,
): Promise<void> {
  if (probe.length === 0) return;
  const started = Date.now();
  for (;;) {
    const { vectors } = await client.readVectors(id, probe);
    if (vectors.length === probe.length) {
      if (Date.now() - started > PROBE_EVERY_MS) log(`vectors searchable after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    if (Date.now() - started > withinMs) {
      throw new Error(
        `release ${id}: ${probe.length - vectors.length} of ${probe.length} uploaded vectors still unreadable after ${withinMs / 1000} s; run the publish again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
}

/** Publishes `options.from` as a release; returns its id. */
export async function publishRelease(options: PublishReleaseOptions): Promise<PublishedRelease> {
  const log = options.log ?? (() => {});
  const manifest = JSON.parse(await readFile(join(options.from, "manifest.json"), "utf8")) as ModelManifest;
  const id = releaseIdSchema.parse(manifest.modelVersion);
  const folder = join(options.releasesDir, id);
  if (await isFile(join(folder, "manifest.json"))) {
    const kept = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as ModelManifest;
    if (kept.modelVersion !== id) throw new Error(`${folder} holds release ${kept.modelVersion}, not ${id}`);
    log(`release ${id} is already kept in ${folder}`);
  } else {
    await mkdir(options.releasesDir, { recursive: true });
    await cp(options.from, folder, { recursive: true, errorOnExist: true, force: false });
    log(`kept ${options.from} as ${folder}`);
  }

  const { client } = options;
  const listed = await client.list();
  const registered = listed.releases.some((release) => release.id === id);
  let kvRecords = 0;
  let vectors = 0;
  if (!registered) {
    const entries = JSON.parse(await readFile(join(folder, manifest.files.kvBulk), "utf8")) as { key: string; value: string }[];
    for (let start = 0; start < entries.length; start += KV_BATCH) {
      kvRecords += (await client.uploadKv(id, entries.slice(start, start + KV_BATCH))).written;
    }
    log(`uploaded ${kvRecords} KV records under rel/${id}/`);
    await client.configureIndex(id, { dimensions: manifest.dimensions, metric: manifest.metric, metadata_indexes: ITEM_METADATA_INDEXES });
    let batch: string[] = [];
    let probe: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await client.upsertVectors(id, batch.join("\n"));
      vectors += batch.length;
      probe = batch.slice(-PROBE_IDS).map((line) => (JSON.parse(line) as { id: string }).id);
      batch = [];
    };
    const lines = createInterface({ input: createReadStream(join(folder, manifest.files.vectors)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      batch.push(line);
      if (batch.length === VECTOR_BATCH) await flush();
    }
    await flush();
    await awaitSearchable(client, id, probe, options.searchableWithinMs ?? 300_000, log);
    await client.setIndexVersion(id);
    log(`uploaded ${vectors} item vectors into the release's index`);
    await client.register(id, manifest);
    log(`registered release ${id}`);
  } else {
    log(`release ${id} is already registered at ${client.url}`);
  }

  switch (options.mode.kind) {
    case "activate": {
      const { pointer, changed } = await client.activate(id);
      log(changed ? `serving ${pointer.current} (previous: ${pointer.previous ?? "none"})` : `${id} was already serving`);
      break;
    }
    case "canary": {
      const { pointer } = await client.startCanary(id, options.mode.share);
      log(`canary ${id} serves ${Math.round(options.mode.share * 100)}% of users; ${pointer.current} the rest`);
      break;
    }
    case "register":
      break;
    default:
      return options.mode satisfies never;
  }
  return { id, folder, kvRecords, vectors, uploaded: !registered };
}
