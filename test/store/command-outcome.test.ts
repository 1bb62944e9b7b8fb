/**
 * How a completed command is reported (issue 11): a kind that names no entries (a replayed range,
 * setid, undo) is not "0 asked, N done = partial"; nothing done is said plainly; a cancel is
 * not a failure; a list of entries that came back short still is.
 */
import { describe, expect, it } from 'vitest';
import { reduce } from '../../src/store/reducers.js';
import type { MonitorMessage } from '../../src/core/messages.js';
import { state, T0 } from './build.js';

const completed = (o: Partial<Extract<MonitorMessage, { type: 'CommandCompleted' }>>) =>
  reduce(state(), {
    type: 'CommandCompleted',
    command: 'replay-range',
    requested: 0,
    affected: 0,
    detail: '',
    at: T0,
    ...o,
  }).ui.notice;

describe('CommandCompleted outcome', () => {
  it('a replayed range reports what it did, against the range it covered', () => {
    expect(
      completed({ affected: 500, total: 500, detail: 'replayed 500 entries of 500 to s:t' }),
    ).toMatchObject({ level: 'ok', text: 'replayed 500 entries of 500 to s:t' });
    // Short of the range (entries trimmed meanwhile): a look is needed.
    expect(completed({ affected: 400, total: 500 })).toMatchObject({
      level: 'error',
      text: 'replay-range: 400 of 500 entries',
    });
  });

  it('zero asked and zero done is "nothing to do", not a failure and not a success', () => {
    expect(completed({})).toMatchObject({
      level: 'info',
      text: 'replay-range: nothing to do, nothing changed',
    });
    expect(completed({ total: 0, detail: 'replayed 0 entries of 0 to s:t' })).toMatchObject({
      level: 'info',
      text: 'replayed 0 entries of 0 to s:t',
    });
  });

  it('a kind with no entry list that changed something is a success (setid used to turn red)', () => {
    expect(
      completed({ command: 'setid', affected: 1, detail: 'moved group g to 0-0' }),
    ).toMatchObject({ level: 'ok' });
  });

  it('a cancel says how much was done, in the info colour', () => {
    expect(
      completed({
        affected: 120,
        total: 500,
        cancelled: true,
        detail: 'replay cancelled: copied 120 entries of 500',
      }),
    ).toMatchObject({ level: 'info', text: 'replay cancelled: copied 120 entries of 500' });
  });

  it('a list of entries that came back short is still red', () => {
    expect(
      completed({ command: 'ack', requested: 3, affected: 2, detail: 'acknowledged 2 of 3' }),
    ).toMatchObject({
      level: 'error',
    });
  });
});
