import { goMarketInput, startMarketingInput } from '../../../shared/contracts/lifecycle.contract';
import { OTHER_BANK_LABELS, PRODUCTS, PRODUCT_LABELS, type ProductHolding, productGaps } from '../../../shared/domain/product.rules';
import { addDays, chinaDay } from '../../../shared/domain/period.rules';
import { AppError, assertInScope, defineAction, fieldError, getDoc, inTransaction, iso, notFound } from '../../../server';
import { loadLifecycleSettings } from '../../../server/jobs/reclassify';

/** The product matrix of a merchant (ours and other banks') with the gaps 去营销 works on. */
function matrixOf(products: ProductHolding[]) {
  return PRODUCTS.map((p) => {
    const ours = products.find((h) => h.bank === 'ours' && h.product === p);
    const others = products.filter((h) => h.bank === 'other' && h.product === p && h.status === 'active');
    return {
      product: p,
      label: PRODUCT_LABELS[p],
      ours: ours?.status ?? 'none',
      since: ours?.since ?? null,
      otherBanks: others.map((h) => ({ bank: h.otherBank, label: h.otherBank ? OTHER_BANK_LABELS[h.otherBank as keyof typeof OTHER_BANK_LABELS] ?? h.otherBank : null })),
    };
  });
}

/** `goMarket` (去营销): a merchant's product matrix, the products it does not hold with us, and any open marketing task. */
export const goMarket = defineAction({
  schema: goMarketInput,
  async handler(input, ctx) {
    const m = await getDoc<any>(ctx.db, 'merchants', input.merchantId);
    if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    assertInScope(ctx.caller, m.unitPath);
    const products: ProductHolding[] = m.products ?? [];
    const open = (await ctx.db.collection('tasks').where({ merchantId: m._id, status: 'open', kind: 'marketing' }).limit(1).get()) as { data: any[] };
    const t = open.data[0];
    return {
      merchantId: m._id,
      name: m.name,
      lifecycleClass: m.lifecycleClass ?? null,
      matrix: matrixOf(products),
      gaps: productGaps(products),
      openTask: t ? { id: t._id, products: t.products ?? [], dueDay: t.dueDay, createdAt: iso(t.createdAt) } : null,
    };
  },
});

/**
 * `startMarketing` (去营销): opens a marketing task for the gaps (or the chosen products) of a merchant,
 * assigned to the caller. Idempotent on `taskId`; a merchant has at most one open marketing task (the
 * existing one is returned).
 */
export const startMarketing = defineAction({
  schema: startMarketingInput,
  async handler(input, ctx) {
    const m = await getDoc<any>(ctx.db, 'merchants', input.merchantId);
    if (!m) throw notFound('商户', 'MERCHANT.NOT_FOUND');
    assertInScope(ctx.caller, m.unitPath);
    const same = await getDoc<any>(ctx.db, 'tasks', input.taskId);
    if (same) {
      if (same.merchantId !== m._id || same.kind !== 'marketing') throw fieldError('taskId', '该 id 已被其他任务使用', 'TASK.ID_TAKEN');
      return { task: { id: same._id, products: same.products, dueDay: same.dueDay }, created: false };
    }
    // A closed or moved merchant gets no new task (docs/domain.md §3).
    if (m.archived) throw new AppError('CONFLICT', '该商户已停业/迁出，请先恢复营业', { reason: 'MERCHANT.ARCHIVED' });
    const open = (await ctx.db.collection('tasks').where({ merchantId: m._id, status: 'open', kind: 'marketing' }).limit(1).get()) as { data: any[] };
    if (open.data[0]) return { task: { id: open.data[0]._id, products: open.data[0].products, dueDay: open.data[0].dueDay }, created: false };
    const gaps = productGaps(m.products ?? []).map((g) => g.product);
    const products = input.products ?? gaps;
    const notGap = products.find((p) => !gaps.includes(p));
    if (notGap) throw fieldError('products', `${PRODUCT_LABELS[notGap]}已在本行开通`, 'MARKETING.NOT_A_GAP');
    if (!products.length) throw fieldError('products', '该商户已持有全部本行产品', 'MARKETING.NO_GAP');
    const settings = await loadLifecycleSettings(ctx.db);
    const dueDay = addDays(chinaDay(ctx.now), settings.marketingDueDays);
    const task = { kind: 'marketing', merchantId: m._id, gridId: m.gridId, unitPath: m.unitPath ?? [], assigneeId: ctx.caller.staffId, products, dueDay, status: 'open', openedBy: { reason: 'go-market', staffId: ctx.caller.staffId }, createdAt: ctx.now };
    await inTransaction(ctx.db, async (tx) => {
      await tx.collection('tasks').doc(input.taskId).set({ data: task });
    });
    return { task: { id: input.taskId, products, dueDay }, created: true };
  },
});
