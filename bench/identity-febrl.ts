/**
 * FEBRL benchmark of the identity engine: `npm run build && node dist/bench/identity-febrl.js [dir]`.
 * FEBRL3 = deduplication of dataset3.csv, FEBRL4 = linkage of dataset4a.csv with dataset4b.csv.
 * Prints pairwise precision / recall / F1 (over cluster pairs), candidate pairs and time.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkRecords } from '../src/clean/identity/engine.js';
import { blockingRecall, pairwiseMetrics } from '../src/clean/identity/evaluate.js';
import { febrlSpec, loadFebrl } from '../src/clean/identity/febrl.js';
import type { LinkMode } from '../src/clean/identity/types.js';

const here = dirname(fileURLToPath(import.meta.url));
// dist/bench → repo root is two levels up; the shared data sits beside the repository.
const defaultDir = resolve(here, '..', '..', '..', 'shared', 'data', 'febrl');
const dir = process.argv[2] ?? process.env['FEBRL_DIR'] ?? defaultDir;

function run(label: string, files: string[], mode: LinkMode): void {
  const data = loadFebrl(dir, files);
  const cpu0 = process.cpuUsage();
  const result = linkRecords(data.records, febrlSpec(mode));
  const cpu = process.cpuUsage(cpu0);
  const metrics = pairwiseMetrics(data.records, result.clusters.clusterOf, data.truth, mode);
  const recall = blockingRecall(result.pairs.a, result.pairs.b, result.pairs.count, data.truth, metrics.truePairs);
  const t = result.timings;
  console.log(
    `${label}: records=${data.records.length} candidatePairs=${result.pairs.count} blockingRecall=${recall.toFixed(4)} ` +
      `clusters=${result.clusters.clusterCount}`,
  );
  console.log(
    `  precision=${metrics.precision.toFixed(4)} recall=${metrics.recall.toFixed(4)} F1=${metrics.f1.toFixed(4)} ` +
      `(TP=${metrics.truePositives} predicted=${metrics.predictedPairs} true=${metrics.truePairs})`,
  );
  console.log(
    `  time total=${t.totalMs.toFixed(0)}ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)}ms cpu (blocking ${t.blockingMs.toFixed(0)}, compare ${t.compareMs.toFixed(0)}, ` +
      `train ${t.trainMs.toFixed(0)} [u sample ${result.model.training.uSamplePairs} pairs], score ${t.scoreMs.toFixed(0)}, cluster ${t.clusterMs.toFixed(0)})`,
  );
  console.log(
    `  prior=${result.model.prior.toExponential(3)} edges=${result.clusters.edges} rejected sameSource=${result.clusters.rejectedSameSource} weakLink=${result.clusters.rejectedWeakLink}`,
  );
  if (process.env['VERBOSE']) {
    for (const s of result.model.training.sessions) console.log(`  session ${s.rule}: pairs=${s.pairs} it=${s.iterations} λ=${s.lambda.toFixed(4)}`);
    result.comparisons.forEach((c, k) => {
      const m = result.model.m[k]!;
      const u = result.model.u[k]!;
      console.log(`  ${c.name}: ` + c.labels.map((l, i) => `${l} m=${m[i]!.toFixed(3)} u=${u[i]!.toExponential(2)}`).join(' | '));
    });
  }
}

run('FEBRL3 (dedupe)', ['dataset3.csv'], 'dedupe');
run('FEBRL4 (link)', ['dataset4a.csv', 'dataset4b.csv'], 'link');
