/**
 * Length capping for the streams a publisher writes. Publishes XADD without MAXLEN (a `MAXLEN ~`
 * on XADD drops entries groups have not read or acknowledged: REFERENCE §2 defect 8); instead
 * each stream this process writes is trimmed with trimToLength at most once per `intervalMs` or
 * every `every` publishes to it, whichever comes first, one trim per stream at a time. A trim
 * that fails is logged once per stream until one succeeds again; it never fails the publish.
 */
import { toError, type PersistenceContext } from './context.js';
import { trimToLength, type TrimLoss } from './retention.js';

export interface PublishTrimPolicy {
  /** Cap for type streams; the global stream gets 2×. 0 disables trimming. */
  maxLen: number;
  /** Ceiling past which unfinished entries are dropped (and reported); global stream 2×. */
  hardMaxLen: number;
  /** ms between trims of one stream. */
  intervalMs: number;
  /** Publishes to one stream between trims (whichever comes first). */
  every: number;
  onLoss(loss: TrimLoss): void;
}

interface KeyState {
  since: number;
  lastMs: number;
  running: Promise<void> | null;
  failing: boolean;
}

export class PublishTrimmer {
  private readonly state = new Map<string, KeyState>();

  constructor(private readonly policy: PublishTrimPolicy) {}

  /**
   * Note `count` publishes to `key` (a batch notes its chunk at once); trims when due. `scale` is
   * 2 for the global stream. Never rejects.
   */
  async published(ctx: PersistenceContext, key: string, scale: number, count = 1): Promise<void> {
    const { maxLen, hardMaxLen, intervalMs, every } = this.policy;
    if (maxLen <= 0) return;
    let s = this.state.get(key);
    if (!s) {
      // First publish to this stream: trim now (catches up streams left long by earlier runs).
      s = { since: every, lastMs: 0, running: null, failing: false };
      this.state.set(key, s);
    } else s.since += count;
    const now = Date.now();
    if (s.running || (s.since < every && now - s.lastMs < intervalMs)) return;
    s.since = 0;
    s.lastMs = now;
    const st = s;
    s.running = (async () => {
      try {
        const { loss } = await trimToLength(ctx, key, maxLen * scale, hardMaxLen * scale);
        st.failing = false;
        if (loss) this.policy.onLoss(loss);
      } catch (err) {
        if (!st.failing)
          ctx.logger(
            `trim: could not cap ${key} near ${maxLen * scale} entries: ${toError(ctx, err).message} (publishing goes on; logged once until a trim succeeds)`,
          );
        st.failing = true;
      } finally {
        st.running = null;
      }
    })();
    await s.running;
  }
}
