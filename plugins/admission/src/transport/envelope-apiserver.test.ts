import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { loadAdmissionReview } from '../../../../test/support/fixtures.js';
import { warn, type Decision } from '../decide/decision.js';
import { parseReview, respond, respondToFailure } from './envelope.js';

/**
 * What kube-apiserver does with an answer's audit annotations and warnings, ported from its sources,
 * and properties saying that nothing the envelope answers is dropped there.
 */
const review = parseReview(loadAdmissionReview('admission-validating-pods-create-1'));

/** The webhook names of deploy/admission/webhooks.yaml. */
const WEBHOOK_NAMES = parseAllDocuments(
  readFileSync(new URL('../../../../deploy/admission/webhooks.yaml', import.meta.url), 'utf8'),
).flatMap((doc) => (doc.toJS() as { webhooks: { name: string }[] }).webhooks.map((hook) => hook.name));

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * k8s.io/apiserver admission `checkKeyFormat` (with validation.IsQualifiedName): the webhook
 * dispatchers record an audit annotation `k` of webhook `h` as `h.Name + "/" + k` only when this holds;
 * otherwise they log a warning and drop it.
 */
function apiserverKeepsAnnotation(key: string): boolean {
  const parts = key.split('/');
  if (parts.length !== 2) return false;
  const [prefix = '', name = ''] = parts;
  return (
    prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && name.length <= 63 && QUALIFIED_NAME_PART.test(name)
  );
}

/** Go's unicode.IsControl (category Cc), which net.NewWarningHeader refuses. */
const hasControl = (text: string) => /\p{Cc}/u.test(text);
/** A lone UTF-16 surrogate: not valid UTF-8 once encoded (Go reads it as U+FFFD, a broken character). */
const hasLoneSurrogate = (text: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);

/**
 * k8s.io/apiserver `filters/warning.go` recorder: the Warning headers a client gets for the given
 * warning texts, after `earlier` runes of warnings from elsewhere (other webhooks, the API itself).
 * Texts already recorded and texts with control characters are dropped; past 4096 runes, the rest.
 */
function warningHeaders(texts: readonly string[], earlier = 0): string[] {
  const recorded = new Set<string>();
  const shown: string[] = [];
  let written = earlier;
  let truncating = false;
  for (const text of texts) {
    if (text === '' || (written >= 4096 && truncating) || recorded.has(text)) continue;
    recorded.add(text);
    if (hasControl(text)) continue;
    const runes = [...text].length;
    if (written + runes <= 4096 || truncating) {
      written += runes;
      shown.push(text);
    } else {
      truncating = true; // replays the earlier ones (ours are far below its 256 runes each)
      written += runes;
      shown.push(text);
    }
  }
  return shown;
}

describe('audit annotations, as kube-apiserver records them', () => {
  it('finds the webhooks of the deploy manifests', () => {
    expect(WEBHOOK_NAMES).toContain('workloads.validate.corral.dev');
    expect(WEBHOOK_NAMES.length).toBeGreaterThanOrEqual(3);
  });

  it('given an audited violation, answers an annotation every webhook of ours can record', () => {
    const decisions: Decision[] = [{ rule: 'q', outcome: 'warn', message: 'over', audit: true }];
    const annotations = respond(review, { decisions }).response.auditAnnotations ?? {};
    expect(Object.keys(annotations)).not.toHaveLength(0);
    for (const key of Object.keys(annotations))
      for (const webhook of WEBHOOK_NAMES) expect(apiserverKeepsAnnotation(`${webhook}/${key}`)).toBe(true);
  });
});

/** Messages as rules write them, including user text (image names may hold any character). */
const word = fc.oneof(
  fc.constantFrom('pin', 'a', 'version', 'tag', 'such', 'as', ':1.2.3', 'containers[0]', '"b";', '🚀'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('\n', '\t', '\u0007', '\u009b', 'x\u001b[2J'),
);
const sentence = fc.array(word, { minLength: 1, maxLength: 60 }).map((words) => words.join(' '));
/** Long warnings that differ at the start and share their end, as one rule's do for two containers. */
const sameTail = fc
  .tuple(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 2, maxLength: 12 }), sentence)
  .map(([subjects, tail]) => subjects.map((subject) => `containers "${subject}": ${'x'.repeat(90)} ${tail}`));
const messages = fc.oneof(fc.array(sentence, { maxLength: 40 }), sameTail);

describe('warnings, as kube-apiserver passes them on', () => {
  it('given any warn decisions, every line is shown: printable, unique, under 120 characters, within the budget', () => {
    fc.assert(
      fc.property(messages, fc.nat(1024), (texts, earlier) => {
        const out = respond(review, { decisions: texts.map((text) => warn('r', text)) });
        const lines = out.response.warnings ?? [];
        for (const line of lines) {
          expect(line.length).toBeLessThan(120);
          expect(hasControl(line)).toBe(false);
          expect(hasLoneSurrogate(line)).toBe(false);
        }
        expect(warningHeaders(lines, earlier)).toEqual(lines);
      }),
      { numRuns: 400 },
    );
  });

  it('given two containers with the same long :latest warning, shows the fix of both', () => {
    const message = (name: string) =>
      `containers[0] "${name}": image "harbor.example.com/web/shop:latest" uses :latest (or no tag); pin a version tag such as :1.2.3`;
    const lines =
      respond(review, {
        decisions: [warn('image-forbid-latest', message('a')), warn('image-forbid-latest', message('b'))],
      }).response.warnings ?? [];
    expect(warningHeaders(lines)).toEqual(lines);
    expect(lines.filter((line) => line.endsWith(':1.2.3'))).toHaveLength(2);
  });

  it('given a warning with a newline in an image name, shows it escaped rather than not at all', () => {
    const lines =
      respond(review, {
        decisions: [warn('image-reference', 'image "a\nb:1" is not a valid image reference')],
      }).response.warnings ?? [];
    expect(lines).toEqual(['[image-reference] image "a\\nb:1" is not a valid image reference']);
  });

  it('given more warnings than kube-apiserver passes on, says how many are left out', () => {
    const texts = Array.from({ length: 60 }, (_, i) => `warning ${i} ${'w '.repeat(50)}`);
    const lines =
      respond(review, { decisions: texts.map((text) => warn('r', text)) }).response.warnings ?? [];
    expect(warningHeaders(lines, 1024)).toEqual(lines);
    expect(lines.at(-1)).toMatch(/^… \d+ more warnings not shown/);
  });

  it('given a failure in warn mode, warns with the whole message, its advice included', () => {
    const what = 'too many quota reservations in flight for department-a-rather-long-department-name; retry';
    const lines = respondToFailure(review, true, what).response.warnings ?? [];
    expect(lines.join(' ')).toMatch(/tell a platform admin$/);
    for (const line of lines) expect(line.length).toBeLessThan(120);
  });
});
