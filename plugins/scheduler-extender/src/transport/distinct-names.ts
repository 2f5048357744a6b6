/**
 * Whether a request names a node twice, asked of every filter and prioritize body (500 names per
 * call, never repeated by kube-scheduler). A Set of the names answers it too, but builds a hash table
 * of 500 entries (~22 KiB, grown from 4 slots) for every call; this open-addressing table of name
 * indexes is reused, so a call allocates nothing.
 */

/** Tables up to this many slots are kept for the next call; a larger one is for its call only. */
const KEPT_SLOTS = 1 << 16;
/** Probes per name, on average, before a Set is asked instead (names crafted to collide). */
const PROBES_PER_NAME = 8;

let kept = new Int32Array(1024);

/** 32-bit FNV-1a of the string's UTF-16 code units. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A zeroed table of at least twice as many slots as names, a power of two. */
function tableFor(count: number): Int32Array {
  let slots = 1024;
  while (slots < count * 2) slots *= 2;
  if (slots > KEPT_SLOTS) return new Int32Array(slots);
  if (kept.length < slots) kept = new Int32Array(slots);
  else kept.fill(0, 0, slots);
  return kept.length === slots ? kept : kept.subarray(0, slots);
}

/** Given node names, returns whether any of them is there more than once. */
export function hasRepeats(names: readonly string[]): boolean {
  if (names.length < 2) return false;
  const table = tableFor(names.length);
  const mask = table.length - 1;
  let probes = names.length * PROBES_PER_NAME;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    let slot = hashOf(name) & mask;
    for (let held = table[slot] as number; held !== 0; held = table[slot] as number) {
      if (names[held - 1] === name) return true;
      if (--probes < 0) return new Set(names).size !== names.length;
      slot = (slot + 1) & mask;
    }
    table[slot] = i + 1;
  }
  return false;
}
