/**
 * The shape of src/, checked: each folder is used from outside only through its index.ts, modules import
 * only their own layer or the ones below (so a primitive never reaches into another, nor up into the
 * agent), and no import cycle exists between files or between modules.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  type ImportEdge,
  importEdges,
  importsPastIndex,
  typeScriptFiles,
} from './support/import-graph.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The layers of src/, lowest first. A folder not named here is a primitive (trust, optimize, audit …):
 * above `pipeline`, below `agent`. Adding a primitive needs no change here.
 */
const lowerLayers = [
  ['errors', 'threads', 'simulator', 'loading', 'classify'],
  ['config'],
  ['privacy', 'runtime'],
  ['store'],
  ['events'],
  ['pipeline'],
];
const upperLayers = [['agent'], ['fleet'], ['server'], ['cli'], ['index.ts']];

function layerOf(module: string): number {
  const lower = lowerLayers.findIndex((layer) => layer.includes(module));
  if (lower >= 0) return lower;
  const upper = upperLayers.findIndex((layer) => layer.includes(module));
  return upper >= 0 ? lowerLayers.length + 1 + upper : lowerLayers.length;
}

/** `src/trust/trust.ts` → `trust`; `src/index.ts` → `index.ts`; outside src → undefined. */
function moduleOf(path: string): string | undefined {
  const parts = path.split('/');
  return parts[0] === 'src' ? parts[1] : undefined;
}

const isTestCode = (path: string) =>
  /\.test\.ts$/.test(path) ||
  path.includes('/__fixtures__/') ||
  path.includes('/__support__/') ||
  path.startsWith('test/');

const hasIndex = (folder: string) => existsSync(join(root, folder, 'index.ts'));

function layeringViolations(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap(({ from, to }) => {
    const importer = moduleOf(from);
    const imported = moduleOf(to);
    if (!importer || !imported || importer === imported) return [];
    return layerOf(imported) > layerOf(importer) ? [`${from} -> ${to}`] : [];
  });
}

/** Test code may use its own module's internals, and any module through its index. */
function testImportViolations(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap(({ from, to }) => {
    const imported = moduleOf(to);
    if (!imported || imported === 'index.ts' || moduleOf(from) === imported) return [];
    return to === `src/${imported}/index.ts` ? [] : [`${from} -> ${to}`];
  });
}

describe('module boundaries', () => {
  const files = [...typeScriptFiles(join(root, 'src')), ...typeScriptFiles(join(root, 'test'))];
  const edges = importEdges(root, files).filter((edge) => edge.to.startsWith('src/'));
  const sourceEdges = edges.filter((edge) => !isTestCode(edge.from));
  const testEdges = edges.filter((edge) => isTestCode(edge.from));

  it('source uses every folder from outside only through its index.ts', () => {
    const offenders = importsPastIndex(sourceEdges, hasIndex).map(({ from, to }) => `${from} -> ${to}`);
    expect(offenders, 'import the folder’s index.ts, and export what you need from it').toEqual([]);
  });

  it('tests use other modules only through their index.ts', () => {
    expect(testImportViolations(testEdges), 'import the module’s index.ts').toEqual([]);
  });

  it('modules import only their own layer or the layers below', () => {
    expect(layeringViolations(sourceEdges), 'a primitive or lower module imports upward').toEqual([]);
  });

  it('has no import cycle between source files', () => {
    expect(cycles(sourceEdges)).toEqual([]);
  });

  it('has no import cycle between modules', () => {
    const moduleEdges = sourceEdges.flatMap(({ from, to }) => {
      const importer = moduleOf(from);
      const imported = moduleOf(to);
      return importer && imported && importer !== imported ? [{ from: importer, to: imported }] : [];
    });
    expect(cycles(moduleEdges)).toEqual([]);
  });
});

describe('the boundary checks', () => {
  it('find an import past an index, and allow the index itself and a folder without one', () => {
    const indexed = new Set(['src/audit', 'src/audit/log', 'src/trust']);
    const edges = [
      { from: 'src/trust/trust.ts', to: 'src/audit/log/schema.ts' },
      { from: 'src/trust/trust.ts', to: 'src/audit/index.ts' },
      { from: 'src/audit/audit.ts', to: 'src/audit/log/schema.ts' },
      { from: 'src/audit/audit.ts', to: 'src/audit/log/index.ts' },
      { from: 'src/audit/log/verify.ts', to: 'src/audit/config.ts' },
      { from: 'src/audit/alerts/engine.ts', to: 'src/audit/alerts/detectors/rate.ts' },
    ];
    expect(importsPastIndex(edges, (folder) => indexed.has(folder))).toEqual([edges[0], edges[2]]);
  });

  it('find cycles of files, of a file with itself, and none in a tree', () => {
    expect(
      cycles([
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'c', to: 'a' },
        { from: 'c', to: 'd' },
        { from: 'e', to: 'e' },
      ]),
    ).toEqual([['a', 'b', 'c'], ['e']]);
    expect(
      cycles([
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'c' },
      ]),
    ).toEqual([]);
  });

  it('place primitives between the pipeline and the agent, and flag an upward import', () => {
    expect(layerOf('trust')).toBe(layerOf('learn'));
    expect(layerOf('a-new-primitive')).toBe(layerOf('trust'));
    expect(layerOf('pipeline')).toBeLessThan(layerOf('trust'));
    expect(layerOf('trust')).toBeLessThan(layerOf('agent'));
    expect(
      layeringViolations([
        { from: 'src/trust/trust.ts', to: 'src/agent/index.ts' },
        { from: 'src/trust/trust.ts', to: 'src/audit/index.ts' },
        { from: 'src/store/types.ts', to: 'src/events/index.ts' },
      ]),
    ).toEqual(['src/trust/trust.ts -> src/agent/index.ts', 'src/store/types.ts -> src/events/index.ts']);
  });
});
