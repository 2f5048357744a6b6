/**
 * Why nodes were refused, grouped for a person: the extender's FailedNodes reasons (`rule: message`,
 * several joined by `; `) by rule, and kube-scheduler's reasons by text, most frequent first.
 */
export interface RefusalGroup {
  /** The extender's rule name, or kube-scheduler's reason. */
  readonly rule: string;
  readonly nodes: readonly string[];
  /** One node's message, to show what the rule said. */
  readonly example: string;
}

const RULE_PREFIX = /(?:^|; )([a-z][a-z-]*): /g;

/** Splits `rule-a: message; rule-b: message` into its parts. */
export function splitReason(reason: string): { rule: string; message: string }[] {
  const starts = [...reason.matchAll(RULE_PREFIX)];
  if (starts.length === 0) return [{ rule: 'extender', message: reason }];
  return starts.map((match, i) => {
    const from = (match.index ?? 0) + match[0].length;
    const to = starts[i + 1]?.index ?? reason.length;
    return { rule: match[1] ?? 'extender', message: reason.slice(from, to) };
  });
}

/** Given refused nodes and their reasons, returns one group per rule, largest first. */
export function groupRefusals(reasons: Readonly<Record<string, readonly string[] | string>>): RefusalGroup[] {
  const groups = new Map<string, { nodes: string[]; example: string }>();
  for (const [node, reason] of Object.entries(reasons)) {
    const parts =
      typeof reason === 'string' ? splitReason(reason) : reason.map((r) => ({ rule: r, message: r }));
    for (const { rule, message } of parts) {
      const group = groups.get(rule) ?? { nodes: [], example: message };
      group.nodes.push(node);
      groups.set(rule, group);
    }
  }
  return [...groups.entries()]
    .map(([rule, group]) => ({ rule, nodes: group.nodes.sort(), example: group.example }))
    .sort((a, b) => b.nodes.length - a.nodes.length || a.rule.localeCompare(b.rule));
}

/**
 * The groups to print: the first `limit`, then any further group that names a node none of the
 * printed ones does, so that every refused node has at least one reason shown; and how many are left out.
 */
export function groupsToShow(
  groups: readonly RefusalGroup[],
  limit: number,
): { shown: RefusalGroup[]; hidden: number } {
  const covered = new Set<string>();
  const shown = groups.filter((group, index) => {
    const needed = index < limit || group.nodes.some((node) => !covered.has(node));
    if (needed) for (const node of group.nodes) covered.add(node);
    return needed;
  });
  return { shown, hidden: groups.length - shown.length };
}
