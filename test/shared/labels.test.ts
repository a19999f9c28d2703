import { ERROR_CODES, ERROR_REASONS, fail, ok } from '../../shared/envelope';
import { CHECK_ITEMS } from '../../shared/domain/check.rules';
import {
  AREA_LABELS,
  CHECK_LABELS,
  CHECK_RESULT_LABELS,
  ERROR_CODE_LABELS,
  ERROR_REASON_SENTENCES,
  INDICATOR_LABELS,
  LIFECYCLE_CLASS_LABELS,
  ROLE_LABELS,
  TASK_KIND_LABELS,
  UNIT_KIND_LABELS,
  errorSentence,
  fieldLabel,
  industryLabel,
  labelOf,
  reasonLabel,
} from '../../shared/domain/labels';
import { classifyMerchant, LIFECYCLE_CLASSES } from '../../shared/domain/lifecycle.rules';
import { INDICATORS } from '../../shared/domain/metrics.rules';
import { AREAS, ROLES, UNIT_KINDS } from '../../shared/domain/roles';
import { TASK_KINDS } from '../../shared/domain/visit.rules';

const chinese = /^[\u4e00-\u9fa5A-Za-z（）/、·]+$/;

describe('labels', () => {
  it('names every code of every list in Chinese', () => {
    const pairs: [readonly string[], Record<string, string>][] = [
      [ROLES, ROLE_LABELS], [UNIT_KINDS, UNIT_KIND_LABELS], [AREAS, AREA_LABELS], [LIFECYCLE_CLASSES, LIFECYCLE_CLASS_LABELS],
      [CHECK_ITEMS, CHECK_LABELS], [['pass', 'fail', 'na'], CHECK_RESULT_LABELS], [TASK_KINDS, TASK_KIND_LABELS],
      [INDICATORS, INDICATOR_LABELS], [ERROR_CODES, ERROR_CODE_LABELS],
    ];
    for (const [codes, labels] of pairs) {
      for (const code of codes) expect(labels[code]).toMatch(chinese);
    }
    expect(LIFECYCLE_CLASSES.map((c) => LIFECYCLE_CLASS_LABELS[c])).toEqual(['攻坚', '达标', '优质', '异动', '流失']);
  });

  it('tells every class-change and task reason as a sentence, never a code', () => {
    // The reasons classification gives, collected from merchants in each situation.
    const acq = (over: object = {}) => ({ since: '2024-01-01', ...over });
    const month = (m: string, amountFen: number, count = 40, lastTxnDay = `${m}-28`) => ({ month: m, count, amountFen, lastTxnDay });
    const cases = [
      { acquiring: acq({ closedAt: '2025-06-01' }), ourActiveProducts: 1, months: [] },
      { acquiring: null, ourActiveProducts: 0, months: [] },
      { acquiring: acq(), ourActiveProducts: 1, months: [month('2025-01', 900_000)] },
      { acquiring: acq(), ourActiveProducts: 1, months: [month('2025-07', 900_000, 40, '2025-07-02')] },
      { acquiring: acq({ deviceStatus: 'unbound' }), ourActiveProducts: 1, months: [month('2025-07', 900_000)] },
      { acquiring: acq(), ourActiveProducts: 1, months: ['2025-04', '2025-05', '2025-06'].map((m) => month(m, 2_000_000)).concat(month('2025-07', 500_000)) },
      { acquiring: acq(), ourActiveProducts: 1, months: [month('2025-06', 1_200_000), month('2025-07', 1_000_000, 2)] },
      { acquiring: acq(), ourActiveProducts: 1, months: [month('2025-06', 20_000_000), month('2025-07', 20_000_000)] },
      { acquiring: acq(), ourActiveProducts: 5, months: [month('2025-06', 1_200_000), month('2025-07', 1_200_000)] },
      { acquiring: acq(), ourActiveProducts: 1, months: [month('2025-06', 100_000, 5), month('2025-07', 100_000, 5)] },
    ];
    const reasons = new Set(cases.map((f) => classifyMerchant(f as any, '2025-07-31').reason));
    expect(reasons.size).toBeGreaterThanOrEqual(9);
    for (const r of [...reasons, 'acquiring-opened', 'go-market', 'check-failed', 'check-failed:speaker', 'lifecycle:volume-drop']) expect([r, reasonLabel(r)]).toEqual([r, expect.stringMatching(/[\u4e00-\u9fa5]/)]);
    expect(reasonLabel('idle-30')).toBe('30 天无交易');
    expect(reasonLabel('lifecycle:idle-90')).toBe('90 天无交易');
    expect(reasonLabel('check-failed:speaker')).toBe('必查未通过：喇叭');
    expect(reasonLabel('something-new')).toBe('something-new');
    expect(reasonLabel(null)).toBe('');
  });

  it('falls back to the code for an unknown value and a dash for none', () => {
    expect(labelOf(ROLE_LABELS, 'hq')).toBe('总行');
    expect(labelOf(ROLE_LABELS, 'ceo')).toBe('ceo');
    expect(labelOf(ROLE_LABELS, null)).toBe('—');
    expect(industryLabel('62')).toBe('餐饮业');
  });
});

describe('field labels', () => {
  it('names nested fields and list positions', () => {
    expect(fieldLabel('operator.mobile')).toBe('经营者手机号');
    expect(fieldLabel('address.doorPlate')).toBe('门牌号');
    expect(fieldLabel('products.2.status')).toBe('产品状态（第3项）');
    expect(fieldLabel('photos.3')).toBe('门头照（第4项）');
    expect(fieldLabel('checks.0.result')).toBe('必查结果（第1项）');
    expect(fieldLabel('location.lng')).toBe('位置');
    expect(fieldLabel('lifecycle.lostIdleDays')).toBe('流失无交易天数');
  });

  it('settles ambiguous names by subject', () => {
    expect(fieldLabel('name', 'merchant')).toBe('店名');
    expect(fieldLabel('name', 'staff')).toBe('姓名');
    expect(fieldLabel('name')).toBe('名称');
  });

  it('keeps an unknown path rather than inventing a name', () => {
    expect(fieldLabel('zzz.yyy')).toBe('zzz.yyy');
    expect(fieldLabel('toString')).toBe('toString');
    expect(labelOf(ROLE_LABELS, 'constructor')).toBe('constructor');
  });
});

describe('errorSentence', () => {
  it('names the first field to fix in Chinese and counts the rest', () => {
    const env = fail('VALIDATION', 'operator.mobile: 手机号应为11位，当前为10位', {
      details: { issues: [{ field: 'operator.mobile', message: '手机号应为11位，当前为10位' }] },
    });
    expect(errorSentence(env)).toBe('经营者手机号：手机号应为11位，当前为10位');
    const many = fail('VALIDATION', 'bad', {
      details: {
        issues: [
          { field: 'licenceCode', message: '统一社会信用代码校验位不正确，请核对是否输错' },
          { field: 'photos', message: '至少 1 张门头照' },
          { field: 'industry', message: '行业代码不在行业列表中' },
        ],
      },
    });
    expect(errorSentence(many)).toBe('统一社会信用代码：统一社会信用代码校验位不正确，请核对是否输错（另有2处需要修改）');
  });

  it('replaces a message not written for users', () => {
    const env = fail('VALIDATION', 'Invalid input', { details: { issues: [{ field: 'name', message: 'Invalid input: expected string' }] } });
    expect(errorSentence(env, 'merchant')).toBe('店名：填写有误');
  });

  it('turns a "path: message" without issues into the field name', () => {
    expect(errorSentence({ code: 'VALIDATION', message: 'address.doorPlate: 不能为空' })).toBe('门牌号：不能为空');
  });

  it("prefers the server's Chinese sentence, then the reason, then the code", () => {
    expect(errorSentence(fail('CONFLICT', '发现疑似重复商户，请核对后选择', { reason: 'MERCHANT.DUPLICATE' }))).toBe('发现疑似重复商户，请核对后选择');
    expect(errorSentence(fail('FORBIDDEN', 'forbidden', { reason: 'SCOPE.OTHER_GRID' }))).toBe('只能操作您负责网格内的商户。');
    expect(errorSentence(fail('NOT_FOUND', 'not found'))).toMatch(/没有找到/);
    for (const code of ERROR_CODES) expect(errorSentence({ code, message: '' })).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('has a sentence for every reason a function may send, and the reason list has no repeats', () => {
    expect(new Set(ERROR_REASONS).size).toBe(ERROR_REASONS.length);
    expect(Object.keys(ERROR_REASON_SENTENCES).sort()).toEqual([...ERROR_REASONS].sort());
    for (const reason of ERROR_REASONS) {
      expect(ERROR_REASON_SENTENCES[reason]).toMatch(/^[^A-Za-z]*[\u4e00-\u9fa5][^]*。$/);
      expect(errorSentence(fail('CONFLICT', 'not for users', { reason }))).toBe(ERROR_REASON_SENTENCES[reason]);
    }
  });

  it('has nothing to say about a success', () => {
    expect(errorSentence(ok({ id: 'm1' }))).toBe('');
  });
});
