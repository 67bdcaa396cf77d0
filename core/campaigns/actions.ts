// Core (pure): the action tables of the `campaigns` (admins only) and `track` (mini program) functions.
import { z } from 'zod';
import { action, type ActionTable } from '../actions';
import { id } from '../schema';
import type { CampaignDeps } from './ports';
import { analyticsSchema, createSchema, idSchema, listSchema, occurrencesSchema, scheduleSchema, testSendSchema, updateSchema } from './schema';
import { cancelAny, endSeries, listOccurrences, pauseAny, resumeAny } from './series-actions';
import { createCampaign, scheduleCampaign, updateCampaign } from './edit';
import { analyticsOf, campaignStats, getCampaign, listCampaigns, previewAudience, testSendCampaign } from './read';
import { clickThrough, OPEN_SOURCES, reportOpen, type TrackDeps } from './track';

export const campaignActions: ActionTable<CampaignDeps> = {
  list: action({ schema: listSchema, admin: true, run: (d, i: z.infer<typeof listSchema>) => listCampaigns(d, i) }),
  get: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => getCampaign(d, i) }),
  create: action({ schema: createSchema, admin: true, run: (d, i: z.infer<typeof createSchema>, caller) => createCampaign(d, i, caller) }),
  update: action({ schema: updateSchema, admin: true, run: (d, i: z.infer<typeof updateSchema>) => updateCampaign(d, i) }),
  schedule: action({ schema: scheduleSchema, admin: true, run: (d, i: z.infer<typeof scheduleSchema>) => scheduleCampaign(d, i) }),
  // A recurring series moves with its occurrences (core/campaigns/series-actions.ts); a one-off campaign as before.
  pause: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => pauseAny(d, i) }),
  resume: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => resumeAny(d, i) }),
  cancel: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => cancelAny(d, i) }),
  end: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => endSeries(d, i) }),
  occurrences: action({ schema: occurrencesSchema, admin: true, run: (d, i: z.infer<typeof occurrencesSchema>) => listOccurrences(d, i) }),
  previewAudience: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => previewAudience(d, i) }),
  testSend: action({ schema: testSendSchema, admin: true, run: (d, i: z.infer<typeof testSendSchema>, caller) => testSendCampaign(d, i, caller) }),
  stats: action({ schema: idSchema, admin: true, run: (d, i: z.infer<typeof idSchema>) => campaignStats(d, i) }),
  analytics: action({ schema: analyticsSchema, admin: true, run: (d, i: z.infer<typeof analyticsSchema>) => analyticsOf(d, i) }),
};

const openSchema = z.object({ deliveryId: id() }).strict();

const ctrSchema = z.object({ sourceType: z.enum(OPEN_SOURCES), sourceId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_\-.:]+$/, 'must be an id or key') }).strict();

export const trackActions: ActionTable<TrackDeps> = {
  open: action({ schema: openSchema, run: (d, i: z.infer<typeof openSchema>, caller) => reportOpen(d, i, caller) }),
  // Admins: click-through per campaign or per notify key (`{ sourceType: 'notify', sourceId: <key> }`).
  ctr: action({ schema: ctrSchema, admin: true, run: (d, i: z.infer<typeof ctrSchema>) => clickThrough(d, i) }),
};
