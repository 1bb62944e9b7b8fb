import { describe, expect, it } from 'vitest';
import { sanitize } from '../../src/ui/sanitize.js';

describe('sanitize', () => {
  it('leaves ordinary text, unicode and emoji alone (same string, fast path)', () => {
    const s = 'asset.discovered café 日本 🎉 path=/a\\b';
    expect(sanitize(s)).toBe(s);
  });

  it('shows a clear-screen escape sequence instead of executing it', () => {
    expect(sanitize('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(sanitize('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
  });

  it('escapes BEL, NUL, DEL and the named controls', () => {
    expect(sanitize('\x07\x00\x7f')).toBe('\\x07\\x00\\x7f');
    expect(sanitize('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
  });

  it('escapes C1 controls such as the 8-bit CSI (U+009B)', () => {
    expect(sanitize('\u009b31mred')).toBe('\\x9b31mred');
    expect(sanitize('\u0085\u009f')).toBe('\\x85\\x9f');
  });

  it('shows lone surrogates escaped, keeps valid pairs', () => {
    expect(sanitize('a\ud800b')).toBe('a\\ud800b');
    expect(sanitize('\udc00')).toBe('\\udc00');
    expect(sanitize('x\ud83c\udf89y')).toBe('x🎉y');
    expect(sanitize('end\ud83c')).toBe('end\\ud83c');
  });

  it('escapes bidi overrides and line separators that could reorder or break the screen', () => {
    expect(sanitize('abc\u202edcba')).toBe('abc\\u202edcba');
    expect(sanitize('a\u2028b')).toBe('a\\u2028b');
  });

  it("keeps the tail's \\xNN escapes for invalid UTF-8 visible as they are", () => {
    expect(sanitize('bin \\xff\\xfe')).toBe('bin \\xff\\xfe');
  });

  it('multiline keeps line breaks but still escapes everything else', () => {
    expect(sanitize('a\nb\x1b[2J', { multiline: true })).toBe('a\nb\\x1b[2J');
  });

  it('output never contains a control character', () => {
    let all = '';
    for (let c = 0; c < 0x100; c++) all += String.fromCharCode(c);

    expect(sanitize(all)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});
