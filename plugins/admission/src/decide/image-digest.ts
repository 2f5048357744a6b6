/**
 * Digests in image references, read as the kubelet and containerd read them (go-digest's
 * `digest.Parse`): the distribution grammar admits any `algorithm:hex` of 32 or more digits, but a
 * reference parses only when the algorithm is one go-digest knows (sha256, sha384, sha512) and the
 * hex is lower case and exactly that hash's length. Any other digest makes the pod fail later with
 * InvalidImageName, so admission refuses it now, saying what a digest looks like.
 */

/** Hex digits per known algorithm (twice the hash's size in bytes). */
const HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

const LOWER_HEX = /^[0-9a-f]+$/;

/** Why the runtime would refuse `digest` (the text after `@`), or undefined when it is sound. */
export function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = colon < 0 ? digest : digest.slice(0, colon);
  const hex = colon < 0 ? '' : digest.slice(colon + 1);
  const length = HEX_LENGTH.get(algorithm);
  if (length === undefined) {
    return `"${digest}" is not a digest the container runtime reads; use sha256, sha384 or sha512, e.g. @sha256:<64 lower-case hex>`;
  }
  if (hex.length !== length || !LOWER_HEX.test(hex)) {
    return `"${digest}" is not a ${algorithm} digest: it takes ${length} lower-case hex digits`;
  }
  return undefined;
}
