import { consoleTicketOfScan } from '../vendor/shared';

/**
 * 扫码: what a scanned code opens. The head-office console's sign-in code (`mgconsole:<ticket>`) opens the
 * page that confirms the sign-in on the computer. A merchant code (a mini program code from `merchant.qrCode`)
 * answers its page path with the scene in `path`; the local stand-in QR holds the same path as its text;
 * older grid cards hold `merchant:<id>`. Anything else is not a merchant code.
 */
export const NOT_A_MERCHANT_CODE = '这不是商户网格码，请扫描商户立牌上的商户码。';

/** The detail page URL a scan result opens, or null when it is not a merchant code. */
export function merchantUrlOf(scan: { result?: string; path?: string }): string | null {
  for (const text of [scan.path, scan.result]) {
    const t = (text ?? '').trim();
    const scene = /^\/?pages\/merchant\/detail\/index\?(?:.*&)?scene=([^&]+)/.exec(t);
    if (scene) return `/pages/merchant/detail/index?scene=${scene[1]}`;
    const card = /^merchant:([A-Za-z0-9_:-]{1,64})$/.exec(t);
    if (card) return `/pages/merchant/detail/index?id=${card[1]}`;
  }
  return null;
}

/** The confirm page a console sign-in code opens, or null when the scan is not one. */
export function consoleConfirmUrlOf(scan: { result?: string; path?: string }): string | null {
  const ticket = consoleTicketOfScan(scan);
  return ticket ? `/pages/console/confirm/index?ticket=${ticket}` : null;
}

/** Scans with the camera and opens the merchant (or the console sign-in); answers an explanation when the code is neither, '' otherwise. */
export function scanMerchant(): Promise<string> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode', 'wxCode'],
      success: (r) => {
        const scanned = r as { result?: string; path?: string };
        const url = consoleConfirmUrlOf(scanned) ?? merchantUrlOf(scanned);
        if (!url) return resolve(NOT_A_MERCHANT_CODE);
        wx.navigateTo({ url });
        resolve('');
      },
      fail: () => resolve(''),
    });
  });
}
