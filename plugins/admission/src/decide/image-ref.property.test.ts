import { imagePathAtOrUnderPrefix, imagePathMatchesPrefix } from '@corral/policy';
import fc from 'fast-check';
import {
  formatImageRef,
  isPinnedByDigest,
  parseImageRef,
  usesLatestTag,
  type ImageRef,
} from './image-ref.js';

/**
 * Image references built from parts, against the rules of issue #5: only a well-formed reference on
 * harbor.example.com (however its host is spelled) whose path starts with the whole segment `finance`
 * falls under `harbor.example.com/finance/`; `..`, `financex`, upper case, empty segments never do.
 */
const SAME_HOST = [
  'harbor.example.com',
  'HARBOR.Example.COM',
  'harbor.example.com:443',
  'harbor.example.com:0443',
];
const OTHER_HOST = [
  'harbor.example.com:5000',
  'harbor.example.co',
  'harbor.example.com.evil.io',
  'localhost:5000',
  '[::1]:5000',
  '[::1]',
];
const GOOD_SEGMENTS = ['finance', 'financex', 'fin-ance', 'payments', 'app', 'a__b', 'x-y'];
const BAD_SEGMENTS = ['..', '.', '', 'Finance', 'app_', '-app'];
const HEX64 = 'a'.repeat(64);
const GOOD_DIGESTS = [`sha256:${HEX64}`, `sha512:${'b'.repeat(128)}`];
const BAD_DIGESTS = [
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'A'.repeat(64)}`,
  `md5:${'a'.repeat(32)}`,
  'sha256:',
  '',
];

const imageArbitrary = fc.record({
  host: fc.constantFrom(...SAME_HOST, ...OTHER_HOST, undefined),
  segments: fc.array(fc.constantFrom(...GOOD_SEGMENTS, ...BAD_SEGMENTS), { minLength: 1, maxLength: 3 }),
  tag: fc.constantFrom(undefined, '1.2', 'latest', '_x', '-bad', ''),
  digest: fc.constantFrom(undefined, ...GOOD_DIGESTS, ...BAD_DIGESTS),
});

type Parts = { host?: string; segments: string[]; tag?: string; digest?: string };

const text = (p: Parts) =>
  `${p.host === undefined ? '' : `${p.host}/`}${p.segments.join('/')}` +
  `${p.tag === undefined ? '' : `:${p.tag}`}${p.digest === undefined ? '' : `@${p.digest}`}`;

/** What distribution's grammar and the kubelet accept, from the parts (the oracle). */
function wellFormed(p: Parts): boolean {
  if (p.segments.some((s) => BAD_SEGMENTS.includes(s))) return false;
  if (p.tag !== undefined && !/^\w[\w.-]*$/.test(p.tag)) return false;
  return p.digest === undefined || GOOD_DIGESTS.includes(p.digest);
}

const onFinanceHost = (parts: Parts) => parts.host !== undefined && SAME_HOST.includes(parts.host);

/** Checks a parsed reference against its parts: the prefix rules, the canonical text, tag and digest. */
function expectReadAsWritten(image: string, parts: Parts, ref: ImageRef): void {
  const under = onFinanceHost(parts) && parts.segments[0] === 'finance' && parts.segments.length > 1;
  const named = onFinanceHost(parts) && parts.segments.join('/') === 'finance';
  expect(imagePathMatchesPrefix(ref.host, ref.path, 'harbor.example.com/finance/'), image).toBe(under);
  expect(imagePathAtOrUnderPrefix(ref.host, ref.path, 'harbor.example.com/finance/'), image).toBe(
    under || named,
  );
  // The canonical text names the same image.
  const again = parseImageRef(formatImageRef(ref));
  const untagged = ref.tag === undefined && ref.digest === undefined;
  expect(again.ok && again.value).toEqual(untagged ? { ...ref, tag: 'latest' } : ref);
  expect(usesLatestTag(ref)).toBe(parts.digest === undefined && (parts.tag ?? 'latest') === 'latest');
  expect(isPinnedByDigest(ref)).toBe(parts.digest?.startsWith('sha256:') === true);
  const [first = '', ...others] = parts.segments;
  if (parts.host === undefined)
    expect(ref.path).toBe(others.length === 0 ? `library/${first}` : parts.segments.join('/'));
}

describe('parseImageRef, references built from parts', () => {
  it('given any reference, parses exactly the well-formed ones, and only those on harbor.example.com/finance/… fall under it', () => {
    fc.assert(
      fc.property(imageArbitrary, (parts) => {
        const image = text(parts);
        const parsed = parseImageRef(image);
        expect(parsed.ok, image).toBe(wellFormed(parts));
        if (parsed.ok) expectReadAsWritten(image, parts, parsed.value);
      }),
      { numRuns: 2000 },
    );
  });
});
