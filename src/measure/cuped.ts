/**
 * CUPED / regression adjustment (Deng et al. 2013; ANCOVA): the outcome y is replaced by
 * y − θ(x − x̄), x a covariate measured before the campaign (spend in the pre-period), so it
 * cannot be moved by the treatment. θ is the within-arm pooled slope of y on x, Σ_arms S_xy /
 * Σ_arms S_xx: the OLS slope of y on x with an arm dummy, which minimises the residual variance
 * and is not pulled by the treatment effect itself (a slope over the pooled arms would be).
 * Randomisation makes x̄ equal in expectation across arms, so the adjusted difference estimates
 * the same uplift with variance reduced by about the share of y's variance that x explains (ρ²).
 * The adjusted arms are then compared with Welch; θ's own estimation error is of order 1/n and
 * left out, as in the CUPED paper.
 */
import { centred, mean, type Moments } from './moments.js';
import type { ArmSummary } from './welch.js';

export interface CupedAdjustment {
  readonly theta: number;
  readonly arm: ArmSummary;
  readonly control: ArmSummary;
}

/** The adjusted summaries of `arm` and `control`; theta 0 when x does not vary within the arms. */
export function cupedAdjust(arm: Moments, control: Moments): CupedAdjustment {
  const ca = centred(arm);
  const cc = centred(control);
  const sxx = ca.sxx + cc.sxx;
  const theta = sxx > 0 ? (ca.sxy + cc.sxy) / sxx : 0;
  const xBar = (arm.sumX + control.sumX) / (arm.n + control.n);
  const adjusted = (m: Moments, c: { syy: number; sxx: number; sxy: number }): ArmSummary => ({
    n: m.n,
    mean: mean(m) - theta * (m.sumX / m.n - xBar),
    variance: m.n > 1 ? Math.max(0, c.syy - 2 * theta * c.sxy + theta * theta * c.sxx) / (m.n - 1) : 0,
  });
  return { theta, arm: adjusted(arm, ca), control: adjusted(control, cc) };
}
