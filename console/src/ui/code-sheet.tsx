/**
 * The binding codes as a sheet to print: one card per staff member (name, role, unit, the code as text and
 * as its QR code, until when it binds), a grid of cards per A4 page. It sits beside the page's root (a
 * portal into <body>), hidden on screen; the print stylesheet (console.css, `@media print`) hides
 * everything else, so 打印 prints only the cards, whichever screen opened them (staff import or staff).
 */
import React from 'react';
import { createPortal } from 'react-dom';

export interface CodeCard {
  key: string;
  name: string;
  role: string;
  unit: string;
  code: string;
  /** the QR code as a data: URL */
  qr: string;
  expiresAt: string | null;
}

export function PrintSheet({ cards }: { cards: CodeCard[] }): React.ReactElement | null {
  if (!cards.length) return null;
  return createPortal(
    <div className="c-print-sheet" data-testid="print-sheet">
      {cards.map((c) => (
        <div key={c.key} className="c-print-card">
          <img src={c.qr} alt={`${c.name} 的绑定码`} />
          <div className="c-print-name">{c.name} · {c.role}</div>
          <div>{c.unit}</div>
          <div className="c-print-code">{c.code}</div>
          <div className="c-print-note">{c.expiresAt ? `有效期至 ${new Date(c.expiresAt).toLocaleString('zh-CN')}；` : ''}在小程序登录页扫码或输入绑定码</div>
        </div>
      ))}
    </div>,
    document.body,
  );
}
