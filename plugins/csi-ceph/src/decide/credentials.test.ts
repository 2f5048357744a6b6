import { credentialsFromKeyring, credentialsFromSecrets } from './credentials.js';

describe('credentials', () => {
  it('given userID/userKey, returns them (client. prefix dropped)', () => {
    expect(credentialsFromSecrets({ userID: 'client.csi', userKey: 'QUJD' })).toMatchObject({
      status: 'pass',
      value: { userID: 'csi', userKey: 'QUJD' },
    });
  });

  it('given missing secrets, fails naming both keys without echoing values', () => {
    const out = credentialsFromSecrets({});
    expect(out).toMatchObject({ status: 'fail', code: 'CSI_ERR_MISSING_SECRETS' });
    if (out.status === 'fail') expect(out.message).toMatch(/userID and userKey/);
  });

  it('given a keyring, returns the first client entry', () => {
    expect(credentialsFromKeyring('[client.csi]\n\tkey = QUJD==\n\tcaps mon = "profile rbd"\n')).toEqual({
      userID: 'csi',
      userKey: 'QUJD==',
    });
  });
});
