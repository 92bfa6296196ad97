import * as z from 'zod';

/**
 * Artifacts: files a command step declares (`artifacts: [{path, name?, contentType?, expiresInDays?}]`),
 * kept with its run after the step (README "Artifacts"). The rules of names, paths, globs, content
 * types and expiry; the files are collected by functions/runners/artifactFiles.ts and kept by an
 * ArtifactStore (functions/ports/artifactStore.ts).
 */
export const ARTIFACT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const MAX_ARTIFACTS_PER_STEP = 50;
/** The default of ServiceSettings.artifactMaxBytes: each file at most this large. */
export const DEFAULT_ARTIFACT_MAX_BYTES = 100 * 1024 * 1024;
/** A glob looks at no more than this many entries of the working directory. */
export const MAX_GLOB_ENTRIES = 10_000;
const MAX_GLOB_WILDCARDS = 8;

export const artifactDeclarationSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(1024)
      .refine((p) => !p.startsWith('/'), 'an artifact path is relative to the working directory')
      .refine(
        (p) => !p.split('/').includes('..'),
        'an artifact path may not leave the working directory (..)',
      )
      .refine(
        (p) => (p.match(/[*?]/g) ?? []).length <= MAX_GLOB_WILDCARDS,
        `an artifact glob has at most ${MAX_GLOB_WILDCARDS} wildcards`,
      ),
    name: z
      .string()
      .regex(ARTIFACT_NAME_PATTERN, 'an artifact name is letters, digits, ., _ and - (at most 200)')
      .optional(),
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)?$/, 'a content type such as text/html')
      .max(255)
      .optional(),
    expiresInDays: z.int().min(1).max(3650).optional(),
  })
  .refine((a) => a.name === undefined || !isGlob(a.path), {
    message: 'a glob names its artifacts by their file names; `name` is for a single path',
    path: ['name'],
  });

export const artifactDeclarationsSchema = z
  .array(artifactDeclarationSchema)
  .min(1)
  .max(MAX_ARTIFACTS_PER_STEP);

export type ArtifactDeclaration = z.infer<typeof artifactDeclarationSchema>;

/** A kept artifact, on its step's record (StepRecord.artifacts). */
export const artifactRecordSchema = z.strictObject({
  name: z.string(),
  /** The file's path in the step's working directory. */
  path: z.string(),
  size: z.int(),
  /** Hex SHA-256 of the content. */
  sha256: z.string(),
  contentType: z.string(),
  /** Epoch seconds after which it is no longer served, and is removed. */
  expiresAt: z.int(),
});
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;

/** What the runner reports for each file it kept (the expiry is the step runner's to set). */
export type CollectedArtifact = Omit<ArtifactRecord, 'expiresAt'> & { expiresInDays?: number };

export function isGlob(path: string): boolean {
  return /[*?]/.test(path);
}

/** `*` and `?` within a path segment, `**` across segments. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

/** The declared content type, else one from the file's extension, else application/octet-stream. */
export function contentTypeOf(fileName: string, declared: string | undefined): string {
  if (declared) return declared;
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension && CONTENT_TYPES[extension]) || 'application/octet-stream';
}

/**
 * When an artifact expires: with its step's records (the run's retention), or sooner if it says so.
 * It never outlives the records that list it.
 */
export function artifactExpiresAt(
  finishedAtSeconds: number,
  retentionSeconds: number,
  expiresInDays: number | undefined,
): number {
  const withRun = finishedAtSeconds + retentionSeconds;
  if (expiresInDays === undefined) return withRun;
  return Math.min(withRun, finishedAtSeconds + expiresInDays * 24 * 3600);
}
