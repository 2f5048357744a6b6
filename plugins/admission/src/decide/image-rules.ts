import {
  imagePathAtOrUnderPrefix,
  imagePathMatchesPrefix,
  type Department,
  type NamespacePolicy,
} from '@corral/policy';
import { fail, pass, skip, type Decision } from './decision.js';
import { jsonTypeOf } from './container-lists.js';
import { allowedInBoth } from './image-allowed-prefixes.js';
import { isPinnedByDigest, parseImageRef, usesLatestTag, type ImageRef } from './image-ref.js';
import { containersOf, describeContainer, type ContainerAt, type JsonObject } from './pod-spec.js';

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
  /** What both lists allow, for messages (allowedInBoth); undefined when neither list is set. */
  readonly allowedInBoth?: readonly string[];
  readonly denied: readonly string[];
  readonly forbidLatestTag: boolean;
  readonly requireDigest: boolean;
}

/** Stands for "no department" / "no NamespacePolicy" as a WeakMap key. */
const NONE = {};
const policies = new WeakMap<object, WeakMap<object, ImagePolicy>>();

/**
 * The image policy of a department and a namespace's policy, built once per pair of objects (the
 * snapshot's policy objects are immutable: a change brings new objects, hence a new ImagePolicy).
 */
export function imagePolicyOf(
  department: Department | undefined,
  policy: NamespacePolicy | undefined,
): ImagePolicy {
  const byDepartment = policies.get(policy ?? NONE) ?? new WeakMap<object, ImagePolicy>();
  policies.set(policy ?? NONE, byDepartment);
  let built = byDepartment.get(department ?? NONE);
  if (built === undefined) {
    built = buildImagePolicy(department, policy);
    byDepartment.set(department ?? NONE, built);
  }
  return built;
}

function buildImagePolicy(
  department: Department | undefined,
  policy: NamespacePolicy | undefined,
): ImagePolicy {
  const images = policy?.spec.images;
  return Object.freeze({
    ...(department ? { department: department.metadata.name } : {}),
    ...allowedLists(department?.spec.images?.allowedRegistries, images?.allowedRegistries),
    denied: images?.deniedRegistries ?? [],
    forbidLatestTag: images?.forbidLatestTag ?? false,
    requireDigest: images?.requireDigest ?? false,
  });
}

function allowedLists(
  departmentAllowed: readonly string[] | undefined,
  namespaceAllowed: readonly string[] | undefined,
): Pick<ImagePolicy, 'departmentAllowed' | 'namespaceAllowed' | 'allowedInBoth'> {
  const both = allowedInBoth(departmentAllowed, namespaceAllowed);
  return {
    ...(departmentAllowed ? { departmentAllowed } : {}),
    ...(namespaceAllowed ? { namespaceAllowed } : {}),
    ...(both ? { allowedInBoth: both } : {}),
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

/** How a list's prefixes read: allowed ones cover only what lies under them, denied ones also their own repository. */
type PrefixList = 'allowed' | 'denied';

/**
 * @corral/policy's imagePathMatchesPrefix (allowed) or imagePathAtOrUnderPrefix (denied), memoised
 * (bounded): the same images and prefixes recur.
 */
function matches(ref: ImageRef, prefix: string, list: PrefixList): boolean {
  const key = `${list}\u0000${ref.host}/${ref.path}\u0000${prefix}`;
  let hit = matchCache.get(key);
  if (hit === undefined) {
    hit =
      list === 'allowed'
        ? imagePathMatchesPrefix(ref.host, ref.path, prefix)
        : imagePathAtOrUnderPrefix(ref.host, ref.path, prefix);
    if (matchCache.size >= MATCH_CACHE_LIMIT) matchCache.clear();
    matchCache.set(key, hit);
  }
  return hit;
}

const matchesAny = (ref: ImageRef, prefixes: readonly string[], list: PrefixList): string | undefined =>
  prefixes.find((prefix) => matches(ref, prefix, list));

/** One thing wrong with an image under a policy: the rule, and the message after "<container>: ". */
interface ImageProblem {
  readonly rule: string;
  readonly detail: string;
}

const NO_PROBLEM: readonly ImageProblem[] = Object.freeze([]);
const NO_IMAGE: readonly ImageProblem[] = Object.freeze([
  { rule: IMAGE_RULES.reference, detail: "no image given; set the container's image" },
]);

/** The problem of an image that is not a string: absent (or null), else of another JSON type. */
function notTextProblems(image: unknown): readonly ImageProblem[] {
  if (image === undefined || image === null) return NO_IMAGE;
  const detail =
    `image must be a string (got ${jsonTypeOf(image)}); ` +
    "set the container's image to a reference such as registry.example.com/app:1.2.3";
  return [{ rule: IMAGE_RULES.reference, detail }];
}

function registryProblem(ref: ImageRef, image: string, policy: ImagePolicy): ImageProblem | undefined {
  const denied = matchesAny(ref, policy.denied, 'denied');
  if (denied !== undefined) {
    return {
      rule: IMAGE_RULES.denied,
      detail: `image "${image}" comes from ${denied}, which this namespace denies; use another image`,
    };
  }
  const outside = [policy.departmentAllowed, policy.namespaceAllowed].some(
    (list) => list !== undefined && matchesAny(ref, list, 'allowed') === undefined,
  );
  if (!outside) return undefined;
  const allowed = policy.allowedInBoth ?? [];
  const fix =
    allowed.length > 0
      ? `push it under one of: ${allowed.join(', ')}`
      : `no registry is allowed in this namespace (${whyNoneAllowed(policy)}); ask your platform admins`;
  return { rule: IMAGE_RULES.registry, detail: `image "${image}" is not from an allowed registry; ${fix}` };
}

function whyNoneAllowed(policy: ImagePolicy): string {
  const department = `Department ${policy.department ?? '(none)'}'s`;
  if (policy.namespaceAllowed === undefined) return `${department} allowedRegistries is empty`;
  if (policy.departmentAllowed === undefined) return "its NamespacePolicy's allowedRegistries is empty";
  return `its NamespacePolicy's allowedRegistries and ${department} share none`;
}

function problemsOf(image: string, policy: ImagePolicy): readonly ImageProblem[] {
  const parsed = parseImageRef(image);
  if (!parsed.ok) return [{ rule: IMAGE_RULES.reference, detail: parsed.error }];
  const ref = parsed.value;
  const problems: ImageProblem[] = [];
  const registry = registryProblem(ref, image, policy);
  if (registry) problems.push(registry);
  if (policy.forbidLatestTag && usesLatestTag(ref)) {
    problems.push({
      rule: IMAGE_RULES.latest,
      detail: `image "${image}" uses :latest (or no tag); pin a version tag such as :1.2.3`,
    });
  }
  if (policy.requireDigest && !isPinnedByDigest(ref)) {
    problems.push({
      rule: IMAGE_RULES.digest,
      detail: `image "${image}" is not pinned by digest; append @sha256:<64 hex> (e.g. from your registry)`,
    });
  }
  return problems.length === 0 ? NO_PROBLEM : problems;
}

/** Per policy, each image's problems (bounded; images longer than a reference can be are not kept). */
const VERDICT_CACHE_LIMIT = 4096;
const CACHED_IMAGE_LENGTH = 512;
const verdicts = new WeakMap<ImagePolicy, Map<string, readonly ImageProblem[]>>();

function cachedProblemsOf(image: string, policy: ImagePolicy): readonly ImageProblem[] {
  if (image.length > CACHED_IMAGE_LENGTH) return problemsOf(image, policy);
  let cache = verdicts.get(policy);
  if (cache === undefined) {
    cache = new Map();
    verdicts.set(policy, cache);
  }
  let problems = cache.get(image);
  if (problems === undefined) {
    problems = problemsOf(image, policy);
    if (cache.size >= VERDICT_CACHE_LIMIT) cache.clear();
    cache.set(image, problems);
  }
  return problems;
}

const ALL_PASS: Decision = Object.freeze(pass(IMAGE_RULES.registry));

/**
 * Given a pod spec and the image policy, returns one failure per container and broken rule (naming
 * the container and the fix), or, when every image passes, one pass for the pod.
 */
export function checkImages(
  spec: JsonObject | undefined,
  policy: ImagePolicy,
  /** Which containers to check (default: all); the others pass unread. */
  include: (at: ContainerAt) => boolean = () => true,
): Decision[] {
  if (!restrictsImages(policy)) return [skip(IMAGE_RULES.registry, 'no image rules in this namespace')];
  const decisions: Decision[] = [];
  for (const at of containersOf(spec)) {
    if (!include(at)) continue;
    const image = at.container['image'];
    const problems = typeof image === 'string' ? cachedProblemsOf(image, policy) : notTextProblems(image);
    for (const problem of problems) {
      decisions.push(fail(problem.rule, `${describeContainer(at)}: ${problem.detail}`));
    }
  }
  return decisions.length === 0 ? [ALL_PASS] : decisions;
}

/** The images of a pod spec, as a list of strings (for UPDATE: did any image change?). */
export function imagesOf(spec: JsonObject | undefined): string[] {
  return containersOf(spec).map(containerImageKey);
}

/**
 * `containers/app="harbor.example.com/web/app:1"`: a container's list, name and image, as one key. The
 * image is JSON-quoted: the API server stores an image with a newline inside, and raw, one such image
 * would join (`\n`) like two containers' keys and pass an UPDATE that adds them as "unchanged".
 */
export function containerImageKey(at: ContainerAt): string {
  return `${at.list}/${String(at.container['name'])}=${JSON.stringify(at.container['image']) ?? 'none'}`;
}
