/**
 * The audit log (审计日志, docs/security.md "Audit log"): what it records, in the words the console shows.
 * `server/audit.ts` writes entries of these kinds; `org.searchAudit` and `org.exportAudit` read them.
 */

export const AUDIT_ACTIONS = [
  'view-pi',
  'pi-probe',
  'export',
  'role-change',
  'grid-change',
  'scope-change',
  'unit-change',
  'staff-create',
  'staff-import',
  'staff-move',
  'staff-disable',
  'staff-enable',
  'bind',
  /** a console sign-in confirmed on a phone, and the session it opened */
  'console-sign-in',
  'bind-code-issued',
  'unbind',
  'job-run',
  'task-close',
  'task-reassign',
  'task-confirm',
  'merchant-archive',
  'merchant-reopen',
  'merchant-transfer',
  'notice-post',
  'placement-review',
  'target-set',
  'settings-change',
] as const;
export type AuditActionKey = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTION_LABELS: Record<AuditActionKey, string> = {
  'view-pi': '查看完整个人信息',
  'pi-probe': '按个人信息查重',
  export: '导出',
  'role-change': '变更角色',
  'grid-change': '变更负责网格',
  'scope-change': '变更额外范围',
  'unit-change': '变更单元/商圈',
  'staff-create': '新建人员',
  'staff-import': '批量导入人员',
  'staff-move': '调动人员',
  'staff-disable': '停用人员',
  'staff-enable': '启用人员',
  bind: '绑定微信',
  'console-sign-in': '控制台登录',
  'bind-code-issued': '签发绑定码',
  unbind: '解除绑定',
  'job-run': '手动运行任务',
  'task-close': '手动关闭任务',
  'task-reassign': '改派任务',
  'task-confirm': '确认任务关闭',
  'merchant-archive': '商户归档',
  'merchant-reopen': '商户恢复',
  'merchant-transfer': '商户移交',
  'notice-post': '发布通知',
  'placement-review': '审核网格归属',
  'target-set': '设置目标',
  'settings-change': '修改设置',
};

/** The kinds that concern personal information: who saw it, who looked someone up by it, who exported. */
export const PI_AUDIT_ACTIONS: readonly AuditActionKey[] = ['view-pi', 'pi-probe', 'export'];

/** Most entries one export writes (newest first); a wider search is narrowed by date first. */
export const MAX_AUDIT_EXPORT_ROWS = 10000;

/** The widest date range one search or export spans, in days. */
export const MAX_AUDIT_RANGE_DAYS = 366;
