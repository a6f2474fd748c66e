/**
 * The user × item matrix of positive implicit feedback in CSR form: for each user (row) the items
 * (columns, ascending) they interacted with, the summed event-weight confidence, the number of
 * positive events and the time of the latest one. Models, splits and exports all read this.
 */

/** CSR matrix of aggregated positive interactions (row = user index, column = item index). */
export interface InteractionMatrix {
  rows: number;
  cols: number;
  /** Row `r` occupies entries `indptr[r] .. indptr[r + 1]`; length `rows + 1`. */
  indptr: Int32Array;
  /** Column index of each entry, ascending within a row. */
  indices: Int32Array;
  /** Summed event weight of each entry (> 0). */
  confidence: Float32Array;
  /** Number of positive events behind each entry. */
  counts: Int32Array;
  /** Earliest positive event time of each entry, ms since epoch. */
  firstTs: Float64Array;
  /** Latest positive event time of each entry, ms since epoch. */
  lastTs: Float64Array;
}

/** Unaggregated interactions in column form (duplicates allowed; they are summed). */
export interface InteractionTriplets {
  rows: ArrayLike<number>;
  cols: ArrayLike<number>;
  confidence: ArrayLike<number>;
  /** Event counts (default 1 each). */
  counts?: ArrayLike<number>;
  /** Times in ms (default 0). */
  timestamps?: ArrayLike<number>;
  /** Number of triplets to read (default `rows.length`). */
  length?: number;
}

/**
 * Builds a CSR matrix of the given shape from triplets: duplicates of a (row, col) pair are merged
 * (confidence and counts summed, earliest and latest time kept); entries with non-positive confidence dropped.
 */
export function buildInteractionMatrix(shape: { rows: number; cols: number }, triplets: InteractionTriplets): InteractionMatrix {
  const n = triplets.length ?? triplets.rows.length;
  const rowCounts = new Int32Array(shape.rows + 1);
  for (let k = 0; k < n; k++) {
    const r = triplets.rows[k]!;
    const c = triplets.cols[k]!;
    if (r < 0 || r >= shape.rows || c < 0 || c >= shape.cols) {
      throw new RangeError(`triplet ${k} (${r}, ${c}) outside ${shape.rows}×${shape.cols}`);
    }
    rowCounts[r + 1]!++;
  }
  for (let r = 0; r < shape.rows; r++) rowCounts[r + 1]! += rowCounts[r]!;
  const order = new Int32Array(n);
  const cursor = rowCounts.slice(0, shape.rows);
  for (let k = 0; k < n; k++) order[cursor[triplets.rows[k]!]!++] = k;

  const indptr = new Int32Array(shape.rows + 1);
  const indices: number[] = [];
  const confidence: number[] = [];
  const counts: number[] = [];
  const firstTs: number[] = [];
  const lastTs: number[] = [];
  for (let r = 0; r < shape.rows; r++) {
    const segment = Array.from(order.subarray(rowCounts[r]!, rowCounts[r + 1]!));
    segment.sort((a, b) => triplets.cols[a]! - triplets.cols[b]! || a - b);
    let current = -1;
    for (const k of segment) {
      const c = triplets.cols[k]!;
      const weight = triplets.confidence[k]!;
      const count = triplets.counts?.[k] ?? 1;
      const ts = triplets.timestamps?.[k] ?? 0;
      if (c !== current) {
        current = c;
        indices.push(c);
        confidence.push(weight);
        counts.push(count);
        firstTs.push(ts);
        lastTs.push(ts);
      } else {
        const last = indices.length - 1;
        confidence[last]! += weight;
        counts[last]! += count;
        if (ts < firstTs[last]!) firstTs[last] = ts;
        if (ts > lastTs[last]!) lastTs[last] = ts;
      }
    }
    let write = indptr[r]!;
    for (let e = indptr[r]!; e < indices.length; e++) {
      if (confidence[e]! > 0) {
        indices[write] = indices[e]!;
        confidence[write] = confidence[e]!;
        counts[write] = counts[e]!;
        firstTs[write] = firstTs[e]!;
        lastTs[write] = lastTs[e]!;
        write++;
      }
    }
    indices.length = confidence.length = counts.length = firstTs.length = lastTs.length = write;
    indptr[r + 1] = write;
  }
  return {
    rows: shape.rows,
    cols: shape.cols,
    indptr,
    indices: Int32Array.from(indices),
    confidence: Float32Array.from(confidence),
    counts: Int32Array.from(counts),
    firstTs: Float64Array.from(firstTs),
    lastTs: Float64Array.from(lastTs),
  };
}

/** The item × user view of `matrix` (rows and columns swapped, columns ascending). */
export function transposeInteractions(matrix: InteractionMatrix): InteractionMatrix {
  const nnz = matrix.indices.length;
  const indptr = new Int32Array(matrix.cols + 1);
  for (let e = 0; e < nnz; e++) indptr[matrix.indices[e]! + 1]!++;
  for (let c = 0; c < matrix.cols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, matrix.cols);
  const indices = new Int32Array(nnz);
  const confidence = new Float32Array(nnz);
  const counts = new Int32Array(nnz);
  const firstTs = new Float64Array(nnz);
  const lastTs = new Float64Array(nnz);
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.indptr[r]!; e < matrix.indptr[r + 1]!; e++) {
      const slot = cursor[matrix.indices[e]!]!++;
      indices[slot] = r;
      confidence[slot] = matrix.confidence[e]!;
      counts[slot] = matrix.counts[e]!;
      firstTs[slot] = matrix.firstTs[e]!;
      lastTs[slot] = matrix.lastTs[e]!;
    }
  }
  return { rows: matrix.cols, cols: matrix.rows, indptr, indices, confidence, counts, firstTs, lastTs };
}

/** The column indices of row `row` (a view, no copy). */
export function rowIndices(matrix: InteractionMatrix, row: number): Int32Array {
  return matrix.indices.subarray(matrix.indptr[row]!, matrix.indptr[row + 1]!);
}

/**
 * The entries of row `row` ordered by latest interaction, oldest first (ties by column): a user's
 * history as the KV record lists it (`UserRecord.history`, most recent last).
 */
export function historyEntries(matrix: InteractionMatrix, row: number): number[] {
  const start = matrix.indptr[row]!;
  return Array.from({ length: matrix.indptr[row + 1]! - start }, (_, j) => start + j).sort(
    (a, b) => matrix.lastTs[a]! - matrix.lastTs[b]! || matrix.indices[a]! - matrix.indices[b]!,
  );
}

/** Per column, the latest interaction time of each of its entries in seconds, ascending (for `countRecent`). */
export function itemInteractionTimes(matrix: InteractionMatrix): Float64Array[] {
  const sizes = new Int32Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) sizes[matrix.indices[e]!]!++;
  const times = Array.from(sizes, (size) => new Float64Array(size));
  const filled = new Int32Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) {
    const col = matrix.indices[e]!;
    times[col]![filled[col]!++] = Math.floor(matrix.lastTs[e]! / 1000);
  }
  for (const column of times) column.sort();
  return times;
}

/** Number of entries (distinct user–item pairs). */
export function nonZeroCount(matrix: InteractionMatrix): number {
  return matrix.indices.length;
}

/** Sum of `counts` per row (e.g. a user's positive events). */
export function rowEventCounts(matrix: InteractionMatrix): Int32Array {
  const totals = new Int32Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.indptr[r]!; e < matrix.indptr[r + 1]!; e++) totals[r]! += matrix.counts[e]!;
  }
  return totals;
}

/** Sum of `counts` per column (e.g. an item's positive events). */
export function columnEventCounts(matrix: InteractionMatrix): Int32Array {
  const totals = new Int32Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) totals[matrix.indices[e]!]! += matrix.counts[e]!;
  return totals;
}

/** A matrix of the same shape holding only the entries `e` with `keep[e] === 1`. */
export function selectEntries(matrix: InteractionMatrix, keep: Uint8Array): InteractionMatrix {
  const indptr = new Int32Array(matrix.rows + 1);
  let kept = 0;
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.indptr[r]!; e < matrix.indptr[r + 1]!; e++) if (keep[e] === 1) kept++;
    indptr[r + 1] = kept;
  }
  const pick = <T extends Int32Array | Float32Array | Float64Array>(source: T, target: T): T => {
    let w = 0;
    for (let e = 0; e < source.length; e++) if (keep[e] === 1) target[w++] = source[e]!;
    return target;
  };
  return {
    rows: matrix.rows,
    cols: matrix.cols,
    indptr,
    indices: pick(matrix.indices, new Int32Array(kept)),
    confidence: pick(matrix.confidence, new Float32Array(kept)),
    counts: pick(matrix.counts, new Int32Array(kept)),
    firstTs: pick(matrix.firstTs, new Float64Array(kept)),
    lastTs: pick(matrix.lastTs, new Float64Array(kept)),
  };
}
