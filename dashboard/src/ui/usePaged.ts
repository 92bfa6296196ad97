import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

/**
 * A list read page by page through the API's continuation tokens: the first page when `key` changes,
 * the next one on `more()`. `refresh()` re-reads the first page (keeping what was read beyond it).
 */
export function usePaged<T>(key: string, load: (continuationToken?: string) => Promise<Page<T>>) {
  const [items, setItems] = useState<T[]>([]);
  const [token, setToken] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    setItems([]);
    loadRef
      .current()
      .then((page) => {
        if (mine !== generation.current) return;
        setItems(page.items);
        setToken(page.continuationToken);
      })
      .catch((e: unknown) => mine === generation.current && setError(e))
      .finally(() => mine === generation.current && setLoading(false));
  }, [key]);

  const more = useCallback(() => {
    if (!token) return;
    const mine = generation.current;
    setLoading(true);
    loadRef
      .current(token)
      .then((page) => {
        if (mine !== generation.current) return;
        setItems((old) => [...old, ...page.items]);
        setToken(page.continuationToken);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setLoading(false));
  }, [token]);

  const refresh = useCallback(async (merge: (fresh: T[], old: T[]) => T[]) => {
    const mine = generation.current;
    const page = await loadRef.current();
    if (mine !== generation.current) return;
    setItems((old) => merge(page.items, old));
  }, []);

  return { items, loading, error, hasMore: Boolean(token), more, refresh };
}
