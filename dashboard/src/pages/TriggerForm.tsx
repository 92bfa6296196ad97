import { useMemo, useState } from 'preact/hooks';
import { api, hookPath } from '../api/client.ts';
import type { HookDefinition, RenderResult, TriggerResult } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { ErrorNotice, JsonView, Section } from '../ui/components.tsx';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
};

/** How a property of the trigger schema is edited. */
type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

interface Field {
  name: string;
  kind: FieldKind;
  schema: JsonSchema;
  required: boolean;
}

function fieldsOf(schema: JsonSchema): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const type = Array.isArray(property.type) ? undefined : property.type;
    const kind: FieldKind = property.enum?.every((v) => typeof v === 'string' || typeof v === 'number')
      ? 'enum'
      : type === 'string'
        ? 'text'
        : type === 'number'
          ? 'number'
          : type === 'integer'
            ? 'integer'
            : type === 'boolean'
              ? 'boolean'
              : 'json';
    return { name, kind, schema: property, required: required.has(name) };
  });
}

/** The form's text for a value (JSON for what a plain input cannot hold). */
function initialText(field: Field): string {
  const value = field.schema.default;
  if (value === undefined && field.kind === 'enum' && field.required) return String(field.schema.enum![0]);
  if (value === undefined) return field.kind === 'boolean' ? 'false' : '';
  return field.kind === 'json' ? JSON.stringify(value, null, 2) : String(value);
}

/** The payload from the form's texts; throws naming the field whose text is not what its type needs. */
function payloadOf(fields: Field[], texts: Record<string, string>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const text = texts[field.name] ?? '';
    if (text === '' && field.kind !== 'boolean') continue;
    if (field.kind === 'text') payload[field.name] = text;
    else if (field.kind === 'boolean') payload[field.name] = text === 'true';
    else if (field.kind === 'enum') {
      const option = field.schema.enum!.find((v) => String(v) === text);
      payload[field.name] = option;
    } else if (field.kind === 'number' || field.kind === 'integer') {
      const n = Number(text);
      if (Number.isNaN(n)) throw new Error(`${field.name}: “${text}” is not a number`);
      payload[field.name] = n;
    } else {
      try {
        payload[field.name] = JSON.parse(text);
      } catch (e) {
        throw new Error(`${field.name}: not valid JSON (${(e as Error).message})`);
      }
    }
  }
  return payload;
}

/**
 * Fires the hook with a payload from a form generated from its triggerSchema (fields, defaults, enums,
 * required marks; JSON for nested values; the whole payload as JSON on request). "Preview" renders the
 * job through POST /hooks/{g}/{h}/render without running anything.
 */
export function TriggerForm({ hook }: { hook: HookDefinition }) {
  const fields = useMemo(() => fieldsOf(hook.triggerSchema as JsonSchema), [hook]);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, initialText(f)])),
  );
  const [raw, setRaw] = useState<string | null>(fields.length === 0 ? '{}' : null);
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<RenderResult | null>(null);
  const [busy, setBusy] = useState(false);
  const path = hookPath(hook.hookGroupId, hook.hookId);

  const payload = () => (raw === null ? payloadOf(fields, texts) : (JSON.parse(raw) as unknown));
  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Trigger">
      <form
        class="stack"
        aria-label={`Trigger ${hook.hookGroupId}/${hook.hookId}`}
        onSubmit={(event) => {
          event.preventDefault();
          void act(async () => {
            const result = await api<TriggerResult>('POST', `${path}/trigger`, payload());
            if ('runId' in result) navigate(`/runs/${result.runId}`);
            else if ('skipped' in result) setError(new Error(`Not fired: ${result.reason}.`));
            else setError(new Error('The template declined this payload (rendered to null): nothing ran.'));
          });
        }}
      >
        {raw === null
          ? fields.map((field) => (
              <FieldInput
                key={field.name}
                field={field}
                text={texts[field.name] ?? ''}
                onText={(text) => setTexts({ ...texts, [field.name]: text })}
              />
            ))
          : null}
        {raw !== null ? (
          <label>
            Payload (JSON)
            <textarea
              class="code"
              rows={6}
              spellcheck={false}
              value={raw}
              onInput={(e) => setRaw(e.currentTarget.value)}
            />
          </label>
        ) : null}
        {fields.length > 0 ? (
          <label class="check">
            <input
              type="checkbox"
              checked={raw !== null}
              onChange={(e) => {
                if (e.currentTarget.checked) {
                  try {
                    setRaw(JSON.stringify(payloadOf(fields, texts), null, 2));
                  } catch {
                    setRaw('{}');
                  }
                } else setRaw(null);
              }}
            />
            Edit the payload as JSON
          </label>
        ) : null}
        <ErrorNotice error={error} />
        <div class="row">
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void act(async () => {
                setPreview(null);
                setPreview(
                  await api<RenderResult>('POST', `${path}/render`, {
                    firedBy: 'triggerHook',
                    payload: payload(),
                  }),
                );
              })
            }
          >
            Preview job
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Trigger
          </button>
        </div>
        {preview ? (
          preview.job ? (
            <JsonView value={preview.job} label="Rendered job (dry run)" />
          ) : (
            <p class="notice">The template declines this payload: triggering would start nothing.</p>
          )
        ) : null}
      </form>
    </Section>
  );
}

function FieldInput(props: { field: Field; text: string; onText: (text: string) => void }) {
  const { field } = props;
  const id = `field-${field.name}`;
  const label = (
    <span>
      {field.schema.title ?? field.name}
      {field.required ? (
        <abbr class="required" title="required">
          {' '}
          *
        </abbr>
      ) : null}
    </span>
  );
  const help = field.schema.description ? (
    <span class="muted small" id={`${id}-help`}>
      {field.schema.description}
    </span>
  ) : null;
  const common = {
    id,
    name: field.name,
    required: field.required,
    'aria-describedby': field.schema.description ? `${id}-help` : undefined,
  };
  if (field.kind === 'boolean') {
    return (
      <label class="check" htmlFor={id}>
        <input
          id={id}
          name={field.name}
          aria-describedby={common['aria-describedby']}
          type="checkbox"
          checked={props.text === 'true'}
          onChange={(e) => props.onText(String(e.currentTarget.checked))}
        />
        {label} {help}
      </label>
    );
  }
  return (
    <div class="field">
      <label htmlFor={id}>{label}</label>
      {field.kind === 'enum' ? (
        <select {...common} value={props.text} onChange={(e) => props.onText(e.currentTarget.value)}>
          {field.required ? null : <option value="">(none)</option>}
          {field.schema.enum!.map((option) => (
            <option key={String(option)} value={String(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      ) : field.kind === 'json' ? (
        <textarea
          {...common}
          class="code"
          rows={3}
          spellcheck={false}
          value={props.text}
          onInput={(e) => props.onText(e.currentTarget.value)}
        />
      ) : (
        <input
          {...common}
          type={field.kind === 'text' ? 'text' : 'number'}
          step={field.kind === 'integer' ? 1 : 'any'}
          value={props.text}
          onInput={(e) => props.onText(e.currentTarget.value)}
        />
      )}
      {help}
    </div>
  );
}
