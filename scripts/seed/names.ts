/**
 * Names for the demo bank: people (surnames common in 兴化 first) and shop names by industry
 * (GB/T 4754 division codes of shared/domain/industry.rules.ts), as they read on storefront signs.
 */
import type { Rng } from './random';

const SURNAMES = [
  '王', '张', '陈', '李', '刘', '徐', '周', '吴', '朱', '顾', '杨', '赵', '孙', '钱', '高', '蒋', '沈', '黄',
  '许', '丁', '施', '郑', '卢', '姜', '袁', '任', '储', '翟', '夏', '成', '唐', '戴', '葛', '邹', '缪', '汤',
] as const;
const SURNAME_WEIGHTS = SURNAMES.map((_, i) => (i < 6 ? 8 : i < 14 ? 4 : 2));

const GIVEN_CHARS = [
  '建', '国', '华', '明', '军', '平', '红', '芳', '秀', '英', '海', '波', '俊', '伟', '强', '磊', '静', '丽', '娟',
  '敏', '燕', '霞', '玲', '春', '梅', '兰', '桂', '林', '峰', '勇', '杰', '涛', '斌', '超', '鹏', '婷', '雪', '琴',
  '云', '飞', '晓', '宇', '浩', '洋', '振', '宏', '志', '荣', '德', '兵', '亮', '辉', '玉', '凤', '萍', '艳', '军',
] as const;

/** A person's name: surname plus one or two given characters. */
export function personName(rng: Rng): string {
  const surname = rng.weighted(SURNAMES, SURNAME_WEIGHTS);
  const given = rng.chance(0.7) ? rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS);
  return surname + given;
}

/** Shop kinds per industry code, with the signboard suffixes they use. */
const SHOP_KINDS: Readonly<Record<string, readonly string[]>> = {
  '52': ['便利店', '超市', '烟酒店', '水果店', '副食品店', '服装店', '鞋店', '药房', '五金店', '建材店', '文具店', '母婴店', '眼镜店', '手机店', '家电商行', '农资店', '蔬菜摊', '鲜肉店', '水产摊', '茶叶店'],
  '62': ['面馆', '饭店', '早点铺', '包子铺', '小吃店', '奶茶店', '烧烤店', '鱼汤馆', '快餐店', '蛋糕房', '卤菜店', '火锅店'],
  '51': ['批发部', '粮油批发', '水产批发', '日杂批发', '建材批发'],
  '80': ['理发店', '美容院', '洗衣店', '浴室', '摄影店', '足浴店'],
  '81': ['汽修厂', '电动车维修', '手机维修', '家电维修', '轮胎店'],
  '61': ['旅馆', '宾馆', '民宿'],
  '84': ['诊所', '口腔诊所', '中医馆'],
  '83': ['培训中心', '驾校报名点', '书法班'],
  '90': ['棋牌室', 'KTV', '网吧'],
  '89': ['健身房', '台球馆'],
  '60': ['快递驿站', '快递网点'],
  '33': ['不锈钢加工厂', '门窗加工', '五金加工'],
  '13': ['碾米厂', '豆腐坊', '油坊'],
  '14': ['糕点坊', '面条加工'],
  '04': ['水产养殖场', '螃蟹塘口'],
  '01': ['家庭农场', '香葱基地'],
  '50': ['装饰工程部', '水电安装'],
  '72': ['婚庆公司', '广告图文', '家政服务'],
  '70': ['房产中介'],
  '54': ['货运部', '物流点'],
  '63': ['通信营业厅'],
};

/** Industry codes with their share of street merchants in a county town (retail and food first). */
export const INDUSTRY_MIX: readonly { code: string; weight: number }[] = [
  { code: '52', weight: 46 },
  { code: '62', weight: 18 },
  { code: '51', weight: 5 },
  { code: '80', weight: 8 },
  { code: '81', weight: 5 },
  { code: '61', weight: 2 },
  { code: '84', weight: 1.5 },
  { code: '83', weight: 1.5 },
  { code: '90', weight: 1.5 },
  { code: '89', weight: 0.5 },
  { code: '60', weight: 1.5 },
  { code: '33', weight: 2 },
  { code: '13', weight: 1 },
  { code: '14', weight: 1 },
  { code: '04', weight: 1 },
  { code: '01', weight: 0.5 },
  { code: '50', weight: 1.5 },
  { code: '72', weight: 1 },
  { code: '70', weight: 0.5 },
  { code: '54', weight: 1 },
  { code: '63', weight: 0.5 },
];

/** Market stalls (菜场) sell food: the industries a market merchant is drawn from. */
export const MARKET_INDUSTRY_MIX: readonly { code: string; weight: number }[] = [
  { code: '52', weight: 85 },
  { code: '62', weight: 10 },
  { code: '13', weight: 5 },
];

const BRAND_WORDS = ['鑫', '福', '兴', '旺', '顺', '隆', '源', '康', '美', '佳', '诚', '信', '和', '盛', '发', '祥', '瑞', '丰', '泰', '昌'];

/** An industry drawn from a mix. */
export function pickIndustry(rng: Rng, mix: readonly { code: string; weight: number }[]): string {
  return rng.weighted(
    mix.map((m) => m.code),
    mix.map((m) => m.weight),
  );
}

/** A signboard name for a shop of `industry`, e.g. 老王面馆, 鑫源便利店, 英武路张记卤菜店. */
export function shopName(rng: Rng, industry: string, operatorName: string, street: string, inMarket: boolean): string {
  const kind = inMarket && industry === '52' ? rng.pick(['蔬菜摊', '鲜肉摊', '水产摊', '豆制品摊', '禽蛋摊', '干货摊', '水果摊']) : rng.pick(SHOP_KINDS[industry] ?? SHOP_KINDS['52']);
  const surname = Array.from(operatorName)[0];
  const style = rng.int(0, 4);
  if (style === 0) return `老${surname}${kind}`;
  if (style === 1) return `${surname}记${kind}`;
  if (style === 2) return `${rng.pick(BRAND_WORDS)}${rng.pick(BRAND_WORDS)}${kind}`;
  if (style === 3) return `${street.replace(/(路|街|大街|大道)$/, '')}${kind}`;
  return `${operatorName}${kind}`;
}

