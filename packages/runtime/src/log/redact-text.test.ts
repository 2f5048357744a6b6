import { redactText } from './redact-text.js';

describe('redactText', () => {
  const cephxKey = `AQ${'a1B/'.repeat(9)}xy==`;
  it.each([
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
    ['{"msg":"password=hunter2","a":1}', '{"msg":"password=[REDACTED]","a":1}'],
  ])('given %j, returns %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    ['{"level":"info","msg":"request completed","route":"/mutate","statusCode":200}'],
    ['topology key zone has no nodes'],
    ['secret ns/name not found'],
  ])('given text without a secret value (%j), returns it unchanged', (input) => {
    expect(redactText(input)).toBe(input);
  });
});
