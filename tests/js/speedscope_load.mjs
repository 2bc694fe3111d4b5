// speedscope_load.mjs — read a sockscope Chrome JSON export with speedscope's
// own importer (npm speedscope, the app's bundle) without a browser, and
// count what it warns about: speedscope rebuilds each thread's call stack
// from the slices and says so on console.warn when a slice ends while
// another is on top of it (a neighbour overlapping, a child outgrowing its
// parent) or is still open at the end.
//   node speedscope_load.mjs FILE [--expect-warnings]
// Prints one JSON line (profiles, warnings, time). Exit 0 when the importer
// made a profile and warned nothing (with --expect-warnings: when it warned,
// the check that this harness hears speedscope's warnings at all), 1 if not.
//
// speedscope ships only its browser app: one bundled script whose last
// statement mounts the UI. The importer is a function inside that bundle, so
// the script is copied with its last statement replaced by one that hands
// the importer out; the rest runs as shipped. The bundle's names are
// minified: they are found by the importer's shape, and a speedscope whose
// bundle has another shape is an error here, not a silent pass.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const expectWarnings = args.includes('--expect-warnings');
if (!file) {
  console.error('usage: node speedscope_load.mjs FILE [--expect-warnings]');
  process.exit(2);
}
const die = (msg) => {
  console.error(`speedscope_load: ${msg}`);
  process.exit(1);
};

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('speedscope/package.json'));
const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
const release = path.join(pkgDir, 'dist', 'release');
const bundles = fs.readdirSync(release).filter((f) => /^speedscope-\w+\.js$/.test(f));
if (bundles.length !== 1) die(`speedscope ${version}: expected one app bundle in ${release}, found ${bundles.length}`);
const src = fs.readFileSync(path.join(release, bundles[0]), 'utf8');

// The Chrome-format entry: isTraceEventProfile(t) ? fromSamples(t) : hasTraceEvents(t) ?
// fromEvents(t.traceEvents) : ..., then the lazy initialiser of its module (esbuild's
// __esm wrapper, `NAME=re(()=>{...})`) declared right after it.
const entry = /function (\w+)\(t\)\{return \w+\(t\)\?\w+\(t\):\w+\(t\)\?\w+\(t\.traceEvents\)[^}]*\}var [\w$,]*?(\w+)=re\(/.exec(src);
const mount = src.lastIndexOf('console.log(`speedscope v');
if (!entry || mount < 0) die(`speedscope ${version}: its bundle does not have the shape this harness knows (1.25)`);
const patched = `${src.slice(0, mount)}${entry[2]}();globalThis.__speedscopeImport=${entry[1]};})();\n`;
const tmp = fs.mkdtempSync(path.join(path.dirname(pkgDir), '.speedscope-'));
const script = path.join(tmp, 'importer.js');
fs.writeFileSync(script, patched);

// What the bundle touches while it loads, outside a browser: any property of
// document or the like, called or constructed, is another such stand-in.
const anything = new Proxy(function() {}, {
  get: (t, k) => (k === Symbol.toPrimitive ? () => '' : anything),
  apply: () => anything,
  construct: () => anything,
});
globalThis.window = globalThis;
globalThis.document = anything;
globalThis.localStorage = {getItem: () => null, setItem: () => {}, removeItem: () => {}};
globalThis.location = {hash: '', search: '', href: 'file:///'};

const warnings = [];
console.warn = (...a) => warnings.push(a.map(String).join(' '));
try {
  await import(pathToFileURL(script).href);
} finally {
  fs.rmSync(tmp, {recursive: true, force: true});
}
if (typeof globalThis.__speedscopeImport !== 'function') die('the bundle loaded but did not hand out its importer');

const t0 = performance.now();
let group;
try {
  group = globalThis.__speedscopeImport(JSON.parse(fs.readFileSync(file, 'utf8')));
} catch (e) {
  die(`the importer threw: ${e && e.stack ? e.stack : e}`);
}
const ms = performance.now() - t0;
const profiles = group && Array.isArray(group.profiles) ? group.profiles.length : 0;
console.log(JSON.stringify({file, speedscope: version, profiles, warnings: warnings.length, load_ms: Math.round(ms)}));
for (const w of warnings.slice(0, 5)) console.error(`speedscope warned: ${w.slice(0, 300)}`);
if (!profiles) die('the importer made no profile');
if (expectWarnings ? !warnings.length : warnings.length)
  die(expectWarnings ? 'no warning on a file whose slices overlap' : `${warnings.length} warnings`);
