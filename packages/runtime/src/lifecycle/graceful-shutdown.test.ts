import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./__fixtures__/slow-server.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface Response {
  readonly status: number;
  readonly body: string;
}

function get(port: number, path: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

function startFixture(): { child: ChildProcess; lines: Record<string, unknown>[]; port: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const complete = buffer.split('\n');
      buffer = complete.pop() ?? '';
      for (const line of complete.filter(Boolean)) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (parsed.msg === 'fixture listening') resolve(Number(parsed.port));
      }
    });
    child.on('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  return { child, lines, port };
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

describe('graceful shutdown of a real process', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('given SIGTERM during a request, completes it, refuses new work and exits 0', async () => {
    const started = startFixture();
    child = started.child;
    const port = await started.port;

    const messages = () => started.lines.map((l) => l.msg);
    const inFlight = get(port, '/slow');
    // The signal comes once the server has the request (not after a guessed delay), and the late
    // request goes out once the server has the signal (it marks itself unready as it logs that).
    await vi.waitFor(() => expect(messages()).toContain('slow request started'), { timeout: 20_000 });
    child.kill('SIGTERM');
    await vi.waitFor(() => expect(messages()).toContain('shutting down'), { timeout: 20_000 });

    const late = await get(port, '/healthz').then(
      (response) => response.status,
      (err: NodeJS.ErrnoException) => err.code,
    );
    expect(['ECONNREFUSED', 503]).toContain(late);
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    expect(await exitCode(child)).toBe(0);
    expect(messages().indexOf('shutdown complete')).toBeGreaterThan(messages().indexOf('shutting down'));
  }, 60_000); // a real process: tsx compiles the runtime package before it listens, slowly on a busy machine

  it('given SIGTERM while a client holds a connection halfway through its headers, exits 0 at once', async () => {
    const started = startFixture();
    child = started.child;
    const port = await started.port;
    const stalled = connect(port, '127.0.0.1');
    stalled.on('error', () => undefined);
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));

    const signalled = Date.now();
    child.kill('SIGTERM');
    // Without closing it, the server waits for the client, and the shutdown for its 5 s deadline (exit 1).
    expect(await exitCode(child)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4000);
    await closed;
    expect(started.lines.map((l) => l.msg)).toContain('shutdown complete');
  }, 60_000);
});
