import fc from 'fast-check';
import {
  idNumberBirthDay,
  idNumberCheckChar,
  idNumberProblem,
  idNumberSex,
  isValidIdNumber,
  makeIdNumber,
  normalizeIdNumber,
} from '../../shared/domain/id-number.rules';

const NOW = new Date('2026-01-15T00:00:00Z');

describe('resident ID number (GB 11643-1999)', () => {
  it('accepts the example of the standard with an X check character', () => {
    // 1,1,0,1,0,5,1,9,4,9,1,2,3,1,0,0,2 × 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 = 167; 167 mod 11 = 2 → 'X'
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberProblem('11010519491231002X', NOW)).toBeNull();
  });

  it("computes the standard's other example (born 1880) but refuses its birth year as implausible today", () => {
    // 4,4,0,5,2,4,1,8,8,0,0,1,0,1,0,0,1 → 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → '4'
    expect(idNumberCheckChar('44052418800101001')).toBe('4');
    expect(idNumberProblem('440524188001010014', NOW)).toMatch(/出生日期不合理/);
  });

  it('accepts a 兴化 number built by hand', () => {
    // 3,2,1,2,8,1,1,9,8,5,0,3,1,5,0,2,3 × weights = 21+18+10+10+64+4+2+9+48+15+0+27+10+25+0+8+6 = 277;
    // 277 mod 11 = 2 → 'X'
    expect(idNumberCheckChar('32128119850315023')).toBe('X');
    expect(isValidIdNumber('32128119850315023X', NOW)).toBe(true);
    expect(idNumberBirthDay('32128119850315023X')).toBe('1985-03-15');
    expect(idNumberSex('32128119850315023X')).toBe('male');
  });

  it('refuses a wrong check digit', () => {
    expect(idNumberProblem('321281198503150231', NOW)).toMatch(/校验位/);
  });

  it('refuses wrong lengths, letters inside and a lower-case x as given', () => {
    expect(idNumberProblem('32128119850315023', NOW)).toMatch(/18位/);
    expect(idNumberProblem('3212811985031502A3', NOW)).toMatch(/前17位/);
    expect(idNumberProblem('32128119850315023x', NOW)).toMatch(/前17位/);
    expect(idNumberProblem('', NOW)).toBe('请填写身份证号码');
  });

  it('normalises spaces and a lower-case x', () => {
    expect(normalizeIdNumber(' 321281 19850315 023x ')).toBe('32128119850315023X');
  });

  it('refuses birth dates that do not exist, including 29 February of a common year', () => {
    const withBirth = (ymd: string) => {
      const body = `321281${ymd}023`;
      return body + idNumberCheckChar(body);
    };
    expect(idNumberProblem(withBirth('19850230'), NOW)).toMatch(/不存在/);
    expect(idNumberProblem(withBirth('19851301'), NOW)).toMatch(/不存在/);
    expect(idNumberProblem(withBirth('19900229'), NOW)).toMatch(/不存在/);
    expect(idNumberProblem(withBirth('19000229'), NOW)).toMatch(/不存在/);
    expect(idNumberProblem(withBirth('20000229'), NOW)).toBeNull();
    expect(idNumberProblem(withBirth('20260116'), NOW)).toMatch(/不合理/);
    expect(idNumberProblem(withBirth('20260115'), NOW)).toBeNull();
  });

  it('refuses an unknown province and sequence 000', () => {
    const body = '991281198503150230'.slice(0, 17);
    expect(idNumberProblem(body + idNumberCheckChar(body), NOW)).toMatch(/地址码/);
    const zero = '32128119850315000';
    expect(idNumberProblem(zero + idNumberCheckChar(zero), NOW)).toMatch(/顺序码/);
  });

  it('makes numbers for the seed and refuses impossible parts', () => {
    const id = makeIdNumber('321281', '1978-11-02', 124);
    expect(id.slice(0, 17)).toBe('32128119781102124');
    expect(isValidIdNumber(id)).toBe(true);
    expect(idNumberSex(id)).toBe('female');
    expect(() => makeIdNumber('321281', '1978-02-30', 1)).toThrow();
    expect(() => makeIdNumber('321281', '1978-11-02', 0)).toThrow();
    expect(() => makeIdNumber('32128', '1978-11-02', 1)).toThrow();
  });

  const validId = fc
    .record({
      division: fc.constantFrom('321281', '320102', '110105', '440305', '650102'),
      birth: fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2008-12-31T00:00:00Z'), noInvalidDate: true }),
      seq: fc.integer({ min: 1, max: 999 }),
    })
    .map((r) => makeIdNumber(r.division, r.birth.toISOString().slice(0, 10), r.seq));

  it('property: a single changed digit is always detected', () => {
    fc.assert(
      fc.property(validId, fc.nat(17), fc.constantFrom(...'0123456789X'.split('')), (id, i, ch) => {
        fc.pre(id[i] !== ch);
        return !isValidIdNumber(id.slice(0, i) + ch + id.slice(i + 1), NOW);
      }),
    );
  });

  it('property: swapping two different adjacent digits is always detected', () => {
    fc.assert(
      fc.property(validId, fc.nat(16), (id, i) => {
        fc.pre(id[i] !== id[i + 1]);
        return !isValidIdNumber(id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2), NOW);
      }),
    );
  });
});
