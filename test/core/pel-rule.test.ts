import { describe, expect, it } from 'vitest';
import {
  describeRule,
  matchesRule,
  parseDurationMs,
  parseRule,
  ruleFromSelectors,
  scanBounds,
  type PelRule,
} from '../../src/core/pel-rule.js';
import { parseSetIdTarget } from '../../src/core/setid-target.js';
import type { PendingEntry } from '../../src/core/types.js';

const rule = (text: string): PelRule => {
  const r = parseRule(text);
  if (!r.ok) throw new Error(r.error);
  return r.rule;
};
const entry = (over: Partial<PendingEntry>): PendingEntry => ({
  id: '5-0',
  consumer: 'dead-1',
  idleMs: 600_000,
  deliveries: 3,
  ...over,
});

describe('the PEL rule language', () => {
  it('durations take ms s m h d', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('1.5h')).toBe(5_400_000);
    expect(parseDurationMs('2d')).toBe(172_800_000);
    expect(parseDurationMs('5')).toBeNull();
    expect(parseDurationMs('5y')).toBeNull();
  });

  it('terms combine with spaces (AND) and match pending entries', () => {
    const r = rule('consumer=dead-1 idle>5m deliveries>=3');
    expect(matchesRule(r, entry({}))).toBe(true);
    expect(matchesRule(r, entry({ consumer: 'w2' }))).toBe(false);
    expect(matchesRule(r, entry({ idleMs: 300_000 }))).toBe(false); // > is strict
    expect(matchesRule(r, entry({ deliveries: 2 }))).toBe(false);
    expect(matchesRule(rule('all'), entry({}))).toBe(true);
    expect(matchesRule(rule('idle<=10m'), entry({ idleMs: 600_000 }))).toBe(true);
    expect(matchesRule(rule('idle<10m'), entry({ idleMs: 600_000 }))).toBe(false);
    expect(matchesRule(rule('deliveries<3'), entry({}))).toBe(false);
  });

  it('id comparisons use stream-ID order, not string order', () => {
    const r = rule('id<=10-0');
    expect(matchesRule(r, entry({ id: '9-5' }))).toBe(true);
    expect(matchesRule(r, entry({ id: '10-0' }))).toBe(true);
    expect(matchesRule(r, entry({ id: '10-1' }))).toBe(false);
    expect(matchesRule(r, entry({ id: '100-0' }))).toBe(false);
    expect(matchesRule(rule('id>9'), entry({ id: '9-1' }))).toBe(true);
  });

  it('malformed rules give one clear line', () => {
    const err = (text: string) => {
      const r = parseRule(text);
      return r.ok ? null : r.error;
    };
    expect(err('idle>>5')).toBe('idle: one comparison only (> >= < <=), got ">>5"');
    expect(err('idle>5')).toBe(
      'idle: expected a duration with a unit (500ms, 30s, 5m, 1h, 2d), got "5"',
    );
    expect(err('deliveries>=three')).toBe('deliveries: expected a whole number, got "three"');
    expect(err('id<=abc')).toContain('id: not a stream ID');
    expect(err('idle')).toBe('idle: expected > >= < or <= then a value, got ""');
    expect(err('owner=x')).toBe(
      'unknown rule term "owner=x"; rules: all, consumer=<name>, idle>5m, deliveries>=3, id<=<stream id>',
    );
    expect(err('   ')).toContain('empty rule');
  });

  it('the server filters what it can: XPENDING range, IDLE, consumer', () => {
    expect(scanBounds(rule('consumer=dead-1 idle>5m id<=10-0 id>=3-0'))).toEqual({
      start: '3-0',
      end: '10-0',
      consumer: 'dead-1',
      minIdleMs: 300_001,
      empty: false,
    });
    expect(scanBounds(rule('idle<5m'))).toMatchObject({ minIdleMs: null, start: '0-0', end: '+' });
    expect(scanBounds(rule('consumer=a consumer=b')).empty).toBe(true);
    expect(scanBounds(rule('id<5-0 id>6-0')).empty).toBe(true);
    expect(scanBounds(rule('id<0-0')).empty).toBe(true);
  });

  it('CLI selectors build the same rule; no selector is an error', () => {
    const r = ruleFromSelectors({ consumer: 'dead-1', idle: '>5m', deliveries: '>=3' });
    expect(r.ok && describeRule(r.rule)).toBe('consumer=dead-1 idle>5m deliveries>=3');
    const ids = ruleFromSelectors({ ids: '1-0,2-0' });
    expect(ids.ok && matchesRule(ids.rule, entry({ id: '2-0' }))).toBe(true);
    expect(ids.ok && matchesRule(ids.rule, entry({ id: '3-0' }))).toBe(false);
    expect(ruleFromSelectors({})).toMatchObject({ ok: false });
    expect(ruleFromSelectors({ idle: '>>5' })).toEqual({
      ok: false,
      error: '--idle: one comparison only (> >= < <=), got ">>5"',
    });
    expect(ruleFromSelectors({ ids: '1-0,x' })).toEqual({
      ok: false,
      error: '--ids: not a stream ID: "x"',
    });
  });
});

describe('setid targets', () => {
  it('reads 0, $, IDs, -1h, ISO times and group:<other>', () => {
    expect(parseSetIdTarget('0')).toEqual({ ok: true, target: { kind: 'start' } });
    expect(parseSetIdTarget('$')).toEqual({ ok: true, target: { kind: 'end' } });
    expect(parseSetIdTarget('17-3')).toEqual({ ok: true, target: { kind: 'id', id: '17-3' } });
    expect(parseSetIdTarget('17')).toEqual({ ok: true, target: { kind: 'id', id: '17-0' } });
    expect(parseSetIdTarget('-1h')).toEqual({ ok: true, target: { kind: 'ago', ms: 3_600_000 } });
    expect(parseSetIdTarget('2026-12-01T10:40Z')).toEqual({
      ok: true,
      target: { kind: 'time', ms: Date.UTC(2026, 11, 1, 10, 40) },
    });
    expect(parseSetIdTarget('group:audit')).toEqual({
      ok: true,
      target: { kind: 'group', name: 'audit' },
    });
    expect(parseSetIdTarget('yesterday')).toMatchObject({ ok: false });
    expect(parseSetIdTarget('2026-12-01')).toMatchObject({ ok: false }); // no zone: ambiguous
    expect(parseSetIdTarget('group:')).toMatchObject({ ok: false });
  });
});
