import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFlags, parseNumberFlag, UsageError, usageLine } from '../../src/cli/args.js';

const SPECS = {
  refresh: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function cli(...argv: string[]) {
  const r = spawnSync(process.execPath, [main, ...argv], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('parseFlags', () => {
  it('reads --name value, --name=value, booleans and short flags', () => {
    expect(parseFlags(['--refresh', '500', '--json', '-h'], SPECS).values).toEqual({
      refresh: '500',
      json: true,
      help: true,
    });
    expect(parseFlags(['--refresh=250'], SPECS).values).toEqual({ refresh: '250' });
  });

  it('takes the token after a value flag as its value, even a negative number', () => {
    expect(parseFlags(['--refresh', '-5'], SPECS).values.refresh).toBe('-5');
  });

  it('names an unknown flag and suggests the closest known one', () => {
    expect(() => parseFlags(['--refesh', '1'], SPECS)).toThrow(
      new UsageError('unknown option "--refesh" (did you mean --refresh?)'),
    );
    expect(() => parseFlags(['-x'], SPECS)).toThrow('unknown option "-x"');
  });

  it('refuses a missing value, a value on a boolean and stray positionals', () => {
    expect(() => parseFlags(['--refresh'], SPECS)).toThrow('--refresh needs a value');
    expect(() => parseFlags(['--json=yes'], SPECS)).toThrow('--json takes no value (got "yes")');
    expect(() => parseFlags(['extra'], SPECS)).toThrow('unexpected argument "extra"');
    expect(parseFlags(['a', '--', '--json'], SPECS, { positionals: true }).positionals).toEqual([
      'a',
      '--json',
    ]);
  });
});

describe('parseNumberFlag', () => {
  it('parses plain decimal whole numbers within the range', () => {
    expect(parseNumberFlag('refresh', '500', 1000, { unit: 'ms' })).toBe(500);
    expect(parseNumberFlag('refresh', undefined, 1000)).toBe(1000);
    expect(parseNumberFlag('rate', '0', 200, { min: 0 })).toBe(0);
  });

  it('refuses negative, malformed and out-of-range numbers with its own message', () => {
    expect(() => parseNumberFlag('refresh', '-5', 1000, { max: 86_400_000, unit: 'ms' })).toThrow(
      '--refresh: expected a whole number of ms from 1 to 86400000, got -5',
    );
    for (const bad of ['', ' 5', '1e3', '0x10', 'Infinity', '1.5', 'five', '9007199254740993'])
      expect(() => parseNumberFlag('buffer', bad, 1)).toThrow(/^--buffer: expected a whole number/);
    expect(() => parseNumberFlag('port', '70000', 0, { max: 65535 })).toThrow(
      '--port: expected a whole number from 1 to 65535, got 70000',
    );
  });

  it('formats one line that points at --help', () => {
    expect(usageLine('tail', new UsageError('--x needs a value'))).toBe(
      'streamscope tail: --x needs a value (see streamscope tail --help)\n',
    );
  });
});

describe('every subcommand: a flag error is one line plus "see --help", exit 2 (real process)', () => {
  it.each([
    [
      ['--refresh', '-5'],
      'streamscope monitor: --refresh: expected a whole number of ms from 1 to 86400000, got -5 (see streamscope monitor --help)\n',
    ],
    [
      ['monitor', '--buffer', 'lots'],
      'streamscope monitor: --buffer: expected a whole number of events from 1 to 10000000, got "lots" (see streamscope monitor --help)\n',
    ],
    [
      ['tail', '--bogus'],
      'streamscope tail: unknown option "--bogus" (see streamscope tail --help)\n',
    ],
    [
      ['status', '--jsn'],
      'streamscope status: unknown option "--jsn" (did you mean --json?) (see streamscope status --help)\n',
    ],
    [
      ['demo', '--rate', '-1'],
      'streamscope demo: --rate: expected a whole number of events/s from 0 to 100000, got -1 (see streamscope demo --help)\n',
    ],
    [['nonsense'], 'streamscope: unknown command "nonsense" (see streamscope --help)\n'],
  ])('%j', (argv, line) => {
    const r = cli(...argv);
    expect(r.stderr).toBe(line);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
