import fs from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import { isQueriesFile, SQL_ALLOWED, straySqlLines } from './seams.ts';

/**
 * `npm run check` (after tsc and biome): fails on an import circle anywhere in src/ and on SQL in a server file that
 * is not a queries file, so the seams ARCHITECTURE.md describes stay where they are.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
let failed = false;

const graph = await madge(path.join(ROOT, 'src'), {
  fileExtensions: ['ts', 'tsx'],
  tsConfig: path.join(ROOT, 'tsconfig.json'),
});
const circles = graph.circular();
if (circles.length > 0) {
  failed = true;
  console.error(`Import circles (${circles.length}):`);
  for (const circle of circles) console.error(`  ${circle.join(' → ')} → ${circle[0]}`);
}

const serverFiles = (fs.readdirSync(path.join(ROOT, 'src/server'), { recursive: true }) as string[])
  .map((file) => path.posix.join('src/server', file.split(path.sep).join('/')))
  .filter((file) => file.endsWith('.ts'));
const stray = serverFiles
  .filter((file) => !isQueriesFile(file) && !(file in SQL_ALLOWED))
  .map((file) => ({ file, lines: straySqlLines(fs.readFileSync(path.join(ROOT, file), 'utf8'), file) }))
  .filter(({ lines }) => lines.length > 0);
if (stray.length > 0) {
  failed = true;
  console.error(`SQL outside *.queries.ts (${stray.length} files; move it to the domain's queries file):`);
  for (const { file, lines } of stray) console.error(`  ${file}:${lines.join(',')}`);
}

if (failed) process.exit(1);
console.log(`seams: no import circle in ${Object.keys(graph.obj()).length} modules; SQL only in queries files`);
