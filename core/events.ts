// Core: demo events (活动) for the reminders demo — the document shape, its store port and the seed set.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface EventDoc {
  _id: string;
  title: string;
  place: string;
  /** Epoch ms. */
  startAt: number;
  /** Line for the reminder card's 温馨提示 (thing ≤ 20). */
  tip: string;
  demo?: boolean;
  updatedAt: number;
}

export interface EventStore {
  get(id: string): Promise<EventDoc | null>;
  /** Events starting after `now`, soonest first. */
  upcoming(now: number, limit: number): Promise<EventDoc[]>;
  /** Creates or replaces by `_id` (seeding twice leaves one document per id). */
  upsert(doc: EventDoc): Promise<void>;
}

/** `YYYY-MM-DD` of `now` plus `days` in `zone`, at `hh:mm` there, as epoch ms. */
function at(now: number, zone: string, days: number, hhmm: string): number {
  const date = dayjs(now).tz(zone).add(days, 'day').format('YYYY-MM-DD');
  return dayjs.tz(`${date} ${hhmm}`, zone).valueOf();
}

/**
 * The demo set, relative to `now` so it is always upcoming after seeding. Deterministic ids: seeding again
 * refreshes the same four documents. One title is longer than 20 characters on purpose (the card truncates it).
 */
export function demoEvents(now: number, zone: string): EventDoc[] {
  const soon = Math.ceil((now + 30 * 60_000) / 300_000) * 300_000; // ~30 min ahead, on a 5-minute mark
  const base = { demo: true, updatedAt: now };
  return [
    { _id: 'evt-demo-meditation', title: '午间冥想十五分钟', place: '线上直播间', startAt: soon, tip: '请提前准备好安静的环境', ...base },
    { _id: 'evt-demo-reading', title: '周末读书会：《三体》第一部分享与讨论之夜（线下场）', place: '市图书馆三楼报告厅', startAt: at(now, zone, 1, '19:30'), tip: '请提前10分钟到场', ...base },
    { _id: 'evt-demo-nightrun', title: '城市夜跑·滨江十公里', place: '滨江公园南门集合', startAt: at(now, zone, 2, '20:00'), tip: '记得带水和反光背心', ...base },
    { _id: 'evt-demo-market', title: '周末创意市集', place: '创意园区A座广场', startAt: at(now, zone, 5, '10:00'), tip: '现场支持微信支付', ...base },
  ];
}

export async function seedDemoEvents(store: EventStore, now: number, zone: string): Promise<string[]> {
  const events = demoEvents(now, zone);
  for (const e of events) await store.upsert(e);
  return events.map((e) => e._id);
}
