// Mini program lib (pure): the editor's audience fields → campaigns' `audience` payload and back, with local checks.
import { audienceFields, audiencePayload, audienceProblems, emptyAudience, type AudienceFields } from '../../miniprogram/lib/audience-form';
import { audienceSchema } from '../../core/campaigns/schema';

const form = (p: Partial<AudienceFields>): AudienceFields => ({ ...emptyAudience(), attributes: '', ...p });

it('a segment with all / any of / none of tags and attribute lists becomes a payload the server accepts, and back', () => {
  const f = form({ audienceKind: 'segment', tags: 'vip', anyTags: 'reader，writer', notTags: 'churned', attributes: 'city=上海|北京, level=3', notAttributes: 'paid=false' });
  expect(audienceProblems(f)).toEqual([]);
  const a = audiencePayload(f);
  expect(a).toEqual({ kind: 'segment', tags: ['vip'], anyTags: ['reader', 'writer'], notTags: ['churned'], attributes: { city: ['上海', '北京'], level: 3 }, notAttributes: { paid: false } });
  expect(audienceSchema.safeParse(a).success).toBe(true);
  expect(audiencePayload(audienceFields(a))).toEqual(a);
});

it('a list of openids: deduplicated, checked, accepted by the server schema', () => {
  const f = form({ audienceKind: 'list', openids: 'o-a, o-b\no-a  o-c' });
  expect(audienceProblems(f)).toEqual([]);
  expect(audiencePayload(f)).toEqual({ kind: 'list', openids: ['o-a', 'o-b', 'o-c'] });
  expect(audienceSchema.safeParse(audiencePayload(f)).success).toBe(true);
  expect(audienceProblems(form({ audienceKind: 'list', openids: '' }))).toEqual(['请填写至少一个 openid']);
  expect(audienceProblems(form({ audienceKind: 'list', openids: 'o-a, bad/openid' }))[0]).toMatch(/不是有效的 openid/);
  expect(audienceProblems(form({ audienceKind: 'segment' }))).toEqual(['按条件筛选时请至少填写一个标签或属性']);
  expect(audienceProblems(form({ audienceKind: 'segment', notTags: 'churned' }))).toEqual([]);
});
