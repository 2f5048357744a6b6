// The extender's mutual TLS ships commented out (the default install is unchanged): these tests hold
// the commented example to what it must mean once uncommented, so it cannot drift from the flags,
// the mounts and kube-scheduler's field names.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadExtenderConfig } from '../../plugins/scheduler-extender/src/config.js';
import { renderKustomization } from './kustomize.js';

const DIR = resolve(import.meta.dirname, '../../deploy/scheduler-extender');
const read = (file: string) => readFileSync(resolve(DIR, file), 'utf8').split('\n');

/**
 * The commented block that starts at the line `# <first>` (at any indent): that line and the next
 * ones commented at a deeper indent, uncommented (the `# ` removed) and parsed as YAML.
 */
function commentedBlock(lines: readonly string[], first: string): unknown {
  const start = lines.findIndex(
    (line) => /^#\s*/.test(line.trim()) && line.trim().replace(/^#\s*/, '').startsWith(first),
  );
  if (start < 0) throw new Error(`no commented line "# ${first}"`);
  const uncomment = (line: string) => line.replace(/^(\s*)# ?/, '$1');
  const indent = (line: string) => uncomment(line).search(/\S/);
  const head = lines[start] ?? '';
  const block = [uncomment(head).replace(/\s+#.*$/, '')];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s*#/.test(line) || indent(line) <= indent(head)) break;
    block.push(uncomment(line));
  }
  return parse(block.join('\n'));
}

interface Mount {
  name: string;
  mountPath: string;
}

describe('deploy/scheduler-extender: the commented mutual TLS example', () => {
  const deployment = read('deployment.yaml');
  const flags = deployment
    .map((line) => /^\s*# - (--tls-[a-z-]+=\S+)/.exec(line)?.[1])
    .filter((flag): flag is string => flag !== undefined);

  it('given its flags added to the default args, starts with client certificates required', () => {
    const objects = renderKustomization(DIR);
    const spec = objects.find((o) => o.kind === 'Deployment')?.['spec'] as {
      template: { spec: { containers: { args: string[] }[] } };
    };
    const args = spec.template.spec.containers[0]?.args.slice(1) ?? [];
    expect(loadExtenderConfig(args, {}).tls).toEqual({}); // the default install: plain HTTP
    expect(loadExtenderConfig([...args, ...flags], {}).tls).toEqual({
      cert: '/var/run/corral/tls/tls.crt',
      key: '/var/run/corral/tls/tls.key',
      clientCa: '/var/run/corral/client-ca/ca.crt',
      clientName: 'system:kube-scheduler',
    });
  });

  it('given its volumes, mounts a volume at the directory of each file the flags name', () => {
    const mounts = commentedBlock(deployment, 'volumeMounts:') as { volumeMounts: Mount[] };
    const volumes = commentedBlock(deployment, 'volumes:') as { volumes: { name: string }[] };
    const files = flags
      .filter((flag) => !flag.startsWith('--tls-client-name'))
      .map((flag) => flag.split('=')[1]);
    for (const file of files) {
      const mount = mounts.volumeMounts.find((m) => m.mountPath === dirname(file ?? ''));
      expect(mount, file).toBeDefined();
      expect(volumes.volumes.map((v) => v.name)).toContain(mount?.name);
    }
  });

  it("given scheduler-config.yaml, its tlsConfig uses kube-scheduler's field names and verifies the extender", () => {
    const config = parse(read('scheduler-config.yaml').join('\n')) as {
      extenders: { enableHTTPS: boolean }[];
    };
    expect(config.extenders[0]?.enableHTTPS).toBe(false);
    const example = commentedBlock(read('scheduler-config.yaml'), 'tlsConfig:') as {
      tlsConfig: Record<string, string>;
    };
    // KubeSchedulerConfiguration v1 ExtenderTLSConfig, json names.
    const fields = [
      'insecure',
      'serverName',
      'certFile',
      'keyFile',
      'caFile',
      'certData',
      'keyData',
      'caData',
    ];
    expect(Object.keys(example.tlsConfig).filter((key) => !fields.includes(key))).toEqual([]);
    // Without caFile/caData, kube-scheduler skips verifying the extender's certificate.
    expect(example.tlsConfig).toMatchObject({ caFile: expect.any(String), certFile: expect.any(String) });
    expect(read('scheduler-config.yaml').some((line) => /^\s*#\s+enableHTTPS: true$/.test(line))).toBe(true);
  });
});
