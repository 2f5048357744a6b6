import { compareQuantities } from '../quantity/quantity.js';
import { normalizeRegistryPrefix, registryPrefixCovers } from '../registry/registry-prefix.js';
import type { NamespacePolicy, NamespacePolicySpec } from '../schema/namespace-policy.js';
import type { FieldProblem, SchemaGuard } from './field-problem.js';
import { joinPointer } from './json-pointer.js';
import { duplicateProblems } from './list-checks.js';
import { registryPrefixProblems } from './registry-checks.js';
import { schedulingProblems } from './scheduling-checks.js';
import { parsedResourceMap, resourceMapProblems } from './resource-map-checks.js';
import {
  isContainerResourceName,
  isWholeUnitQuotaKey,
  quotaKeyProblem,
  unknownContainerResourceMessage,
} from './resource-names.js';

/**
 * What a schema cannot say about one NamespacePolicy. As for Departments, a part is read only once
 * `guard` calls it sound.
 */
export function namespacePolicyProblems(policy: NamespacePolicy, guard: SchemaGuard): FieldProblem[] {
  if (!guard.isSound('')) return [];
  const namespaced =
    guard.isSound('/metadata') && policy.metadata.namespace === undefined
      ? [{ field: '/metadata/namespace', message: 'a NamespacePolicy is namespaced: set metadata.namespace' }]
      : [];
  if (!guard.isSound('/spec')) return namespaced;
  const spec = policy.spec;
  return [
    ...namespaced,
    ...defaultsProblems(spec, guard),
    ...resourceMapProblems(spec.quota?.hard, '/spec/quota/hard', guard, {
      keyProblem: quotaKeyProblem,
      wholeUnits: isWholeUnitQuotaKey,
    }),
    ...imagesProblems(spec, guard),
    ...schedulingProblems(spec, guard),
  ];
}

const containerResourceRules = {
  keyProblem: (key: string) =>
    isContainerResourceName(key) ? undefined : unknownContainerResourceMessage(key),
};

function defaultsProblems(spec: NamespacePolicySpec, guard: SchemaGuard): FieldProblem[] {
  const requests = spec.defaults?.requests;
  const limits = spec.defaults?.limits;
  const problems = [
    ...resourceMapProblems(requests, '/spec/defaults/requests', guard, containerResourceRules),
    ...resourceMapProblems(limits, '/spec/defaults/limits', guard, containerResourceRules),
  ];
  if (!guard.isSound('/spec/defaults/requests') || !guard.isSound('/spec/defaults/limits')) return problems;
  const limitByKey = parsedResourceMap(limits);
  for (const [key, request] of parsedResourceMap(requests)) {
    const limit = limitByKey.get(key);
    if (limit === undefined || compareQuantities(request, limit) <= 0) continue;
    problems.push({
      field: joinPointer('/spec/defaults/requests', key),
      message: `the default request for ${key} (${String(requests?.[key])}) exceeds its default limit (${String(limits?.[key])})`,
    });
  }
  return problems;
}

function imagesProblems(spec: NamespacePolicySpec, guard: SchemaGuard): FieldProblem[] {
  const images = spec.images;
  const base = '/spec/images';
  return [
    ...duplicateProblems(
      images?.allowedRegistries,
      `${base}/allowedRegistries`,
      guard,
      normalizeRegistryPrefix,
    ),
    ...duplicateProblems(
      images?.deniedRegistries,
      `${base}/deniedRegistries`,
      guard,
      normalizeRegistryPrefix,
    ),
    ...registryPrefixProblems(images?.allowedRegistries, `${base}/allowedRegistries`, guard),
    ...registryPrefixProblems(images?.deniedRegistries, `${base}/deniedRegistries`, guard),
    ...duplicateProblems(images?.pullSecrets, `${base}/pullSecrets`, guard, (secret) => secret),
    ...allowedButDenied(images?.allowedRegistries, images?.deniedRegistries, guard),
  ];
}

/** An allowed prefix that a denied prefix covers allows nothing (denied wins): surely a mistake. */
function allowedButDenied(
  allowed: readonly string[] | undefined,
  denied: readonly string[] | undefined,
  guard: SchemaGuard,
): FieldProblem[] {
  const pointer = '/spec/images';
  if (allowed === undefined || denied === undefined) return [];
  if (!guard.isSound(`${pointer}/allowedRegistries`) || !guard.isSound(`${pointer}/deniedRegistries`))
    return [];
  const soundDenied = denied.filter((_, index) =>
    guard.isSound(joinPointer(pointer, 'deniedRegistries', index)),
  );
  return allowed.flatMap((prefix, index) => {
    const field = joinPointer(pointer, 'allowedRegistries', index);
    const blocker = guard.isSound(field)
      ? soundDenied.find((entry) => registryPrefixCovers(entry, prefix))
      : undefined;
    if (blocker === undefined) return [];
    return [
      { field, message: `"${prefix}" allows nothing: deniedRegistries has "${blocker}", and denied wins` },
    ];
  });
}
