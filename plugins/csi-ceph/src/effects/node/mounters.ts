/** The mounter named by `--mounter`. */
import { fuseMounter } from './fuse-mounter.js';
import type { Mounter } from './mounter.js';
import { krbdMounter, nbdMounter } from './rbd-device-mounter.js';

export function mounterNamed(name: 'fuse' | 'krbd' | 'rbd-nbd'): Mounter {
  if (name === 'krbd') return krbdMounter;
  if (name === 'rbd-nbd') return nbdMounter;
  return fuseMounter;
}
