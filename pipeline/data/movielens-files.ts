/**
 * File names of the two MovieLens layouts the pipeline reads (GroupLens, https://grouplens.org/datasets/movielens/):
 *
 * - **100k** (`ml-100k`): `u.data` (user ⇥ item ⇥ rating ⇥ unix seconds), `u.item` (pipe-separated,
 *   19 genre flags), `u.user` (id|age|gender|occupation|zip), `u.genre` (genre|index);
 * - **latest** (`ml-latest`, `ml-latest-small`, `ml-25m`, …): `ratings.csv`
 *   (userId,movieId,rating,timestamp), `movies.csv` (movieId,title,genres with `|`-separated
 *   genres and RFC 4180 quoting), optional `tags.csv` (userId,movieId,tag,timestamp).
 */

/** MovieLens 100k file names. */
export const MOVIELENS_100K_FILES = {
  ratings: "u.data",
  items: "u.item",
  users: "u.user",
  genres: "u.genre",
} as const;

/** MovieLens "latest" (CSV) file names. */
export const MOVIELENS_LATEST_FILES = {
  ratings: "ratings.csv",
  movies: "movies.csv",
  tags: "tags.csv",
} as const;
