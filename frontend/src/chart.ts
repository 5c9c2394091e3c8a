// Line charts with uPlot: response curves and the revenue-vs-budget frontier.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  points?: boolean;
}

export interface ChartSpec {
  title?: string;
  x: number[];
  series: Series[];
  xFmt: (v: number) => string;
  yFmt: (v: number) => string;
  width: number;
  height?: number;
  marks?: { x: number; label: string; color: string }[];
}

/** lineChart draws a chart into el, replacing what was there, and returns it. */
export function lineChart(el: HTMLElement, spec: ChartSpec): uPlot {
  el.replaceChildren();
  const marks = spec.marks ?? [];
  const opts: uPlot.Options = {
    title: spec.title,
    width: Math.max(200, spec.width),
    height: spec.height ?? 180,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
    axes: [
      { values: (_u, vals) => vals.map((v) => spec.xFmt(v)), size: 34, font: '11px system-ui, sans-serif' },
      { values: (_u, vals) => vals.map((v) => spec.yFmt(v)), size: 56, font: '11px system-ui, sans-serif' },
    ],
    series: [
      { label: 'x', value: (_u, v) => (v == null ? '—' : spec.xFmt(v)) },
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dash,
        points: { show: s.points ?? false, size: 5 },
        value: (_u: uPlot, v: number | null) => (v == null ? '—' : spec.yFmt(v)),
      })),
    ],
    hooks: {
      draw: [
        (u: uPlot) => {
          const ctx = u.ctx;
          marks.forEach((m, i) => {
            const px = u.valToPos(m.x, 'x', true);
            if (!Number.isFinite(px)) return;
            ctx.save();
            ctx.strokeStyle = m.color;
            ctx.setLineDash([4, 3]);
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.beginPath();
            ctx.moveTo(px, u.bbox.top);
            ctx.lineTo(px, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillStyle = m.color;
            ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(m.label, px + 3 * devicePixelRatio, u.bbox.top + (12 + 13 * i) * devicePixelRatio);
            ctx.restore();
          });
        },
      ],
    },
  };
  return new uPlot(opts, [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData, el);
}
