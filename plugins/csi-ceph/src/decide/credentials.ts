/** Ceph credentials from CSI secrets (`userID`/`userKey`, ceph-csi's names) or from a keyring file. */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

export interface Credentials {
  readonly userID: string;
  readonly userKey: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Given an RPC's secrets, returns the credentials or what is missing (never echoing a value). */
export function credentialsFromSecrets(
  secrets: Readonly<Record<string, string>> | undefined,
): Decision<Credentials> {
  const rule = 'ceph-credentials';
  const userID = secrets?.['userID'] ?? '';
  const userKey = secrets?.['userKey'] ?? '';
  const missing = [userID === '' ? 'userID' : '', userKey === '' ? 'userKey' : ''].filter((s) => s !== '');
  if (missing.length > 0) {
    return fail(
      rule,
      CSI_ERR.MISSING_SECRETS,
      `secrets lack ${missing.join(' and ')}: set the StorageClass's csi.storage.k8s.io/*-secret-name to a Secret holding userID and userKey`,
    );
  }
  if (!BASE64.test(userKey))
    return fail(rule, CSI_ERR.MISSING_SECRETS, 'secret userKey is not a base64 cephx key');
  const id = userID.startsWith('client.') ? userID.slice('client.'.length) : userID;
  return pass(rule, { userID: id, userKey });
}

/** Given a keyring file's text, returns the first `[client.X]` entry's credentials. */
export function credentialsFromKeyring(text: string): Credentials | undefined {
  let user: string | undefined;
  for (const line of text.split('\n')) {
    const section = /^\s*\[client\.([^\]]+)\]\s*$/.exec(line);
    if (section) user = section[1];
    const key = /^\s*key\s*=\s*(\S+)\s*$/.exec(line);
    if (user !== undefined && key?.[1]) return { userID: user, userKey: key[1] };
  }
  return undefined;
}
