/**
 * The AWS SSO CLI session import as commands use it (lib/reference_session): the source for the
 * store kind this run uses, the import hook the token manager calls when there is no session,
 * and the finding `doctor` shows.
 *
 * @module
 */
import { realFileIo } from "../../lib/atomic_file.ts";
import type { SsoInstance } from "../../lib/settings/settings.ts";
import type { SecureStore } from "../../lib/secure_store.ts";
import type {
  ReferenceSessionFinding,
  ReferenceSessionSource,
} from "../../lib/reference_session/import_session.ts";
import { STORE_KINDS } from "../../stores/backend.ts";
import { referenceRecordReader } from "../../stores/reference_records.ts";
import type { Context } from "../context.ts";
import { errorMessage } from "../../lib/errors.ts";

/** The reference's record in the same kind of store as `store`, if it had such a store. */
export function referenceSessionSource(
  ctx: Context,
  store: SecureStore,
): ReferenceSessionSource | undefined {
  const kind = STORE_KINDS.find((k) => k === store.kind);
  if (kind === undefined) return undefined;
  const reader = referenceRecordReader(kind, {
    configDir: ctx.paths.configDir,
    runner: ctx.runner,
    fileIo: realFileIo,
  });
  if (reader === undefined) return undefined;
  return {
    kind,
    location: kind === "file" ? ctx.display(reader.location) : reader.location,
    read: () => reader.read(),
    password() {
      // The reference's own variable; the store is never unlocked by a prompt for this.
      const pw = ctx.env.AWS_SSO_FILE_PASSWORD ?? "";
      if (pw === "") return Promise.resolve(undefined);
      ctx.logger.secret(pw);
      return Promise.resolve(pw);
    },
  };
}

/**
 * Imports the AWS SSO CLI session of `instance` when `store` has none (see
 * lib/reference_session/import_session.ts). Never throws: a failure is one warning.
 */
export async function importReferenceSessionFor(
  ctx: Context,
  instance: SsoInstance,
  store: SecureStore,
): Promise<void> {
  const source = referenceSessionSource(ctx, store);
  if (source === undefined) return;
  try {
    const { importReferenceSession } = await import(
      "../../lib/reference_session/import_session.ts"
    );
    await importReferenceSession({
      store,
      source,
      instance,
      clock: ctx.clock,
      logger: ctx.logger,
    });
  } catch (e) {
    ctx.logger.warn(`Could not import the AWS SSO CLI session from ${source.location}`, {
      error: errorMessage(e),
    });
  }
}

/** What the reference's store holds for `instance`, and whether it was imported (for doctor). */
export async function referenceSessionFinding(
  ctx: Context,
  instance: SsoInstance,
  store: SecureStore,
): Promise<
  { location: string; finding: ReferenceSessionFinding; importedAt?: string } | undefined
> {
  const source = referenceSessionSource(ctx, store);
  if (source === undefined) return undefined;
  const { inspectReferenceSession } = await import(
    "../../lib/reference_session/import_session.ts"
  );
  const note = await store.getReferenceImport(instance.name);
  const finding = await inspectReferenceSession(source, instance, {
    clock: ctx.clock,
    logger: ctx.logger,
  });
  return { location: source.location, finding, importedAt: note?.importedAt };
}
