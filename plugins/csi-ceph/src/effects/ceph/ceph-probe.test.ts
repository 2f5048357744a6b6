import { cephProbe } from './ceph-probe.js';

describe('cephProbe', () => {
  it('given a cluster that has not answered yet, fails as its status call fails', async () => {
    const probe = cephProbe(
      ['a'],
      () => {},
      async () => {
        throw new Error('timed out');
      },
    );
    await expect(probe()).rejects.toThrow('timed out');
  });

  it('given each cluster answered once, does not ask Ceph again (a later outage restarts nothing)', async () => {
    const asked: string[] = [];
    let up = true;
    const probe = cephProbe(
      ['a', 'b'],
      () => {},
      async (id) => {
        asked.push(id);
        if (!up) throw new Error('down');
      },
    );
    await probe();
    up = false;
    await probe();
    expect(asked).toEqual(['a', 'b']);
  });

  it('given one cluster failing, asks it again on the next probe but not the one that answered', async () => {
    const asked: string[] = [];
    let bUp = false;
    const probe = cephProbe(
      ['a', 'b'],
      () => {},
      async (id) => {
        asked.push(id);
        if (id === 'b' && !bUp) throw new Error('b down');
      },
    );
    await expect(probe()).rejects.toThrow('b down');
    bUp = true;
    await probe();
    expect(asked).toEqual(['a', 'b', 'b']);
  });

  it('given libraries that do not load, fails whatever Ceph does', async () => {
    const probe = cephProbe(
      ['a'],
      () => {
        throw new Error('librbd.so.1: cannot open shared object file');
      },
      undefined,
    );
    await expect(probe()).rejects.toThrow('librbd');
  });

  it('given no credentials, checks the libraries only', async () => {
    let loaded = 0;
    await cephProbe(['a'], () => void (loaded += 1), undefined)();
    expect(loaded).toBe(1);
  });
});
