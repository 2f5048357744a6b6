import { DEPARTMENT_LABEL, resolveConflicts, type Department, type PolicySet } from '@corral/policy';
import { usageUnits, type ClusterSnapshot } from '@corral/cluster';
import { warn, type Decision } from './decision.js';
import { holdings } from './namespace-labels.js';

/** The rule of the warnings about namespaces a Department write moves. */
export const DEPARTMENT_MOVES_RULE = 'department-namespaces';

const MAX_LISTED = 5;

type Policies = Omit<PolicySet, 'source'>;

function moveText(namespace: string, held: string, from?: string, to?: string): string {
  if (from !== undefined && to !== undefined)
    return `${namespace}: ${held} move from department ${from} to ${to}`;
  if (to !== undefined) return `${namespace}: ${held} join department ${to}`;
  return `${namespace}: ${held} leave department ${from ?? ''} and fall under no department`;
}

/**
 * What a Department write does to the namespaces that hold pods or claims, as warnings the admin sees
 * at once: those its new namespaceSelector drops leave its quota, image rules and placement (for
 * another department's, or for none: then a namespace still labelled for it, which the selector no
 * longer picks, says so), and those it picks up take their usage into its quota. Running pods keep
 * their nodes until recreated. Given the policy set before and after the write; empty when no
 * namespace with usage changes department.
 */
export function departmentMoves(
  department: Department,
  before: Policies,
  after: Policies,
  view: Pick<ClusterSnapshot, 'usageOfNamespace'>,
): Decision[] {
  const name = department.metadata.name;
  const owners = resolveConflicts(before).namespaceOwners;
  const next = resolveConflicts(after).namespaceOwners;
  const messages: string[] = [];
  let pods = false;
  for (const namespace of after.namespaces) {
    const from = owners.get(namespace.name);
    const to = next.get(namespace.name);
    if (from === to || (from !== name && to !== name)) continue;
    const usage = view.usageOfNamespace(namespace.name);
    if (usage.size === 0) continue;
    pods ||= usageUnits(usage, 'pods') > 0n;
    let text = moveText(namespace.name, holdings(usage), from, to);
    if (to === undefined && namespace.labels?.[DEPARTMENT_LABEL] === name)
      text += `, though labelled ${DEPARTMENT_LABEL}=${name}`;
    messages.push(text);
  }
  if (messages.length === 0) return [];
  const shown = messages.slice(0, MAX_LISTED);
  if (messages.length > MAX_LISTED) shown.push(`and ${messages.length - MAX_LISTED} more namespaces`);
  if (pods) shown.push('running pods keep their nodes until recreated');
  return shown.map((message) => warn(DEPARTMENT_MOVES_RULE, message));
}
