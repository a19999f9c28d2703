import fc from 'fast-check';
import {
  CREDIT_CODE_CHARSET,
  creditCodeCheckChar,
  creditCodeEntityType,
  creditCodeProblem,
  isValidCreditCode,
  makeCreditCode,
  makeOrganizationCode,
  normalizeCreditCode,
  organizationCodeCheckChar,
} from '../../shared/domain/credit-code.rules';

// Codes printed on real licences (published examples), checked by hand against GB 32100 and GB 11714.
// 91350100M000100Y43: values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4 × weights 1,3,9,27,19,26,16,17,20,
// 29,25,13,8,24,10,30,28 = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31−28 = 3 → '3'.
// Organisation code M000100Y4: M=22×3 + 1×5 + Y=34×2 = 139; 139 mod 11 = 7; 11−7 = 4 → '4'.
const REAL_CODES = [
  '91350100M000100Y43',
  '91230184MA1BUFLT44',
  '92371000MA3MXH0E3W',
  '91440300708461136T', // a Shenzhen company, T = 26
  '914403001922038216', // organisation code 192203821 (registered before 2015)
  '91110000802100433B', // registered in Beijing
];

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(REAL_CODES)('accepts the real licence code %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('computes the check character by the standard weights mod 31', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91230184MA1BUFLT4')).toBe('4');
    expect(creditCodeCheckChar('92371000MA3MXH0E3')).toBe('W');
  });

  it('computes the organisation code check character per GB 11714, with X for 10 and 0 for 11', () => {
    expect(organizationCodeCheckChar('M000100Y')).toBe('4');
    expect(organizationCodeCheckChar('MA1BUFLT')).toBe('4');
    // weights 3,7,9,10,5,8,4,2; check = 11 − (sum mod 11), 10 → X, 11 → 0
    expect(organizationCodeCheckChar('00000001')).toBe('9'); // 1×2 = 2 → 9
    expect(organizationCodeCheckChar('00000005')).toBe('1'); // 5×2 = 10 → 1
    expect(organizationCodeCheckChar('00000000')).toBe('0'); // 0 → 11 → 0
    expect(organizationCodeCheckChar('00000010')).toBe('7'); // 1×4 = 4 → 7
    expect(organizationCodeCheckChar('00000100')).toBe('3'); // 1×8 = 8 → 3
    expect(organizationCodeCheckChar('00010001')).toBe('X'); // 1×10 + 1×2 = 12 → 1 → 10 → X
  });

  it('refuses a wrong length with the length in the reason', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toMatch(/18位.*17位/);
    expect(creditCodeProblem('')).toBe('请填写统一社会信用代码');
  });

  it('refuses the letters I, O, Z, S, V and lower case, naming the position', () => {
    for (const bad of ['I', 'O', 'Z', 'S', 'V', 'a']) {
      const code = `91350100M${bad}00100Y43`;
      expect(creditCodeProblem(code)).toMatch(/第10位/);
    }
  });

  it('refuses an unknown registration authority and a type that authority does not issue', () => {
    expect(creditCodeProblem(makeFake('B1'))).toMatch(/第1位/);
    // 工商 (9) issues 1 企业, 2 个体工商户, 3 农民专业合作社 only
    expect(creditCodeProblem(makeFake('94'))).toMatch(/第2位/);
    expect(creditCodeProblem(makeFake('Y2'))).toMatch(/第2位/);
  });

  it('refuses a division code outside the provinces of GB/T 2260', () => {
    expect(creditCodeProblem(makeCheckedBody('9199000' + '0' + 'M000100Y4'))).toMatch(/行政区划/);
    expect(creditCodeProblem(makeCheckedBody('92A21281' + 'M000100Y4'))).toMatch(/行政区划/);
  });

  it('refuses an organisation code part whose own check character is wrong', () => {
    expect(creditCodeProblem(makeCheckedBody('91350100M000100Y5'))).toMatch(/组织机构代码/);
  });

  it('refuses a wrong check character', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toMatch(/校验位/);
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
  });

  it('normalises what a user typed', () => {
    expect(normalizeCreditCode(' 9135 0100-m000 100y43 ')).toBe('91350100M000100Y43');
  });

  it('names the entity type of a valid code', () => {
    expect(creditCodeEntityType('92371000MA3MXH0E3W')).toBe('工商 · 个体工商户');
    expect(creditCodeEntityType('91350100M000100Y44')).toBeNull();
  });

  it('makes codes for the seed (a 个体工商户 of 兴化市)', () => {
    const code = makeCreditCode('92321281' + makeOrganizationCode('MA1XY2K3'));
    expect(code).toHaveLength(18);
    expect(code.slice(0, 8)).toBe('92321281');
    expect(isValidCreditCode(code)).toBe(true);
    expect(() => makeCreditCode('92321281MA1XY2K30')).toThrow(/组织机构代码/);
    expect(() => makeCreditCode('9232128')).toThrow();
  });

  const orgChar = fc.constantFrom(...CREDIT_CODE_CHARSET.split(''));
  const validCode = fc
    .record({
      head: fc.constantFrom('91', '92', '93', '51', '52', '11', '12', 'Y1', 'N2'),
      division: fc.constantFrom('321281', '320000', '110105', '440300', '100000', '650102'),
      body: fc.array(orgChar, { minLength: 8, maxLength: 8 }).map((a) => a.join('')),
    })
    .map((r) => makeCreditCode(r.head + r.division + makeOrganizationCode(r.body)));

  it('property: every generated code validates', () => {
    fc.assert(fc.property(validCode, (code) => isValidCreditCode(code)));
  });

  it('property: any single-character substitution is detected', () => {
    fc.assert(
      fc.property(validCode, fc.nat(17), orgChar, (code, i, ch) => {
        fc.pre(code[i] !== ch);
        return !isValidCreditCode(code.slice(0, i) + ch + code.slice(i + 1));
      }),
    );
  });

  it('property: any swap of two different adjacent characters is detected', () => {
    fc.assert(
      fc.property(validCode, fc.nat(16), (code, i) => {
        fc.pre(code[i] !== code[i + 1]);
        return !isValidCreditCode(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2));
      }),
    );
  });

  it('property: never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const problem = creditCodeProblem(s);
        return problem === null || typeof problem === 'string';
      }),
    );
  });
});

/** A code whose first two characters are `head` and whose check character is right, to isolate one rule. */
function makeFake(head: string): string {
  return makeCheckedBody(head + '350100M000100Y4');
}

/** Appends the correct final check character to any 17 charset characters, bypassing other rules. */
function makeCheckedBody(body17: string): string {
  return body17 + creditCodeCheckChar(body17);
}
