import { MlflowResponseError } from '../errors/response-error.js';

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 60) ?? ''}`.trim();
}

/** Checks that `value` is a JSON object; `where` names it in the error. */
export function asObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MlflowResponseError(where, `expected an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** Reads a required string field. */
export function readString(object: JsonObject, field: string, where: string): string {
  const value = object[field];
  if (typeof value !== 'string') {
    throw new MlflowResponseError(`${where}.${field}`, `expected a string, got ${describe(value)}`);
  }
  return value;
}

/** Reads an optional string field (absent or null is `undefined`). */
export function readOptionalString(object: JsonObject, field: string, where: string): string | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new MlflowResponseError(`${where}.${field}`, `expected a string, got ${describe(value)}`);
  }
  return value;
}

/** Reads an optional int64 field, sent as a JSON number or, by plain protobuf-JSON, as a decimal string. */
export function readOptionalInteger(object: JsonObject, field: string, where: string): number | undefined {
  const value = object[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw new MlflowResponseError(`${where}.${field}`, `expected an integer, got ${describe(value)}`);
  }
  return number;
}

/** Reads a required int64 field. */
export function readInteger(object: JsonObject, field: string, where: string): number {
  const value = readOptionalInteger(object, field, where);
  if (value === undefined) throw new MlflowResponseError(`${where}.${field}`, 'expected an integer, got nothing');
  return value;
}

/** Reads an optional boolean field (absent is `false`, as protobuf-JSON omits false). */
export function readFlag(object: JsonObject, field: string, where: string): boolean {
  const value = object[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') {
    throw new MlflowResponseError(`${where}.${field}`, `expected a boolean, got ${describe(value)}`);
  }
  return value;
}

/** Reads a repeated field; protobuf-JSON omits empty ones, so absent is `[]`. */
export function readArray(object: JsonObject, field: string, where: string): readonly unknown[] {
  const value = object[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new MlflowResponseError(`${where}.${field}`, `expected an array, got ${describe(value)}`);
  }
  return value;
}

/** Reads `[{key, value}]` pairs into a record (`Object.fromEntries`, so a key like `__proto__` stays a plain key). */
export function readKeyValues(object: JsonObject, field: string, where: string): Readonly<Record<string, string>> {
  return Object.fromEntries(
    readArray(object, field, where).map((item, index) => {
      const pair = asObject(item, `${where}.${field}[${index}]`);
      const pairWhere = `${where}.${field}[${index}]`;
      return [readString(pair, 'key', pairWhere), readOptionalString(pair, 'value', pairWhere) ?? ''];
    }),
  );
}
