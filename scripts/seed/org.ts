/**
 * The organisation of a seeded bank: the unit tree (bank → branch → group → grid) with grid boundaries,
 * staff (iron triangle per grid, leaders, branch managers, head office) and the demo accounts bound to
 * stable openids. Shared by the minimal and the demo bank.
 */
import { maskMobile } from '../../shared/domain/mask.rules';
import { isMobile } from '../../shared/domain/mobile.rules';
import type { Role } from '../../shared/domain/roles';
import { sealPi, type SealedValue } from '../../server/pi';
import { chinaInstant, dayIndex } from '../../shared/domain/period.rules';
import { makeLattice, type Lattice, type LngLat } from './geo';
import { personName } from './names';
import type { Rng } from './random';
import {
  CITY_BRANCHES,
  CITY_EW_ROADS,
  CITY_LATTICE,
  CITY_NS_ROADS,
  DIVISION,
  TOWN_CELL,
  TOWN_SITES,
  TOWNSHIP_BRANCHES,
  citySubdistrict,
  townRoads,
} from './xinghua';

/** Stable openids of the demo accounts, one per role, bound at seed time (X-WX-OPENID in local mode). */
export const DEMO_ACCOUNTS: readonly { role: Role; openid: string }[] = [
  { role: 'hq', openid: 'demo-hq' },
  { role: 'branch', openid: 'demo-branch' },
  { role: 'leader', openid: 'demo-leader' },
  { role: 'member', openid: 'demo-member' },
  { role: 'marketing', openid: 'demo-marketing' },
  { role: 'maintenance', openid: 'demo-maintenance' },
];

export const BANK_ID = 'u-bank';
export const BANK_NAME = '兴化农商银行';

/** The day the grid organisation was set up (units and staff records date from it). */
export const ORG_SINCE_DAY = dayIndex('2021-01-04');

export interface GridInfo {
  id: string;
  name: string;
  branchId: string;
  groupId: string;
  area: 'city' | 'township';
  /** the 街道/镇 the grid lies in */
  township: string;
  boundary: LngLat[];
  unitPath: string[];
  /** roads a merchant of this grid may front onto */
  roads: string[];
  /** relative size: share of merchants it gets */
  weight: number;
  pointIn(u: number, v: number): LngLat;
  memberId: string;
  marketingId: string;
  maintenanceId: string;
}

export interface Org {
  units: Record<string, unknown>[];
  staff: Record<string, unknown>[];
  grids: GridInfo[];
  branches: { id: string; name: string; area: 'city' | 'township'; unitPath: string[]; gridIds: string[] }[];
  /** staff id per demo openid */
  demoStaff: Map<string, string>;
  hqStaffId: string;
}

interface BranchLayout {
  name: string;
  area: 'city' | 'township';
  /** grids in groups: each inner array one leader's group */
  groups: { name: string; grids: Omit<GridInfo, 'id' | 'branchId' | 'groupId' | 'unitPath' | 'memberId' | 'marketingId' | 'maintenanceId'>[] }[];
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Splits n items into groups of about five (a leader's span): 4 → [4], 12 → [4, 4, 4], 16 → [4, 4, 4, 4]. */
export function groupSizes(n: number): number[] {
  if (n <= 6) return [n];
  const k = Math.ceil(n / 5);
  return Array.from({ length: k }, (_, i) => Math.floor(n / k) + (i < n % k ? 1 : 0));
}

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** The demo bank's layout: 9 city branches over the city lattice, 4 township branches over their towns. */
function demoLayout(rng: Rng): BranchLayout[] {
  const L = CITY_LATTICE;
  const city = makeLattice(rng.fork('city-lattice'), L.west, L.south, L.cols, L.rows, L.cellLng, L.cellLat);
  const layouts: BranchLayout[] = [];
  for (const b of CITY_BRANCHES) {
    const cells: [number, number][] = [];
    // Snake order keeps each leader's group a compact strip of neighbouring grids.
    for (let r = b.rows[0]; r < b.rows[1]; r++) {
      const cols = Array.from({ length: b.cols[1] - b.cols[0] }, (_, i) => b.cols[0] + i);
      if ((r - b.rows[0]) % 2 === 1) cols.reverse();
      for (const c of cols) if (!(c === L.cols - 1 && r === L.rows - 1)) cells.push([c, r]);
    }
    const short = b.name.replace(/支行$/, '');
    let n = 0;
    const groups = groupSizes(cells.length).map((size, gi) => ({
      name: `${short}${CHINESE_NUMERALS[gi]}组`,
      grids: cells.splice(0, size).map(([c, r]) => ({
        name: `${short}${pad(++n, 2)}网格`,
        area: 'city' as const,
        township: citySubdistrict(c, r),
        boundary: city.cell(c, r),
        roads: [CITY_NS_ROADS[c], CITY_EW_ROADS[r]],
        // The old town (centre of the lattice) is denser than the edges.
        weight: 1.6 - Math.min(1, Math.hypot(c - 6, r - 6) / 7) + rng.float() * 0.3,
        pointIn: (u: number, v: number) => city.pointIn(c, r, u, v),
      })),
    }));
    layouts.push({ name: b.name, area: 'city', groups });
  }
  for (const b of TOWNSHIP_BRANCHES) {
    const groups: BranchLayout['groups'] = [];
    for (const town of b.towns) {
      const site = TOWN_SITES[town];
      const lattice: Lattice = makeLattice(
        rng.fork(`town-${town}`),
        site.lng - (site.cols * TOWN_CELL.lng) / 2,
        site.lat - (site.rows * TOWN_CELL.lat) / 2,
        site.cols,
        site.rows,
        TOWN_CELL.lng,
        TOWN_CELL.lat,
      );
      const cells: [number, number][] = [];
      for (let r = 0; r < site.rows; r++) for (let c = 0; c < site.cols; c++) cells.push([c, r]);
      const short = town.replace(/[镇乡]$/, '');
      const roads = townRoads(town);
      let n = 0;
      const sizes = groupSizes(cells.length);
      sizes.forEach((size, gi) =>
        groups.push({
          name: sizes.length > 1 ? `${short}${CHINESE_NUMERALS[gi]}组` : `${short}组`,
          grids: cells.splice(0, size).map(([c, r]) => ({
            name: `${short}${++n}号网格`,
            area: 'township' as const,
            township: town,
            boundary: lattice.cell(c, r),
            roads: [roads[(c + r) % roads.length], roads[(c + r + 1) % roads.length], roads[(c * 3 + r + 2) % roads.length]],
            // Township grids hold more shops each: the town centre is one or two grids deep.
            weight: (town === '戴南镇' ? 3.4 : 2.6) + rng.float() * 0.6,
            pointIn: (u: number, v: number) => lattice.pointIn(c, r, u, v),
          })),
        }),
      );
    }
    layouts.push({ name: b.name, area: 'township', groups });
  }
  return layouts;
}

/** The minimal bank's layout: every branch of the demo bank, each with one group of one grid. */
function minimalLayout(rng: Rng): BranchLayout[] {
  return demoLayout(rng).map((b) => ({
    name: b.name,
    area: b.area,
    groups: [{ name: b.groups[0].name, grids: [b.groups[0].grids[0]] }],
  }));
}

/** Builds units and staff for the chosen layout. Personal data is sealed (PI_KEY must be set). */
export function buildOrg(rng: Rng, kind: 'minimal' | 'demo'): Org {
  const layouts = kind === 'demo' ? demoLayout(rng.fork('layout')) : minimalLayout(rng.fork('layout'));
  const people = rng.fork('people');
  const at = chinaInstant(ORG_SINCE_DAY, 9);
  const units: Record<string, unknown>[] = [];
  const staff: Record<string, unknown>[] = [];
  const grids: GridInfo[] = [];
  const branches: Org['branches'] = [];
  const usedMobiles = new Set<string>();
  let staffSeq = 0;

  const mobile = (): SealedValue => {
    for (;;) {
      const m = `1${people.pick(['3', '5', '8', '9'])}${pad(people.int(0, 999999999), 9)}`;
      if (isMobile(m) && !usedMobiles.has(m)) {
        usedMobiles.add(m);
        return sealPi(m, maskMobile);
      }
    }
  };
  const addStaff = (role: Role, unitId: string, unitPath: string[], gridIds: string[]): string => {
    const id = `s-${pad(++staffSeq, 4)}`;
    staff.push({
      _id: id,
      name: personName(people),
      role,
      unitId,
      unitPath,
      gridIds,
      extraUnitIds: [],
      mobile: mobile(),
      // No `openid` until bound: the unique sparse index on openid skips absent values.
      bindCodeHash: null,
      bindCodeExpiresAt: null,
      status: 'active',
      createdAt: at,
      updatedAt: at,
    });
    return id;
  };
  const unit = (doc: Record<string, unknown>): void => {
    units.push({ createdAt: at, updatedAt: at, ...doc });
  };

  unit({ _id: BANK_ID, kind: 'bank', name: BANK_NAME, code: 'XH', parentId: null, unitPath: [BANK_ID], area: null, district: DIVISION.district });
  const hqStaffId = addStaff('hq', BANK_ID, [BANK_ID], []);
  if (kind === 'demo') for (let i = 0; i < 3; i++) addStaff('hq', BANK_ID, [BANK_ID], []);

  layouts.forEach((b, bi) => {
    const branchId = `u-br${pad(bi + 1, 2)}`;
    const branchPath = [BANK_ID, branchId];
    unit({ _id: branchId, kind: 'branch', name: b.name, code: `XH-${pad(bi + 1, 2)}`, parentId: BANK_ID, unitPath: branchPath, area: b.area });
    addStaff('branch', branchId, branchPath, []);
    const branchGridIds: string[] = [];
    let gridNo = 0;
    b.groups.forEach((g, gi) => {
      const groupId = `${branchId}-g${gi + 1}`;
      const groupPath = [...branchPath, groupId];
      unit({ _id: groupId, kind: 'group', name: g.name, code: `XH-${pad(bi + 1, 2)}-${gi + 1}`, parentId: branchId, unitPath: groupPath, area: b.area });
      const ids = g.grids.map(() => `${branchId}-${pad(++gridNo, 3)}`);
      addStaff('leader', groupId, groupPath, ids);
      // Marketing and maintenance assistants each cover up to two neighbouring grids of the group.
      const pairs: string[][] = [];
      for (let i = 0; i < ids.length; i += 2) pairs.push(ids.slice(i, i + 2));
      const marketing = pairs.map((p) => addStaff('marketing', groupId, groupPath, p));
      const maintenance = pairs.map((p) => addStaff('maintenance', groupId, groupPath, p));
      g.grids.forEach((grid, i) => {
        const id = ids[i];
        const unitPath = [...groupPath, id];
        unit({
          _id: id,
          kind: 'grid',
          name: grid.name,
          code: `XH-${pad(bi + 1, 2)}-${gi + 1}-${pad(gridNo - ids.length + i + 1, 3)}`,
          parentId: groupId,
          unitPath,
          area: b.area,
          township: grid.township,
          boundary: grid.boundary,
        });
        const memberId = addStaff('member', id, unitPath, [id]);
        grids.push({ ...grid, id, branchId, groupId, unitPath, memberId, marketingId: marketing[i >> 1], maintenanceId: maintenance[i >> 1] });
        branchGridIds.push(id);
      });
    });
    branches.push({ id: branchId, name: b.name, area: b.area, unitPath: branchPath, gridIds: branchGridIds });
  });

  return { units, staff, grids, branches, demoStaff: new Map(), hqStaffId };
}

/**
 * Binds the demo openids: head office, the manager of `branchId`, and the leader and iron triangle of
 * `gridId` (so every demo account works on the same streets). Returns the printed account list.
 */
export function bindDemoAccounts(org: Org, gridId: string): { role: Role; name: string; openid: string; unit: string; unitName: string }[] {
  const grid = org.grids.find((g) => g.id === gridId);
  if (!grid) throw new Error(`no grid ${gridId}`);
  const byId = new Map(org.staff.map((s) => [s._id as string, s]));
  const unitName = new Map(org.units.map((u) => [u._id as string, u.name as string]));
  const branchManager = org.staff.find((s) => s.role === 'branch' && s.unitId === grid.branchId);
  const leader = org.staff.find((s) => s.role === 'leader' && s.unitId === grid.groupId);
  const chosen: Record<Role, Record<string, unknown> | undefined> = {
    hq: byId.get(org.hqStaffId),
    branch: branchManager,
    leader,
    member: byId.get(grid.memberId),
    marketing: byId.get(grid.marketingId),
    maintenance: byId.get(grid.maintenanceId),
  };
  return DEMO_ACCOUNTS.map(({ role, openid }) => {
    const s = chosen[role];
    if (!s) throw new Error(`no ${role} staff for the demo accounts`);
    s.openid = openid;
    org.demoStaff.set(openid, s._id as string);
    const name = unitName.get(s.unitId as string) ?? '';
    return { role, name: s.name as string, openid, unit: name, unitName: name };
  });
}
