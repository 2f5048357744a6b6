import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readText, ROOT } from './doc-files.js';

const SOURCE = 'plugins/admission/src';

/** The admission service's source files, tests and built code aside. */
function sourceFiles(dir = SOURCE): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Every rule name the code gives a decision, as the `rule` label of corral_admission_decisions_total:
 * the constants that name rules (`…_RULE = '…'`, `…_RULES = { … }`, `SKIP = '…'`) and names written
 * straight into a decision (`skip('image-registry', …)`).
 */
function ruleNamesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/const [A-Z_]*(?:RULE|SKIP)\b[^=]*= '([^']+)'/g))
    names.add(match[1] ?? '');
  for (const match of text.matchAll(/const [A-Z_]*RULES\b[^=]*= \{([^}]*)\}/g)) {
    for (const quoted of (match[1] ?? '').matchAll(/'([^']+)'/g)) names.add(quoted[1] ?? '');
  }
  for (const match of text.matchAll(/\b(?:pass|fail|warn|skip|error)\('([^']+)'/g)) names.add(match[1] ?? '');
  return [...names];
}

/** The rule names the first column of docs/admission.md's "Rules and messages" table lists. */
function documentedRules(): Set<string> {
  const doc = readText('docs/admission.md');
  const section = doc.slice(doc.indexOf('## Rules and messages'));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) {
      if (names.size > 0) break;
      continue;
    }
    const first = line.split('|')[1] ?? '';
    for (const match of first.matchAll(/`([^`]+)`/g)) names.add(match[1] ?? '');
  }
  return names;
}

describe('ruleNamesIn', () => {
  it('given rule constants and decisions written with a literal name, returns each name', () => {
    const text = [
      "export const MUTATE_RULE = 'pod-defaults';",
      "const SKIP = 'validate';",
      "export const QUOTA_RULES = { namespace: 'namespace-quota', department: 'department-quota' } as const;",
      "return [skip('image-registry', 'images unchanged')];",
      "const other = 'not-a-rule';",
    ].join('\n');
    expect(ruleNamesIn(text).sort()).toEqual([
      'department-quota',
      'image-registry',
      'namespace-quota',
      'pod-defaults',
      'validate',
    ]);
  });
});

describe('docs/admission.md "Rules and messages" against the code', () => {
  it('lists every rule name the admission service reports (the decisions metric’s rule label)', () => {
    const inCode = new Set(sourceFiles().flatMap((path) => ruleNamesIn(readText(path))));
    expect(inCode).toContain('validate');
    expect(inCode).toContain('image-reference');
    const documented = documentedRules();
    const missing = [...inCode].filter((name) => !documented.has(name)).sort();
    expect(missing, 'rules reported by plugins/admission but missing from the table').toEqual([]);
  });
});
