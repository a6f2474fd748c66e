/**
 * The saved form of a fitted model and its file format. A {@link SavedModel} is plain data:
 * the model name, its JSON options, named typed arrays and (for blends) saved parts. On disk
 * (`writeSavedModel`) it is one binary file: the magic `RECMODEL`, a little-endian uint32 header
 * length, a JSON header describing every array, then the arrays' bytes, each 8-byte aligned.
 */
import { readFile, writeFile } from "node:fs/promises";

/** Typed arrays a model may save. */
export type SavedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A fitted model as data. */
export interface SavedModel {
  /** The model's name (a key of the model registry). */
  model: string;
  /** JSON-serialisable options and scalars. */
  options: Record<string, unknown>;
  arrays: Record<string, SavedArray>;
  /** Saved sub-models (blends). */
  parts?: SavedModel[];
}

const MAGIC = "RECMODEL";
const ARRAY_TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;
type ArrayType = keyof typeof ARRAY_TYPES;

interface ArrayDescriptor {
  type: ArrayType;
  offset: number;
  length: number;
}

interface HeaderModel {
  model: string;
  options: Record<string, unknown>;
  arrays: Record<string, ArrayDescriptor>;
  parts?: HeaderModel[];
}

/** Writes `saved` to `path` in the binary model format; returns the bytes written. */
export async function writeSavedModel(path: string, saved: SavedModel): Promise<number> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const describe = (model: SavedModel): HeaderModel => {
    const arrays: Record<string, ArrayDescriptor> = {};
    for (const [name, array] of Object.entries(model.arrays)) {
      const padding = (8 - (offset % 8)) % 8;
      if (padding > 0) chunks.push(new Uint8Array(padding));
      offset += padding;
      arrays[name] = { type: arrayType(array), offset, length: array.length };
      chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      offset += array.byteLength;
    }
    const header: HeaderModel = { model: model.model, options: model.options, arrays };
    if (model.parts) header.parts = model.parts.map(describe);
    return header;
  };
  const header = new TextEncoder().encode(JSON.stringify(describe(saved)));
  const prefix = new Uint8Array(MAGIC.length + 4 + header.length);
  prefix.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(prefix.buffer).setUint32(MAGIC.length, header.length, true);
  prefix.set(header, MAGIC.length + 4);
  const bodyPadding = new Uint8Array((8 - (prefix.length % 8)) % 8);
  const file = Buffer.concat([prefix, bodyPadding, ...chunks]);
  await writeFile(path, file);
  return file.length;
}

/** Reads a file written by {@link writeSavedModel}. */
export async function readSavedModel(path: string): Promise<SavedModel> {
  const file = await readFile(path);
  if (file.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) throw new Error(`${path} is not a saved model`);
  const headerLength = file.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  const header = JSON.parse(file.subarray(MAGIC.length + 4, headerEnd).toString("utf8")) as HeaderModel;
  const body = headerEnd + ((8 - (headerEnd % 8)) % 8);
  const restore = (model: HeaderModel): SavedModel => {
    const arrays: Record<string, SavedArray> = {};
    for (const [name, d] of Object.entries(model.arrays)) {
      const Type = ARRAY_TYPES[d.type];
      const bytes = d.length * Type.BYTES_PER_ELEMENT;
      const copy = new Uint8Array(bytes);
      copy.set(file.subarray(body + d.offset, body + d.offset + bytes));
      arrays[name] = new Type(copy.buffer);
    }
    const saved: SavedModel = { model: model.model, options: model.options, arrays };
    if (model.parts) saved.parts = model.parts.map(restore);
    return saved;
  };
  return restore(header);
}

/** The typed array `name` of `saved`, checked to be of `Type`. */
export function savedArray<T extends SavedArray>(
  saved: SavedModel,
  name: string,
  Type: { new (length: number): T; readonly name: string },
): T {
  const array = saved.arrays[name];
  if (!(array instanceof Type)) throw new Error(`saved ${saved.model} has no ${Type.name} "${name}"`);
  return array;
}

function arrayType(array: SavedArray): ArrayType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Float64Array) return "float64";
  if (array instanceof Int32Array) return "int32";
  return "uint8";
}
