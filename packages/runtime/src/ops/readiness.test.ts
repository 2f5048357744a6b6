import { createReadiness } from './readiness.js';

describe('createReadiness', () => {
  const cases: [
    string,
    (r: ReturnType<typeof createReadiness>) => void,
    { ready: boolean; reasons: string[] },
  ][] = [
    ['no conditions', () => {}, { ready: true, reasons: [] }],
    [
      'declared conditions never reported',
      () => {},
      { ready: false, reasons: ['informer:pods pending', 'tls pending'] },
    ],
    [
      'one condition true, one false with a reason',
      (r) => {
        r.set('informer:pods', false, 'informer pods not synced');
        r.set('tls', true);
      },
      { ready: false, reasons: ['informer:pods: informer pods not synced'] },
    ],
    [
      'a false condition without a reason',
      (r) => {
        r.set('informer:pods', true);
        r.set('tls', false);
      },
      { ready: false, reasons: ['tls not ready'] },
    ],
    [
      'every condition true',
      (r) => {
        r.set('informer:pods', true);
        r.set('tls', true);
      },
      { ready: true, reasons: [] },
    ],
    [
      'every condition true but shutting down',
      (r) => {
        r.set('informer:pods', true);
        r.set('tls', true);
        r.markShuttingDown();
      },
      { ready: false, reasons: ['shutting down'] },
    ],
    [
      'a condition that went back to false',
      (r) => {
        r.set('informer:pods', true);
        r.set('tls', true);
        r.set('informer:pods', false, 'informer pods relisting');
      },
      { ready: false, reasons: ['informer:pods: informer pods relisting'] },
    ],
  ];
  it.each(cases)('given %s, reports accordingly', (name, act, expected) => {
    const readiness = createReadiness(name === 'no conditions' ? [] : ['informer:pods', 'tls']);
    act(readiness);
    const { report } = readiness; // unbound on purpose: services pass `readiness.report` around
    expect(report()).toEqual(expected);
  });

  it('given several conditions false for the same reason, tells them apart by name', () => {
    const readiness = createReadiness(['Node', 'Pod']);
    readiness.set('Node', false, 'waiting for the first LIST');
    readiness.set('Pod', false, 'waiting for the first LIST');
    expect(readiness.report().reasons).toEqual([
      'Node: waiting for the first LIST',
      'Pod: waiting for the first LIST',
    ]);
  });

  it('given markShuttingDown, isShuttingDown turns true', () => {
    const readiness = createReadiness();
    expect(readiness.isShuttingDown()).toBe(false);
    readiness.markShuttingDown();
    expect(readiness.isShuttingDown()).toBe(true);
  });
});
