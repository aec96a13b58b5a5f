import { readFileSync, writeFileSync } from 'node:fs';

// The window remembers its size and place between runs (a JSON file in userData).

export interface WindowBounds {
  readonly width: number;
  readonly height: number;
  readonly x?: number;
  readonly y?: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 800 };

export function loadBounds(file: string): WindowBounds {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof WindowBounds, unknown>>;
    const size = (value: unknown, min: number): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= 20000 ? Math.round(value) : undefined);
    const width = size(saved.width, 400);
    const height = size(saved.height, 300);
    if (!width || !height) return DEFAULT_BOUNDS;
    const x = typeof saved.x === 'number' && Number.isFinite(saved.x) ? Math.round(saved.x) : undefined;
    const y = typeof saved.y === 'number' && Number.isFinite(saved.y) ? Math.round(saved.y) : undefined;
    return x !== undefined && y !== undefined ? { width, height, x, y } : { width, height };
  } catch {
    return DEFAULT_BOUNDS;
  }
}

export function saveBounds(file: string, bounds: WindowBounds): void {
  try {
    writeFileSync(file, JSON.stringify(bounds));
  } catch {
    // A read-only profile only costs the remembered size.
  }
}
