import { userInfo } from 'node:os';

/** Who runs this process, for audit trails; 'unknown' where the OS has no entry for the user (containers). */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
