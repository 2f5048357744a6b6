import { departmentCrd, namespacePolicyCrd } from './build-crds.js';
import { structuralProblems } from './structural-problems.js';

describe('generated CRDs', () => {
  const crds = [
    ['Department', departmentCrd()],
    ['NamespacePolicy', namespacePolicyCrd()],
  ] as const;

  it.each(crds)('given the %s schema, the CRD schema is structural', (_kind, crd) => {
    for (const version of crd.spec.versions)
      expect(structuralProblems(version.schema.openAPIV3Schema)).toEqual([]);
  });

  it('given the Department schema, builds a cluster-scoped CRD with a status subresource', () => {
    const crd = departmentCrd();
    expect(crd.metadata.name).toBe('departments.corral.dev');
    expect(crd.spec).toMatchObject({
      group: 'corral.dev',
      scope: 'Cluster',
      names: { kind: 'Department', plural: 'departments', singular: 'department', shortNames: ['dept'] },
    });
    expect(crd.spec.versions).toHaveLength(1);
    expect(crd.spec.versions[0]).toMatchObject({
      name: 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {} },
    });
    const columns = crd.spec.versions[0]?.additionalPrinterColumns.map((column) => column.jsonPath);
    expect(columns).toEqual(
      expect.arrayContaining(['.spec.nodeIsolation', '.status.namespaces', '.metadata.creationTimestamp']),
    );
  });

  it('given the NamespacePolicy schema, builds a namespaced CRD with a status subresource', () => {
    const crd = namespacePolicyCrd();
    expect(crd.metadata.name).toBe('namespacepolicies.corral.dev');
    expect(crd.spec).toMatchObject({
      scope: 'Namespaced',
      names: { kind: 'NamespacePolicy', plural: 'namespacepolicies', shortNames: ['nspol'] },
    });
    expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
    expect(crd.spec.versions[0]?.additionalPrinterColumns.map((column) => column.jsonPath)).toEqual(
      expect.arrayContaining(['.spec.enforcement', '.status.conditions[?(@.type=="Valid")].status']),
    );
    // The status the admission service writes survives pruning: conditions are in the schema.
    const status = crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.status;
    expect(status?.properties?.conditions?.items?.required).toEqual(['type', 'status']);
  });

  it.each(crds)('given the %s schema, shows the Valid condition in a printer column', (_kind, crd) => {
    expect(crd.spec.versions[0]?.additionalPrinterColumns).toContainEqual(
      expect.objectContaining({ name: 'Valid', jsonPath: '.status.conditions[?(@.type=="Valid")].status' }),
    );
  });

  it('given the schemas, keeps descriptions and defaults so kubectl explain and the apiserver see them', () => {
    const spec = departmentCrd().spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
    expect(spec?.properties?.nodeIsolation).toMatchObject({
      type: 'string',
      enum: ['dedicated', 'shared'],
      default: 'shared',
    });
    expect(spec?.properties?.nodeIsolation?.description).toMatch(/dedicated/);
    const policySpec = namespacePolicyCrd().spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
    expect(policySpec?.properties?.enforcement).toMatchObject({
      default: 'enforce',
      enum: ['enforce', 'warn', 'audit'],
    });
  });

  it('given the root, requires spec but leaves apiVersion, kind and metadata to the apiserver', () => {
    const schema = departmentCrd().spec.versions[0]?.schema.openAPIV3Schema;
    expect(schema?.required).toEqual(['spec']);
    expect(schema?.properties?.metadata).toStrictEqual({ type: 'object' });
    expect(schema?.properties?.kind).toMatchObject({ type: 'string' });
    expect(schema?.properties?.kind?.enum).toBeUndefined();
  });

  it('given quota maps, emits int-or-string quantities the way Kubernetes expects', () => {
    const hard =
      departmentCrd().spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.quota?.properties
        ?.hard;
    expect(hard?.type).toBe('object');
    expect(hard?.additionalProperties).toMatchObject({
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: expect.stringMatching(/^\^/),
    });
  });
});
