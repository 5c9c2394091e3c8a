// Writes the measured map load time into docs/benchmarks.md, only between the
// frontend markers (appended when missing).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';

const BEGIN = '<!-- BEGIN frontend -->';
const END = '<!-- END frontend -->';

export interface LoadMeasure {
  runs: number[]; // ms from navigation start to the map drawn and idle, per load
  interactiveMs: number[]; // ms from navigation start until a hover shows the tooltip
  hoverMs: number[]; // ms from the first mouse move over the map to its tooltip
  units: number; // units in the layer
  rendered: number; // units drawn at the US view
  territories: number;
  servedBy: string;
  chromium: string;
}

export function section(m: LoadMeasure, date = new Date()): string {
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const row = (label: string, a: number[]) => `| ${label} | ${a.map((x) => Math.round(x)).join(', ')} | ${Math.round(med(a))} ms | 2,000 ms |`;
  return [
    BEGIN,
    '## frontend — the sample map in a real browser',
    '',
    `Measured by \`npm run test:e2e\` (frontend/e2e/app.e2e.ts) on ${date.toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${cpu},`,
    `${m.chromium} headless with SwiftShader (software WebGL, no GPU), viewport 1440×900, against the real`,
    `\`terrane serve\` on 127.0.0.1 with a fresh SQLite database${m.servedBy === 'proxy' ? ' (the app files served by the test proxy, the API by terrane)' : ''}.`,
    `A load is a page reload of a signed-in leader: from navigation start until the map of ${m.units.toLocaleString('en-US')} county units`,
    `(${m.rendered.toLocaleString('en-US')} drawn at the US view, ${m.territories} territories) has been drawn, coloured and outlined, and MapLibre is`,
    'idle. Interactive: the test then hovers the map; the latency row is from that mouse move to the tooltip drawn, so the map',
    "answers input as soon as it is drawn. The units are drawn from the API's vector tiles; their names and attributes load",
    'after the first draw. Measured, not asserted: the machine is shared with other builds (load average',
    `${os.loadavg()[0].toFixed(1)} when measured), and software WebGL on 2 cores is far slower than a laptop's GPU.`,
    '',
    '| measure | runs (ms) | median | target |',
    '|---|---|---|---|',
    row('map loaded and drawn', m.runs),
    `| hover → tooltip latency | ${m.hoverMs.map((x) => Math.round(x)).join(', ')} | ${Math.round([...m.hoverMs].sort((x, y) => x - y)[Math.floor(m.hoverMs.length / 2)])} ms | — |`,
    END,
  ].join('\n');
}

/** whatIfSection reports click-Run → map and table updated, per run and its median. */
export function whatIfSection(ms: number[], chromium: string, date = new Date()): string {
  const med = [...ms].sort((x, y) => x - y)[Math.floor(ms.length / 2)];
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return [
    '<!-- BEGIN whatif -->',
    '## what-if — click Run to the new optimum on the map and in the table',
    '',
    `Measured by \`npm run test:e2e\` (frontend/e2e/app.e2e.ts, step "what-if") on ${date.toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${cpu},`,
    `${chromium} headless, against the real \`terrane serve\` on 127.0.0.1 with a fresh SQLite database (load average ${os.loadavg()[0].toFixed(1)}).`,
    'Five runs of an analyst\'s draft of the sample, each with the budget changed by −20 % or +25 % in turn: the clock starts at the click on',
    '"Save and run" (the save, the queued run, the solve, the result reaching the browser) and stops when the app holds the',
    "new run's figures (which the table and the map draw from), no request is in flight and MapLibre has drawn the map,",
    'coloured by the allocation, anew (no extra frame is forced). The phases after the click are in the test log.',
    '',
    '| measure | runs (ms) | median | target |',
    '|---|---|---|---|',
    `| click Run → map and table updated | ${ms.map((x) => Math.round(x)).join(', ')} | ${Math.round(med)} ms | 500 ms |`,
    '<!-- END whatif -->',
  ].join('\n');
}

/** zipSection reports the national ZIP map's load next to the county map's, per load and their medians. */
export function zipSection(zips: number[], counties: number[], seen: { sampled: number; same: number; holes: number }, chromium: string, date = new Date()): string {
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const row = (label: string, a: number[]) => `| ${label} | ${a.map((x) => Math.round(x)).join(', ')} | ${Math.round(med(a))} ms |`;
  return [
    '<!-- BEGIN zips -->',
    '## frontend — the ZIP map (us-zips) next to the county map',
    '',
    `Measured by \`npm run test:e2e\` (frontend/e2e/app.e2e.ts, "planning at ZIP resolution") on ${date.toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${cpu},`,
    `${chromium} headless with SwiftShader, viewport 1440×900, against the real \`terrane serve\` with a fresh SQLite database`,
    `(load average ${os.loadavg()[0].toFixed(1)}). A load is a page reload of a signed-in analyst on a scenario, from navigation start until`,
    'its map is drawn, coloured and outlined at the national view and MapLibre is idle (the same measure as above). The ZIP',
    'scenario puts each of the 33,232 ZIP cells in the territory of its state (49); the county one is the sample baseline',
    '(3,142 counties). Level of detail: a layer of more than 10,000 units draws its cells from zoom 4.5 (frontend/src/map.ts,',
    "`denseUnits`, `detailZoom`); below, where a ZIP cell is a few pixels, every cell is filled in its territory's colour, so the",
    "territories' fill beneath (dissolved from the cells by the server) draws the same picture without laying out the cells,",
    'and hover and click find the territory. The test checks the picture: at the centroids of 1 ZIP in 100,',
    `${seen.same} of ${seen.sampled} pixels are their territory's colour (the rest fall on outlines and state lines) and ${seen.holes} the background. The county map draws its`,
    'counties at every zoom. Loads alternate between the two scenarios, five each, each after the page before has no request in flight; the server caches the tiles.',
    '',
    '| map | loads (ms) | median |',
    '|---|---|---|',
    row('us-zips, 33,232 units', zips),
    row('us-counties, 3,142 units', counties),
    '<!-- END zips -->',
  ].join('\n');
}

export function writeSection(file: string, text: string): void {
  const cur = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = text.slice(0, text.indexOf('\n'));
  const end = begin.replace('BEGIN', 'END');
  const i = cur.indexOf(begin);
  const j = cur.indexOf(end);
  let next: string;
  if (i >= 0 && j > i) next = cur.slice(0, i) + text + cur.slice(j + end.length);
  else next = cur.replace(/\s*$/, '\n\n') + text + '\n';
  writeFileSync(file, next);
}
