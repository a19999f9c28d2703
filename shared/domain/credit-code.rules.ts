/**
 * Unified social credit code (统一社会信用代码), the number on a business licence.
 *
 * Source: GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》 and, for positions 9–17 (the
 * 主体标识码, which is the organisation code), GB 11714-1997 《全国组织机构代码编制规则》.
 * Layout: 1 registration authority · 2 entity type · 3–8 administrative division of the registering
 * office (GB/T 2260) · 9–17 organisation code (its own check character at 17) · 18 check character.
 * Why here: the entry standard (docs/domain.md §3) stores the licence code and the duplicate check compares it,
 * so a mistyped code must be refused at the form and at the function alike.
 */

/** The 31 characters of GB 32100 (digits and capitals without I, O, Z, S, V), in value order. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of positions 1–17 for the check character (3^(i) mod 31, GB 32100 §5). */
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Weights of the 8 body characters of an organisation code (GB 11714 §5). */
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * Registration authorities (登记管理部门) and the entity types (机构类别) each may issue: GB 32100-2015
 * Table 1 (1, 5, 9, Y) and the codes assigned since by the standard's administrators (2, 3, 4, 6, 7, 8, A, N).
 */
export const CREDIT_CODE_AUTHORITIES: Record<string, { name: string; types: Record<string, string> }> = {
  '1': { name: '机构编制', types: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' } },
  '2': { name: '外交', types: { '1': '外国常驻新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    types: { '1': '律师执业机构', '2': '公证处', '3': '基层法律服务所', '4': '司法鉴定机构', '5': '仲裁委员会', '9': '其他' },
  },
  '4': { name: '文化', types: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', types: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': { name: '旅游', types: { '1': '外国旅游部门常驻代表机构', '2': '港澳台地区旅游部门常驻内地（大陆）代表机构', '9': '其他' } },
  '7': { name: '宗教', types: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', types: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', types: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', types: { '1': '军队事业单位', '9': '其他' } },
  N: { name: '农业', types: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' } },
  Y: { name: '其他', types: { '1': '其他' } },
};

/**
 * First two digits of a GB/T 2260 division code (provinces, plus 10 for codes registered by a central
 * authority, e.g. 100000). Only the province is checked: county codes change with every redistricting,
 * and a licence keeps the code of the office that issued it.
 */
const PROVINCE_PREFIXES = new Set([
  '10', '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** Trims, removes inner spaces and upper-cases what a user typed or an OCR read. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/[\s\u3000-]/g, '').toUpperCase();
}

/** The check character (position 18) for the first 17 characters; throws on a character outside the charset. */
export function creditCodeCheckChar(body17: string): string {
  if (body17.length !== 17) throw new Error('body must have 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARSET.indexOf(body17[i]);
    if (value < 0) throw new Error(`character ${body17[i]} is not allowed`);
    sum += value * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** Value of an organisation-code character: digits 0–9, letters A=10 … Z=35 (GB 11714). */
function orgCharValue(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

/** The check character of a GB 11714 organisation code from its 8 body characters ('X' for 10). */
export function organizationCodeCheckChar(body8: string): string {
  if (body8.length !== 8) throw new Error('organisation code body must have 8 characters');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const value = orgCharValue(body8[i]);
    if (value < 0) throw new Error(`character ${body8[i]} is not allowed`);
    sum += value * ORG_CODE_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * Why a code is not a valid unified social credit code, as a sentence for the user, or null when it is.
 * The input is checked as given; call `normalizeCreditCode` first to accept spaces and lower case.
 */
export function creditCodeProblem(code: string): string | null {
  if (typeof code !== 'string' || code.length === 0) return '请填写统一社会信用代码';
  if (code.length !== 18) return `统一社会信用代码应为18位，当前为${code.length}位`;
  for (let i = 0; i < 18; i++) {
    if (!CREDIT_CODE_CHARSET.includes(code[i])) {
      return `统一社会信用代码第${i + 1}位“${code[i]}”不是允许的字符（数字或除I、O、Z、S、V外的大写字母）`;
    }
  }
  const authority = CREDIT_CODE_AUTHORITIES[code[0]];
  if (!authority) return `统一社会信用代码第1位“${code[0]}”不是有效的登记管理部门代码`;
  if (!authority.types[code[1]]) return `统一社会信用代码第2位“${code[1]}”不是${authority.name}部门的机构类别`;
  const division = code.slice(2, 8);
  if (!/^\d{6}$/.test(division) || !PROVINCE_PREFIXES.has(division.slice(0, 2))) {
    return '统一社会信用代码第3至8位不是有效的行政区划代码';
  }
  if (organizationCodeCheckChar(code.slice(8, 16)) !== code[16]) {
    return '统一社会信用代码第9至17位（组织机构代码）校验不通过';
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return '统一社会信用代码校验位不正确，请核对是否输错';
  return null;
}

/** True when `code` is a valid unified social credit code (exactly as given: upper case, no spaces). */
export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** Completes an organisation code: 8 body characters + GB 11714 check character. */
export function makeOrganizationCode(body8: string): string {
  return body8 + organizationCodeCheckChar(body8);
}

/**
 * Completes a credit code from its first 17 characters by appending the check character; throws when
 * those 17 are not a valid body (so a generator never emits a code the validator refuses). Used by the
 * demo seed: `makeCreditCode('92321281' + makeOrganizationCode('MA1XY2K3'))`.
 */
export function makeCreditCode(body17: string): string {
  if (body17.length !== 17) throw new Error('body must have 17 characters');
  const code = body17 + creditCodeCheckChar(body17);
  const problem = creditCodeProblem(code);
  if (problem) throw new Error(problem);
  return code;
}

/** The entity type of a valid code in words, e.g. '工商 · 个体工商户'; null when the code is invalid. */
export function creditCodeEntityType(code: string): string | null {
  if (!isValidCreditCode(code)) return null;
  const authority = CREDIT_CODE_AUTHORITIES[code[0]];
  return `${authority.name} · ${authority.types[code[1]]}`;
}
