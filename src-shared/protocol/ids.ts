import { z } from 'zod';

/**
 * A remote id is also a certificate CN, a JAAS user name and a segment of STOMP destination names,
 * so it is held to the characters that are safe in all three (no dots, wildcards or commas).
 */
export const RemoteId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'a remote id is 1-63 of a-z, 0-9 and "-", starting with a letter or digit',
  );
export type RemoteId = z.infer<typeof RemoteId>;

/** Console ids follow the same rule: they name the console's own result and reply queues. */
export const ConsoleId = RemoteId;
export type ConsoleId = z.infer<typeof ConsoleId>;

export const MessageId = z.uuid();
