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

export function writeSection(file: string, text: string): void {
  const cur = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const i = cur.indexOf(BEGIN);
  const j = cur.indexOf(END);
  let next: string;
  if (i >= 0 && j > i) next = cur.slice(0, i) + text + cur.slice(j + END.length);
  else next = cur.replace(/\s*$/, '\n\n') + text + '\n';
  writeFileSync(file, next);
}
