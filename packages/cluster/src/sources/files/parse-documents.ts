import type { PolicyProblem } from '@corral/policy';
import { LineCounter, parseAllDocuments } from 'yaml';
import { readAsKubectl } from './yaml-as-kubectl.js';

/** One YAML (or JSON) document of a file; `number` counts from 1. */
export interface SourceDocument {
  readonly file: string;
  readonly number: number;
  readonly value: unknown;
}

/** How problems name a document: `FILE (document N)`. */
export function documentSource(file: string, number: number): string {
  return `${file} (document ${number})`;
}

const documentProblem = (file: string, number: number, message: string): PolicyProblem => ({
  source: documentSource(file, number),
  kind: '(document)',
  name: '(unparsed)',
  field: '',
  message,
});

/**
 * Every document of a file, read as `kubectl apply` reads it (YAML 1.1 as go-yaml v2 resolves it:
 * yaml-as-kubectl.ts); empty documents are skipped. Syntax errors (with their line) become
 * problems, and so do duplicate keys, what kubectl would refuse or readers disagree on, and a
 * document that cannot be turned into values (an alias bomb: more than 100 alias expansions).
 */
export function parseDocuments(
  file: string,
  text: string,
): { documents: SourceDocument[]; problems: PolicyProblem[] } {
  const documents: SourceDocument[] = [];
  const problems: PolicyProblem[] = [];
  const lines = new LineCounter();
  const options = {
    prettyErrors: true,
    merge: true,
    version: '1.1',
    uniqueKeys: false,
    lineCounter: lines,
  } as const;
  parseAllDocuments(text, options).forEach((document, index) => {
    const number = index + 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) problems.push(documentProblem(file, number, error.message));
      return;
    }
    const refused = readAsKubectl(document, lines);
    if (refused.length > 0) {
      for (const message of refused) problems.push(documentProblem(file, number, message));
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      problems.push(documentProblem(file, number, `cannot read the YAML: ${reason}`));
      return;
    }
    if (value !== null && value !== undefined) documents.push({ file, number, value });
  });
  return { documents, problems };
}
