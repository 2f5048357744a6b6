import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '@corral/admission';

const GOLD_STORAGE = 'gold.storageclass.storage.k8s.io/requests.storage';
const GOLD_CLAIMS = 'gold.storageclass.storage.k8s.io/persistentvolumeclaims';

/** Namespace team-a in Department team (2 gold claims), its policy (`hard`), one 4Gi gold claim. */
function policies(hard: Record<string, string>): string {
  return [
    'apiVersion: v1\nkind: Namespace\nmetadata: { name: team-a, labels: { corral.dev/department: team } }',
    'apiVersion: corral.dev/v1alpha1\nkind: Department\nmetadata: { name: team }\n' +
      `spec: { quota: { hard: { ${GOLD_CLAIMS}: '2' } } }`,
    'apiVersion: corral.dev/v1alpha1\nkind: NamespacePolicy\nmetadata: { name: policy, namespace: team-a }\n' +
      `spec: { quota: { hard: ${JSON.stringify(hard)} } }`,
    claim('data-0', '4Gi', 'gold'),
  ].join('\n---\n');
}

function claim(name: string, size: string, storageClass?: string): string {
  return (
    `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: ${name}, namespace: team-a }\n` +
    `spec: { ${storageClass ? `storageClassName: ${storageClass}, ` : ''}accessModes: [ReadWriteOnce], ` +
    `resources: { requests: { storage: ${size} } } }`
  );
}

async function check(hard: Record<string, string>, manifests: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'corral-check-keys-'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'all.yaml'), policies(hard));
  writeFileSync(join(dir, 'claims.yaml'), manifests.join('\n---\n'));
  const out: string[] = [];
  const err: string[] = [];
  const code = await commands.check(['-f', 'claims.yaml', '--policies', 'policies'], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: dir,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('corral check with per-StorageClass quotas', () => {
  it('admits gold claims up to the limits, then denies naming the keys', async () => {
    const { code, out } = await check({ [GOLD_STORAGE]: '10Gi' }, [
      claim('data-1', '6Gi', 'gold'),
      claim('data-2', '1Gi', 'gold'),
      claim('scratch', '100Gi'),
    ]);
    expect(code).toBe(1);
    expect(out).toMatch(/ALLOWED PersistentVolumeClaim team-a\/data-1/);
    expect(out).toMatch(/ALLOWED PersistentVolumeClaim team-a\/scratch/);
    expect(out).toMatch(/DENIED {2}PersistentVolumeClaim team-a\/data-2/);
    expect(out).toContain(
      `[namespace-quota] exceeds the NamespacePolicy quota of namespace team-a: ${GOLD_STORAGE} would reach ` +
        '11Gi of 10Gi (this object asks 1Gi); lower the requests',
    );
    expect(out).toContain(
      `[department-quota] exceeds the quota of department team: ${GOLD_CLAIMS} would reach 3 of 2`,
    );
    expect(out).toContain('3 object(s) checked, 1 denied');
  });

  it('given a per-class key with a bad class name, exits 2 naming the key and the fix', async () => {
    const { code, err } = await check({ 'Gold.storageclass.storage.k8s.io/requests.storage': '10Gi' }, [
      claim('data-1', '1Gi', 'gold'),
    ]);
    expect(code).toBe(2);
    expect(err).toContain("names StorageClass 'Gold', which is no StorageClass name");
    expect(err).toContain('e.g. gold.storageclass.storage.k8s.io/requests.storage');
  });
});
