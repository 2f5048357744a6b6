/** Reads the files the driver starts from: the cluster config and the optional keyring. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@corral/runtime';
import { parseClusterConfig, type ClusterEntry } from '../decide/cluster-config.js';
import { credentialsFromKeyring, type Credentials } from '../decide/credentials.js';

export async function readClusterConfig(path: string): Promise<ReadonlyMap<string, ClusterEntry>> {
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new ConfigError([`--cluster-config ${path}: ${err.message}`]);
  });
  const parsed = parseClusterConfig(text, path);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.clusters;
}

export async function readKeyring(path: string): Promise<Credentials> {
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new ConfigError([`--keyring ${path}: ${err.message}`]);
  });
  const creds = credentialsFromKeyring(text);
  if (!creds) throw new ConfigError([`--keyring ${path}: no [client.NAME] section with a key`]);
  return creds;
}
