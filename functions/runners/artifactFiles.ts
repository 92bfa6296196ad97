import { createHash } from 'node:crypto';
import { constants, createWriteStream, openAsBlob } from 'node:fs';
import { chown, copyFile, lstat, mkdir, mkdtemp, open, opendir, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { scratchTemplate } from './scratchDirectory.ts';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  ARTIFACT_NAME_PATTERN,
  type ArtifactDeclaration,
  type CollectedArtifact,
  contentTypeOf,
  globToRegExp,
  isGlob,
  MAX_GLOB_ENTRIES,
} from '../core/artifacts.ts';
import type {
  ArtifactCollectionRequest,
  ArtifactInput,
  ArtifactUploadTarget,
} from '../ports/artifactStore.ts';

export type { ArtifactCollectionRequest };

/**
 * The runner's side of artifacts (functions/core/artifacts.ts): after the command, the declared
 * files of its working directory are checked (present, regular, inside the directory after
 * symlinks, within the size limit), hashed and put where the artifact store said; before it, the
 * earlier steps' artifacts are copied into a fresh directory the command finds in
 * HOOKLINE_ARTIFACTS_DIR. A problem with a declared file is the step's error, never a crash.
 */

export type Collection = { ok: true; artifacts: CollectedArtifact[] } | { ok: false; message: string };

class ArtifactProblem extends Error {}

/** Files under `root` (relative paths) matching `glob`; symlinked directories are not entered. */
async function matchGlob(root: string, glob: string): Promise<string[]> {
  const pattern = globToRegExp(glob.replace(/^\.\//, ''));
  const matches: string[] = [];
  const pending = [root];
  let seen = 0;
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for await (const entry of await opendir(dir)) {
      if (++seen > MAX_GLOB_ENTRIES)
        throw new ArtifactProblem(
          `artifact ${glob}: the working directory has more than ${MAX_GLOB_ENTRIES} entries to look through`,
        );
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) pending.push(path);
      else if (pattern.test(rel)) matches.push(rel);
    }
  }
  return matches.sort();
}

/** The real path of a declared file, refused when it is missing, not a regular file, outside `root` or too large. */
async function checkedFile(
  root: string,
  rel: string,
  maxBytes: number,
): Promise<{ real: string; size: number }> {
  const path = join(root, rel);
  try {
    await lstat(path);
  } catch {
    throw new ArtifactProblem(`artifact ${rel} not found`);
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new ArtifactProblem(`artifact ${rel} not found (a broken link)`);
  }
  if (!real.startsWith(root + sep))
    throw new ArtifactProblem(`artifact ${rel} is outside the working directory (refused)`);
  const info = await stat(real);
  if (!info.isFile()) throw new ArtifactProblem(`artifact ${rel} is not a regular file`);
  if (info.size > maxBytes)
    throw new ArtifactProblem(`artifact ${rel} is ${info.size} bytes, more than the limit of ${maxBytes}`);
  return { real, size: info.size };
}

/** Copies `real` to `destination`, hashing it; refuses a file that grew past the limit meanwhile. */
async function copyHashed(
  real: string,
  destination: string,
  maxBytes: number,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  await pipeline(
    handle.createReadStream(),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes)
          throw new ArtifactProblem(`artifact ${basename(real)} grew past ${maxBytes} bytes`);
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(destination, { mode: 0o600 }),
  );
  return { size, sha256: hash.digest('hex') };
}

type PutFile = (
  real: string,
  name: string,
  contentType: string,
  maxBytes: number,
) => Promise<{ size: number; sha256: string }>;

/**
 * Puts each file where the target says: copied into the directory; or copied to a private staging
 * directory (so what is hashed is what is sent) and posted to the presigned POST under its key prefix.
 */
async function withDestination(target: ArtifactUploadTarget, use: (put: PutFile) => Promise<void>) {
  if (target.kind === 'directory') {
    await mkdir(target.path, { recursive: true, mode: 0o700 });
    return use((real, name, _type, maxBytes) => copyHashed(real, join(target.path, name), maxBytes));
  }
  const staging = await mkdtemp(join(tmpdir(), 'hookline-artifact-upload-'));
  try {
    await use(async (real, name, contentType, maxBytes) => {
      const staged = join(staging, name);
      const copied = await copyHashed(real, staged, maxBytes);
      await postFile(target, name, staged, contentType);
      await rm(staged, { force: true });
      return copied;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function postFile(
  target: Extract<ArtifactUploadTarget, { kind: 'presignedPost' }>,
  name: string,
  file: string,
  contentType: string,
): Promise<void> {
  const form = new FormData();
  for (const [field, value] of Object.entries(target.fields)) form.append(field, value);
  form.append('key', `${target.keyPrefix}${name}`);
  form.append('Content-Type', contentType);
  form.append('file', await openAsBlob(file), name);
  const res = await fetch(target.url, { method: 'POST', body: form });
  if (!res.ok)
    throw new ArtifactProblem(
      `artifact ${name} could not be uploaded: ${res.status} ${(await res.text()).slice(0, 300)}`,
    );
}

/** Checks every declared file first, then copies them: a step keeps all its artifacts or none. */
export async function collectArtifacts(cwd: string, request: ArtifactCollectionRequest): Promise<Collection> {
  try {
    const root = await realpath(cwd);
    const chosen: Array<{ rel: string; real: string; name: string; declaration: ArtifactDeclaration }> = [];
    const names = new Set<string>();
    for (const declaration of request.declared) {
      const path = declaration.path.replace(/^\.\//, '');
      const rels = isGlob(path) ? await matchGlob(root, path) : [path];
      if (rels.length === 0)
        throw new ArtifactProblem(`artifact ${declaration.path} not found (no file matches)`);
      for (const rel of rels) {
        const { real } = await checkedFile(root, rel, request.maxBytes);
        const name = declaration.name ?? basename(rel);
        if (!ARTIFACT_NAME_PATTERN.test(name))
          throw new ArtifactProblem(
            `artifact ${rel}: "${name}" cannot be an artifact name (letters, digits, ., _ and -); give it a name`,
          );
        if (names.has(name)) throw new ArtifactProblem(`two artifacts of this step are named ${name}`);
        names.add(name);
        chosen.push({ rel, real, name, declaration });
      }
    }
    const artifacts: CollectedArtifact[] = [];
    await withDestination(request.target, async (put) => {
      for (const { rel, real, name, declaration } of chosen) {
        const contentType = contentTypeOf(name, declaration.contentType);
        const { size, sha256 } = await put(real, name, contentType, request.maxBytes);
        artifacts.push({
          name,
          path: rel,
          size,
          sha256,
          contentType,
          ...(declaration.expiresInDays !== undefined ? { expiresInDays: declaration.expiresInDays } : {}),
        });
      }
    });
    return { ok: true, artifacts };
  } catch (error) {
    if (error instanceof ArtifactProblem) return { ok: false, message: error.message };
    return { ok: false, message: `the artifacts could not be kept: ${(error as Error).message}` };
  }
}

/** A fresh 0700 directory with the earlier steps' artifacts, owned by the user the command runs as. */
export async function prepareArtifactInputs(
  inputs: readonly ArtifactInput[],
  owner: { uid: number; gid: number } | undefined,
  scratchPrefix?: string,
): Promise<string> {
  const dir = await mkdtemp(scratchTemplate('artifacts', scratchPrefix));
  for (const input of inputs) {
    const destination = join(dir, input.name);
    if (input.source.kind === 'file') await copyFile(input.source.path, destination);
    else await downloadTo(input.source.url, destination);
    if (owner) await chown(destination, owner.uid, owner.gid);
  }
  if (owner) await chown(dir, owner.uid, owner.gid);
  return dir;
}

async function downloadTo(url: string, destination: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`download answered ${res.status}`);
  await pipeline(
    Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>),
    createWriteStream(destination, { mode: 0o600 }),
  );
}
