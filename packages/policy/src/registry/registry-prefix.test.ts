import fc from 'fast-check';
import {
  imagePathAtOrUnderPrefix,
  imagePathMatchesPrefix,
  normalizeRegistryHost,
  normalizeRegistryPrefix,
  parseRegistryPrefix,
  registryPrefixCovers,
  registryPrefixProblem,
} from './registry-prefix.js';

describe('normalizeRegistryPrefix', () => {
  const cases: [input: string, expected: string][] = [
    ['harbor.example.com/finance/', 'harbor.example.com/finance/'],
    ['harbor.example.com/finance', 'harbor.example.com/finance/'],
    ['Harbor.Example.COM/finance/', 'harbor.example.com/finance/'],
    ['harbor.example.com', 'harbor.example.com/'],
    ['harbor.example.com/', 'harbor.example.com/'],
    ['harbor.example.com:5000/finance', 'harbor.example.com:5000/finance/'],
    ['harbor.example.com//finance//payments', 'harbor.example.com/finance/payments/'],
    ['index.docker.io/library/', 'docker.io/library/'],
    ['registry-1.docker.io/library', 'docker.io/library/'],
    ['docker.io/bitnami', 'docker.io/bitnami/'],
    [' harbor.example.com/finance/ ', 'harbor.example.com/finance/'],
  ];

  it.each(cases)('given %j, returns %j', (input, expected) => {
    expect(normalizeRegistryPrefix(input)).toBe(expected);
  });

  it('given a prefix, parses host and segments', () => {
    expect(parseRegistryPrefix('HARBOR:5000/a/b/')).toEqual({ host: 'harbor:5000', segments: ['a', 'b'] });
    expect(parseRegistryPrefix('HARBOR.example.com:443/a/')).toEqual({
      host: 'harbor.example.com',
      segments: ['a'],
    });
  });

  it('given Docker Hub aliases, folds them into docker.io', () => {
    expect(['INDEX.docker.io', 'registry-1.docker.io', 'docker.io'].map(normalizeRegistryHost)).toEqual([
      'docker.io',
      'docker.io',
      'docker.io',
    ]);
  });

  it('given the HTTPS port 443, drops it (the same registry), also before folding Docker Hub aliases', () => {
    expect(
      ['h.example.com:443', 'registry-1.docker.io:0443', 'docker.io:443', 'h:4443'].map(
        normalizeRegistryHost,
      ),
    ).toEqual(['h.example.com', 'docker.io', 'docker.io', 'h:4443']);
  });

  it('given a port with leading zeros, writes it as Go dials it (`:05000` is port 5000)', () => {
    expect(
      ['h.example.com:05000', 'h:0080', '[::1]:05000', '[::1]', 'h:00', 'localhost:5000'].map(
        normalizeRegistryHost,
      ),
    ).toEqual(['h.example.com:5000', 'h:80', '[::1]:5000', '[::1]', 'h:0', 'localhost:5000']);
  });
});

describe('registryPrefixCovers', () => {
  const cases: [outer: string, inner: string, expected: boolean][] = [
    ['harbor.example.com/finance/', 'harbor.example.com/finance/', true],
    ['harbor.example.com/finance/', 'harbor.example.com/finance/payments/', true],
    ['harbor.example.com/finance', 'harbor.example.com/finance/payments/', true],
    ['harbor.example.com/finance/', 'harbor.example.com/finance', true],
    ['harbor.example.com/', 'harbor.example.com/finance/payments/', true],
    ['harbor.example.com', 'harbor.example.com/finance/', true],
    ['harbor.example.com/finance/', 'harbor.example.com/financex/', false],
    ['harbor.example.com/finance/', 'harbor.example.com/fin/', false],
    ['harbor.example.com/finance/payments/', 'harbor.example.com/finance/', false],
    ['harbor.example.com/finance/', 'harbor.example.com:443/finance/', true],
    ['harbor.example.com:443/finance/', 'harbor.example.com/finance/', true],
    ['harbor.example.com/finance/', 'harbor.example.com:5000/finance/', false],
    ['harbor.example.com:5000/finance/', 'harbor.example.com/finance/', false],
    ['harbor.example.com/finance/', 'harbor.example.co/finance/', false],
    ['harbor.example.com/finance/', 'other.example.com/finance/', false],
    ['harbor.example.com/finance/', 'HARBOR.example.com/finance/payments', true],
    ['docker.io/library/', 'index.docker.io/library/', true],
    ['harbor.example.com/finance/', 'harbor.example.com/', false],
  ];

  it.each(cases)('given %s covering %s, returns %s', (outer, inner, expected) => {
    expect(registryPrefixCovers(outer, inner)).toBe(expected);
  });
});

describe('imagePathMatchesPrefix', () => {
  const cases: [host: string, path: string, prefix: string, expected: boolean][] = [
    ['harbor.example.com', 'finance/payments/api', 'harbor.example.com/finance/', true],
    ['harbor.example.com', 'finance/api', 'harbor.example.com/finance', true],
    ['harbor.example.com', 'financex/api', 'harbor.example.com/finance/', false],
    ['harbor.example.com', 'finance/api', 'harbor.example.com/finance/api', true],
    ['harbor.example.com', 'finance/api-v2', 'harbor.example.com/finance/api', false],
    ['harbor.example.com', 'finance', 'harbor.example.com/finance/payments/', false],
    ['harbor.example.com:5000', 'finance/api', 'harbor.example.com/finance/', false],
    ['harbor.example.com', 'finance/api', 'harbor.example.com:5000/finance/', false],
    ['HARBOR.example.com', 'finance/api', 'harbor.example.com/finance/', true],
    ['docker.io', 'library/nginx', 'index.docker.io/library/', true],
    ['index.docker.io', 'library/nginx', 'docker.io/library/', true],
    ['docker.io', 'library/nginx', 'docker.io/', true],
    ['quay.io', 'library/nginx', 'docker.io/library/', false],
    // A prefix ending in "/" covers what lies under it, never the repository of its own name.
    ['harbor.example.com', 'web', 'harbor.example.com/web/', false],
    ['harbor.example.com', 'web', ' harbor.example.com/web/ ', false],
    ['harbor.example.com', 'web', 'harbor.example.com//web//', false],
    ['HARBOR.example.com', 'web', 'harbor.example.com/web/', false],
    ['harbor.example.com', 'web/app', 'harbor.example.com/web/', true],
    ['harbor.example.com', 'web/app/x', 'harbor.example.com/web/', true],
    ['docker.io', 'library', 'docker.io/library/', false],
    ['harbor.example.com', 'web', 'harbor.example.com/', true],
    // Without the slash, the prefix also names that one repository.
    ['harbor.example.com', 'web', 'harbor.example.com/web', true],
    // ... as an image reference names it: `docker.io/nginx` is Docker Hub's `library/nginx`.
    ['docker.io', 'library/nginx', 'docker.io/nginx', true],
    ['docker.io', 'library/nginx', 'index.docker.io/nginx', true],
    ['docker.io', 'nginx/nginx-ingress', 'docker.io/nginx', true],
    ['docker.io', 'library/nginx', 'docker.io/nginx/', false],
    ['docker.io', 'library/nginxx', 'docker.io/nginx', false],
    ['docker.io', 'library/nginx/x', 'docker.io/nginx', false],
    ['quay.io', 'library/nginx', 'quay.io/nginx', false],
  ];

  it.each(cases)('given %s/%s against %s, returns %s', (host, path, prefix, expected) => {
    expect(imagePathMatchesPrefix(host, path, prefix)).toBe(expected);
  });
});

describe('imagePathAtOrUnderPrefix (denied prefixes)', () => {
  const cases: [host: string, path: string, prefix: string, expected: boolean][] = [
    ['harbor.example.com', 'web/experimental', 'harbor.example.com/web/experimental/', true],
    ['harbor.example.com', 'web/experimental/x', 'harbor.example.com/web/experimental/', true],
    ['harbor.example.com', 'web/experimental', 'harbor.example.com/web/experimental', true],
    ['harbor.example.com', 'web/experimentalx', 'harbor.example.com/web/experimental/', false],
    ['harbor.example.com', 'web', 'harbor.example.com/web/experimental/', false],
    ['harbor.example.com:5000', 'web/experimental', 'harbor.example.com/web/experimental/', false],
    ['index.docker.io', 'library/nginx', 'docker.io/library/', true],
    // `:05000` dials port 5000: the same registry, so a denied `host:5000/` covers it.
    ['harbor.example.com:05000', 'evil/x', 'harbor.example.com:5000/evil/', true],
    ['harbor.example.com:5000', 'evil/x', 'harbor.example.com:005000/evil/', true],
    // Denying `docker.io/nginx` denies the image `nginx` (docker.io/library/nginx) too.
    ['docker.io', 'library/nginx', 'docker.io/nginx', true],
    ['docker.io', 'library/nginx', 'docker.io/nginx/', true],
    ['docker.io', 'library/nginx-x', 'docker.io/nginx', false],
  ];

  it.each(cases)('given %s/%s against %s, returns %s', (host, path, prefix, expected) => {
    expect(imagePathAtOrUnderPrefix(host, path, prefix)).toBe(expected);
  });
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,5}$/);
const host = fc.constantFrom('harbor.example.com', 'harbor.example.com:5000', 'docker.io', 'quay.io');
const prefix = fc
  .tuple(host, fc.array(segment, { maxLength: 4 }), fc.boolean())
  .map(([h, segments, slash]) => [h, ...segments].join('/') + (slash ? '/' : ''));

describe('registryPrefixCovers properties', () => {
  it('is reflexive', () => {
    fc.assert(fc.property(prefix, (p) => registryPrefixCovers(p, p)));
  });

  it('is transitive', () => {
    // A tiny alphabet so that random triples often do cover one another.
    const small = fc
      .tuple(
        fc.constantFrom('h', 'h:1'),
        fc.array(fc.constantFrom('a', 'b', 'ab'), { maxLength: 3 }),
        fc.boolean(),
      )
      .map(([h, segments, slash]) => [h, ...segments].join('/') + (slash ? '/' : ''));
    fc.assert(
      fc.property(small, small, small, (a, b, c) => {
        fc.pre(registryPrefixCovers(a, b) && registryPrefixCovers(b, c));
        return registryPrefixCovers(a, c);
      }),
    );
  });

  it('is transitive along generated chains', () => {
    fc.assert(
      fc.property(
        prefix,
        fc.array(segment, { maxLength: 3 }),
        fc.array(segment, { maxLength: 3 }),
        (a, s1, s2) => {
          const b = `${a.replace(/\/$/, '')}/${s1.join('/')}`;
          const c = `${b.replace(/\/$/, '')}/${s2.join('/')}`;
          return registryPrefixCovers(a, b) && registryPrefixCovers(b, c) && registryPrefixCovers(a, c);
        },
      ),
    );
  });

  it('never lets a/bx/ be covered by a/b/', () => {
    fc.assert(
      fc.property(
        prefix,
        segment,
        fc.stringMatching(/^[a-z0-9._-]{1,4}$/),
        fc.boolean(),
        (a, b, x, slash) => {
          const base = a.replace(/\/$/, '');
          const outer = `${base}/${b}/`;
          const inner = `${base}/${b}${x}${slash ? '/' : ''}`;
          return (
            !registryPrefixCovers(outer, inner) &&
            !imagePathMatchesPrefix(base.split('/')[0] ?? '', `${b}${x}`, outer)
          );
        },
      ),
    );
  });

  it('agrees with the normalized form', () => {
    // Spellings normalization folds (case, :443, leading zeros, Docker Hub aliases, white space,
    // doubled slashes), and inner prefixes derived from the outer one: independent random pairs
    // would almost never cover each other, and the property would hold by comparing false to false.
    const spelled = fc
      .tuple(
        fc.constantFrom(
          'harbor.example.com',
          'HARBOR.Example.com',
          'harbor.example.com:443',
          'harbor.example.com:0443',
          'harbor.example.com:5000',
          'docker.io',
          'index.docker.io',
          'Registry-1.Docker.IO:443',
          'quay.io',
        ),
        fc.array(segment, { maxLength: 3 }),
        fc.constantFrom('', '/', '//', ' '),
      )
      .map(([h, segments, tail]) => [h, ...segments].join(segments.length > 1 ? '//' : '/') + tail);
    const pair = fc.oneof(
      fc.tuple(spelled, spelled),
      fc
        .tuple(spelled, fc.array(segment, { maxLength: 2 }), fc.boolean())
        .map(([a, more, slash]) => [a, `${a.trim()}/${more.join('/')}${slash ? '/' : ''}`] as const),
    );
    let covered = 0;
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const covers = registryPrefixCovers(a, b);
        if (covers) covered += 1;
        const normalizedA = normalizeRegistryPrefix(a);
        expect(registryPrefixCovers(normalizedA, normalizeRegistryPrefix(b))).toBe(covers);
        // The normalized form names the same images: each covers the other.
        expect([registryPrefixCovers(a, normalizedA), registryPrefixCovers(normalizedA, a)]).toEqual([
          true,
          true,
        ]);
        expect(normalizeRegistryPrefix(normalizedA)).toBe(normalizedA);
      }),
      { numRuns: 500 },
    );
    expect(covered).toBeGreaterThan(100);
  });
});

describe('registryPrefixProblem', () => {
  it.each([
    'harbor.example.com/finance/',
    'docker.io/library/',
    'localhost/x/',
    'localhost:5000/',
    'registry:5000/team/',
    'harbor.example.com:1/',
    'harbor.example.com:65535/x',
    'harbor.example.com/a__b/c--d/e.f_g/',
    'harbor.example.com//web//',
    '10.0.0.5:5000/team/',
    'docker.io',
  ])('given %j, finds nothing', (prefix) => {
    expect(registryPrefixProblem(prefix)).toBeUndefined();
  });

  it.each([
    ['evil/', /write "docker.io\/evil\/"$/],
    ['library/nginx', /write "docker.io\/library\/nginx"$/],
    ['registry/', /does not start with a registry host/],
    ['harbor.example.com:0/', /from 1 to 65535, got "0"$/],
    ['harbor.example.com:65536/', /from 1 to 65535, got "65536"$/],
    ['localhost:/', /from 1 to 65535, got ""$/],
    // Path parts no image reference can have: such a prefix would match nothing, silently (a denied
    // one denying nothing).
    ['harbor.example.com/web/../', /"\.\." can never appear in an image/],
    ['harbor.example.com/./web/', /"\." can never appear in an image/],
    ['harbor.example.com/web/-experimental/', /"-experimental" can never appear/],
    ['harbor.example.com/web/experimental-/', /"experimental-" can never appear/],
    ['harbor.example.com/web/a___b/', /"a___b" can never appear/],
    ['harbor.example.com/_web/', /lower-case letters and digits joined by/],
    // Host names as image references spell them: labels of letters, digits and inner dashes.
    ['harbor..example.com/web/', /"harbor\.\.example\.com" is not a registry host name/],
    ['harbor.-example.com/web/', /is not a registry host name/],
    ['harbor-.example.com:5000/web/', /is not a registry host name/],
  ])('given %j, explains why it never matches', (prefix, message) => {
    expect(registryPrefixProblem(prefix)).toMatch(message);
  });
});
