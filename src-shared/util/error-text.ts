/**
 * What a caught value says, for a message or a log line: an Error's message (no stack, no "Error:" prefix),
 * anything else as String() has it. The one place a `catch (e: unknown)` becomes text.
 */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
