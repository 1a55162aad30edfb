import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDiff, formatMs, formatShape } from './format';

describe('format', () => {
  it('formats counts, bytes and times', () => {
    expect(formatCount(115712)).toBe('115,712');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(467328)).toBe('456.4 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(2345)).toBe('2.35 s');
    expect(formatShape([2, 17, 64])).toBe('[2, 17, 64]');
  });

  it('writes differences so that Number() reads them back', () => {
    for (const d of [0, 3.1e-7, 9.5e-5, 0.25, 12]) {
      expect(Math.abs(Number(formatDiff(d)) - d)).toBeLessThanOrEqual(d * 0.05);
    }
    expect(formatDiff(Infinity)).toBe('∞');
    expect(formatDiff(NaN)).toBe('NaN');
  });
});
