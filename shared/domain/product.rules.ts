/**
 * Products held by a merchant, ours and other banks' (本行/他行产品覆盖, docs/domain.md §4).
 *
 * Why: the merchant file records, per product, whether the merchant holds it with us (and how far it
 * got) and with which other banks; "去营销" turns the products not held with us into a marketing
 * visit or task, and the premium class counts our active products. The 阳光e贷 loan series is two
 * steps, credit granted (授信) and credit drawn (用信), marketed separately but counted as one product.
 */

export const PRODUCTS = [
  'acquiring',
  'settlement-account',
  'deposit',
  'credit-granted',
  'credit-drawn',
  'mobile-banking',
  'merchant-app',
] as const;
export type ProductCode = (typeof PRODUCTS)[number];

export const PRODUCT_LABELS: Record<ProductCode, string> = {
  acquiring: '收单',
  'settlement-account': '结算账户',
  deposit: '存款',
  'credit-granted': '阳光e贷授信',
  'credit-drawn': '阳光e贷用信',
  'mobile-banking': '手机银行',
  'merchant-app': '商户App',
};

/** Product families: what "number of our products" counts (granted and drawn credit are one product). */
export const PRODUCT_FAMILY: Record<ProductCode, string> = {
  acquiring: 'acquiring',
  'settlement-account': 'settlement-account',
  deposit: 'deposit',
  'credit-granted': 'credit',
  'credit-drawn': 'credit',
  'mobile-banking': 'mobile-banking',
  'merchant-app': 'merchant-app',
};

/** Where a merchant stands with us on a product: not held, being marketed/installed, active, closed. */
export const HOLDING_STATUSES = ['none', 'in-progress', 'active', 'closed'] as const;
export type HoldingStatus = (typeof HOLDING_STATUSES)[number];

export const HOLDING_STATUS_LABELS: Record<HoldingStatus, string> = {
  none: '未开通',
  'in-progress': '办理中',
  active: '已开通',
  closed: '已关闭',
};

export const BANK_SIDES = ['ours', 'other'] as const;
export type BankSide = (typeof BANK_SIDES)[number];

/** Other banks (and payment institutions) met among the merchants of a county in Jiangsu. */
export const OTHER_BANKS = [
  'icbc', 'abc', 'boc', 'ccb', 'bocom', 'psbc', 'cmb', 'cib', 'citic', 'spdb', 'cmbc', 'ceb',
  'jsbc', 'njcb', 'other-rcb', 'third-party', 'other',
] as const;
export type OtherBank = (typeof OTHER_BANKS)[number];

export const OTHER_BANK_LABELS: Record<OtherBank, string> = {
  icbc: '工商银行',
  abc: '农业银行',
  boc: '中国银行',
  ccb: '建设银行',
  bocom: '交通银行',
  psbc: '邮储银行',
  cmb: '招商银行',
  cib: '兴业银行',
  citic: '中信银行',
  spdb: '浦发银行',
  cmbc: '民生银行',
  ceb: '光大银行',
  jsbc: '江苏银行',
  njcb: '南京银行',
  'other-rcb': '其他农商行',
  'third-party': '第三方支付机构',
  other: '其他银行',
};

/** One row of the product matrix of a merchant file. */
export interface ProductHolding {
  product: ProductCode;
  bank: BankSide;
  /** Required when bank is 'other'. */
  otherBank?: OtherBank;
  /** With us: the status; with another bank: 'active' (held) or 'closed'/'none'. */
  status: HoldingStatus;
  /** Day the status began (YYYY-MM-DD). */
  since?: string;
  /** Day it ended, for a closed holding. */
  until?: string;
}

/** A product not held with us: what 去营销 pitches, with where the merchant stands and who holds it now. */
export interface ProductGap {
  product: ProductCode;
  /** Our status: 'none', 'in-progress' (already being worked) or 'closed' (lost, to win back). */
  ourStatus: Exclude<HoldingStatus, 'active'>;
  /** Other banks holding this product for the merchant. */
  heldBy: OtherBank[];
}

/** True when `value` is a product code. */
export function isProductCode(value: unknown): value is ProductCode {
  return typeof value === 'string' && (PRODUCTS as readonly string[]).includes(value);
}

/** True when `value` is an other-bank code. */
export function isOtherBank(value: unknown): value is OtherBank {
  return typeof value === 'string' && (OTHER_BANKS as readonly string[]).includes(value);
}

/** Our status on a product: the row with us, or 'none' when there is none. */
export function ourStatus(holdings: readonly ProductHolding[], product: ProductCode): HoldingStatus {
  return holdings.find((h) => h.bank === 'ours' && h.product === product)?.status ?? 'none';
}

/** True when the merchant holds the product with us, active. */
export function holdsWithUs(holdings: readonly ProductHolding[], product: ProductCode): boolean {
  return ourStatus(holdings, product) === 'active';
}

/** The product families active with us (the premium rule's "≥ 3 of our products" counts these). */
export function countOurProducts(holdings: readonly ProductHolding[]): number {
  return new Set(holdings.filter((h) => h.bank === 'ours' && h.status === 'active').map((h) => PRODUCT_FAMILY[h.product])).size;
}

/**
 * Why a product matrix is inconsistent, or null: known codes, an other bank named exactly when the
 * bank is another's, one row per product and bank, dates in order. An empty list is valid: it
 * declares that the merchant holds no product.
 */
export function holdingsProblem(holdings: readonly ProductHolding[]): string | null {
  if (!Array.isArray(holdings)) return '产品覆盖应为列表';
  const seen = new Set<string>();
  for (let i = 0; i < holdings.length; i++) {
    const h = (holdings as readonly ProductHolding[])[i];
    const row = `第${i + 1}行产品`;
    if (typeof h !== 'object' || h === null) return `${row}：内容无效`;
    if (!isProductCode(h.product)) return `${row}：未知的产品`;
    if (!(BANK_SIDES as readonly string[]).includes(h.bank)) return `${row}：请选择本行或他行`;
    if (!(HOLDING_STATUSES as readonly string[]).includes(h.status)) return `${row}：未知的状态`;
    if (h.bank === 'other' && !isOtherBank(h.otherBank)) return `${row}：请选择他行名称`;
    if (h.bank === 'ours' && h.otherBank !== undefined && h.otherBank !== null) return `${row}：本行产品不应填写他行名称`;
    if (h.since && h.until && h.until < h.since) return `${row}：结束日期不能早于开始日期`;
    const key = `${h.product}|${h.bank}|${h.otherBank ?? ''}`;
    if (seen.has(key)) return `${row}：${PRODUCT_LABELS[h.product]}重复填写`;
    seen.add(key);
  }
  return null;
}

/**
 * 去营销: the products the merchant does not hold with us, in product order, each with our status
 * and the other banks holding it. Drawn credit is offered only once credit is granted with us
 * (drawing needs a grant first).
 */
export function productGaps(holdings: readonly ProductHolding[]): ProductGap[] {
  const gaps: ProductGap[] = [];
  for (const product of PRODUCTS) {
    const status = ourStatus(holdings, product);
    if (status === 'active') continue;
    if (product === 'credit-drawn' && !holdsWithUs(holdings, 'credit-granted')) continue;
    const heldBy = holdings
      .filter((h) => h.bank === 'other' && h.product === product && h.status === 'active' && h.otherBank)
      .map((h) => h.otherBank as OtherBank);
    gaps.push({ product, ourStatus: status, heldBy: [...new Set(heldBy)] });
  }
  return gaps;
}
