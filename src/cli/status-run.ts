/**
 * One `status` pass (snapshot → lag estimates → report → --fail-if), and the --watch loop that
 * repeats it in place, keeping the lag history so it can show rates and the drain estimate.
 */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import type { ClusterFacts, StreamSnapshot } from '../core/messages.js';
import { sanitize } from '../core/sanitize.js';
import { evaluate, unknownScopes, type Condition } from '../core/fail-if.js';
import { recordSnapshot, type LagHistory } from '../core/lag-history.js';
import type { Thresholds } from '../core/thresholds.js';
import { snapshotStreams, StreamDiscovery } from '../streams/inspector.js';
import { estimateUnknownLags } from '../streams/lag-estimate.js';
import { buildReport, factsOf } from './status-report.js';
import { formatFailures, formatFindings, formatTable, formatThresholds } from './status-format.js';

export interface StatusPass {
  client: Redis;
  keys: KeySpace;
  /** Redacted server URL. */
  display: string;
  json: boolean;
  conditions: readonly Condition[];
  thresholds: Thresholds;
  /** --watch interval, ms; null for one pass. */
  watchMs: number | null;
  write(s: string): void;
  /** One line on stderr (exit 2 follows). */
  usageError(line: string): void;
  /** Redis Cluster: the topology, in the JSON document (the text has it in `display`). */
  cluster?: ClusterFacts | null;
  /** More checks after the snapshot (--check-global): JSON fields, text lines, failed → exit 1. */
  extra?: (
    streams: readonly StreamSnapshot[],
  ) => Promise<{ json: Record<string, unknown>; text: string; failed: boolean }>;
}

interface PassResult {
  /** 0 ok, 1 failed condition, 2 usage error (unknown scope). */
  code: number;
  output: string;
  history: LagHistory;
  /** Some group is behind (lag above 0 or unknown): its rates say whether it is slow. */
  behind: boolean;
}

/**
 * One pass has no rates (they are deltas of entries-added / entries-read), so a lagging group
 * could not be found slow nor given a drain estimate: a one-shot `status` with a group behind
 * takes a second snapshot this long after the first and reports that one.
 */
export const RATE_SAMPLE_MS = 1000;

async function onePass(
  p: StatusPass,
  history: LagHistory,
  discovery: StreamDiscovery,
): Promise<PassResult> {
  const found = await discovery.step(p.client, true);
  const snap = await snapshotStreams(p.client, p.keys, found.keys);
  const { streams, timeMs } = snap;
  // --read-from replicas: where this snapshot really read (see formatReplicaReads).
  const replicaReads = snap.cluster?.replicaReads;
  const cluster = p.cluster && replicaReads ? { ...p.cluster, replicaReads } : p.cluster;
  const { estimates, uncounted } = await estimateUnknownLags(p.client, streams);
  const next = recordSnapshot(history, streams, timeMs, { estimates });
  const report = buildReport({
    streams,
    timeMs,
    prefix: p.keys.prefix,
    thresholds: p.thresholds,
    estimates,
    uncounted,
    history: next,
  });
  const behind = report.groups.some((g) => g.lag !== 0);
  const scopeErrors = unknownScopes(p.conditions, factsOf(report));
  if (scopeErrors.length > 0) {
    for (const line of scopeErrors) p.usageError(line);
    return { code: 2, output: '', history: next, behind };
  }
  const failed = evaluate(p.conditions, factsOf(report), report.dlqs);
  const extra = p.extra ? await p.extra(streams) : null;
  const code = failed.length > 0 || extra?.failed ? 1 : 0;
  if (p.json) {
    const doc = {
      ...(cluster ? { cluster } : {}),
      ...extra?.json,
      streams,
      groups: report.groups,
      dlqs: report.dlqs,
      thresholds: p.thresholds,
      failed: failed.map((f) => ({ condition: f.condition.text, detail: f.detail })),
    };
    const text = p.watchMs === null ? JSON.stringify(doc, null, 2) : JSON.stringify(doc);
    return { code, output: `${text}\n`, history: next, behind };
  }
  const prefix = sanitize(p.keys.prefix);
  if (streams.length === 0) {
    const lines = [`no streams under "${prefix}" at ${p.display}`, ...formatFailures(failed)];
    if (extra?.text) lines.push('', extra.text);
    return { code, output: `${lines.join('\n')}\n`, history: next, behind };
  }
  const n = streams.length;
  const lines = [`${n} stream${n === 1 ? '' : 's'} under "${prefix}" at ${p.display}`];
  if (replicaReads) lines.push(formatReplicaReads(replicaReads, cluster?.replicas ?? 0));
  lines.push('', formatTable(streams, report, p.watchMs !== null));
  const findings = formatFindings(report);
  if (findings.length > 0) lines.push('', ...findings);
  if (findings.length > 0 || p.conditions.length > 0)
    lines.push('', formatThresholds(p.thresholds));
  if (failed.length > 0) lines.push('', ...formatFailures(failed));
  if (extra?.text) lines.push('', extra.text);
  return { code, output: `${lines.join('\n')}\n`, history: next, behind };
}

/**
 * `--read-from replicas` is a wish ioredis grants per slot: a slot whose replica the client's slot
 * map does not name (none attached, or not listed yet) is read from its master, silently. Say so.
 */
export function formatReplicaReads(
  reads: { replicas: number; masters: number },
  replicas: number,
): string {
  const total = reads.replicas + reads.masters;
  if (reads.masters === 0)
    return `reads: all ${total} streams from replicas (--read-from replicas)`;
  const why =
    replicas === 0 ? 'the cluster has no replica' : 'the slot map names no replica for their slot';
  return `reads: ${reads.masters} of ${total} streams from masters, ${why} (--read-from replicas)`;
}

/** Clear the screen and home the cursor (a TTY only): --watch reprints in place. */
const CLEAR = '\x1b[H\x1b[2J';

export async function runChecks(p: StatusPass): Promise<number> {
  const discovery = new StreamDiscovery(p.keys);
  if (p.watchMs === null) {
    let r = await onePass(p, {}, discovery);
    if (r.code !== 2 && r.behind) {
      await new Promise((resolve) => setTimeout(resolve, RATE_SAMPLE_MS));
      r = await onePass(p, r.history, discovery);
    }
    p.write(r.output);
    return r.code;
  }
  let history: LagHistory = {};
  let stop = false;
  let wake: (() => void) | null = null;
  const onSignal = () => {
    stop = true;
    wake?.();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tty = process.stdout.isTTY === true && !p.json;
  let code = 0;
  try {
    while (!stop) {
      const r = await onePass(p, history, discovery);
      if (r.code === 2) return 2;
      history = r.history;
      code = r.code;
      const stamp = `every ${p.watchMs / 1000}s · ${new Date().toISOString()} · ctrl+c stops\n`;
      p.write(tty ? `${CLEAR}${stamp}${r.output}` : p.json ? r.output : `${stamp}${r.output}\n`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, p.watchMs!).unref();
      });
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
