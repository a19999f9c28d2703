/**
 * Display labels (Chinese) of every domain code, and the sentence a grid worker reads for an error.
 *
 * Why one map: the conventions keep domain codes as English strings and the words users read in
 * one place, so a screen, an export and a message never name the same thing two ways.
 */
import type { Envelope, ErrorBody, ErrorCode, ErrorReason, FieldIssue } from '../envelope';
import { CHECK_DEFINITIONS, type CheckItem, type CheckResultValue } from './check.rules';
import { industryLabel } from './industry.rules';
import type { DuplicateReason } from './merchant-file.rules';
import type { LifecycleClass } from './lifecycle.rules';
import type { Indicator } from './metrics.rules';
import type { PeriodKind } from './period.rules';
import { HOLDING_STATUS_LABELS, OTHER_BANK_LABELS, PRODUCT_LABELS, type BankSide } from './product.rules';
import { ROLE_LABELS, type Area, type UnitKind } from './roles';
import { MARKETING_OUTCOME_LABELS, VISIT_TYPE_LABELS, type TaskKind } from './visit.rules';

export { ROLE_LABELS, PRODUCT_LABELS, HOLDING_STATUS_LABELS, OTHER_BANK_LABELS, VISIT_TYPE_LABELS, MARKETING_OUTCOME_LABELS };

export const UNIT_KIND_LABELS: Record<UnitKind, string> = { bank: '总行', branch: '支行', group: '网格组', grid: '网格' };

export const AREA_LABELS: Record<Area, string> = { city: '城区', township: '乡镇' };

/** 全生命周期 classes (docs/domain.md §6). */
export const LIFECYCLE_CLASS_LABELS: Record<LifecycleClass, string> = {
  'to-win': '攻坚',
  qualified: '达标',
  premium: '优质',
  abnormal: '异动',
  lost: '流失',
};

/** The colour of each lifecycle class on a map and in its legend (the mini program's markers, the console's map). */
export const LIFECYCLE_CLASS_COLORS: Record<LifecycleClass, string> = {
  'to-win': '#e37318',
  qualified: '#2ba471',
  premium: '#0052d9',
  abnormal: '#d54941',
  lost: '#8a8f99',
};

export const BANK_SIDE_LABELS: Record<BankSide, string> = { ours: '本行', other: '他行' };

export const CHECK_LABELS: Record<CheckItem, string> = Object.fromEntries(
  Object.entries(CHECK_DEFINITIONS).map(([item, d]) => [item, d.label]),
) as Record<CheckItem, string>;

export const CHECK_RESULT_LABELS: Record<CheckResultValue, string> = { pass: '通过', fail: '不通过', na: '不适用' };

export const TASK_KIND_LABELS: Record<TaskKind, string> = {
  'check-followup': '必查整改',
  'abnormal-visit': '异动走访',
  'win-back': '流失挽回',
  marketing: '去营销',
};

export const TASK_STATUS_LABELS: Record<'open' | 'done', string> = { open: '待办', done: '已完成' };

export const STAFF_STATUS_LABELS: Record<'active' | 'disabled', string> = { active: '在职', disabled: '已停用' };

export const ACQUIRING_STATUS_LABELS: Record<'none' | 'active' | 'closed', string> = {
  none: '未开通',
  active: '已开通',
  closed: '已关闭',
};

export const DEVICE_STATUS_LABELS: Record<'bound' | 'unbound', string> = { bound: '已绑定', unbound: '已解绑' };

/** Why a merchant changed class (the reason codes of `classifyMerchant`, plus opening acquiring). */
export const CLASS_REASON_LABELS: Record<string, string> = {
  'acquiring-opened': '开通本行收单',
  closed: '收单已关闭',
  'no-acquiring': '尚未开通本行收单',
  'device-unbound': '收单设备已解绑',
  'volume-drop': '交易额较前几个月均值明显下降',
  'below-minimum': '月交易未达标',
  'minimum-met': '月交易达标',
  volume: '月交易额达到优质标准',
  products: '本行产品数达到优质标准',
  'go-market': '去营销',
  'check-failed': '必查未通过',
};

/**
 * The sentence for a class-change or task reason: `idle-30` → "30 天无交易", `check-failed:qrCode` →
 * "必查未通过：收款码", `lifecycle:volume-drop` (a task a reclassification opened) as its class reason.
 * An unknown code is shown as it is, so old data never renders blank.
 */
export function reasonLabel(reason: string | null | undefined): string {
  if (!reason) return '';
  const code = reason.startsWith('lifecycle:') ? reason.slice('lifecycle:'.length) : reason;
  const idle = /^idle-(\d+)$/.exec(code);
  if (idle) return `${idle[1]} 天无交易`;
  if (code.startsWith('check-failed:')) return `必查未通过：${labelOf(CHECK_LABELS, code.slice('check-failed:'.length))}`;
  return own(CLASS_REASON_LABELS, code) ?? code;
}

export const DUPLICATE_REASON_LABELS: Record<DuplicateReason, string> = {
  'same-mobile': '经营者手机号相同',
  'same-licence': '营业执照相同',
  'same-name-nearby': '50米内同名商户',
};

export const PERIOD_KIND_LABELS: Record<PeriodKind, string> = { day: '日', month: '月', year: '年', range: '时间段' };

export const IMPORT_KIND_LABELS: Record<'transactions' | 'credit' | 'deposits', string> = {
  transactions: '收单交易',
  credit: '授信用信',
  deposits: '存款余额',
};

export const JOB_STATUS_LABELS: Record<'running' | 'done' | 'failed', string> = { running: '进行中', done: '已完成', failed: '失败' };

/** Metrics and assessed indicators (docs/domain.md §7). */
export const INDICATOR_LABELS: Record<Indicator, string> = {
  acquiring: '收单商户数',
  filed: '建档数',
  coverage: '收单覆盖率',
  revisitRate: '回访率',
  creditGranted: '授信商户数',
  creditDrawing: '用信商户数',
  grantRate: '授信率',
  usageRate: '用信率',
  depositsFen: '资金沉淀',
  loansOutstandingFen: '贷款余额',
  visitsTotal: '走访量',
};

export const ERROR_CODE_LABELS: Record<ErrorCode, string> = {
  VALIDATION: '输入有误',
  UNAUTHENTICATED: '未登录',
  FORBIDDEN: '无权限',
  NOT_FOUND: '未找到',
  CONFLICT: '数据冲突',
  RATE_LIMITED: '操作太频繁',
  INTERNAL: '系统错误',
};

/** What to tell the user for each error code when the server gave no sentence of its own. */
const CODE_SENTENCES: Record<ErrorCode, string> = {
  VALIDATION: '填写的内容有误，请检查后再提交。',
  UNAUTHENTICATED: '尚未登录或未绑定员工账号，请先用绑定码绑定。',
  FORBIDDEN: '您没有权限查看或修改这项内容（超出您负责的范围）。',
  NOT_FOUND: '没有找到这条记录，可能已被删除或转到其他网格。',
  CONFLICT: '这条记录刚被别人修改过，请刷新后重试。',
  RATE_LIMITED: '操作太频繁，请稍等片刻再试。',
  INTERNAL: '系统暂时出错，请稍后重试。',
};

/**
 * Sentences for the finer reasons the functions send (`reason`), used when the message is not for users.
 * One for every reason of ERROR_REASONS: a reason added without its sentence, or a misspelt one, fails to compile.
 */
export const ERROR_REASON_SENTENCES: Record<ErrorReason, string> = {
  'CONSOLE.ROLE_NOT_ALLOWED': '控制台仅供总行和支行人员使用，请在小程序里办理。',
  'CONSOLE.SCAN_REQUIRED': '请用小程序扫码确认登录。',
  'CONSOLE.TICKET_EXPIRED': '二维码已过期，请在电脑上刷新二维码后重新扫码。',
  'CONSOLE.TICKET_NOT_FOUND': '二维码无效，请在电脑上刷新二维码后重新扫码。',
  'CONSOLE.TICKET_RATE': '刷新登录二维码过于频繁，请稍等一分钟再试。',
  'CONSOLE.TICKET_REVOKED': '该登录请求已取消，请在电脑上刷新二维码后重新扫码。',
  'CONSOLE.TICKET_USED': '该二维码已用于登录，不能再次使用。',
  'DB.CONFLICT': '数据正被他人修改，请重试。',
  'FILE.MISSING': '照片文件不存在，请重新拍摄上传。',
  'FILE.NOT_OWN': '只能使用您本人刚上传的文件。',
  'IMPORT.APPLIED': '该导入已应用，不能放弃。',
  'IMPORT.BAD_ENCODING': '无法识别文件编码，请另存为 UTF-8 或 GBK 编码后再导入。',
  'IMPORT.BAD_FORMAT': '文件不是 CSV 或 Excel 表格，请检查后再导入。',
  'IMPORT.DISCARDED': '该导入已放弃，本月数据保持原样。',
  'IMPORT.DUPLICATE_COLUMN': '文件中有重复的列，请检查表头。',
  'IMPORT.EMPTY': '文件没有数据行。',
  'IMPORT.FAILED': '导入未能完成，本月数据保持原样，请稍后重新导入。',
  'IMPORT.FILE_MISSING': '文件不存在或无法读取，请重新上传。',
  'IMPORT.JOB_ID_TAKEN': '该导入任务编号已被使用，请重新发起导入。',
  'IMPORT.NOT_FOUND': '没有找到该导入任务。',
  'IMPORT.RUNNING': '同一月份有未完成的导入，请先继续或放弃它。',
  'IMPORT.SUPERSEDED': '导入期间同一月份已被另一次导入更新，本次未应用，请重新导入。',
  'IMPORT.TOO_MANY_ROWS': '文件行数超过上限，请拆分后分批导入。',
  'IMPORT.WRONG_COLUMNS': '文件的列与模板不符，请按模板整理后再导入。',
  'JOB.ID_TAKEN': '该任务编号已被使用，请重新发起。',
  'JOB.NOT_FOUND': '没有找到该任务。',
  'MARKET.BRANCH_REQUIRED': '商圈需归属于支行。',
  'MARKET.GRID_OUTSIDE_BRANCH': '所选网格不在该支行。',
  'MARKET.NOT_FOUND': '没有找到该商圈。',
  'MARKET.OTHER_GRID': '该商圈不覆盖商户所在网格。',
  'MARKETING.NOT_A_GAP': '所选产品商户已在本行开通。',
  'MARKETING.NO_GAP': '该商户已持有全部本行产品。',
  'MERCHANT.ARCHIVED': '该商户已停业/迁出归档，请先恢复。',
  'MERCHANT.ARCHIVE_DAY': '日期不符合要求，请重新选择。',
  'MERCHANT.DUPLICATE': '发现疑似重复的商户，请核对后选择。',
  'MERCHANT.EXISTS': '该商户已建档。',
  'MERCHANT.GRID_MISMATCH': '该位置在另一个网格内，请核对网格。',
  'MERCHANT.GRID_REQUIRED': '请选择商户所属网格。',
  'MERCHANT.ID_TAKEN': '该商户编号已被使用。',
  'MERCHANT.NOT_ARCHIVED': '该商户未停业/迁出归档。',
  'MERCHANT.NOT_FOUND': '没有找到该商户，可能已被转到其他网格。',
  'MERCHANT.NO_GRID_FOR_LOCATION': '该位置不在任何网格内，请选择网格。',
  'MERCHANT.SAME_GRID': '商户已在该网格。',
  'MERCHANT.TRANSFER_ID_TAKEN': '该移交编号已被他人使用，请重新提交。',
  'MERCHANT.TRANSFER_REASON_REQUIRED': '商户位置不在目标网格的边界内，请填写移交原因。',
  'MERCHANT.VERSION': '商户档案已被他人修改，请刷新后再编辑。',
  'NOTICE.ID_TAKEN': '该通知编号已被他人使用，请重新发布。',
  'NOTICE.NOT_FOUND': '没有找到该通知。',
  'PLACEMENT.NOT_PENDING': '该商户的网格已确认或已调整。',
  'PHOTO.STAMP_PLACE': '照片水印的位置离本次定位太远，请在现场重新拍摄。',
  'PHOTO.STAMP_STAFF': '照片水印不是您本人，请重新拍摄。',
  'PHOTO.STAMP_TIME': '照片拍摄时间不在本次记录的时间范围内，请重新拍摄。',
  'PI.NOT_ENTITLED': '您的角色不能查看完整的个人信息。',
  'PI.PROBE_QUOTA': '今日查重次数已用完，请明天再试或联系管理员。',
  'ROLE.NOT_ALLOWED': '您的角色不能执行该操作。',
  'SCOPE.OTHER_GRID': '只能操作您负责网格内的商户。',
  'SCOPE.OUTSIDE': '这项内容超出您负责的范围。',
  'STAFF.ACTIVE': '该人员已是在职状态。',
  'STAFF.ALREADY_BOUND': '该人员已绑定微信，请先解绑。',
  'STAFF.DISABLED': '该人员已停用。',
  'STAFF.GRIDS_NOT_ALLOWED': '总行人员不分配网格。',
  'STAFF.GRID_OUTSIDE_BRANCH': '所选网格不在该人员所属支行。',
  'STAFF.ID_TAKEN': '该人员编号已被使用，请重新提交。',
  'STAFF.MOBILE_TAKEN': '该手机号已登记为在职人员。',
  'STAFF.NOT_BOUND': '该人员尚未绑定微信。',
  'STAFF.NOT_FOUND': '没有找到该人员。',
  'STAFF.ROLE_ABOVE_OWN': '支行只能管理网格长及以下的人员。',
  'STAFF.ROLE_UNIT_MISMATCH': '该角色不能归属于所选单位。',
  'STAFF.SELF': '不能停用您自己的账号。',
  'TARGET.OVER_PARENT': '分解的目标合计超过上级目标。',
  'TASK.ASSIGNEE_NOT_IN_GRID': '只能转派给该网格在岗的网格人员。',
  'TASK.CLOSED': '该任务已关闭。',
  'TASK.CLOSE_BY_VISIT': '必查整改任务在回访检查通过后自动关闭。',
  'TASK.ID_TAKEN': '该任务编号已被使用。',
  'TASK.NOTHING_PENDING': '该任务没有待确认的走访。',
  'TASK.NOT_ASSIGNEE': '只能关闭分配给您的任务。',
  'TASK.NOT_FOR_MERCHANT': '该任务不属于这个商户。',
  'TASK.NOT_FOUND': '没有找到该任务，可能已被关闭。',
  'TASK.REASON_REQUIRED': '请选择关闭原因。',
  'TASK.UNIT_WITH_MINE': '查看本人任务时不需要选择单位。',
  'UNIT.AREA_INHERITED': '网格和团队的区域随所属支行。',
  'UNIT.AREA_REQUIRED': '支行需指明城区或乡镇。',
  'UNIT.BAD_PARENT': '该单位不能建在所选上级之下。',
  'UNIT.BOUNDARY_GRID_ONLY': '只有网格可以设置边界。',
  'UNIT.BOUNDARY_LEAVES_MERCHANTS': '新边界会让商户不在任何网格内，请调整所指的点。',
  'UNIT.BOUNDARY_OVERLAP': '新边界与其他网格重叠，请调整所指的点。',
  'UNIT.BOUNDARY_SELF_CROSSING': '边界不能自相交，请调整所指的点。',
  'UNIT.NOT_FOUND': '没有找到该单位。',
  'UNIT.NOT_GRID': '请选择网格。',
  'USER.ALREADY_BOUND': '该微信已绑定员工账号。',
  'USER.BIND_BUSY': '绑定请求过多，请稍后再试。',
  'USER.BIND_CODE_INVALID': '绑定码不正确或已过期，请联系总行重新获取。',
  'USER.BIND_CODE_USED': '绑定码已被使用，请联系总行重新获取。',
  'USER.BIND_LOCKED': '绑定码错误次数过多，请稍后再试。',
  'USER.DISABLED': '您的账号已停用，请联系总行。',
  'USER.NOT_BOUND': '尚未绑定员工账号，请先用绑定码绑定。',
  'USER.NO_OPENID': '无法识别微信身份，请重新打开小程序。',
  'VISIT.EXISTS': '该走访已提交。',
  'VISIT.FUTURE': '走访时间不能晚于当前时间。',
  'VISIT.ID_TAKEN': '该走访编号已被使用。',
  'VISIT.NOT_FOUND': '没有找到该走访记录。',
  'VISIT.TOO_OLD': '走访时间超过 30 天，无法补录。',
  'WECHAT_GROUP.ID_TAKEN': '该微信群编号已被他人使用，请重新创建。',
  'WECHAT_GROUP.NOT_FOUND': '没有找到该微信群。',
  'WECHAT_GROUP.OTHER_GRID': '该微信群不属于商户所在网格。',
};

/** Names of the input fields, as dotted paths of the function inputs (merchant, visit, staff, org, settings). */
export const FIELD_LABELS: Record<string, string> = {
  // merchant file
  id: '编号',
  name: '名称',
  gridId: '网格',
  toGridId: '转入网格',
  address: '地址',
  'address.district': '区县',
  'address.township': '乡镇/街道',
  'address.street': '路名',
  'address.doorPlate': '门牌号',
  'address.text': '详细地址',
  location: '位置',
  industry: '行业类别',
  operator: '经营者',
  'operator.name': '经营者姓名',
  'operator.mobile': '经营者手机号',
  'operator.idNumber': '经营者身份证号',
  licenceCode: '统一社会信用代码',
  photos: '门头照',
  products: '产品覆盖',
  'products.product': '产品',
  'products.bank': '本行/他行',
  'products.otherBank': '他行名称',
  'products.status': '产品状态',
  'products.since': '开始日期',
  'products.until': '结束日期',
  marketId: '商圈',
  wechatGroupId: '微信群',
  reason: '原因',
  // visit
  visitId: '走访编号',
  merchantId: '商户',
  type: '走访类型',
  at: '走访时间',
  checks: '六个必查',
  'checks.item': '必查项',
  'checks.result': '必查结果',
  'checks.note': '必查说明',
  'checks.photo': '必查照片',
  outcome: '营销结果',
  note: '说明',
  productsPitched: '营销产品',
  taskId: '任务',
  // staff and organisation
  staffId: '人员',
  role: '角色',
  unitId: '所属单位',
  parentId: '上级单位',
  gridIds: '负责网格',
  extraUnitIds: '额外授权单位',
  mobile: '手机号',
  code: '绑定码',
  kind: '类型',
  area: '城区/乡镇',
  township: '乡镇',
  boundary: '网格边界',
  period: '统计期间',
  // settings
  visitRadiusM: '走访距离范围',
  followUpDueDays: '必查整改期限',
  abnormalVisitDueDays: '异动走访期限',
  winBackDueDays: '流失挽回期限',
  marketingDueDays: '去营销跟进期限',
  'lifecycle.qualifiedMinTxnCount': '达标交易笔数',
  'lifecycle.qualifiedMinAmountFen': '达标交易金额',
  'lifecycle.premiumMinAmountFen': '优质交易金额',
  'lifecycle.premiumMinOurProducts': '优质产品个数',
  'lifecycle.abnormalDropRatio': '异动降幅',
  'lifecycle.abnormalBaselineMonths': '异动比较月数',
  'lifecycle.abnormalIdleDays': '异动无交易天数',
  'lifecycle.lostIdleDays': '流失无交易天数',
};

/** Per-collection overrides of ambiguous names (a merchant's `name` is its shop name). */
const FIELD_LABELS_BY_SUBJECT: Record<string, Record<string, string>> = {
  merchant: { name: '店名', id: '商户' },
  visit: { location: '定位', photos: '走访照片' },
  staff: { name: '姓名', id: '人员', mobile: '手机号' },
  unit: { name: '单位名称', id: '单位' },
};

/** `map[key]` when it is the map's own entry (never an inherited `toString` or `constructor`). */
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** A code's label from one of the maps, or the code itself when unknown (old data never renders blank). */
export function labelOf(map: Record<string, string>, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  return own(map, code) ?? code;
}

/** The display label of an industry code (re-exported here so screens need one import). */
export { industryLabel };

const hasChinese = (s: unknown): s is string => typeof s === 'string' && /[\u4e00-\u9fa5]/.test(s);

/**
 * The Chinese name of a dotted field path as the functions report it ('operator.mobile',
 * 'products.2.status', 'checks.0.result'): list positions are dropped to find the name and then told
 * as "第N项". `subject` ('merchant', 'visit', 'staff', 'unit') settles ambiguous names such as `name`.
 */
export function fieldLabel(field: string, subject?: string): string {
  const segments = field.split('.').filter((s) => s !== '');
  const names = segments.filter((s) => !/^\d+$/.test(s));
  const index = segments.find((s) => /^\d+$/.test(s));
  const overrides = (subject && own(FIELD_LABELS_BY_SUBJECT, subject)) || {};
  for (let n = names.length; n > 0; n--) {
    const key = names.slice(0, n).join('.');
    const label = own(overrides, key) ?? own(FIELD_LABELS, key);
    if (label) return index === undefined ? label : `${label}（第${Number(index) + 1}项）`;
  }
  return field || '输入';
}

/** Removes a leading "path: " the boundary check puts before a message. */
function stripFieldPrefix(message: string): string {
  return message.replace(/^[A-Za-z0-9_.[\]]+:\s*/, '');
}

/** One field issue as a sentence: "经营者手机号：手机号应为11位". */
function issueSentence(issue: FieldIssue, subject?: string): string {
  const message = hasChinese(issue.message) ? stripFieldPrefix(issue.message) : '填写有误';
  return `${fieldLabel(issue.field, subject)}：${message}`;
}

/**
 * The sentence a grid worker reads for an error envelope (or its `error` body): for a validation
 * error, the first field to fix by its Chinese name and how many more; otherwise the server's own
 * Chinese sentence, else a sentence for the reason, else one for the code. Never shows a code or path.
 * A success envelope has nothing to say: ''.
 */
export function errorSentence(
  error: (Pick<ErrorBody, 'code' | 'message'> & Partial<ErrorBody>) | Envelope<unknown>,
  subject?: string,
): string {
  if ('ok' in error && error.ok) return '';
  const body: Partial<ErrorBody> = 'ok' in error ? error.error : error;
  const issues = body.details?.issues ?? [];
  if (body.code === 'VALIDATION' && issues.length > 0) {
    const first = issueSentence(issues[0], subject);
    const more = new Set(issues.map((i) => i.field)).size - 1;
    return more > 0 ? `${first}（另有${more}处需要修改）` : first;
  }
  if (hasChinese(body.message)) {
    const prefix = /^([A-Za-z0-9_.[\]]+):\s*/.exec(body.message);
    return prefix ? `${fieldLabel(prefix[1], subject)}：${body.message.slice(prefix[0].length)}` : body.message;
  }
  const reasonSentence = typeof body.reason === 'string' ? own(ERROR_REASON_SENTENCES, body.reason) : undefined;
  if (reasonSentence) return reasonSentence;
  return (typeof body.code === 'string' && own(CODE_SENTENCES, body.code)) || '出了点问题，请稍后重试。';
}
