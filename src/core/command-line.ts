/**
 * The monitor's `:` command line (k9s-style), pure: the verb table, parsing one line into a
 * command, and tab completion. The verbs that run a mutation take their wording from the
 * command-kind table (core/command-kinds.ts), so the `:` line, the keys and the CLI say the same;
 * `mark`, `unmark`, `undo` and `show` act on the monitor itself.
 *
 *   mark <rule>               mark every pending entry of the group the rule selects (whole PEL)
 *   unmark                    clear the marks
 *   ack | deadletter          act on the marked (or selected) entries; deadletter [reason=<text>]
 *   claim [<consumer>]        claim them for <consumer> (default: the most recently active other)
 *   delconsumer <name> [to=<other>]   delete a consumer; one holding entries moves them first
 *   setid <target>            reposition the group: 0, $, an ID, -1h, an ISO time, group:<other>
 *   redrive [rate=500/s]      redrive the marked (or selected) dead letters
 *   undo [<journal id>]       undo a journal record (default: the last undoable one)
 *   show <stream> [<group>]   show a stream/group in the pending pane
 *   history <stream>          open the history view of a stream (a type, all, dlq:<type>)
 *   goto <time|id>            move the history view's cursor to that entry (core/history-time.ts)
 *   range <from>..<to>        select that range in the history view (count and span in its title)
 *   replay [to=<p>|same|group=<g>] [speed=<s>]   the replay dialog for the history view's range
 */
import { commandKind, type CommandKind } from './command-kinds.js';
import { parseRule, type PelRule } from './pel-rule.js';
import { parseSetIdTarget } from './setid-target.js';
import { parseHistoryBound, parseHistoryRange, TIME_HELP } from './history-time.js';
import { parseSpeed, type ReplaySpeed, type ReplayTarget } from './replay-range.js';

export type CommandLineVerb =
  | 'mark'
  | 'unmark'
  | 'ack'
  | 'claim'
  | 'deadletter'
  | 'delconsumer'
  | 'setid'
  | 'redrive'
  | 'undo'
  | 'show'
  | 'history'
  | 'goto'
  | 'range'
  | 'replay';

export interface VerbSpec {
  verb: CommandLineVerb;
  /** The command kind it runs (its record gives the description), or null for a local verb. */
  kind: CommandKind | null;
  usage: string;
  /** One line for the completion list and the README. */
  description: string;
}

const LOCAL: Record<Exclude<CommandLineVerb, CommandKind>, Omit<VerbSpec, 'verb' | 'kind'>> = {
  mark: {
    usage: 'mark <rule>',
    description: 'Mark every pending entry of the group the rule selects (the whole PEL)',
  },
  unmark: { usage: 'unmark', description: 'Clear the marks' },
  show: { usage: 'show <stream> [<group>]', description: 'Show a stream/group in pane 3' },
  history: {
    usage: 'history <stream>',
    description: 'Open the history view of a stream (an event type, all, dlq:<type>)',
  },
  goto: {
    usage: 'goto <time|id>',
    description: `Move the history view to the first entry at or after it (${TIME_HELP})`,
  },
  range: {
    usage: 'range <from>..<to>',
    description: 'Select that range in the history view (times or IDs; title: count and span)',
  },
};

const USAGE: Partial<Record<CommandKind, string>> = {
  ack: 'ack',
  claim: 'claim [<consumer>]',
  deadletter: 'deadletter [reason=<text>]',
  delconsumer: 'delconsumer <name> [to=<other>]',
  setid: 'setid <0|$|id|-1h|time|group:<other>>',
  redrive: 'redrive [rate=<n>/s]',
  undo: 'undo [<journal id>]',
  'replay-range': 'replay [to=<prefix>|same|group=<name>] [speed=max|1|10]',
};

/** Kinds that act on something else than the marked or selected entries. */
const DESCRIPTION: Partial<Record<CommandKind, string>> = {
  delconsumer: 'Delete a consumer of the group; one holding entries moves them to another first',
  setid: 'Reposition the group (preview: how many entries are delivered again or skipped)',
  undo: 'Undo a journal record (default: the newest one that can be undone)',
  'replay-range':
    "Replay the history view's range (R): to a sandbox prefix (default), the same stream or a new group",
};

/** A verb whose kind has another name (`replay` of entries is the pending pane's kind). */
const KIND_OF: Partial<Record<CommandLineVerb, CommandKind>> = { replay: 'replay-range' };

/** The verbs of the `:` line, in the order completion lists them. */
export const VERB_ORDER: readonly CommandLineVerb[] = [
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
];

export function verbSpec(verb: CommandLineVerb): VerbSpec {
  if (verb in LOCAL) {
    const l = LOCAL[verb as keyof typeof LOCAL];
    return { verb, kind: null, ...l };
  }
  const kind = KIND_OF[verb] ?? (verb as CommandKind);
  const spec = commandKind(kind);
  return {
    verb,
    kind,
    usage: USAGE[kind] ?? verb,
    // "Acknowledge the marked … (XACK)": the kind's verb and the Redis commands it sends.
    description: `${DESCRIPTION[kind] ?? `${spec.verb} the marked or selected entries`} (${spec.redisCommands.join(', ')})`,
  };
}

export function verbSpecs(): VerbSpec[] {
  return VERB_ORDER.map(verbSpec);
}

export type CommandLineCommand =
  | { verb: 'mark'; rule: PelRule; ruleText: string }
  | { verb: 'unmark' }
  | { verb: 'ack' }
  | { verb: 'deadletter'; reason: string | null }
  | { verb: 'claim'; consumer: string | null }
  | { verb: 'delconsumer'; consumer: string; moveTo: string | null }
  | { verb: 'setid'; target: string }
  | { verb: 'redrive'; ratePerSec: number | null }
  | { verb: 'undo'; journalId: string | null }
  | { verb: 'show'; stream: string; group: string | null }
  | { verb: 'history'; stream: string }
  | { verb: 'replay'; target: ReplayTarget | null; speed: ReplaySpeed | null }
  | { verb: 'goto'; id: string }
  | { verb: 'range'; from: string; to: string };

/** What the monitor knows now, to check names and complete them. */
export interface CommandLineContext {
  /** Consumers of the group in pane 3 (null: no group shown). */
  consumers: readonly string[] | null;
  /** Groups of the stream in pane 3. */
  groups: readonly string[];
  /** Stream names as shown (prefix stripped). */
  streams: readonly string[];
  /** Groups of any stream, for `show <stream> <group>`. */
  groupsOf(stream: string): readonly string[];
  /** The clock for `-1h` / `10m ago` in goto and range (default: Date.now()). */
  nowMs?: number;
  /** The stream of the open history view (goto and range act on it); absent/null: none. */
  historyStream?: string | null;
  /**
   * With `--archive`: streams that have archived days (names without the prefix), also those
   * trimmed away entirely — `history` opens them too (read from the archive). Absent: none.
   */
  archivedStreams?: readonly string[];
}

export type CommandLineParse =
  { ok: true; command: CommandLineCommand } | { ok: false; error: string };

const fail = (error: string): CommandLineParse => ({ ok: false, error });

/** Split on spaces; `reason="two words"` keeps its quoted value as one word. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/"/g, ''));
  return out;
}

/** Edit distance (insert, delete, replace, swap of neighbours): for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

function closest(word: string, names: readonly string[]): string | null {
  const near = names.filter((n) => distance(word, n) <= 2);
  return near.length === 1 ? near[0] : null;
}

/** The streams `history` opens: those in Redis, and (with --archive) those with archived days. */
function historyStreams(ctx: CommandLineContext): string[] {
  const archived = (ctx.archivedStreams ?? []).filter((s) => !ctx.streams.includes(s));
  return [...ctx.streams, ...archived];
}

function unknownName(what: string, name: string, names: readonly string[]): string {
  const known = names.length ? names.join(', ') : 'none';
  return `no ${what} "${name}" (${what}s: ${known.length > 60 ? `${known.slice(0, 57)}…` : known})`;
}

function keyValue(word: string, key: string): string | null {
  return word.startsWith(`${key}=`) ? word.slice(key.length + 1) : null;
}

/** `500/s`, `500` → 500; null when it is not a positive number per second. */
export function parseRate(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

/** Parse one `:` line. Names are checked against what the monitor knows (one-line errors). */
export function parseCommandLine(text: string, ctx: CommandLineContext): CommandLineParse {
  const words = splitWords(text.trim().replace(/^:/, ''));
  if (words.length === 0) return fail('type a verb: ' + VERB_ORDER.join(', '));
  const [verb, ...args] = words;
  if (!(VERB_ORDER as readonly string[]).includes(verb)) {
    const near = closest(verb, VERB_ORDER);
    return fail(
      `unknown verb "${verb}"${near ? ` (did you mean ${near}?)` : ''}; verbs: ${VERB_ORDER.join(', ')}`,
    );
  }
  const usage = `usage: ${verbSpec(verb as CommandLineVerb).usage}`;
  const none = (): CommandLineParse | null =>
    args.length > 0 ? fail(`${verb} takes no arguments (${usage})`) : null;
  const needGroup = (): CommandLineParse | null =>
    ctx.consumers === null ? fail(`${verb}: no group shown; pick one in pane 3 (s)`) : null;
  switch (verb as CommandLineVerb) {
    case 'mark': {
      const ruleText = args.join(' ');
      const r = parseRule(ruleText);
      if (!r.ok) return fail(`mark: ${r.error}`);
      const bad = r.rule.terms.find(
        (t) => t.kind === 'consumer' && ctx.consumers !== null && !ctx.consumers.includes(t.name),
      );
      if (bad && bad.kind === 'consumer')
        return fail(`mark: ${unknownName('consumer', bad.name, ctx.consumers ?? [])}`);
      return { ok: true, command: { verb: 'mark', rule: r.rule, ruleText } };
    }
    case 'unmark':
      return none() ?? { ok: true, command: { verb: 'unmark' } };
    case 'ack':
      return none() ?? { ok: true, command: { verb: 'ack' } };
    case 'deadletter': {
      if (args.length > 1 || (args.length === 1 && keyValue(args[0], 'reason') === null))
        return fail(`deadletter: ${usage}`);
      const reason = args.length ? keyValue(args[0], 'reason') : null;
      if (reason === '') return fail('deadletter: reason= needs a text');
      return { ok: true, command: { verb: 'deadletter', reason } };
    }
    case 'claim': {
      if (args.length > 1) return fail(`claim: one consumer only (${usage})`);
      const g = needGroup();
      if (g) return g;
      const consumer = args[0] ?? null;
      if (consumer !== null && !ctx.consumers!.includes(consumer))
        return fail(
          `claim: ${unknownName('consumer', consumer, ctx.consumers!)}; claim targets an existing consumer`,
        );
      return { ok: true, command: { verb: 'claim', consumer } };
    }
    case 'delconsumer': {
      const g = needGroup();
      if (g) return g;
      const [name, rest, ...more] = args;
      if (!name || more.length > 0) return fail(`delconsumer: ${usage}`);
      if (!ctx.consumers!.includes(name))
        return fail(`delconsumer: ${unknownName('consumer', name, ctx.consumers!)}`);
      let moveTo: string | null = null;
      if (rest !== undefined) {
        moveTo = keyValue(rest, 'to');
        if (moveTo === null) return fail(`delconsumer: ${usage}`);
        if (moveTo === name) return fail('delconsumer: to= names the consumer itself');
        if (!ctx.consumers!.includes(moveTo))
          return fail(`delconsumer: ${unknownName('consumer', moveTo, ctx.consumers!)}`);
      }
      return { ok: true, command: { verb: 'delconsumer', consumer: name, moveTo } };
    }
    case 'setid': {
      const g = needGroup();
      if (g) return g;
      if (args.length !== 1) return fail(`setid: ${usage}`);
      const t = parseSetIdTarget(args[0]);
      if (!t.ok) return fail(t.error);
      if (t.target.kind === 'group' && !ctx.groups.includes(t.target.name))
        return fail(`setid: ${unknownName('group', t.target.name, ctx.groups)}`);
      return { ok: true, command: { verb: 'setid', target: args[0] } };
    }
    case 'redrive': {
      if (args.length > 1) return fail(`redrive: ${usage}`);
      if (args.length === 0) return { ok: true, command: { verb: 'redrive', ratePerSec: null } };
      const v = keyValue(args[0], 'rate');
      const rate = v === null ? null : parseRate(v);
      if (rate === null)
        return fail(
          `redrive: expected rate=<n>/s (e.g. rate=500/s), got ${JSON.stringify(args[0])}`,
        );
      return { ok: true, command: { verb: 'redrive', ratePerSec: rate } };
    }
    case 'undo': {
      if (args.length > 1) return fail(`undo: ${usage}`);
      return { ok: true, command: { verb: 'undo', journalId: args[0] ?? null } };
    }
    case 'show': {
      const [stream, group, ...more] = args;
      if (!stream || more.length > 0) return fail(`show: ${usage}`);
      if (!ctx.streams.includes(stream))
        return fail(`show: ${unknownName('stream', stream, ctx.streams)}`);
      const groups = ctx.groupsOf(stream);
      if (group !== undefined && !groups.includes(group))
        return fail(`show: ${unknownName('group', group, groups)}`);
      if (groups.length === 0) return fail(`show: stream ${stream} has no consumer groups`);
      return { ok: true, command: { verb: 'show', stream, group: group ?? null } };
    }
    case 'history': {
      if (args.length !== 1) return fail(`history: ${usage}`);
      const known = historyStreams(ctx);
      if (!known.includes(args[0]))
        return fail(`history: ${unknownName('stream', args[0], known)}`);
      return { ok: true, command: { verb: 'history', stream: args[0] } };
    }
    case 'goto':
    case 'range': {
      if (!ctx.historyStream)
        return fail(`${verb}: no history view open (:history <stream>, or h in pane 2)`);
      // `10m ago` is two words: the argument is the rest of the line.
      const rest = args.join(' ');
      const now = ctx.nowMs ?? Date.now();
      if (verb === 'goto') {
        if (rest === '') return fail(`goto: ${usage} (${TIME_HELP})`);
        const b = parseHistoryBound(rest, 'start', now, 'goto');
        return b.ok ? { ok: true, command: { verb: 'goto', id: b.id } } : fail(b.error);
      }
      const r = parseHistoryRange(rest, now);
      return r.ok
        ? { ok: true, command: { verb: 'range', from: r.from, to: r.to } }
        : fail(r.error);
    }
    case 'replay':
      if (!ctx.historyStream)
        return fail('replay: no history view open (:history <stream>, or h in pane 2)');
      return parseReplayArgs(args, usage);
  }
}

/** `to=<prefix>`, `same`, `group=<name>` (one of them), `speed=max|1|10|10x`. */
function parseReplayArgs(args: readonly string[], usage: string): CommandLineParse {
  let target: ReplayTarget | null = null;
  let speed: ReplaySpeed | null = null;
  for (const w of args) {
    const to = keyValue(w, 'to');
    const group = keyValue(w, 'group');
    const sp = keyValue(w, 'speed');
    let t: ReplayTarget;
    if (sp !== null) {
      try {
        speed = parseSpeed(sp);
      } catch {
        return fail(
          `replay: speed= must be max or a factor > 0 (1, 10, 10x), got ${JSON.stringify(sp)}`,
        );
      }
      continue;
    }
    if (to !== null) {
      if (to === '') return fail('replay: to= needs a sandbox prefix');
      t = { kind: 'prefix', prefix: to };
    } else if (group !== null) {
      if (group === '') return fail('replay: group= needs a name');
      t = { kind: 'group', group };
    } else if (w === 'same') t = { kind: 'same' };
    else return fail(`replay: unknown argument ${JSON.stringify(w)} (${usage})`);
    if (target) return fail('replay: one target only: to=<prefix>, same or group=<name>');
    target = t;
  }
  return { ok: true, command: { verb: 'replay', target, speed } };
}

// ── completion ─────────────────────────────────────────────────────────────────────────────

export interface Completion {
  /** The whole line after completing (unchanged when nothing fits). */
  text: string;
  /** Every candidate for the word being completed (shown under the line when > 1). */
  candidates: string[];
}

const RULE_STARTS = ['all', 'consumer=', 'idle>', 'idle>=', 'idle<', 'deliveries>=', 'id<='];

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0];
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The candidates for word number `index` (0: the verb) of a line whose words are `words`. */
function candidatesFor(words: readonly string[], index: number, ctx: CommandLineContext): string[] {
  if (index === 0) return [...VERB_ORDER];
  const verb = words[0] as CommandLineVerb;
  const consumers = ctx.consumers ?? [];
  switch (verb) {
    case 'mark':
      return [...RULE_STARTS, ...consumers.map((c) => `consumer=${c}`)];
    case 'claim':
      return index === 1 ? [...consumers] : [];
    case 'delconsumer':
      if (index === 1) return [...consumers];
      return index === 2 ? consumers.filter((c) => c !== words[1]).map((c) => `to=${c}`) : [];
    case 'setid':
      return index === 1 ? ['0', '$', '-1h', ...ctx.groups.map((g) => `group:${g}`)] : [];
    case 'redrive':
      return index === 1 ? ['rate=100/s', 'rate=500/s', 'rate=1000/s'] : [];
    case 'deadletter':
      return index === 1 ? ['reason='] : [];
    case 'show':
      if (index === 1) return [...ctx.streams];
      return index === 2 ? [...ctx.groupsOf(words[1])] : [];
    case 'history':
      return index === 1 ? historyStreams(ctx) : [];
    case 'goto':
      return index === 1 ? ['-1h', '-10m', 'now'] : [];
    case 'replay':
      return ['to=', 'same', 'group=', 'speed=max', 'speed=1', 'speed=10'];
    default:
      return [];
  }
}

/**
 * Tab: complete the last word of `text`. One candidate: it is filled in (with a space after a
 * verb or a whole name); several: their common prefix is filled in and all are listed.
 */
export function completeCommandLine(text: string, ctx: CommandLineContext): Completion {
  const endsWithSpace = text === '' || /\s$/.test(text);
  const words = splitWords(text);
  const index = endsWithSpace ? words.length : words.length - 1;
  const partial = endsWithSpace ? '' : words[words.length - 1];
  const all = candidatesFor(words, index, ctx);
  const candidates = [...new Set(all.filter((c) => c.startsWith(partial)))];
  if (candidates.length === 0) return { text, candidates: [] };
  const head = text.slice(0, text.length - partial.length);
  if (candidates.length === 1) {
    const c = candidates[0];
    // `consumer=`, `idle>`, `rate=`: the person types the rest, so no space after them.
    const open = /[=<>:]$/.test(c);
    return { text: head + c + (open ? '' : ' '), candidates };
  }
  return { text: head + commonPrefix(candidates), candidates };
}
