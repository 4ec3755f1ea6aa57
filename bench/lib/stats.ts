// Small statistics for the benchmark: median, spread (half the min–max range relative to the
// median) and the formatting of rates, sizes and ratios in the printed table.

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Half-range relative to the median, in % (0 for a single sample). */
export function spread(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length < 2) return 0;
  const med = median(v);
  return med === 0 ? 0 : (50 * (Math.max(...v) - Math.min(...v))) / Math.abs(med);
}

export function fmtValue(x: number, unit: string): string {
  if (!Number.isFinite(x)) return "–";
  if (unit === "MB/s") return x.toFixed(0);
  if (unit === "KiB/conn") return x.toFixed(1);
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : "–";
}

export function pad(s: string, n: number, right = false): string {
  const len = [...s].length;
  if (len >= n) return s;
  return right ? " ".repeat(n - len) + s : s + " ".repeat(n - len);
}
