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
    ['harbor.example.com/finance/app:', /tag/],
    ['harbor.example.com/finance/app:-x', /tag/],
    ['harbor.example.com/finance/app@sha256:xyz', /digest/],
    ['harbor.example.com/finance/app@', /digest/],
    ['harbor.example.com/', /path component ""/],
    ['-bad.com/app', /registry host/],
    ['a/' + 'b'.repeat(300), /too long/],
    ['app:1:2', /path component|tag/],
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
