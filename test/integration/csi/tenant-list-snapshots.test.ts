// ListSnapshots without filters, called with a department's restricted cephx user (caps on its own
// RADOS namespace only, as a VolumeSnapshotClass's snapshotter-list secret may hold): the driver walks
// every space it knows, and must list the snapshots of the spaces those caps can read instead of
// failing the whole call with PERMISSION_DENIED at the first space they do not cover.
import { status } from '@grpc/grpc-js';
import { call, codeOf, createSnapshot, createVolume, startHarness, type Harness } from './harness.js';
import { claimParameters, departmentYaml, restrictedSecrets } from './tenant-policies.js';

const MIB = 1024 * 1024;
const run = `${process.pid}-${Date.now() % 100000}`;
const alphaNs = `lsa-${run}`;
const betaNs = `lsb-${run}`;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    policies: ({ pool }) =>
      departmentYaml('alpha', { storage: { pool, radosNamespace: alphaNs } }) +
      departmentYaml('beta', { storage: { pool, radosNamespace: betaNs } }),
    cleanUp: { radosNamespaces: [alphaNs, betaNs] },
  });
});

afterAll(() => h?.stop());

/** A 8 MiB volume of `namespace`'s department (none: the cluster's shared space) and a snapshot of it. */
async function volumeWithSnapshot(label: string, namespace?: string) {
  const volume = await createVolume(h, {
    name: `ls-${label}-${run}`,
    bytes: 8 * MIB,
    parameters: claimParameters(namespace, label),
  });
  const snap = await createSnapshot(h, `ls-snap-${label}-${run}`, volume.volume!.volume_id);
  return { volumeId: volume.volume!.volume_id!, snapshotId: snap.snapshot!.snapshot_id! };
}

const listAll = (secrets: Record<string, string>, more: object = {}) =>
  call(h.controller, 'ListSnapshots', { secrets, ...more });

describe('ListSnapshots with a department’s restricted credentials', { timeout: 60_000 }, () => {
  it('given no filter, lists the snapshots its caps can read, not PERMISSION_DENIED', async () => {
    const shared = await volumeWithSnapshot('shared');
    const alpha = await volumeWithSnapshot('alpha', 'alpha-apps');
    const beta = await volumeWithSnapshot('beta', 'beta-apps');
    const beta2 = await volumeWithSnapshot('beta-2', 'beta-apps');
    const betaSecrets = await restrictedSecrets(h, `lsbeta-${run}`, betaNs);

    // Before: PERMISSION_DENIED at the first space beta's caps do not cover (the shared one).
    const listed = await listAll(betaSecrets);
    const ids = (listed.entries ?? []).map((e) => e.snapshot?.snapshot_id);
    expect([...ids].sort()).toEqual([beta.snapshotId, beta2.snapshotId].sort());
    expect(ids).not.toContain(alpha.snapshotId);
    expect(ids).not.toContain(shared.snapshotId);
    expect(listed.entries?.find((e) => e.snapshot?.snapshot_id === beta.snapshotId)?.snapshot).toMatchObject({
      source_volume_id: beta.volumeId,
      ready_to_use: true,
    });

    // Pagination works over what it can read: one entry a page, each snapshot once, then no token.
    const pages: (string | undefined)[][] = [];
    let token = '';
    do {
      const page = await listAll(betaSecrets, {
        max_entries: 1,
        ...(token ? { starting_token: token } : {}),
      });
      pages.push((page.entries ?? []).map((e) => e.snapshot?.snapshot_id));
      token = page.next_token ?? '';
    } while (token !== '' && pages.length < 5);
    expect(pages.map((page) => page.length)).toEqual([1, 1]);
    expect(pages.flat().sort()).toEqual([...ids].sort());

    // The unrestricted user still sees all three.
    const everything = (await listAll(h.secrets)).entries?.map((e) => e.snapshot?.snapshot_id) ?? [];
    expect(everything).toEqual(
      expect.arrayContaining([shared.snapshotId, alpha.snapshotId, beta.snapshotId]),
    );
  });

  it('given a filter naming a space its caps do not cover, it is still PERMISSION_DENIED', async () => {
    const alpha = await volumeWithSnapshot('alpha-filtered', 'alpha-apps');
    const betaSecrets = await restrictedSecrets(h, `lsbeta2-${run}`, betaNs);
    expect(await codeOf(listAll(betaSecrets, { snapshot_id: alpha.snapshotId }))).toBe(
      status.PERMISSION_DENIED,
    );
  });
});
