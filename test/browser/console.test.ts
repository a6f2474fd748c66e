/**
 * The operator console (console/, docs/console.md) in headless Chromium: the Worker runs locally
 * through wrangler's `unstable_startWorker` (workerd, its Durable Objects, KV, the static assets),
 * with the console freshly built into a temporary folder and a small catalogue published through
 * the admin API as `pipeline release publish` does — two releases, so there is one to roll back
 * to. Chromium (Debian's package at /usr/bin/chromium, driven by playwright-core) then signs in,
 * opens the overview, opens a user, clicks "not interested" on an item and checks the item is gone
 * from the refreshed list, and visits the items, experiments and releases pages. A screenshot of
 * each page goes to test-results/console/ (gitignored). Without /usr/bin/chromium the suite is
 * skipped and says why (.ci/run installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_startWorker } from "wrangler";
import { ITEM_METADATA_INDEXES } from "../../shared/artifacts/item-metadata";
import { buildConsole } from "../../scripts/build-console";

const CHROMIUM = "/usr/bin/chromium";
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const screenshots = join(root, "test-results", "console");
const ADMIN_TOKEN = "console-test-admin-key";
const CATEGORIES = ["Action", "Comedy"] as const;
const RELEASES = ["console-rel-1", "console-rel-2"] as const;
const TITLES: Record<(typeof CATEGORIES)[number], string[]> = {
  Action: [
    "Harbor Heist",
    "Iron Pursuit",
    "Night Convoy",
    "Skyline Run",
    "Last Extraction",
    "Steel Rain",
    "Overdrive",
    "Cold Vault",
    "Red Line",
    "Breakpoint",
  ],
  Comedy: [
    "Wedding Crashers Club",
    "The Lost Llama",
    "Office Chaos",
    "Grandma Goes Viral",
    "Bad Neighbours",
    "Road Trip Blues",
    "Dinner Disaster",
    "Camp Mayhem",
    "Late Again",
    "Pet Detectives",
  ],
};
const itemId = (c: number, i: number) => `${CATEGORIES[c]!.toLowerCase()}-${String(i).padStart(2, "0")}`;

const present = existsSync(CHROMIUM);
if (!present) console.warn(`[console browser test] skipped: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`);

describe.skipIf(!present)(`the console in headless Chromium${present ? "" : ` (skipped: ${CHROMIUM} is absent)`}`, () => {
  let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
  let base: string;
  let browser: Browser;
  let page: Page;
  let assetsDir: string;
  /** API paths the page requested, in order. */
  const apiRequests: string[] = [];
  /** Uncaught page errors and Content-Security-Policy violations. */
  const pageProblems: string[] = [];

  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) },
    });
    if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  /** Publishes release `id`: KV records, item vectors, registration, activation. */
  async function publish(id: string, ndcg: number) {
    const manifest = {
      modelVersion: id,
      createdAt: "2026-12-01T00:00:00.000Z",
      dataset: "console-test",
      retrievalModel: "implicit-als",
      dimensions: 2,
      metric: "dot-product",
      featureSpecHash: "f0000000",
      counts: { items: 20, users: 2, interactions: 40 },
      metrics: { "retrieval_ndcg@10": ndcg },
    };
    const entries = [
      { key: "manifest", value: JSON.stringify(manifest) },
      ...CATEGORIES.map((_, c) => ({
        key: `user:fan-${CATEGORIES[c]!.toLowerCase()}`,
        value: JSON.stringify({ vector: c === 0 ? [1, 0] : [0, 1], history: [], activity: 5, modelVersion: id }),
      })),
      {
        key: "popular:all",
        value: JSON.stringify({
          generatedAt: "2026-12-01T00:00:00.000Z",
          items: CATEGORIES.flatMap((category, c) =>
            Array.from({ length: 5 }, (_, i) => ({ itemId: itemId(c, i), score: 10 - i, category })),
          ),
        }),
      },
    ];
    await admin(`/v1/admin/releases/${id}/kv`, { method: "POST", body: JSON.stringify({ entries }) });
    await admin(`/v1/admin/index?release=${id}`, {
      method: "PUT",
      body: JSON.stringify({ dimensions: 2, metric: "dot-product", metadata_indexes: ITEM_METADATA_INDEXES }),
    });
    const lines = CATEGORIES.flatMap((category, c) =>
      TITLES[category].map((title, i) =>
        JSON.stringify({
          id: itemId(c, i),
          values: c === 0 ? [1 - i / 20, 0.1] : [0.1, 1 - i / 20],
          metadata: { category, popularity: 50 - i, released_at: 1_700_000_000 + i * 86_400, sponsored: false, title, genres: [category] },
        }),
      ),
    );
    await admin(`/v1/admin/index/vectors?release=${id}`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: lines.join("\n"),
    });
    await admin(`/v1/admin/index/version?release=${id}`, { method: "PUT", body: JSON.stringify({ version: id }) });
    await admin(`/v1/admin/releases/${id}`, { method: "PUT", body: JSON.stringify(manifest) });
    await admin(`/v1/admin/releases/${id}/activate`, { method: "POST" });
  }

  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

  /** Follows a navigation link and waits until the page has rendered. */
  async function open(pageName: string) {
    await page.click(`nav a[data-page="${pageName}"]`);
    await page.waitForSelector(`section.page[data-page="${pageName}"]`);
    await page.waitForSelector('main#page[aria-busy="false"]');
  }

  beforeAll(async () => {
    assetsDir = mkdtempSync(join(tmpdir(), "console-assets-"));
    await buildConsole({ outDir: assetsDir });
    worker = await unstable_startWorker({
      config: join(root, "wrangler.toml"),
      assets: assetsDir,
      bindings: {
        ADMIN_TOKEN: { type: "secret_text", value: ADMIN_TOKEN },
        RANKER_TOKEN: { type: "secret_text", value: "console-test-ranker-token" },
        USER_TOKEN_SECRET: { type: "secret_text", value: "console-test-user-token-secret-0123456789" },
        VECTOR_INDEX_BACKEND: { type: "plain_text", value: "embedded" },
        // Nothing listens here: the Worker ranks with its fallbacks.
        RANKER_URL: { type: "plain_text", value: "http://127.0.0.1:9" },
        TRENDING_FLUSH_SECONDS: { type: "plain_text", value: "3600" },
        SERVING_CONFIG: {
          type: "plain_text",
          value: JSON.stringify({
            experiments: [
              {
                id: "console-exp",
                traffic: 1,
                arms: [
                  { name: "control", weight: 1 },
                  { name: "treatment", weight: 1 },
                ],
              },
            ],
          }),
        },
      },
      dev: {
        server: { hostname: "127.0.0.1", port: 0 },
        inspector: false,
        persist: false,
        watch: false,
        liveReload: false,
        logLevel: "warn",
      },
    });
    base = (await worker.url).origin;
    await publish(RELEASES[0], 0.12);
    await publish(RELEASES[1], 0.15);
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on("request", (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith("/v1/") || pathname === "/healthz") apiRequests.push(pathname);
    });
    page.on("pageerror", (error) => pageProblems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) pageProblems.push(message.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.dispose();
    if (assetsDir) rmSync(assetsDir, { recursive: true, force: true });
  }, 60_000);

  it("asks for the key before anything else, and refuses a wrong one", async () => {
    const bare = await fetch(`${base}/console`, { redirect: "manual" });
    expect(bare.status).toBeGreaterThanOrEqual(300);
    expect(new URL(bare.headers.get("location") ?? "", base).pathname).toBe("/console/");
    const response = await page.goto(`${base}/console/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    await page.waitForSelector("#admin-key");
    expect(apiRequests).toEqual([]);
    await shoot("01-sign-in");
    await page.fill("#admin-key", "not-the-key");
    await page.click('form.sign-in button[type="submit"]');
    await expect.poll(() => page.textContent(".sign-in-status")).toContain("refused");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("signs in and shows the serving release on the overview", async () => {
    await page.fill("#admin-key", ADMIN_TOKEN);
    await page.click('form.sign-in button[type="submit"]');
    await page.waitForSelector('section.page[data-page="overview"]');
    await page.waitForSelector('main#page[aria-busy="false"]');
    expect(await page.textContent("#current-release")).toBe(RELEASES[1]);
    expect(await page.textContent("#release-panel")).toContain(RELEASES[0]);
    // The metrics route is another part of the Worker: either its charts or the notice that it is absent.
    const metrics = (await page.textContent("#metrics-panel")) ?? "";
    const charts = await page.locator("#metrics-panel figure.chart").count();
    expect(charts > 0 || metrics.includes("Metrics not available"), metrics).toBe(true);
    await shoot("02-overview");
  });

  it("opens a user, and an item marked not interested is gone from the refreshed list", async () => {
    await open("users");
    await page.fill("#user-id", "fan-action");
    await page.click('form.toolbar button[type="submit"]');
    await page.waitForSelector("#recommendations tbody tr");
    await page.waitForSelector('#user-list[aria-busy="false"]');
    const before = await page.$$eval("#recommendations tbody tr", (rows) => rows.map((row) => (row as HTMLElement).dataset.itemId!));
    expect(before.length).toBeGreaterThan(0);
    expect(before[0]).toBe("action-00");
    await shoot("03-user");

    const target = before[0]!;
    await page.click(`#recommendations tr[data-item-id="${target}"] button[data-action="not_interested"]`);
    await page.waitForSelector("#list-changes");
    await page.waitForSelector('#user-list[aria-busy="false"]');
    const after = await page.$$eval("#recommendations tbody tr", (rows) => rows.map((row) => (row as HTMLElement).dataset.itemId!));
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toContain(target);
    expect(await page.textContent("#list-changes")).toContain(`gone ${target}`);
    expect(await page.textContent("#user-state")).toContain("not_interested");
    await shoot("04-user-after-not-interested");
  });

  it("searches items, shows similar ones and flags one", async () => {
    await open("items");
    await page.waitForSelector("#search-results tbody tr");
    await page.fill("#item-query", "comedy");
    await page.click('form.toolbar button[type="submit"]');
    await page.waitForSelector('main#page[aria-busy="false"]');
    await page.waitForSelector("#search-results tbody tr");
    const found = await page.$$eval("#search-results tbody tr td:first-child", (cells) => cells.map((cell) => cell.textContent));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((id) => id?.startsWith("comedy-"))).toBe(true);
    await page.locator("#search-results tbody tr").first().getByRole("button", { name: "Similar" }).click();
    await page.waitForSelector("#similar-items tbody tr");
    await page.locator("#search-results tbody tr").nth(1).getByRole("button", { name: "Flag unsafe" }).click();
    await page.waitForSelector("#flagged-items tbody tr");
    expect(await page.textContent("#flagged-items")).toContain(found[1]!);
    await shoot("05-items");
  });

  it("shows the experiment's arms with intervals and guardrails", async () => {
    await open("experiments");
    await page.waitForSelector('[data-experiment="console-exp"] table.arm-report tbody tr');
    const arms = await page.$$eval('[data-experiment="console-exp"] tbody tr', (rows) =>
      rows.map((row) => (row as HTMLElement).dataset.arm),
    );
    expect(arms).toEqual(["control", "treatment"]);
    expect(await page.textContent("#canary")).toContain("No canary");
    await shoot("06-experiments");
  });

  it("lists releases and rolls back to the previous one", async () => {
    await open("releases");
    await page.waitForSelector("#release-list tbody tr");
    expect(await page.textContent(`tr[data-release="${RELEASES[1]}"]`)).toContain("current");
    await shoot("07-releases");
    await page.click("#rollback");
    await page.click("#rollback");
    await page.waitForSelector(`tr.current[data-release="${RELEASES[0]}"]`);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { release?: { current: string } };
    expect(health.release?.current).toBe(RELEASES[0]);
    await shoot("08-releases-after-rollback");
    expect(pageProblems).toEqual([]);
  });
});
