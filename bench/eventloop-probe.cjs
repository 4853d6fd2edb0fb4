/**
 * Bench-only preload (`node --require bench/eventloop-probe.cjs …`): measures the event-loop
 * delay of the process it is loaded into with perf_hooks.monitorEventLoopDelay (10 ms sampling
 * resolution) without touching product code. The parent (bench/hot-paths.ts, spawned with an
 * 'ipc' stdio channel) sends `{ eventLoopProbe: 'dump' }`; the probe answers with the histogram
 * since the previous dump (or since start) and resets it:
 * { eventLoopProbe: { seq, pid, at, count, minMs, meanMs, p50Ms, p90Ms, p99Ms, maxMs } }, values in
 * ms. `{ eventLoopProbe: 'gc' }` runs a full collection (when started with --expose-gc) and answers
 * `{ eventLoopProbe: { gc, rssMiB, heapUsedMiB, heapTotalMiB, externalMiB } }` half a second later.
 * A histogram value is the time between two samples, so it includes the 10 ms resolution (an
 * idle loop reads ~10 ms). IPC rather than a signal: Nest's enableShutdownHooks() without a list
 * shuts the app down on SIGUSR2 (and on most other signals).
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */
const { monitorEventLoopDelay } = require('node:perf_hooks');

if (typeof process.send === 'function') {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let seq = 0;
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  process.on('message', (message) => {
    if (message && message.eventLoopProbe === 'gc') {
      // Memory after a full collection (node --expose-gc): the heap the process still holds, apart
      // from garbage the collector had not reached yet when the load stopped.
      if (typeof global.gc === 'function') global.gc();
      setTimeout(() => {
        const mem = process.memoryUsage();
        const mib = (b) => Math.round((b / 2 ** 20) * 10) / 10;
        process.send({ eventLoopProbe: { gc: typeof global.gc === 'function', rssMiB: mib(mem.rss), heapUsedMiB: mib(mem.heapUsed), heapTotalMiB: mib(mem.heapTotal), externalMiB: mib(mem.external) } });
      }, 500);
      return;
    }
    if (!message || message.eventLoopProbe !== 'dump') return;
    seq += 1;
    const out = {
      seq,
      pid: process.pid,
      at: new Date().toISOString(),
      count: histogram.count,
      minMs: ms(histogram.min),
      meanMs: ms(histogram.mean),
      p50Ms: ms(histogram.percentile(50)),
      p90Ms: ms(histogram.percentile(90)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
    };
    histogram.reset();
    process.send({ eventLoopProbe: out });
  });
  // The channel must not keep the service alive after its own shutdown.
  if (process.channel) process.channel.unref();
}
