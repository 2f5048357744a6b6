import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SignalGuard, type SignalProcess } from './signal-guard.js';

/** A stand-in for `process`: signals are emitted by the test, kills are recorded. */
function fakeProcess(): SignalProcess & EventEmitter & { kills: [number, string][] } {
  const host = new EventEmitter() as EventEmitter & SignalProcess & { kills: [number, string][] };
  Object.assign(host, { pid: 4242, kills: [] });
  host.kill = (pid: number, signal: NodeJS.Signals) => host.kills.push([pid, signal]);
  return host;
}

describe('SignalGuard', () => {
  it('given no signal, aborts nothing and releases its listeners without sending anything', () => {
    const host = fakeProcess();
    const guard = new SignalGuard(host);
    expect(host.listenerCount('SIGINT')).toBe(1);
    expect(host.listenerCount('SIGTERM')).toBe(1);
    guard.release();
    expect(guard.signal.aborted).toBe(false);
    expect(host.listenerCount('SIGINT') + host.listenerCount('SIGTERM')).toBe(0);
    expect(host.kills).toEqual([]);
  });

  it('given SIGINT twice, aborts once, tells once, and re-sends SIGINT to the process on release', () => {
    const host = fakeProcess();
    const told: string[] = [];
    const guard = new SignalGuard(host, (name) => told.push(name));
    host.emit('SIGINT');
    host.emit('SIGTERM');
    expect(guard.signal.aborted).toBe(true);
    expect(guard.received).toBe('SIGINT');
    expect(told).toEqual(['SIGINT']);
    expect(host.kills).toEqual([]);
    guard.release();
    expect(host.kills).toEqual([[4242, 'SIGINT']]);
    expect(host.listenerCount('SIGINT')).toBe(0);
  });
});
