// Codecs of single values: dates (Date on the class, ISO string on the wire) and int64 (a safe number).
import { describeValue, ModelValueError } from './model-error';
import type { Codec } from './codec';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkedDate(date: Date, raw: unknown): Date {
  if (Number.isNaN(date.getTime())) throw new ModelValueError(`${describeValue(raw)} is not a valid date`);
  return date;
}

/**
 * `format: date-time`: decodes an ISO 8601 string (any offset) to a Date, encodes a Date with
 * `toISOString()` (UTC, milliseconds). Strings are passed through when encoding.
 */
export const dateTimeCodec: Codec = {
  decode(value) {
    if (value instanceof Date) return checkedDate(value, value);
    if (typeof value !== 'string') throw new ModelValueError(`expected an ISO date-time string, got ${describeValue(value)}`);
    return checkedDate(new Date(value), value);
  },
  encode(value) {
    return value instanceof Date ? checkedDate(value, value).toISOString() : value;
  },
};

/**
 * `format: date`: decodes `YYYY-MM-DD` to a Date at midnight UTC, encodes a Date as its UTC `YYYY-MM-DD`.
 */
export const dateCodec: Codec = {
  decode(value) {
    if (value instanceof Date) return checkedDate(value, value);
    const match = typeof value === 'string' ? DATE_ONLY.exec(value) : null;
    if (!match) throw new ModelValueError(`expected a YYYY-MM-DD date string, got ${describeValue(value)}`);
    const date = checkedDate(new Date(`${value}T00:00:00.000Z`), value);
    if (date.getUTCDate() !== Number(match[3])) throw new ModelValueError(`${describeValue(value)} is not a valid date`);
    return date;
  },
  encode(value) {
    return value instanceof Date ? checkedDate(value, value).toISOString().slice(0, 10) : value;
  },
};

function safeInteger(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  } else if (typeof value !== 'number' || Number.isSafeInteger(value)) {
    return value;
  }
  throw new ModelValueError(
    `${describeValue(value)} is not a safe integer: int64 values must lie within ±${Number.MAX_SAFE_INTEGER} (2^53-1) ` +
      'to survive JSON as a number; send larger ids as strings',
  );
}

/**
 * `format: int64`: values stay JavaScript numbers; a number outside ±(2^53-1) (already rounded by
 * JSON.parse) is an error instead of a silently wrong id. A safe bigint is accepted and becomes a number.
 */
export const int64Codec: Codec = { decode: safeInteger, encode: safeInteger };
