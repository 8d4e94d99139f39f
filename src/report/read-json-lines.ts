import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Stream a JSON-lines file: each non-blank line parsed and handed on with its 1-based number, or
 * reported to `skip` when it is not JSON (a torn last line). Memory stays at one line.
 */
export async function readJsonLines(
  path: string,
  onJson: (lineNumber: number, json: unknown) => void,
  skip: (lineNumber: number, reason: string) => void,
): Promise<void> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      skip(lineNumber, 'not valid JSON');
      continue;
    }
    onJson(lineNumber, json);
  }
}
