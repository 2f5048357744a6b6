import { imagePathMatchesPrefix, type Department, type NamespacePolicy } from '@corral/policy';
import { fail, pass, skip, type Decision } from './decision.js';
import { isPinnedByDigest, parseImageRef, usesLatestTag, type ImageRef } from './image-ref.js';
import { containersOf, describeContainer, type JsonObject } from './pod-spec.js';

/** Rule names, as they appear in messages and in the decisions metric. */
export const IMAGE_RULES = {
  reference: 'image-reference',
  registry: 'image-registry',
  denied: 'image-denied-registry',
  latest: 'image-forbid-latest',
  digest: 'image-require-digest',
} as const;

/** The image rules in force in one namespace: the department's list narrowed by the namespace's. */
export interface ImagePolicy {
  readonly department?: string;
  /** The department's allowed prefixes; undefined = the department restricts nothing. */
  readonly departmentAllowed?: readonly string[];
  /** The namespace's allowed prefixes, which narrow the department's; undefined = no narrowing. */
  readonly namespaceAllowed?: readonly string[];
  readonly denied: readonly string[];
  readonly forbidLatestTag: boolean;
  readonly requireDigest: boolean;
}

export function imagePolicyOf(
  department: Department | undefined,
  policy: NamespacePolicy | undefined,
): ImagePolicy {
  const images = policy?.spec.images;
  const departmentAllowed = department?.spec.images?.allowedRegistries;
  return {
    ...(department ? { department: department.metadata.name } : {}),
    ...(departmentAllowed ? { departmentAllowed } : {}),
    ...(images?.allowedRegistries ? { namespaceAllowed: images.allowedRegistries } : {}),
    denied: images?.deniedRegistries ?? [],
    forbidLatestTag: images?.forbidLatestTag ?? false,
    requireDigest: images?.requireDigest ?? false,
  };
}

/** Does this policy restrict anything at all? */
export function restrictsImages(policy: ImagePolicy): boolean {
  return (
    policy.departmentAllowed !== undefined ||
    policy.namespaceAllowed !== undefined ||
    policy.denied.length > 0 ||
    policy.forbidLatestTag ||
    policy.requireDigest
  );
}

const MATCH_CACHE_LIMIT = 8192;
const matchCache = new Map<string, boolean>();

/** @corral/policy's imagePathMatchesPrefix, memoised (bounded): the same images and prefixes recur. */
function matches(ref: ImageRef, prefix: string): boolean {
  const key = `${ref.host}/${ref.path}\u0000${prefix}`;
  let hit = matchCache.get(key);
  if (hit === undefined) {
    hit = imagePathMatchesPrefix(ref.host, ref.path, prefix);
    if (matchCache.size >= MATCH_CACHE_LIMIT) matchCache.clear();
    matchCache.set(key, hit);
  }
  return hit;
}

const matchesAny = (ref: ImageRef, prefixes: readonly string[]): string | undefined =>
  prefixes.find((prefix) => matches(ref, prefix));

function registryDecision(ref: ImageRef, where: string, image: string, policy: ImagePolicy): Decision {
  const denied = matchesAny(ref, policy.denied);
  if (denied !== undefined) {
    return fail(
      IMAGE_RULES.denied,
      `${where}: image "${image}" comes from ${denied}, which this namespace denies; use another image`,
    );
  }
  const lists = [policy.departmentAllowed, policy.namespaceAllowed].filter(
    (list): list is readonly string[] => list !== undefined,
  );
  const outside = lists.find((list) => matchesAny(ref, list) === undefined);
  if (outside !== undefined) {
    const allowed = (policy.namespaceAllowed ?? policy.departmentAllowed ?? []).join(', ') || '(none)';
    return fail(
      IMAGE_RULES.registry,
      `${where}: image "${image}" is not from an allowed registry; push it under one of: ${allowed}`,
    );
  }
  return pass(IMAGE_RULES.registry);
}

function imageDecisions(image: string, where: string, policy: ImagePolicy): Decision[] {
  const parsed = parseImageRef(image);
  if (!parsed.ok) return [fail(IMAGE_RULES.reference, `${where}: ${parsed.error}`)];
  const ref = parsed.value;
  const decisions = [registryDecision(ref, where, image, policy)];
  if (policy.forbidLatestTag && usesLatestTag(ref)) {
    decisions.push(
      fail(
        IMAGE_RULES.latest,
        `${where}: image "${image}" uses :latest (or no tag); pin a version tag such as :1.2.3`,
      ),
    );
  }
  if (policy.requireDigest && !isPinnedByDigest(ref)) {
    decisions.push(
      fail(
        IMAGE_RULES.digest,
        `${where}: image "${image}" is not pinned by digest; append @sha256:<64 hex> (e.g. from your registry)`,
      ),
    );
  }
  return decisions;
}

/** Given a pod spec and the image policy, returns one or more decisions per container. */
export function checkImages(spec: JsonObject | undefined, policy: ImagePolicy): Decision[] {
  if (!restrictsImages(policy)) return [skip(IMAGE_RULES.registry, 'no image rules in this namespace')];
  const decisions: Decision[] = [];
  for (const at of containersOf(spec)) {
    const image = at.container['image'];
    const where = describeContainer(at);
    if (typeof image !== 'string') {
      decisions.push(fail(IMAGE_RULES.reference, `${where}: no image given; set the container's image`));
      continue;
    }
    decisions.push(...imageDecisions(image, where, policy));
  }
  return decisions;
}

/** The images of a pod spec, as a list of strings (for UPDATE: did any image change?). */
export function imagesOf(spec: JsonObject | undefined): string[] {
  return containersOf(spec).map(
    (at) => `${at.list}/${String(at.container['name'])}=${String(at.container['image'])}`,
  );
}
