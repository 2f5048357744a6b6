import { parseArgs } from 'node:util';
import { EXPLAIN_FLAGS } from '../config.js';

/** explain's flags that take a value (each of EXPLAIN_FLAGS, and --config). */
const VALUE_FLAGS = Object.fromEntries(
  [...Object.keys(EXPLAIN_FLAGS), 'config'].map((flag) => [flag, { type: 'string' as const }]),
);

/**
 * `corral explain`'s arguments split into the pod file and the flags: the pod file is the first
 * argument that is neither a flag nor the value of one of explain's flags, so it may come before
 * or after them (`corral explain --policies examples pod.yaml`, as kubectl takes flags anywhere).
 * Undefined when none is given. A flag explain does not take is left to the configuration, which
 * refuses it by name.
 */
export function splitPodFile(args: readonly string[]): { podFile?: string; flags: string[] } {
  const [first, ...rest] = args;
  if (first === undefined) return { flags: [] };
  if (!first.startsWith('-')) return { podFile: first, flags: rest };
  const { tokens } = parseArgs({
    args: [...args],
    options: VALUE_FLAGS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const positional = tokens.find((token) => token.kind === 'positional');
  if (positional === undefined) return { flags: [...args] };
  return {
    podFile: positional.value,
    flags: args.filter((_, index) => index !== positional.index),
  };
}

/**
 * Why `podFile` cannot be explained before anything is read, or undefined: none given, or an empty
 * one (`corral explain "$POD"` with the variable unset), which would otherwise read the working
 * directory as the pod file.
 */
export function podFileProblem(podFile: string | undefined): string | undefined {
  if (podFile === undefined) return 'name the pod file';
  if (podFile === '')
    return 'the pod file is "": give a YAML file of Pods or workloads, or - (standard input)';
  return undefined;
}
