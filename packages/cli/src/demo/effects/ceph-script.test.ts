import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENDED_BY_THE_DEMO, runScript } from './ceph-script.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A script that records its pid, process group and a foreground child's pid, then waits for it. */
async function slowScript(): Promise<{ script: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-demo-script-'));
  dirs.push(dir);
  const script = join(dir, 'script.sh');
  await writeFile(
    script,
    [
      'read -r _ _ _ _ pgrp _ < /proc/$$/stat',
      'echo "$$ $pgrp" > "$(dirname "$0")/ids"',
      'sleep 30 & echo $! > "$(dirname "$0")/child"',
      'wait',
      'echo "$1 finished"',
    ].join('\n'),
  );
  return { script, dir };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const read = (file: string) => readFile(file, 'utf8').catch(() => '');

describe('runScript', () => {
  it('given a quick command, returns its exit code and output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corral-demo-script-'));
    dirs.push(dir);
    await writeFile(join(dir, 's.sh'), 'echo "out $1"; echo err >&2; exit 3\n');
    expect(await runScript(join(dir, 's.sh'), 'status', { env: process.env, timeoutMs: 10_000 })).toEqual({
      code: 3,
      stdout: 'out status\n',
      stderr: 'err\n',
    });
  });

  it('given an abort, runs the script in its own process group and ends all of it (the script and its child)', async () => {
    const { script, dir } = await slowScript();
    const aborter = new AbortController();
    const running = runScript(script, 'start', {
      env: process.env,
      timeoutMs: 60_000,
      signal: aborter.signal,
    });
    await until(async () => (await read(join(dir, 'child'))) !== '');
    const [pid, group] = (await read(join(dir, 'ids'))).trim().split(' ').map(Number);
    expect(group).toBe(pid); // its own group, which the terminal's Ctrl-C does not reach
    aborter.abort();
    const ran = await running;
    expect(ran).toMatchObject({
      code: ENDED_BY_THE_DEMO,
      stdout: '',
      stderr: expect.stringMatching(/interrupted$/),
    });
    const child = Number(await read(join(dir, 'child')));
    await until(async () => !isAlive(child));
  });

  it('given a command that outlives its timeout, ends its group and says so', async () => {
    const { script, dir } = await slowScript();
    const ran = await runScript(script, 'start', { env: process.env, timeoutMs: 300 });
    expect(ran.code).toBe(ENDED_BY_THE_DEMO);
    expect(ran.stderr).toMatch(/timed out after 300 ms/);
    const child = Number(await read(join(dir, 'child')));
    await until(async () => !isAlive(child));
  });
});
