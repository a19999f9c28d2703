/**
 * The list screens' one way to read pages of a function's list (`{ items, nextCursor }`): the first page
 * again whenever the reader changes (a new filter), the next on `more()`, a spinner while one is asked,
 * a failure shown as a message with the call's sentence. An answer to a reader since replaced is dropped,
 * so a slow first page cannot overwrite the page of a newer filter.
 */
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { MessagePlugin } from 'tdesign-react';
import type { Page } from '../../../shared/contracts/common.contract';
import { errorText } from '../api';

export interface PagedLoad<T> {
  rows: T[];
  /** replace rows in place (a row an action changed) */
  setRows: Dispatch<SetStateAction<T[]>>;
  /** the next page's cursor, null at the end */
  cursor: string | null;
  loading: boolean;
  /** reads the next page onto the rows */
  more(): Promise<void>;
  /** reads the first page again */
  reload(): Promise<void>;
}

/** `readPage` (memoised on what it reads: `useCallback(..., [filter])`) answers a page from a cursor. */
export function usePagedLoad<T>(readPage: (cursor: string | null) => Promise<Page<T>>): PagedLoad<T> {
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const load = useCallback(
    async (from: string | null) => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const page = await readPage(from);
        if (mine !== seq.current) return;
        setRows((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        if (mine === seq.current) MessagePlugin.error(errorText(e));
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    },
    [readPage],
  );
  useEffect(() => {
    void load(null);
    return () => void seq.current++;
  }, [load]);
  return { rows, setRows, cursor, loading, more: () => (cursor ? load(cursor) : Promise.resolve()), reload: () => load(null) };
}
