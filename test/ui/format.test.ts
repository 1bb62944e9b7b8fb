import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  fit,
  formatAge,
  formatBytes,
  formatCount,
  formatCountOf,
  formatRate,
  previewEvent,
  truncate,
} from '../../src/ui/format.js';
import { ev } from '../store/build.js';

describe('format', () => {
  it('counts with their noun: singular for exactly one', () => {
    expect(formatCountOf(1, 'group')).toBe('1 group');
    expect(formatCountOf(0, 'group')).toBe('0 groups');
    expect(formatCountOf(1200, 'entry', 'entries')).toBe('1,200 entries');
    expect(formatCountOf(1, 'entry', 'entries')).toBe('1 entry');
  });

  it('ages', () => {
    expect(
      [
        0,
        400,
        3249,
        9999,
        10_000,
        59_999,
        60_000,
        4 * 60_000 + 59_000,
        3_600_000,
        2 * 3_600_000 + 1,
        50 * 3_600_000,
      ].map(formatAge),
    ).toEqual(['0.0s', '0.4s', '3.2s', '9.9s', '10s', '59s', '1m', '4m', '1h', '2h', '2d']);
    expect(formatAge(null)).toBe('–');
    expect(formatAge(-5)).toBe('0.0s');
  });

  it('counts with thousands separators; ? for unknown', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(null)).toBe('?');
  });

  it('rates', () => {
    expect(formatRate(null)).toBe('?');
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.25)).toBe('0.3/s');
    expect(formatRate(12.4)).toBe('12/s');
    expect(formatRate(50_000)).toBe('50,000/s');
  });

  it('bytes', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });

  it('truncates by display width with …, and pads to exact widths', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('日本語テキスト', 5)).toBe('日本…');
    expect(displayWidth(fit('日本語テキスト', 5))).toBe(5);
    expect(fit('42', 5, 'right')).toBe('   42');
    expect(fit('x', 3)).toBe('x  ');
  });

  it('previews a payload on one line and caps huge values', () => {
    expect(previewEvent(ev(1, 'asset.discovered', { path: '/a.jpg' }))).toBe('n=1 path=/a.jpg');
    const huge = previewEvent(ev(2, 't', { blob: 'x'.repeat(1_000_000) }));
    expect(huge.length).toBeLessThan(300);
    expect(huge).toMatch(/blob=x+…/);
  });

  it('previews foreign entries by their raw fields', () => {
    expect(
      previewEvent({
        id: '1-0',
        type: null,
        event: null,
        fields: { temp: '21.5', unit: 'C' },
        bytes: 15,
      }),
    ).toBe('temp=21.5 unit=C');
  });
});
