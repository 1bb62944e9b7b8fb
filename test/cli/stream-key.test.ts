// `--stream` of the ops verbs: every name goes through core/keys.ts, so a dead-letter stream
// has its real name in both cluster layouts (the spread layout braces the type stream's name).
import { describe, expect, it } from 'vitest';
import { dlqKeyOf, streamKeyOf } from '../../src/cli/bulk-cli.js';
import { createKeySpace } from '../../src/core/keys.js';

describe('--stream <name> → key', () => {
  it('hash-tag layout: a type, all, dlq:<type>, a full key', () => {
    const ks = createKeySpace('{p}:');
    expect(streamKeyOf(ks, 't')).toBe('{p}:t');
    expect(streamKeyOf(ks, 'all')).toBe('{p}:all');
    expect(streamKeyOf(ks, 'dlq:t')).toBe('{p}:dlq:t');
    expect(streamKeyOf(ks, '{p}:x')).toBe('{p}:x');
    expect(dlqKeyOf(ks, 't')).toBe('{p}:dlq:t');
  });

  it('spread layout: dlq:<type> names the dead-letter stream that shares its type stream’s slot', () => {
    const ks = createKeySpace('p:', 'spread');
    expect(streamKeyOf(ks, 'dlq:t')).toBe('p:dlq:{p:t}');
    expect(dlqKeyOf(ks, 'dlq:t')).toBe('p:dlq:{p:t}');
    expect(dlqKeyOf(ks, 't')).toBe('p:dlq:{p:t}');
    expect(dlqKeyOf(ks, 'p:dlq:{p:t}')).toBe('p:dlq:{p:t}');
  });
});
