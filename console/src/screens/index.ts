/**
 * The console's screens: each a module `./<name>.tsx` default-exporting a React component, imported
 * lazily (its own chunk) when its route `#/<name>` is first opened. `roles` limits who sees it in the nav
 * (the functions still decide what each person may do). Add a screen here to put it in the nav.
 */
import type { ComponentType } from 'react';
import { IMPORT_ROLES, type Role } from '../../../shared/domain/roles';

export interface ScreenDef {
  name: string;
  title: string;
  /** nav group heading */
  group: string;
  /** roles that see it in the nav (default: every console role) */
  roles?: readonly Role[];
  load: () => Promise<{ default: ComponentType }>;
}

export const SCREENS: ScreenDef[] = [
  { name: 'dashboard', title: '看板', group: '经营', load: () => import('./dashboard') },
  { name: 'boundaries', title: '边界与商圈', group: '经营', load: () => import('./boundaries') },
  { name: 'import', title: '数据导入', group: '数据', roles: IMPORT_ROLES, load: () => import('./import') },
  { name: 'export', title: '报表导出', group: '数据', load: () => import('./export') },
  { name: 'staff', title: '人员管理', group: '人员', load: () => import('./staff') },
  { name: 'staff-import', title: '批量入职', group: '人员', load: () => import('./staff-import') },
  { name: 'settings', title: '目标与设置', group: '配置', load: () => import('./settings') },
  { name: 'audit', title: '审计日志', group: '配置', load: () => import('./audit') },
];

/** The sign-in screen (shown while signed out, not in the nav). */
export const signInScreen = () => import('./signin');

export const DEFAULT_SCREEN = 'dashboard';
