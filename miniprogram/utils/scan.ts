/**
 * 扫码查户: what a scanned code opens. A merchant code (a mini program code from `merchant.qrCode`)
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

/** Scans with the camera and opens the merchant; answers an explanation when the code is not one, '' otherwise. */
export function scanMerchant(): Promise<string> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode', 'wxCode'],
      success: (r) => {
        const url = merchantUrlOf(r as { result?: string; path?: string });
        if (!url) return resolve(NOT_A_MERCHANT_CODE);
        wx.navigateTo({ url });
        resolve('');
      },
      fail: () => resolve(''),
    });
  });
}
