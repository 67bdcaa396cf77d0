// Unit (pure): config/tixing.json resolved per environment id (core/config.ts) — the defaults, an env's overrides
// (lists replace), an unknown env id, and a malformed file refused with the field named.
import { isIanaZone, resolveAppConfig } from '../../core/config';
import file from '../../config/tixing.json';

it('the shipped file: tixing-local keeps the defaults, tixing-prod has its own admins, whitelist and state', () => {
  const local = resolveAppConfig(file, 'tixing-local');
  expect(local).toMatchObject({ envId: 'tixing-local', matched: true, miniprogramState: 'developer', admins: ['o-admin', 'o-dev'], testWhitelist: ['o-admin', 'o-dev'], zone: 'Asia/Shanghai' });
  const prod = resolveAppConfig(file, 'tixing-prod');
  expect(prod).toMatchObject({ matched: true, miniprogramState: 'formal', admins: ['o-prod-admin'], testWhitelist: ['o-prod-admin'], lang: 'zh_CN' });
  expect(resolveAppConfig(file, 'someone-else')).toMatchObject({ matched: false, admins: ['o-admin', 'o-dev'], miniprogramState: 'developer' });
});

it('lists replace instead of merging; limits merge key by key', () => {
  const raw = { admins: ['a'], limits: { recordPerMinute: 10 }, environments: { e1: { admins: [], limits: { maxTemplatesPerRequest: 2 } } } };
  expect(resolveAppConfig(raw, 'e1')).toMatchObject({ admins: [], limits: { recordPerMinute: 10, maxTemplatesPerRequest: 2 } });
});

it('a malformed file is refused with the field named', () => {
  expect(() => resolveAppConfig({ environments: { e1: { miniprogramState: 'prod' } } }, 'e1')).toThrow(/environments\.e1\.miniprogramState/);
  expect(() => resolveAppConfig({ admin: ['typo'] }, 'e1')).toThrow(/config\/tixing\.json/);
  expect(() => resolveAppConfig({ zone: 'Mars/Base' }, 'e1')).toThrow(/IANA/);
});

it('isIanaZone', () => {
  for (const z of ['Asia/Shanghai', 'America/New_York', 'UTC', 'Europe/Berlin']) expect(isIanaZone(z)).toBe(true);
  for (const z of ['', 'Mars/Base', 'shanghai', '../etc', 'Asia/Shanghai; drop', 'x'.repeat(70)]) expect(isIanaZone(z)).toBe(false);
});
