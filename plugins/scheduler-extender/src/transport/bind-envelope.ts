import type { Parsed } from './extender-args.js';
import { goPresent, isRecord } from './go-json.js';

/** ExtenderBindingArgs, read. */
export interface BindingArgs {
  readonly podName: string;
  readonly podNamespace: string;
  readonly podUid: string;
  readonly node: string;
}

/** ExtenderBindingResult with Go's names: empty Error on success. */
export interface ExtenderBindingResult {
  Error: string;
}

/** Reads `{PodName, PodNamespace, PodUID, Node}`; every field but PodUID is required. */
export function readBindingArgs(body: unknown): Parsed<BindingArgs> {
  if (!isRecord(body)) return { ok: false, error: 'ExtenderBindingArgs must be a JSON object' };
  const fields = ['PodName', 'PodNamespace', 'Node'] as const;
  const missing = fields.filter((field) => !isText(goPresent(body, field)));
  if (missing.length > 0) return { ok: false, error: `ExtenderBindingArgs lacks ${missing.join(', ')}` };
  const uid = goPresent(body, 'PodUID');
  return {
    ok: true,
    value: {
      podName: goPresent(body, 'PodName') as string,
      podNamespace: goPresent(body, 'PodNamespace') as string,
      podUid: typeof uid === 'string' ? uid : '',
      node: goPresent(body, 'Node') as string,
    },
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function bindingResult(error = ''): ExtenderBindingResult {
  return { Error: error };
}
