import { describe, expect, it } from 'vitest';
import { progressDetail } from './progress-text';

describe('progressDetail', () => {
  it('shows images/s during evaluation', () => {
    expect(progressDetail({ stage: 'merged · digits', done: 64, total: 400, unit: 'images', perSecond: 12.3456 })).toBe('64 of 400 images · 12.3 images/s');
    expect(progressDetail({ stage: 's', done: 64, total: 400, unit: 'images', perSecond: 141.7 })).toBe('64 of 400 images · 142 images/s');
    expect(progressDetail({ stage: 's', done: 1, total: 4, unit: 'images', perSecond: 0.5 })).toBe('1 of 4 images · 0.5 images/s');
  });

  it('leaves the rate out when none was measured, and for bytes', () => {
    expect(progressDetail({ stage: 's', done: 3, total: 9, unit: 'tensors' })).toBe('3 of 9 tensors');
    expect(progressDetail({ stage: 's', done: 0, total: 9, unit: 'images', perSecond: 0 })).toBe('0 of 9 images');
    expect(progressDetail({ stage: 's', done: 1, total: 2, unit: 'bytes', perSecond: 5 })).not.toContain('/s');
    expect(progressDetail({ stage: 's', done: 1, total: 2 })).toBe('');
  });
});
