import type { PolicyProblem } from '@corral/policy';
import { parseAllDocuments } from 'yaml';

/** One YAML (or JSON) document of a file; `number` counts from 1. */
export interface SourceDocument {
  readonly file: string;
  readonly number: number;
  readonly value: unknown;
}

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
 * Every document of a file; empty documents are skipped, syntax errors become problems, and so does
 * a document that cannot be turned into values (an alias bomb: more than 100 alias expansions).
 * Merge keys (`<<: *base`) are read as kubectl reads them.
 */
export function parseDocuments(
  file: string,
  text: string,
): { documents: SourceDocument[]; problems: PolicyProblem[] } {
  const documents: SourceDocument[] = [];
  const problems: PolicyProblem[] = [];
  parseAllDocuments(text, { prettyErrors: true, merge: true }).forEach((document, index) => {
    const number = index + 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) problems.push(documentProblem(file, number, error.message));
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
