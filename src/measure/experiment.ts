/**
 * Measures an experiment from its per-person observations: each person's arm, optional segment
 * (a persona, a channel), outcome values, optional pre-period covariate and cost. Observations
 * are folded into per-(segment, arm, metric) moments as they stream in; `results` then compares
 * every arm with the control, for everyone and per segment, as rows shaped like the
 * campaign_results table. No I/O here: the CSV reader and the campaign adapter feed it.
 */
import { addObservation, emptyMoments, type Moments } from './moments.js';
import { compareArms, MIN_GROUP_SIZE, type Estimate, type MetricKind, type Method } from './compare.js';

/** conversion: did the person do it (0/1); value: revenue per person; clicks: clicked (0/1), its rate is the CTR. */
export type MetricRole = 'conversion' | 'value' | 'clicks';

export interface MetricSpec {
  readonly name: string;
  readonly role: MetricRole;
}

export interface ExperimentSpec {
  readonly campaign: string;
  readonly control: string;
  readonly metrics: readonly MetricSpec[];
  /** Name of the pre-period covariate, when there is one. */
  readonly covariate?: string;
  /** Name of the segment column, when results are also wanted per segment. */
  readonly segmentBy?: string;
  /** Whether costs were given (ROI and cost per incremental conversion). */
  readonly costs?: boolean;
  readonly confidence?: number;
  readonly minGroupSize?: number;
}

/** One row of campaign_results. segment '' is everyone; adjusted rows carry the CUPED estimate. */
export interface ResultRow {
  readonly campaign: string;
  readonly segment_by: string;
  readonly segment: string;
  readonly arm: string;
  readonly control_arm: string;
  readonly metric: string;
  readonly role: MetricRole;
  readonly kind: MetricKind;
  readonly adjusted: 0 | 1;
  readonly method: Method | null;
  readonly covariate: string | null;
  readonly theta: number | null;
  readonly n_arm: number;
  readonly n_control: number;
  readonly value_arm: number | null;
  readonly value_control: number | null;
  readonly uplift: number | null;
  readonly uplift_low: number | null;
  readonly uplift_high: number | null;
  readonly uplift_rel: number | null;
  readonly uplift_rel_low: number | null;
  readonly uplift_rel_high: number | null;
  readonly p_value: number | null;
  readonly incremental: number | null;
  readonly incremental_low: number | null;
  readonly incremental_high: number | null;
  readonly width_saved: number | null;
  /** Extra cost per head of the arm over the control, times the arm's size. */
  readonly incremental_cost: number | null;
  /** (incremental revenue − incremental cost) / incremental cost; value metrics only. */
  readonly roi: number | null;
  readonly roi_low: number | null;
  readonly roi_high: number | null;
  /** Incremental cost / incremental conversions; conversion metrics only, when the uplift is positive. */
  readonly cost_per_incremental: number | null;
  readonly suppressed: 0 | 1;
}

interface Cell {
  readonly metrics: Moments[];
  cost: number;
}

/** Folds observations in; `results` measures. */
export class ExperimentAccumulator {
  /** segment ('' = everyone) → arm → cell */
  private readonly cells = new Map<string, Map<string, Cell>>();
  /** Per metric: whether every value seen so far is 0 or 1. */
  private readonly binary: boolean[];

  constructor(private readonly spec: ExperimentSpec) {
    this.binary = spec.metrics.map(() => true);
  }

  /** `values` in the order of spec.metrics; `covariate` 0 when there is none. */
  add(arm: string, segment: string | null, values: readonly number[], covariate = 0, cost = 0): void {
    this.cellOf('', arm).cost += cost;
    values.forEach((v, i) => {
      if (v !== 0 && v !== 1) this.binary[i] = false;
    });
    this.fold(this.cellOf('', arm), values, covariate);
    if (segment !== null) {
      const cell = this.cellOf(segment, arm);
      cell.cost += cost;
      this.fold(cell, values, covariate);
    }
  }

  /** Arms seen, sorted, with their sizes. */
  arms(): { arm: string; n: number }[] {
    const all = this.cells.get('') ?? new Map<string, Cell>();
    return [...all.entries()].map(([arm, cell]) => ({ arm, n: cell.metrics[0]?.n ?? 0 })).sort((a, b) => (a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0));
  }

  /** How each metric is measured: a rate when all its values are 0/1 and it is not a value metric. */
  kinds(): MetricKind[] {
    return this.spec.metrics.map((m, i) => (m.role !== 'value' && this.binary[i] ? 'rate' : 'mean'));
  }

  results(): ResultRow[] {
    const spec = this.spec;
    const kinds = this.kinds();
    const rows: ResultRow[] = [];
    const segments = [...this.cells.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const arms = this.arms()
      .map((a) => a.arm)
      .filter((a) => a !== spec.control);
    for (const segment of segments) {
      const cells = this.cells.get(segment)!;
      const control = cells.get(spec.control);
      for (const arm of arms) {
        const cell = cells.get(arm);
        const empty = emptyMoments();
        // A segment may lack an arm entirely: its row is suppressed (0 people).
        const incrementalCost = spec.costs && cell && control && cell.metrics[0]!.n > 0 && control.metrics[0]!.n > 0 ? (cell.cost / cell.metrics[0]!.n - control.cost / control.metrics[0]!.n) * cell.metrics[0]!.n : null;
        spec.metrics.forEach((metric, i) => {
          const comparison = compareArms(cell?.metrics[i] ?? empty, control?.metrics[i] ?? empty, {
            kind: kinds[i]!,
            covariate: spec.covariate !== undefined,
            ...(spec.confidence === undefined ? {} : { confidence: spec.confidence }),
            minGroupSize: spec.minGroupSize ?? MIN_GROUP_SIZE,
          });
          const variants: [0 | 1, Estimate | null][] = [[0, comparison.plain]];
          if (spec.covariate !== undefined) variants.push([1, comparison.adjusted]);
          for (const [adjusted, e] of variants) {
            const economics = economicsOf(metric.role, e, incrementalCost);
            rows.push({
              campaign: spec.campaign,
              segment_by: segment === '' ? '' : (spec.segmentBy ?? ''),
              segment,
              arm,
              control_arm: spec.control,
              metric: metric.name,
              role: metric.role,
              kind: kinds[i]!,
              adjusted,
              method: e?.method ?? null,
              covariate: adjusted ? spec.covariate! : null,
              theta: e && 'theta' in e ? (e.theta as number) : null,
              n_arm: comparison.nArm,
              n_control: comparison.nControl,
              value_arm: e?.valueArm ?? null,
              value_control: e?.valueControl ?? null,
              uplift: e?.uplift ?? null,
              uplift_low: e?.upliftLow ?? null,
              uplift_high: e?.upliftHigh ?? null,
              uplift_rel: e?.relative ?? null,
              uplift_rel_low: e?.relativeLow ?? null,
              uplift_rel_high: e?.relativeHigh ?? null,
              p_value: e?.pValue ?? null,
              incremental: e?.incremental ?? null,
              incremental_low: e?.incrementalLow ?? null,
              incremental_high: e?.incrementalHigh ?? null,
              width_saved: e && 'widthSaved' in e ? (e.widthSaved as number) : null,
              incremental_cost: e ? incrementalCost : null,
              ...economics,
              suppressed: comparison.suppressed ? 1 : 0,
            });
          }
        });
      }
    }
    return rows;
  }

  private cellOf(segment: string, arm: string): Cell {
    let bySegment = this.cells.get(segment);
    if (!bySegment) this.cells.set(segment, (bySegment = new Map()));
    let cell = bySegment.get(arm);
    if (!cell) bySegment.set(arm, (cell = { metrics: this.spec.metrics.map(() => emptyMoments()), cost: 0 }));
    return cell;
  }

  private fold(cell: Cell, values: readonly number[], covariate: number): void {
    values.forEach((v, i) => addObservation(cell.metrics[i]!, v, covariate));
  }
}

/** ROI for value metrics, cost per incremental conversion for conversion metrics. */
function economicsOf(role: MetricRole, e: Estimate | null, incrementalCost: number | null): Pick<ResultRow, 'roi' | 'roi_low' | 'roi_high' | 'cost_per_incremental'> {
  const none = { roi: null, roi_low: null, roi_high: null, cost_per_incremental: null };
  if (e === null || incrementalCost === null || !(incrementalCost > 0)) return none;
  if (role === 'value') {
    const roi = (revenue: number) => (revenue - incrementalCost) / incrementalCost;
    return { ...none, roi: roi(e.incremental), roi_low: roi(e.incrementalLow), roi_high: roi(e.incrementalHigh) };
  }
  if (role === 'conversion' && e.incremental > 0) return { ...none, cost_per_incremental: incrementalCost / e.incremental };
  return none;
}
