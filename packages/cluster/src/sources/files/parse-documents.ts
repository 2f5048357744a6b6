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

/** Every document of a file; empty documents are skipped, syntax errors become problems. */
export function parseDocuments(
  file: string,
  text: string,
): { documents: SourceDocument[]; problems: PolicyProblem[] } {
  const documents: SourceDocument[] = [];
  const problems: PolicyProblem[] = [];
  parseAllDocuments(text, { prettyErrors: true }).forEach((document, index) => {
    const number = index + 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        problems.push({
          source: documentSource(file, number),
          kind: '(document)',
          name: '(unparsed)',
          field: '',
          message: error.message,
        });
      }
      return;
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) documents.push({ file, number, value });
  });
  return { documents, problems };
}
