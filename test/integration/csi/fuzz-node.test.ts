// Fuzzed requests for every Node RPC against the real node service (fuse mounter) and the local Ceph,
// around one real staged volume: wrong IDs, odd capabilities, image names and secrets, and paths that
// are relative, hold a NUL byte, are longer than the kernel takes, or climb with `..` out of the
// temporary root the suite gives its paths into a directory beside it holding files, a non-empty
// directory, something shaped like a stage and a tmpfs mount. Each answer must come before a
// deadline with the status the CSI spec prescribes (never UNKNOWN or INTERNAL), and no call may
// create, mount, unmount or delete anything outside the root, nor change the real stage.
// Replay a failure with CORRAL_FUZZ_SEED=<seed> (fast-check prints it).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { runCommand, startCeph } from '../../support/ceph.js';
import { call, cleanUpNodeSuite, CLUSTER_ID, startHarness, type Harness } from './harness.js';
import {
  answerOf,
  badCapability,
  badSecrets,
  expectAnswer,
  fuzzOptions,
  HUGE,
  oddString,
  uuid,
  wrongIds,
  type IdParts,
} from './fuzz-inputs.js';
import { mountPointsUnder, treeOf } from './fuzz-state.js';
import { loopsUnder } from './node-probes.js';

const MIB = 1024 * 1024;
const RWO = { mount: { fs_type: 'ext4' }, access_mode: { mode: 'SINGLE_NODE_WRITER' } };
const { INVALID_ARGUMENT, NOT_FOUND, OK, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE } = status;

let controller: Harness | undefined;
let node: Harness | undefined;
/** The root every path of the suite lives in, and the directory beside it that must stay as it is. */
let root: string;
let outside: string;
let staging: string;
let volume: { volume_id: string; volume_context: Record<string, string> };
let parts: IdParts;
const created: string[] = [];
let before: { tree: string[]; mounts: string[]; loops: string[] };
let counter = 0;

async function sideState() {
  return {
    tree: [...(await treeOf(root)), ...(await treeOf(outside))],
    mounts: [...(await mountPointsUnder(root)), ...(await mountPointsUnder(outside))],
    loops: [...(await loopsUnder(root))],
  };
}

beforeAll(async () => {
  const ceph = await startCeph();
  controller = await startHarness({ ceph });
  node = await startHarness({ ceph, role: 'node' });
  root = await mkdtemp(join(tmpdir(), 'corral-csi-fuzz-root-'));
  outside = await mkdtemp(join(tmpdir(), 'corral-csi-fuzz-outside-'));
  await writeFile(join(outside, 'keep.txt'), 'keep');
  await mkdir(join(outside, 'dir'));
  await writeFile(join(outside, 'dir', 'keep.txt'), 'keep');
  for (const sub of ['fs', 'fuse', 'publishing']) {
    await mkdir(join(outside, 'stage-like', sub), { recursive: true });
    await writeFile(join(outside, 'stage-like', sub, 'keep.txt'), 'keep');
  }
  await mkdir(join(outside, 'mnt'));
  const mounted = await runCommand('mount', [
    '-t',
    'tmpfs',
    '-o',
    'size=1m',
    'fuzz-tmpfs',
    join(outside, 'mnt'),
  ]);
  if (mounted.code !== 0) throw new Error(`mount tmpfs: ${mounted.stderr}`);
  await writeFile(join(outside, 'mnt', 'keep.txt'), 'keep');
  const res = await call(controller.controller, 'CreateVolume', {
    name: `fuzz-node-${process.pid}-${Date.now()}`,
    capacity_range: { required_bytes: 32 * MIB },
    volume_capabilities: [RWO],
    parameters: { clusterID: CLUSTER_ID, pool: ceph.pool },
    secrets: controller.secrets,
  });
  volume = { volume_id: res.volume!.volume_id!, volume_context: res.volume!.volume_context! };
  created.push(volume.volume_id);
  const [kind = '', cluster = '', pool = '', namespace = '', id = ''] = volume.volume_id.split('.');
  parts = { kind: kind as 'v1', cluster, pool, namespace, uuid: id };
  staging = join(root, 'stage');
  await mkdir(staging);
  await call(node.node, 'NodeStageVolume', {
    volume_id: volume.volume_id,
    staging_target_path: staging,
    volume_capability: RWO,
    secrets: node.secrets,
    volume_context: volume.volume_context,
  });
  before = await sideState();
});

afterAll(async () => {
  if (outside) {
    await runCommand('umount', [join(outside, 'mnt')]);
    await rm(outside, { recursive: true, force: true });
  }
  await cleanUpNodeSuite(node, controller, root, created);
});

/** Paths no node call may take: empty, relative, a NUL byte, past PATH_MAX or NAME_MAX. */
const badPath = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', '.', '..', 'stage', 'rel/target', './x', '~/x'),
    oddString.filter((s) => !s.startsWith('/')),
    fc.constant(0).map(() => `${root}/a\0b`),
    fc.constant(0).map(() => `${root}/${'d'.repeat(300)}`),
    fc.constant(0).map(() => `${root}/${'d/'.repeat(2100)}x`),
    fc.constant(0).map(() => `${root}/${HUGE}`),
  );

/** Paths out of the root with `..`, onto what is beside it. */
const outsidePath = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('keep.txt', 'dir', 'stage-like', 'mnt', 'new-dir', 'dir/keep.txt', 'mnt/keep.txt'),
      fc.constantFrom('/../', '/x/../../', '//../', '/stage/../../'),
    )
    .map(([entry, climb]) => `${root}${climb}${basename(outside)}/${entry}`);

/** Is `path` one of outsidePath's (valid paths, naming no volume)? */
const isOutside = (path: string) => path.includes(`/${basename(outside)}/`);

/** A path in the root that does not exist yet. */
const freshPath = () => join(root, `fresh-${++counter}`);

interface Case {
  readonly rpc: string;
  readonly request: Record<string, unknown>;
  readonly allowed: readonly number[];
}

const stageReq = (over: Record<string, unknown>) => ({
  volume_id: volume.volume_id,
  staging_target_path: freshPath(),
  volume_capability: RWO,
  secrets: node!.secrets,
  volume_context: volume.volume_context,
  ...over,
});

const stageCases = (): fc.Arbitrary<Case> => {
  const stage = (over: Record<string, unknown>, ...allowed: number[]): Case => ({
    rpc: 'NodeStageVolume',
    request: stageReq(over),
    allowed,
  });
  return fc.oneof(
    wrongIds(parts).map((id) => stage({ volume_id: id }, NOT_FOUND, INVALID_ARGUMENT)),
    badCapability.map((cap) => stage({ volume_capability: cap }, INVALID_ARGUMENT)),
    fc.constant(0).map(() => stage({ volume_capability: undefined }, INVALID_ARGUMENT)),
    fc
      .oneof(
        oddString,
        uuid.map((other) => `csi-vol-${other}`),
        fc.constantFrom('../csi-vol-x', '/etc/passwd'),
      )
      .map((imageName) =>
        stage({ volume_context: { ...volume.volume_context, imageName } }, INVALID_ARGUMENT),
      ),
    // Secrets that only Ceph can refuse ("AAAA") meet the staging at `stage` first.
    badSecrets(node!.secrets['userKey']!).map((secrets) =>
      stage({ secrets }, INVALID_ARGUMENT, FAILED_PRECONDITION),
    ),
    badPath().map((path) => stage({ staging_target_path: path }, INVALID_ARGUMENT)),
    // The volume is staged read-write in the root already: a second staging is refused.
    outsidePath().map((path) => stage({ staging_target_path: path }, FAILED_PRECONDITION, ALREADY_EXISTS)),
    fc.constantFrom('ext3', 'btrfs', '../xfs').map((fs) =>
      stage(
        {
          volume_context: { ...volume.volume_context, 'csi.storage.k8s.io/fstype': fs },
          volume_capability: { ...RWO, mount: {} },
        },
        INVALID_ARGUMENT,
      ),
    ),
  );
};

const unstageCases = (): fc.Arbitrary<Case> =>
  fc.oneof(
    badPath().map((path) => ({
      rpc: 'NodeUnstageVolume',
      request: { volume_id: volume.volume_id, staging_target_path: path },
      allowed: [INVALID_ARGUMENT],
    })),
    // Nothing of this driver is staged out there: nothing to do, and nothing of what is there goes.
    outsidePath().map((path) => ({
      rpc: 'NodeUnstageVolume',
      request: { volume_id: volume.volume_id, staging_target_path: path },
      allowed: [OK, NOT_FOUND, FAILED_PRECONDITION],
    })),
    wrongIds(parts).map((id) => ({
      rpc: 'NodeUnstageVolume',
      request: { volume_id: id, staging_target_path: staging },
      allowed: [NOT_FOUND, INVALID_ARGUMENT],
    })),
  );

const publishCases = (): fc.Arbitrary<Case> => {
  const publish = (over: Record<string, unknown>, ...allowed: number[]): Case => ({
    rpc: 'NodePublishVolume',
    request: {
      volume_id: volume.volume_id,
      staging_target_path: staging,
      target_path: freshPath(),
      volume_capability: RWO,
      ...over,
    },
    allowed,
  });
  return fc.oneof(
    wrongIds(parts).map((id) => publish({ volume_id: id }, NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION)),
    badCapability.map((cap) => publish({ volume_capability: cap }, INVALID_ARGUMENT)),
    badPath().map((path) => publish({ target_path: path }, INVALID_ARGUMENT)),
    badPath()
      .filter((path) => path !== '')
      .map((path) => publish({ staging_target_path: path }, INVALID_ARGUMENT)),
    outsidePath().map((path) => publish({ staging_target_path: path }, FAILED_PRECONDITION, NOT_FOUND)),
    // A target that holds a file, a non-empty directory or another mount is not a publish target.
    fc
      .constantFrom('keep.txt', 'dir', 'mnt', 'stage-like')
      .map((entry) =>
        publish(
          { target_path: `${root}/../${basename(outside)}/${entry}` },
          ALREADY_EXISTS,
          FAILED_PRECONDITION,
          INVALID_ARGUMENT,
        ),
      ),
  );
};

const unpublishCases = (): fc.Arbitrary<Case> =>
  fc.oneof(
    badPath().map((path) => ({
      rpc: 'NodeUnpublishVolume',
      request: { volume_id: volume.volume_id, target_path: path },
      allowed: [INVALID_ARGUMENT],
    })),
    // No publish of this driver out there: what is there (a file, a directory, a tmpfs) stays.
    outsidePath()
      .filter((path) => !path.endsWith('new-dir'))
      .map((path) => ({
        rpc: 'NodeUnpublishVolume',
        request: { volume_id: volume.volume_id, target_path: path },
        allowed: [OK, NOT_FOUND, FAILED_PRECONDITION],
      })),
    wrongIds(parts)
      .filter((id) => id !== '')
      .map((id) => ({
        rpc: 'NodeUnpublishVolume',
        request: { volume_id: id, target_path: join(root, 'stage', 'fs') },
        allowed: [OK, NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION],
      })),
  );

const statsCases = (): fc.Arbitrary<Case> =>
  fc.oneof(
    wrongIds(parts).map((id) => ({
      rpc: 'NodeGetVolumeStats',
      request: { volume_id: id, volume_path: staging },
      allowed: [NOT_FOUND, INVALID_ARGUMENT],
    })),
    fc.oneof(badPath(), outsidePath()).map((path) => ({
      rpc: 'NodeGetVolumeStats',
      request: { volume_id: volume.volume_id, volume_path: path },
      allowed: isOutside(path) ? [NOT_FOUND] : [INVALID_ARGUMENT],
    })),
    badPath()
      .filter((path) => path !== '')
      .map((path) => ({
        rpc: 'NodeGetVolumeStats',
        request: { volume_id: volume.volume_id, volume_path: staging, staging_target_path: path },
        allowed: [INVALID_ARGUMENT],
      })),
    wrongIds(parts).map((id) => ({
      rpc: 'NodeExpandVolume',
      request: { volume_id: id, volume_path: staging, capacity_range: { required_bytes: String(32 * MIB) } },
      allowed: [NOT_FOUND, INVALID_ARGUMENT],
    })),
    fc.oneof(badPath(), outsidePath()).map((path) => ({
      rpc: 'NodeExpandVolume',
      request: {
        volume_id: volume.volume_id,
        volume_path: path,
        capacity_range: { required_bytes: String(32 * MIB) },
      },
      allowed: isOutside(path) ? [NOT_FOUND] : [INVALID_ARGUMENT],
    })),
    badPath()
      .filter((path) => path !== '')
      .map((path) => ({
        rpc: 'NodeExpandVolume',
        request: { volume_id: volume.volume_id, volume_path: staging, staging_target_path: path },
        allowed: [INVALID_ARGUMENT],
      })),
    fc.bigInt({ min: -(1n << 62n), max: -1n }).map((bytes) => ({
      rpc: 'NodeExpandVolume',
      request: {
        volume_id: volume.volume_id,
        volume_path: staging,
        staging_target_path: staging,
        capacity_range: { required_bytes: bytes.toString() },
      },
      allowed: [INVALID_ARGUMENT, OUT_OF_RANGE],
    })),
    fc.constantFrom('NodeGetInfo', 'NodeGetCapabilities').map((rpc) => ({
      rpc,
      request: { volume_id: HUGE },
      allowed: [OK],
    })),
  );

async function run(c: Case): Promise<void> {
  const answer = await answerOf(node!.node, c.rpc, c.request);
  const what = `${c.rpc}(${JSON.stringify(c.request, (key, v: unknown) =>
    key === 'secrets' ? '<secrets>' : typeof v === 'string' && v.length > 200 ? `<${v.length} chars>` : v,
  )})`;
  expectAnswer(answer, c.allowed, what);
  expect(await sideState(), `after ${what}`).toEqual(before);
}

describe('fuzzed node requests', () => {
  it('given invalid NodeStageVolume and NodeUnstageVolume calls, answers the spec code and touches nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(stageCases(), unstageCases()), run), fuzzOptions(50));
  }, 120_000);

  it('given invalid NodePublishVolume and NodeUnpublishVolume calls, answers the spec code and touches nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(publishCases(), unpublishCases()), run), fuzzOptions(50));
  }, 120_000);

  it('given invalid stats, expand and info calls, answers the spec code and touches nothing', async () => {
    await fc.assert(fc.asyncProperty(statsCases(), run), fuzzOptions(50));
  }, 120_000);
});
