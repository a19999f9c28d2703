import fc from 'fast-check';
import { maskAccount, maskIdNumber, maskMobile, maskName } from '../../shared/domain/mask.rules';

describe('masking of personal information (JR/T 0171-2020)', () => {
  it('shows a mobile as 138****1234', () => {
    expect(maskMobile('13812341234')).toBe('138****1234');
    expect(maskMobile('12345')).toBe('*****');
  });

  it('shows an ID number by its first and last character only', () => {
    expect(maskIdNumber('32128119850315023X')).toBe('3****************X');
    expect(maskIdNumber('12')).toBe('**');
  });

  it('shows an account by its last 4 digits', () => {
    expect(maskAccount('6228480402564890018')).toBe('***************0018');
    expect(maskAccount('0018')).toBe('0018');
  });

  it('keeps the surname only, counting characters not UTF-16 units', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳修')).toBe('欧**');
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskName('王')).toBe('王');
  });

  it('property: a masked mobile never reveals the middle four digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (m) => {
        const masked = maskMobile(m);
        return masked.length === 11 && masked.slice(3, 7) === '****' && masked.slice(0, 3) === m.slice(0, 3) && masked.slice(7) === m.slice(7);
      }),
    );
  });

  it('property: a masked ID number keeps its length and shows at most 2 characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const masked = maskIdNumber(id);
        return masked.length === 18 && masked.replace(/\*/g, '').length <= 2;
      }),
    );
  });
});
