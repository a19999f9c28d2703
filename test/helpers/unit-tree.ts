/**
 * The smallest bank the roll-up tests build on: a bank, one branch (城北支行), one group (一组) and the grids
 * asked for, each unit carrying its path from the bank.
 */

/** A grid's unit path in the tree. */
export const gridPath = (grid: string): string[] => ['bank', 'br1', 'gp1', grid];

/** The units of the tree with `grids` (id → name) under its group. */
export function unitTree(grids: Record<string, string>): { _id: string; kind: string; name: string; parentId: string | null; unitPath: string[] }[] {
  return [
    { _id: 'bank', kind: 'bank', name: '银行', parentId: null, unitPath: ['bank'] },
    { _id: 'br1', kind: 'branch', name: '城北支行', parentId: 'bank', unitPath: ['bank', 'br1'] },
    { _id: 'gp1', kind: 'group', name: '一组', parentId: 'br1', unitPath: ['bank', 'br1', 'gp1'] },
    ...Object.entries(grids).map(([id, name]) => ({ _id: id, kind: 'grid', name, parentId: 'gp1', unitPath: gridPath(id) })),
  ];
}

/**
 * A merchant document as the roll-up tests store it: filed in March 2024, acquiring since 10 May 2024, no
 * credit, qualified; `extra` changes any field (a closed acquiring, an incomplete file, a market).
 */
export function acquiringMerchant(id: string, grid: string, unitPath: string[], extra: Record<string, unknown> = {}) {
  return {
    _id: id,
    gridId: grid,
    unitPath,
    isComplete: true,
    filedAt: new Date('2024-03-01T02:00:00Z'),
    createdAt: new Date('2024-03-01T02:00:00Z'),
    acquiring: { status: 'active', since: '2024-05-10' },
    credit: { grantedFen: 0, drawnFen: 0 },
    lifecycleClass: 'qualified',
    ...extra,
  };
}
