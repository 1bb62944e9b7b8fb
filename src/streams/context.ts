/** What the persistence modules share: clients, key space, policy, logger. Internal. */
import type { Redis } from 'ioredis';
import type { KeySpace } from '../core/keys.js';
import { classifyRedisError, type ErrorSituation, type StreamscopeError } from '../core/errors.js';

/** One line per call, no trailing newline. */
export type Logger = (line: string) => void;

export const stderrLogger: Logger = (line) => {
  process.stderr.write(`streamscope: ${line}\n`);
};

export interface PersistenceContext {
  /** Commands client (acks, publishes, ranges). Never used for blocking reads. */
  readonly client: Redis;
  readonly keys: KeySpace;
  readonly group: string;
  /** Deliveries allowed before an entry is dead-lettered. */
  readonly maxDeliveries: number;
  /** ID a (re)created group starts at: `0` replays the retained backlog (the seed's policy). */
  readonly groupStartId: string;
  readonly logger: Logger;
  /** Redacted server address for messages. */
  readonly display: string;
  /** Scrubbed from every message. */
  readonly secrets: readonly (string | undefined)[];
  /** A new, unconnected client for one blocking reader. */
  newBlockingClient(): Redis;
}

export function toError(
  ctx: Pick<PersistenceContext, 'display' | 'secrets'>,
  err: unknown,
  situation?: ErrorSituation,
): StreamscopeError {
  return classifyRedisError(err, ctx.display, ctx.secrets, situation);
}

/** The retry toolkit's sleep (core/retry.ts), re-exported for the persistence modules. */
export { abortableSleep } from '../core/retry.js';
