import { z } from 'zod';

/** Error codes that cross the IPC boundary; each comes with a message that says what to do next. */
export const IpcErrorCode = z.enum(['bad-request', 'not-found', 'unavailable', 'forbidden', 'internal']);
export const IpcError = z.object({ code: IpcErrorCode, message: z.string() });
export type IpcError = z.infer<typeof IpcError>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ipcResultOf = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: IpcError }),
  ]);

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const err = (code: IpcError['code'], message: string): IpcResult<never> => ({
  ok: false,
  error: { code, message },
});
