import { formatImageRef, isPinnedByDigest, parseImageRef, usesLatestTag } from './image-ref.js';

const SHA = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  const good: [string, string, string, string | undefined, string | undefined][] = [
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['index.docker.io/library/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['registry-1.docker.io:443/library/nginx:1', 'docker.io', 'library/nginx', '1', undefined],
    ['docker.io:443/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['harbor.example.com:443/finance/app', 'harbor.example.com', 'finance/app', undefined, undefined],
    ['harbor.example.com/finance/app:1', 'harbor.example.com', 'finance/app', '1', undefined],
    ['Harbor.Example.com/finance/app', 'harbor.example.com', 'finance/app', undefined, undefined],
    ['harbor.example.com:5000/finance/app:2.0', 'harbor.example.com:5000', 'finance/app', '2.0', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/a/b/c', 'localhost:5000', 'a/b/c', undefined, undefined],
    [`harbor.example.com/finance/app@${SHA}`, 'harbor.example.com', 'finance/app', undefined, SHA],
    [`harbor.example.com/finance/app:1@${SHA}`, 'harbor.example.com', 'finance/app', '1', SHA],
    [
      'nvcr.io/nvidia/cuda:12.0.0-base-ubuntu22.04',
      'nvcr.io',
      'nvidia/cuda',
      '12.0.0-base-ubuntu22.04',
      undefined,
    ],
    ['reg.io/a__b/c-d/e.f', 'reg.io', 'a__b/c-d/e.f', undefined, undefined],
    // Go reads a port's digits as a number: `:05000` dials port 5000, the registry `host:5000`.
    ['harbor.example.com:05000/finance/app', 'harbor.example.com:5000', 'finance/app', undefined, undefined],
    ['[::1]:5000/x/y:1', '[::1]:5000', 'x/y', '1', undefined],
    ['[FE80::1]/x', '[fe80::1]', 'x', undefined, undefined],
    [`reg.io/a@sha384:${'d'.repeat(96)}`, 'reg.io', 'a', undefined, `sha384:${'d'.repeat(96)}`],
    [`reg.io/a@sha512:${'e'.repeat(128)}`, 'reg.io', 'a', undefined, `sha512:${'e'.repeat(128)}`],
    // A repository may be named like an image ID when it is not the whole reference.
    [`reg.io/${'f'.repeat(64)}`, 'reg.io', 'f'.repeat(64), undefined, undefined],
    [`${'b'.repeat(237)}`, 'docker.io', `library/${'b'.repeat(237)}`, undefined, undefined],
  ];
  it.each(good)('given %s, returns host %s, path %s, tag %s, digest %s', (image, host, path, tag, digest) => {
    const parsed = parseImageRef(image);
    expect(parsed).toEqual({
      ok: true,
      value: { host, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) },
    });
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    [' nginx', /white space/],
    ['harbor.example.com/finance/../hr/app', /path component "\.\."/],
    ['harbor.example.com/finance/./app', /path component "\."/],
    ['harbor.example.com//app', /path component ""/],
    ['harbor.example.com/Finance/app', /path component "Finance"/],
    // The runtime reads a first part with upper case as a registry host, not a Docker Hub path:
    // "lower-case it" would name another image, so the message says what the runtime would do.
    ['Harbor/finance/app:1', /"Harbor" has upper case, so the container runtime reads it as a registry host/],
    ['NGINX', /path component "NGINX"/],
    ['harbor.example.com/finance/app:', /tag/],
    ['harbor.example.com/finance/app:-x', /tag/],
    ['harbor.example.com/finance/app@sha256:xyz', /digest/],
    ['harbor.example.com/finance/app@', /digest/],
    ['harbor.example.com/', /path component ""/],
    ['-bad.com/app', /registry host/],
    ['a/' + 'b'.repeat(300), /too long/],
    ['app:1:2', /path component|tag/],
    // Digests as the runtime (go-digest) reads them: sha256, sha384 or sha512, lower-case hex of
    // exactly 64, 96 or 128 digits; anything else the kubelet refuses as InvalidImageName.
    [`app@sha256:${'A'.repeat(64)}`, /lower-case hex/],
    [`app@sha256:${'a'.repeat(32)}`, /64 lower-case hex/],
    [`app@sha256:${'a'.repeat(65)}`, /64 lower-case hex/],
    [`app@sha512:${'a'.repeat(64)}`, /128 lower-case hex/],
    [`app@md5:${'a'.repeat(32)}`, /sha256, sha384 or sha512/],
    [`app:1@sha1:${'a'.repeat(40)}`, /sha256, sha384 or sha512/],
    // A whole reference of 64 hex digits is an image ID, which the kubelet refuses as a name.
    ['a'.repeat(64), /image ID/],
    // The 255-character limit counts the name as the runtime completes it: docker.io/library/…
    ['b'.repeat(238), /too long/],
    [`bitnami/${'b'.repeat(238)}`, /too long/],
  ];
  it.each(bad)('given %j, rejects it saying %s', (image, why) => {
    const parsed = parseImageRef(image);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(why);
  });
});

describe('usesLatestTag / isPinnedByDigest / formatImageRef', () => {
  const cases: [string, boolean, boolean, string][] = [
    ['nginx', true, false, 'docker.io/library/nginx:latest'],
    ['nginx:latest', true, false, 'docker.io/library/nginx:latest'],
    ['nginx:1', false, false, 'docker.io/library/nginx:1'],
    [`nginx@${SHA}`, false, true, `docker.io/library/nginx@${SHA}`],
    [`nginx:latest@${SHA}`, false, true, `docker.io/library/nginx:latest@${SHA}`],
    [`nginx@sha512:${'b'.repeat(128)}`, false, false, `docker.io/library/nginx@sha512:${'b'.repeat(128)}`],
  ];
  it.each(cases)('given %s, returns latest=%s pinned=%s canonical %s', (image, latest, pinned, canonical) => {
    const parsed = parseImageRef(image);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(usesLatestTag(parsed.value)).toBe(latest);
    expect(isPinnedByDigest(parsed.value)).toBe(pinned);
    expect(formatImageRef(parsed.value)).toBe(canonical);
  });
});
