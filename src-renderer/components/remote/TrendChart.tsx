import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { trendUnits, type TrendSeries } from '../../../src-shared/trends/trend';
import { currentScheme, onSchemeChange } from '../../theme';

/**
 * A colour variable as the canvas needs it: the variables hold light-dark(…), which only an element's
 * computed colour resolves for the scheme in effect.
 */
function cssVar(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  document.body.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** `span` gives the latest series' [from, to): the chart always spans the whole range, data or not. */
function options(series: TrendSeries, width: number, span: () => [number, number]): uPlot.Options {
  const text = cssVar('--muted');
  const grid = cssVar('--border');
  const accent = cssVar('--accent');
  const unit = trendUnits[series.metric];
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: 220,
    // Seconds, as uPlot's time axis expects.
    scales: {
      x: { time: true, range: () => span() },
      y: unit === '%' ? { range: [0, 100] } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      axis,
      {
        ...axis,
        size: 56,
        values: (_u, ticks) => ticks.map((t) => `${Math.round(t)}${unit === '%' ? ' %' : ''}`),
      },
    ],
    series: [
      {},
      {
        label: 'average',
        stroke: accent,
        width: 2,
        spanGaps: false,
        value: (_u, v) => (v === null ? '–' : `${v.toFixed(1)} ${unit}`),
      },
      {
        label: 'peak',
        stroke: accent,
        width: 1,
        dash: [4, 4],
        spanGaps: false,
        value: (_u, v) => (v === null ? '–' : `${v.toFixed(1)} ${unit}`),
      },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

const dataOf = (s: TrendSeries): uPlot.AlignedData => [s.t.map((t) => t / 1000), s.avg, s.max];

/**
 * One uPlot chart: created once per metric and colour scheme (the admin's pick or the system's) (its units, scale and colours), fed new
 * data in place, resized with its panel.
 */
export function TrendChart({ series, label }: { series: TrendSeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series);
  latest.current = series;
  const metric = series.metric;
  const [scheme, setScheme] = useState(currentScheme);

  useEffect(() => onSchemeChange(() => setScheme(currentScheme())), []);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const span = (): [number, number] => [latest.current.from / 1000, latest.current.to / 1000];
    const u = new uPlot(options(latest.current, el.clientWidth || 600, span), dataOf(latest.current), el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: el.clientWidth, height: 220 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [metric, scheme]);

  useEffect(() => {
    plot.current?.setData(dataOf(series));
  }, [series]);

  return <div ref={box} className="chart" role="img" aria-label={label} data-points={series.t.length} />;
}
