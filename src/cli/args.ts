/**
 * The one flag parser every subcommand uses. Why not node:util parseArgs: it rejects
 * `--refresh -5` with its own "argument is ambiguous" text, and it cannot say which number
 * rules a flag has. Here the token after a value flag is always its value (so `-5` reaches our
 * number parser and gets our message), and every failure is a UsageError with ONE line that the
 * command prints as `streamscope <cmd>: <line> (see streamscope <cmd> --help)`, exit code 2.
 *
 * Accepted shapes: `--name value`, `--name=value`, `-x value`, `--flag` (boolean), `-h`,
 * `--` (the rest are positionals). A repeated value flag keeps the last value, like parseArgs.
 */
import { StreamscopeError } from '../core/errors.js';

export class UsageError extends StreamscopeError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  /** `list`: a repeatable string flag, every value kept in order (`--fail-if a --fail-if b`). */
  type: 'string' | 'boolean' | 'list';
  /** One letter: `-h`. */
  short?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

/** `{ refresh: { type: 'string' } }` → `{ refresh?: string }`; booleans → `boolean`. */
export type FlagValues<S extends FlagSpecs> = {
  [K in keyof S]?: S[K]['type'] extends 'boolean'
    ? boolean
    : S[K]['type'] extends 'list'
      ? string[]
      : string;
};

export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  positionals: string[];
}

/** Edit distance, to suggest the flag that was meant (`--refesh` → `--refresh`). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function unknownFlag(token: string, specs: FlagSpecs): UsageError {
  const name = token.replace(/^-+/, '').split('=')[0];
  const near = Object.keys(specs)
    .map((k) => [k, distance(name, k)] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1])[0];
  return new UsageError(
    `unknown option ${printable(token.split('=')[0])}${near ? ` (did you mean --${near[0]}?)` : ''}`,
  );
}

/** A token as shown in a message: quoted, control characters made visible. */
function printable(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

export function parseFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: { positionals?: boolean } = {},
): ParsedFlags<S> {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map(
    Object.entries(specs)
      .filter(([, s]) => s.short)
      .map(([name, s]) => [s.short!, name]),
  );
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
      inline = eq >= 0 ? token.slice(eq + 1) : undefined;
      if (!Object.hasOwn(specs, name)) throw unknownFlag(token, specs);
    } else if (/^-[^-\d]/.test(token)) {
      name = byShort.get(token.slice(1, 2));
      if (!name || token.length > 2) throw unknownFlag(token, specs);
    } else {
      positionals.push(token);
      continue;
    }
    const spec = specs[name];
    if (spec.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`--${name} takes no value (got ${printable(inline)})`);
      values[name] = true;
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i++;
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (spec.type === 'list')
      values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else values[name] = value;
  }
  if (positionals.length > 0 && !options.positionals) {
    throw new UsageError(`unexpected argument ${printable(positionals[0])}`);
  }
  return { values: values as FlagValues<S>, positionals };
}

export interface NumberRule {
  /** Smallest allowed value. Default 1 (a positive number). */
  min?: number;
  /** Largest allowed value. Default Number.MAX_SAFE_INTEGER. */
  max?: number;
  /** Whole numbers only. Default true. */
  integer?: boolean;
  /** Shown after the number in the message: `ms`, `events`. */
  unit?: string;
}

/**
 * A number flag's value by the project's rules, or a UsageError naming the flag and the rule:
 * `--refresh: expected a whole number of ms from 1 to 86400000, got "-5"`. Accepts plain
 * decimal only (no hex, exponent, `Infinity`, empty string or spaces), so `1e3` is refused.
 */
export function parseNumberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  rule: NumberRule = {},
): number {
  if (raw === undefined) return fallback;
  const { min = 1, max = Number.MAX_SAFE_INTEGER, integer = true, unit } = rule;
  const kind = integer ? 'a whole number' : 'a number';
  const range =
    max === Number.MAX_SAFE_INTEGER ? (min === 0 ? ' ≥ 0' : ` ≥ ${min}`) : ` from ${min} to ${max}`;
  const want = `${kind}${unit ? ` of ${unit}` : ''}${range}`;
  const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  const n = Number(raw);
  if (!pattern.test(raw) || !Number.isFinite(n) || (integer && !Number.isSafeInteger(n))) {
    throw new UsageError(`--${name}: expected ${want}, got ${printable(raw)}`);
  }
  if (n < min || n > max) throw new UsageError(`--${name}: expected ${want}, got ${raw}`);
  return n;
}

/** The one line a command prints for a UsageError (stderr; the command then exits 2). */
export function usageLine(command: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const cmd = command ? `streamscope ${command}` : 'streamscope';
  return `${cmd}: ${msg.split('\n')[0]} (see ${cmd} --help)\n`;
}
