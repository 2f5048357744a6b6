import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('given rows, pads every column to its widest cell and trims line ends', () => {
    const text = renderTable(
      ['NAME', 'POOL'],
      [
        ['finance-a-1', 'finance'],
        ['gpu', ''],
      ],
    );
    expect(text).toBe('  NAME         POOL\n  finance-a-1  finance\n  gpu\n');
  });

  it('given no rows, prints only the header', () => {
    expect(renderTable(['A', 'B'], [])).toBe('  A  B\n');
  });
});
