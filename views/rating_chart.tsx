/**
 * A horizontal bar chart as inline SVG, drawn on the server: no chart
 * library, a few hundred bytes, readable without JavaScript. Colours come
 * from presentation attributes (the CSP allows no inline styles).
 */
export interface Bar {
  label: string;
  value: number;
  /** what the bar's end says, e.g. "4.5" or "12" */
  text: string;
}

export function RatingChart(
  { title, bars, max }: { title: string; bars: Bar[]; max: number },
) {
  const rowH = 26;
  const labelW = 120;
  const barW = 260;
  const height = bars.length * rowH + 8;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${labelW + barW + 50} ${height}`}
      width={String(labelW + barW + 50)}
      height={String(height)}
      role="img"
      aria-label={title}
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = 4 + i * rowH;
        const w = max > 0
          ? Math.max(b.value > 0 ? 2 : 0, b.value / max * barW)
          : 0;
        return (
          <g>
            <text
              x={String(labelW - 8)}
              y={String(y + 16)}
              text-anchor="end"
              font-size="13"
              fill="#1d2330"
            >
              {b.label}
            </text>
            <rect
              x={String(labelW)}
              y={String(y + 3)}
              width={w.toFixed(1)}
              height="17"
              rx="3"
              fill="#0b63ce"
            />
            <text
              x={(labelW + w + 6).toFixed(1)}
              y={String(y + 16)}
              font-size="13"
              fill="#5d6675"
            >
              {b.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
