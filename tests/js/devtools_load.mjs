// devtools_load.mjs — load a sockscope Chrome JSON export (plain or .gz) with
// Chrome DevTools' own trace engine (@paulirish/trace_engine, the Performance
// panel's parser) and check what it made of it:
//   - no errors: parse() does not throw and nothing is logged to console.error
//     or console.warn while it runs;
//   - flows: the engine pairs every completion flow (a flow it keeps has two
//     events at different times), there are exactly --flows of them (the
//     completion packets `sockscope stats` counts), and no flow joins events of
//     two runs (processes);
//   - async spans: the engine's own matcher pairs every begin with an end of
//     the same process, and no end is left over;
//   - slices: on every thread the engine's tree check accepts the slices
//     (no slice overlaps its neighbour when ts + dur is added as doubles);
//   - lanes: no (pid, tid) is named twice, as a thread's and the kernel
//     lane's tid would be if they met.
// Prints one JSON line of counts and the load's time and memory.
//   node devtools_load.mjs FILE [--flows N]
// Exit 0 when every check passes, 1 with the failures on stderr.
import fs from 'node:fs';
import zlib from 'node:zlib';
import {performance} from 'node:perf_hooks';

import * as Trace from '@paulirish/trace_engine';
import {polyfillDOMRect} from '@paulirish/trace_engine/analyze-trace.mjs';

const args = process.argv.slice(2);
const file = args[0];
const flowsAt = args.indexOf('--flows');
const wantFlows = flowsAt > 0 ? Number(args[flowsAt + 1]) : null;
if (!file || (flowsAt > 0 && !Number.isInteger(wantFlows))) {
  console.error('usage: node devtools_load.mjs FILE [--flows N]');
  process.exit(2);
}

const failures = [];
const fail = (msg) => failures.push(msg);

// What DevTools does with a file: gunzip when it is gzip, JSON.parse, then
// the model. Timed together, as a user waits for all three.
const logged = [];
for (const level of ['error', 'warn']) {
  const orig = console[level];
  console[level] = (...a) => {
    logged.push(`${level}: ${a.map(String).join(' ').slice(0, 300)}`);
    if (logged.length <= 5) orig(...a);
  };
}
polyfillDOMRect();
const t0 = performance.now();
let buf = fs.readFileSync(file);
const gzip = buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b;
if (gzip) buf = zlib.gunzipSync(buf);
const json = JSON.parse(buf.toString('utf8'));
buf = null;
const events = json.traceEvents ?? json;
const model = Trace.TraceModel.Model.createWithAllHandlers();
try {
  await model.parse(events);
} catch (e) {
  fail(`the engine threw: ${e && e.stack ? e.stack : e}`);
}
const loadMs = performance.now() - t0;
const parsed = model.parsedTrace()?.data;
const heapMiB = process.memoryUsage().heapUsed / 1048576;
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
if (!parsed) fail('the engine produced no parsed trace');
for (const l of logged) fail(`the engine logged ${l}`);

// --- flows, as the engine paired them ---------------------------------------
const flows = parsed ? parsed.Flows.flows : [];
const flowStarts = events.filter((e) => e.ph === 's').length;
let crossRun = 0;
for (const flow of flows) {
  if (new Set(flow.map((e) => e.pid)).size !== 1) crossRun++;
}
if (crossRun) fail(`${crossRun} flows join events of two runs`);
if (flows.length !== flowStarts) fail(`${flowStarts} flows written, the engine kept ${flows.length}`);
if (wantFlows !== null && flows.length !== wantFlows)
  fail(`${flows.length} flows, but stats counts ${wantFlows} completion packets`);

// --- async spans, with the engine's matcher ----------------------------------
const asyncEvents = events.filter((e) => e.ph === 'b' || e.ph === 'e');
const begins = asyncEvents.filter((e) => e.ph === 'b').length;
const ends = asyncEvents.length - begins;
const spans = Trace.Helpers.Trace.createMatchedSortedSyntheticEvents(asyncEvents);
let spanCrossRun = 0;
for (const s of spans) {
  const {beginEvent, endEvent} = s.args.data;
  if (!endEvent || beginEvent.pid !== endEvent.pid) spanCrossRun++;
}
if (spans.length !== begins) fail(`${begins} async begins, the engine paired ${spans.length}`);
if (ends !== begins) fail(`${begins} async begins but ${ends} ends`);
if (spanCrossRun) fail(`${spanCrossRun} async spans end in another run or not at all`);

// --- slices: per thread, the engine's own tree check --------------------------
const byThread = new Map();
for (const e of events) {
  if (e.ph !== 'X') continue;
  const k = `${e.pid}/${e.tid}`;
  if (!byThread.has(k)) byThread.set(k, []);
  byThread.get(k).push(e);
}
let slices = 0, badThreads = 0;
for (const [k, list] of byThread) {
  slices += list.length;
  Trace.Helpers.Trace.sortTraceEventsInPlace(list);
  if (!Trace.Helpers.TreeHelpers.canBuildTreesFromEvents(list)) {
    badThreads++;
    if (badThreads <= 3) fail(`thread ${k}: slices overlap their neighbours (no tree)`);
  }
}
if (badThreads > 3) fail(`... ${badThreads} threads in all whose slices overlap`);
// --- lanes: one name each (a thread and the kernel lane never share a tid) ---
const named = new Map();
for (const e of events)
  if (e.ph === 'M' && e.name === 'thread_name') named.set(`${e.pid}/${e.tid}`, (named.get(`${e.pid}/${e.tid}`) ?? 0) + 1);
const twiceNamed = [...named].filter(([, n]) => n > 1).map(([k]) => k);
if (twiceNamed.length) fail(`lanes named twice (two lanes in one): ${twiceNamed.slice(0, 5).join(', ')}`);
const threadsTracked = parsed ? [...parsed.Renderer.processes.values()].reduce((n, p) => n + p.threads.size, 0) : 0;

console.log(JSON.stringify({
  file, gzip, events: events.length, slices, flows: flows.length, async_spans: spans.length, processes:
      parsed ? parsed.Renderer.processes.size : 0,
  threads: threadsTracked, errors: logged.length, load_ms: Math.round(loadMs), heap_mib: Math.round(heapMiB),
  max_rss_mib: Math.round(maxRssMiB),
}));
for (const f of failures) console.error(`devtools_load: ${f}`);
process.exit(failures.length ? 1 : 0);
