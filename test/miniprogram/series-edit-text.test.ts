// Mini program lib: what the editor shows after saving an edit of a recurring series — which occurrences took the
// edit, which was replaced by the new rule's next one, which was already sending and kept its content.
import { seriesEditText, SKIP_REASON_TEXT } from '../../miniprogram/lib/campaign-repeat';

it('names each occurrence by its day, in Chinese', () => {
  expect(seriesEditText(undefined)).toBe('');
  expect(seriesEditText({ updated: [], replaced: [], leftAlone: [] })).toBe('');
  expect(seriesEditText({ updated: ['s1.20260502'], replaced: [], leftAlone: [{ id: 's1.20260501', status: 'running', why: 'already sending' }] }))
    .toBe('已同步到未开始的 1 次发送（05-02）；05-01 正在发送，保持原内容');
  expect(seriesEditText({ updated: [], replaced: [{ from: 's1.20260501', to: 's1.20260503' }], leftAlone: [] })).toBe('05-01 不再发送，改为 05-03');
  expect(seriesEditText({ updated: [], replaced: [{ from: 's1.20260501', to: null }], leftAlone: [] })).toBe('05-01 不再发送，新规则下没有下一次');
  expect(SKIP_REASON_TEXT.series_edited).toBeTruthy();
});
