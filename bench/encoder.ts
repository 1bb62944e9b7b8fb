/**
 * encoder: the Python-compatible wire encoder (encodeEventJson) against JSON.stringify of the same
 * flat event object, in process, interleaved round by round so both see the same machine load.
 * Also: decoding (decodeFields against JSON.parse) and re-encoding a decoded event (which goes
 * through the original text, codec.ts), for information.
 */
import { readFileSync } from 'node:fs';
import type { Benchmark, BenchContext } from './lib/context.js';
import { emptySection } from './lib/report.js';
import { fmt, median, summarize, fmtSummary } from './lib/stats.js';
import { sampleEvent } from './lib/workload.js';
import { completeEvent, decodeFields, encodeEventJson } from '../src/core/codec.js';
import type { SeedEvent } from '../src/core/types.js';

/** The flat dict the origin serialises: payload, then metadata (what JSON.stringify is given). */
function flatOf(e: SeedEvent): Record<string, unknown> {
  return {
    ...e.data,
    event_id: e.eventId,
    timestamp: e.timestamp,
    source: e.source,
    version: e.version,
    event_type: e.eventType,
  };
}

/** Fresh events (no link to a wire text): the 28 seed fixtures' payloads plus 100 bench events. */
function workload(): SeedEvent[] {
  const lines = readFileSync(
    new URL('../test/fixtures/seed-format-events.jsonl', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { fields: Record<string, string> });
  const out: SeedEvent[] = [];
  for (const l of lines) {
    const r = decodeFields(l.fields);
    if (r.ok) out.push({ ...r.event, data: { ...r.event.data } });
  }
  for (let i = 0; i < 100; i++) out.push(completeEvent(sampleEvent(i)));
  return out;
}

/** ns per call of `fn` over every item, `reps` times. */
function timeNs<T>(items: readonly T[], reps: number, fn: (x: T) => unknown): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++)
    for (let i = 0; i < items.length; i++) if (fn(items[i]) === undefined) sink++;
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink > 0) throw new Error('a variant returned nothing');
  return ns / (reps * items.length);
}

export const benchmark: Benchmark = {
  name: 'encoder',
  title: 'encoder: Python-compatible JSON vs JSON.stringify',
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 60 : 300;
    const reps = 20;
    const events = workload();
    const flats = events.map(flatOf);
    const wires = events.map((e) => ({ event: encodeEventJson(e) }));
    const decodedEvents = wires.map((w) => {
      const r = decodeFields(w);
      if (!r.ok) throw new Error(r.reason);
      return r.event;
    });
    const section = emptySection(
      'encoder',
      this.title,
      `In process, ${events.length} events (the 28 seed fixtures' payloads and 100 bench events, ~400 bytes each), ` +
        `${rounds} rounds × ${reps} passes; in each round every variant runs once, back to back, so all see the ` +
        `same load; figures are medians over rounds of ns per event, ratios are medians of the per-round ratios. ` +
        `**encodeEventJson**: the library's encoder on a fresh event (flattening included). ` +
        `**JSON.stringify**: (1) the same flat dict (payload + metadata) the origin serialises, (2) the SeedEvent object ` +
        `itself (nested \`data\`, same values); the native encoder's output is not what Python writes (no spaces after ` +
        `\`,\` \`:\`, no ensure_ascii, \`1e-7\`). ` +
        `**decodeFields** vs **JSON.parse** of the same text; **re-encode decoded**: encodeEventJson of an unchanged ` +
        `decoded event (parses the original text to keep its bytes, codec.ts).`,
    );
    const warm = () => {
      timeNs(events, 50, encodeEventJson);
      timeNs(flats, 50, (f) => JSON.stringify(f));
    };
    warm();
    const enc: number[] = [];
    const str: number[] = [];
    const ratio: number[] = [];
    const strEvent: number[] = [];
    const ratioEvent: number[] = [];
    const dec: number[] = [];
    const parse: number[] = [];
    const decRatio: number[] = [];
    const re: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const a = timeNs(events, reps, encodeEventJson);
      const b = timeNs(flats, reps, (f) => JSON.stringify(f));
      const b2 = timeNs(events, reps, (e) => JSON.stringify(e));
      enc.push(a);
      str.push(b);
      strEvent.push(b2);
      ratio.push(a / b);
      ratioEvent.push(a / b2);
      if (r % 5 === 0) {
        const c = timeNs(wires, 4, (w) => decodeFields(w));
        const d = timeNs(wires, 4, (w) => JSON.parse(w.event) as unknown);
        dec.push(c);
        parse.push(d);
        decRatio.push(c / d);
        re.push(timeNs(decodedEvents, 2, encodeEventJson));
      }
    }
    const us = (ns: number[]) => fmtSummary(summarize(ns.map((x) => x / 1000)), 2);
    section.tables.push({
      caption: 'µs per event: median (min–max) over rounds',
      headers: ['variant', 'µs / event', 'ratio to baseline (median of rounds)'],
      rows: [
        ['JSON.stringify of the flat dict (baseline 1)', us(str), '1.00'],
        ['JSON.stringify of the SeedEvent object (baseline 2)', us(strEvent), '1.00'],
        ['encodeEventJson vs baseline 1', us(enc), fmt(median(ratio), 2)],
        ['encodeEventJson vs baseline 2', us(enc), fmt(median(ratioEvent), 2)],
        ['JSON.parse (baseline)', us(parse), '1.00'],
        ['decodeFields', us(dec), fmt(median(decRatio), 2)],
        ['re-encode decoded (unchanged)', us(re), fmt(median(re) / median(str), 2)],
      ],
    });
    // The target is judged on the less favourable of the two baselines.
    const worst = Math.max(median(ratio), median(ratioEvent));
    section.targets.push({
      what: 'encodeEventJson cost vs JSON.stringify, same event (worse of the two baselines)',
      target: '≤ 1.5×',
      measured: `${fmt(worst, 2)}×`,
      status: worst <= 1.5 ? 'met' : 'missed',
    });
    ctx.log(`encoder ${fmt(worst, 2)}× JSON.stringify`);
    return section;
  },
};
