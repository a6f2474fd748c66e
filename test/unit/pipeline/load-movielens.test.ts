import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dataset } from "../../../pipeline/data/dataset";
import { detectDatasetFormat } from "../../../pipeline/data/detect-dataset-format";
import { nonZeroCount, rowIndices } from "../../../pipeline/data/interaction-matrix";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import { CsvRecordParser } from "../../../pipeline/data/read-csv-records";
import { HAS_ML100K, ML100K } from "./ml-100k-path";

/** A text file's contents: each line followed by `eol`. */
const fileOf = (lines: string[], eol = "\n") => lines.map((line) => `${line}${eol}`).join("");
const flags = (...on: number[]) => Array.from({ length: 19 }, (_, g) => (on.includes(g) ? "1" : "0")).join("|");

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "load-movielens-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("loadDataset (MovieLens 100k)", () => {
  let dataset: Dataset;
  beforeAll(async () => {
    const folder = join(root, "ml-tiny");
    await mkdir(folder);
    await writeFile(
      join(folder, "u.item"),
      fileOf([
        `1|Toy Story (1995)|01-Jan-1995||http://x|${flags(3, 4, 5)}`,
        `2|GoldenEye (1995)|01-Jan-1995||http://x|${flags(1, 2, 16)}`,
        `3|unknown|||http://x|${flags(0)}`,
        "4|Broken|01-Jan-1995",
        `5|Sabrina (1995)|15-Dec-1995||http://x|${flags(5, 14)}`,
      ]),
      "latin1",
    );
    await writeFile(join(folder, "u.user"), "7|24|M|technician|85711\n8|53|F|other|94043\nbad line\n");
    await writeFile(
      join(folder, "u.data"),
      fileOf([
        "7\t1\t5\t881250949",
        "7\t2\t1\t881250950",
        "8\t1\t4\t881250951",
        "8\t99\t3\t881250952", // unknown item
        "8\t5\tfive\t881250953", // bad rating
        "", // blank: ignored
        "9\t5\t2\t881250954", // user without a profile
        "9\t5", // too few fields
        "7\t1\t3\t881250999", // repeated pair: merged
      ]),
    );
    dataset = await loadDataset(folder);
  });

  it("is detected from u.data and named after its folder", async () => {
    expect(await detectDatasetFormat(join(root, "ml-tiny"))).toBe("movielens-100k");
    expect(dataset.format).toBe("movielens-100k");
    expect(dataset.name).toBe("ml-tiny");
  });

  it("keeps string ids at the boundary and dense indices inside", () => {
    expect(dataset.items.ids.ids).toEqual(["1", "2", "3", "5"]);
    expect(dataset.users.ids.ids).toEqual(["7", "8", "9"]);
    expect(dataset.items.items[0]).toMatchObject({
      title: "Toy Story (1995)",
      genres: ["Animation", "Children's", "Comedy"],
      category: "Animation",
      releasedAt: Date.UTC(1995, 0, 1) / 1000,
    });
    expect(dataset.items.items[2]).toMatchObject({ genres: [], category: "unknown", releasedAt: 0 });
    expect(dataset.users.profiles[0]).toEqual({ ageBucket: "18-24", gender: "M", occupation: "technician" });
    expect(dataset.users.profiles[2]).toBeUndefined();
  });

  it("turns every rating into one interaction whatever its value", () => {
    expect(dataset.events.length).toBe(5);
    expect(Array.from(dataset.events.values)).toEqual([5, 1, 4, 2, 3]);
    expect(nonZeroCount(dataset.interactions)).toBe(4);
    expect(Array.from(rowIndices(dataset.interactions, 0))).toEqual([0, 1]);
    expect(dataset.interactions.counts[0]).toBe(2);
    expect(dataset.events.timestamps[0]).toBe(881250949_000);
  });

  it("reports malformed lines with file and line number, and notes merged repeats", () => {
    expect(dataset.issues.countsByFile).toEqual({ "u.item": 1, "u.user": 1, "u.data": 3 });
    expect(dataset.issues.samples.map((s) => `${s.file}:${s.line}`)).toEqual(["u.item:4", "u.user:3", "u.data:4", "u.data:5", "u.data:8"]);
    expect(dataset.issues.samples[2]!.message).toMatch(/unknown item id "99"/);
    expect(dataset.issues.samples[3]!.message).toMatch(/rating "five"/);
    expect(dataset.issues.notes).toEqual([expect.stringMatching(/1 repeated rating\(s\) of 1 \(user, item\) pair/)]);
    expect(dataset.issues.format()).toMatch(/5 line\(s\) skipped/);
  });
});

describe("loadDataset (MovieLens latest CSV)", () => {
  let dataset: Dataset;
  beforeAll(async () => {
    const folder = join(root, "ml-latest-fixture");
    await mkdir(folder);
    await writeFile(
      join(folder, "movies.csv"),
      fileOf(
        [
          "movieId,title,genres",
          "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy",
          '11,"American President, The (1995)",Comedy|Drama|Romance',
          '12,"Dracula: Dead and Loving It (1995)",Comedy|Horror',
          '13,"A ""quoted"" title, with comma (2001)",(no genres listed)',
          '14,"Multi',
          'line title (1999)",Drama',
          "x15,Bad id (2000),Drama",
          "16,Too,many,fields",
        ],
        "\r\n",
      ),
    );
    await writeFile(
      join(folder, "ratings.csv"),
      fileOf([
        "userId,movieId,rating,timestamp",
        "1,1,4.0,964982703",
        "1,11,0.5,964981247",
        "2,13,3.5,1445714835",
        "2,14,5.0,1445714836",
        "2,999,4.0,1445714837",
        "3,1,abc,1445714838",
        "3,12,4.0",
      ]),
    );
    await writeFile(
      join(folder, "tags.csv"),
      fileOf(["userId,movieId,tag,timestamp", "1,1,pixar,1", "2,1,Pixar,2", "2,1,funny,3", '3,11,"politics, romance",4', "3,77,orphan,5"]),
    );
    dataset = await loadDataset(folder);
  });

  it("is detected from ratings.csv", async () => {
    expect(await detectDatasetFormat(join(root, "ml-latest-fixture"))).toBe("movielens-latest");
    expect(dataset.format).toBe("movielens-latest");
  });

  it("parses quoted titles with commas, doubled quotes and line breaks, genres and years", () => {
    expect(dataset.items.ids.ids).toEqual(["1", "11", "12", "13", "14"]);
    const byId = (id: string) => dataset.items.items[dataset.items.ids.indexOf(id)]!;
    expect(byId("11")).toMatchObject({
      title: "American President, The (1995)",
      genres: ["Comedy", "Drama", "Romance"],
      category: "Comedy",
      releasedAt: Date.UTC(1995, 0, 1) / 1000,
    });
    expect(byId("13")).toMatchObject({ title: 'A "quoted" title, with comma (2001)', genres: [], category: "unknown" });
    expect(byId("14").title).toBe("Multi\nline title (1999)");
    expect(byId("1").tags).toEqual(["pixar", "funny"]);
    expect(byId("11").tags).toEqual(["politics, romance"]);
  });

  it("loads ratings as interactions and reports every malformed record by line", () => {
    expect(dataset.users.ids.ids).toEqual(["1", "2"]);
    expect(dataset.events.length).toBe(4);
    expect(nonZeroCount(dataset.interactions)).toBe(4);
    expect(dataset.issues.samples.map((s) => `${s.file}:${s.line}: ${s.message}`)).toEqual([
      'movies.csv:8: movieId "x15" is not an integer',
      "movies.csv:9: expected 3 fields (movieId,title,genres), got 4",
      'ratings.csv:6: unknown movieId "999" (not in movies.csv)',
      'ratings.csv:7: rating "abc" is not a non-negative number',
      "ratings.csv:8: expected 4 fields, got 3",
      'tags.csv:6: unknown movieId "77" (not in movies.csv)',
    ]);
  });

  it("fails clearly when a required column is missing", async () => {
    const folder = join(root, "bad-header");
    await mkdir(folder);
    await writeFile(join(folder, "movies.csv"), "movieId,title,genres\n1,A (1990),Drama\n");
    await writeFile(join(folder, "ratings.csv"), "user,movieId,rating,timestamp\n1,1,4,1\n");
    await expect(loadDataset(folder)).rejects.toThrow(/ratings\.csv header .* lacks column\(s\) userId/);
  });
});

describe("CsvRecordParser", () => {
  it("handles quotes, doubled quotes, empty fields and records spanning lines", () => {
    const parser = new CsvRecordParser();
    expect(parser.push('a,"b,c",,"d ""e"""')).toEqual(["a", "b,c", "", 'd "e"']);
    expect(parser.push('1,"two')).toBeUndefined();
    expect(parser.pending).toBe(true);
    expect(parser.push('lines",3')).toEqual(["1", "two\nlines", "3"]);
  });
});

describe.skipIf(!HAS_ML100K)("MovieLens 100k from ../shared/data (needs ../shared/data/ml-100k)", () => {
  it("loads 943 users, 1682 items and 100 000 ratings without issues", async () => {
    const dataset = await loadDataset(ML100K);
    expect(dataset.format).toBe("movielens-100k");
    expect([dataset.users.ids.size, dataset.items.ids.size, dataset.events.length]).toEqual([943, 1682, 100_000]);
    expect(nonZeroCount(dataset.interactions)).toBe(100_000);
    expect(dataset.issues.count).toBe(0);
  });
});
