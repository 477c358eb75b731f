/**
 * Benchmark: k selection + full assignment on synthetic data
 * (default 100,000 × 12, 6 Gaussian blobs, seeded).
 *
 *   npm run build && node dist/bench/segment-kmeans.js [rows] [cols]
 *
 * Prints the time per k, the total, the chosen k and peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { resourceUsage } from 'node:process';

import { selectK, type KScore } from '../src/segment/kmeans-select.js';
import { fitTransform } from '../src/segment/scaling.js';
import { mulberry32 } from '../src/util/mulberry32.js';


const rows = Number(process.argv[2] ?? 100_000);
const cols = Number(process.argv[3] ?? 12);
const trueK = 6;
const rand = mulberry32(12345);
const gauss = (): number => {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};
const centers = Array.from({ length: trueK }, () => Array.from({ length: cols }, () => rand() * 20));
const data = new Float64Array(rows * cols);
for (let i = 0; i < rows; i++) {
  const c = centers[i % trueK] as number[];
  for (let j = 0; j < cols; j++) {
    // non-negative, right-skewed-ish columns so scaling does something
    data[i * cols + j] = Math.max(0, (c[j] as number) + 1.5 * gauss());
  }
}
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

const t0 = performance.now();
const { scaler, scaled } = fitTransform({ rows, cols, data });
const tScale = performance.now() - t0;

let last = performance.now();
const perK: string[] = [];
const t1 = performance.now();
const result = selectK(scaled, {
  scaler,
  onProgress: (s: KScore) => {
    const now = performance.now();
    perK.push(
      `  k=${String(s.k).padStart(2)}  ${(now - last).toFixed(0).padStart(6)} ms  ` +
        `silhouette=${s.silhouette.toFixed(4)}  stability=${s.stability.toFixed(4)}  ` +
        `iterations=${s.iterations.join('/')}`,
    );
    last = now;
  },
});
const tSelect = performance.now() - t1;

console.log(`segment-kmeans bench: ${rows} × ${cols}, ${trueK} true blobs, node ${process.version}`);
console.log(`scaling: ${tScale.toFixed(0)} ms`);
console.log(perK.join('\n'));
console.log(`selection + full assignment: ${tSelect.toFixed(0)} ms (sample ${result.sampleSize}, silhouette sample ${result.silhouetteSampleSize})`);
console.log(`chosen k=${result.k} (${result.rule}); sizes ${result.clusterSizes.join(', ')}`);
console.log(`total: ${(tScale + tSelect).toFixed(0)} ms`);
const mem = process.memoryUsage();
// resourceUsage().maxRSS is in kilobytes
console.log(`peak RSS (maxRSS): ${mb(resourceUsage().maxRSS * 1024)}; current rss ${mb(mem.rss)}, heapUsed ${mb(mem.heapUsed)}`);
