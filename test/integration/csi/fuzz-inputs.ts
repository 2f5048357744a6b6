// What the CSI fuzz suites (fuzz-*.test.ts) send and how they judge the answer: odd strings, IDs of
// the wrong shape around a real one, bad capacity ranges, capabilities and secrets, and a call that
// must come back with a status the CSI spec allows, before a deadline, never UNKNOWN or INTERNAL.
import { Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';

/** Runs of each property (CORRAL_FUZZ_RUNS scales them) and the seed (CORRAL_FUZZ_SEED replays one). */
export function fuzzOptions(numRuns: number): { numRuns: number; seed?: number; endOnFailure: true } {
  const scale = Number(process.env['CORRAL_FUZZ_RUNS'] ?? '1');
  const seed = process.env['CORRAL_FUZZ_SEED'];
  return {
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) ? scale : 1))),
    ...(seed ? { seed: Number(seed) } : {}),
    // Shrinking re-runs calls against Ceph: report the first counterexample as found.
    endOnFailure: true,
  };
}

/** A 1 MiB string (the gRPC server takes messages up to 4 MiB). */
export const HUGE = 'n'.repeat(1 << 20);

/** Strings no field expects: empty, 1 MiB, odd unicode, NUL bytes, traversal, percent escapes. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\0',
    'a\0b',
    '../../etc/passwd',
    '%00',
    '%2E%2E%2F',
    '\u202eevil',
    '\uFEFF',
    '\uD800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'e\u0301\u0301\u0301',
    '\n\t',
  ),
  fc.constant(HUGE),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
);

/** What a call answered: its gRPC code (0: OK), the status details, and the response. */
export interface Answer {
  readonly code: number;
  readonly details: string;
  readonly value?: unknown;
}

type Callback = (err: ServiceError | null, value?: unknown) => void;
type Method = (request: object, metadata: Metadata, options: object, callback: Callback) => unknown;

/** Calls `rpc` with a deadline; a call that does not answer in time comes back DEADLINE_EXCEEDED. */
export function answerOf(client: Client, rpc: string, request: object, deadlineMs = 30_000): Promise<Answer> {
  const method = (client as unknown as Record<string, Method | undefined>)[rpc];
  if (!method) throw new Error(`no RPC ${rpc} on this client`);
  return new Promise((resolve) => {
    method.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, value) => {
      if (err) {
        resolve({ code: err.code, details: err.details });
        return;
      }
      resolve({ code: status.OK, details: '', value });
    });
  });
}

/**
 * Holds an answer to the fuzz's common properties: it came (no hang), with a code the driver chose
 * (never UNKNOWN, which grpc-js gives a handler that threw past the chain, nor INTERNAL, which is for
 * the driver's own failures, not for what is wrong with the request), and one of `allowed`.
 */
export function expectAnswer(answer: Answer, allowed: readonly number[], what: string): void {
  const name = (code: number) => status[code] ?? String(code);
  const got = `${what} answered ${name(answer.code)} ${answer.details.slice(0, 300)}`;
  expect(answer.code, got).not.toBe(status.DEADLINE_EXCEEDED);
  expect(answer.code, got).not.toBe(status.UNKNOWN);
  expect(answer.code, got).not.toBe(status.INTERNAL);
  expect(allowed.map(name), got).toContain(name(answer.code));
}

const BAD_MODES = fc.constantFrom<unknown>('UNKNOWN', 99, -1, 'MULTI_NODE_MULTI_WRITER_X');

/** Volume capabilities no request may carry (the driver must say INVALID_ARGUMENT). */
export const badCapability: fc.Arbitrary<object> = fc.oneof(
  fc.constant({}),
  fc.constant({ access_mode: { mode: 'SINGLE_NODE_WRITER' } }),
  fc.constant({ mount: {} }),
  BAD_MODES.map((mode) => ({ mount: { fs_type: 'ext4' }, access_mode: { mode } })),
  BAD_MODES.map((mode) => ({ block: {}, access_mode: { mode } })),
  fc
    .oneof(fc.constantFrom('ext3', 'btrfs', 'nfs', 'EXT4', 'ext4 ', 'xfs\0'), oddString)
    .filter((fs) => fs !== '' && fs !== 'ext4' && fs !== 'xfs')
    .map((fs_type) => ({ mount: { fs_type }, access_mode: { mode: 'SINGLE_NODE_WRITER' } })),
  fc.constant({ mount: { fs_type: 'ext4' }, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }),
);

/**
 * Capabilities that are fine: both `block` and `mount` set (one protobuf oneof: the last one encoded
 * wins, so the server sees one), odd mount flags (the controller does not read them).
 */
export const goodCapability: fc.Arbitrary<object> = fc.oneof(
  fc.constant({ mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } }),
  fc.constant({ block: {}, mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } }),
  fc.constant({ mount: { fs_type: 'ext4' }, block: {}, access_mode: { mode: 'SINGLE_NODE_WRITER' } }),
  fc.constant({ block: {}, access_mode: { mode: 'MULTI_NODE_MULTI_WRITER' } }),
  fc.constant({ mount: { fs_type: '' }, access_mode: { mode: 'SINGLE_NODE_READER_ONLY' } }),
);

/** Capacity ranges CreateVolume must refuse (OUT_OF_RANGE: negative, required over limit, too large). */
export const badRange: fc.Arbitrary<object> = fc.oneof(
  fc.bigInt({ min: -(1n << 63n), max: -1n }).map((b) => ({ required_bytes: b.toString() })),
  fc.bigInt({ min: -(1n << 63n), max: -1n }).map((b) => ({ limit_bytes: b.toString() })),
  fc
    .tuple(fc.bigInt({ min: 2n, max: 1n << 40n }), fc.bigInt({ min: 1n, max: 1n << 20n }))
    .map(([req, less]) => ({
      required_bytes: req.toString(),
      limit_bytes: (req - (less % req) || 1n).toString(),
    })),
  fc.constant({ required_bytes: ((1n << 63n) - 1n).toString() }),
  fc.constant({ required_bytes: (1n << 63n).toString() }),
  fc.constant({ required_bytes: '1', limit_bytes: '1' }),
  fc.constant({ limit_bytes: String((1 << 20) - 1) }),
);

/** Secrets that cannot authenticate anyone, said before any Ceph call (INVALID_ARGUMENT). */
export const badSecrets = (key: string): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    fc.constant({}),
    fc.constant({ userID: 'csi' }),
    fc.constant({ userKey: key }),
    fc.constant({ userID: '', userKey: key }),
    fc.constant({ userID: 'csi', userKey: '' }),
    fc.constant({ userID: 'csi', userKey: 'not base64!' }),
    fc.constant({ userID: 'csi', userKey: 'AAAA' }),
    fc.constant({ userID: 'csi', userKey: `${key}\0` }),
    fc.constant({ userid: 'csi', userkey: key }),
  );

/** A UUID of the driver's shape (lower-case v4). */
export const uuid = fc.uuid({ version: 4 });

/** A volume or snapshot ID's parts, as the driver writes them. */
export interface IdParts {
  readonly kind: 'v1' | 's1';
  readonly cluster: string;
  readonly pool: string;
  readonly namespace: string;
  readonly uuid: string;
}

export const idOf = (p: IdParts) => [p.kind, p.cluster, p.pool, p.namespace, p.uuid].join('.');

/**
 * IDs that name nothing, around a real one: garbage after a valid prefix, another cluster, pool or
 * namespace, traversal, another kind, another or mangled UUID, and other spellings of the same
 * fields (percent escapes, a NUL byte) that the driver never issues.
 */
export const wrongIds = (real: IdParts): fc.Arbitrary<string> => {
  const with_ = (over: Partial<IdParts>) => idOf({ ...real, ...over });
  const prefix = `${real.kind}.${real.cluster}.${real.pool}.${real.namespace}.`;
  return fc
    .oneof(
      oddString,
      oddString.map((junk) => `${prefix}${junk}`),
      oddString.map((junk) => `${idOf(real)}${junk}`).filter((id) => id !== idOf(real)),
      fc.constantFrom(
        with_({ cluster: 'other-cluster' }),
        with_({ cluster: `${real.cluster}%00` }),
        with_({ pool: `${real.pool}-nope` }),
        with_({ pool: '%2E%2E' }),
        with_({ pool: `${real.pool}%00x` }),
        with_({ namespace: '%2E%2E%2F%2E%2E' }),
        with_({ namespace: 'fuzz-no-such-ns' }),
        with_({ namespace: '%00' }),
        with_({ kind: real.kind === 'v1' ? 's1' : 'v1' }),
        with_({ uuid: real.uuid.toUpperCase() }),
        with_({ uuid: `${real.uuid}0` }),
        with_({ uuid: `../${real.uuid}` }),
        with_({ cluster: encodeURIComponent(real.cluster).replace(/-/g, '%2D') }),
        with_({ pool: [...real.pool].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('') }),
        with_({ namespace: '%' }),
        `${idOf(real)}.extra`,
        idOf(real).replace(/\./g, '..'),
      ),
      uuid.map((other) => with_({ uuid: other })),
    )
    .filter((id) => id !== idOf(real));
};
