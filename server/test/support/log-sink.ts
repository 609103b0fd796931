import { Writable } from 'node:stream';

/** A pod's JSON log kept in memory (`bootstrap(config, { logDestination: sink.stream })`). */
export type LogSink = { stream: Writable; text: () => string; clear: () => void };

/** A log destination that keeps everything written to it, for tests that read what an operator would see. */
export function logSink(): LogSink {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return {
    stream,
    text: () => text,
    clear: () => {
      text = '';
    },
  };
}
