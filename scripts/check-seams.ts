import fs from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import {
  foreignQueriesImports,
  isQueriesFile,
  OWNED_WRITES_ALLOWED,
  SQL_ALLOWED,
  straySqlLines,
  TABLE_OWNERS,
  writtenTables,
} from './seams.ts';

/**
 * `npm run check` (after tsc and biome): fails on an import circle anywhere in src/, on SQL in a server file that
 * is not a queries file, on a write to an owned table (conversations, messages) from another domain, and on a service
 * importing another domain's queries file, so the seams ARCHITECTURE.md describes stay where they are.
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

const sources = new Map(serverFiles.map((file) => [file, fs.readFileSync(path.join(ROOT, file), 'utf8')]));
const foreignWrites = serverFiles.flatMap((file) =>
  writtenTables(sources.get(file) as string, file)
    .filter((table) => TABLE_OWNERS[table] && !file.startsWith(TABLE_OWNERS[table] as string))
    .filter(() => !(file in OWNED_WRITES_ALLOWED))
    .map((table) => `${file} writes ${table} (owned by ${TABLE_OWNERS[table]})`),
);
if (foreignWrites.length > 0) {
  failed = true;
  console.error(`Writes to another domain's table (${foreignWrites.length}; call the owner's write API):`);
  for (const line of foreignWrites) console.error(`  ${line}`);
}

const foreignImports = serverFiles.flatMap((file) =>
  foreignQueriesImports(file, sources.get(file) as string).map((target) => `${file} → ${target}`),
);
if (foreignImports.length > 0) {
  failed = true;
  console.error(`Another domain's queries imported (${foreignImports.length}; go through that domain's service):`);
  for (const line of foreignImports) console.error(`  ${line}`);
}

if (failed) process.exit(1);
console.log(
  `seams: no import circle in ${Object.keys(graph.obj()).length} modules; SQL only in queries files; ` +
    "owned tables written by their owners; no service reaches into another domain's queries",
);
