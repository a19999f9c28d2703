import {
  INDUSTRY_CODES,
  INDUSTRY_DIVISIONS,
  INDUSTRY_SECTIONS,
  industryLabel,
  industrySection,
  industryTree,
  isIndustryCode,
} from '../../shared/domain/industry.rules';

/** GB/T 4754-2017: the division (大类) code ranges of each section (门类). */
const SECTION_RANGES: Record<string, [number, number]> = {
  A: [1, 5], B: [6, 12], C: [13, 43], D: [44, 46], E: [47, 50], F: [51, 52], G: [53, 60], H: [61, 62],
  I: [63, 65], J: [66, 69], K: [70, 70], L: [71, 72], M: [73, 75], N: [76, 79], O: [80, 82], P: [83, 83],
  Q: [84, 85], R: [86, 90], S: [91, 96], T: [97, 97],
};

describe('industry list (GB/T 4754-2017)', () => {
  it('lists the twenty sections A–T in order', () => {
    expect(INDUSTRY_SECTIONS.map((s) => s.code).join('')).toBe('ABCDEFGHIJKLMNOPQRST');
    expect(INDUSTRY_SECTIONS.find((s) => s.code === 'H')?.name).toBe('住宿和餐饮业');
    expect(INDUSTRY_SECTIONS.find((s) => s.code === 'O')?.name).toBe('居民服务、修理和其他服务业');
  });

  it('puts every division in the section whose code range holds it', () => {
    for (const d of INDUSTRY_DIVISIONS) {
      const [lo, hi] = SECTION_RANGES[d.section];
      expect(Number(d.code)).toBeGreaterThanOrEqual(lo);
      expect(Number(d.code)).toBeLessThanOrEqual(hi);
      expect(d.code).toMatch(/^\d{2}$/);
    }
  });

  it('has the divisions of street merchants with their standard names', () => {
    expect(industryLabel('52')).toBe('零售业');
    expect(industryLabel('61')).toBe('住宿业');
    expect(industryLabel('62')).toBe('餐饮业');
    expect(industryLabel('80')).toBe('居民服务业');
    expect(industryLabel('81')).toBe('机动车、电子产品和日用产品修理业');
    expect(industryLabel('51')).toBe('批发业');
  });

  it('has no duplicate codes', () => {
    expect(new Set(INDUSTRY_CODES).size).toBe(INDUSTRY_CODES.length);
  });

  it('accepts divisions and sections, refuses anything else', () => {
    expect(isIndustryCode('52')).toBe(true);
    expect(isIndustryCode('C')).toBe(true);
    expect(isIndustryCode('5')).toBe(false);
    expect(isIndustryCode('99')).toBe(false);
    expect(isIndustryCode('c')).toBe(false);
    expect(isIndustryCode(52)).toBe(false);
    expect(isIndustryCode(null)).toBe(false);
  });

  it('labels a section as "other in the section" and an unknown code as itself', () => {
    expect(industryLabel('C')).toBe('制造业（其他）');
    expect(industryLabel('ZZ')).toBe('ZZ');
  });

  it('gives the section of a code', () => {
    expect(industrySection('62')).toBe('H');
    expect(industrySection('J')).toBe('J');
    expect(industrySection('00')).toBeNull();
  });

  it('builds the picker tree in section order with every division once', () => {
    const tree = industryTree();
    expect(tree).toHaveLength(20);
    expect(tree.flatMap((t) => t.divisions)).toHaveLength(INDUSTRY_DIVISIONS.length);
    expect(tree.find((t) => t.section.code === 'H')?.divisions.map((d) => d.code)).toEqual(['61', '62']);
  });
});
