import type { ErrorBody, FieldIssue } from '../vendor/shared';

/** A failed call: the server's error envelope, or NETWORK when the request never got an answer. */
export class ServiceError extends Error {
  readonly code: ErrorBody['code'] | 'NETWORK';
  readonly reason?: string;
  readonly issues: FieldIssue[];
  readonly details?: ErrorBody['details'];

  constructor(body: { code: ErrorBody['code'] | 'NETWORK'; message: string; reason?: string; details?: ErrorBody['details'] }) {
    super(body.message);
    this.code = body.code;
    this.reason = body.reason;
    this.details = body.details;
    this.issues = body.details?.issues ?? [];
  }

  /** True when sending again later may succeed (no answer, server busy or failing). */
  get isRetryable(): boolean {
    return this.code === 'NETWORK' || this.code === 'RATE_LIMITED' || this.code === 'INTERNAL';
  }
}

/** Names of the input fields a grid worker fills, for sentences such as “经营者手机号：手机号应为 11 位”. */
export const FIELD_LABELS: Record<string, string> = {
  code: '绑定码',
  name: '店名',
  address: '地址',
  'address.doorPlate': '门牌号',
  'address.text': '地址',
  location: '位置',
  industry: '行业类别',
  operator: '经营者',
  'operator.name': '经营者姓名',
  'operator.mobile': '经营者手机号',
  'operator.idNumber': '经营者身份证号',
  licenceCode: '统一社会信用代码',
  photos: '门头照',
  products: '产品覆盖',
  checks: '六个必查',
  mobile: '手机号',
  role: '角色',
  unitId: '所属单位',
  gridIds: '网格',
  period: '统计期间',
  merchantId: '商户',
  note: '说明',
};

/** The label of a dotted field path: exact, else its parent's, else the path itself. */
export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const checks = /^checks\.(\d+)\.(\w+)/.exec(field);
  if (checks) return `第 ${Number(checks[1]) + 1} 项必查`;
  const parent = field.split('.').slice(0, -1).join('.');
  if (parent && FIELD_LABELS[parent]) return FIELD_LABELS[parent];
  const top = field.split('.')[0];
  return FIELD_LABELS[top] ?? field;
}

const CODE_SENTENCES: Record<string, string> = {
  UNAUTHENTICATED: '尚未绑定员工账号，请先用绑定码绑定。',
  FORBIDDEN: '你没有权限查看或修改这项内容（超出你负责的范围）。',
  NOT_FOUND: '没有找到这条记录，可能已被删除或转移。',
  CONFLICT: '这条记录刚被别人修改过，请刷新后重试。',
  RATE_LIMITED: '操作太频繁，请稍等片刻再试。',
  INTERNAL: '服务器暂时出错，请稍后重试。',
};

/** The sentence a grid worker reads for an error envelope, naming the field to fix when there is one. */
export function errorSentence(error: Pick<ErrorBody, 'code' | 'message' | 'details'>): string {
  const issues = error.details?.issues ?? [];
  if (error.code === 'VALIDATION' && issues.length) {
    const first = `${fieldLabel(issues[0].field)}：${issues[0].message}`;
    return issues.length > 1 ? `${first}（另有 ${issues.length - 1} 处需要修改）` : first;
  }
  // Server messages are written for users (Chinese); codes without one get a standard sentence.
  if (error.message && /[\u4e00-\u9fa5]/.test(error.message)) return error.message;
  return CODE_SENTENCES[error.code] ?? '出了点问题，请稍后重试。';
}

/** The sentence for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof ServiceError) {
    if (err.code === 'NETWORK') return '网络不可用，请检查网络后重试。';
    return errorSentence({ code: err.code, message: err.message, details: err.details });
  }
  return '出了点问题，请稍后重试。';
}

/** Field → message map of a validation error, for marking form fields. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ServiceError) for (const issue of err.issues) out[issue.field] = issue.message;
  return out;
}
