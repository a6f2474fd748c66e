/**
 * Where the MovieLens 100k data lives: beside the checkout (`../shared/data/ml-100k`), never
 * copied into the project (its licence forbids redistribution). Tests that need it skip with a
 * message when it is absent.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** Absolute path of the MovieLens 100k folder. */
export const ML100K = resolve(import.meta.dirname, "../../../../shared/data/ml-100k");

/** Whether the folder is there. */
export const HAS_ML100K = existsSync(ML100K);
