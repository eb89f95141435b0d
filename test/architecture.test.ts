import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

// the layering itself is checked by dependency-cruiser in `npm run check`; these are the rules it cannot see
for (const dir of ['shared/domain', 'shared/use-cases']) {
  test(`${dir}: time comes from the Clock port (no Date.now() or new Date())`, (t) => {
    const offenders = sources(dir).filter((f) => /Date\.now\(|new Date\(\)/.test(readFileSync(f, 'utf8')));
    t.deepEqual(offenders, []);
  });
}

test('no product code reads a variable from process.env: it is handed whole to loadConfig (shared/config.ts)', (t) => {
  const offenders = ['shared', 'services']
    .flatMap(sources)
    .filter((f) => /process\.env(\.|\[)/.test(readFileSync(f, 'utf8')));
  t.deepEqual(offenders, []);
});
