/** Small helpers shared by the console's screens: file download, roles, units by id (a failed call's sentence is `errorText` of ../api). */
import { ROLE_LABELS, type Role } from '../../../shared/domain/roles';
import type { UnitView } from '../../../shared/contracts/org.contract';

/** Saves bytes (base64) as a file the browser downloads. */
export function downloadBase64(base64: string, fileName: string, contentType: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  downloadBlob(new Blob([bytes], { type: contentType }), fileName);
}

/** Saves a blob as a file the browser downloads. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file's bytes as base64 (for `org.importStaff`'s `file`). */
export async function fileBase64(file: File): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return btoa(s);
}

export const roleLabel = (r: string | null | undefined): string => (r ? (ROLE_LABELS[r as Role] ?? r) : '');

export const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((value) => ({ value, label: ROLE_LABELS[value] }));

/** Units by id, and a unit's name (its id when not loaded). */
export function unitIndex(units: UnitView[]): { byId: Map<string, UnitView>; name: (id: string) => string } {
  const byId = new Map(units.map((u) => [u.id, u]));
  return { byId, name: (id) => byId.get(id)?.name ?? id };
}

/** A client-made id for an idempotent request (a retry sends the same one). */
export function requestId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
