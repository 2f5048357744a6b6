import { Metadata, status } from '@grpc/grpc-js';
import { createLogger, memoryDestination } from '@corral/runtime';
import { CSI_ERR, csiError } from '../errors.js';
import { EventEmitter } from 'node:events';
import { serveUnary, withCatchAll, withLogging, withRequestId, type CallContext } from './call-chain.js';
import { OperationLocks } from './operation-locks.js';
import { stripSecrets } from './strip-secrets.js';

function chain(handler: (req: object) => Promise<object>) {
  const logs = memoryDestination();
  const logger = createLogger({ level: 'info', name: 't', destination: logs.stream });
  return { logs, run: withRequestId('CreateVolume', logger, withLogging(1_000, withCatchAll(handler))) };
}

describe('call chain', () => {
  it('given a request with secrets, logs one line without them', async () => {
    const { logs, run } = chain(async () => ({}));
    await run({ name: 'pvc-1', secrets: { userID: 'csi', userKey: 'AQBsecret==' } }, new Metadata());
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({ rpc: 'CreateVolume', code: 'OK', request: { name: 'pvc-1' } });
    expect(logs.text()).not.toContain('AQBsecret==');
  });

  it('given a caller request id, stamps it on the log line', async () => {
    const { logs, run } = chain(async () => ({}));
    const md = new Metadata();
    md.set('x-request-id', 'abc-123');
    await run({}, md);
    expect(logs.lines[0]).toMatchObject({ requestId: 'abc-123' });
  });

  it('given a thrown catalogue error, answers its code; given a bug, INTERNAL', async () => {
    const known = chain(async () => {
      throw csiError(CSI_ERR.NAME_CONFLICT, 'taken');
    });
    expect(await known.run({}, new Metadata())).toMatchObject({
      ok: false,
      status: { code: status.ALREADY_EXISTS },
    });
    const bug = chain(async () => {
      throw new TypeError('undefined is not a function');
    });
    const outcome = await bug.run({}, new Metadata());
    expect(outcome).toMatchObject({ ok: false, status: { code: status.INTERNAL } });
    expect(bug.logs.lines[0]).toMatchObject({ level: 'error', code: 'INTERNAL' });
  });

  it('given nested secret keys, stripSecrets drops them at any depth', () => {
    expect(stripSecrets({ a: { secrets: { x: 1 }, keep: 1 }, list: [{ userKey: 'k', v: 2 }] })).toEqual({
      a: { keep: 1 },
      list: [{ v: 2 }],
    });
  });
});

describe('OperationLocks', () => {
  it('given a key in use, a second operation fails ABORTED at once; after release it runs', async () => {
    const locks = new OperationLocks();
    let release!: () => void;
    const first = locks.with(['n'], () => new Promise<void>((r) => (release = r)));
    await expect(locks.with(['n'], async () => 1)).rejects.toMatchObject({ code: CSI_ERR.OPERATION_PENDING });
    release();
    await first;
    await expect(locks.with(['n'], async () => 1)).resolves.toBe(1);
    expect(locks.size).toBe(0);
  });
});

/** The part of a grpc-js unary call serveUnary reads. */
class FakeUnaryCall extends EventEmitter {
  cancelled = false;
  readonly metadata = new Metadata();
  constructor(readonly request: object) {
    super();
  }
  getDeadline(): number {
    return Date.now() + 60_000;
  }
}

describe('serveUnary and the call end', () => {
  const options = () => ({
    logger: createLogger({ level: 'info', name: 't', destination: memoryDestination().stream }),
    slowOpMs: 1_000,
  });
  const answer = (
    serve: (call: never, callback: (err: unknown, value?: unknown) => void) => void,
    call: FakeUnaryCall,
  ) => new Promise<unknown>((resolve) => serve(call as never, (err, value) => resolve(err ?? value)));

  it('given a handler that never asks for the call end, watches nothing on the call', async () => {
    const call = new FakeUnaryCall({});
    const watched: number[] = [];
    const serve = serveUnary(
      'ListVolumes',
      async () => {
        watched.push(call.listenerCount('cancelled'));
        return { entries: [] };
      },
      options(),
    );
    expect(await answer(serve, call)).toEqual({ entries: [] });
    expect(watched).toEqual([0]);
  });

  it('given work left running that asks after the answer, hands it an aborted signal and watches nothing', async () => {
    const call = new FakeUnaryCall({});
    let later: (() => AbortSignal) | undefined;
    const serve = serveUnary(
      'CreateSnapshot',
      async (_req: object, ctx: CallContext) => {
        later = ctx.endSignal;
        return {};
      },
      options(),
    );
    await answer(serve, call);
    expect(later?.().aborted).toBe(true);
    expect(call.listenerCount('cancelled')).toBe(0);
  });

  it('given a handler that asks, aborts it on cancel and lets go of the call once answered', async () => {
    const call = new FakeUnaryCall({});
    let seen: AbortSignal | undefined;
    const serve = serveUnary(
      'CreateSnapshot',
      async (_req: object, ctx: CallContext) => {
        seen = ctx.endSignal?.();
        expect(ctx.endSignal?.()).toBe(seen); // built once
        expect(call.listenerCount('cancelled')).toBe(1);
        call.cancelled = true;
        call.emit('cancelled');
        return {};
      },
      options(),
    );
    await answer(serve, call);
    expect(seen?.aborted).toBe(true);
    expect(call.listenerCount('cancelled')).toBe(0);
  });
});
