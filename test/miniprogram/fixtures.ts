import { chinaDay } from '../../shared/domain/period.rules';

/** Answers shaped exactly as the shared contracts declare, for page tests. */
export const unit = (id: string, name: string, kind: 'bank' | 'branch' | 'group' | 'grid') => ({ id, name, kind });

export function me(role: string, over: Record<string, unknown> = {}) {
  const labels: Record<string, string> = { hq: '总行', branch: '支行', leader: '网格长', member: '网格员', marketing: '营销助理', maintenance: '维护助理' };
  return {
    staffId: `s-${role}`,
    name: role === 'hq' ? '周总' : role === 'maintenance' ? '李维护' : '王网格',
    role,
    roleLabel: labels[role],
    mobile: '138****1234',
    unit: role === 'hq' ? unit('bank', '兴化农商银行', 'bank') : unit('g-cb1', '城北一网格', 'grid'),
    unitPath: [unit('bank', '兴化农商银行', 'bank'), unit('b-cb', '城北支行', 'branch'), unit('g-cb1', '城北一网格', 'grid')],
    grids: [unit('g-cb1', '城北一网格', 'grid')],
    scope: role === 'hq' ? 'all' : ['g-cb1'],
    privacyAcceptedAt: '2025-07-01T02:00:00.000Z',
    privacyVersion: '2025-07',
    bankDay: chinaDay(),
    // The default piRevealRoles (server/settings.ts).
    canRevealPi: ['hq', 'branch', 'leader', 'member'].includes(role),
    ...over,
  };
}

export function merchantRow(i: number, over: Record<string, unknown> = {}) {
  return {
    id: `m-${i}`,
    name: `张记面馆${i}`,
    address: `英武中路${i}号`,
    gridId: 'g-cb1',
    industry: '62',
    lifecycleClass: 'qualified',
    isComplete: true,
    operatorName: '张*',
    operatorMobile: '139****5678',
    productsHeld: ['acquiring'],
    marketId: null,
    location: { lng: 119.8426 + i * 0.0003, lat: 32.9396 + i * 0.0002 },
    updatedAt: '2025-07-30T02:00:00.000Z',
    ...over,
  };
}

export function merchantOut(over: Record<string, unknown> = {}) {
  return {
    id: 'm-1',
    name: '张记面馆',
    address: { district: '兴化市', township: '昭阳街道', street: '英武中路', doorPlate: '88号', text: '英武中路88号' },
    location: { lng: 119.8426, lat: 32.9396 },
    gridId: 'g-cb1',
    unitPath: ['bank', 'b-cb', 'grp-1', 'g-cb1'],
    area: 'city',
    industry: '62',
    operator: { name: '张*', mobile: '139****5678', idNumber: null },
    licenceCode: null,
    acquiringNo: null,
    photos: [{ fileId: 'cloud://env/m-1/0.jpg', takenAt: '2025-07-01T02:00:00.000Z', location: { lng: 119.8426, lat: 32.9396 }, staffId: 's-marketing' }],
    products: [
      { product: 'acquiring', bank: 'ours', status: 'active', since: '2024-03-01' },
      { product: 'deposit', bank: 'other', otherBank: 'abc', status: 'active' },
    ],
    productsHeld: ['acquiring'],
    marketId: null,
    wechatGroupId: null,
    isComplete: true,
    missingFields: [],
    lifecycleClass: 'qualified',
    acquiring: { status: 'active', since: '2024-03-01' },
    filedAt: '2024-03-01T02:00:00.000Z',
    createdAt: '2024-03-01T02:00:00.000Z',
    updatedAt: '2025-07-30T02:00:00.000Z',
    createdBy: 's-marketing',
    version: 3,
    ...over,
  };
}

const zeroVisits = { filing: 0, marketing: 0, revisit: 0, maintenance: 0 };

export function figures(over: Record<string, unknown> = {}) {
  return {
    merchants: 36000, filed: 27511, sweepFiled: 27511, acquiring: 30678, filedAcquiring: 14440, coverage: 0.525,
    creditGranted: 9221, creditGrantedFen: 0, creditDrawing: 6771, loansOutstandingFen: 354_000_000_000,
    grantRate: 9221 / 30678, usageRate: 6771 / 9221, depositsFen: 193_000_000_000, revisited: 20000, revisitRate: 0.652,
    visits: { ...zeroVisits, revisit: 800, marketing: 300 }, flaggedVisits: { ...zeroVisits, revisit: 12 }, visitsTotal: 1100, flaggedTotal: 12,
    ...over,
  };
}

const change = (v: number, since: number) => ({ value: v, sinceJanuary: since, previous: null });

export function dashboard(over: Record<string, unknown> = {}) {
  return {
    scope: { type: 'unit', id: 'bank', name: '兴化农商银行', kind: 'bank' },
    period: { kind: 'month', start: '2025-07-01', end: '2025-07-31', key: '2025-07' },
    figures: figures(),
    previousFigures: figures(),
    yearStartFigures: figures(),
    change: {
      acquiring: change(30678, 3018), filed: change(27511, 0), depositsFen: change(193_000_000_000, 18_000_000_000),
      creditGranted: change(9221, 0), creditDrawing: change(6771, 0), loansOutstandingFen: change(0, 0), coverage: change(0.525, 0.02),
    },
    classes: { 'to-win': 100, qualified: 200, premium: 50, abnormal: 10, lost: 5 },
    children: [
      { type: 'unit', id: 'b-cb', name: '城北支行', kind: 'branch', figures: figures({ acquiring: 4200, coverage: 0.61, revisitRate: 0.7 }) },
      { type: 'unit', id: 'b-cn', name: '城南支行', kind: 'branch', figures: figures({ acquiring: 3900, coverage: 0.48, revisitRate: 0.55 }) },
    ],
    rankings: {
      grids: [],
      gridsByCoverage: [{ type: 'unit', id: 'g-cb1', name: '城北一网格', kind: 'grid', figures: figures({ coverage: 0.9, acquiring: 132 }) }],
      staff: [{ type: 'staff', id: 's-member', name: '王网格', kind: 'member', figures: figures({ visitsTotal: 86 }) }],
    },
    trend: Array.from({ length: 12 }, (_, i) => ({
      month: `2024-${String(i + 8).padStart(2, '0')}`.replace('2024-13', '2025-01').replace(/2024-1([4-9])/, (_m, d) => `2025-0${Number(d) - 2}`),
      acquiring: 27660 + i * 270, filed: 27000 + i * 40, coverage: 0.5 + i * 0.002, depositsFen: 0, revisitRate: 0.6, visitsTotal: 900 + i * 20,
    })),
    ...over,
  };
}

export function workloadRow(key: string, revisit: number, flagged = 0) {
  return {
    key,
    byType: { filing: { total: 2, flagged: 0 }, marketing: { total: 3, flagged: 0 }, revisit: { total: revisit, flagged }, maintenance: { total: 1, flagged: 0 } },
    total: 6 + revisit,
    flagged,
  };
}

export function task(over: Record<string, unknown> = {}) {
  return {
    id: 't-1', kind: 'check-followup', merchantId: 'm-1', merchantName: '张记面馆', gridId: 'g-cb1', assigneeId: 's-maintenance',
    check: 'speaker', dueDay: '2000-01-01', isOverdue: true, status: 'open', openedBy: { visitId: 'v-0', reason: 'check-failed:speaker' },
    closedByVisitId: null, createdAt: '1999-12-25T02:00:00.000Z', closedAt: null,
    assigneeName: '孙维护', state: 'overdue', pendingVisitId: null, closeReason: null, closedBy: null, products: null,
    ...over,
  };
}
