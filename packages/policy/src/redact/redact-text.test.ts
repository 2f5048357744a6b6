import fc from 'fast-check';
import { REDACTED, redactText } from './redact-text.js';

/** Real cephx keys (`ceph-authtool --gen-print-key`): base64 of 28 bytes, 40 characters. */
const cephxKey = 'AQDyEwVrfIhbMRAA4BxASP8TnJ4GKASeucrRbA==';
const otherCephxKey = 'AQDyEwVrM+StNRAAmDaYlAxGbtnruDlkZIozGg==';
/** The shape an earlier rule matched (42 characters), still removed. */
const longCephxKey = `AQ${'a1B/'.repeat(9)}xy==`;
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('redactText', () => {
  it.each([
    // from the runtime's log redaction
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer [REDACTED]'],
    ['basic dXNlcjpwYXNz failed', 'basic [REDACTED] failed'],
    [
      'request to https://user:pass@10.0.0.1:6443/api failed',
      'request to https://[REDACTED]@10.0.0.1:6443/api failed',
    ],
    ['GET /api?access_token=xyz&watch=true', 'GET /api?access_token=[REDACTED]&watch=true'],
    ['GET /api?watch=true&token=xyz', 'GET /api?watch=true&token=[REDACTED]'],
    ['rbd map --key=AQB123== --id admin', 'rbd map --key=[REDACTED] --id admin'],
    ['rbd map --key AQB123== --id admin', 'rbd map --key [REDACTED] --id admin'],
    [`[client.admin]\n\tkey = ${cephxKey}\n`, '[client.admin]\n\tkey = [REDACTED]\n'],
    // cephx keys wherever they are, keyring lines whatever the key looks like
    [`rbd: mount with ${cephxKey} failed`, 'rbd: mount with [REDACTED] failed'],
    [`keys ${otherCephxKey},${longCephxKey}.`, 'keys [REDACTED],[REDACTED].'],
    ['[client.x]\n\tkey = not-a-cephx-key\n', '[client.x]\n\tkey = [REDACTED]\n'],
    ['password = hunter2 next', 'password = [REDACTED] next'],
    // PEM private keys, whole; certificates stay
    [`bad pem ${pem} in tls.key`, 'bad pem [REDACTED] in tls.key'],
    ['cut: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF', 'cut: [REDACTED]'],
    [
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    ],
    // YAML and JSON inside text
    ['token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\nkind: Config', 'token: [REDACTED]\nkind: Config'],
    [
      'data:\n  tls.key: LS0tLS1CRUdJTg==\n  tls.crt: LS0tQ1JU\n',
      'data:\n  tls.key: [REDACTED]\n  tls.crt: LS0tQ1JU\n',
    ],
    ['client-key-data: LS0tLS1CRUdJTg==', 'client-key-data: [REDACTED]'],
    [`{"userID":"csi","userKey":"${cephxKey}"}`, '{"userID":"csi","userKey":"[REDACTED]"}'],
    ['{"password": "correct horse", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'],
    ['{"password":"a\\"b","n":1}', '{"password":"[REDACTED]","n":1}'],
    ['{"token":12345,"n":1}', '{"token":[REDACTED],"n":1}'],
    [
      'body {\\"password\\":\\"hunter2\\",\\"user\\":\\"bob\\"}',
      'body {\\"password\\":\\"[REDACTED]\\",\\"user\\":\\"bob\\"}',
    ],
    ['{"msg":"password=hunter2","a":1}', '{"msg":"password=[REDACTED]","a":1}'],
    [
      'refresh_token=r1 api_key=k1 passwd=p1 secret=s1',
      'refresh_token=[REDACTED] api_key=[REDACTED] passwd=[REDACTED] secret=[REDACTED]',
    ],
    // from the cluster source's message redaction
    [
      'request to https://admin:s3cret@10.0.0.1:6443/api failed',
      'request to https://[REDACTED]@10.0.0.1:6443/api failed',
    ],
    ['WATCH /api/v1/pods: Premature close', 'WATCH /api/v1/pods: Premature close'],
    // the wider of the two former rules wins: nothing either removed survives
    ['Bearer abc;def&ghi\\jkl next', 'Bearer [REDACTED] next'],
    ['proxybasic dXNlcg==', 'proxybasic [REDACTED]'],
    ['https://us\'er:p"w@host/', 'https://[REDACTED]@host/'],
    ['https://user:p\\w@host/', 'https://[REDACTED]@host/'],
    [
      'id_token=abc csrftoken=def db_password=ghi',
      'id_token=[REDACTED] csrftoken=[REDACTED] db_password=[REDACTED]',
    ],
    ['token=abc,def;ghi\\jkl&watch=1', 'token=[REDACTED]&watch=1'],
    ['?client_secret=abc&db_passwd=def', '?client_secret=[REDACTED]&db_passwd=[REDACTED]'],
    // YAML values in quotes, spaces included, and block scalars
    ['token: "eyJhbGciOi.eyJzdWIi.c2ln"', 'token: "[REDACTED]"'],
    ['password: "correct horse battery"', 'password: "[REDACTED]"'],
    ["password: 'correct horse battery'", "password: '[REDACTED]'"],
    ["userKey: 'it''s secret' # done", "userKey: '[REDACTED]' # done"],
    ['password: |\n  line one\n  line two\nnext: 1', 'password: |\n[REDACTED]next: 1'],
    ['tls.key: "-----"', 'tls.key: "[REDACTED]"'],
  ])('given %j, returns %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['{"level":"info","msg":"request completed","route":"/mutate","statusCode":200}'],
    ['topology key zone has no nodes'],
    ['secret ns/name not found'],
    ['labelKey app, topologyKey kubernetes.io/hostname'],
    ['monkey=3 hotkey=ctrl'],
    // a bare `key` before `:` names a toleration's or selector's label key, not a secret
    ['spec.tolerations[0].key: Invalid value: "nvidia.com/gpu"'],
    ['{"key":"corral.io/department","operator":"Equal","value":"web"}'],
    ['{"secretName":"ceph-csi","tokenExpirySeconds":3600,"topologyKey":"zone"}'],
    ['-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----'],
    [''],
  ])('given text without a secret value (%j), returns the same string', (input) => {
    expect(redactText(input)).toBe(input);
  });

  it('given a censor, writes it instead of [REDACTED], even one with $ in it', () => {
    expect(redactText('Bearer abc token=x', '[redacted]')).toBe('Bearer [redacted] token=[redacted]');
    expect(redactText('//u:p@h', '$1$&')).toBe('//$1$&@h');
    expect(redactText('Bearer abc')).toBe(`Bearer ${REDACTED}`);
  });
});

/**
 * The two implementations this one replaced, kept here as oracles: whatever either removed, the
 * shared one must remove too. (Their censors differ; a surviving secret is what counts.)
 */
const FORMER_RUNTIME: readonly [RegExp, string][] = [
  [/\b(bearer|basic)(\s+)[^\s"'\\&,;]+/gi, '$1$2[REDACTED]'],
  [/(\/\/)[^/@\s"'\\]+@/g, '$1[REDACTED]@'],
  [
    /\b((?:access_?token|refresh_?token|token|password|passwd|secret|api_?key|key)=)[^\s"'\\&,;]+/gi,
    '$1[REDACTED]',
  ],
  [/(--(?:key|secret|password|token)[ =])[^\s"'\\&,;]+/gi, '$1[REDACTED]'],
  [/\bAQ[A-Za-z0-9+/]{38}==/g, '[REDACTED]'],
];
const FORMER_CLUSTER: readonly [RegExp, string][] = [
  [/(bearer|basic)\s+[^\s"',]+/gi, '$1 [redacted]'],
  [/(\/\/)[^/@\s]+@/g, '$1[redacted]@'],
  [/((?:access_token|token|password)=)[^&\s"']+/gi, '$1[redacted]'],
];
const applyAll = (patterns: readonly [RegExp, string][], text: string): string =>
  patterns.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);

const SECRET = 'Zq7Secret';
const count = (text: string): number => text.split(SECRET).length - 1;

describe('redactText against the implementations it replaced', () => {
  const fragment = fc.constantFrom(
    SECRET,
    'Bearer ',
    'basic ',
    'BASIC\t',
    'token=',
    'access_token=',
    'id_token=',
    'Password=',
    'key=',
    'api_key=',
    'secret=',
    '--key ',
    '--token=',
    'https://',
    '//',
    'user:',
    '@',
    '/',
    '&',
    ';',
    ',',
    '\\',
    "'",
    '"',
    ' ',
    '\n',
    '=',
    'x',
    'key = ',
    cephxKey,
    longCephxKey,
  );

  it('given any text, leaves no secret that either former implementation removed', () => {
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join('')),
        (text) => {
          const left = count(redactText(text));
          expect(left).toBeLessThanOrEqual(count(applyAll(FORMER_RUNTIME, text)));
          expect(left).toBeLessThanOrEqual(count(applyAll(FORMER_CLUSTER, text)));
        },
      ),
      { numRuns: 20000 },
    );
  });
});
