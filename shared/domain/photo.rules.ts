/**
 * What a photo's stamp must say to be accepted (docs/domain.md §3, storefront photo). The mini program
 * draws the stamp (time, place, staff) onto the picture and sends the same three facts beside the file id
 * (`photoSchema`): the server holds them against the record the photo joins, so a picture "stamped" on
 * another day, somewhere else or by someone else is refused with the field that is wrong.
 */
import { distanceMeters } from './geo.rules';
import { chinaTime } from './period.rules';

/** A stamp's place may lie this far from the visit's or filing's GPS fix (two fixes of one spot drift). */
export const PHOTO_PLACE_M = 500;
/** A visit's photos are taken during it: at most this long before the visit's time. */
export const VISIT_PHOTO_BEFORE_MS = 2 * 3600_000;
/** A filing's photos may wait in the form (or its draft) this long before the file is sent. */
export const FILING_PHOTO_MAX_AGE_MS = 3 * 86400_000;
/** Clock skew allowed between the phone and the server. */
export const PHOTO_SKEW_MS = 5 * 60_000;

export interface PhotoStamp {
  takenAt: Date;
  /** absent only on a filing without a GPS fix (placed by hand): there is no place to draw or compare */
  location?: { lng: number; lat: number } | null;
  staffId: string;
}

/**
 * The time a stamp draws on a photo: China time to the minute (`2025-07-31 10:00` for 02:00 UTC), the clock
 * the staff and the bank read, whatever the phone's time zone.
 */
export function stampTimeText(at: Date | string): string {
  return chinaTime(at, 'YYYY-MM-DD HH:mm');
}

/** Who, when and where a record's photos must have been taken. */
export interface StampWindow {
  staffId: string;
  from: Date;
  to: Date;
  /** the record's GPS fix; null when it has none (the place is then not compared) */
  place: { lng: number; lat: number } | null;
}

export interface StampProblem {
  /** the stamp's field at fault */
  key: 'staffId' | 'takenAt' | 'location';
  message: string;
  reason: 'PHOTO.STAMP_STAFF' | 'PHOTO.STAMP_TIME' | 'PHOTO.STAMP_PLACE';
}

/** The window of a visit at `at` (photos during it). */
export function visitStampWindow(staffId: string, at: Date, place: { lng: number; lat: number }): StampWindow {
  return { staffId, from: new Date(at.getTime() - VISIT_PHOTO_BEFORE_MS), to: new Date(at.getTime() + PHOTO_SKEW_MS), place };
}

/** The window of a filing (or a file's correction) sent at `now` from `place`. */
export function filingStampWindow(staffId: string, now: Date, place: { lng: number; lat: number } | null): StampWindow {
  return { staffId, from: new Date(now.getTime() - FILING_PHOTO_MAX_AGE_MS), to: new Date(now.getTime() + PHOTO_SKEW_MS), place };
}

/** What is wrong with a photo's stamp for a record's window, or null when it fits. */
export function stampProblem(photo: PhotoStamp, w: StampWindow): StampProblem | null {
  if (photo.staffId !== w.staffId) return { key: 'staffId', message: '照片水印的拍摄人不是本人', reason: 'PHOTO.STAMP_STAFF' };
  const t = photo.takenAt.getTime();
  if (t < w.from.getTime() || t > w.to.getTime()) return { key: 'takenAt', message: '照片水印的拍摄时间不在本次走访或建档的时段内', reason: 'PHOTO.STAMP_TIME' };
  // A record with a fix needs its photos' places: only a filing without one takes a photo without one.
  if (w.place && !photo.location) return { key: 'location', message: '照片水印缺少拍摄地点（本次有定位）', reason: 'PHOTO.STAMP_PLACE' };
  if (w.place && photo.location && distanceMeters([photo.location.lng, photo.location.lat], [w.place.lng, w.place.lat]) > PHOTO_PLACE_M) {
    return { key: 'location', message: `照片水印的拍摄地点距本次定位超过 ${PHOTO_PLACE_M} 米`, reason: 'PHOTO.STAMP_PLACE' };
  }
  return null;
}
