import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { STATUS_LOOK } from '../format.ts';

/** A status as icon + text + colour (never colour alone); `label` reads it to screen readers. */
export function Status(props: { value: string | null | undefined; prefix?: string }) {
  if (!props.value) return <span class="status tone-neutral">–</span>;
  const look = STATUS_LOOK[props.value as keyof typeof STATUS_LOOK] ?? {
    icon: '•',
    tone: 'neutral',
    label: props.value,
  };
  return (
    <span class={`status tone-${look.tone}`} data-status={props.value}>
      <span aria-hidden="true">{look.icon}</span> {props.prefix ? `${props.prefix} ` : ''}
      {look.label}
    </span>
  );
}

/** What went wrong, in words; a 403 names the scope the signed-in client lacks. */
export function ErrorNotice(props: { error: unknown }) {
  const error = props.error;
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) {
    const missing = error.missingScopes;
    return (
      <div class="notice notice-bad" role="alert">
        <strong>Not allowed.</strong>{' '}
        {missing.length ? (
          <>
            Your client lacks the scope{missing.length > 1 ? 's' : ''}{' '}
            {missing.map((scope) => (
              <code key={scope} class="scope">
                {scope}
              </code>
            ))}
            .
          </>
        ) : (
          error.message
        )}
      </div>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="notice notice-bad" role="alert">
      {error instanceof ApiError ? <strong>{error.code}: </strong> : null}
      {message}
    </div>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

/** JSON, read-only. */
export function JsonView(props: { value: unknown; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <pre class="json" title={props.label} tabIndex={0}>
      {JSON.stringify(props.value, null, 2)}
    </pre>
  );
}

/** A button that asks before it acts (a modal dialog, keyboard-reachable). */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel?: string;
  tone?: 'danger' | 'primary';
  disabled?: boolean;
  onConfirm: () => Promise<void> | void;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button
        type="button"
        class={props.tone === 'danger' ? 'danger' : ''}
        disabled={props.disabled || busy}
        onClick={() => setOpen(true)}
      >
        {props.label}
      </button>
      {open ? (
        <div class="modal-backdrop">
          <div
            class="modal"
            role="dialog"
            aria-modal="true"
            aria-label={props.label}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setOpen(false);
            }}
          >
            <p>{props.question}</p>
            <div class="row">
              <button
                type="button"
                class={props.tone === 'danger' ? 'danger' : 'primary'}
                ref={(el) => el?.focus()}
                onClick={async () => {
                  setOpen(false);
                  setBusy(true);
                  try {
                    await props.onConfirm();
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {props.confirmLabel ?? props.label}
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                Keep as is
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={async () => {
        await navigator.clipboard?.writeText(props.text).catch(() => undefined);
        setCopied(true);
      }}
    >
      {copied ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

export function Section(props: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const id = `section-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** "Load more" for a list the API pages through with continuation tokens. */
export function MoreButton(props: { more: boolean; loading: boolean; onMore: () => void }) {
  if (!props.more) return null;
  return (
    <div class="more">
      <button type="button" disabled={props.loading} onClick={props.onMore}>
        {props.loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
