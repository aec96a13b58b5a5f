import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recallTab, rememberTab, resumedTab } from '../../renderer/state/activeTab.js';

// Which tab a window shows after a reload, from what its sessionStorage kept: the edges the
// browser test (tabs.test.ts) does not reach — the last tab closed, storage holding
// something else, storage the browser refuses.

type PageStorage = NonNullable<Parameters<typeof recallTab>[0]>;

/** A sessionStorage of one window, as the browser gives it (or refuses it). */
function storage(refuse = false): PageStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => {
      if (refuse) throw new Error('The operation is insecure.');
      return items.get(key) ?? null;
    },
    setItem: (key: string, value: string) => {
      if (refuse) throw new Error('The quota has been exceeded.');
      items.set(key, value);
    },
  } as PageStorage;
}

describe('the tab a window shows after a reload', () => {
  const sessions = Object.fromEntries(['a', 'b', 'c'].map((id) => [id, { dto: { sessionId: id } }])) as never;

  it('is the one it showed, remembered with its place among the tabs', () => {
    const kept = storage();
    rememberTab({ active: 'b', order: ['a', 'b', 'c'], sessions }, kept);
    assert.deepEqual(recallTab(kept), { sessionId: 'b', index: 1 });
    assert.equal(resumedTab(['a', 'b', 'c'], recallTab(kept)), 'b');
  });

  it('gives way to the tab now at its place, or the last one when the tabs after it closed too', () => {
    assert.equal(resumedTab(['a', 'c'], { sessionId: 'b', index: 1 }), 'c');
    assert.equal(resumedTab(['a'], { sessionId: 'c', index: 2 }), 'a');
    assert.equal(resumedTab([], { sessionId: 'c', index: 2 }), undefined);
  });

  it('is the first tab in a window that remembers nothing, holds something else, or may not store', () => {
    assert.equal(resumedTab(['a', 'b'], recallTab(storage())), 'a');
    const other = storage();
    other.setItem('revtel.activeTab', '{"sessionId": 7}');
    assert.equal(recallTab(other), undefined);
    other.setItem('revtel.activeTab', 'not json');
    assert.equal(recallTab(other), undefined);
    const refused = storage(true);
    rememberTab({ active: 'b', order: ['a', 'b'], sessions }, refused);
    assert.equal(recallTab(refused), undefined);
    assert.equal(recallTab(undefined), undefined);
  });
});
