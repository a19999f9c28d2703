/**
 * The one fixed industry list (行业类别) of the merchant file, stored as codes (docs/domain.md §3).
 *
 * Source: GB/T 4754-2017 《国民经济行业分类》. Sections (门类) A–T are all listed; below them, the
 * divisions (大类) that street merchants actually fall into (shops, restaurants, hotels, repairers,
 * barbers, clinics, training schools, small workshops). A merchant's industry is a division code
 * ('52' 零售业) or, when none of the listed divisions fits, its section code ('C' 制造业) meaning
 * "other in this section". Codes are the standard's own, so reports line up with official statistics.
 */

export interface IndustrySection {
  code: string;
  name: string;
}

export interface IndustryDivision {
  code: string;
  name: string;
  /** The section (门类) the division belongs to. */
  section: string;
  /** Typical shops, to help a grid worker pick. */
  examples?: string;
}

/** GB/T 4754-2017 sections (门类). */
export const INDUSTRY_SECTIONS: readonly IndustrySection[] = [
  { code: 'A', name: '农、林、牧、渔业' },
  { code: 'B', name: '采矿业' },
  { code: 'C', name: '制造业' },
  { code: 'D', name: '电力、热力、燃气及水生产和供应业' },
  { code: 'E', name: '建筑业' },
  { code: 'F', name: '批发和零售业' },
  { code: 'G', name: '交通运输、仓储和邮政业' },
  { code: 'H', name: '住宿和餐饮业' },
  { code: 'I', name: '信息传输、软件和信息技术服务业' },
  { code: 'J', name: '金融业' },
  { code: 'K', name: '房地产业' },
  { code: 'L', name: '租赁和商务服务业' },
  { code: 'M', name: '科学研究和技术服务业' },
  { code: 'N', name: '水利、环境和公共设施管理业' },
  { code: 'O', name: '居民服务、修理和其他服务业' },
  { code: 'P', name: '教育' },
  { code: 'Q', name: '卫生和社会工作' },
  { code: 'R', name: '文化、体育和娱乐业' },
  { code: 'S', name: '公共管理、社会保障和社会组织' },
  { code: 'T', name: '国际组织' },
];

/** GB/T 4754-2017 divisions (大类) found among street merchants. */
export const INDUSTRY_DIVISIONS: readonly IndustryDivision[] = [
  { code: '01', name: '农业', section: 'A', examples: '种植、家庭农场' },
  { code: '03', name: '畜牧业', section: 'A', examples: '养殖场' },
  { code: '04', name: '渔业', section: 'A', examples: '水产养殖、捕捞' },
  { code: '05', name: '农、林、牧、渔专业及辅助性活动', section: 'A', examples: '农机服务、育苗' },
  { code: '13', name: '农副食品加工业', section: 'C', examples: '碾米、油坊、豆制品、屠宰' },
  { code: '14', name: '食品制造业', section: 'C', examples: '糕点、面食加工' },
  { code: '15', name: '酒、饮料和精制茶制造业', section: 'C', examples: '酿酒、茶叶加工' },
  { code: '18', name: '纺织服装、服饰业', section: 'C', examples: '服装加工' },
  { code: '21', name: '家具制造业', section: 'C', examples: '木器、家具作坊' },
  { code: '23', name: '印刷和记录媒介复制业', section: 'C', examples: '图文印刷' },
  { code: '33', name: '金属制品业', section: 'C', examples: '不锈钢、门窗加工' },
  { code: '50', name: '建筑装饰、装修和其他建筑业', section: 'E', examples: '装修队、水电安装' },
  { code: '51', name: '批发业', section: 'F', examples: '农产品、日用品、建材批发' },
  { code: '52', name: '零售业', section: 'F', examples: '超市、便利店、菜摊、水果、服装、药店、加油站' },
  { code: '54', name: '道路运输业', section: 'G', examples: '货运、客运、出租车' },
  { code: '59', name: '装卸搬运和仓储业', section: 'G', examples: '仓库、冷库' },
  { code: '60', name: '邮政业', section: 'G', examples: '快递网点、驿站' },
  { code: '61', name: '住宿业', section: 'H', examples: '旅馆、民宿' },
  { code: '62', name: '餐饮业', section: 'H', examples: '饭店、小吃、奶茶、早点' },
  { code: '63', name: '电信、广播电视和卫星传输服务', section: 'I', examples: '通信营业厅' },
  { code: '64', name: '互联网和相关服务', section: 'I', examples: '网店、直播' },
  { code: '65', name: '软件和信息技术服务业', section: 'I', examples: '电脑服务' },
  { code: '70', name: '房地产业', section: 'K', examples: '房产中介、物业' },
  { code: '71', name: '租赁业', section: 'L', examples: '农机、器材出租' },
  { code: '72', name: '商务服务业', section: 'L', examples: '广告、婚庆、旅行社、家政公司' },
  { code: '74', name: '专业技术服务业', section: 'M', examples: '测绘、设计、检测' },
  { code: '80', name: '居民服务业', section: 'O', examples: '理发、美容、洗浴、洗衣、摄影' },
  { code: '81', name: '机动车、电子产品和日用产品修理业', section: 'O', examples: '汽修、电动车修理、手机维修' },
  { code: '82', name: '其他服务业', section: 'O', examples: '宠物服务、其他' },
  { code: '83', name: '教育', section: 'P', examples: '培训班、驾校、幼儿园' },
  { code: '84', name: '卫生', section: 'Q', examples: '诊所、卫生室' },
  { code: '85', name: '社会工作', section: 'Q', examples: '养老院' },
  { code: '88', name: '文化艺术业', section: 'R', examples: '文化站、艺术培训' },
  { code: '89', name: '体育', section: 'R', examples: '健身房、球馆' },
  { code: '90', name: '娱乐业', section: 'R', examples: 'KTV、棋牌室、网吧' },
];

const SECTION_BY_CODE = new Map(INDUSTRY_SECTIONS.map((s) => [s.code, s]));
const DIVISION_BY_CODE = new Map(INDUSTRY_DIVISIONS.map((d) => [d.code, d]));

/** Every storable industry code: the listed divisions, then the sections. */
export const INDUSTRY_CODES: readonly string[] = [
  ...INDUSTRY_DIVISIONS.map((d) => d.code),
  ...INDUSTRY_SECTIONS.map((s) => s.code),
];

/** True when `code` is a listed division or a section code. */
export function isIndustryCode(code: unknown): code is string {
  return typeof code === 'string' && (DIVISION_BY_CODE.has(code) || SECTION_BY_CODE.has(code));
}

/** The section letter of an industry code (itself for a section), or null for an unknown code. */
export function industrySection(code: string): string | null {
  return DIVISION_BY_CODE.get(code)?.section ?? (SECTION_BY_CODE.has(code) ? code : null);
}

/**
 * Display label of an industry code: a division's name ('零售业'), a section's as "other in the
 * section" ('制造业（其他）'), or the code itself when unknown (old data never renders blank).
 */
export function industryLabel(code: string): string {
  const division = DIVISION_BY_CODE.get(code);
  if (division) return division.name;
  const section = SECTION_BY_CODE.get(code);
  if (section) return `${section.name}（其他）`;
  return code;
}

/** The picker's tree: each section with its listed divisions, in the standard's order. */
export function industryTree(): { section: IndustrySection; divisions: IndustryDivision[] }[] {
  return INDUSTRY_SECTIONS.map((section) => ({
    section,
    divisions: INDUSTRY_DIVISIONS.filter((d) => d.section === section.code),
  }));
}
