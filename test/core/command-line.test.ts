import { describe, expect, it } from 'vitest';
import { commandKind } from '../../src/core/command-kinds.js';
import {
  completeCommandLine,
  parseCommandLine,
  parseRate,
  splitWords,
  verbSpecs,
  type CommandLineContext,
} from '../../src/core/command-line.js';

const ctx: CommandLineContext = {
  consumers: ['dead-1', 'worker-1', 'worker-2'],
  groups: ['workers', 'audit'],
  streams: ['asset.discovered', 'asset.deleted', 'dlq:asset.discovered'],
  groupsOf: (s) => (s === 'asset.discovered' ? ['workers', 'audit'] : []),
};
const noGroup: CommandLineContext = { ...ctx, consumers: null, groups: [] };

const parsed = (text: string, c = ctx) => {
  const r = parseCommandLine(text, c);
  if (!r.ok) throw new Error(r.error);
  return r.command;
};
const error = (text: string, c = ctx) => {
  const r = parseCommandLine(text, c);
  if (r.ok) throw new Error(`parsed: ${JSON.stringify(r.command)}`);
  return r.error;
};

describe('the : command line', () => {
  it('the verbs that mutate take their wording from the command-kind table', () => {
    const specs = verbSpecs();
    expect(specs.map((s) => s.verb)).toEqual([
      'mark',
      'unmark',
      'ack',
      'claim',
      'deadletter',
      'delconsumer',
      'setid',
      'redrive',
      'undo',
      'show',
      'history',
      'goto',
      'range',
      'replay',
    ]);
    const claim = specs.find((s) => s.verb === 'claim')!;
    expect(claim.kind).toBe('claim');
    expect(claim.description).toContain(commandKind('claim').verb);
    expect(claim.description).toContain('XCLAIM');
    expect(specs.find((s) => s.verb === 'mark')!.kind).toBeNull();
  });

  it('parses every verb', () => {
    expect(parsed('mark idle>5m consumer=dead-1')).toMatchObject({
      verb: 'mark',
      ruleText: 'idle>5m consumer=dead-1',
    });
    expect(parsed(':unmark')).toEqual({ verb: 'unmark' });
    expect(parsed('ack')).toEqual({ verb: 'ack' });
    expect(parsed('claim worker-2')).toEqual({ verb: 'claim', consumer: 'worker-2' });
    expect(parsed('claim')).toEqual({ verb: 'claim', consumer: null });
    expect(parsed('deadletter reason="poison pill"')).toEqual({
      verb: 'deadletter',
      reason: 'poison pill',
    });
    expect(parsed('delconsumer dead-1 to=worker-1')).toEqual({
      verb: 'delconsumer',
      consumer: 'dead-1',
      moveTo: 'worker-1',
    });
    expect(parsed('setid -1h')).toEqual({ verb: 'setid', target: '-1h' });
    expect(parsed('setid group:audit')).toEqual({ verb: 'setid', target: 'group:audit' });
    expect(parsed('redrive rate=500/s')).toEqual({ verb: 'redrive', ratePerSec: 500 });
    expect(parsed('redrive')).toEqual({ verb: 'redrive', ratePerSec: null });
    expect(parsed('undo')).toEqual({ verb: 'undo', journalId: null });
    expect(parsed('undo 20261202-abc')).toEqual({ verb: 'undo', journalId: '20261202-abc' });
    expect(parsed('show asset.discovered audit')).toEqual({
      verb: 'show',
      stream: 'asset.discovered',
      group: 'audit',
    });
  });

  it('bad input is one readable line', () => {
    expect(error('mrak all')).toBe(
      'unknown verb "mrak" (did you mean mark?); verbs: mark, unmark, ack, claim, deadletter, delconsumer, setid, redrive, undo, show, history, goto, range, replay',
    );
    expect(error('mark idle>>5')).toBe('mark: idle: one comparison only (> >= < <=), got ">>5"');
    expect(error('mark')).toMatch(/^mark: empty rule/);
    expect(error('mark consumer=ghost')).toBe(
      'mark: no consumer "ghost" (consumers: dead-1, worker-1, worker-2)',
    );
    expect(error('claim ghost')).toBe(
      'claim: no consumer "ghost" (consumers: dead-1, worker-1, worker-2); claim targets an existing consumer',
    );
    expect(error('setid group:nope')).toBe('setid: no group "nope" (groups: workers, audit)');
    expect(error('setid yesterday')).toMatch(/^setid: cannot read "yesterday"/);
    expect(error('delconsumer dead-1 to=dead-1')).toBe(
      'delconsumer: to= names the consumer itself',
    );
    expect(error('redrive rate=fast')).toMatch(/^redrive: expected rate=<n>\/s/);
    expect(error('ack now')).toBe('ack takes no arguments (usage: ack)');
    expect(error('claim worker-1', noGroup)).toBe('claim: no group shown; pick one in pane 3 (s)');
    expect(error('show nope')).toMatch(/^show: no stream "nope"/);
    expect(error('')).toMatch(/^type a verb/);
  });

  it('completes verbs, rule terms, consumers, groups and streams', () => {
    expect(completeCommandLine('', ctx).candidates).toHaveLength(14);
    expect(completeCommandLine('ma', ctx)).toEqual({ text: 'mark ', candidates: ['mark'] });
    expect(completeCommandLine('d', ctx)).toEqual({
      text: 'de',
      candidates: ['deadletter', 'delconsumer'],
    });
    expect(completeCommandLine('mark consumer=d', ctx)).toEqual({
      text: 'mark consumer=dead-1 ',
      candidates: ['consumer=dead-1'],
    });
    expect(completeCommandLine('mark i', ctx).text).toBe('mark id');
    expect(completeCommandLine('mark idle>=', ctx).text).toBe('mark idle>=');
    expect(completeCommandLine('claim w', ctx)).toEqual({
      text: 'claim worker-',
      candidates: ['worker-1', 'worker-2'],
    });
    expect(completeCommandLine('delconsumer dead-1 ', ctx).candidates).toEqual([
      'to=worker-1',
      'to=worker-2',
    ]);
    expect(completeCommandLine('setid group:a', ctx).text).toBe('setid group:audit ');
    expect(completeCommandLine('show asset.di', ctx).text).toBe('show asset.discovered ');
    expect(completeCommandLine('show asset.discovered a', ctx).text).toBe(
      'show asset.discovered audit ',
    );
    expect(completeCommandLine('claim zz', ctx)).toEqual({ text: 'claim zz', candidates: [] });
  });

  it('words and rates', () => {
    expect(splitWords('a  b reason="x y"')).toEqual(['a', 'b', 'reason=x y']);
    expect(parseRate('500/s')).toBe(500);
    expect(parseRate('0/s')).toBeNull();
    expect(parseRate('x')).toBeNull();
  });
});
