/**
 * Chart.js on a canvas, registered with only the pieces the app uses (bars, lines, doughnuts), so
 * the bundle stays small. Every chart has a text label for screen readers and, beside it on the
 * page, the same figures as text (tiles or a table): a canvas alone is not accessible.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);
Chart.defaults.font.family =
  getComputedStyle(document.documentElement).getPropertyValue("--font").trim() || "system-ui";
Chart.defaults.color = "#4b5563";
Chart.defaults.animation = false;

export interface ChartProps {
  /** A Chart.js configuration (memoise it: a new object redraws the chart). */
  config: object;
  /** What the chart shows, read by screen readers. */
  label: string;
  height?: number;
  testId?: string;
}

export function ChartCanvas({ config, label, height = 240, testId }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const typed = config as ChartConfiguration<ChartType>;
    chart.current = new Chart(canvas.current, {
      ...typed,
      options: { responsive: true, maintainAspectRatio: false, ...typed.options },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [config]);

  return (
    <div className="chart" style={{ height }} data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

/** The app's chart palette: distinguishable, and dark enough against white. */
export const PALETTE = {
  current: "#16a34a",
  b1: "#facc15",
  b2: "#f59e0b",
  b3: "#ea580c",
  b4: "#b91c1c",
  blue: "#1d4ed8",
  blueLight: "#93c5fd",
  slate: "#64748b",
  purple: "#7c3aed",
  teal: "#0d9488",
};

/** Bucket colours from "current" (green) to the oldest (dark red). */
export function bucketColour(index: number, count: number): string {
  const ramp = [PALETTE.current, PALETTE.b1, PALETTE.b2, PALETTE.b3, PALETTE.b4];
  if (count <= ramp.length) return ramp[Math.round((index * (ramp.length - 1)) / Math.max(1, count - 1))]!;
  return ramp[Math.min(ramp.length - 1, index)]!;
}
