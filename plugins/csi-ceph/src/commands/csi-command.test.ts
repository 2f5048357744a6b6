import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { memoryDestination, type ProcessLike } from '@corral/runtime';
import { controllerDir } from '../../../../test/support/csi-controller-dir.js';
import { takePort } from '../../../../test/support/taken-port.js';
import { commands } from '../index.js';
import { csiCommand } from './csi-command.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {}, cwd: tmpdir() },
    out,
    err,
  };
}

class FakeProcess extends EventEmitter implements ProcessLike {
  exitCode: number | undefined;
  exit(code: number): void {
    this.exitCode = code;
  }
}

describe('commands.csi', () => {
  it.each(['--help', '-h'])('given %s, prints the generated flags and exits 0', async (flag) => {
    const { io, out, err } = captureIo();
    expect(await commands.csi([flag], io)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^Usage: corral csi/);
    expect(text).toMatch(/--ceph-timeout N +env CORRAL_CSI_CEPH_TIMEOUT_SECONDS\n/);
    expect(text).toMatch(/--role controller\|node +env CORRAL_CSI_ROLE\n.*\n +required;/);
    expect(err).toEqual([]);
  });

  it('given --help with flags that would serve, starts nothing and exits 0', async () => {
    const controller = await controllerDir();
    const { io, out, err } = captureIo();
    const served: unknown[] = [];
    const options = { process: new FakeProcess(), onServing: (stop: unknown) => served.push(stop) };
    expect(await csiCommand([...controller.args, '--listen', '127.0.0.1:0', '-h'], io, options)).toBe(0);
    expect(out.join('')).toContain('--endpoint VALUE');
    expect(err).toEqual([]);
    expect(served).toEqual([]);
    expect(existsSync(controller.socket)).toBe(false);
    await controller.remove();
  });

  it('given no flags, exits 2 listing every missing option at once', async () => {
    const { io, err } = captureIo();
    expect(await commands.csi([], io)).toBe(2);
    const text = err.join('');
    expect(text).toMatch(/role/);
    expect(text).toMatch(/endpoint/);
    expect(text).toMatch(/clusterConfig|cluster-config/);
  });

  it('given --role node without --node-id, exits 2 saying so', async () => {
    const { io, err } = captureIo();
    const args = ['--role', 'node', '--endpoint', 'unix:///tmp/x.sock', '--cluster-config', 'c.json'];
    expect(await commands.csi(args, io)).toBe(2);
    expect(err.join('')).toContain('--node-id is required');
  });

  it('given a broken cluster config, exits 2 (bad input) naming the problem', async () => {
    const controller = await controllerDir('[{"clusterID": ""}]');
    const { io, err } = captureIo();
    expect(await csiCommand(controller.args, io, { destination: memoryDestination().stream })).toBe(2);
    expect(err.join('')).toMatch(/clusterID/);
    await controller.remove();
  });

  it('given SIGTERM, stops serving, removes the socket and exits 0', async () => {
    const controller = await controllerDir();
    const fake = new FakeProcess();
    const { io } = captureIo();
    const args = [...controller.args, '--listen', '127.0.0.1:0'];
    const done = csiCommand(args, io, {
      process: fake,
      destination: memoryDestination().stream,
      onServing: () => setImmediate(() => fake.emit('SIGTERM', 'SIGTERM')),
    });
    expect(await done).toBe(0);
    expect(fake.exitCode).toBe(0);
    expect(existsSync(controller.socket)).toBe(false);
    await controller.remove();
  });

  it('given its ops port taken, says it cannot start and why, exits 1, and leaves no socket or server behind', async () => {
    const controller = await controllerDir();
    const taken = await takePort();
    const { io, err } = captureIo();
    const args = [...controller.args, '--listen', taken.address];
    const served: unknown[] = [];
    const options = {
      process: new FakeProcess(),
      destination: memoryDestination().stream,
      onServing: (stop: unknown) => served.push(stop),
    };
    try {
      expect(await csiCommand(args, io, options)).toBe(1);
      expect(err.join('')).toMatch(/cannot start: listen EADDRINUSE/);
      expect(served).toEqual([]);
      // The gRPC server had started on the socket before the ops server failed: closed, and gone.
      expect(existsSync(controller.socket)).toBe(false);
      expect(process.getActiveResourcesInfo()).not.toContain('PipeServerWrap');
    } finally {
      await taken.release();
      await controller.remove();
    }
  });
});
