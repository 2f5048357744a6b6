import { readFileSync } from 'node:fs';
import { renderCrdFiles } from './render-crds.js';

const committed = new URL('../../../../deploy/crds/', import.meta.url);

describe('deploy/crds', () => {
  it.each(renderCrdFiles().map((file) => [file.name, file.content]))(
    'given the schemas, the committed %s is what the generator writes',
    (name, content) => {
      let onDisk: string;
      try {
        onDisk = readFileSync(new URL(name, committed), 'utf8');
      } catch {
        throw new Error(`deploy/crds/${name} is missing: run \`make gen\` and commit the result`);
      }
      if (onDisk !== content) {
        throw new Error(
          `deploy/crds/${name} is out of date with packages/policy/src/schema: run \`make gen\``,
        );
      }
    },
  );
});
