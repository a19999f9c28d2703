import { distanceMeters } from '../vendor/shared';
import { ensurePrivacy } from './privacy';

export interface Fix {
  lat: number;
  lng: number;
  accuracy: number;
}

/** Location refused or unavailable, with the sentence to show and whether settings can fix it. */
export class LocationError extends Error {
  constructor(message: string, readonly needsSetting: boolean) {
    super(message);
  }
}

/** A GCJ-02 fix on site, after the privacy agreement; explains refusal in words. */
export async function getPosition(): Promise<Fix> {
  await ensurePrivacy();
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (r) => resolve({ lat: r.latitude, lng: r.longitude, accuracy: r.accuracy }),
      fail: (e) => {
        const denied = /auth|deny|denied|permission/i.test(e.errMsg);
        reject(
          new LocationError(
            denied ? '没有位置权限：请在设置中允许“使用我的位置”后重试。' : '暂时无法定位，请到开阔处重试。',
            denied,
          ),
        );
      },
    });
  });
}

/** Metres between two GCJ-02 points (the shared rule the server uses for the visit's distance). */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  return Math.round(distanceMeters([a.lng, a.lat], [b.lng, b.lat]));
}
