// The error codes operators see, held to the documentation they look them up in: every CSI_ERR_* code of
// the CSI driver has a row in docs/csi-ceph.md's code table with the gRPC status the driver answers, and
// every EXT_ERR_* code of the scheduler extender is named in docs/scheduler-extender.md.
import { status } from '@grpc/grpc-js';
import { CSI_ERR, CsiError, grpcStatusFor } from '../../plugins/csi-ceph/src/errors.js';
import { EXT_ERR } from '../../plugins/scheduler-extender/src/errors.js';
import { readText } from './doc-files.js';

/** Rows `| \`CSI_ERR_X\` | STATUS … | meaning |`: code → the status cell. */
function codeTableRows(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const match = /^\|\s*`(CSI_ERR_[A-Z_]+)`\s*\|([^|]*)\|/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) rows.set(match[1], match[2].trim());
  }
  return rows;
}

type CsiCode = (typeof CSI_ERR)[keyof typeof CSI_ERR];

/** The status name the driver answers for `code` from `rpc` (CreateVolume: any RPC but Probe). */
const statusName = (code: CsiCode, rpc = 'CreateVolume'): string =>
  status[grpcStatusFor(new CsiError(code, 'x'), rpc).code];

describe('the code table helper', () => {
  it('given table rows, returns each code with its status cell', () => {
    const table = '| code | status | meaning |\n| --- | --- | --- |\n| `CSI_ERR_A` | NOT_FOUND | gone |';
    expect([...codeTableRows(table)]).toEqual([['CSI_ERR_A', 'NOT_FOUND']]);
  });
});

describe('docs/csi-ceph.md against plugins/csi-ceph/src/errors.ts', () => {
  const rows = codeTableRows(readText('docs/csi-ceph.md'));
  const codes: string[] = Object.values(CSI_ERR);

  it('given the catalogue, has a row for every CSI_ERR_* code and none for a code that does not exist', () => {
    expect(codes.length).toBeGreaterThan(20);
    expect(
      codes.filter((code) => !rows.has(code)),
      'codes without a row',
    ).toEqual([]);
    expect(
      [...rows.keys()].filter((code) => !codes.includes(code)),
      'rows of unknown codes',
    ).toEqual([]);
  });

  it('given each row, its status is the one the driver answers (Probe aside, noted in the cell)', () => {
    expect(statusName(CSI_ERR.DEVICE_NOT_GROWN)).toBe('UNAVAILABLE');
    const wrong = Object.values(CSI_ERR)
      .filter((code) => rows.has(code) && !rows.get(code)?.startsWith(statusName(code)))
      .map((code) => `${code}: table "${rows.get(code)}", driver ${statusName(code)}`);
    expect(wrong).toEqual([]);
  });

  it('given the codes Probe answers differently, the row says what Probe answers', () => {
    const probe = Object.values(CSI_ERR).filter((code) => statusName(code, 'Probe') !== statusName(code));
    expect(probe).toContain(CSI_ERR.CEPH_UNAVAILABLE);
    const missing = probe.filter((code) => !rows.get(code)?.includes(`Probe: ${statusName(code, 'Probe')}`));
    expect(missing).toEqual([]);
  });
});

describe('docs/scheduler-extender.md against plugins/scheduler-extender/src/errors.ts', () => {
  it('given every EXT_ERR_* code, the page names it', () => {
    const page = readText('docs/scheduler-extender.md');
    const codes: string[] = Object.values(EXT_ERR);
    expect(codes).toContain('EXT_ERR_NOT_SYNCED');
    expect(codes.filter((code) => !page.includes(`\`${code}`))).toEqual([]);
  });
});
