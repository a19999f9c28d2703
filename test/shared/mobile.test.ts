import fc from 'fast-check';
import { isMobile, mobileProblem, normalizeMobile } from '../../shared/domain/mobile.rules';

describe('mainland mobile numbers', () => {
  it.each(['13812341234', '14512345678', '15000000000', '16612345678', '17712345678', '18912345678', '19912345678'])(
    'accepts %s',
    (m) => {
      expect(isMobile(m)).toBe(true);
      expect(mobileProblem(m)).toBeNull();
    },
  );

  it.each([
    ['12812341234', /13至19/],
    ['10012341234', /13至19/],
    ['1381234123', /11位，当前为10位/],
    ['138123412345', /11位，当前为12位/],
    ['1381234abcd', /只能包含数字/],
    ['', /请填写/],
  ])('refuses %s', (m, reason) => {
    expect(isMobile(m)).toBe(false);
    expect(mobileProblem(m)).toMatch(reason);
  });

  it.each([
    ['138 1234 1234', '13812341234'],
    ['138-1234-1234', '13812341234'],
    ['+86 138 1234 1234', '13812341234'],
    ['+8613812341234', '13812341234'],
    ['0086 13812341234', '13812341234'],
    ['8613812341234', '13812341234'],
    ['(138)12341234', '13812341234'],
    ['（138）1234－1234', '13812341234'],
    ['１３８１２３４１２３４', '13812341234'],
    ['＋86 138 1234 1234', '13812341234'],
    ['\u300013812341234\u3000', '13812341234'],
  ])('normalises %j', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it('keeps an 11-digit number starting 86 as it is (it is not a country code then)', () => {
    expect(normalizeMobile('86123456789')).toBe('86123456789');
    expect(isMobile(normalizeMobile('86123456789'))).toBe(false);
  });

  const mobile = fc
    .tuple(fc.integer({ min: 3, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }))
    .map(([second, rest]) => `1${second}${rest.join('')}`);

  it('property: every way of writing a valid number normalises to it', () => {
    const prefix = fc.constantFrom('', '+86', '+86 ', '0086', '86');
    fc.assert(
      fc.property(mobile, prefix, fc.constantFrom('', ' ', '-'), (m, p, sep) => {
        const written = `${p}${m.slice(0, 3)}${sep}${m.slice(3, 7)}${sep}${m.slice(7)}`;
        return normalizeMobile(written) === m && isMobile(normalizeMobile(written));
      }),
    );
  });

  it('property: normalisation is idempotent and the verdict is consistent with the reason', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const once = normalizeMobile(s);
        return normalizeMobile(once) === once && isMobile(once) === (mobileProblem(once) === null);
      }),
    );
  });
});
