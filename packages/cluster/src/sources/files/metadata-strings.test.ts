import { nonStringMetadataFields } from './metadata-strings.js';

describe('nonStringMetadataFields', () => {
  it('given text labels and annotations everywhere, finds nothing', () => {
    const deployment = {
      metadata: { labels: { app: 'web' }, annotations: { note: 'x' } },
      spec: { template: { metadata: { labels: { app: 'web' } } } },
    };
    expect(nonStringMetadataFields(deployment)).toEqual([]);
  });

  it("given a label kubectl reads as a boolean, names the object's own field", () => {
    expect(nonStringMetadataFields({ metadata: { labels: { backup: false } } })).toEqual([
      {
        field: '/metadata/labels/backup',
        message: expect.stringMatching(/^must be text, not false: .*quote the value$/),
      },
    ]);
  });

  it("given a workload's pod template label or a CronJob's templates' annotation that is not text, names each", () => {
    const deployment = { spec: { template: { metadata: { labels: { gpu: false } } } } };
    const cronJob = {
      spec: {
        jobTemplate: {
          metadata: { annotations: { 'a/b': 8 } },
          spec: { template: { metadata: { labels: { on: true } } } },
        },
      },
    };
    expect(nonStringMetadataFields(deployment).map((e) => e.field)).toEqual([
      '/spec/template/metadata/labels/gpu',
    ]);
    expect(nonStringMetadataFields(cronJob).map((e) => e.field)).toEqual([
      '/spec/jobTemplate/metadata/annotations/a~1b',
      '/spec/jobTemplate/spec/template/metadata/labels/on',
    ]);
  });

  it('given something that is not an object, finds nothing', () => {
    expect(nonStringMetadataFields(null)).toEqual([]);
    expect(nonStringMetadataFields({ spec: { template: 'x' } })).toEqual([]);
  });
});
