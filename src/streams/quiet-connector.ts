/**
 * ioredis listens to its socket's 'error' with `once`: a socket that errors twice (a TLS socket
 * after a failed handshake can emit a second alert, e.g. ERR_SSL_TLSV1_ALERT_DECODE_ERROR, while
 * the client is being closed) then raises an unhandled 'error' event and kills the process. This
 * connector adds a permanent listener to every socket it makes; ioredis still handles the first
 * error itself (reconnect, reject commands), later ones are dropped because the socket is dead.
 */
import standaloneCjs from 'ioredis/built/connectors/StandaloneConnector.js';

// A default import of a CommonJS module is its `module.exports` under Node (the class is its
// `.default`); loaders that honour `__esModule` (vitest) hand over the class itself.
type StandaloneClass = typeof standaloneCjs.default;
const StandaloneConnector: StandaloneClass =
  typeof standaloneCjs === 'function'
    ? (standaloneCjs as unknown as StandaloneClass)
    : standaloneCjs.default;

export class QuietStandaloneConnector extends StandaloneConnector {
  override async connect(onError: Parameters<InstanceType<StandaloneClass>['connect']>[0]) {
    const stream = await super.connect(onError);
    stream.on('error', () => {});
    return stream;
  }
}
