/**
 * The offline queue (离线队列) of visits and merchant filings. A record and its photos are saved on the
 * device first, then sent with retries and exponential backoff whenever the network allows, one at a time
 * in the order they were made (a filing goes before a visit to it). The queue lives in storage, so it
 * survives the app being killed; the record's id is made on the device, so a send retried after a lost
 * answer is recognised by the server (its replay by client id) and never stored twice. A refused record
 * stays, with what the server said, for the user to fix and resend, or discard.
 *
 * This module is plain TypeScript: everything that touches wx comes in through QueueDeps.
 */

export type QueueItemState = 'waiting' | 'sending' | 'rejected';

/** What a queued record is: a visit (visit.submit) or a merchant filing (merchant.create). */
export type QueueKind = 'visit' | 'filing';

/** Where each kind carries its client-made id, and the storage folder its photos are uploaded into. */
export const QUEUE_KINDS: Record<QueueKind, { idField: string; uploadKind: 'visits' | 'merchants' }> = {
  visit: { idField: 'visitId', uploadKind: 'visits' },
  filing: { idField: 'id', uploadKind: 'merchants' },
};

export interface QueuedPhoto {
  /** Where the photo was kept on the device (under USER_DATA_PATH), never a temporary path. */
  localPath: string;
  /** Set once uploaded, so a retry never uploads it again. */
  fileId?: string;
  takenAt: string;
  location?: { lat: number; lng: number };
  /** Who took it (the stamp's staff). */
  staffId?: string;
}

export interface QueueItem {
  /** The client-made id (UUID), also the record's `_id` on the server. */
  id: string;
  /** Absent on items stored before filings were queued: a visit. */
  kind: QueueKind;
  /** The record as the server's action expects it, without its photos' file IDs. */
  record: Record<string, unknown>;
  photos: QueuedPhoto[];
  /** Photos of individual checks: check item → index into `photos`. */
  checkPhotos: Record<string, number>;
  label: string;
  state: QueueItemState;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  /** The refusal's field issues (field → sentence), for the form that fixes the record. */
  lastErrorFields?: Record<string, string>;
  createdAt: number;
}

export interface SendError {
  isRetryable: boolean;
  message: string;
  fields?: Record<string, string>;
}

/** A photo as the form hands it over: a temporary path, or the kept path of a photo already queued. */
export interface PhotoToKeep {
  tempPath: string;
  takenAt: string;
  location?: { lat: number; lng: number };
  staffId?: string;
}

export interface QueueDeps {
  load(): QueueItem[] | undefined;
  save(items: QueueItem[]): void;
  /** Copies a temporary file somewhere that survives the app; returns the kept path. */
  keepFile(tempPath: string, name: string, kind: QueueKind): Promise<string>;
  removeFile(path: string): Promise<void>;
  /**
   * Uploads a kept photo; `staffId` is who took it (the photo's stamp), whose folder it goes into, and
   * `uploadKind` the storage folder of its record (QUEUE_KINDS).
   */
  uploadPhoto(localPath: string, recordId: string, index: number, staffId: string | undefined, uploadKind: 'visits' | 'merchants'): Promise<string>;
  /** Sends a record to the server's action for its kind. */
  submit(record: Record<string, unknown>, kind: QueueKind): Promise<unknown>;
  /** Turns a failure into whether to retry and what to show. */
  classify(err: unknown): SendError;
  isOnline(): boolean;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface QueueSummary {
  waiting: number;
  sending: number;
  rejected: number;
  items: Pick<QueueItem, 'id' | 'kind' | 'label' | 'state' | 'attempts' | 'lastError' | 'createdAt'>[];
}

/** Backoff of the n-th retry (1-based): 2 s, 4 s, 8 s … capped at 5 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}

/** The queue of records waiting to reach the server. */
export class OfflineQueue {
  private items: QueueItem[];
  private flushing: Promise<void> | null = null;
  private timer: unknown = null;
  private listeners = new Set<(s: QueueSummary) => void>();
  /** The server's answers to the items sent in this session, by record id. */
  private readonly answers = new Map<string, unknown>();
  /** The last failure of each item in this session (the form reads a refusal's details from it). */
  private readonly failures = new Map<string, unknown>();

  constructor(private readonly deps: QueueDeps) {
    // An item caught mid-send when the app was killed is simply sent again: its id makes that safe.
    // Items stored before filings were queued are visits, their record under `visit`.
    this.items = (deps.load() ?? []).map((stored) => {
      const { visit, ...item } = stored as QueueItem & { visit?: Record<string, unknown> };
      return { ...item, kind: item.kind ?? 'visit', record: item.record ?? visit ?? {}, state: item.state === 'sending' ? 'waiting' : item.state };
    });
  }

  /**
   * Saves a record and its photos on the device, then tries to send it. Returns the queued item. A visit
   * comes as `visit`, a merchant filing as `filing` (merchant.create's input).
   */
  async enqueue(input: {
    id: string;
    visit?: Record<string, unknown>;
    filing?: Record<string, unknown>;
    photos: PhotoToKeep[];
    checkPhotos?: Record<string, number>;
    label: string;
  }): Promise<QueueItem> {
    const existing = this.items.find((i) => i.id === input.id);
    if (existing) return existing;
    const kind: QueueKind = input.filing ? 'filing' : 'visit';
    const item: QueueItem = {
      id: input.id,
      kind,
      record: { ...(input.filing ?? input.visit), [QUEUE_KINDS[kind].idField]: input.id },
      photos: await this.keepPhotos(input.id, kind, input.photos, []),
      checkPhotos: input.checkPhotos ?? {},
      label: input.label,
      state: 'waiting',
      attempts: 0,
      nextAttemptAt: 0,
      createdAt: this.deps.now(),
    };
    this.items.push(item);
    this.persist();
    void this.flush();
    return item;
  }

  /** Sends every item that is due, one at a time; concurrent calls share one run. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.run().finally(() => {
        this.flushing = null;
        this.scheduleNext();
      });
    }
    return this.flushing;
  }

  /** Called when the network comes back: everything waiting is due now. */
  onNetworkChange(isConnected: boolean): void {
    if (!isConnected) return;
    for (const item of this.items) if (item.state === 'waiting') item.nextAttemptAt = 0;
    this.persist();
    void this.flush();
  }

  /** A queued item (a copy), for the form that fixes it. */
  get(id: string): QueueItem | undefined {
    const item = this.items.find((i) => i.id === id);
    return item ? JSON.parse(JSON.stringify(item)) : undefined;
  }

  /**
   * Replaces a waiting or rejected item's record and photos with the user's fixed ones and puts it back in
   * line under the same id. A photo given by its kept path stays as it was (uploaded once); the ones no
   * longer given are deleted from the device.
   */
  async revise(id: string, input: { record: Record<string, unknown>; photos: PhotoToKeep[]; label?: string }): Promise<QueueItem | undefined> {
    const item = this.items.find((i) => i.id === id);
    if (!item || item.state === 'sending') return undefined;
    const photos = await this.keepPhotos(id, item.kind, input.photos, item.photos);
    const kept = new Set(photos.map((p) => p.localPath));
    const dropped = item.photos.filter((p) => !kept.has(p.localPath));
    Object.assign(item, { record: { ...input.record, [QUEUE_KINDS[item.kind].idField]: id }, photos, state: 'waiting', nextAttemptAt: 0, lastError: undefined, lastErrorFields: undefined });
    if (input.label) item.label = input.label;
    this.failures.delete(id);
    this.persist();
    await Promise.all(dropped.map((p) => this.deps.removeFile(p.localPath).catch(() => undefined)));
    void this.flush();
    return item;
  }

  /** Puts a rejected item back in line (after the user fixed what the server refused). */
  retry(id: string): void {
    const item = this.items.find((i) => i.id === id);
    if (!item) return;
    item.state = 'waiting';
    item.nextAttemptAt = 0;
    this.persist();
    void this.flush();
  }

  /** Drops an item and its kept photos (the user gave up on a rejected visit). */
  async discard(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (!item) return;
    this.items = this.items.filter((i) => i.id !== id);
    this.persist();
    await Promise.all(item.photos.map((p) => this.deps.removeFile(p.localPath).catch(() => undefined)));
  }

  /** The server's answer to a record sent in this session (undefined while it waits). */
  answerOf(id: string): unknown {
    return this.answers.get(id);
  }

  /** The last failure of a record's send in this session (undefined when none). */
  failureOf(id: string): unknown {
    return this.failures.get(id);
  }

  /** Counts and items for the workbench's "waiting to sync" panel. */
  summary(): QueueSummary {
    const count = (s: QueueItemState): number => this.items.filter((i) => i.state === s).length;
    return {
      waiting: count('waiting'),
      sending: count('sending'),
      rejected: count('rejected'),
      items: this.items.map(({ id, kind, label, state, attempts, lastError, createdAt }) => ({ id, kind, label, state, attempts, lastError, createdAt })),
    };
  }

  /** Calls `fn` with the summary on every change; returns the unsubscribe function. */
  subscribe(fn: (s: QueueSummary) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Keeps new photos on the device (named after the record); a photo already kept (`previous`) stays as it was. */
  private async keepPhotos(id: string, kind: QueueKind, given: PhotoToKeep[], previous: QueuedPhoto[]): Promise<QueuedPhoto[]> {
    const out: QueuedPhoto[] = [];
    for (const p of given) {
      const known = previous.find((q) => q.localPath === p.tempPath);
      if (known) {
        out.push(known);
        continue;
      }
      // A name of its own per photo: a revised record may add photos beside the ones kept before.
      const name = previous.length ? `${id}-${this.deps.now().toString(36)}-${out.length}` : `${id}-${out.length}`;
      const localPath = await this.deps.keepFile(p.tempPath, name, kind);
      out.push({ localPath, takenAt: p.takenAt, location: p.location, staffId: p.staffId });
    }
    return out;
  }

  private persist(): void {
    this.deps.save(this.items);
    const s = this.summary();
    this.listeners.forEach((fn) => fn(s));
  }

  private async run(): Promise<void> {
    for (;;) {
      if (!this.deps.isOnline()) return;
      const now = this.deps.now();
      const item = this.items.find((i) => i.state === 'waiting' && i.nextAttemptAt <= now);
      if (!item) return;
      await this.send(item);
    }
  }

  private async send(item: QueueItem): Promise<void> {
    item.state = 'sending';
    item.attempts += 1;
    this.persist();
    try {
      for (let i = 0; i < item.photos.length; i++) {
        const photo = item.photos[i];
        if (!photo.fileId) {
          photo.fileId = await this.deps.uploadPhoto(photo.localPath, item.id, i, photo.staffId, QUEUE_KINDS[item.kind].uploadKind);
          this.persist();
        }
      }
      this.answers.set(item.id, await this.deps.submit(this.payloadOf(item), item.kind));
      this.failures.delete(item.id);
    } catch (err) {
      const e = this.deps.classify(err);
      this.failures.set(item.id, err);
      item.lastError = e.message;
      item.lastErrorFields = e.fields && Object.keys(e.fields).length ? e.fields : undefined;
      if (e.isRetryable) {
        item.state = 'waiting';
        item.nextAttemptAt = this.deps.now() + backoffMs(item.attempts);
      } else {
        item.state = 'rejected';
      }
      this.persist();
      return;
    }
    this.items = this.items.filter((i) => i !== item);
    this.persist();
    await Promise.all(item.photos.map((p) => this.deps.removeFile(p.localPath).catch(() => undefined)));
  }

  private payloadOf(item: QueueItem): Record<string, unknown> {
    const photoOf = (p: QueuedPhoto): Record<string, unknown> => ({
      fileId: p.fileId,
      takenAt: p.takenAt,
      ...(p.location ? { location: { lng: p.location.lng, lat: p.location.lat } } : {}),
      ...(p.staffId ? { staffId: p.staffId } : {}),
    });
    const checkIndexes = new Set(Object.values(item.checkPhotos));
    const visit: Record<string, unknown> = { ...item.record };
    const photos = item.photos.filter((_, i) => !checkIndexes.has(i)).map(photoOf);
    // A filing without photos leaves the field out (an incomplete file); a visit always lists them.
    if (item.kind === 'visit' || photos.length) visit.photos = photos;
    const checks = visit.checks as { item: string; photo?: unknown }[] | undefined;
    if (checks) {
      visit.checks = checks.map((c) => {
        const index = item.checkPhotos[c.item];
        // A check's photo travels with its stamp, as every photo does (the visit contract's check.photo).
        return index === undefined ? c : { ...c, photo: photoOf(item.photos[index]) };
      });
    }
    return visit;
  }

  private scheduleNext(): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    const waiting = this.items.filter((i) => i.state === 'waiting');
    // Offline: nothing to time; the network-change event starts the next run.
    if (!waiting.length || !this.deps.isOnline()) return;
    const next = Math.min(...waiting.map((i) => i.nextAttemptAt));
    this.timer = this.deps.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(0, next - this.deps.now()));
  }
}

/** The queue's first name, from when it held visits only. */
export const VisitQueue = OfflineQueue;
export type VisitQueue = OfflineQueue;
