// The driver has started when csiCommand installs its graceful shutdown: if that throws, the driver
// must be stopped (socket closed and removed) before the command reports that it cannot start.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type * as runtime from '@corral/runtime';
import { ConfigError, memoryDestination } from '@corral/runtime';
import { controllerDir } from '../../../../test/support/csi-controller-dir.js';
import { csiCommand } from './csi-command.js';

vi.mock('@corral/runtime', async (importOriginal) => ({
  ...(await importOriginal<typeof runtime>()),
  onShutdown: () => {
    throw new ConfigError(['shutdown refused (test)']);
  },
}));

describe('csiCommand when installing the shutdown throws', () => {
  it('stops the started driver, says it cannot start and exits 2 for the refused setting', async () => {
    const controller = await controllerDir();
    const err: string[] = [];
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => void err.push(t),
      env: {},
      cwd: controller.dir,
    };
    const proc = Object.assign(new EventEmitter(), { exit: () => undefined });
    try {
      const code = await csiCommand([...controller.args, '--listen', '127.0.0.1:0'], io, {
        process: proc,
        destination: memoryDestination().stream,
      });
      expect(code).toBe(2);
      expect(err.join('')).toContain('cannot start: RUNTIME_ERR_CONFIG: invalid configuration (1 problem)');
      expect(existsSync(controller.socket)).toBe(false);
      expect(process.getActiveResourcesInfo()).not.toContain('PipeServerWrap');
    } finally {
      await controller.remove();
    }
  });
});
