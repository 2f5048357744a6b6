import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands as admissionCommands } from '@corral/admission';
import { commands as extenderCommands } from '@corral/scheduler-extender';
import type { CliIo } from '../io.js';
import { SAMPLE_MANIFESTS, SAMPLE_POD_TO_PLACE } from './samples.js';

/**
 * Runs `corral explain` and `corral check` on the samples against the policies at `policies`, and
 * returns what they printed (stdout and stderr, in order) with their exit codes.
 */
export async function runSamples(policies: string, io: CliIo): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-demo-'));
  try {
    const pod = join(dir, 'pod.yaml');
    const manifests = join(dir, 'manifests.yaml');
    await writeFile(pod, SAMPLE_POD_TO_PLACE);
    await writeFile(manifests, SAMPLE_MANIFESTS);
    const explain = await capture(io, (sub) => extenderCommands.explain([pod, '--policies', policies], sub));
    const check = await capture(io, (sub) =>
      admissionCommands.check(['-f', manifests, '--policies', policies], sub),
    );
    return [
      "\nScheduler extender: where may a new research-batch pod run? (`corral explain`, the extender's decision code)\n",
      indent(explain.text),
      "\nAdmission webhooks: what `kubectl apply` of three manifests would meet (`corral check`, the webhooks' decision code)\n",
      indent(check.text),
      `(corral check exit code ${check.code}: 1 means something was denied)\n`,
    ].join('');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function capture(
  io: CliIo,
  run: (io: CliIo) => Promise<number>,
): Promise<{ code: number; text: string }> {
  const parts: string[] = [];
  const code = await run({ ...io, stdout: (t) => parts.push(t), stderr: (t) => parts.push(t) });
  return { code, text: parts.join('') };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
