/** JSON pointers (RFC 6901), the `field` of every PolicyProblem: `/spec/quota/hard/requests.nvidia.com~1gpu`. */

export function escapePointerSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapePointerSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** `joinPointer('/spec', 'quota', 'hard', 'requests.nvidia.com/gpu')` → `/spec/quota/hard/requests.nvidia.com~1gpu`. */
export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((segment) => `/${escapePointerSegment(segment)}`).join('');
}

/** The last segment, unescaped: `/spec/foo` → `foo`; `` for the root. */
export function pointerLeaf(pointer: string): string {
  const index = pointer.lastIndexOf('/');
  return index < 0 ? '' : unescapePointerSegment(pointer.slice(index + 1));
}

/** Is `pointer` the same as `ancestor` or inside it? Segment-aware: `/spec/a` is not inside `/spec/ab`. */
export function isPointerWithin(pointer: string, ancestor: string): boolean {
  return ancestor === '' || pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}
