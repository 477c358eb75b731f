/**
 * A suggested approach per persona from documented rules (docs/personas.md#approach): the
 * channel with the best reach, an offer chosen by the first rule that holds, and a timing from
 * the purchase rhythm. Pure.
 */
import type { GroupProfile } from './profile.js';
import type { Language } from './vocabulary.js';
import { valueLabel } from './vocabulary.js';
import { categoryTrait, effectOf, modalValue, numericTrait, shareOf } from './traits.js';
import { formatNumber, formatPercent } from './format.js';

export interface Approach {
  readonly channel: string;
  readonly offer: string;
  readonly timing: string;
  /** Which offer rule fired (win_back, first_purchase, coupon, vip, category). */
  readonly offerRule: string;
}

export function approachOf(profile: GroupProfile, language: Language): Approach {
  const zh = language === 'zh';
  // Channel: the most reachable one; a tie goes to the order e-mail, SMS, push.
  const reach = profile.reach.filter((r) => !r.suppressed && (r.customers ?? 0) > 0).sort((a, b) => (b.share as number) - (a.share as number));
  const best = reach[0];
  const channel = best
    ? zh
      ? `${valueLabel(best.channel, language)}（${formatPercent(best.share, language)} 可触达${reach[1] ? `，其次${valueLabel(reach[1].channel, language)} ${formatPercent(reach[1].share, language)}` : ''}）`
      : `${valueLabel(best.channel, language)} (${formatPercent(best.share, language)} reachable${reach[1] ? `; then ${valueLabel(reach[1].channel, language)}, ${formatPercent(reach[1].share, language)}` : ''})`
    : zh
      ? '无可触达渠道：在门店与网站触点上运营'
      : 'no channel reaches enough of them: use store and site touchpoints';

  const lapsing = shareOf(profile, 'lifecycle_stage', ['at_risk', 'lapsed', 'churned']);
  const isNew = categoryTrait(profile, 'lifecycle_stage', 'new');
  const coupon = numericTrait(profile, 'coupon_order_share');
  const category = modalValue(profile, 'top_category');
  let offerRule: string;
  let offer: string;
  if (lapsing.inShare >= 0.5) {
    offerRule = 'win_back';
    offer = zh ? `召回礼包：限时回归券 + 新品推荐（${formatPercent(lapsing.inShare, language)} 处于流失预警/沉睡/已流失）` : `win-back: a time-limited come-back voucher and what is new (${formatPercent(lapsing.inShare, language)} at risk, lapsed or churned)`;
  } else if ((isNew?.inShare ?? 0) >= 0.4) {
    offerRule = 'first_purchase';
    offer = zh ? `新客转化：第二单礼券与入会引导（${formatPercent(isNew?.inShare ?? 0, language)} 为新客）` : `first-purchase follow-up: a second-order voucher and a welcome to the loyalty programme (${formatPercent(isNew?.inShare ?? 0, language)} are new)`;
  } else if (effectOf(profile, 'coupon_order_share') >= 0.5 && coupon) {
    offerRule = 'coupon';
    offer = zh ? `优惠券与满减活动（${formatPercent(coupon.inMean, language)} 的订单用券，其他客户为 ${formatPercent(coupon.restMean, language)}）` : `coupons and bundle deals (${formatPercent(coupon.inMean, language)} of their orders use a coupon against ${formatPercent(coupon.restMean, language)})`;
  } else if (effectOf(profile, 'monetary') >= 0.5 && effectOf(profile, 'frequency') >= 0.3) {
    offerRule = 'vip';
    offer = zh ? '新品抢先购与会员等级专属权益，不打折' : 'early access and tier perks rather than discounts';
  } else {
    offerRule = 'category';
    offer = category
      ? zh
        ? `${category.value} 品类新品与搭配推荐（${formatPercent(category.inShare, language)} 以其为主购品类）`
        : `new arrivals and cross-sell in ${category.value} (the top category of ${formatPercent(category.inShare, language)})`
      : zh
        ? '个性化商品推荐'
        : 'personalised recommendations';
  }

  const gap = numericTrait(profile, 'avg_interpurchase_days')?.inMedian ?? null;
  let timing: string;
  if (offerRule === 'win_back') timing = zh ? '立即触达，14 天后未回应再提醒一次' : 'now, with one reminder 14 days later';
  else if (offerRule === 'first_purchase') timing = zh ? '首单后 7–14 天内' : 'within 7–14 days of the first order';
  else if (gap !== null) timing = zh ? `按购买节奏：约每 ${formatNumber(gap, 0)} 天一次（复购间隔中位数）` : `on their rhythm: about every ${formatNumber(gap, 0)} days (median gap between orders)`;
  else timing = zh ? '每月一次' : 'once a month';
  return { channel, offer, timing, offerRule };
}
