import { connect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { rawDepartment, rawNamespace, rawNamespacePolicy, SnapshotStore } from '@corral/cluster';
import { listFixtures, loadAdmissionReview } from '../../support/fixtures.js';
import { snapshotFromFiles } from '../../../plugins/admission/src/testing/example-snapshot.js';
import { podReview, startHttpsWebhook, teamSnapshot, type HttpsWebhook, type Reply } from './support.js';

/**
 * The webhooks answering in cohorts (plugins/admission/src/transport/cohort.ts, docs/adr/0020),
 * probed over real HTTPS with raw TLS connections: pipelined reviews, clients that close, rules that
 * wait, quota exactness, answers against the inline server's, and shutdown with reviews queued.
 */

interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly text: string;
}

/** One TLS connection to the webhook (its certificate not checked), open once the handshake is done. */
function connectTls(url: string): Promise<TLSSocket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** An HTTP/1.1 POST of `body` as JSON (a string is sent as is), as bytes on the wire. */
function postText(path: string, body: unknown): string {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  return (
    `POST ${path} HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`
  );
}

/**
 * Reads HTTP/1.1 answers (each with a content-length) from `socket` until `count` have arrived, or the
 * connection closes: resolves with those read, in order.
 */
function readAnswers(socket: TLSSocket, count: number): Promise<RawAnswer[]> {
  const answers: RawAnswer[] = [];
  let buffered = Buffer.alloc(0);
  return new Promise((resolve) => {
    const done = () => {
      socket.off('data', onData);
      resolve(answers);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) break;
        const text = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
        buffered = buffered.subarray(end + 4 + length);
        answers.push({ status: Number(head.split(' ')[1]), head, text });
      }
      if (answers.length >= count) done();
    };
    socket.on('data', onData);
    socket.once('close', done);
  });
}

const uidOf = (answer: RawAnswer) => (JSON.parse(answer.text) as Reply).response?.uid;
const reply = (answer: RawAnswer) => JSON.parse(answer.text) as Reply;
const spec = { containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100m' } } }] };

/** Errors the server logged (level error or fatal). */
const loggedErrors = (hook: HttpsWebhook) =>
  hook.logs.lines.filter((line) => ['error', 'fatal'].includes(String(line['level'])));

/** Collects the process's unhandled rejections while a test runs. */
function watchUnhandled(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', onRejection);
  return { seen, stop: () => process.off('unhandledRejection', onRejection) };
}

/** Lets the server's event loop run a few turns (and any failure surface). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('HTTP/1.1 pipelining over one TLS connection, answered in cohorts', () => {
  let hook: HttpsWebhook;
  beforeAll(async () => {
    hook = await startHttpsWebhook(teamSnapshot(1000));
  });
  afterAll(async () => hook.close());

  it('given 200 reviews on both webhooks written in one write, answers every one, in order, each with its own uid', async () => {
    const socket = await connectTls(hook.url);
    const paths = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? '/mutate' : '/validate'));
    const reviews = paths.map((_, i) => podReview('team-a', `piped-${i}`, spec));
    const answers = readAnswers(socket, reviews.length);
    socket.write(reviews.map((review, i) => postText(paths[i]!, review)).join(''));
    const got = await answers;
    socket.destroy();
    expect(got.map((a) => [a.status, uidOf(a)])).toEqual(reviews.map((r) => [200, r.request.uid]));
    expect(got.every((a) => reply(a).response.allowed)).toBe(true);
    // The mutating answers carry their patch; the validating ones none.
    expect(got.map((a) => reply(a).response.patchType === 'JSONPatch')).toEqual(
      paths.map((path) => path === '/mutate'),
    );
  });

  it('given an unparseable review in the middle of a pipelined batch, answers it 400 and the others as usual, in order', async () => {
    const socket = await connectTls(hook.url);
    const bodies: unknown[] = [
      podReview('team-a', 'before', spec),
      '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 42}}',
      podReview('team-a', 'after', spec),
    ];
    const answers = readAnswers(socket, bodies.length);
    socket.write(bodies.map((body) => postText('/validate', body)).join(''));
    const got = await answers;
    socket.destroy();
    expect(got.map((a) => a.status)).toEqual([200, 400, 200]);
    expect(uidOf(got[0]!)).toBe('uid-team-a-before');
    expect(reply(got[1]!).code).toBe('ADM_ERR_BAD_REVIEW');
    expect(uidOf(got[2]!)).toBe('uid-team-a-after');
  });
});

describe('clients that close their connection with their review queued in a cohort', () => {
  // One round: `count` connections each write a review in the same turn; `closer` decides what the
  // first one does right after writing (the others keep their connection open).
  async function round(hook: HttpsWebhook, name: string, count: number, closer: (s: TLSSocket) => void) {
    const sockets = await Promise.all(Array.from({ length: count }, () => connectTls(hook.url)));
    const answers = sockets.map((socket) => readAnswers(socket, 1));
    sockets.forEach((socket, i) => {
      socket.on('error', () => undefined); // the closer's connection may be reset
      socket.write(postText('/validate', podReview('team-a', `${name}-${i}`, spec)));
    });
    closer(sockets[0]!);
    const got = await Promise.all(answers);
    sockets.forEach((socket) => socket.destroy());
    return got;
  }

  describe.each([
    ['answering in cohorts', true],
    ['answering inline', false],
  ])('%s', (_, cohorts) => {
    let hook: HttpsWebhook;
    beforeAll(async () => {
      hook = await startHttpsWebhook(teamSnapshot(1000), 2000, { cohorts });
    });
    afterAll(async () => hook.close());

    it('given a client that closes its connection at once, answers the others, logs no error, rejects nothing unhandled', async () => {
      const unhandled = watchUnhandled();
      try {
        for (let i = 0; i < 10; i++) {
          const got = await round(hook, `gone-${i}`, 6, (socket) => socket.destroy());
          expect(got.slice(1).map((a) => [a[0]?.status, a[0] && uidOf(a[0])])).toEqual(
            [1, 2, 3, 4, 5].map((n) => [200, `uid-team-a-gone-${i}-${n}`]),
          );
        }
        await settle();
        expect(unhandled.seen).toEqual([]);
        expect(loggedErrors(hook)).toEqual([]);
        // The closers' reviews were read and decided too (each admitted pod holds a reservation).
        expect(hook.server.ledger.size).toBe(60);
        expect((await hook.get('/healthz')).status).toBe(200);
      } finally {
        unhandled.stop();
      }
    });

    it('given a client that half-closes its connection after its review (close_notify and FIN), still answers it and the others', async () => {
      for (let i = 0; i < 10; i++) {
        const got = await round(hook, `half-${i}`, 6, (socket) => socket.end());
        expect(got.map((a) => [a[0]?.status, a[0] && uidOf(a[0])])).toEqual(
          [0, 1, 2, 3, 4, 5].map((n) => [200, `uid-team-a-half-${i}-${n}`]),
        );
      }
      expect(loggedErrors(hook)).toEqual([]);
    });

    it('given a client that half-closes an idle connection after its answer, or before its TLS handshake, ends the connection at once', async () => {
      const socket = await connectTls(hook.url);
      const answer = readAnswers(socket, 1);
      socket.write(postText('/validate', podReview('team-a', 'idle', spec)));
      expect((await answer).map((a) => a.status)).toEqual([200]);
      const ended = new Promise((resolve) => socket.once('end', resolve));
      socket.end();
      await ended;
      const { hostname, port } = new URL(hook.url);
      const raw = connect(Number(port), hostname);
      await new Promise((resolve) => raw.once('connect', resolve));
      const rawEnded = new Promise((resolve) => raw.once('close', resolve));
      raw.end();
      await rawEnded;
    });
  });
});

describe('a review whose rules wait (its namespace not yet known) in a cohort with synchronous ones', () => {
  const known = (i: number) => podReview('team-a', `sync-${i}`, spec);
  const waiting = podReview('team-new', 'waits', spec);

  /** Pipelines the waiting review first, then 10 synchronous ones, on one connection each. */
  async function sendMixed(hook: HttpsWebhook, path: string) {
    const sockets = await Promise.all(Array.from({ length: 3 }, () => connectTls(hook.url)));
    const started = Date.now();
    const slow = readAnswers(sockets[0]!, 1).then((got) => ({ got, at: Date.now() - started }));
    const fast = [sockets[1]!, sockets[2]!].map((socket) =>
      readAnswers(socket, 5).then((got) => ({ got, at: Date.now() - started })),
    );
    sockets[0]!.write(postText(path, waiting));
    [1, 2].forEach((s) =>
      sockets[s]!.write([0, 1, 2, 3, 4].map((i) => postText(path, known(s * 10 + i))).join('')),
    );
    return { sockets, slow, fast: Promise.all(fast) };
  }

  it.each(['/validate', '/mutate'])(
    'given %s, answers the synchronous ones at once and the waiting one when its namespace arrives',
    async (path) => {
      const store = teamSnapshot(1000);
      const hook = await startHttpsWebhook(store, 10_000, { namespaceWaitMs: 8000 });
      try {
        const { sockets, slow, fast } = await sendMixed(hook, path);
        let slowDone = false;
        void slow.then(() => (slowDone = true));
        const quick = await fast;
        expect(quick.flatMap((q) => q.got.map((a) => [a.status, reply(a).response.allowed]))).toEqual(
          Array.from({ length: 10 }, () => [200, true]),
        );
        expect(quick.every((q) => q.at < 5000)).toBe(true);
        await settle();
        expect(slowDone).toBe(false);
        store.upsert('Namespace', rawNamespace('team-new', { 'corral.dev/department': 'team' }), 'test');
        const late = await slow;
        expect(late.got.map((a) => [a.status, uidOf(a), reply(a).response.allowed])).toEqual([
          [200, 'uid-team-new-waits', true],
        ]);
        expect(late.at).toBeLessThan(8000);
        sockets.forEach((socket) => socket.destroy());
      } finally {
        await hook.close();
      }
    },
  );

  it('given a client that half-closes its connection after a review that waits, answers it once its namespace arrives', async () => {
    const store = teamSnapshot(1000);
    const hook = await startHttpsWebhook(store, 10_000, { namespaceWaitMs: 8000 });
    try {
      const socket = await connectTls(hook.url);
      const answer = readAnswers(socket, 1);
      socket.end(postText('/validate', waiting));
      await settle();
      store.upsert('Namespace', rawNamespace('team-new', { 'corral.dev/department': 'team' }), 'test');
      expect((await answer).map((a) => [a.status, uidOf(a)])).toEqual([[200, 'uid-team-new-waits']]);
      socket.destroy();
    } finally {
      await hook.close();
    }
  });

  it('given a namespace that never arrives, answers the waiting one at its deadline, counted from its arrival', async () => {
    const hook = await startHttpsWebhook(teamSnapshot(1000), 600, { namespaceWaitMs: 8000 });
    try {
      const { sockets, slow, fast } = await sendMixed(hook, '/validate');
      const quick = await fast;
      expect(quick.flatMap((q) => q.got.map((a) => a.status))).toEqual(Array(10).fill(200));
      const late = await slow;
      expect(late.got).toHaveLength(1);
      const answer = reply(late.got[0]!);
      // team-new has no department yet: fail closed, naming the deadline.
      expect(answer.response).toMatchObject({ uid: 'uid-team-new-waits', allowed: false });
      expect(answer.response.status.message).toMatch(/no answer within 600 ms/);
      expect(late.at).toBeGreaterThanOrEqual(550);
      expect(late.at).toBeLessThan(5000);
      sockets.forEach((socket) => socket.destroy());
    } finally {
      await hook.close();
    }
  });
});

describe('quota exactness with /validate and /mutate interleaved on the same connections', () => {
  const department = rawDepartment('team', { quota: { hard: { pods: '1000' } } });
  const policy = rawNamespacePolicy('team-a', 'policy', {
    quota: { hard: { pods: '50', 'requests.cpu': '100' } },
  });
  const store = () => {
    const snapshot = new SnapshotStore();
    snapshot.replaceAll('Namespace', [rawNamespace('team-a', { 'corral.dev/department': 'team' })], 'test');
    snapshot.replaceAll('Department', [department], 'test');
    snapshot.replaceAll('NamespacePolicy', [policy], 'test');
    return snapshot;
  };

  /**
   * 200 pod creates on 40 connections, each connection mutating then validating its 5 pods, its 10
   * requests pipelined in one write. (Not deeper: inline, Node's HTTPS server drops a connection whose
   * pipelined answers pass 16 KiB with "Parse Error: Paused"; in cohorts it does not, see above.)
   */
  async function flood(cohorts: boolean) {
    const hook = await startHttpsWebhook(store(), 5000, { cohorts });
    try {
      const sockets = await Promise.all(Array.from({ length: 40 }, () => connectTls(hook.url)));
      const perSocket = sockets.map((socket, s) => {
        const sent = Array.from({ length: 5 }, (_, i) => podReview('team-a', `pod-${s}-${i}`, spec));
        const answers = readAnswers(socket, 10);
        return { socket, sent, answers };
      });
      perSocket.forEach(({ socket, sent }) =>
        socket.write(sent.flatMap((r) => [postText('/mutate', r), postText('/validate', r)]).join('')),
      );
      const tally = { mutated: 0, allowed: 0, denied: 0, other: 0 };
      for (const { socket, sent, answers } of perSocket) {
        const got = await answers;
        socket.destroy();
        expect(got.map(uidOf)).toEqual(sent.flatMap((r) => [r.request.uid, r.request.uid]));
        got.forEach((answer, i) => {
          const { response } = reply(answer);
          if (answer.status !== 200) tally.other += 1;
          else if (i % 2 === 0) tally.mutated += response.allowed ? 1 : 0;
          else if (response.allowed) tally.allowed += 1;
          else {
            tally.denied += 1;
            expect(response.status.message).toMatch(/\[namespace-quota\].*pods would reach 51 of 50/);
          }
        });
      }
      return { tally, reserved: hook.server.ledger.size };
    } finally {
      await hook.close();
    }
  }

  it('given 200 creates and room for 50, admits exactly 50 with cohorts and exactly 50 without', async () => {
    const withCohorts = await flood(true);
    const inline = await flood(false);
    expect(withCohorts.tally).toEqual({ mutated: 200, allowed: 50, denied: 150, other: 0 });
    expect(inline.tally).toEqual(withCohorts.tally);
    expect(withCohorts.reserved).toBe(50);
    expect(inline.reserved).toBe(50);
  });
});

describe('answers with cohorts and inline are the same, byte for byte, for every recorded review', () => {
  const fixtures = listFixtures('admission-');
  const pathOf = (name: string) => (name.startsWith('admission-mutating-') ? '/mutate' : '/validate');
  let cohort: HttpsWebhook;
  let inline: HttpsWebhook;
  beforeAll(async () => {
    cohort = await startHttpsWebhook(await snapshotFromFiles());
    inline = await startHttpsWebhook(await snapshotFromFiles(), 2000, { cohorts: false });
  });
  afterAll(async () => Promise.all([cohort.close(), inline.close()]));

  /** The fixtures, pipelined in order on one fresh connection in one write: each status and body text. */
  async function send(hook: HttpsWebhook, names: readonly string[]) {
    const socket = await connectTls(hook.url);
    const answers = readAnswers(socket, names.length);
    socket.write(names.map((name) => postText(pathOf(name), loadAdmissionReview(name))).join(''));
    const got = await answers;
    socket.destroy();
    return got.map((a) => [a.status, a.text]);
  }
  const allAtOnce = (hook: HttpsWebhook) => send(hook, fixtures);

  // The reservations a server holds make later answers depend on earlier ones: both servers get the
  // same reviews in the same order.
  it('given each fixture sent alone, in the same order to both, answers the same status and body text', async () => {
    expect(fixtures.length).toBeGreaterThan(20);
    for (const name of fixtures) {
      const [a, b] = [await send(cohort, [name]), await send(inline, [name])];
      expect({ name, answer: a }).toEqual({ name, answer: b });
      expect(a[0]?.[0]).toBe(200);
    }
  });

  it('given every fixture pipelined in one write (one cohort per webhook), answers as the inline server does', async () => {
    const [a, b] = [await allAtOnce(cohort), await allAtOnce(inline)];
    expect(a).toHaveLength(fixtures.length);
    expect(a).toEqual(b);
    expect(a.map((pair) => JSON.parse(String(pair[1])).response.uid)).toEqual(
      fixtures.map((name) => loadAdmissionReview(name).request.uid),
    );
  });
});

describe('closing the server with a cohort queued', () => {
  it('given app.close() once every review of the turn is read, none answered yet, answers them all, then closes', async () => {
    const events: string[] = [];
    let closing: Promise<void> | undefined;
    const hook = await startHttpsWebhook(teamSnapshot(1000), 2000, {
      onAnswer: (_webhook, answer) => events.push(`answered ${answer.request.uid}`),
    });
    const count = 12;
    let read = 0;
    // The server reads the 12 requests (4 connections, 3 pipelined on each) in one poll phase, and is
    // closed as it reads the last: those of the connections read before wait in the cohort, the
    // others are still on their way to it, none is answered.
    hook.server.app.server.on('request', () => {
      read += 1;
      if (read !== count) return;
      events.push('close');
      closing = hook.server.app.close();
    });
    const sockets = await Promise.all(Array.from({ length: 4 }, () => connectTls(hook.url)));
    const answers = sockets.map((socket) => readAnswers(socket, 3));
    const ended = sockets.map((socket) => new Promise((resolve) => socket.once('end', resolve)));
    sockets.forEach((socket, s) =>
      socket.write(
        [0, 1, 2].map((i) => postText('/validate', podReview('team-a', `q-${s}-${i}`, spec))).join(''),
      ),
    );
    const got = await Promise.all(answers);
    expect(got.map((g) => g.map((a) => [a.status, uidOf(a)]))).toEqual(
      [0, 1, 2, 3].map((s) => [0, 1, 2].map((i) => [200, `uid-team-a-q-${s}-${i}`])),
    );
    expect(events[0]).toBe('close');
    expect(events).toHaveLength(count + 1);
    await closing;
    // Closed: each connection was ended after its last answer, and no new one is accepted.
    await Promise.all(ended);
    await expect(connectTls(hook.url)).rejects.toThrow(/ECONNREFUSED/);
    sockets.forEach((socket) => socket.destroy());
  });
});
