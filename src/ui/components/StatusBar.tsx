/** Rows the status bar takes: a second one for the reason while not connected. */
export function statusBarRows(conn: { state: string; reason: string | null }): number {
  return conn.state !== 'connected' && conn.reason ? 2 : 1;
}

/**
 * One line: connection state (and why not connected), events/s, events held, missed (red) and rotated out of the ring (dim),
 * age of the last snapshot, READ-ONLY. Segments that do not fit are left out, least
 * important first, so 80 columns still show what matters.
 */
import { Box, Text } from 'ink';
import {
  selectConnection,
  selectEventsPerSec,
  selectSnapshotStale,
} from '../../store/selectors.js';
import { displayWidth, formatAge, formatCount, truncate } from '../format.js';
import { useMonitorShallow } from '../hooks/use-monitor.js';
import { sanitize } from '../sanitize.js';
import { paint } from '../theme.js';

interface Segment {
  text: string;
  /** Higher stays longer when space is short. */
  priority: number;
}

export function fitSegments(segments: Segment[], width: number, sep = '  '): string {
  const kept = [...segments];
  const widthOf = (xs: Segment[]) =>
    xs.reduce((n, s) => n + displayWidth(s.text), 0) +
    displayWidth(sep) * Math.max(0, xs.length - 1);
  while (kept.length > 1 && widthOf(kept) > width) {
    let low = 0;
    for (let i = 1; i < kept.length; i++) if (kept[i].priority < kept[low].priority) low = i;
    kept.splice(low, 1);
  }
  return kept.map((s) => s.text).join(sep);
}

export function StatusBar({ width }: { width: number }) {
  const v = useMonitorShallow((s) => {
    const c = selectConnection(s);
    return {
      conn: c.state,
      loop: c.loop,
      attempt: c.attempt,
      reason: c.reason,
      rate: selectEventsPerSec(s),
      held: s.events.buffer.length,
      dropped: s.events.dropped,
      missed: s.events.missed,
      snapAge: s.snapshot.at === null ? null : s.now - s.snapshot.at,
      stale: selectSnapshotStale(s),
      readOnly: s.config.readOnly,
      cluster: s.snapshot.server?.cluster ?? null,
      oneIn: s.events.sampling?.oneIn ?? null,
      sampledBecause: s.events.sampling?.reason ?? null,
    };
  });
  const segs: Segment[] = [];
  if (v.readOnly) segs.push({ text: paint('badge', ' READ-ONLY '), priority: 100 });
  if (v.conn === 'connected') segs.push({ text: paint('ok', '● connected'), priority: 90 });
  else
    segs.push({
      text: paint(
        v.conn === 'connecting' ? 'warn' : 'bad',
        v.conn === 'connecting' ? '◌ connecting' : `✖ reconnecting (attempt ${v.attempt})`,
      ),
      priority: 90,
    });
  segs.push({ text: `${formatCount(v.rate)} ev/s`, priority: 80 });
  // Redis Cluster: the topology as of the last snapshot (a failover shows as a master's replica
  // becoming a master: one replica fewer).
  if (v.cluster) {
    const { masters, replicas } = v.cluster;
    segs.push({
      text: `cluster: ${masters} master${masters === 1 ? '' : 's'}, ${replicas} replica${replicas === 1 ? '' : 's'}`,
      priority: 65,
    });
    // --read-from replicas: say where the snapshot really read. A slot whose replica the client's
    // slot map does not name yet (just attached, or none at all) is read from its master.
    const reads = v.cluster.replicaReads;
    if (reads && reads.masters > 0)
      segs.push({
        text: paint(
          'warn',
          `reads: ${formatCount(reads.masters)}/${formatCount(reads.masters + reads.replicas)} on masters (${replicas === 0 ? 'no replicas' : 'no replica known'})`,
        ),
        // Below the snapshot age, above the topology: 80 columns still show both.
        priority: 68,
      });
    else if (reads) segs.push({ text: paint('dim', 'reads: replicas'), priority: 55 });
  }
  // Too fast to read every entry: counts stay exact (entries-added), rows are a sample. The
  // ratio is measured over the sampler's first second; until then the bar says so, not "1 in 1".
  if (v.oneIn !== null) {
    segs.push({
      text: paint(
        'warn',
        v.oneIn > 0 ? `sampling: 1 in ${formatCount(v.oneIn)} shown` : 'sampling: measuring',
      ),
      priority: 85,
    });
    if (v.sampledBecause)
      // Why (the auto rule or the flag): before "held", after the snapshot age.
      segs.push({ text: paint('dim', `(${sanitize(v.sampledBecause)})`), priority: 65 });
  }
  segs.push({ text: `held ${formatCount(v.held)}`, priority: 60 });
  if (v.missed > 0)
    segs.push({ text: paint('bad', `missed ${formatCount(v.missed)}`), priority: 85 });
  // Ring-buffer turnover is normal (the oldest held events make room): say so quietly. What the
  // tail could not read at all (missed, above) is the alarming number.
  if (v.dropped > 0)
    segs.push({ text: paint('dim', `rotated ${formatCount(v.dropped)}`), priority: 50 });
  segs.push({
    text:
      v.snapAge === null
        ? paint('dim', 'no snapshot yet')
        : v.stale
          ? paint('bad', `snapshot ${formatAge(v.snapAge)} ago STALE`)
          : `snapshot ${formatAge(v.snapAge)} ago`,
    priority: 70,
  });
  // While not connected, the reason (refused, auth, timeout…) gets a line of its own.
  // It names the loop that is away when the other one works (the tail and the snapshots recover
  // independently: events may flow while snapshots still wait for their next attempt).
  const who = v.loop === 'tail' ? 'live tail: ' : v.loop === 'poller' ? 'snapshots: ' : '';
  const reason =
    v.conn !== 'connected' && v.reason ? truncate(`  ${who}${sanitize(v.reason)}`, width) : null;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">{fitSegments(segs, width)}</Text>
      {reason ? (
        <Text wrap="truncate-end">{paint(v.conn === 'connecting' ? 'warn' : 'bad', reason)}</Text>
      ) : null}
    </Box>
  );
}
