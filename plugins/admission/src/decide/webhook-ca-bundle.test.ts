import {
  addsCertificate,
  caBundlePatch,
  caBundleReadiness,
  dropsCertificate,
  type WebhookConfigurationView,
} from './webhook-ca-bundle.js';

const ours = { name: 'corral-admission', namespace: 'corral-system' };
type Webhooks = NonNullable<WebhookConfigurationView['webhooks']>;
const hook = (name: string, clientConfig: Webhooks[number]['clientConfig']) => ({ name, clientConfig });

const config = (webhooks: Webhooks): WebhookConfigurationView => ({
  metadata: { name: 'corral-admission', resourceVersion: '42' },
  webhooks,
});

describe('caBundlePatch', () => {
  it('given webhooks of our Service without a caBundle, sets each one, guarded by the resourceVersion', () => {
    const patch = caBundlePatch(
      config([
        hook('a.corral.dev', { service: ours }),
        hook('b.corral.dev', { service: ours, caBundle: '' }),
      ]),
      ours,
      'QlVORExF',
    );
    expect(patch).toEqual({
      operations: [
        { op: 'replace', path: '/metadata/resourceVersion', value: '42' },
        { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'QlVORExF' },
        { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: 'QlVORExF' },
      ],
      webhooks: ['a.corral.dev', 'b.corral.dev'],
      removes: false,
      adds: false, // 'BUNDLE' holds no PEM certificate
    });
  });

  it('given webhooks of other services, a URL webhook and one already current, touches only the stale one of ours', () => {
    const patch = caBundlePatch(
      config([
        hook('other.example.com', { service: { name: 'other', namespace: 'corral-system' } }),
        hook('elsewhere.example.com', { service: { name: 'corral-admission', namespace: 'default' } }),
        hook('url.example.com', { url: 'https://example.com/hook' }),
        hook('current.corral.dev', { service: ours, caBundle: 'QlVORExF' }),
        hook('stale.corral.dev', { service: ours, caBundle: 'T0xE' }),
      ]),
      ours,
      'QlVORExF',
    );
    expect(patch?.webhooks).toEqual(['stale.corral.dev']);
    expect(patch?.operations.at(-1)).toEqual({
      op: 'add',
      path: '/webhooks/4/clientConfig/caBundle',
      value: 'QlVORExF',
    });
  });

  it.each([
    ['every webhook of ours carries the bundle', [hook('a', { service: ours, caBundle: 'QlVORExF' })]],
    ['no webhook calls our Service', [hook('a', { url: 'https://example.com' })]],
    ['there are no webhooks', []],
  ])('given %s, returns undefined', (_case, webhooks) => {
    expect(caBundlePatch(config(webhooks), ours, 'QlVORExF')).toBeUndefined();
  });

  it('given a configuration without resourceVersion, patches without the guard', () => {
    const patch = caBundlePatch({ webhooks: [hook('a', { service: ours })] }, ours, 'QlVORExF');
    expect(patch?.operations).toEqual([
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'QlVORExF' },
    ]);
  });
});

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('dropsCertificate and caBundlePatch().removes', () => {
  it.each([
    ['a bundle that adds a CA', pem('QUFB'), pem('QkJC') + pem('QUFB'), false],
    [
      'the same CAs in another order, wrapped differently',
      pem('QUFB') + pem('QkJC'),
      pem('QkJC') + 'X' + pem('QU\nFB'),
      false,
    ],
    ['a bundle without a CA the current one holds', pem('QkJC') + pem('QUFB'), pem('QUFB'), true],
    ['a blank caBundle', '', pem('QUFB'), false],
    ['a caBundle that is no PEM at all', 'theirs', pem('QUFB'), false],
  ])('given %s, says whether a certificate is dropped', (_case, current, next, drops) => {
    expect(dropsCertificate(b64(current), b64(next))).toBe(drops);
    const patch = caBundlePatch(
      config([hook('a', { service: ours, caBundle: b64(current) }), hook('b', { service: ours })]),
      ours,
      b64(next),
    );
    expect(patch?.removes).toBe(drops);
  });
});

describe('addsCertificate and caBundlePatch().adds', () => {
  it.each([
    ['a bundle that adds a CA', pem('QUFB'), pem('QkJC') + pem('QUFB'), true],
    ['a blank caBundle', '', pem('QUFB'), true],
    [
      'the same CAs in another order, wrapped differently',
      pem('QUFB') + pem('QkJC'),
      pem('QkJC') + 'X' + pem('QU\nFB'),
      false,
    ],
    [
      'a bundle without a CA the current one holds (a retired CA dropped)',
      pem('QkJC') + pem('QUFB'),
      pem('QUFB'),
      false,
    ],
    [
      'a bundle that puts back a CA the current one lacks (a retired CA)',
      pem('QUFB'),
      pem('QUFB') + pem('QkJC'),
      true,
    ],
  ])('given %s, says whether a certificate is added', (_case, current, next, adds) => {
    expect(addsCertificate(b64(current), b64(next))).toBe(adds);
    const patch = caBundlePatch(
      config([hook('a', { service: ours, caBundle: b64(current) })]),
      ours,
      b64(next),
    );
    expect(patch?.adds).toBe(adds);
  });
});

describe('caBundleReadiness', () => {
  it('given no webhook that distrusts the served certificate, is ready', () => {
    expect(caBundleReadiness('0A', [])).toEqual({ ok: true });
  });

  it('given webhooks that distrust it, names the certificate, each webhook and its configuration', () => {
    const verdict = caBundleReadiness('0A', [
      {
        kind: 'MutatingWebhookConfiguration',
        configuration: 'corral-admission',
        webhook: 'pods.mutate.corral.dev',
        caBundle: undefined,
      },
      {
        kind: 'ValidatingWebhookConfiguration',
        configuration: 'corral-admission',
        webhook: 'workloads.validate.corral.dev',
        caBundle: '',
      },
    ]);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toBe(
      'the served certificate 0A is not signed by a CA in the caBundle of pods.mutate.corral.dev ' +
        '(MutatingWebhookConfiguration corral-admission), workloads.validate.corral.dev ' +
        '(ValidatingWebhookConfiguration corral-admission); kube-apiserver would refuse its calls until ' +
        'the caBundle is set again',
    );
  });
});
