import { chinaTime } from '../vendor/shared';

/** A client-made UUID v4 (visit and job ids), so a retried request names the same record. */
export function newId(): string {
  const hex = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) out += '-';
    else if (i === 14) out += '4';
    else if (i === 19) out += hex[(Math.random() * 4) | 8];
    else out += hex[(Math.random() * 16) | 0];
  }
  return out;
}

/** 0.525 → "52.5%"; null → "—". */
export function percent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** Fen as a short amount: ≥ 1 亿 "19.30亿", ≥ 1,000 万 "2,715万", ≥ 1 万 "3.5万", else "1,234元". */
export function money(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const yuan = fen / 100;
  const abs = Math.abs(yuan);
  if (abs >= 1e8) return `${(yuan / 1e8).toFixed(2)}亿`;
  if (abs >= 1e7) return `${Math.round(yuan / 1e4).toLocaleString('en-US')}万`;
  if (abs >= 1e4) return `${(yuan / 1e4).toFixed(1)}万`;
  return `${Math.round(yuan).toLocaleString('en-US')}元`;
}

/** 30678 → "30,678". */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** "2025-07-31T02:00:00Z" → "07-31 10:00" in China time. */
export function shortTime(iso: string | undefined): string {
  return iso ? chinaTime(iso, 'MM-DD HH:mm') : '';
}
