import { useId } from 'react';
import type { LossPoint } from '../api/studio-api.js';

/** One curve of a {@link LossChart}. */
export interface LossSeries {
  label: string;
  points: LossPoint[];
}

const width = 600;
const height = 220;
const pad = { left: 52, right: 12, top: 12, bottom: 34 };
// Colours and dash patterns that stay apart for colour-blind readers and in greyscale.
const styles = [
  { stroke: '#4338ca', dash: undefined },
  { stroke: '#b45309', dash: '8 5' },
  { stroke: '#047857', dash: '2 4' },
];

/** `0.41` → `0.41`; small values keep three significant digits. */
export function formatLoss(loss: number): string {
  return Number(loss.toPrecision(3)).toString();
}

/** The last point of a series as a sentence: `loss 0.41 at step 120 of 200`. */
export function lossSummary(points: LossPoint[], totalSteps?: number): string {
  const last = points.at(-1);
  if (!last) return 'no loss reported yet';
  return `loss ${formatLoss(last.loss)} at step ${last.step}${totalSteps ? ` of ${totalSteps}` : ''}`;
}

function ticks(min: number, max: number, count: number): number[] {
  if (max <= min) return [min];
  return Array.from({ length: count }, (_, index) => min + ((max - min) * index) / (count - 1));
}

/**
 * A small inline SVG line chart of training loss against step (no chart library): one or more curves on shared axes,
 * an accessible name (`title`) and a text alternative (`summary`, also shown under the chart).
 */
export function LossChart({ title, series, summary }: { title: string; series: LossSeries[]; summary: string }) {
  const titleId = useId();
  const descId = useId();
  const all = series.flatMap((line) => line.points);
  const minStep = Math.min(0, ...all.map((point) => point.step));
  const maxStep = Math.max(1, ...all.map((point) => point.step));
  const losses = all.map((point) => point.loss);
  const rawMin = losses.length > 0 ? Math.min(...losses) : 0;
  const rawMax = losses.length > 0 ? Math.max(...losses) : 1;
  const spread = rawMax - rawMin || Math.abs(rawMax) * 0.1 || 1;
  const minLoss = rawMin - spread * 0.05;
  const maxLoss = rawMax + spread * 0.05;
  const x = (step: number) => pad.left + ((step - minStep) / (maxStep - minStep)) * (width - pad.left - pad.right);
  const y = (loss: number) => pad.top + (1 - (loss - minLoss) / (maxLoss - minLoss)) * (height - pad.top - pad.bottom);
  const bottom = height - pad.bottom;
  return (
    <figure className="space-y-2">
      <svg
        role="img"
        aria-labelledby={titleId}
        aria-describedby={descId}
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full max-w-2xl rounded border border-slate-200 bg-white"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        <line x1={pad.left} x2={pad.left} y1={pad.top} y2={bottom} stroke="#64748b" />
        <line x1={pad.left} x2={width - pad.right} y1={bottom} y2={bottom} stroke="#64748b" />
        {ticks(minLoss, maxLoss, 4).map((tick) => (
          <g key={`y${tick}`}>
            <line x1={pad.left} x2={width - pad.right} y1={y(tick)} y2={y(tick)} stroke="#e2e8f0" />
            <text x={pad.left - 6} y={y(tick) + 4} textAnchor="end" fontSize="12" fill="#334155">
              {formatLoss(tick)}
            </text>
          </g>
        ))}
        {ticks(minStep, maxStep, 5).map((tick) => (
          <text key={`x${tick}`} x={x(tick)} y={bottom + 16} textAnchor="middle" fontSize="12" fill="#334155">
            {Math.round(tick)}
          </text>
        ))}
        <text x={(pad.left + width - pad.right) / 2} y={height - 2} textAnchor="middle" fontSize="12" fill="#334155">
          step
        </text>
        {series.map((line, index) => {
          const style = styles[index % styles.length];
          const path = line.points.map((point) => `${x(point.step).toFixed(1)},${y(point.loss).toFixed(1)}`).join(' ');
          return line.points.length > 1 ? (
            <polyline
              key={line.label}
              points={path}
              fill="none"
              stroke={style?.stroke}
              strokeWidth="2.5"
              strokeDasharray={style?.dash}
            />
          ) : line.points[0] ? (
            <circle
              key={line.label}
              cx={x(line.points[0].step)}
              cy={y(line.points[0].loss)}
              r="4"
              fill={style?.stroke}
            />
          ) : null;
        })}
      </svg>
      <figcaption className="text-sm text-slate-700">
        {series.length > 1 ? (
          <ul className="mb-1 flex flex-wrap gap-4" aria-label="Legend">
            {series.map((line, index) => (
              <li key={line.label} className="flex items-center gap-2">
                <svg width="28" height="8" aria-hidden="true">
                  <line
                    x1="0"
                    x2="28"
                    y1="4"
                    y2="4"
                    stroke={styles[index % styles.length]?.stroke}
                    strokeWidth="3"
                    strokeDasharray={styles[index % styles.length]?.dash}
                  />
                </svg>
                {line.label}
              </li>
            ))}
          </ul>
        ) : null}
        <p aria-live="polite">{summary}</p>
      </figcaption>
    </figure>
  );
}
