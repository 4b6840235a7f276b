import { DISCREPANCY_CLASSES, type RunSummary } from './types.js';

/**
 * Discrepancies per run, stacked by class, oldest run on the left: an SVG drawn by Preact (no chart
 * library: one bar chart does not justify one). Colours come from the stylesheet (`.c-<class>`), so the
 * strict CSP needs no inline style.
 */
export function DiscrepancyChart({ runs }: { runs: readonly RunSummary[] }) {
  const shown = [...runs].filter((r) => r.counts).reverse();
  if (!shown.length) return <p class="muted">No finished run yet.</p>;
  const total = (r: RunSummary) => DISCREPANCY_CLASSES.reduce((n, c) => n + (r.counts?.[c] ?? 0), 0);
  const max = Math.max(1, ...shown.map(total));
  const w = 640;
  const h = 180;
  const bar = Math.min(40, (w - 40) / shown.length - 4);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label="Discrepancies per run">
        <text x="0" y="12" class="axis">
          {max}
        </text>
        <line x1="30" y1={h} x2={w} y2={h} class="axis-line" />
        {shown.map((r, i) => {
          let y = h;
          const x = 34 + i * (bar + 4);
          return (
            <g key={r.runId} data-run={r.runId}>
              <title>{`${r.runId}: ${total(r)} discrepancies`}</title>
              {DISCREPANCY_CLASSES.map((c) => {
                const n = r.counts?.[c] ?? 0;
                if (!n) return null;
                const bh = (n / max) * (h - 20);
                y -= bh;
                return <rect key={c} x={x} y={y} width={bar} height={bh} class={`c-${c}`} />;
              })}
              <text x={x + bar / 2} y={h + 14} class="axis" text-anchor="middle">
                {total(r)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        {DISCREPANCY_CLASSES.map((c) => (
          <span key={c} class="legend">
            <svg width="10" height="10" aria-hidden="true">
              <rect width="10" height="10" class={`c-${c}`} />
            </svg>{' '}
            {c}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
