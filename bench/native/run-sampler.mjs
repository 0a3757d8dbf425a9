// A memory sampler for a whole kdlab process (bench/native/MEMORY.md, section 6), preloaded with
//   KDLAB_FROM_DIST=1 KDLAB_SAMPLER_OUT=/tmp/samples.jsonl \
//     node --import ./bench/native/run-sampler.mjs packages/cli/bin/kdlab.mjs run ...
// It appends JSON lines to KDLAB_SAMPLER_OUT: the time, VmRSS, VmHWM, RssAnon, RssFile (MiB,
// /proc/self/status), process.memoryUsage() (MiB), tf.memory() (once a backend is set) and the last
// line the process printed (its phase). It samples every KDLAB_SAMPLER_MS (default 100) on a timer,
// from inside tf.tidy (a training epoch is one synchronous loop, where no timer fires) and after every
// line printed. At exit: a last sample, and with `node --expose-gc` one more after a full collection
// (what was garbage); with KDLAB_SAMPLER_SMAPS=1 the resident anonymous memory by mapping; with
// KDLAB_SAMPLER_ALLOCS=1 the call sites that allocated the most typed-array bytes (64 KiB or more at a
// time) and read the most tensor bytes back (dataSync/data/arraySync/array). Plain JavaScript, so that it
// adds no loader to the process it measures. `npx tsx bench/native/run-sampler-summary.ts FILE`
// prints a file's phases.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const out = process.env.KDLAB_SAMPLER_OUT;
const everyMs = Number(process.env.KDLAB_SAMPLER_MS ?? '100');
if (out === undefined || out === '') throw new Error('run-sampler.mjs: set KDLAB_SAMPLER_OUT to a file');
writeFileSync(out, '');

const MIB = 1024 * 1024;
const mib = (bytes) => Math.round((bytes / MIB) * 10) / 10;

let phase = 'start';
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    const lines = String(chunk).split('\n').map((line) => line.trim()).filter((line) => line !== '');
    if (lines.length > 0) phase = lines.at(-1).slice(0, 120);
    const written = write(chunk, ...rest);
    if (lines.length > 0) sample('line');
    return written;
  };
}

function status() {
  const text = readFileSync('/proc/self/status', 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM'), anon: field('RssAnon'), file: field('RssFile'), threads: Number(/^Threads:\s+(\d+)/m.exec(text)?.[1]) };
}

// Allocation sites (KDLAB_SAMPLER_ALLOCS=1): bytes and counts by kind and the first frames of the stack.
const sites = new Map();
const tracing = process.env.KDLAB_SAMPLER_ALLOCS === '1';
function count(kind, bytes) {
  const stack = new Error().stack.split('\n').slice(3, 7).map((line) => line.trim().replace(/file:\/\/\/[^)]*?\/(packages|node_modules|bench)\//, '$1/'));
  const key = `${kind} ${stack.join(' < ')}`;
  const site = sites.get(key) ?? { count: 0, bytes: 0 };
  site.count += 1;
  site.bytes += bytes;
  sites.set(key, site);
}
if (tracing) {
  for (const name of ['Float32Array', 'Int32Array', 'Uint8Array', 'Float64Array']) {
    const Original = globalThis[name];
    globalThis[name] = new Proxy(Original, {
      construct(target, args, newTarget) {
        const made = Reflect.construct(target, args, newTarget === globalThis[name] ? target : newTarget);
        if (typeof args[0] === 'number' && made.byteLength >= 65536) count(`new ${name}`, made.byteLength);
        return made;
      },
    });
  }
}

let tf;
let last = 0;
import('@tensorflow/tfjs-core').then((module) => {
  tf = module;
  // A training epoch is one synchronous loop (no timer fires in it): sample from inside tf.tidy too.
  const engine = tf.engine();
  const tidy = engine.tidy.bind(engine);
  engine.tidy = (...args) => {
    if (performance.now() - last >= everyMs) sample('tidy');
    return tidy(...args);
  };
  if (tracing) {
    for (const method of ['dataSync', 'data', 'arraySync', 'array']) {
      const original = tf.Tensor.prototype[method];
      tf.Tensor.prototype[method] = function (...args) {
        if (this.size * 4 >= 65536) count(`read ${method}`, this.size * 4);
        return original.apply(this, args);
      };
    }
  }
}, () => undefined);

function tensors() {
  // engine().backendName is set once a backend is chosen; tf.memory() before that would pick one itself.
  if (tf === undefined || tf.engine().backendName == null) return {};
  const memory = tf.memory();
  return { tensors: memory.numTensors, tensorMiB: mib(memory.numBytes) };
}

function sample(event) {
  last = performance.now();
  const usage = process.memoryUsage();
  const line = { t: Math.round(performance.now()), event, ...status(), heapUsed: mib(usage.heapUsed), heapTotal: mib(usage.heapTotal), external: mib(usage.external), arrayBuffers: mib(usage.arrayBuffers), ...tensors(), phase };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
}

/** Resident anonymous memory by mapping (name, or `anon <size class>`), MiB, largest first. */
function smapsSummary() {
  const totals = new Map();
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2], 16) - parseInt(head[1], 16)) / MIB;
      name = head[3] !== '' ? head[3] : size >= 60 ? 'anon >= 60 MiB' : size >= 16 ? 'anon 16-60 MiB' : size >= 1 ? 'anon 1-16 MiB' : 'anon < 1 MiB';
      continue;
    }
    const anon = /^Anonymous:\s+(\d+) kB/.exec(line);
    if (anon) totals.set(name, (totals.get(name) ?? 0) + Number(anon[1]) / 1024);
  }
  return [...totals].filter(([, size]) => size >= 0.5).sort((a, b) => b[1] - a[1]).map(([key, size]) => [key, Math.round(size)]);
}

sample('preload');
setInterval(() => sample('tick'), everyMs).unref();
process.on('exit', () => {
  sample('exit');
  // With node --expose-gc: what is still live at the end, after a full collection.
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    sample('exit-after-gc');
  }
  if (process.env.KDLAB_SAMPLER_SMAPS === '1') appendFileSync(out, `${JSON.stringify({ event: 'smaps', mappings: smapsSummary() })}\n`);
  if (tracing) {
    const top = [...sites].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 30).map(([site, { count: n, bytes }]) => ({ mib: mib(bytes), count: n, site }));
    appendFileSync(out, `${JSON.stringify({ event: 'allocations', top })}\n`);
  }
});
