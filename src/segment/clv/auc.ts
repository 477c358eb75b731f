/**
 * Area under the ROC curve via the Mann–Whitney U statistic:
 *   AUC = (R₊ − n₊(n₊+1)/2) / (n₊ n₋),
 * R₊ the sum of the positives' ranks among all scores. Tied scores share their average rank,
 * which counts a positive–negative tie as half a correct ordering (the usual convention, and
 * what sklearn's roc_auc_score gives). O(n log n). NaN when either class is empty.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new RangeError(`auc: ${n} scores but ${labels.length} labels`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`auc: score ${i} is NaN`);
    order[i] = i;
  }
  order.sort((i, j) => scores[i]! - scores[j]!);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const averageRank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let k = start; k < end; k++) {
      if (labels[order[k]!]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
