/** Realistic seed-format events for the benchmarks (payload ≈ what the origin's asset pipeline sends). */
import type { EventInput } from '../../src/core/types.js';
import { completeEvent, encodeEventJson } from '../../src/core/codec.js';

export const EVENT_TYPES = [
  'asset.discovered',
  'asset.processed',
  'asset.organized',
  'quality.assessed',
  'metadata.updated',
];

export function sampleEvent(i: number): EventInput {
  const eventType = EVENT_TYPES[i % EVENT_TYPES.length];
  return {
    eventType,
    source: 'bench',
    data: {
      file_path: `/inbox/2026-11-27/batch-${i >> 10}/image-${i}.png`,
      content_hash: `sha256:${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}${'0'.repeat(56)}`,
      file_size: 1_048_576 + (i % 4096),
      media_type: 'image',
      project_id: `project-${i % 7}`,
    },
  };
}

/** The exact wire JSON the library writes for this event (fresh uuid/timestamp each call). */
export function wireJson(i: number): { eventType: string; json: string } {
  const ev = completeEvent(sampleEvent(i));
  return { eventType: ev.eventType, json: encodeEventJson(ev) };
}
