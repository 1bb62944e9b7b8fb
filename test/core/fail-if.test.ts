import { describe, expect, it } from 'vitest';
import {
  evaluate,
  FailIfUsageError,
  parseCondition,
  unknownScopes,
  type GroupFacts,
} from '../../src/core/fail-if.js';
import {
  thresholdsFromArgs,
  thresholdUsage,
  ThresholdUsageError,
} from '../../src/core/thresholds.js';

const g = (group: string, o: Partial<GroupFacts> = {}): GroupFacts => ({
  stream: 'alice:events:asset.processed',
  streamName: 'asset.processed',
  group,
  lag: 0,
  pending: 0,
  oldestPendingAgeMs: null,
  stuck: 0,
  ...o,
});

describe('--fail-if', () => {
  it('parses every metric, operator and scope', () => {
    expect(parseCondition('lag>1000')).toMatchObject({ metric: 'lag', op: '>', value: 1000 });
    expect(parseCondition('pending>=1,000')).toMatchObject({ metric: 'pending', value: 1000 });
    expect(parseCondition('pending-age>5m')).toMatchObject({ value: 300_000 });
    expect(parseCondition('stuck>0')).toMatchObject({ metric: 'stuck', value: 0 });
    expect(parseCondition('dlq>0')).toMatchObject({ metric: 'dlq' });
    expect(parseCondition('group=workers:lag>100')).toMatchObject({
      group: 'workers',
      stream: null,
    });
    expect(parseCondition('stream=asset.processed,group=w:lag<=1')).toMatchObject({
      group: 'w',
      stream: 'asset.processed',
      op: '<=',
    });
  });

  it('rejects malformed conditions with one line naming the problem', () => {
    for (const bad of [
      'lag>>1',
      'lag',
      'lagg>1',
      'lag>x',
      'pending-age>5 parsecs',
      'team=a:lag>1',
      'group=w:dlq>0',
    ]) {
      expect(() => parseCondition(bad), bad).toThrow(FailIfUsageError);
      try {
        parseCondition(bad);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
        expect((err as Error).message).toContain(JSON.stringify(bad));
      }
    }
  });

  it('names each group that fails, and nothing when all pass', () => {
    const groups = [g('thumbnailer', { lag: 1234 }), g('alice-main', { lag: 3 })];
    const failed = evaluate([parseCondition('lag>100')], groups, []);
    expect(failed.map((f) => f.detail)).toEqual(['thumbnailer on asset.processed: lag 1,234']);
    expect(evaluate([parseCondition('lag>5000')], groups, [])).toEqual([]);
    expect(evaluate([parseCondition('group=alice-main:lag>1')], groups, [])).toHaveLength(1);
  });

  it('pending-age, stuck and dlq', () => {
    const groups = [g('w', { oldestPendingAgeMs: 400_000, stuck: 2, pending: 7 })];
    const conds = ['pending-age>5m', 'stuck>0', 'pending>100', 'dlq>0'].map(parseCondition);
    const failed = evaluate(conds, groups, [{ type: 'asset.processed', length: 3 }]);
    expect(failed.map((f) => `${f.condition.text}: ${f.detail}`)).toEqual([
      'pending-age>5m: w on asset.processed: oldest pending 6m',
      'stuck>0: w on asset.processed: 2 stuck consumers',
      'dlq>0: 3 dead letters',
    ]);
  });

  it('an unknown group or stream scope is a usage error', () => {
    const groups = [g('workers')];
    expect(unknownScopes([parseCondition('group=nope:lag>1')], groups)).toEqual([
      '--fail-if "group=nope:lag>1": no group "nope" (groups: workers)',
    ]);
    expect(unknownScopes([parseCondition('stream=x:lag>1')], groups)).toHaveLength(1);
    expect(unknownScopes([parseCondition('group=workers:lag>1')], groups)).toEqual([]);
  });
});

describe('threshold flags', () => {
  it('defaults, durations and counts', () => {
    expect(thresholdsFromArgs({})).toEqual({
      lagWarn: 1000,
      pendingAgeWarnMs: 30_000,
      stuckAfterMs: 30_000,
    });
    expect(
      thresholdsFromArgs({ 'stuck-after': '1s', 'lag-warn': '10k', 'pending-age-warn': '2m' }),
    ).toEqual({
      lagWarn: 10_000,
      pendingAgeWarnMs: 120_000,
      stuckAfterMs: 1000,
    });
  });

  it('--stuck-after 0 and other nonsense are refused', () => {
    for (const v of [
      { 'stuck-after': '0' },
      { 'stuck-after': 'soon' },
      { 'lag-warn': '-1' },
      { 'pending-age-warn': '0s' },
    ])
      expect(() => thresholdsFromArgs(v)).toThrow(ThresholdUsageError);
  });

  it('help lines: an option wider than the column gets its own line, never runs into the text', () => {
    // status aligns at 21 columns, where `--pending-age-warn <d>` (24) does not fit.
    const narrow = thresholdUsage(21).split('\n');
    expect(narrow).toContain('  --pending-age-warn <d>');
    expect(narrow).toContain(
      `${' '.repeat(21)}mark a group whose oldest pending entry is this old (default 30s)`,
    );
    expect(narrow).toContain(
      '  --lag-warn <n>     mark a group whose lag is at least n entries (default 1000)',
    );
    for (const l of thresholdUsage(27).split('\n').filter(Boolean))
      expect(l).toMatch(/^ {2}--\S+ <\w> +\S/);
  });
});
