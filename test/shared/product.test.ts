import fc from 'fast-check';
import {
  OTHER_BANKS,
  OTHER_BANK_LABELS,
  PRODUCTS,
  PRODUCT_LABELS,
  countOurProducts,
  holdingsProblem,
  holdsWithUs,
  ourStatus,
  productGaps,
  type HoldingStatus,
  type ProductCode,
  type ProductHolding,
} from '../../shared/domain/product.rules';

const ours = (product: ProductCode, status: HoldingStatus = 'active'): ProductHolding => ({ product, bank: 'ours', status });

describe('products ours and other banks', () => {
  it('lists the products of docs/domain.md §4 with their labels', () => {
    expect(PRODUCTS.map((p) => PRODUCT_LABELS[p])).toEqual(['收单', '结算账户', '存款', '阳光e贷授信', '阳光e贷用信', '手机银行', '商户App']);
    expect(OTHER_BANKS.map((b) => OTHER_BANK_LABELS[b])).toEqual(
      expect.arrayContaining(['工商银行', '农业银行', '中国银行', '建设银行', '邮储银行', '交通银行', '江苏银行']),
    );
  });

  it("reads our status on a product, 'none' when there is no row", () => {
    const h = [ours('acquiring'), ours('deposit', 'in-progress'), { product: 'mobile-banking', bank: 'other', otherBank: 'icbc', status: 'active' } as ProductHolding];
    expect(ourStatus(h, 'acquiring')).toBe('active');
    expect(ourStatus(h, 'deposit')).toBe('in-progress');
    expect(ourStatus(h, 'mobile-banking')).toBe('none');
    expect(holdsWithUs(h, 'acquiring')).toBe(true);
    expect(holdsWithUs(h, 'deposit')).toBe(false);
  });

  it('counts our active products with granted and drawn credit as one (the premium rule)', () => {
    expect(countOurProducts([])).toBe(0);
    expect(countOurProducts([ours('acquiring'), ours('credit-granted'), ours('credit-drawn')])).toBe(2);
    expect(countOurProducts([ours('acquiring'), ours('deposit'), ours('merchant-app', 'closed')])).toBe(2);
    expect(countOurProducts([ours('acquiring'), ours('deposit'), ours('mobile-banking')])).toBe(3);
  });

  it('finds the 去营销 gaps: not held with us, with our status and who holds it now', () => {
    const h: ProductHolding[] = [
      ours('acquiring'),
      ours('deposit', 'closed'),
      ours('mobile-banking', 'in-progress'),
      { product: 'settlement-account', bank: 'other', otherBank: 'icbc', status: 'active' },
      { product: 'settlement-account', bank: 'other', otherBank: 'jsbc', status: 'active' },
      { product: 'deposit', bank: 'other', otherBank: 'psbc', status: 'closed' },
    ];
    expect(productGaps(h)).toEqual([
      { product: 'settlement-account', ourStatus: 'none', heldBy: ['icbc', 'jsbc'] },
      { product: 'deposit', ourStatus: 'closed', heldBy: [] },
      { product: 'credit-granted', ourStatus: 'none', heldBy: [] },
      { product: 'mobile-banking', ourStatus: 'in-progress', heldBy: [] },
      { product: 'merchant-app', ourStatus: 'none', heldBy: [] },
    ]);
  });

  it('offers drawn credit only once credit is granted with us', () => {
    expect(productGaps([]).map((g) => g.product)).not.toContain('credit-drawn');
    expect(productGaps([ours('credit-granted')]).map((g) => g.product)).toContain('credit-drawn');
    expect(productGaps(PRODUCTS.map((p) => ours(p)))).toEqual([]);
  });

  it('validates the product matrix', () => {
    expect(holdingsProblem([])).toBeNull();
    expect(holdingsProblem([ours('acquiring'), { product: 'acquiring', bank: 'other', otherBank: 'abc', status: 'active' }])).toBeNull();
    expect(holdingsProblem([{ product: 'loan' as ProductCode, bank: 'ours', status: 'active' }])).toMatch(/第1行.*未知的产品/);
    expect(holdingsProblem([{ product: 'deposit', bank: 'other', status: 'active' }])).toMatch(/他行名称/);
    expect(holdingsProblem([{ product: 'deposit', bank: 'ours', otherBank: 'abc', status: 'active' }])).toMatch(/不应填写他行/);
    expect(holdingsProblem([ours('deposit'), ours('deposit', 'closed')])).toMatch(/第2行.*存款重复/);
    expect(holdingsProblem([{ ...ours('deposit'), since: '2025-03-01', until: '2025-01-01' }])).toMatch(/结束日期/);
    expect(holdingsProblem([{ product: 'deposit', bank: 'ours', status: 'held' as HoldingStatus }])).toMatch(/未知的状态/);
    expect(holdingsProblem([null] as never)).toBe('第1行产品：内容无效');
    expect(holdingsProblem('none' as never)).toBe('产品覆盖应为列表');
  });

  it('property: every product is either held with us or a gap (drawn credit needs a grant)', () => {
    const holding = fc.record({
      product: fc.constantFrom(...PRODUCTS),
      bank: fc.constant('ours' as const),
      status: fc.constantFrom<HoldingStatus>('none', 'in-progress', 'active', 'closed'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(holding, { selector: (h) => h.product }), (h) => {
        const gaps = new Set(productGaps(h).map((g) => g.product));
        return PRODUCTS.every((p) => {
          if (holdsWithUs(h, p)) return !gaps.has(p);
          if (p === 'credit-drawn' && !holdsWithUs(h, 'credit-granted')) return !gaps.has(p);
          return gaps.has(p);
        });
      }),
    );
  });
});
