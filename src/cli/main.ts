#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * Composition root: argv → subcommand. Each subcommand module exports
 * `run(argv: string[]): Promise<number>` (the exit code) and is loaded on demand, so `tail`
 * and `status` never pay for React/Ink.
 *
 * The shebang's `--max-semi-space-size=2` (also in `npm start`): V8's young generation grows to
 * 3 × 16 MB by default, and at tens of thousands of events/s the monitor fills it between
 * scavenges, so peak RSS sat at 165–190 MB; with 2 MB semi-spaces it stays under 150 MB for about
 * the same CPU (bench/RESULTS.md, keepup). Heap sizes cannot be changed once Node runs
 * (v8.setFlagsFromString has no effect on them), hence the flag on the command line.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boundInkTextCache } from './ink-cache-bound.js';

const SUBCOMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  monitor: () => import('./monitor.js'),
  tail: () => import('./tail.js'),
  status: () => import('./status.js'),
  export: () => import('./export.js'),
  demo: () => import('./demo.js'),
  // Replay and archive (issue 11).
  replay: () => import('./replay.js'),
  archive: () => import('./archive.js'),
  restore: () => import('./restore.js'),
  // Bulk actions (issue 9): preview, --dry-run, --yes, journal, undo.
  ack: () => import('./pel-verbs.js').then((m) => ({ run: m.runAck })),
  claim: () => import('./pel-verbs.js').then((m) => ({ run: m.runClaim })),
  deadletter: () => import('./pel-verbs.js').then((m) => ({ run: m.runDeadletter })),
  consumer: () => import('./group-verbs.js').then((m) => ({ run: m.runConsumer })),
  group: () => import('./group-verbs.js').then((m) => ({ run: m.runGroup })),
  dlq: () => import('./dlq-verbs.js').then((m) => ({ run: m.runDlq })),
  journal: () => import('./journal-verbs.js').then((m) => ({ run: m.runJournal })),
  undo: () => import('./journal-verbs.js').then((m) => ({ run: m.runUndo })),
};

export const USAGE = `streamscope — a terminal monitor for Redis Streams

Usage:
  streamscope [monitor] [options]   open the monitor (default)
  streamscope tail [options]        print events from the global stream as they arrive
  streamscope status [options]      list streams under the prefix with their groups
  streamscope export [options]      write a stream's entries as NDJSON (streaming)
  streamscope demo [options]        private redis-server + realistic traffic + the monitor
  streamscope replay [options]      replay a range to a sandbox prefix, the same stream or a new group
  streamscope archive [options]     archive entries older than an age to .ndjson.gz, then trim them
  streamscope restore <files…>      re-import archived entries byte for byte

Bulk actions (each previews first; --dry-run, --yes, --json; recorded in the journal):
  streamscope ack        --stream <type> --group <g> <selectors>
  streamscope claim      --stream <type> --group <g> --to <consumer> <selectors>
  streamscope deadletter --stream <type> --group <g> <selectors> [--reason <text>]
    selectors (AND): --consumer <name> --idle '>5m' --deliveries '>=3' --ids <id,…> | --all
  streamscope consumer delete --stream <type> --group <g> --consumer <name> [--move-to <consumer>]
  streamscope group setid --stream <type> --group <g> --to <0|$|id|time|group:<other>>
  streamscope dlq list [--stream <type>] [--json]
  streamscope dlq redrive|delete --stream <type> (--ids <id,…> | --all) [--rate <n/s>]
  streamscope journal [--json]        streamscope undo <journal id>

Common options:
  --url <redis-url>     server (default: REDIS_URL, else redis://127.0.0.1:6379)
  --prefix <prefix>     key prefix (default: alice:events:)
  --tls-ca <file>       rediss:// only: trust this CA (or set NODE_EXTRA_CA_CERTS)
  --tls-insecure        rediss:// only: do not verify the server certificate
  --cluster             Redis Cluster client (detected by itself; several --url seed it)
  --layout <layout>     cluster key layout: hash-tag (default) or spread (README "Redis Cluster")
  --read-from <role>    cluster: masters (default) or replicas for the tail and snapshots
  -h, --help            help for a command: streamscope <command> --help
`;

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === '--version' || first === '-V') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'monitor';
  const load = SUBCOMMANDS[name];
  if (!load) {
    process.stderr.write(
      `streamscope: unknown command ${JSON.stringify(name)} (see streamscope --help)\n`,
    );
    return 2;
  }
  // Bound Ink's text-size cache (see ink-cache-bound.ts). Not for --help: help never draws.
  const args = named ? rest : argv;
  const help = args.includes('-h') || args.includes('--help');
  if ((name === 'monitor' || name === 'demo') && !help) await boundInkTextCache();
  const mod = await load();
  return mod.run(args);
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Last resort: one line, no stack trace (set STREAMSCOPE_DEBUG=1 for the stack).
      const msg = err instanceof Error ? err.message : String(err);
      process.stderr.write(`streamscope: ${msg}\n`);
      if (process.env.STREAMSCOPE_DEBUG && err instanceof Error)
        process.stderr.write(`${err.stack}\n`);
      process.exitCode = 1;
    },
  );
}
