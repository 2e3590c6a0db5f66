/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Whether every `-` part of `input` is a part of `triple`, in order: `x86_64-linux-musl` in `x86_64-unknown-linux-musl`. */
function partsInOrder(input: string, triple: string): boolean {
  const want = input.toLowerCase().split('-');
  if (want.length < 2) return false;
  let i = 0;
  for (const part of triple.split('-')) if (part === want[i]) i++;
  return i === want.length;
}

/** Up to three known triples that `input` may have meant, closest first. */
export function closeTriples(input: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(input.length / 3));
  const scored: [number, string][] = [];
  for (const triple of known) {
    const d = editDistance(input, triple);
    if (d <= limit || partsInOrder(input, triple)) scored.push([d, triple]);
  }
  scored.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1));
  return scored.slice(0, 3).map(([, triple]) => triple);
}
