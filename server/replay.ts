import { AppError } from './errors';
import { isDuplicateKey } from './tx';

/**
 * Runs a write whose id the client made (a merchant filing, a visit submit) so that a retry gets the first
 * answer. The id is not read first: when `write` fails for any reason (the id already taken, a racing
 * request, a check that now sees the first write), `replay` looks for the stored result of the same id and
 * answers with it. With none stored, a taken id becomes `taken()`, and any other failure stands. A replay
 * that refuses (an AppError: someone else's id, out of scope) is the answer; a replay that breaks leaves
 * the write's own error.
 */
export async function writeOnce<T>(write: () => Promise<T>, replay: () => Promise<T | null>, taken: () => AppError): Promise<T> {
  try {
    return await write();
  } catch (err) {
    let again: T | null;
    try {
      again = await replay();
    } catch (replayErr) {
      if (replayErr instanceof AppError) throw replayErr;
      throw err;
    }
    if (again) return again;
    if (isDuplicateKey(err)) throw taken();
    throw err;
  }
}
