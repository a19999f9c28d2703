/**
 * The merchant lifecycle (全生命周期, docs/domain.md §6): every merchant is in exactly one class, decided from its
 * acquiring state and the monthly figures imported from the bank's systems, with head-office thresholds.
 */
import { type Day, type Month, addMonths, daysBetween, monthOf } from './period.rules';
import { DEFAULT_SETTINGS, type LifecycleThresholds } from './settings.defaults';

/** The lifecycle classes, in the order lists and dashboards show them. */
export const LIFECYCLE_CLASSES = ['to-win', 'qualified', 'premium', 'abnormal', 'lost'] as const;
export type LifecycleClass = (typeof LIFECYCLE_CLASSES)[number];

/** Head-office thresholds live in the settings document (shared/domain/settings.rules.ts). */
export type { LifecycleThresholds };
export const DEFAULT_LIFECYCLE_THRESHOLDS: LifecycleThresholds = DEFAULT_SETTINGS.lifecycle;

/** One month of acquiring figures for a merchant (collection `transactions`). */
export interface MonthFigures {
  month: Month;
  count: number;
  amountFen: number;
  lastTxnDay?: Day | null;
  deviceStatus?: 'bound' | 'unbound' | null;
}

/** What the rules look at. */
export interface LifecycleFacts {
  acquiring?: { status?: string; since?: Day | null; closedAt?: Day | null; deviceStatus?: string | null } | null;
  /** Number of our products held active (本行产品). */
  ourActiveProducts: number;
  /** Monthly figures, any order; months after `asOf` are ignored. */
  months: MonthFigures[];
}

export interface Classification {
  cls: LifecycleClass;
  /** Machine reason code, e.g. `volume-drop`, `idle-30`, `closed`. */
  reason: string;
  /** A sentence for the history and the to-do list. */
  detail: string;
}

const fen = (v: number) => `¥${(v / 100).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/**
 * Decides the class of one merchant at day `asOf`. Order matters: lost beats abnormal beats premium beats
 * qualified, because a closed or silent merchant needs winning back whatever its past volume.
 * An active merchant below the monthly minimum stays "to-win" (攻坚): it is ours on paper but not yet won.
 */
export function classifyMerchant(f: LifecycleFacts, asOf: Day, t: LifecycleThresholds = DEFAULT_LIFECYCLE_THRESHOLDS): Classification {
  const acq = f.acquiring ?? {};
  const since = acq.since ?? null;
  const closedAt = acq.closedAt ?? null;
  const active = !!since && since <= asOf && !(closedAt && closedAt <= asOf);
  if (closedAt && closedAt <= asOf) return { cls: 'lost', reason: 'closed', detail: `收单已于 ${closedAt} 关闭` };
  if (!active) return { cls: 'to-win', reason: 'no-acquiring', detail: '尚未开通本行收单' };

  const months = f.months.filter((m) => m.month <= monthOf(asOf)).sort((a, b) => (a.month < b.month ? -1 : 1));
  const lastDay = months.map((m) => m.lastTxnDay).filter((d): d is Day => !!d && d <= asOf).sort().pop() ?? null;
  const idleFrom = lastDay ?? since!;
  const idle = daysBetween(idleFrom, asOf);
  if (idle >= t.lostIdleDays) return { cls: 'lost', reason: `idle-${t.lostIdleDays}`, detail: `${idle} 天无交易` };

  const latest = months[months.length - 1];
  const device = latest?.deviceStatus ?? acq.deviceStatus ?? null;
  if (device === 'unbound') return { cls: 'abnormal', reason: 'device-unbound', detail: '收单设备已解绑' };
  if (idle >= t.abnormalIdleDays) return { cls: 'abnormal', reason: `idle-${t.abnormalIdleDays}`, detail: `${idle} 天无交易` };

  if (latest) {
    // The baseline months before the latest month; months with no row count as zero once acquiring had started.
    const prev = Array.from({ length: t.abnormalBaselineMonths }, (_, i) => i + 1).map((k) => addMonths(latest.month, -k)).filter((m) => m >= monthOf(since!));
    if (prev.length > 0) {
      const sum = prev.reduce((a, m) => a + (months.find((x) => x.month === m)?.amountFen ?? 0), 0);
      const avg = sum / prev.length;
      if (avg > 0 && latest.amountFen <= avg * (1 - t.abnormalDropRatio)) {
        return { cls: 'abnormal', reason: 'volume-drop', detail: `${latest.month} 交易额 ${fen(latest.amountFen)}，较前 ${prev.length} 个月均值 ${fen(avg)} 下降 ${Math.round((1 - latest.amountFen / avg) * 100)}%` };
      }
    }
  }

  const count = latest?.count ?? 0;
  const amount = latest?.amountFen ?? 0;
  const qualified = count >= t.qualifiedMinTxnCount || amount >= t.qualifiedMinAmountFen;
  if (!qualified) return { cls: 'to-win', reason: 'below-minimum', detail: `月交易 ${count} 笔 ${fen(amount)}，未达达标标准` };
  if (amount >= t.premiumMinAmountFen) return { cls: 'premium', reason: 'volume', detail: `月交易额 ${fen(amount)}` };
  if (f.ourActiveProducts >= t.premiumMinOurProducts) return { cls: 'premium', reason: 'products', detail: `持有本行产品 ${f.ourActiveProducts} 项` };
  return { cls: 'qualified', reason: 'minimum-met', detail: `月交易 ${count} 笔 ${fen(amount)}` };
}

/** The to-do task a class change opens (docs/domain.md §6): abnormal → a visit, lost → a win-back; others none. */
export function taskKindFor(cls: LifecycleClass): 'abnormal-visit' | 'win-back' | null {
  if (cls === 'abnormal') return 'abnormal-visit';
  if (cls === 'lost') return 'win-back';
  return null;
}
