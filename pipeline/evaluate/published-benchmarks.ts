/**
 * Reference rows of the published MovieLens 100k top-10 benchmark (Microsoft Recommenders,
 * `examples/06_benchmarks`, random 75/25 stratified split, seed 42), printed beside our results
 * when the evaluated dataset is MovieLens 100k.
 */

/** One published row. */
export interface PublishedRow {
  model: string;
  MAP: number;
  "nDCG@10": number;
  "Precision@10": number;
  "Recall@10": number;
}

/** The rows the product compares against (best published first). */
export const MOVIELENS_100K_PUBLISHED: readonly PublishedRow[] = [
  { model: "BiVAE (published)", MAP: 0.146, "nDCG@10": 0.475, "Precision@10": 0.412, "Recall@10": 0.219 },
  { model: "BPR (published)", MAP: 0.132, "nDCG@10": 0.442, "Precision@10": 0.388, "Recall@10": 0.213 },
  { model: "SAR (published)", MAP: 0.111, "nDCG@10": 0.382, "Precision@10": 0.331, "Recall@10": 0.176 },
];

/** Whether a dataset is MovieLens 100k (by format and size: 943 users, 1682 items, 100 000 ratings). */
export function isMovielens100k(format: string, users: number, items: number, ratings: number): boolean {
  return format === "movielens-100k" && users === 943 && items === 1682 && ratings === 100_000;
}
