// The journal's compare-and-set writes against the real RADOS object, seen from two connections (two
// replicas): one reservation wins, a live holder keeps its reservation, an abandoned one is taken over,
// and the old holder can then neither mark it ready nor undo it.
import { randomUUID } from 'node:crypto';
import type { Self, VolumeRecord } from '../../../plugins/csi-ceph/src/decide/journal-records.js';
import { LeaseSightings } from '../../../plugins/csi-ceph/src/decide/lease-sightings.js';
import { ConnectionPool } from '../../../plugins/csi-ceph/src/effects/ceph/connection-pool.js';
import { Journal, type JournalOptions } from '../../../plugins/csi-ceph/src/effects/journal.js';
import { openSpace } from '../../../plugins/csi-ceph/src/effects/volume-space.js';
import { isCsiError } from '../../../plugins/csi-ceph/src/errors.js';
import { startCeph, type CephEnv } from '../../support/ceph.js';
import { CLUSTER_ID } from './harness.js';

let ceph: CephEnv;
const pools = [new ConnectionPool({ timeoutSeconds: 5 }), new ConnectionPool({ timeoutSeconds: 5 })];
const NS = `leases${process.pid % 10000}`;

beforeAll(async () => {
  ceph = await startCeph();
});

afterAll(async () => {
  for (const pool of pools) await pool.closeAll();
});

const self = (host: string, pid: number, alive = true): Self => ({
  host,
  pid,
  boot: `${host}-${pid}`,
  running: new Set(),
  pidAlive: () => alive,
});

/** A journal of one replica (its own connection), with the given identity and clock. */
async function journalOf(replica: 0 | 1, options: JournalOptions): Promise<Journal> {
  const creds = { userID: 'csi', userKey: ceph.csiKey };
  const target = { clusterID: CLUSTER_ID, monitors: [ceph.mon] };
  const pool = pools[replica] as ConnectionPool;
  const ioctx = await pool.with(target, creds, async (conn) => {
    return (await openSpace(conn, ceph.pool, NS, { create: true })).ioctx;
  });
  return new Journal(ioctx, options);
}

const record = (name: string, uuid: string): VolumeRecord => ({
  name,
  image: `csi-vol-${uuid}`,
  bytes: '1048576',
  fingerprint: 'f',
  state: 'reserved',
});

async function pendingError(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (err) {
    return isCsiError(err, 'CSI_ERR_OPERATION_PENDING');
  }
}

describe('journal reservations across replicas', () => {
  it('given two replicas reserving one name at once, exactly one wins and the loser writes nothing', async () => {
    for (let i = 0; i < 10; i++) {
      const name = `pvc-${randomUUID()}`;
      const [ja, jb] = [await journalOf(0, {}), await journalOf(1, {})];
      const [ua, ub] = [randomUUID(), randomUUID()];
      const wins = await Promise.all([
        ja.reserveVolume(ua, record(name, ua)),
        jb.reserveVolume(ub, record(name, ub)),
      ]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins[0] ? ua : ub;
      const loser = wins[0] ? ub : ua;
      expect(await ja.volumeUuid(name)).toBe(winner);
      expect(await ja.volume(loser)).toBeUndefined();
      expect((await ja.volume(winner))?.lease?.attempt).toBeDefined();
    }
  });

  it('given a reservation held by a live attempt on another host, a take-over is ABORTED until its lease runs out', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const name = `pvc-${randomUUID()}`;
    const uuid = randomUUID();
    const holder = await journalOf(0, { now: clock, leaseMs: 60_000, self: self('host-a', 10) });
    expect(await holder.reserveVolume(uuid, record(name, uuid))).toBe(true);
    const other = await journalOf(1, { now: clock, leaseMs: 60_000, self: self('host-b', 20) });
    expect(await pendingError(other.claimVolume(uuid, name))).toBe(true);

    now += 60_001;
    await other.claimVolume(uuid, name);
    expect((await other.volume(uuid))?.lease?.host).toBe('host-b');
    // The old holder lost it: it may neither mark it ready nor undo it.
    expect(await pendingError(holder.markVolumeReady(uuid, { ...record(name, uuid), state: 'ready' }))).toBe(
      true,
    );
    expect(await holder.releaseVolume(uuid, name)).toBe(false);
    expect(await other.volumeUuid(name)).toBe(uuid);
    // The new holder completes it: ready, lease dropped.
    await other.markVolumeReady(uuid, { ...record(name, uuid), state: 'ready' });
    const ready = await other.volume(uuid);
    expect(ready?.state).toBe('ready');
    expect(ready?.lease).toBeUndefined();
    expect(await pendingError(holder.claimVolume(uuid, name))).toBe(true);
  });

  it('given a reservation left by a dead process of this host, takes it over at once', async () => {
    const name = `pvc-${randomUUID()}`;
    const uuid = randomUUID();
    const dead = await journalOf(0, { self: self('host-c', 30) });
    expect(await dead.reserveVolume(uuid, record(name, uuid))).toBe(true);
    const sameHostAlive = await journalOf(1, { self: self('host-c', 31, true) });
    expect(await pendingError(sameHostAlive.claimVolume(uuid, name))).toBe(true);
    const restarted = await journalOf(1, { self: self('host-c', 31, false) });
    await restarted.claimVolume(uuid, name);
    expect(await restarted.releaseVolume(uuid, name)).toBe(true);
    expect(await restarted.volumeUuid(name)).toBeUndefined();
  });

  it('given a reservation of an attempt of this process, ABORTED while it runs, resumable once it ended', async () => {
    const name = `pvc-${randomUUID()}`;
    const uuid = randomUUID();
    const me = self('host-d', 40);
    const first = await journalOf(0, { self: me });
    expect(await first.reserveVolume(uuid, record(name, uuid))).toBe(true);
    const second = await journalOf(0, { self: me });
    expect(await pendingError(second.claimVolume(uuid, name))).toBe(true);
    first.abandon(); // e.g. Ceph became unreachable: the attempt ends, its reservation stays
    await second.claimVolume(uuid, name);
    await second.markVolumeReady(uuid, { ...record(name, uuid), state: 'ready' });
    expect((await second.volume(uuid))?.state).toBe('ready');
  });

  it('given one attempt holding two reservations, finishing one leaves the other held until the attempt ends', async () => {
    const me = self('host-g', 70);
    const first = await journalOf(0, { self: me });
    const [volumeName, snapName] = [`pvc-${randomUUID()}`, `snapshot-${randomUUID()}`];
    const [volumeUuid, snapUuid] = [randomUUID(), randomUUID()];
    expect(await first.reserveVolume(volumeUuid, record(volumeName, volumeUuid))).toBe(true);
    const snap = {
      name: snapName,
      sourceUuid: volumeUuid,
      sourceImage: `csi-vol-${volumeUuid}`,
      snap: `csi-snap-${snapUuid}`,
      bytes: '1048576',
      createdAt: new Date(0).toISOString(),
      state: 'reserved' as const,
    };
    expect(await first.reserveSnapshot(snapUuid, snap)).toBe(true);
    await first.markVolumeReady(volumeUuid, { ...record(volumeName, volumeUuid), state: 'ready' });
    // The attempt still works on the snapshot: another call of this process may not take it over.
    const second = await journalOf(0, { self: me });
    expect(await pendingError(second.claimSnapshot(snapUuid, snapName))).toBe(true);
    first.abandon();
    await second.claimSnapshot(snapUuid, snapName);
    expect(await second.releaseSnapshot(snapUuid, snapName)).toBe(true);
    expect(me.running.size).toBe(0);
  });

  it.each([
    ['an hour behind', -3_600_000],
    ['an hour ahead of', 3_600_000],
  ])(
    "given a holder on another host whose clock is %s this replica's, the take-over waits the lease time by this replica's clock",
    async (_label, skew) => {
      let now = 5_000_000;
      const name = `pvc-${randomUUID()}`;
      const uuid = randomUUID();
      const holder = await journalOf(0, { now: () => now + skew, leaseMs: 60_000, self: self('host-e', 50) });
      expect(await holder.reserveVolume(uuid, record(name, uuid))).toBe(true);
      const sightings = new LeaseSightings();
      const replica = (watch: LeaseSightings) =>
        journalOf(1, { now: () => now, leaseMs: 60_000, self: self('host-f', 60), sightings: watch });
      // Behind: its until is long past by our clock, yet the holder may be at work. Ahead: far off.
      expect(await pendingError((await replica(sightings)).claimVolume(uuid, name))).toBe(true);
      now += 59_999;
      expect(await pendingError((await replica(sightings)).claimVolume(uuid, name))).toBe(true);
      // A restarted replica (no memory) starts its wait again: the safe direction.
      expect(await pendingError((await replica(new LeaseSightings())).claimVolume(uuid, name))).toBe(true);
      now += 1;
      const taker = await replica(sightings);
      await taker.claimVolume(uuid, name);
      expect((await taker.volume(uuid))?.lease?.host).toBe('host-f');
      expect(sightings.size).toBe(0);
      expect(await taker.releaseVolume(uuid, name)).toBe(true);
    },
  );
});
