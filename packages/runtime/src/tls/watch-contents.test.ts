import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashContents, watchContents, type ContentsWatcher } from './watch-contents.js';

let dir: string;
let watcher: ContentsWatcher | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'corral-watch-'));
  writeFileSync(join(dir, 'a'), 'one');
});
afterEach(() => {
  watcher?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(timing: { pollIntervalMs: number; debounceMs: number }) {
  const changes: string[][] = [];
  const errors: unknown[] = [];
  watcher = watchContents({
    files: [join(dir, 'a')],
    ...timing,
    initialHash: hashContents([Buffer.from('one')]),
    onChange: (contents) => void changes.push(contents.map((c) => c.toString())),
    onError: (err) => void errors.push(err),
  });
  return { changes, errors };
}

describe('hashContents', () => {
  it('given the same bytes split differently, returns different hashes', () => {
    expect(hashContents([Buffer.from('ab'), Buffer.from('c')])).not.toBe(
      hashContents([Buffer.from('a'), Buffer.from('bc')]),
    );
  });
});

describe('watchContents', () => {
  it('given a change and no poll, reports it from the directory watch', async () => {
    const { changes } = start({ pollIntervalMs: 3_600_000, debounceMs: 20 });
    writeFileSync(join(dir, 'a'), 'two');
    await vi.waitFor(() => expect(changes).toEqual([['two']]), { timeout: 3000 });
  });

  it('given a change and no usable fs events, reports it from the poll', async () => {
    const { changes } = start({ pollIntervalMs: 50, debounceMs: 3_600_000 });
    writeFileSync(join(dir, 'a'), 'three');
    await vi.waitFor(() => expect(changes).toEqual([['three']]), { timeout: 3000 });
  });

  it('given the same content rewritten, reports nothing', async () => {
    const { changes } = start({ pollIntervalMs: 20, debounceMs: 10 });
    writeFileSync(join(dir, 'a'), 'one');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes).toEqual([]);
  });

  it('given a file that disappears, reports the error once', async () => {
    const { errors, changes } = start({ pollIntervalMs: 20, debounceMs: 10 });
    rmSync(join(dir, 'a'));
    // Wait for the report rather than a fixed time (a busy machine may poll late), then give the
    // poll many more turns: the same missing file is not reported again.
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENOENT' });
    expect(changes).toEqual([]);
  });
});
