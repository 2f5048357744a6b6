/** Which volume capabilities an RBD volume supports, and why not when it does not. */
import { CSI_ERR } from '../errors.js';
import { fail, pass, type Decision } from './decision.js';

export const SUPPORTED_FS = ['ext4', 'xfs'] as const;

export interface CapabilityInput {
  readonly access_type?: string | null;
  readonly mount?: { readonly fs_type?: string; readonly mount_flags?: readonly string[] } | null;
  readonly block?: object | null;
  readonly access_mode?: { readonly mode?: string | number } | null;
}

const SINGLE_NODE = new Set([
  'SINGLE_NODE_WRITER',
  'SINGLE_NODE_READER_ONLY',
  'SINGLE_NODE_SINGLE_WRITER',
  'SINGLE_NODE_MULTI_WRITER',
]);
const MULTI_READ = 'MULTI_NODE_READER_ONLY';
const MULTI_WRITE = new Set(['MULTI_NODE_SINGLE_WRITER', 'MULTI_NODE_MULTI_WRITER']);

function checkMount(fs: string, mode: string): Decision<'mount'> | undefined {
  const rule = 'volume-capability';
  if (fs !== '' && !(SUPPORTED_FS as readonly string[]).includes(fs)) {
    return fail(rule, CSI_ERR.UNSUPPORTED_CAPABILITY, `filesystem "${fs}" is not supported: use ext4 or xfs`);
  }
  if (MULTI_WRITE.has(mode)) {
    return fail(
      rule,
      CSI_ERR.UNSUPPORTED_CAPABILITY,
      `access mode ${mode} with a filesystem would corrupt it (ext4/xfs are single-host): ` +
        'use ReadWriteOnce, ReadOnlyMany, or a block volume',
    );
  }
  return undefined;
}

/** Given one capability, returns pass or the reason it is unsupported. */
export function checkCapability(cap: CapabilityInput): Decision<'mount' | 'block'> {
  const rule = 'volume-capability';
  const mode = String(cap.access_mode?.mode ?? 'UNKNOWN');
  const kind = cap.block ? 'block' : cap.mount ? 'mount' : undefined;
  if (!kind)
    return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'volume capability needs an access type: mount or block');
  if (!cap.access_mode || mode === 'UNKNOWN') {
    return fail(rule, CSI_ERR.INVALID_ARGUMENT, 'volume capability needs an access mode');
  }
  if (kind === 'mount') {
    const mountProblem = checkMount(cap.mount?.fs_type ?? '', mode);
    if (mountProblem) return mountProblem;
  }
  if (!SINGLE_NODE.has(mode) && mode !== MULTI_READ && !MULTI_WRITE.has(mode)) {
    return fail(rule, CSI_ERR.INVALID_ARGUMENT, `unknown access mode ${mode}`);
  }
  return pass(rule, kind);
}

/** Given a request's capabilities, returns pass when every one is supported (and at least one is given). */
export function checkCapabilities(
  caps: readonly CapabilityInput[] | undefined,
): Decision<readonly ('mount' | 'block')[]> {
  if (!caps || caps.length === 0) {
    return fail('volume-capabilities', CSI_ERR.INVALID_ARGUMENT, 'volume_capabilities must not be empty');
  }
  const kinds: ('mount' | 'block')[] = [];
  for (const cap of caps) {
    const one = checkCapability(cap);
    if (one.status === 'fail') return one;
    kinds.push(one.value);
  }
  return pass('volume-capabilities', kinds);
}
