// DeleteVolume / DeleteSnapshot remove the journal's name key only while it still maps to the deleted
// volume's (snapshot's) UUID: compare and remove in one RADOS write op. A name re-pointed to another
// UUID (simulated here by writing the key directly, as a re-use after a crash mid-delete leaves it)
// survives; the normal case still removes it. Against the real local Ceph, over the socket.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_OID } from '../../../plugins/csi-ceph/src/decide/journal-records.js';
import { cephCli } from '../../support/ceph.js';
import { call, CLUSTER_ID, MOUNT_RWO, startHarness, type Harness } from './harness.js';

const MIB = 1024 * 1024;
const unique = (label: string) => `pvc-${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
let h: Harness;
let scratch: string;

beforeAll(async () => {
  h = await startHarness();
  scratch = await mkdtemp(join(tmpdir(), 'corral-journal-delete-'));
});

afterAll(async () => {
  await h?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function rados(args: string[]) {
  return cephCli(h.ceph, ['rados', '--pool', h.ceph.pool, ...args]);
}

/** The journal key's value, or undefined when the key is absent. */
async function journalKey(key: string): Promise<string | undefined> {
  const file = join(scratch, randomUUID());
  const out = await rados(['getomapval', JOURNAL_OID, key, file]);
  if (out.code !== 0) {
    if (/No such key/.test(out.stderr + out.stdout)) return undefined;
    throw new Error(`getomapval ${key}: ${out.stderr}`);
  }
  return readFile(file, 'utf8');
}

async function setJournalKey(key: string, value: string): Promise<void> {
  const out = await rados(['setomapval', JOURNAL_OID, key, value]);
  if (out.code !== 0) throw new Error(`setomapval ${key}: ${out.stderr}`);
}

const uuidOf = (id: string) => id.slice(-36);

async function createVolume(name: string) {
  const res = await call(h.controller, 'CreateVolume', {
    name,
    capacity_range: { required_bytes: 4 * MIB },
    volume_capabilities: [MOUNT_RWO],
    parameters: { clusterID: CLUSTER_ID, pool: h.ceph.pool },
    secrets: h.secrets,
  });
  return res.volume!.volume_id!;
}

const deleteVolume = (id: string) =>
  call(h.controller, 'DeleteVolume', { volume_id: id, secrets: h.secrets });

const createSnapshot = async (name: string, source: string) =>
  (await call(h.controller, 'CreateSnapshot', { name, source_volume_id: source, secrets: h.secrets }))
    .snapshot!.snapshot_id!;

const deleteSnapshot = (id: string) =>
  call(h.controller, 'DeleteSnapshot', { snapshot_id: id, secrets: h.secrets });

describe('DeleteVolume and the name key', () => {
  it('given the name still maps to the volume, removes the name key and the record', async () => {
    const name = unique('plain');
    const id = await createVolume(name);
    expect(await journalKey(`vn/${name}`)).toBe(uuidOf(id));
    await deleteVolume(id);
    expect(await journalKey(`vn/${name}`)).toBeUndefined();
    expect(await journalKey(`vu/${uuidOf(id)}`)).toBeUndefined();
  });

  it('given the name re-pointed to another volume, keeps the name key and removes only the record', async () => {
    const name = unique('reused');
    const id = await createVolume(name);
    const other = randomUUID();
    await setJournalKey(`vn/${name}`, other);
    await deleteVolume(id);
    expect(await journalKey(`vn/${name}`)).toBe(other);
    expect(await journalKey(`vu/${uuidOf(id)}`)).toBeUndefined();
    // A repeated delete finds no record: success, and the re-used name still stands.
    await deleteVolume(id);
    expect(await journalKey(`vn/${name}`)).toBe(other);
    await rados(['rmomapkey', JOURNAL_OID, `vn/${name}`]);
  });

  it('given the name key already gone, removes the record and writes no name key', async () => {
    // An absent key compares as the empty value (OMAP_CMP): the guard fails, the record still goes.
    const name = unique('noname');
    const id = await createVolume(name);
    await rados(['rmomapkey', JOURNAL_OID, `vn/${name}`]);
    await deleteVolume(id);
    expect(await journalKey(`vu/${uuidOf(id)}`)).toBeUndefined();
    expect(await journalKey(`vn/${name}`)).toBeUndefined();
  });
});

describe('DeleteSnapshot and the name key', () => {
  it('given the name still maps to the snapshot, removes it; re-pointed, keeps it', async () => {
    const volume = await createVolume(unique('snapsrc'));
    const plain = unique('snap');
    const plainId = await createSnapshot(plain, volume);
    expect(await journalKey(`sn/${plain}`)).toBe(uuidOf(plainId));
    await deleteSnapshot(plainId);
    expect(await journalKey(`sn/${plain}`)).toBeUndefined();
    expect(await journalKey(`su/${uuidOf(plainId)}`)).toBeUndefined();

    const reused = unique('snap-reused');
    const reusedId = await createSnapshot(reused, volume);
    const other = randomUUID();
    await setJournalKey(`sn/${reused}`, other);
    await deleteSnapshot(reusedId);
    expect(await journalKey(`sn/${reused}`)).toBe(other);
    expect(await journalKey(`su/${uuidOf(reusedId)}`)).toBeUndefined();
    await rados(['rmomapkey', JOURNAL_OID, `sn/${reused}`]);

    const nameless = unique('snap-noname');
    const namelessId = await createSnapshot(nameless, volume);
    await rados(['rmomapkey', JOURNAL_OID, `sn/${nameless}`]);
    await deleteSnapshot(namelessId);
    expect(await journalKey(`su/${uuidOf(namelessId)}`)).toBeUndefined();
    expect(await journalKey(`sn/${nameless}`)).toBeUndefined();
    await deleteVolume(volume);
  });
});
