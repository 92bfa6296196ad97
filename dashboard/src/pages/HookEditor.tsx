import { useState } from 'preact/hooks';
import { api, hookPath } from '../api/client.ts';
import type { HookDefinition, RenderResult } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { ErrorNotice, JsonView, Section } from '../ui/components.tsx';

const NEW_HOOK = {
  metadata: { name: 'My hook', description: 'What it does', owner: 'me@example.com' },
  schedule: [],
  bindings: [],
  triggerSchema: { type: 'object', properties: {} },
  task: { task: { name: 'hello', command: ['echo', 'hello'] } },
};

/**
 * Edits a hook's definition as JSON. "Check" renders it through POST /render (nothing runs) and shows
 * the job or the problem with its path; "Save" checks the same way first, then creates (PUT) or
 * updates (POST) the hook.
 */
export function HookEditor(props: { hook?: HookDefinition; onSaved: (saved: HookDefinition) => void }) {
  const existing = props.hook;
  const [groupId, setGroupId] = useState(existing?.hookGroupId ?? '');
  const [hookId, setHookId] = useState(existing?.hookId ?? '');
  const [text, setText] = useState(() => {
    if (!existing) return JSON.stringify(NEW_HOOK, null, 2);
    const { hookGroupId: _g, hookId: _h, ...definition } = existing;
    return JSON.stringify(definition, null, 2);
  });
  const [error, setError] = useState<unknown>(null);
  const [rendered, setRendered] = useState<RenderResult | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (): Promise<unknown | undefined> => {
    setError(null);
    setRendered(null);
    let hook: unknown;
    try {
      hook = JSON.parse(text);
    } catch (e) {
      setError(new Error(`The definition is not valid JSON: ${(e as Error).message}`));
      return undefined;
    }
    try {
      const result = await api<RenderResult>('POST', '/render', {
        hook,
        ...(groupId ? { hookGroupId: groupId } : {}),
        ...(hookId ? { hookId } : {}),
        firedBy: 'triggerHook',
        payload: {},
      });
      setRendered(result);
      return hook;
    } catch (e) {
      setError(e);
      return undefined;
    }
  };

  return (
    <Section title={existing ? 'Edit definition' : 'New hook'}>
      <form
        class="stack"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          try {
            const hook = await check();
            if (hook === undefined) return;
            const saved = await api<HookDefinition>(
              existing ? 'POST' : 'PUT',
              hookPath(groupId, hookId),
              hook,
            );
            props.onSaved(saved);
            if (!existing) navigate(hookPath(saved.hookGroupId, saved.hookId));
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {existing ? null : (
          <div class="row">
            <label>
              Hook group
              <input required value={groupId} onInput={(e) => setGroupId(e.currentTarget.value)} />
            </label>
            <label>
              Hook id
              <input required value={hookId} onInput={(e) => setHookId(e.currentTarget.value)} />
            </label>
          </div>
        )}
        <label>
          Definition (JSON)
          <textarea
            class="code"
            rows={18}
            spellcheck={false}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <ErrorNotice error={error} />
        {rendered ? (
          <div class="notice notice-ok" role="status">
            {rendered.job
              ? 'The definition renders to this job for a manual trigger with {}:'
              : 'The template declines a manual trigger with {} (renders to null).'}
          </div>
        ) : null}
        {rendered?.job ? <JsonView value={rendered.job} label="Rendered job" /> : null}
        <div class="row">
          <button type="button" disabled={busy} onClick={() => void check()}>
            Check
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {existing ? 'Check and save' : 'Check and create'}
          </button>
        </div>
      </form>
    </Section>
  );
}
