/**
 * Writes a JSON object of string members (`{"name":"reason",...}`) straight into bytes: the filter
 * answer's FailedNodes maps, ~450 members per call, most of them sharing a few values. Each distinct
 * value is encoded once (`encodedValue`); a key that JSON writes as it is (a DNS-1123 node name) is
 * copied character by character, any other goes through JSON.stringify. The bytes are exactly the
 * UTF-8 of JSON.stringify's text for the same object (keys in the given order).
 */

/** A member's value, encoded once: the bytes of `":` followed by the value's JSON string. */
export interface EncodedValue {
  readonly bytes: Buffer;
}

/** Given a string, returns its encoded member value (see EncodedValue). */
export function encodedValue(value: string): EncodedValue {
  return { bytes: Buffer.from(`":${JSON.stringify(value)}`) };
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** Does JSON write `name` as it is: only ASCII letters, digits, `.`, `_` and `-`? */
export function isPlainKey(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    if (!letter && !(c >= 0x30 && c <= 0x39) && c !== 0x2e && c !== 0x5f && c !== 0x2d) return false;
  }
  return true;
}

/**
 * Bytes of one member after the opening quote of its key (a plain key) or after the key's JSON (any
 * other): the key, then the value.
 */
function memberLength(key: string, value: EncodedValue): number {
  if (isPlainKey(key)) return 1 + key.length + value.bytes.length;
  return Buffer.byteLength(JSON.stringify(key)) + value.bytes.length - 1;
}

/**
 * An object of string members being written: `size` first counts the bytes of each member (`add`),
 * then `write` puts them into a buffer of that size.
 */
export class JsonMembers {
  private count = 0;
  private bytes = 0;

  /** Counts one member. */
  add(key: string, value: EncodedValue): void {
    this.count += 1;
    this.bytes += 1 + memberLength(key, value);
  }

  /** The object's length in bytes, braces included (`{}` when empty). */
  get size(): number {
    return this.count === 0 ? 2 : this.bytes + 1;
  }
}

/**
 * Writes into `target` at `offset`, in turn, the members of one object: `member` for each, then
 * `end`. Offsets are returned, so the caller sizes the buffer with JsonMembers first.
 */
export class MemberWriter {
  private first = true;

  constructor(
    private readonly target: Buffer,
    private offset: number,
  ) {}

  /** Writes `,"key":"value"` (`{` before the first). */
  member(key: string, value: EncodedValue): void {
    const { target } = this;
    target[this.offset++] = this.first ? OPEN : COMMA;
    this.first = false;
    if (isPlainKey(key)) {
      target[this.offset++] = QUOTE;
      for (let i = 0; i < key.length; i++) target[this.offset++] = key.charCodeAt(i);
      target.set(value.bytes, this.offset);
      this.offset += value.bytes.length;
      return;
    }
    this.offset += target.write(JSON.stringify(key), this.offset);
    target.set(value.bytes.subarray(1), this.offset);
    this.offset += value.bytes.length - 1;
  }

  /** Closes the object; returns the offset after it. */
  end(): number {
    if (this.first) {
      this.target[this.offset++] = OPEN;
      this.target[this.offset++] = CLOSE;
    } else this.target[this.offset++] = CLOSE;
    return this.offset;
  }
}
