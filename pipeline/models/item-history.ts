/**
 * The users' training items kept by item-based models (item neighbours, EASE), which score a user
 * from the items they interacted with: a CSR copy of the matrix's structure, saved with the model.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import { checkIndex } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Each user's item indices (CSR). */
export class ItemHistory {
  constructor(
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
  ) {}

  /** The structure of `interactions` (values dropped). */
  static of(interactions: InteractionMatrix): ItemHistory {
    return new ItemHistory(interactions.indptr.slice(), interactions.indices.slice());
  }

  /** Restores the history saved under `historyIndptr` / `historyIndices`. */
  static load(saved: SavedModel): ItemHistory {
    return new ItemHistory(savedArray(saved, "historyIndptr", Int32Array), savedArray(saved, "historyIndices", Int32Array));
  }

  /** Number of users. */
  get users(): number {
    return this.indptr.length - 1;
  }

  /** The items of `user` (a view). */
  items(user: number): Int32Array {
    checkIndex("user", user, this.users);
    return this.indices.subarray(this.indptr[user]!, this.indptr[user + 1]!);
  }

  /** Arrays to merge into a model's saved arrays. */
  toArrays(): Record<"historyIndptr" | "historyIndices", Int32Array> {
    return { historyIndptr: this.indptr, historyIndices: this.indices };
  }
}
