/**
 * The offline visit queue (离线走访队列). A visit and its photos are saved on the device first, then sent
 * with retries and exponential backoff whenever the network allows. The queue lives in storage, so it
 * survives the app being killed; the visit's id is made on the device, so a send retried after a lost
 * answer is recognised by the server and never stored twice.
 *
 * This module is plain TypeScript: everything that touches wx comes in through QueueDeps.
 */

export type QueueItemState = 'waiting' | 'sending' | 'rejected';

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
  /** The client-made visit id (UUID), also the record's `_id` on the server. */
  id: string;
  /** The visit as submit expects it, without its photos' file IDs. */
  visit: Record<string, unknown>;
  photos: QueuedPhoto[];
  /** Photos of individual checks: check item → index into `photos`. */
  checkPhotos: Record<string, number>;
  label: string;
  state: QueueItemState;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  createdAt: number;
}

export interface SendError {
  isRetryable: boolean;
  message: string;
}

export interface QueueDeps {
  load(): QueueItem[] | undefined;
  save(items: QueueItem[]): void;
  /** Copies a temporary file somewhere that survives the app; returns the kept path. */
  keepFile(tempPath: string, name: string): Promise<string>;
  removeFile(path: string): Promise<void>;
  /** Uploads a kept photo; `staffId` is who took it (the photo's stamp), whose folder it goes into. */
  uploadPhoto(localPath: string, visitId: string, index: number, staffId?: string): Promise<string>;
  submit(visit: Record<string, unknown>): Promise<unknown>;
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
  items: Pick<QueueItem, 'id' | 'label' | 'state' | 'attempts' | 'lastError' | 'createdAt'>[];
}

/** Backoff of the n-th retry (1-based): 2 s, 4 s, 8 s … capped at 5 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}

/** The queue of visits waiting to reach the server. */
export class VisitQueue {
  private items: QueueItem[];
  private flushing: Promise<void> | null = null;
  private timer: unknown = null;
  private listeners = new Set<(s: QueueSummary) => void>();
  /** The server's answers to the items sent in this session, by visit id. */
  private readonly answers = new Map<string, unknown>();

  constructor(private readonly deps: QueueDeps) {
    // An item caught mid-send when the app was killed is simply sent again: its id makes that safe.
    this.items = (deps.load() ?? []).map((item) => (item.state === 'sending' ? { ...item, state: 'waiting' } : item));
  }

  /** Saves a visit and its photos on the device, then tries to send it. Returns the queued item. */
  async enqueue(input: {
    id: string;
    visit: Record<string, unknown>;
    photos: { tempPath: string; takenAt: string; location?: { lat: number; lng: number }; staffId?: string }[];
    checkPhotos?: Record<string, number>;
    label: string;
  }): Promise<QueueItem> {
    const existing = this.items.find((i) => i.id === input.id);
    if (existing) return existing;
    const photos: QueuedPhoto[] = [];
    for (let i = 0; i < input.photos.length; i++) {
      const p = input.photos[i];
      const localPath = await this.deps.keepFile(p.tempPath, `${input.id}-${i}`);
      photos.push({ localPath, takenAt: p.takenAt, location: p.location, staffId: p.staffId });
    }
    const item: QueueItem = {
      id: input.id,
      visit: { ...input.visit, visitId: input.id },
      photos,
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

  /** The server's answer to a visit sent in this session (undefined while it waits). */
  answerOf(id: string): unknown {
    return this.answers.get(id);
  }

  /** Counts and items for the workbench's "waiting to sync" panel. */
  summary(): QueueSummary {
    const count = (s: QueueItemState): number => this.items.filter((i) => i.state === s).length;
    return {
      waiting: count('waiting'),
      sending: count('sending'),
      rejected: count('rejected'),
      items: this.items.map(({ id, label, state, attempts, lastError, createdAt }) => ({ id, label, state, attempts, lastError, createdAt })),
    };
  }

  /** Calls `fn` with the summary on every change; returns the unsubscribe function. */
  subscribe(fn: (s: QueueSummary) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
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
          photo.fileId = await this.deps.uploadPhoto(photo.localPath, item.id, i, photo.staffId);
          this.persist();
        }
      }
      this.answers.set(item.id, await this.deps.submit(this.payloadOf(item)));
    } catch (err) {
      const e = this.deps.classify(err);
      item.lastError = e.message;
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
    const visit: Record<string, unknown> = {
      ...item.visit,
      photos: item.photos.filter((_, i) => !checkIndexes.has(i)).map(photoOf),
    };
    const checks = visit.checks as { item: string; photo?: unknown }[] | undefined;
    if (checks) {
      visit.checks = checks.map((c) => {
        const index = item.checkPhotos[c.item];
        // A check's photo travels as its file ID (the visit contract's check.photo).
        return index === undefined ? c : { ...c, photo: item.photos[index].fileId };
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
