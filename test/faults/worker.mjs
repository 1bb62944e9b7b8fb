// A consumer process for the kill -9 fault test: consumes `t` as <name>, "handles" each event
// (a few ms), acks, and prints one line per ack (`ACK <id>`) and per delivery (`DLV <id>`).
import { EventPersistence } from '../../dist/index.js';

const [url, prefix, name] = process.argv.slice(2);
const p = new EventPersistence({ redisUrl: url, streamPrefix: prefix, logger: () => {} });
await p.connect();
for await (const d of p.consumeEvents(['t'], name, {
  blockMs: 200,
  count: 20,
  claimIdleMs: 1000,
  claimEveryMs: 500,
})) {
  process.stdout.write(`DLV ${d.messageId}\n`);
  await new Promise((r) => setTimeout(r, 1)); // mid-handler: the kill may land here
  await d.ack();
  process.stdout.write(`ACK ${d.messageId}\n`);
}
